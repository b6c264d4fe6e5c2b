#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# What reading costs: wall time of `fabricctl stats FABRIC -j` on a fabric of
# N nodes (default 1000), side by side with `ip -s -j link show` over the
# same N host veths (the ports of the fabric's bridges), median of R runs each (default 11),
# output to /dev/null. Also the table and --prometheus forms. Target: stats -j
# under 50 ms at 1000 nodes.
#
# Usage: stats_read.sh [--nodes N] [--runs R] FABRICCTL
# Root. Uses fabric "bsr<pid>" (subnet 10.201.8.0/21), removed at exit.
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
[[ -x $FABRICCTL ]] || { echo "stats_read: no fabricctl at $FABRICCTL" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "stats_read: needs root" >&2; exit 2; }
((NODES >= 1 && NODES <= 2000)) || { echo "stats_read: --nodes must be 1..2000" >&2; exit 2; }

F=bsr$(($$ % 100000))
TMP=$(mktemp -d /tmp/stats_read.XXXXXX)
cleanup() {
	set +e
	"$FABRICCTL" destroy "$F" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

t0=$EPOCHREALTIME
"$FABRICCTL" create "$F" --subnet 10.201.8.0/21 --tune >/dev/null
"$FABRICCTL" add-node "$F" --count "$NODES" --prefix "${F}n" >/dev/null
t1=$EPOCHREALTIME
echo "fabric $F: $NODES nodes made in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"

# The bridges' ports are the fabric's host veths (plus the links between
# cells, if the fabric has several). "master" is filtered by the kernel, so
# ip is not charged for the host's other links.
bridges=$(ip -j link show type bridge 2>/dev/null | jq -r --arg f "$F-c" '.[] | select(.ifname | startswith($f)) | .ifname')
links=0
for br in $bridges; do
	links=$((links + $(ip -j link show master "$br" | jq '[.[] | select(.ifname)] | length')))
done
ip_cmd=$(for br in $bridges; do printf 'ip -s -j link show master %s; ' "$br"; done)

# time_ms CMD...: median wall time in ms of RUNS runs (after one warm-up).
time_ms() {
	local i a b
	"$@" >/dev/null
	for ((i = 0; i < RUNS; i++)); do
		a=$EPOCHREALTIME
		"$@" >/dev/null
		b=$EPOCHREALTIME
		awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'
	done | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

ip_links() {
	local br
	for br in $bridges; do ip -s -j link show master "$br"; done
}

"$FABRICCTL" stats "$F" -j | jq -e --argjson n "$NODES" '.nodes | length == $n' >/dev/null ||
	{ echo "stats_read: stats -j does not list $NODES nodes" >&2; exit 1; }

stats_j=$(time_ms "$FABRICCTL" stats "$F" -j)
stats_t=$(time_ms "$FABRICCTL" stats "$F")
stats_p=$(time_ms "$FABRICCTL" stats "$F" --prometheus)
iplink=$(time_ms ip_links)
bytes_j=$("$FABRICCTL" stats "$F" -j | wc -c)
bytes_ip=$(ip_links | wc -c)

echo "median of $RUNS runs, $NODES nodes, output to /dev/null:"
printf '  %-40s %9s ms  %8s bytes\n' "fabricctl stats -j" "$stats_j" "$bytes_j"
printf '  %-40s %9s ms\n' "fabricctl stats (table)" "$stats_t"
printf '  %-40s %9s ms\n' "fabricctl stats --prometheus" "$stats_p"
printf '  %-40s %9s ms  %8s bytes  (%s links)\n' "${ip_cmd%; }" "$iplink" "$bytes_ip" "$links"
awk -v s="$stats_j" -v i="$iplink" 'BEGIN {
	printf "stats -j / ip -s -j link: %.2fx (%s)\n", s / i, s < i ? "stats is faster" : "ip is faster"
	printf "target stats -j < 50 ms: %s\n", s < 50 ? "met" : "NOT met" }'
