# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Helpers for the fabricctl-cni tests (source after lib.sh): drive the
# plugin as libcni does, with the environment and a configuration on stdin.

CNI_PLUGIN=${CNI_PLUGIN:-${FABRICCTL}-cni}
[[ -x $CNI_PLUGIN ]] || fail "no plugin at $CNI_PLUGIN (make)"

# cni_conf VERSION FABRIC [SUBNET] [EXTRA-JSON]: a network configuration.
cni_conf() {
	local v=$1 f=$2 subnet=${3:-} extra=${4:-'{}'}
	jq -cn --arg v "$v" --arg f "$f" --arg s "$subnet" --argjson x "$extra" \
		'{cniVersion: $v, name: ($f + "net"), type: "fabricctl-cni", fabric: $f, tune: true}
		 + (if $s == "" then {} else {subnet: $s} end) + $x'
}

# cni CMD CONF VAR=VALUE...: run the plugin; CNI_OUT, CNI_RC.
cni() {
	local cmd=$1 conf=$2
	shift 2
	if CNI_OUT=$(env CNI_COMMAND="$cmd" CNI_PATH=/usr/lib/cni "$@" "$CNI_PLUGIN" <<<"$conf" 2>"$TEST_TMP/cni_err"); then
		CNI_RC=0
	else
		CNI_RC=$?
	fi
}

# cni_ok CMD CONF VAR=VALUE...: must succeed.
cni_ok() {
	cni "$@"
	[[ $CNI_RC -eq 0 ]] || fail "CNI $1 failed (exit $CNI_RC): $CNI_OUT $(cat "$TEST_TMP/cni_err")"
}

# cni_code WANT CMD CONF VAR=VALUE...: must fail with CNI error code WANT.
cni_code() {
	local want=$1
	shift
	cni "$@"
	[[ $CNI_RC -ne 0 ]] || fail "CNI $1 succeeded, want error code $want: $CNI_OUT"
	assert_eq "$(jq -r .code <<<"$CNI_OUT")" "$want" "CNI $1 error code ($(jq -r .msg <<<"$CNI_OUT"))"
}

# with_prev CONF RESULT: CONF with prevResult.
with_prev() { jq -c --argjson r "$2" '. + {prevResult: $r}' <<<"$1"; }
