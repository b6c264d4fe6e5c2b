#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Without root (uid/gid 65534, no capabilities): create, add-node, del-node
# and destroy fail with one error line before touching anything (exit 1);
# --version and help still work.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"

F=$(fab_name)
G=$(fab_name)
cleanup_fabric "$F" "$G"
NET=10.210.14

# A copy the unprivileged user can reach whatever the build dir's modes.
mkdir -m 0755 "$TEST_TMP/bin"
chmod 0755 "$TEST_TMP"
install -m 0755 "$FABRICCTL" "$TEST_TMP/bin/fabricctl"
nobody() {
	if setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$TEST_TMP/bin/fabricctl" "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null; then
		FAB_RC=0
	else
		FAB_RC=$?
	fi
	# shellcheck disable=SC2034
	FAB_OUT=$(cat "$TEST_TMP/out")
	FAB_ERR=$(cat "$TEST_TMP/err")
}
refused() { # ARGS...
	nobody "$@"
	[[ $FAB_RC -eq 1 ]] || { _fab_show_run "$@"; fail "as nobody, fabricctl $*: exit $FAB_RC, want 1"; }
	fab_err_line
	assert_match "$FAB_ERR" '(root|CAP_NET_ADMIN|[Pp]ermission|privilege)' "not-root error"
}

fab_ok create "$F" --subnet $NET.0/25
fab_ok add-node "$F" "${F}a"
snapshot() { ours "$F" "$G"; leftovers "$G"; cat "/run/fabricctl/$F/state"; }
before=$(snapshot)

refused create "$G" --subnet $NET.128/25
[[ -z $(leftovers "$G") ]] || fail "create as nobody left: $(leftovers "$G")"
refused add-node "$F" "${F}b"
refused add-node "$F" --count 3 --prefix "${F}m"
refused del-node "$F" "${F}a"
refused destroy "$F"
assert_eq "$(snapshot)" "$before" "host after commands as nobody"
ping_ok "${F}a" $NET.1

nobody --version
assert_eq "$FAB_RC" 0 "--version as nobody"
nobody help
assert_eq "$FAB_RC" 0 "help as nobody"
exit 0
