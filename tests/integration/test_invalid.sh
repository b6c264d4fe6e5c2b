#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Usage errors exit 2 with one error line and change nothing: invalid fabric
# names, node names, CIDRs, numbers, unknown commands/options, missing
# arguments. A fabric that does not exist is exit 1. --version, help and
# COMMAND --help exit 0.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
cleanup_fabric "$F"
NET=10.210.13

# What a wrong command could have made: objects named after the test's
# fabric or after the invalid names, a route for the test's subnet, records.
BAD_NAMES=("t234567890" "-ab" "_ab" "a b" "a.b" "ab:c" "é" "-x" ".x" "x:y")
snapshot() {
	local n
	ours "$F" "${BAD_NAMES[@]}"
	ip -4 route show $NET.0/24
	for n in "$F" "${BAD_NAMES[@]}"; do
		[[ -e /run/fabricctl/$n ]] && echo "record $n"
	done
	[[ -e /run/fabricctl/a ]] && echo "record a"
	return 0
}
before=$(snapshot)

usage_error() { # ARGS...: exit 2, one line, nothing changed
	fab "$@"
	if [[ $FAB_RC -ne 2 ]]; then
		_fab_show_run "$@"
		fail "fabricctl $*: exit $FAB_RC, want 2 (usage error)"
	fi
	fab_err_line
	[[ "$(snapshot)" == "$before" ]] || fail "fabricctl $* changed the host"
	return 0
}

# Fabric names: 1-8 of [A-Za-z0-9_-], starting alphanumeric.
for name in "" "t234567890" "a/b" ".." "." "-ab" "_ab" "a b" "a.b" "ab:c" "a*" "é"; do
	usage_error create "$name" --subnet $NET.0/24
done
# CIDRs: strict A.B.C.D/LEN, no host bits, /13../30.
for cidr in "" "$NET.0" "$NET.0/33" "$NET.0/31" "$NET.0/32" "10.208.0.0/12" "$NET.1/24" \
	"$NET.0/24x" "300.1.1.0/24" "abc" "$NET.0/-1" "$NET/24" "$NET.0.0/24" " $NET.0/24" "$NET.0/"; do
	usage_error create "$F" --subnet "$cidr"
done
usage_error create "$F" --subnet
usage_error create "$F" --mtu abc
usage_error create
usage_error create "$F" --bogus
usage_error create "$F" extra --subnet $NET.0/24
usage_error frobnicate
fab
assert_eq "$FAB_RC" 2 "exit status with no command"

# Valid boundary values are accepted.
fab_ok create "$F" --subnet $NET.0/24
before=$(snapshot)

long=$(printf 'n%.0s' {1..64})
for node in "" "$long" "a/b" ".." "." ".x" "-x" "a b" "x:y" $'a\tb'; do
	usage_error add-node "$F" "$node"
done
usage_error add-node "$F"
usage_error add-node "$F" "${F}d" "${F}d"
usage_error add-node "$F" --count 0
usage_error add-node "$F" --count -3
usage_error add-node "$F" --count abc
usage_error add-node "$F" --count
usage_error add-node "$F" --count 2 --prefix "a/b"
usage_error add-node "$F" "${F}a" --ip nonsense
usage_error del-node "$F"
usage_error exec "$F"
usage_error show
usage_error show "a/b"

# A fabric that does not exist: exit 1.
G=$(fab_name)
for args in "show $G" "add-node $G ${G}a" "del-node $G ${G}a" "exec $G ${G}a -- true"; do
	# shellcheck disable=SC2086
	fab $args
	# shellcheck disable=SC2086
	[[ $FAB_RC -eq 1 ]] || { _fab_show_run $args; fail "fabricctl $args on a missing fabric: exit $FAB_RC, want 1"; }
	fab_err_line
	assert_contains "$FAB_ERR" "$G" "error for a missing fabric"
done
[[ "$(snapshot)" == "$before" ]] || fail "commands on a missing fabric changed the host"
[[ -z $(leftovers "$G") ]] || fail "commands on a missing fabric left: $(leftovers "$G")"

# Names of maximal length are fine: 8-char fabric, 63-char node.
M=${F}ab
assert_eq "${#M}" 8 "length of $M"
cleanup_fabric "$M"
fab_ok create "$M" --subnet 10.210.113.0/24
n63=${M}$(printf 'x%.0s' {1..55})
assert_eq "${#n63}" 63 "length of the long node name"
fab_ok add-node "$M" "$n63" "${M}_a.b-c"
netns_exists "$n63" || fail "no netns for a 63-char node name"
netns_exists "${M}_a.b-c" || fail "no netns ${M}_a.b-c"
fab_ok destroy "$M"

# Help and version.
fab_ok --version
assert_match "$FAB_OUT" '[0-9]+\.[0-9]+\.[0-9]+' "--version"
fab_ok help
assert_contains "$FAB_OUT" add-node "help"
for c in create add-node del-node destroy list show exec; do
	fab_ok "$c" --help
	[[ -n $FAB_OUT ]] || fail "$c --help printed nothing on stdout"
done
exit 0
