#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Rollback: a foreign link named like the host veth of the address asked
# for with --ip ("<F>-<slot>") makes the veth creation fail. add-node exits 1
# with one error line naming the veth and "File exists"; no netns, veth or
# lease of that node remains; the foreign link is unchanged (not even its
# ifalias) and destroy leaves it alone. Addresses handed out automatically
# skip such a slot instead. In a bulk add that fails on a node (a foreign
# namespace of its name), the nodes before the failure stay and work, the
# failed one and the ones after it do not exist.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
G=$(fab_name)
cleanup_fabric "$F" "$G"

# What must not change on a foreign link.
foreign_view() { link_json "$1" | jq -c '{ifindex, address, mtu, flags, master, ifalias, group, kind: .linkinfo.info_kind}'; }

# --- one node
fab_ok create "$F" --subnet 10.210.10.0/24
foreign_link "$F-2"
d_before=$(foreign_view "$F-2")
fab_rc 1 add-node "$F" "${F}a" --ip 10.210.10.2
fab_err_line
assert_match "$FAB_ERR" "^fabricctl: add-node $F" "error prefix"
assert_contains "$FAB_ERR" "$F-2" "error names the veth"
assert_contains "$FAB_ERR" "File exists" "error gives the kernel's reason"
# Where, what, why: the node, the step that failed, the kernel's reason.
assert_eq "$FAB_ERR" "fabricctl: add-node $F: node \"${F}a\": cannot create veth \"$F-2\": File exists" "error with its context"
wait_gone "${F}a" || fail "netns ${F}a left after a failed add"
assert_eq "$(foreign_view "$F-2")" "$d_before" "foreign link $F-2 after the failed add"
assert_eq "$(bridge_ports "$F-c0" | wc -l)" 0 "ports of $F-c0"
fab_ok -j show "$F"
assert_eq "$(echo "$FAB_OUT" | jq -r '.nodes | length')" 0 "nodes after a failed add"
# No leftover veth ends: the only links named after F are the bridge and the foreign one.
assert_eq "$(leftovers "$F" | grep '^link' | sort | tr '\n' ' ')" "link $F-2 link $F-c0 " "links after a failed add"
# destroy removes the fabric and leaves the foreign link alone.
fab_ok destroy "$F"
wait_gone "$F-c0" || fail "destroy left $F-c0"
link_exists "$F-2" || fail "destroy $F deleted the foreign link $F-2"
assert_eq "$(foreign_view "$F-2")" "$d_before" "foreign link $F-2 after destroy"

# --- automatic addresses skip a slot whose veth name is someone else's
fab_ok create "$G" --subnet 10.210.11.0/24
foreign_link "$G-4"
d_before=$(foreign_view "$G-4")
fab_ok -j add-node "$G" --count 3 --prefix "${G}s"
assert_eq "$(echo "$FAB_OUT" | jq -r '[.added[].address] | join(" ")')" "10.210.11.2 10.210.11.3 10.210.11.5" "addresses around the foreign $G-4"
assert_eq "$(foreign_view "$G-4")" "$d_before" "foreign link $G-4 after the add"
fab_ok del-node "$G" "${G}s1" "${G}s2" "${G}s3"

# --- bulk, failing on the third node (a namespace of its name exists)
ip netns add "${G}n3"
fab_rc 1 add-node "$G" "${G}n1" "${G}n2" "${G}n3" "${G}n4" "${G}n5"
fab_err_line
assert_contains "$FAB_ERR" "${G}n3" "bulk error names the namespace"
assert_contains "$FAB_ERR" "already exists" "bulk error reason"
wait_gone "${G}n4" "${G}n5" || fail "bulk add left nodes after the failure"
netns_exists "${G}n3" || fail "the foreign namespace ${G}n3 was removed"
netns_exists "${G}n1" || fail "${G}n1 (before the failure) was removed"
netns_exists "${G}n2" || fail "${G}n2 (before the failure) was removed"
assert_eq "$(node_inet "${G}n1")" 10.210.11.2/24 "address of ${G}n1"
assert_eq "$(node_inet "${G}n2")" 10.210.11.3/24 "address of ${G}n2"
assert_eq "$(bridge_ports "$G-c0" | sort | tr '\n' ' ')" "$G-2 $G-3 " "ports of $G-c0"
fab_ok -j show "$G"
assert_eq "$(echo "$FAB_OUT" | jq -r '[.nodes[].name] | sort | join(" ")')" "${G}n1 ${G}n2" "show after a failed bulk add"
ping_ok "${G}n1" 10.210.11.3
ping_ok "${G}n2" 10.210.11.1
# The failed nodes' leases were released: their addresses are free again.
ip netns del "${G}n3"
ip link del "$G-4"
fab_ok add-node "$G" "${G}x" --ip 10.210.11.4
assert_eq "$(node_inet "${G}x")" 10.210.11.4/24 "address of ${G}x after rollback"
ping_ok "${G}x" 10.210.11.2
fab_ok -j add-node "$G" "${G}n3" "${G}n4" "${G}n5"
assert_eq "$(echo "$FAB_OUT" | jq -r '[.added[].address] | join(" ")')" "10.210.11.5 10.210.11.6 10.210.11.7" "addresses after retry"
assert_eq "$(bridge_ports "$G-c0" | wc -l)" 6 "ports of $G-c0 after retry"
assert_consistent "$G"
exit 0
