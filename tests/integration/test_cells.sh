#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Cells: a /16 with --cell-size 64 and 150 nodes spans three bridges F-c0..c2;
# every node's host veth is a port of its cell's bridge (cell = slot / 64),
# the node sees its cell's /26 and routes via its cell's gateway (.1, .65,
# .129), held by the fabric's router namespace .fabricctl-F on one leg c<N>
# per cell; the host has the subnet's third address on F-c0 and one route to
# the subnet via cell 0's gateway. Pings within a cell, across cells, to a
# gateway and from the host. Confinement, read from the kernel's
# configuration: the host's ip_forward never changes, the router forwards but
# has no default route and no interface beyond lo and its legs. show -j and
# stats -j say each node's cell. --cell-size validation. A /24 with the
# default cell size is one plain cell: gateway on the bridge, no router.
# destroy removes the router namespace too.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
command -v nsenter >/dev/null || skip "nsenter is not installed (util-linux)"

F=$(fab_name)
cleanup_fabric "$F"
NET=10.213
SUBNET=$NET.0.0/16
CS=64
COUNT=150
P=${F}n
ROUTER=.fabricctl-$F

# in_net NS CMD...: CMD in the network namespace NS only. Unlike ip -n / ip
# netns exec, this does not copy the host's mount table (thousands of
# mounts on a host full of namespaces).
in_net() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

# fab_ok_fwd ARGS...: fab_ok, and the host's ip_forward is the same after
# as before. fabricctl has no daemon, so this brackets every moment it could
# change it; other jobs on a shared host (a CNI plugin) may set it between.
fab_ok_fwd() {
	local before
	before=$(cat /proc/sys/net/ipv4/ip_forward)
	fab_ok "$@"
	assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$before" "host net.ipv4.ip_forward across fabricctl $*"
}

# --cell-size validation: usage errors, nothing made.
for bad in 63 100 2048 0 abc; do
	fab_rc 2 create "$F" --subnet $SUBNET --cell-size "$bad"
	fab_err_line
	assert_contains "$FAB_ERR" "cell-size" "error for --cell-size $bad"
	[[ -z $(leftovers "$F") ]] || fail "--cell-size $bad left: $(leftovers "$F")"
done

fab_ok_fwd create "$F" --subnet $SUBNET --cell-size $CS
netns_exists "$ROUTER" || fail "no router namespace $ROUTER after create"
fab_ok_fwd -q add-node "$F" --count $COUNT --prefix "$P"

# ------------------------------------------------------------ bridges

for c in 0 1 2; do
	link_exists "$F-c$c" || fail "no bridge $F-c$c"
	assert_eq "$(link_json "$F-c$c" | jq -r '.linkinfo.info_kind')" bridge "kind of $F-c$c"
done
link_exists "$F-c3" && fail "$F-c3 exists with only 3 cells in use"

# ------------------------------------------- nodes: port, prefix, route

net_int=$(ip2int $NET.0.0)
fab_ok -j show "$F"
SHOW=$FAB_OUT
assert_eq "$(jq '.nodes | length' <<<"$SHOW")" $COUNT "nodes in show -j"
fab_ok -j stats "$F"
STATS=$FAB_OUT
# Ports of every bridge, read once: "port master".
bridge -j link show | jq -r '.[] | select(.master != null) | "\(.ifname) \(.master)"' >"$TEST_TMP/ports"
declare -A MASTER NODE_OF_CELL
while read -r port master; do MASTER[$port]=$master; done <"$TEST_TMP/ports"
declare -A CELLS_SEEN
while IFS=$'\t' read -r name addr plen cell gw veth; do
	slot=$(($(ip2int "$addr") - net_int))
	want=$((slot / CS))
	CELLS_SEEN[$want]=1
	[[ -n ${NODE_OF_CELL[$want]:-} ]] || NODE_OF_CELL[$want]=$name
	assert_eq "$veth" "$F-$slot" "host veth of $name"
	assert_eq "$cell" "$want" "show -j cell of $name ($addr)"
	assert_eq "$(jq -r --arg n "$name" '.nodes[] | select(.name == $n) | .cell' <<<"$STATS")" \
		"$want" "stats -j cell of $name"
	assert_eq "${MASTER[$veth]:-}" "$F-c$want" "bridge of $veth ($name, slot $slot)"
	want_gw=$NET.$(((want * CS + 1) / 256)).$(((want * CS + 1) % 256))
	assert_eq "$gw" "$want_gw" "show -j gateway of $name"
	assert_eq "$plen" 26 "show -j prefix of $name"
	assert_eq "$(in_net "$name" ip -j addr show dev eth0 |
		jq -r '.[0].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"')" \
		"$addr/26" "address of $name (kernel)"
	assert_eq "$(in_net "$name" ip -j route show default | jq -r '.[0].gateway')" "$want_gw" \
		"default route of $name (kernel)"
done < <(jq -r '.nodes[] | [.name, .address, .prefix_len, .cell, .gateway, .host_veth] | @tsv' <<<"$SHOW")
for c in 0 1 2; do [[ -n ${CELLS_SEEN[$c]:-} ]] || fail "no node in cell $c"; done
assert_eq "${#CELLS_SEEN[@]}" 3 "cells holding nodes"
# Cells fill in order: cell 0 holds 60 nodes (.3-.62: .1 gateway, .2 host,
# .63 broadcast), cell 1 61 (.66-.126), cell 2 the rest.
assert_eq "$(jq '[.nodes[] | select(.cell == 0)] | length' <<<"$SHOW")" 60 "nodes in cell 0"
assert_eq "$(jq '[.nodes[] | select(.cell == 1)] | length' <<<"$SHOW")" 61 "nodes in cell 1"

# Each bridge's ports: its nodes' host veths and the router's leg F-r<N>.
for c in 0 1 2; do
	want=$( (
		jq -r --argjson c $c '.nodes[] | select(.cell == $c) | .host_veth' <<<"$SHOW"
		echo "$F-r$c"
	) | sort)
	assert_eq "$(bridge_ports "$F-c$c" | sort)" "$want" "ports of $F-c$c"
done

# ------------------------------------------------------ router namespace

assert_eq "$(in_net "$ROUTER" cat /proc/sys/net/ipv4/ip_forward)" 1 "ip_forward in $ROUTER"
assert_eq "$(in_net "$ROUTER" ip -j link show | jq -r '[.[].ifname] | sort | join(" ")')" \
	"c0 c1 c2 lo" "interfaces of $ROUTER"
for c in 0 1 2; do
	assert_eq "$(in_net "$ROUTER" ip -j addr show dev c$c |
		jq -r '.[0].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"')" \
		"$NET.0.$((c * CS + 1))/26" "gateway address on $ROUTER c$c"
	assert_eq "$(in_net "$ROUTER" ip -j link show dev c$c | jq -r '.[0].operstate')" UP "$ROUTER c$c"
done
assert_eq "$(in_net "$ROUTER" ip -j -4 route show table all | jq '[.[] | select(.dst == "default")] | length')" \
	0 "default routes in $ROUTER (IPv4, every table)"
assert_eq "$(in_net "$ROUTER" ip -j -6 route show table all | jq '[.[] | select(.dst == "default")] | length')" \
	0 "default routes in $ROUTER (IPv6, every table)"

# ------------------------------------------------------------------ host

assert_eq "$(ip -j addr show dev "$F-c0" | jq -r '[.[0].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"] | join(" ")')" \
	"$NET.0.2/26" "host address on $F-c0"
for c in 1 2; do
	assert_eq "$(ip -j addr show dev "$F-c$c" | jq '[.[0].addr_info[] | select(.family == "inet")] | length')" \
		0 "IPv4 addresses on $F-c$c"
done
route=$(ip -j route show $SUBNET)
assert_eq "$(jq -r '.[0].gateway' <<<"$route")/$(jq -r '.[0].dev' <<<"$route")" "$NET.0.1/$F-c0" "host route to $SUBNET"

# ------------------------------------------------------------- traffic

A0=${NODE_OF_CELL[0]}
A1=${NODE_OF_CELL[1]}
A2=${NODE_OF_CELL[2]}
addr_of() { jq -r --arg n "$1" '.nodes[] | select(.name == $n) | .address' <<<"$SHOW"; }
# A second node of cell 0 and of cell 2.
B0=$(jq -r '[.nodes[] | select(.cell == 0)][1].name' <<<"$SHOW")
B2=$(jq -r '[.nodes[] | select(.cell == 2)][-1].name' <<<"$SHOW")
ping_ok "$A0" "$(addr_of "$B0")" # within cell 0
ping_ok "$B2" "$(addr_of "$A2")" # within cell 2
ping_ok "$A0" "$(addr_of "$A2")" # cell 0 -> cell 2
ping_ok "$A1" "$(addr_of "$B0")" # cell 1 -> cell 0
ping_ok "$B2" "$(addr_of "$A1")" # cell 2 -> cell 1
ping_ok "$A0" $NET.0.1           # node -> its gateway
ping_ok "$A2" $NET.0.1           # node -> cell 0's gateway, through the router
ping_ok "$A2" $NET.0.129         # node -> its own gateway in cell 2
ping_ok host "$(addr_of "$A2")"  # host -> a node in another cell
ping_ok host "$(addr_of "$A0")"  # host -> a node in cell 0
assert_eq "$(in_net "$ROUTER" ip -j link show | jq -r '[.[].ifname] | sort | join(" ")')" \
	"c0 c1 c2 lo" "interfaces of $ROUTER after traffic"

# ------------------------------------------- one cell: the plain fabric

F2=$(fab_name)
cleanup_fabric "$F2"
NET2=10.210.213
fab_ok_fwd create "$F2" --subnet $NET2.0/24
fab_ok -q add-node "$F2" --count 3 --prefix "${F2}n"
netns_exists ".fabricctl-$F2" && fail "a one-cell fabric has a router namespace"
link_exists "$F2-c1" && fail "a /24 with the default cell size has a second bridge"
compgen -G "/sys/class/net/$F2-r*" >/dev/null && fail "a one-cell fabric has router legs"
assert_eq "$(ip -j addr show dev "$F2-c0" | jq -r '[.[0].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"] | join(" ")')" \
	"$NET2.1/24" "gateway on the bridge of a one-cell fabric"
fab_ok -j show "$F2"
assert_eq "$(jq -r '[.nodes[] | "\(.cell)/\(.prefix_len)/\(.gateway)"] | unique | join(" ")' <<<"$FAB_OUT")" \
	"0/24/$NET2.1" "cell/prefix/gateway of the one-cell fabric's nodes"
assert_eq "$(in_net "${F2}n1" ip -j route show default | jq -r '.[0].gateway')" "$NET2.1" "default route of ${F2}n1"
ping_ok "${F2}n1" $NET2.1
ping_ok "${F2}n1" "$(jq -r '.nodes[2].address' <<<"$FAB_OUT")"
fab_ok -j stats "$F2"
assert_eq "$(jq -r '[.nodes[].cell] | unique | join(" ")' <<<"$FAB_OUT")" 0 "stats -j cells of the one-cell fabric"
fab_ok destroy "$F2"
wait_no_leftovers "$F2" 10 || fail "destroy $F2 left: $(leftovers "$F2")"

# --------------------------------------------------------------- destroy

fab_ok_fwd destroy "$F"
wait_no_leftovers "$F" 15 || fail "destroy $F left: $(leftovers "$F")"
wait_gone -t 10 "$ROUTER" || fail "router namespace $ROUTER survived destroy"
in_netns_list "$ROUTER" && fail "ip netns list still shows $ROUTER"
ip -j route show $SUBNET | jq -e 'length == 0' >/dev/null || fail "host route to $SUBNET survived destroy"
exit 0
