#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Foreign objects are never taken over, changed or deleted: a netns of a
# node's name made with `ip netns add` (single and bulk add, del-node), a
# node of another fabric; and destroy removes only what the fabric made,
# even next to foreign objects whose names look like its own.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
G=$(fab_name)
cleanup_fabric "$F" "$G"

fab_ok create "$F" --subnet 10.210.9.0/26
fab_ok create "$G" --subnet 10.210.9.64/26

# 1. A netns that is not ours, with the node's name.
foreign_netns "${F}x"
ino=$(stat -c %i "/run/netns/${F}x")
before=$(ours "$F" "$G")
fab_rc 1 add-node "$F" "${F}x"
fab_err_line
assert_contains "$FAB_ERR" "${F}x" "error for a foreign netns"
netns_exists "${F}x" || fail "foreign netns ${F}x was deleted"
assert_eq "$(stat -c %i "/run/netns/${F}x")" "$ino" "inode of /run/netns/${F}x"
assert_eq "$(ip -n "${F}x" -j link show | jq -r '[.[].ifname] | join(",")')" lo "links in foreign netns"
assert_eq "$(ours "$F" "$G")" "$before" "links and netns after refused add"
fab_ok -j show "$F"
assert_eq "$(echo "$FAB_OUT" | jq -r '.nodes | length')" 0 "nodes after refused add"
# ... and del-node will not delete it either.
fab_rc 1 del-node "$F" "${F}x"
netns_exists "${F}x" || fail "del-node deleted foreign netns ${F}x"

# 2. A node of another fabric is not this fabric's to take.
fab_ok add-node "$F" "${F}a"
fab_rc 1 add-node "$G" "${F}a"
fab_err_line
assert_eq "$(node_inet "${F}a")" 10.210.9.2/26 "address of ${F}a after $G tried to take it"
ping_ok "${F}a" 10.210.9.1
link_exists "$G-2" && fail "$G made $G-2 for a node it could not take"
fab_rc 1 del-node "$G" "${F}a"
netns_exists "${F}a" || fail "del-node $G deleted $F's node"

# 2b. Bulk names skip a foreign netns that has one of them, and leave it alone.
foreign_netns "${F}m2"
fab_ok -j add-node "$F" --count 3 --prefix "${F}m"
assert_eq "$(echo "$FAB_OUT" | jq -r '[.added[].name] | join(" ")')" "${F}m1 ${F}m3 ${F}m4" "bulk names around a foreign netns"
assert_eq "$(ip -n "${F}m2" -j link show | jq -r '[.[].ifname] | join(",")')" lo "links in foreign netns ${F}m2"
fab_ok del-node "$F" "${F}m1" "${F}m3" "${F}m4"
netns_exists "${F}m2" || fail "del-node removed foreign netns ${F}m2"

# 3. destroy removes only what it made: foreign objects named like the
# fabric's (a netns "${F}x", a dummy "${F}d", a dummy in the host-veth
# scheme "$F-60") survive it.
foreign_link "${F}d"
foreign_link "$F-60"
fab_ok destroy "$F"
wait_gone "${F}a" "$F-2" || fail "destroy left ${F}a"
netns_exists "${F}x" || fail "destroy $F deleted foreign netns ${F}x"
assert_eq "$(stat -c %i "/run/netns/${F}x")" "$ino" "inode of /run/netns/${F}x after destroy"
link_exists "${F}d" || fail "destroy $F deleted foreign link ${F}d"
link_exists "$F-60" || fail "destroy $F deleted foreign link $F-60"
assert_eq "$(leftovers "$F" | sort | tr '\n' ' ')" "link $F-60 link ${F}d netns ${F}m2 netns ${F}x " "what is left after destroy $F"
exit 0
