#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Bulk add: --count N --prefix P makes P1..PN with distinct consecutive
# addresses, each a netns with eth0 up and a host veth on the bridge; a
# second bulk add with the same prefix continues at the next free number;
# --count without --prefix makes N nodes too; the nodes talk to each other.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
cleanup_fabric "$F"
NET=10.210.5
BR=$F-c0
P=${F}n

fab_ok create "$F" --subnet $NET.0/24
fab_ok -j add-node "$F" --count 10 --prefix "$P"
assert_eq "$(echo "$FAB_OUT" | jq -r '.added | length')" 10 "add-node -j .added length"
assert_eq "$(echo "$FAB_OUT" | jq -r '[.added[].name] | join(" ")')" \
	"$(printf "$P%s " {1..10} | sed 's/ $//')" "added names"

declare -A seen_addr seen_mac
for i in {1..10}; do
	n=$P$i
	netns_exists "$n" || fail "no netns $n"
	a=$(node_inet "$n")
	[[ -n $a ]] || fail "$n has no address on eth0"
	[[ -z ${seen_addr[$a]:-} ]] || fail "$n and ${seen_addr[$a]} both have $a"
	seen_addr[$a]=$n
	ip=${a%/24}
	assert_match "$a" "^${NET//./\\.}\.[0-9]+/24$" "address of $n"
	slot=${ip##*.}
	mac=$(ip -n "$n" -j link show dev eth0 | jq -r '.[0].address')
	assert_eq "$mac" "$(mac_of "$ip")" "MAC of $n"
	[[ -z ${seen_mac[$mac]:-} ]] || fail "$n and ${seen_mac[$mac]} both have MAC $mac"
	seen_mac[$mac]=$n
	assert_eq "$(ip -n "$n" -j link show dev eth0 | jq -r '.[0].operstate')" UP "eth0 of $n"
	assert_eq "$(ip -n "$n" -j route show default | jq -r '.[0].gateway')" $NET.1 "gateway of $n"
	assert_eq "$(master_of "$F-$slot")" "$BR" "master of $F-$slot"
done
# A fresh fabric hands out slots in order.
assert_eq "$(node_inet "${P}1")" $NET.2/24 "address of ${P}1"
assert_eq "$(node_inet "${P}10")" $NET.11/24 "address of ${P}10"
assert_eq "$(bridge_ports "$BR" | wc -l)" 10 "ports of $BR"

# Same prefix again: the next free numbers.
fab_ok -j add-node "$F" --count 3 --prefix "$P"
assert_eq "$(echo "$FAB_OUT" | jq -r '[.added[].name] | join(" ")')" "${P}11 ${P}12 ${P}13" "second bulk names"
for i in 11 12 13; do netns_exists "$P$i" || fail "no netns $P$i"; done
assert_eq "$(bridge_ports "$BR" | wc -l)" 13 "ports of $BR"

# Without --prefix.
fab_ok -j add-node "$F" --count 2
names=$(echo "$FAB_OUT" | jq -r '.added[].name')
assert_eq "$(echo "$names" | wc -l)" 2 "nodes added without --prefix"
for n in $names; do
	netns_exists "$n" || fail "no netns $n"
	# Made from the fabric's name: recognisably ours, and no clash between
	# two fabrics' default names (netns names are host-wide).
	[[ $n == "$F"* ]] || fail "default bulk name '$n' does not start with the fabric name $F"
done
assert_eq "$(bridge_ports "$BR" | wc -l)" 15 "ports of $BR"

fab_ok -j show "$F"
assert_eq "$(echo "$FAB_OUT" | jq -r '.nodes | length')" 15 "show -j node count"
assert_eq "$(echo "$FAB_OUT" | jq -r '[.nodes[].address] | unique | length')" 15 "distinct addresses in show"

assert_consistent "$F"
ping_ok "${P}1" "${NET}.11"
ping_ok "${P}10" "${NET}.2"
ping_ok "${P}13" "${NET}.1"
exit 0
