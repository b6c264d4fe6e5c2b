#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# What one scrape costs: wall time of `curl /metrics` from `fabricctl
# exporter` on a fabric of N nodes (default 1000), interleaved with
# `fabricctl stats FABRIC --prometheus` (the same text, one process per
# reading) as the baseline; medians of R runs each (default 11).
#
# Usage: exporter_scrape.sh [--nodes N] [--runs R] FABRICCTL
# Root. Uses fabric "bex<pid>" (subnet 10.226.0.0/21) and a random loopback
# port in 20000-29999, both removed at exit.
set -euo pipefail

NODES=1000
RUNS=11
usage() {
	sed -n '3,11p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-2}"
}
while [[ $# -gt 0 ]]; do
	case $1 in
	--nodes) NODES=$2; shift 2 ;;
	--runs) RUNS=$2; shift 2 ;;
	-h | --help) usage 0 ;;
	-*) usage ;;
	*) break ;;
	esac
done
[[ $# -eq 1 ]] || usage
FABRICCTL=$1
[[ -x $FABRICCTL ]] || { echo "exporter_scrape: no fabricctl at $FABRICCTL" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "exporter_scrape: needs root" >&2; exit 2; }
((NODES >= 1 && NODES <= 2000)) || { echo "exporter_scrape: --nodes must be 1..2000" >&2; exit 2; }

F=bex$(($$ % 100000))
PORT=$((20000 + RANDOM % 10000))
EXPORTER=
cleanup() {
	set +e
	[[ -n $EXPORTER ]] && kill "$EXPORTER" && wait "$EXPORTER"
	"$FABRICCTL" destroy "$F" >/dev/null 2>&1
}
trap cleanup EXIT

"$FABRICCTL" create "$F" --subnet 10.226.0.0/21 --tune >/dev/null
"$FABRICCTL" add-node "$F" --count "$NODES" --prefix "${F}n" >/dev/null
"$FABRICCTL" exporter --listen "127.0.0.1:$PORT" "$F" 2>/dev/null &
EXPORTER=$!
for ((i = 0; i < 50; i++)); do
	curl -s -o /dev/null "http://127.0.0.1:$PORT/metrics" && break
	sleep 0.1
done

ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", (b - a) * 1000 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
scrape=() stats=()
for ((r = 0; r < RUNS; r++)); do
	t0=$EPOCHREALTIME
	curl -sf -o /dev/null "http://127.0.0.1:$PORT/metrics"
	t1=$EPOCHREALTIME
	"$FABRICCTL" stats "$F" --prometheus >/dev/null
	t2=$EPOCHREALTIME
	scrape+=("$(ms "$t0" "$t1")")
	stats+=("$(ms "$t1" "$t2")")
done
series=$(curl -sf "http://127.0.0.1:$PORT/metrics" | grep -vc '^#')
s=$(printf '%s\n' "${scrape[@]}" | median)
b=$(printf '%s\n' "${stats[@]}" | median)
echo "nodes $NODES, $series series, medians of $RUNS interleaved runs:"
echo "  exporter scrape (curl /metrics)   $s ms"
echo "  stats --prometheus (baseline)     $b ms"
awk -v s="$s" -v b="$b" 'BEGIN { printf "  ratio scrape / stats              %.2f\n", s / b }'
