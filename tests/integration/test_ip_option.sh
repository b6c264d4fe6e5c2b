#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# --ip ADDR: honoured (address, MAC, host veth "<F>-<slot>"); refused when
# taken, outside the subnet, the network, gateway or broadcast address, or
# given with several nodes, and then nothing is created; released by
# del-node and reusable by another node.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
cleanup_fabric "$F"
NET=10.210.6

fab_ok create "$F" --subnet $NET.0/24
fab_ok add-node "$F" "${F}a" --ip $NET.50
assert_eq "$(node_inet "${F}a")" $NET.50/24 "address of ${F}a"
assert_eq "$(ip -n "${F}a" -j link show dev eth0 | jq -r '.[0].address')" "$(mac_of $NET.50)" "MAC of ${F}a"
link_exists "$F-50" || fail "no host veth $F-50"
assert_eq "$(master_of "$F-50")" "$F-c0" "master of $F-50"
ping_ok "${F}a" $NET.1

before=$(ours "$F")

# Refusals: nothing created each time.
check_refused() { # WHAT NODE ARGS...
	local what=$1 node=$2
	shift 2
	fab add-node "$F" "$node" "$@"
	[[ $FAB_RC -eq 1 || $FAB_RC -eq 2 ]] || { _fab_show_run add-node "$F" "$node" "$@"; fail "$what: exit $FAB_RC, want 1 or 2"; }
	fab_err_line
	netns_exists "$node" && fail "$what: netns $node was created"
	assert_eq "$(ours "$F")" "$before" "$what: links and netns"
	return 0
}
check_refused "address taken" "${F}b" --ip $NET.50
assert_contains "$FAB_ERR" "$NET.50" "error for a taken address"
check_refused "outside the subnet" "${F}b" --ip 10.210.106.5
check_refused "network address" "${F}b" --ip $NET.0
check_refused "gateway address" "${F}b" --ip $NET.1
check_refused "broadcast address" "${F}b" --ip $NET.255
fab_rc 2 add-node "$F" "${F}b" --ip $NET.300
netns_exists "${F}b" && fail "bad --ip: netns created"
fab_rc 2 add-node "$F" "${F}b" "${F}c" --ip $NET.60
netns_exists "${F}b" && fail "--ip with two nodes: netns ${F}b created"
netns_exists "${F}c" && fail "--ip with two nodes: netns ${F}c created"
assert_eq "$(ours "$F")" "$before" "links and netns after refusals"
fab_ok -j show "$F"
assert_eq "$(echo "$FAB_OUT" | jq -r '.nodes | length')" 1 "nodes after refusals"

# Released on del-node, reusable.
fab_ok del-node "$F" "${F}a"
wait_gone "${F}a" "$F-50" || fail "del-node left ${F}a or $F-50"
fab_ok add-node "$F" "${F}b" --ip $NET.50
assert_eq "$(node_inet "${F}b")" $NET.50/24 "address of ${F}b reusing .50"
assert_eq "$(master_of "$F-50")" "$F-c0" "master of $F-50"
ping_ok "${F}b" $NET.1
# An ordinary add does not hand out the address that is in use.
fab_ok add-node "$F" "${F}c"
a=$(node_inet "${F}c")
assert_ne "$a" "$NET.50/24" "address of ${F}c"
exit 0
