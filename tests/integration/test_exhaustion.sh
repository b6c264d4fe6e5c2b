#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Subnet exhaustion: a /29 has 5 node slots (.2-.6): the 6th add-node fails
# with an error naming the subnet, and creates nothing; a freed slot is
# used again. A /30 has exactly one node slot.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
G=$(fab_name)
cleanup_fabric "$F" "$G"
NET=10.210.12

fab_ok create "$F" --subnet $NET.0/29
fab_ok add-node "$F" --count 5 --prefix "${F}n"
for i in 1 2 3 4 5; do
	assert_eq "$(node_inet "${F}n$i")" "$NET.$((i + 1))/29" "address of ${F}n$i"
done
before=$(ours "$F")

fab_rc 1 add-node "$F" "${F}x"
fab_err_line
assert_contains "$FAB_ERR" "$NET.0/29" "exhaustion error names the subnet"
fab_rc 1 add-node "$F" --count 2 --prefix "${F}m"
fab_err_line
assert_contains "$FAB_ERR" "$NET.0/29" "bulk exhaustion error names the subnet"
assert_eq "$(ours "$F")" "$before" "links and netns after exhaustion"
fab_ok -j show "$F"
assert_eq "$(echo "$FAB_OUT" | jq -r '.nodes | length')" 5 "nodes after exhaustion"

# Free one slot: it is used again.
fab_ok del-node "$F" "${F}n3"
wait_gone "${F}n3" "$F-4" || fail "del-node ${F}n3 left something"
fab_ok add-node "$F" "${F}x"
assert_eq "$(node_inet "${F}x")" "$NET.4/29" "address of ${F}x in the freed slot"
ping_ok "${F}x" $NET.6
fab_rc 1 add-node "$F" "${F}y"
assert_consistent "$F"

# /30: one node slot (.10 of 10.210.12.8/30).
fab_ok create "$G" --subnet $NET.8/30
fab_ok add-node "$G" "${G}a"
assert_eq "$(node_inet "${G}a")" "$NET.10/30" "address of the only node of a /30"
ping_ok "${G}a" $NET.9
fab_rc 1 add-node "$G" "${G}b"
assert_contains "$FAB_ERR" "$NET.8/30" "exhaustion error names the /30"
netns_exists "${G}b" && fail "${G}b created in a full /30"
exit 0
