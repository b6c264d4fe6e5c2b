#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# IPv6 fabrics against IPv4-only ones, in the same run (issue 14):
#  - add-node time: N nodes into a dual-stack fabric vs an IPv4-only one
#    (target: dual-stack within 1.2x);
#  - the flood: with N nodes present and idle, ADD more are added; counted
#    are the frames the bridge delivered to the idle nodes (tx_packets of
#    their host veths, summed; per idle node on average and for the first
#    node), IPv4-only vs dual-stack, and the ICMPv6 packets the added nodes
#    sent (their solicited-node MLD reports, which bpf/nd_quiet.h drops at
#    their veth instead of letting the bridge flood them).
# A /21 in cells of 1024 addresses: cell 0 holds 1020 nodes, so with the
# defaults the first 20 added nodes join the idle nodes' cell (a bridge
# takes at most 1024 ports; N=900 ADD=100 puts all of them there).
# Usage: tools/bench/ipv6.sh [FABRICCTL] [N] [ADD]   (defaults: build/fabricctl 1000 100)
set -euo pipefail
fab=${1:-build/fabricctl}
n=${2:-1000}
add=${3:-100}
name=b6f$$
trap '"$fab" -q destroy "$name" >/dev/null 2>&1 || true' EXIT

# sum_tx VETH...: tx_packets of these host veths (what the bridge delivered to their nodes), summed.
sum_tx() {
	local s=0 v
	for v in "$@"; do
		s=$((s + $(cat "/sys/class/net/$v/statistics/tx_packets")))
	done
	echo "$s"
}

# run MODE: one fabric, N nodes timed, then ADD nodes with the idle ones counted.
run() {
	local mode=$1 opts=() t0 t1 before after first0 first1
	case $mode in
	ipv4) ;;
	dual) opts=(--ipv6) ;;
	esac
	"$fab" -q create "$name" --subnet 10.229.0.0/21 --cell-size 1024 --tune "${opts[@]}"
	t0=$(date +%s.%N)
	"$fab" -q add-node "$name" --count "$n"
	t1=$(date +%s.%N)
	sleep 3 # the last nodes' bring-up traffic is over
	mapfile -t idle < <("$fab" -j show "$name" | jq -r '.nodes[].host_veth')
	before=$(sum_tx "${idle[@]}")
	first0=$(sum_tx "${idle[0]}")
	"$fab" -q add-node "$name" --count "$add" --prefix "${name}x"
	sleep 3 # MLD repeats its unsolicited report within 1 s
	after=$(sum_tx "${idle[@]}")
	first1=$(sum_tx "${idle[0]}")
	same=$("$fab" -j show "$name" | jq --arg p "${name}x" '[.nodes[] | select((.name | startswith($p)) and .cell == 0)] | length')
	dropped=$("$fab" -j stats "$name" | jq --arg p "${name}x" '[.nodes[] | select(.name | startswith($p)) | .tx.protocols.icmpv6] | add')
	printf '%-6s add %5d nodes: %6.2f s (%.2f ms/node)\n' "$mode" "$n" \
		"$(echo "$t1 - $t0" | bc -l)" "$(echo "($t1 - $t0) * 1000 / $n" | bc -l)"
	printf '%-6s %d more added (%d into the idle nodes'"'"' cell 0): the %d idle nodes received %d frames (%.2f each; the first node %d); the added nodes sent %d ICMPv6 packets (their MLD reports, dropped at their veth)\n' \
		"$mode" "$add" "$same" "$n" $((after - before)) "$(echo "($after - $before) / $n" | bc -l)" \
		$((first1 - first0)) "$dropped"
	echo "$t1 - $t0" | bc -l >"/tmp/$name.$mode"
	"$fab" -q destroy "$name"
	sleep 2
}

run ipv4
run dual
printf 'dual-stack / IPv4-only add time: %.2fx (target <= 1.2x)\n' \
	"$(echo "$(cat "/tmp/$name.dual") / $(cat "/tmp/$name.ipv4")" | bc -l)"
rm -f "/tmp/$name.ipv4" "/tmp/$name.dual"
