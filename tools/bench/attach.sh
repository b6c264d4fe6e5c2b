#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tc (clsact + shared cls_bpf blocks) against tcx (pinned BPF links): what
# each attachment costs per node added, and per packet.
#  1. add-node --count N into a fresh fabric of each mode (--attach tc|tcx,
#     10.225.0.0/16, --tune), ROUNDS rounds, the order alternating round to
#     round; each run starts once the previous fabric's namespaces are gone.
#     Reported: seconds and ms per node, the median per mode.
#  2. iperf3 TCP between two nodes of a small fabric of each mode (10.226.1
#     and 10.226.2 /24), PAIRS pairs A/B interleaved, median Gbit/s; and the
#     program's run time per packet from the kernel's BPF stats
#     (kernel.bpf_stats_enabled, on only for that run, then put back).
#
# Usage: attach.sh [--nodes N] [--rounds R] [--pairs P] [--seconds S] FABRICCTL
# Root. Fabrics "batc"/"batcx" (bulk) and "bptc"/"bptcx" (traffic), removed at exit.
set -euo pipefail

N=1000
ROUNDS=3
PAIRS=5
SECS=5
usage() {
	sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-2}"
}
while [[ $# -gt 0 ]]; do
	case $1 in
	--nodes) N=$2; shift 2 ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	--pairs) PAIRS=$2; shift 2 ;;
	--seconds) SECS=$2; shift 2 ;;
	-h | --help) usage 0 ;;
	-*) usage ;;
	*) break ;;
	esac
done
[[ $# -eq 1 ]] || usage
FABRICCTL=$1
[[ -x $FABRICCTL ]] || { echo "attach: no fabricctl at $FABRICCTL" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "attach: needs root" >&2; exit 2; }
TMP=$(mktemp -d /tmp/attach_bench.XXXXXX)
stats_was=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null || echo)

cleanup() {
	set +e
	for f in "$TMP"/*.pid; do [[ -s $f ]] && kill "$(cat "$f")" 2>/dev/null; done
	[[ -n $stats_was ]] && echo "$stats_was" >/proc/sys/kernel/bpf_stats_enabled
	for f in batc batcx bptc bptcx; do "$FABRICCTL" destroy "$f" >/dev/null 2>&1; done
	rm -rf "$TMP"
}
trap cleanup EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
now() { date +%s.%N; }

wait_gone() { # PREFIX: until no namespace or link of it is left (60 s)
	local i
	for ((i = 0; i < 600; i++)); do
		compgen -G "/run/netns/$1*" >/dev/null || compgen -G "/sys/class/net/$1*" >/dev/null || return 0
		sleep 0.1
	done
}

bulk() { # MODE -> seconds for add-node --count N
	local f=ba$1 t0 t1
	"$FABRICCTL" create "$f" --subnet 10.225.0.0/16 --attach "$1" --tune >/dev/null
	t0=$(now)
	"$FABRICCTL" -q add-node "$f" --count "$N" --prefix "${f}n" >/dev/null
	t1=$(now)
	"$FABRICCTL" destroy "$f" >/dev/null
	wait_gone "$f"
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }'
}

echo "add-node --count $N, $ROUNDS rounds (order alternates):"
printf '  %-6s %10s %10s %12s %12s\n' round "tc s" "tcx s" "tc ms/node" "tcx ms/node"
: >"$TMP/tc" && : >"$TMP/tcx"
for ((r = 1; r <= ROUNDS; r++)); do
	if ((r % 2)); then a=$(bulk tc); b=$(bulk tcx); else b=$(bulk tcx); a=$(bulk tc); fi
	echo "$a" >>"$TMP/tc"
	echo "$b" >>"$TMP/tcx"
	printf '  %-6s %10s %10s %12.2f %12.2f\n' "$r" "$a" "$b" \
		"$(awk -v s="$a" -v n="$N" 'BEGIN { print s * 1000 / n }')" \
		"$(awk -v s="$b" -v n="$N" 'BEGIN { print s * 1000 / n }')"
done
a=$(median <"$TMP/tc")
b=$(median <"$TMP/tcx")
printf '  %-6s %10s %10s %12.2f %12.2f\n' median "$a" "$b" \
	"$(awk -v s="$a" -v n="$N" 'BEGIN { print s * 1000 / n }')" \
	"$(awk -v s="$b" -v n="$N" 'BEGIN { print s * 1000 / n }')"

# --- per packet
for m in tc tcx; do
	net=$([[ $m == tc ]] && echo 10.226.1 || echo 10.226.2)
	"$FABRICCTL" create "bp$m" --subnet "$net.0/24" --attach "$m" >/dev/null
	"$FABRICCTL" add-node "bp$m" "bp${m}a" "bp${m}b" >/dev/null
	ip netns exec "bp${m}b" iperf3 -s -D -I "$TMP/$m.pid" -B "$net.3" >/dev/null
done
sleep 1
iperf() { # MODE -> Gbit/s
	local net
	net=$([[ $1 == tc ]] && echo 10.226.1 || echo 10.226.2)
	ip netns exec "bp${1}a" iperf3 -c "$net.3" -t "$SECS" -O 1 -J >"$TMP/iperf.json" ||
		{ cat "$TMP/iperf.json" >&2; exit 1; }
	jq '.end.sum_received.bits_per_second / 1e9' "$TMP/iperf.json"
}
iperf tc >/dev/null
iperf tcx >/dev/null
echo "iperf3 TCP node a -> b, ${SECS}s per run, $PAIRS pairs (order alternates):"
printf '  %-6s %10s %10s\n' pair "tc Gbit/s" "tcx Gbit/s"
: >"$TMP/gtc" && : >"$TMP/gtcx"
for ((i = 1; i <= PAIRS; i++)); do
	if ((i % 2)); then a=$(iperf tc); b=$(iperf tcx); else b=$(iperf tcx); a=$(iperf tc); fi
	echo "$a" >>"$TMP/gtc"
	echo "$b" >>"$TMP/gtcx"
	printf '  %-6s %10.2f %10.2f\n' "$i" "$a" "$b"
done
printf '  %-6s %10.2f %10.2f\n' median "$(median <"$TMP/gtc")" "$(median <"$TMP/gtcx")"

if [[ -n $stats_was ]]; then
	prog_ns() { # MODE -> "runs ns_per_run" over one iperf3 run
		local ids before after
		ids=$(for p in prog_ingress prog_egress; do
			bpftool -j prog show pinned "/sys/fs/bpf/fabricctl/bp$1/$p" | jq .id; done)
		# shellcheck disable=SC2086 # ids
		before=$(for id in $ids; do bpftool -j prog show id "$id"; done | jq -s '[(map(.run_cnt // 0) | add), (map(.run_time_ns // 0) | add)]')
		iperf "$1" >/dev/null
		# shellcheck disable=SC2086 # ids
		after=$(for id in $ids; do bpftool -j prog show id "$id"; done | jq -s '[(map(.run_cnt // 0) | add), (map(.run_time_ns // 0) | add)]')
		jq -rn --argjson a "$before" --argjson b "$after" \
			'($b[0] - $a[0]) as $c | if $c > 0 then "\($c) \((($b[1] - $a[1]) / $c * 10 | round) / 10)" else "0 0" end'
	}
	echo 1 >/proc/sys/kernel/bpf_stats_enabled
	for m in tc tcx tc tcx; do
		read -r runs ns < <(prog_ns $m)
		echo "program run time, $m: $ns ns per packet ($runs runs, kernel.bpf_stats_enabled)"
	done
	echo "$stats_was" >/proc/sys/kernel/bpf_stats_enabled
fi
