#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Routed cells or cells joined at layer 2? One fabric of N nodes in cells of
# S addresses, measured twice with the same nodes:
#   routed  - as fabricctl builds it: a broadcast stays in its cell;
#   l2-join - the same cell bridges chained by veth pairs into one layer-2
#             domain: a broadcast reaches every node of the fabric.
# From one node, B broadcast frames (ping -b to its cell's broadcast address;
# nodes ignore the echo, but the bridge delivers every frame). Counted: frames
# delivered to nodes (the fabric's own rx broadcast counters, summed), frames
# dropped by the kernel's per-CPU backlog (/proc/net/softnet_stat), and
# whether node->gateway pings from a sample of nodes still succeed meanwhile.
# Usage: tools/bench/cell-join.sh [FABRICCTL] [NODES] [CELL_SIZE] [BROADCASTS]
# (defaults: build/fabricctl 3000 512 20)
set -euo pipefail
fab=${1:-build/fabricctl}
nodes=${2:-3000}
cell=${3:-512}
bcasts=${4:-20}
name=bjoin
joins=()
cleanup() {
	for j in "${joins[@]}"; do ip link del "$j" 2>/dev/null || true; done
	"$fab" -q destroy "$name" >/dev/null 2>&1 || true
}
trap cleanup EXIT

drops() {
	local s=0 a b rest
	while read -r a b rest; do s=$((s + 16#$b)); done </proc/net/softnet_stat
	echo "$s"
}
rx_bcast() { "$fab" -j stats "$name" | jq '[.nodes[].rx.broadcast] | add'; }

"$fab" -q create "$name" --subnet 10.226.0.0/16 --cell-size "$cell" --tune
"$fab" -q add-node "$name" --count "$nodes"
mapfile -t cells < <("$fab" -j show "$name" | jq -r '[.nodes[].cell] | unique | .[]')
first=$("$fab" -j show "$name" | jq -r '.nodes[0].name')
bcast=$(python3 -c "import ipaddress; print(ipaddress.ip_network('10.226.0.0/$((32 - $(awk -v c="$cell" 'BEGIN{print int(log(c)/log(2)+0.5)}')))').broadcast_address)")
mapfile -t sample < <("$fab" -j show "$name" | jq -r '.nodes | (.[range(0; length; (length / 50 | floor) + 1)]) | "\(.name) \(.gateway)"')

measure() {
	local label=$1 r0 r1 d0 d1 ok=0
	# Warm the sample's ARP caches so their pings add no broadcasts of their own.
	for s in "${sample[@]}"; do
		set -- $s
		ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1 || true
	done
	r0=$(rx_bcast); d0=$(drops)
	ip netns exec "$first" ping -b -c "$bcasts" -i 0.05 -W 1 "$bcast" >/dev/null 2>&1 &
	local pinger=$!
	for s in "${sample[@]}"; do
		set -- $s
		ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1 && ok=$((ok + 1))
	done
	wait "$pinger" || true
	sleep 0.5
	r1=$(rx_bcast); d1=$(drops)
	printf '%-8s %6s %5s %6s %22s %14s %12s\n' "$label" "$nodes" "$cell" "${#cells[@]}" \
		"$(((r1 - r0) / bcasts))" "$((d1 - d0))" "$ok/${#sample[@]}"
}

printf '%-8s %6s %5s %6s %22s %14s %12s\n' join nodes cell cells "delivered/broadcast" backlog_drops gw_pings_ok
measure routed
# Chain the cell bridges at layer 2: c0-c1, c1-c2, ...
for ((i = 1; i < ${#cells[@]}; i++)); do
	j="bj-$i"
	ip link add "$j" type veth peer name "bk-$i"
	joins+=("$j")
	ip link set "$j" master "$name-c$((i - 1))" up
	ip link set "bk-$i" master "$name-c$i" up
done
sleep 1
measure l2-join
