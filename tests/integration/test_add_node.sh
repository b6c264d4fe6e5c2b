#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# add-node of one node, read back from the kernel: a named netns that
# `ip netns list` shows; eth0 inside with address/prefix, deterministic MAC
# 0e:fb:<address bytes>, up; lo up; default route via the gateway; eth0 is
# the peer of host veth "<F>-<slot>", which is up, tagged "fabricctl:" and
# a port of bridge "<F>-c0"; add-node -j and show -j agree with the kernel.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
cleanup_fabric "$F"
NET=10.210.3
BR=$F-c0
N=${F}a

fab_ok create "$F" --subnet $NET.0/24
fab_ok -j add-node "$F" "$N"
out=$FAB_OUT
echo "$out" | jq -e . >/dev/null || fail "add-node -j is not JSON: $out"
assert_eq "$(echo "$out" | jq -r .fabric)" "$F" "add-node -j .fabric"
assert_eq "$(echo "$out" | jq -r '.added | length')" 1 "add-node -j .added length"
assert_eq "$(echo "$out" | jq -r '.added[0].name')" "$N" "added[0].name"

# The namespace, as iproute2 sees it.
netns_exists "$N" || fail "no netns /run/netns/$N"
[[ -f /run/netns/$N ]] || fail "/run/netns/$N is not a file"
in_netns_list "$N" || fail "ip netns list does not show $N"

# eth0: address, prefix, MAC, state.
assert_eq "$(node_inet "$N")" "$NET.2/24" "eth0 address of $N"
e=$(ip -n "$N" -j -d link show dev eth0 | jq -c '.[0]')
assert_eq "$(echo "$e" | jq -r .address)" "$(mac_of $NET.2)" "eth0 MAC of $N"
assert_eq "$(echo "$e" | jq -r .linkinfo.info_kind)" veth "eth0 kind"
assert_eq "$(echo "$e" | jq -r .operstate)" UP "eth0 operstate"
echo "$e" | jq -e '.flags | index("UP")' >/dev/null || fail "eth0 is not up"
lo=$(ip -n "$N" -j link show dev lo | jq -c '.[0]')
echo "$lo" | jq -e '.flags | index("UP")' >/dev/null || fail "lo is not up in $N: $lo"
# Only lo and eth0 in the node.
assert_eq "$(ip -n "$N" -j link show | jq -r '[.[].ifname] | sort | join(",")')" "eth0,lo" "links in $N"

# Default route via the gateway.
r=$(ip -n "$N" -j route show default)
assert_eq "$(echo "$r" | jq -r '.[0].gateway')" "$NET.1" "default gateway in $N"
assert_eq "$(echo "$r" | jq -r '.[0].dev')" eth0 "default route dev in $N"
ip -n "$N" -j route show $NET.0/24 | jq -e '.[] | select(.dev == "eth0")' >/dev/null ||
	fail "no connected route $NET.0/24 on eth0 in $N"

# Host end: "<F>-<slot>", slot 2 for .2, up, ours, a port of the bridge.
V=$F-2
link_exists "$V" || fail "host veth $V does not exist: $(leftovers "$F" | tr '\n' ' ')"
h=$(link_json "$V")
assert_eq "$(echo "$h" | jq -r .linkinfo.info_kind)" veth "$V kind"
assert_eq "$(echo "$h" | jq -r '.master // ""')" "$BR" "$V master"
echo "$h" | jq -e '.flags | index("UP")' >/dev/null || fail "$V is not up"
assert_eq "$(echo "$h" | jq -r .operstate)" UP "$V operstate"
assert_match "$(echo "$h" | jq -r '.ifalias // ""')" '^fabricctl:' "$V ifalias"
grep -qxF "$V" <<<"$(bridge_ports "$BR")" || fail "bridge -j link: $V is not a port of $BR"
assert_eq "$(bridge -j link show dev "$V" | jq -r '.[0].state')" forwarding "$V bridge port state"
# The two ends are peers: eth0's link index is the host veth's ifindex and
# the host veth's peer lives in N's namespace.
hidx=$(echo "$h" | jq -r .ifindex)
assert_eq "$(echo "$e" | jq -r .link_index)" "$hidx" "eth0 peer ifindex"
assert_eq "$(cat /sys/class/net/"$V"/iflink)" "$(in_ns "$N" cat /sys/class/net/eth0/ifindex)" "host veth peer ifindex"

# What fabricctl reported matches the kernel.
a=$(echo "$out" | jq -c '.added[0]')
assert_eq "$(echo "$a" | jq -r .address)" "$NET.2" "added[0].address"
assert_eq "$(echo "$a" | jq -r .mac)" "$(mac_of $NET.2)" "added[0].mac"
assert_eq "$(echo "$a" | jq -r .host_veth)" "$V" "added[0].host_veth"
assert_eq "$(echo "$a" | jq -r .ifindex)" "$hidx" "added[0].ifindex"
fab_ok -j show "$F"
n=$(echo "$FAB_OUT" | jq -c --arg n "$N" '.nodes[] | select(.name == $n)')
[[ -n $n ]] || fail "show -j does not list $N: $FAB_OUT"
assert_eq "$(echo "$n" | jq -r .address)" "$NET.2" "show address"
assert_eq "$(echo "$n" | jq -r .prefix_len)" 24 "show prefix_len"
assert_eq "$(echo "$n" | jq -r .mac)" "$(mac_of $NET.2)" "show mac"
assert_eq "$(echo "$n" | jq -r .host_veth)" "$V" "show host_veth"
assert_eq "$(echo "$n" | jq -r .ifindex)" "$hidx" "show ifindex"
assert_eq "$(echo "$n" | jq -r .state)" up "show state"

# Adding the same node again fails and changes nothing.
fab_rc 1 add-node "$F" "$N"
fab_err_line
assert_eq "$(link_json "$V" | jq -r .ifindex)" "$hidx" "$V ifindex after re-add"
link_exists "$F-3" && fail "re-adding $N created $F-3"
fab_ok -j show "$F"
assert_eq "$(echo "$FAB_OUT" | jq -r '.nodes | length')" 1 "node count after re-add"

# Several names in one call: consecutive slots, in order.
fab_ok add-node "$F" "${F}b" "${F}c"
assert_eq "$(node_inet "${F}b")" "$NET.3/24" "address of ${F}b"
assert_eq "$(node_inet "${F}c")" "$NET.4/24" "address of ${F}c"
assert_eq "$(master_of "$F-3")" "$BR" "$F-3 master"
assert_eq "$(master_of "$F-4")" "$BR" "$F-4 master"
exit 0
