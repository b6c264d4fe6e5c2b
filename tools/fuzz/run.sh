#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tools/fuzz/run.sh [SECONDS] [HARNESS...]
#
# Builds the libFuzzer harnesses tools/fuzz/fuzz_*.c, with the src/ modules
# they test, using clang -fsanitize=fuzzer,address,undefined into
# $FUZZ_BUILD (default build/fuzz; never the source tree), then runs each for
# SECONDS (default 30) from its seeds in tools/fuzz/corpus/<harness>/ (the
# corpus grown by the run stays in $FUZZ_BUILD). Harnesses run in parallel,
# at most $FUZZ_JOBS (default: the number of CPUs) at a time.
#
# Prints one line per harness: executions, corpus size, result; then
# "fuzz: N harnesses, N executions, N crashes". Exit 0 if nothing was found,
# 1 on a crash (the input is kept in $FUZZ_BUILD/<harness>/crash-*),
# 77 when clang or its fuzzer runtime is missing (libclang-rt-*-dev).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FUZZ_DIR="$ROOT/tools/fuzz"
SECONDS_EACH=${1:-30}
shift || true
CLANG=${CLANG:-clang}
FUZZ_BUILD=${FUZZ_BUILD:-$ROOT/build/fuzz}
FUZZ_JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}

[[ $SECONDS_EACH =~ ^[0-9]+$ && $SECONDS_EACH -gt 0 ]] || {
	echo "usage: tools/fuzz/run.sh [SECONDS] [HARNESS...]" >&2
	exit 2
}

# Which src/ modules each harness links with.
declare -A MODULES=(
	[cidr]="fabric/ipam base/ipv4 base/errors"
	[names]="fabric/names base/errors"
	[state]="fabric/state fabric/state_record fabric/state_keys fabric/attach fabric/fabric6 fabric/site fabric/ipam fabric/names base/ipv4 base/ipv6 base/errors base/record_file base/array base/failpoint"
)

SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-O1 -g -std=gnu11 -D_GNU_SOURCE -I$ROOT/include $SAN"

mkdir -p "$FUZZ_BUILD" || exit 1
# Is there a fuzzer runtime? (clang without libclang-rt-N-dev links nothing.)
if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "fuzz: SKIP: no $CLANG" >&2
	exit 77
fi
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$FUZZ_BUILD/probe.c"
if ! "$CLANG" -fsanitize=fuzzer,address,undefined "$FUZZ_BUILD/probe.c" -o "$FUZZ_BUILD/probe" 2>"$FUZZ_BUILD/probe.log"; then
	echo "fuzz: SKIP: $CLANG has no libFuzzer runtime (install libclang-rt-dev): $(head -1 "$FUZZ_BUILD/probe.log")" >&2
	exit 77
fi

harnesses=("$@")
if [[ ${#harnesses[@]} -eq 0 ]]; then
	for f in "$FUZZ_DIR"/fuzz_*.c; do
		h=${f##*/fuzz_}
		harnesses+=("${h%.c}")
	done
fi

# Build: each module once (fuzzer-no-link), each harness linked with -fsanitize=fuzzer.
build_one() {
	local h=$1 m objs=()
	[[ -n ${MODULES[$h]:-} ]] || { echo "fuzz: unknown harness $h" >&2; return 1; }
	for m in ${MODULES[$h]}; do
		local o="$FUZZ_BUILD/${m//\//_}.o"
		if [[ ! -e "$o" || "$ROOT/src/$m.c" -nt "$o" ]]; then
			"$CLANG" $CFLAGS -fsanitize=fuzzer-no-link -c "$ROOT/src/$m.c" -o "$o" || return 1
		fi
		objs+=("$o")
	done
	"$CLANG" $CFLAGS -fsanitize=fuzzer "$FUZZ_DIR/fuzz_$h.c" "${objs[@]}" -o "$FUZZ_BUILD/fuzz_$h"
}
# Sources can change between runs: rebuild the modules once per run.
rm -f "$FUZZ_BUILD"/*.o
for h in "${harnesses[@]}"; do
	echo "  CLANG    $FUZZ_BUILD/fuzz_$h"
	build_one "$h" || { echo "fuzz: cannot build harness $h" >&2; exit 1; }
done

# Run one harness; its log is $FUZZ_BUILD/<h>/log.
run_one() {
	local h=$1 dir="$FUZZ_BUILD/$1"
	mkdir -p "$dir/corpus"
	rm -f "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*
	(cd "$dir" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"$FUZZ_BUILD/fuzz_$h" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-max_len=4096 -print_final_stats=1 -artifact_prefix="$dir/" \
		corpus "$FUZZ_DIR/corpus/$h" >log 2>&1)
	echo $? >"$dir/rc"
}

running=0
for h in "${harnesses[@]}"; do
	run_one "$h" &
	running=$((running + 1))
	if [[ $running -ge $FUZZ_JOBS ]]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

total=0 crashes=0
for h in "${harnesses[@]}"; do
	dir="$FUZZ_BUILD/$h"
	rc=$(cat "$dir/rc" 2>/dev/null || echo 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
	execs=${execs:-0}
	corpus=$(find "$dir/corpus" -type f | wc -l)
	total=$((total + execs))
	artifacts=$(compgen -G "$dir/crash-*" ; compgen -G "$dir/leak-*"; compgen -G "$dir/timeout-*"; compgen -G "$dir/oom-*") || true
	if [[ $rc -ne 0 || -n $artifacts ]]; then
		crashes=$((crashes + 1))
		printf 'fuzz_%-6s %10s executions in %ss, corpus %s: FAIL (exit %s) %s\n' "$h" "$execs" "$SECONDS_EACH" "$corpus" "$rc" "$(echo $artifacts)"
		grep -m1 -E 'ERROR: |runtime error|SUMMARY' "$dir/log" | sed 's/^/    /'
	else
		printf 'fuzz_%-6s %10s executions in %ss, corpus %s: ok\n' "$h" "$execs" "$SECONDS_EACH" "$corpus"
	fi
done
echo "fuzz: ${#harnesses[@]} harnesses, $total executions, $crashes crashes"
[[ $crashes -eq 0 ]]
