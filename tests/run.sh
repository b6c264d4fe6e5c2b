#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/run.sh [--unit-only|--integration-only] BUILD_DIR [NAME...]
#
# Runs every unit test binary BUILD_DIR/unit/test_* (no root needed) and,
# as root, every tests/integration/test_*.sh with FABRICCTL=BUILD_DIR/fabricctl.
# NAME... restricts the run to tests whose name contains one of them.
# TESTS_EXCLUDE="NAME..." (environment) skips the integration tests of those
# names, each reported as SKIP with the reason in TESTS_EXCLUDE_WHY.
# One line per test (PASS name (1.2s) / FAIL name + its output / SKIP name),
# then a check that the tests left nothing on the host ("no-leftovers"),
# then the summary line "N passed, N failed, N skipped".
# Exit status 1 if anything failed.

set -uo pipefail

usage() {
	echo "usage: tests/run.sh [--unit-only|--integration-only] BUILD_DIR [NAME...]" >&2
	exit 2
}

unit=1
integration=1
case "${1:-}" in
--unit-only) integration=0; shift ;;
--integration-only) unit=0; shift ;;
-h | --help) usage ;;
esac
[[ $# -ge 1 ]] || usage
[[ -d "$1" ]] || { echo "tests/run.sh: no build directory '$1'" >&2; exit 2; }
BUILD_DIR=$(cd "$1" && pwd)
shift
FILTERS=("$@")

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TIMEOUT=${TEST_TIMEOUT:-300}
export FABRICCTL="$BUILD_DIR/fabricctl"
export LC_ALL=C

# Colour only on a terminal.
if [[ -t 1 ]]; then
	C_PASS=$'\e[32m' C_FAIL=$'\e[31m' C_SKIP=$'\e[33m' C_OFF=$'\e[0m'
else
	C_PASS='' C_FAIL='' C_SKIP='' C_OFF=''
fi

passed=0
failed=0
skipped=0
failed_names=()
RUN_TMP=$(mktemp -d /tmp/fabricctl-run.XXXXXX)
trap 'rm -rf "$RUN_TMP"' EXIT
export FAB_NAMES_LOG="$RUN_TMP/fabrics"
: >"$FAB_NAMES_LOG"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fs", b - a }'; }

excluded() {
	local x
	for x in ${TESTS_EXCLUDE:-}; do
		[[ "$1" == "integration/$x" ]] && return 0
	done
	return 1
}

selected() {
	local f
	[[ ${#FILTERS[@]} -eq 0 ]] && return 0
	for f in "${FILTERS[@]}"; do
		[[ "$1" == *"$f"* ]] && return 0
	done
	return 1
}

report_pass() {
	passed=$((passed + 1))
	printf '%sPASS%s %s (%s)\n' "$C_PASS" "$C_OFF" "$1" "$2"
}

# report_fail NAME WHY [LOGFILE]
report_fail() {
	failed=$((failed + 1))
	failed_names+=("$1")
	printf '%sFAIL%s %s%s\n' "$C_FAIL" "$C_OFF" "$1" "${2:+ ($2)}"
	if [[ -n "${3:-}" && -s "$3" ]]; then
		sed -e 's/^/    | /' "$3" | tail -n 200
	fi
}

report_skip() {
	skipped=$((skipped + 1))
	printf '%sSKIP%s %s%s\n' "$C_SKIP" "$C_OFF" "$1" "${2:+ ($2)}"
}

# run_one NAME COMMAND...: run with a timeout, output to a log, classify.
run_one() {
	local name=$1 log="$RUN_TMP/${1//\//_}.log" start rc why
	shift
	start=$(now)
	timeout -k 10 "$TIMEOUT" "$@" </dev/null >"$log" 2>&1
	rc=$?
	case $rc in
	0) report_pass "$name" "$(elapsed "$start" "$(now)")" ;;
	77)
		why=$(grep -m1 -o 'SKIP: .*' "$log" | sed 's/^SKIP: //')
		report_skip "$name" "$why"
		;;
	124 | 137) report_fail "$name" "timed out after ${TIMEOUT}s" "$log" ;;
	*) report_fail "$name" "exit $rc" "$log" ;;
	esac
}

# ---------------------------------------------------------------- unit

if [[ $unit -eq 1 ]]; then
	found=0
	for t in "$BUILD_DIR"/unit/test_*; do
		[[ -f $t && -x $t ]] || continue
		name="unit/$(basename "$t")"
		selected "$name" || continue
		found=1
		run_one "$name" "$t"
	done
	if [[ $found -eq 0 && ${#FILTERS[@]} -eq 0 ]]; then
		echo "note: no unit test binaries in $BUILD_DIR/unit (build them with make)"
	fi
fi

# --------------------------------------------------------- integration

# Everything on the host that a test could have made: names of test
# fabrics ("t" + 5 digits, see tests/lib.sh fab_name) and of the fabrics
# the tests reported using.
host_objects() {
	local f pat='^t[0-9]{5}'
	{
		ls -1 /run/netns 2>/dev/null | sed 's/^/netns /'
		ls -1 /sys/class/net 2>/dev/null | sed 's/^/link /'
		ls -1 /run/fabricctl 2>/dev/null | sed 's/^/state /'
		ls -1 /sys/fs/bpf/fabricctl 2>/dev/null | sed 's/^/pin /'
	} | while read -r kind obj; do
		if [[ $obj =~ $pat ]]; then
			echo "$kind $obj"
			continue
		fi
		while read -r f; do
			[[ -n $f && $obj == "$f"* ]] && { echo "$kind $obj"; break; }
		done <"$FAB_NAMES_LOG"
	done | sort -u
}

if [[ $integration -eq 1 ]]; then
	tests=()
	for t in "$TESTS_DIR"/integration/test_*.sh; do
		[[ -f $t ]] || continue
		selected "integration/$(basename "$t" .sh)" && tests+=("$t")
	done
	if [[ $(id -u) -ne 0 ]]; then
		for t in "${tests[@]}"; do
			report_skip "integration/$(basename "$t" .sh)" "not root"
		done
	elif [[ ${#tests[@]} -gt 0 ]]; then
		if [[ ! -x $FABRICCTL ]]; then
			echo "warning: $FABRICCTL is missing: every integration test will fail"
		fi
		# The tests use fixed names and subnets: two runs on one host (two
		# checkouts, two engineers) would fight over them, so they queue.
		exec 9>"${FABRICCTL_TEST_LOCK:-/tmp/fabricctl-tests.lock}"
		if ! flock -n 9; then
			echo "note: another tests/run.sh holds the integration lock; waiting"
			flock 9
		fi
		host_objects >"$RUN_TMP/before"
		if [[ -s "$RUN_TMP/before" ]]; then
			echo "note: test-named objects already on the host (ignored):"
			sed 's/^/    /' "$RUN_TMP/before"
		fi
		for t in "${tests[@]}"; do
			if excluded "integration/$(basename "$t" .sh)"; then
				report_skip "integration/$(basename "$t" .sh)" "${TESTS_EXCLUDE_WHY:-excluded}"
				continue
			fi
			if [[ -x $t ]]; then
				run_one "integration/$(basename "$t" .sh)" "$t"
			else
				run_one "integration/$(basename "$t" .sh)" bash "$t"
			fi
		done
		# Namespace teardown is asynchronous: give it a few seconds.
		start=$(now)
		for ((i = 0; i < 50; i++)); do
			host_objects | comm -13 "$RUN_TMP/before" - >"$RUN_TMP/left"
			[[ -s "$RUN_TMP/left" ]] || break
			sleep 0.1
		done
		# Objects of the fabrics this run's tests made are leftovers; other
		# test-looking names may come from someone else on a shared host.
		: >"$RUN_TMP/mine"
		: >"$RUN_TMP/other"
		while read -r kind obj; do
			mine=0
			while read -r f; do
				[[ -n $f && $obj == "$f"* ]] && { mine=1; break; }
			done <"$FAB_NAMES_LOG"
			if [[ $mine -eq 1 ]]; then
				echo "$kind $obj" >>"$RUN_TMP/mine"
			else
				echo "$kind $obj" >>"$RUN_TMP/other"
			fi
		done <"$RUN_TMP/left"
		if [[ -s "$RUN_TMP/other" ]]; then
			echo "note: test-named objects not from this run's fabrics (another run on this host?):"
			sed 's/^/    /' "$RUN_TMP/other"
		fi
		if [[ -s "$RUN_TMP/mine" ]]; then
			{
				echo "left on the host by the tests:"
				sed 's/^/  /' "$RUN_TMP/mine"
			} >"$RUN_TMP/left.log"
			report_fail no-leftovers "" "$RUN_TMP/left.log"
			# Clean up after the failure so the next run starts clean.
			while read -r f; do
				[[ -n $f ]] && "$FABRICCTL" destroy "$f" >/dev/null 2>&1
			done < <(sort -u "$FAB_NAMES_LOG")
			while read -r kind obj; do
				case $kind in
				netns) ip netns del "$obj" ;;
				link) ip link del "$obj" ;;
				state) rm -rf "/run/fabricctl/$obj" ;;
				pin) rm -rf "/sys/fs/bpf/fabricctl/$obj" ;;
				esac
			done <"$RUN_TMP/mine" >/dev/null 2>&1
		else
			report_pass no-leftovers "$(elapsed "$start" "$(now)")"
		fi
	fi
fi

if [[ $failed -gt 0 ]]; then
	echo "failed: ${failed_names[*]}"
fi
if [[ $skipped -gt 0 ]]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[[ $failed -eq 0 ]]
