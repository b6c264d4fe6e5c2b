#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# del-node removes the node's netns and veth pair and nothing else (every
# other link and netns on the host is unchanged, the other nodes still
# talk); unknown node -> exit 1; several names at once; --all empties the
# fabric but keeps it. In a fabric of cells, deleting the last node of a
# cell removes that cell's bridge and router leg (and nothing of cell 0),
# check stays clean, and the cell comes back with the next node there.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
cleanup_fabric "$F"
NET=10.210.7
BR=$F-c0

fab_ok create "$F" --subnet $NET.0/24
fab_ok add-node "$F" "${F}a" "${F}b" "${F}c" "${F}d" "${F}e"
assert_eq "$(node_inet "${F}b")" $NET.3/24 "address of ${F}b"

before=$(ours "$F")
br_before=$(link_json "$BR" | jq -c '{ifindex, address, mtu}')

fab_ok -j del-node "$F" "${F}b"
assert_eq "$(echo "$FAB_OUT" | jq -c '{fabric, deleted}')" "{\"fabric\":\"$F\",\"deleted\":[\"${F}b\"]}" "del-node -j"
wait_gone "${F}b" "$F-3" || fail "${F}b or $F-3 still there after del-node"
assert_eq "$(ours "$F")" "$(grep -v -e "^link $F-3 " -e "^netns ${F}b\$" <<<"$before")" "links and netns after del-node"
assert_eq "$(link_json "$BR" | jq -c '{ifindex, address, mtu}')" "$br_before" "bridge after del-node"
assert_eq "$(bridge_ports "$BR" | sort | tr '\n' ' ')" "$F-2 $F-4 $F-5 $F-6 " "ports of $BR"
ping_ok "${F}a" $NET.4
ping_ok "${F}c" $NET.2
fab_ok -j show "$F"
assert_eq "$(echo "$FAB_OUT" | jq -r '[.nodes[].name] | sort | join(" ")')" "${F}a ${F}c ${F}d ${F}e" "show after del-node"

# Unknown node (and one that was just deleted): exit 1, nothing changes.
fab_rc 1 del-node "$F" "${F}zz"
fab_err_line
fab_rc 1 del-node "$F" "${F}b"
assert_eq "$(bridge_ports "$BR" | wc -l)" 4 "ports after failed del-node"

# Several at once.
fab_ok del-node "$F" "${F}a" "${F}c"
wait_gone "${F}a" "${F}c" "$F-2" "$F-4" || fail "del-node of two left something"
netns_exists "${F}d" || fail "${F}d vanished"

# --all: no node left, the fabric (bridge, gateway, record) stays.
fab_ok -j del-node "$F" --all
assert_eq "$(echo "$FAB_OUT" | jq -r '.deleted | sort | join(" ")')" "${F}d ${F}e" "del-node --all -j"
wait_gone "${F}d" "${F}e" "$F-5" "$F-6" || fail "del-node --all left something"
assert_eq "$(bridge_ports "$BR" | wc -l)" 0 "ports after --all"
link_exists "$BR" || fail "del-node --all removed the bridge"
[[ -f /run/fabricctl/$F/state ]] || fail "del-node --all removed the state record"
fab_ok -j show "$F"
assert_eq "$(echo "$FAB_OUT" | jq -r '.nodes | length')" 0 "nodes after --all"
# And the fabric is still usable, also under a deleted node's name.
fab_ok add-node "$F" "${F}f" "${F}b"
ping_ok "${F}f" $NET.1
ping_ok "${F}b" $NET.1
assert_consistent "$F"

# Cells: the last node of cell 1 takes the cell's bridge and leg with it.
G=$(fab_name)
cleanup_fabric "$G"
fab_ok create "$G" --subnet 10.210.24.0/25 --cell-size 64
fab_ok add-node "$G" "${G}a"
fab_ok add-node "$G" "${G}c" --ip 10.210.24.70
fab_ok add-node "$G" "${G}d" --ip 10.210.24.71
link_exists "$G-c1" && link_exists "$G-r1" || fail "cell 1 has no bridge or leg"
fab_ok del-node "$G" "${G}c"
link_exists "$G-c1" || fail "del-node of one of cell 1's two nodes removed its bridge"
fab_ok del-node "$G" "${G}d"
! link_exists "$G-c1" || fail "the bridge of empty cell 1 is left"
! link_exists "$G-r1" || fail "the router leg of empty cell 1 is left"
link_exists "$G-c0" && link_exists "$G-r0" || fail "cell 0's bridge or leg went too"
[[ -z $(ip -n ".fabricctl-$G" -j link show dev c1 2>/dev/null) ]] || fail "the router still has leg c1"
fab_ok check "$G"
ping_ok "${G}a" 10.210.24.1
fab_ok add-node "$G" "${G}e" --ip 10.210.24.72
ping_ok "${G}e" 10.210.24.2 # across the router, cell 1 made again
assert_consistent "$G"
exit 0
