#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# What counting costs the traffic: iperf3 TCP between two nodes of a fabric
# with and without the tc program on their host veths, A/B interleaved
# (the order alternates pair to pair so that drift cancels out), median of
# each side and the throughput loss in %; ping RTT both ways, with and
# without. "Without" removes the clsact qdisc (and so the filters) from both
# host veths; "with" puts back exactly what add-node attaches: clsact and a
# direct-action cls_bpf filter (prio 1, handle 1) running the fabric's pinned
# programs on ingress and egress. With --across-cells the two nodes are in
# different cells (cells of 64, routed through the fabric's router), so the
# traffic matrix and the node-pair LRU count every packet as well.
#
# Usage: stats_overhead.sh [--pairs N] [--seconds S] [--across-cells] FABRICCTL
# Root. Uses fabric "bso<pid>" (subnet 10.201.2.0/24), removed at exit.
set -euo pipefail

PAIRS=5
SECONDS_PER_RUN=5
ACROSS=0
usage() {
	sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-2}"
}
while [[ $# -gt 0 ]]; do
	case $1 in
	--pairs) PAIRS=$2; shift 2 ;;
	--seconds) SECONDS_PER_RUN=$2; shift 2 ;;
	--across-cells) ACROSS=1; shift ;;
	-h | --help) usage 0 ;;
	-*) usage ;;
	*) break ;;
	esac
done
[[ $# -eq 1 ]] || usage
FABRICCTL=$1
[[ -x $FABRICCTL ]] || { echo "stats_overhead: no fabricctl at $FABRICCTL" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "stats_overhead: needs root" >&2; exit 2; }
for t in iperf3 jq ping tc bpftool; do
	command -v $t >/dev/null || { echo "stats_overhead: needs $t" >&2; exit 2; }
done
((PAIRS >= 3)) || { echo "stats_overhead: --pairs must be at least 3" >&2; exit 2; }

F=bso$(($$ % 100000))
NET=10.201.2
A=${F}a
B=${F}b
PIN=/sys/fs/bpf/fabricctl/$F
TMP=$(mktemp -d /tmp/stats_overhead.XXXXXX)

cleanup() {
	set +e
	[[ -s $TMP/iperf3.pid ]] && kill "$(cat "$TMP/iperf3.pid")" 2>/dev/null
	[[ -n ${stats_was:-} ]] && echo "$stats_was" >/proc/sys/kernel/bpf_stats_enabled
	"$FABRICCTL" destroy "$F" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

if ((ACROSS)); then
	IP_A=$NET.3 IP_B=$NET.70 # cells of 64: cell 0 and cell 1
	"$FABRICCTL" create "$F" --subnet $NET.0/24 --cell-size 64 >/dev/null
	"$FABRICCTL" add-node "$F" "$A" >/dev/null
	"$FABRICCTL" add-node "$F" "$B" --ip $IP_B >/dev/null
else
	IP_A=$NET.2 IP_B=$NET.3
	"$FABRICCTL" create "$F" --subnet $NET.0/24 >/dev/null
	"$FABRICCTL" add-node "$F" "$A" "$B" >/dev/null
fi
VA=$("$FABRICCTL" stats "$F" "$A" -j | jq -r '.nodes[0].ifindex')
VB=$("$FABRICCTL" stats "$F" "$B" -j | jq -r '.nodes[0].ifindex')
VA=$(ip -j link show 2>/dev/null | jq -r --argjson i "$VA" '.[] | select(.ifindex == $i) | .ifname')
VB=$(ip -j link show 2>/dev/null | jq -r --argjson i "$VB" '.[] | select(.ifindex == $i) | .ifname')

counting_off() {
	local v
	for v in "$VA" "$VB"; do tc qdisc del dev "$v" clsact 2>/dev/null; done
}

counting_on() {
	local v
	for v in "$VA" "$VB"; do
		tc qdisc add dev "$v" clsact 2>/dev/null
		tc filter add dev "$v" ingress prio 1 handle 1 bpf da pinned "$PIN/prog_ingress" 2>/dev/null
		tc filter add dev "$v" egress prio 1 handle 1 bpf da pinned "$PIN/prog_egress" 2>/dev/null
	done
}

counting_is() { # on|off
	local n
	n=$(tc filter show dev "$VA" ingress 2>/dev/null | grep -c fabric_ingress || true)
	[[ $1 == on && $n -eq 1 || $1 == off && $n -eq 0 ]] || {
		echo "stats_overhead: counting should be $1 on $VA" >&2
		exit 1
	}
}

ip netns exec "$B" iperf3 -s -D -I "$TMP/iperf3.pid" -B $IP_B >/dev/null
for _ in $(seq 50); do [[ -s $TMP/iperf3.pid ]] && break; sleep 0.1; done
sleep 0.5

iperf() { # -> Gbit/s received
	ip netns exec "$A" iperf3 -c $IP_B -t "$SECONDS_PER_RUN" -O 1 -J >"$TMP/iperf.json" ||
		{ cat "$TMP/iperf.json" >&2; exit 1; }
	jq '.end.sum_received.bits_per_second / 1e9' "$TMP/iperf.json"
}

rtt() { # FROM TO -> average RTT in microseconds
	ip netns exec "$1" ping -n -q -c 200 -i 0.005 "$2" |
		awk -F/ '/^rtt/ { printf "%.1f\n", $5 * 1000 }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Warm up (ARP, TCP caches).
iperf >/dev/null
echo "iperf3 TCP $A -> $B, ${SECONDS_PER_RUN}s per run, $PAIRS pairs (order alternates):"
printf '  %-5s %14s %14s %8s\n' pair "with Gbit/s" "without Gbit/s" "loss %"
: >"$TMP/with"
: >"$TMP/without"
: >"$TMP/loss"
for ((i = 1; i <= PAIRS; i++)); do
	if ((i % 2)); then
		counting_is on
		w=$(iperf)
		counting_off
		counting_is off
		wo=$(iperf)
		counting_on
	else
		counting_off
		counting_is off
		wo=$(iperf)
		counting_on
		counting_is on
		w=$(iperf)
	fi
	loss=$(awk -v w="$w" -v o="$wo" 'BEGIN { printf "%.2f", (o - w) / o * 100 }')
	echo "$w" >>"$TMP/with"
	echo "$wo" >>"$TMP/without"
	echo "$loss" >>"$TMP/loss"
	printf '  %-5s %14.2f %14.2f %8s\n' "$i" "$w" "$wo" "$loss"
done
mw=$(median <"$TMP/with")
mo=$(median <"$TMP/without")
ml=$(median <"$TMP/loss")
printf '  %-5s %14.2f %14.2f %8s\n' median "$mw" "$mo" "$ml"
printf 'throughput loss with counting: %s%% (median of medians: %.2f%%; target < 3%%)\n' "$ml" \
	"$(awk -v w="$mw" -v o="$mo" 'BEGIN { print (o - w) / o * 100 }')"

counting_is on
echo "ping RTT (avg of 200, us):"
printf '  %-12s %8s %8s\n' direction with without
ab_w=$(rtt "$A" $IP_B)
ba_w=$(rtt "$B" $IP_A)
counting_off
ab_o=$(rtt "$A" $IP_B)
ba_o=$(rtt "$B" $IP_A)
counting_on
printf '  %-12s %8s %8s\n' "$A->$B" "$ab_w" "$ab_o" "$B->$A" "$ba_w" "$ba_o"

# The program's own cost per packet, from the kernel's BPF run-time stats
# (kernel.bpf_stats_enabled, on only for these extra runs: it adds two clock
# reads per run), independent of how noisy the throughput numbers are. An
# empty tc program (return TC_ACT_OK) measured the same way is the baseline:
# the difference is what counting itself costs.
stats_was=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null || echo)
prog_ns() { # PROG_ID... -> "runs ns_per_run" over one iperf3 run
	local before after
	before=$(for id in "$@"; do bpftool -j prog show id "$id"; done | jq -s '[(map(.run_cnt // 0) | add), (map(.run_time_ns // 0) | add)]')
	iperf >/dev/null
	after=$(for id in "$@"; do bpftool -j prog show id "$id"; done | jq -s '[(map(.run_cnt // 0) | add), (map(.run_time_ns // 0) | add)]')
	jq -rn --argjson a "$before" --argjson b "$after" \
		'($b[0] - $a[0]) as $c | if $c > 0 then "\($c) \((($b[1] - $a[1]) / $c * 10 | round) / 10)" else "0 0" end'
}
if [[ -n $stats_was ]]; then
	ids=$(for p in prog_ingress prog_egress; do bpftool -j prog show pinned "$PIN/$p" | jq .id; done)
	echo 1 >/proc/sys/kernel/bpf_stats_enabled
	# shellcheck disable=SC2086 # ids
	read -r runs ns < <(prog_ns $ids)
	nop_ns=
	if command -v clang >/dev/null; then
		printf '%s\n' '#include <linux/bpf.h>' '#include <linux/pkt_cls.h>' \
			'__attribute__((section("tc"), used)) int nop(struct __sk_buff *skb) { return TC_ACT_OK; }' \
			'char LICENSE[] __attribute__((section("license"), used)) = "GPL";' >"$TMP/nop.bpf.c"
		multiarch=$(gcc -print-multiarch 2>/dev/null || true)
		if clang -O2 -target bpf ${multiarch:+-I/usr/include/$multiarch} -c "$TMP/nop.bpf.c" -o "$TMP/nop.bpf.o" 2>/dev/null; then
			for v in "$VA" "$VB"; do
				for d in ingress egress; do
					tc filter replace dev "$v" $d prio 1 handle 1 bpf da obj "$TMP/nop.bpf.o" sec tc 2>/dev/null
				done
			done
			nop_ids=$(for v in "$VA" "$VB"; do for d in ingress egress; do
				tc filter show dev "$v" $d 2>/dev/null | grep -o ' id [0-9]*' | awk '{ print $2 }'; done; done | sort -u)
			# shellcheck disable=SC2086 # ids
			read -r _ nop_ns < <(prog_ns $nop_ids)
			counting_off
			counting_on
		fi
	fi
	echo "$stats_was" >/proc/sys/kernel/bpf_stats_enabled
	echo "program run time: $ns ns per packet ($runs runs, kernel.bpf_stats_enabled)"
	[[ -n $nop_ns ]] && awk -v a="$ns" -v b="$nop_ns" 'BEGIN {
		printf "empty tc program, same hooks: %s ns per packet; counting itself: %.1f ns per packet\n", b, a - b }'
fi
counting_is on

# The counters saw the benchmark's traffic (sanity: counting really was on).
"$FABRICCTL" stats "$F"
((ACROSS)) && "$FABRICCTL" stats "$F" --matrix
