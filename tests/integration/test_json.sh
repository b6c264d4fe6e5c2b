#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# JSON output: every command's -j output parses with jq and has the
# documented keys and types; -p (pretty) parses too; -j may come after the
# command; with -j an error is {"error": "..."} on stdout with the same exit
# status; the values agree with the kernel.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
cleanup_fabric "$F"
NET=10.210.17

has_keys() { # JSON KEYS... : exactly these keys (at least)
	local j=$1 k
	shift
	for k in "$@"; do
		echo "$j" | jq -e --arg k "$k" 'has($k)' >/dev/null || fail "no key '$k' in $j"
	done
}
type_is() { # JSON FILTER TYPE
	assert_eq "$(echo "$1" | jq -r "$2 | type")" "$3" "type of $2"
}

fab_ok -j create "$F" --subnet $NET.0/24
has_keys "$FAB_OUT" name subnet gateway bridge mtu
type_is "$FAB_OUT" .mtu number
assert_eq "$(echo "$FAB_OUT" | jq -r .mtu)" "$(cat /sys/class/net/"$F"-c0/mtu)" "create -j .mtu vs kernel"

fab_ok -j add-node "$F" "${F}a" "${F}b"
has_keys "$FAB_OUT" fabric added
type_is "$FAB_OUT" .added array
for i in 0 1; do
	a=$(echo "$FAB_OUT" | jq -c ".added[$i]")
	has_keys "$a" name address mac host_veth ifindex
	type_is "$a" .ifindex number
	assert_eq "$(echo "$a" | jq -r .ifindex)" "$(cat /sys/class/net/"$(echo "$a" | jq -r .host_veth)"/ifindex)" "added[$i].ifindex vs kernel"
done

fab_ok -j list
type_is "$FAB_OUT" . array
e=$(echo "$FAB_OUT" | jq -c --arg f "$F" '.[] | select(.name == $f)')
[[ -n $e ]] || fail "list -j has no $F: $FAB_OUT"
has_keys "$e" name subnet gateway bridge mtu nodes
type_is "$e" .nodes number
type_is "$e" .mtu number
assert_eq "$(echo "$e" | jq -c '[.subnet, .gateway, .bridge, .nodes]')" "[\"$NET.0/24\",\"$NET.1\",\"$F-c0\",2]" "list -j entry"

fab_ok -j show "$F"
s=$FAB_OUT
has_keys "$s" name subnet gateway bridge mtu nodes
type_is "$s" .nodes array
assert_eq "$(echo "$s" | jq -r '.nodes | length')" 2 "show -j node count"
for i in 0 1; do
	n=$(echo "$s" | jq -c ".nodes[$i]")
	has_keys "$n" name address prefix_len mac host_veth ifindex state
	type_is "$n" .prefix_len number
	type_is "$n" .ifindex number
	name=$(echo "$n" | jq -r .name)
	assert_eq "$(echo "$n" | jq -r '"\(.address)/\(.prefix_len)"')" "$(node_inet "$name")" "show -j address of $name vs kernel"
	assert_eq "$(echo "$n" | jq -r .mac)" "$(ip -n "$name" -j link show dev eth0 | jq -r '.[0].address')" "show -j mac of $name vs kernel"
	assert_eq "$(echo "$n" | jq -r .state)" up "show -j state of $name"
done

# Pretty and option placement.
fab_ok -p show "$F"
[[ $(echo "$FAB_OUT" | wc -l) -gt 1 ]] || fail "-p output is not pretty: $FAB_OUT"
assert_eq "$(echo "$FAB_OUT" | jq -c .)" "$(echo "$s" | jq -c .)" "-p show vs -j show"
fab_ok show "$F" -j
assert_eq "$(echo "$FAB_OUT" | jq -c .)" "$(echo "$s" | jq -c .)" "show F -j vs -j show F"
fab_ok --json list
echo "$FAB_OUT" | jq -e . >/dev/null || fail "--json list is not JSON"

# Errors as JSON, with the same exit status.
fab -j show "${F}zz"
assert_eq "$FAB_RC" 1 "-j show of a missing fabric: exit"
echo "$FAB_OUT" | jq -e '.error | type == "string"' >/dev/null || fail "-j error is not {\"error\":\"...\"} on stdout: '$FAB_OUT' (stderr '$FAB_ERR')"
fab -j create "a/b"
assert_eq "$FAB_RC" 2 "-j create with a bad name: exit"
echo "$FAB_OUT" | jq -e '.error | type == "string"' >/dev/null || fail "-j usage error is not JSON: '$FAB_OUT'"

fab_ok -j del-node "$F" "${F}b"
has_keys "$FAB_OUT" fabric deleted
assert_eq "$(echo "$FAB_OUT" | jq -c .deleted)" "[\"${F}b\"]" "del-node -j .deleted"

fab_ok -j destroy "$F"
has_keys "$FAB_OUT" fabric destroyed nodes
type_is "$FAB_OUT" .destroyed boolean
type_is "$FAB_OUT" .nodes number
assert_eq "$(echo "$FAB_OUT" | jq -r .nodes)" 1 "destroy -j .nodes"
exit 0
