#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# create: the bridge <F>-c0 exists, is up, carries the gateway (the
# subnet's first address), has no STP and no forward delay, is tagged
# "fabricctl:" in its ifalias; the state record exists; create -j; a second
# create of the same name fails and changes nothing.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
cleanup_fabric "$F"
NET=10.210.1
BR=$F-c0

fab_ok -j create "$F" --subnet $NET.0/24
echo "$FAB_OUT" | jq -e . >/dev/null || fail "create -j is not JSON: $FAB_OUT"
assert_eq "$(echo "$FAB_OUT" | jq -r '.name')" "$F" "create -j .name"
assert_eq "$(echo "$FAB_OUT" | jq -r '.subnet')" "$NET.0/24" "create -j .subnet"
assert_eq "$(echo "$FAB_OUT" | jq -r '.gateway')" "$NET.1" "create -j .gateway"
assert_eq "$(echo "$FAB_OUT" | jq -r '.bridge')" "$BR" "create -j .bridge"
assert_eq "$(echo "$FAB_OUT" | jq -r '.mtu | type')" "number" "create -j .mtu type"

# The kernel's view of the bridge.
link_exists "$BR" || fail "bridge $BR does not exist"
j=$(link_json "$BR")
assert_eq "$(echo "$j" | jq -r '.linkinfo.info_kind')" bridge "$BR kind"
echo "$j" | jq -e '.flags | index("UP")' >/dev/null || fail "$BR is not up: $(echo "$j" | jq -c .flags)"
assert_eq "$(echo "$j" | jq -r '.linkinfo.info_data.stp_state')" 0 "$BR stp_state"
assert_eq "$(echo "$j" | jq -r '.linkinfo.info_data.forward_delay')" 0 "$BR forward_delay"
assert_eq "$(cat /sys/class/net/"$BR"/bridge/forward_delay)" 0 "sysfs forward_delay"
alias=$(echo "$j" | jq -r '.ifalias // ""')
assert_match "$alias" '^fabricctl:' "$BR ifalias"
assert_eq "$(cat /sys/class/net/"$BR"/ifalias)" "$alias" "sysfs ifalias"

addrs=$(ip -j addr show dev "$BR" | jq -r '.[0].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"')
assert_eq "$addrs" "$NET.1/24" "gateway address on $BR"
ip -j route show $NET.0/24 | jq -e --arg br "$BR" '.[] | select(.dev == $br)' >/dev/null ||
	fail "no route to $NET.0/24 via $BR: $(ip route show $NET.0/24)"

[[ -f /run/fabricctl/$F/state ]] || fail "no state file /run/fabricctl/$F/state"

# Listed, with no nodes.
fab_ok -j list
echo "$FAB_OUT" | jq -e --arg f "$F" '.[] | select(.name == $f and .nodes == 0)' >/dev/null ||
	fail "list -j does not show $F with 0 nodes: $FAB_OUT"
fab_ok -j show "$F"
assert_eq "$(echo "$FAB_OUT" | jq -r '.nodes | length')" 0 "show -j node count"

# A second create of the same fabric fails and leaves the first intact.
ifindex=$(echo "$j" | jq -r .ifindex)
fab_rc 1 create "$F" --subnet 10.210.101.0/24
fab_err_line
assert_eq "$(link_json "$BR" | jq -r .ifindex)" "$ifindex" "$BR ifindex after 2nd create"
addrs=$(ip -j addr show dev "$BR" | jq -r '.[0].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"')
assert_eq "$addrs" "$NET.1/24" "gateway address on $BR after 2nd create"
! ip route show 10.210.101.0/24 | grep -q . || fail "2nd create added a route for 10.210.101.0/24"
exit 0
