#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# What apply costs against the commands it replaces, in the same run:
#  1. apply of an N-node file (default 1000) vs `create` +
#     `add-node --count N`: medians of R runs each (default 3), interleaved,
#     each fabric destroyed before the next run; the ratio (target <= 1.1).
#  2. impairments on N nodes in one batched pass: `impair FABRIC N nodes
#     --rate 20mbit` and an apply whose only change is the rate, in ms/node.
#  3. a no-change apply of a BIG-node fabric (default 10000; --big 0 skips
#     it), destroyed at once: median of R runs
#     (target < 1 s).
#
# Usage: apply.sh [--nodes N] [--runs R] [--big N] FABRICCTL
# Root. Uses fabric "bap<pid>" (subnet 10.237.0.0/16, cells of 512, tuned:
# admission counts every fabric on the host), removed at exit.
set -euo pipefail

NODES=1000
RUNS=3
BIG=10000
usage() {
	sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-2}"
}
while [[ $# -gt 0 ]]; do
	case $1 in
	--nodes) NODES=$2; shift 2 ;;
	--runs) RUNS=$2; shift 2 ;;
	--big) BIG=$2; shift 2 ;;
	-h | --help) usage 0 ;;
	-*) usage ;;
	*) break ;;
	esac
done
[[ $# -eq 1 ]] || usage
FABRICCTL=$1
[[ -x $FABRICCTL ]] || { echo "apply: no fabricctl at $FABRICCTL" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "apply: needs root" >&2; exit 2; }
((NODES >= 1 && NODES <= 5000)) || { echo "apply: --nodes must be 1..5000" >&2; exit 2; }
((BIG == 0 || (BIG >= 1000 && BIG <= 20000))) || { echo "apply: --big must be 0 or 1000..20000" >&2; exit 2; }

F=bap$(($$ % 100000))
SUBNET=10.237.0.0/16
TMP=$(mktemp -d)
cleanup() {
	set +e
	"$FABRICCTL" -q destroy "$F" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# lab N RATE [TUNE]: the file of an N-node fabric with every node at RATE.
lab() {
	cat >"$TMP/lab.yaml" <<LAB
fabric: $F
subnet: $SUBNET
cell-size: 512
tune: true
groups:
  - name: n
    nodes: {count: $1, name: "${F}n%d"}
    impair: ${2}
LAB
}

echo "apply vs create + add-node --count, $NODES nodes, $RUNS runs each (interleaved)"
: >"$TMP/apply" >"$TMP/add"
for ((r = 1; r <= RUNS; r++)); do
	lab "$NODES" "{}"
	t0=$(now)
	"$FABRICCTL" -q apply "$TMP/lab.yaml"
	t1=$(now)
	"$FABRICCTL" -q destroy "$F"
	echo "$t1 - $t0" | bc -l >>"$TMP/apply"
	t0=$(now)
	"$FABRICCTL" -q create "$F" --subnet "$SUBNET" --cell-size 512 --tune
	"$FABRICCTL" -q add-node "$F" --count "$NODES" --prefix "${F}n"
	t1=$(now)
	"$FABRICCTL" -q destroy "$F"
	echo "$t1 - $t0" | bc -l >>"$TMP/add"
	sleep 2 # let the namespaces of the last fabric go
done
a=$(median <"$TMP/apply")
b=$(median <"$TMP/add")
printf '  apply FILE                     %8.3f s  (%.2f ms/node)\n' "$a" "$(echo "$a * 1000 / $NODES" | bc -l)"
printf '  create + add-node --count      %8.3f s  (%.2f ms/node)\n' "$b" "$(echo "$b * 1000 / $NODES" | bc -l)"
printf '  ratio apply / add-node         %8.3f    (target <= 1.1)\n' "$(echo "$a / $b" | bc -l)"

echo "impairments on $NODES nodes, one batched pass"
lab "$NODES" "{}"
"$FABRICCTL" -q apply "$TMP/lab.yaml"
mapfile -t names < <(seq -f "${F}n%g" 1 "$NODES")
t0=$(now)
"$FABRICCTL" -q impair "$F" "${names[@]}" --rate 20mbit
t1=$(now)
i=$(echo "$t1 - $t0" | bc -l)
printf '  impair --rate (%d nodes)      %8.3f s  (%.3f ms/node)\n' "$NODES" "$i" "$(echo "$i * 1000 / $NODES" | bc -l)"
lab "$NODES" "{rate: 10mbit}"
t0=$(now)
"$FABRICCTL" -q apply "$TMP/lab.yaml"
t1=$(now)
i=$(echo "$t1 - $t0" | bc -l)
printf '  apply, rate changed            %8.3f s  (%.3f ms/node)\n' "$i" "$(echo "$i * 1000 / $NODES" | bc -l)"
t0=$(now)
"$FABRICCTL" -q apply "$TMP/lab.yaml"
t1=$(now)
printf '  apply, no change (%d nodes, all impaired) %.3f s\n' "$NODES" "$(echo "$t1 - $t0" | bc -l)"
"$FABRICCTL" -q destroy "$F"

if ((BIG > 0)); then
	echo "no-change apply of a $BIG-node fabric (tune: true), $RUNS runs"
	sleep 2
	lab "$BIG" "{}"
	t0=$(now)
	"$FABRICCTL" -q apply "$TMP/lab.yaml"
	t1=$(now)
	printf '  first apply (%d nodes)        %8.3f s\n' "$BIG" "$(echo "$t1 - $t0" | bc -l)"
	: >"$TMP/nochange"
	for ((r = 1; r <= RUNS; r++)); do
		t0=$(now)
		"$FABRICCTL" -q apply "$TMP/lab.yaml"
		t1=$(now)
		echo "$t1 - $t0" | bc -l >>"$TMP/nochange"
	done
	printf '  no-change apply (median)       %8.3f s  (target < 1 s)\n' "$(median <"$TMP/nochange")"
	t0=$(now)
	"$FABRICCTL" -q destroy "$F"
	t1=$(now)
	printf '  destroy                        %8.3f s\n' "$(echo "$t1 - $t0" | bc -l)"
fi
