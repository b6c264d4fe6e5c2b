#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# kill -9 in the middle of an apply, at every step: with
# FABRICCTL_FAILPOINT=crash@K fabricctl is SIGKILLed at the K-th step that
# changes the system, for K = 1, 2, ... until the apply completes. The
# apply goes from lab 1 (nodes a b c, b at 20mbit) to lab 2 (a deleted, d
# added at a fixed address and e added, b changed to 5mbit, d at 5mbit, c
# unchanged). Every third K by default (APPLY_CRASH_STRIDE=1: every one).
# After each crash: `check --repair`, then apply of lab 2
# finishes the job, a third apply is an empty plan, `check` is clean, and
# the kernel holds what lab 2 says (namespaces, d's address, rates read
# with tc -j on eth0). Then lab 1 is applied again for the next K.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
cleanup_fabric "$F"
NET=10.220.45

cat >"$TEST_TMP/lab1.yaml" <<EOF
fabric: $F
subnet: $NET.0/24
groups:
  - {name: plain, nodes: [${F}a, ${F}c]}
  - {name: slow, nodes: [${F}b], impair: {rate: 20mbit}}
EOF
cat >"$TEST_TMP/lab2.yaml" <<EOF
fabric: $F
subnet: $NET.0/24
groups:
  - {name: plain, nodes: [${F}c, ${F}e]}
  - {name: slow, nodes: [${F}b, {name: ${F}d, ip: $NET.77}], impair: {rate: 5mbit}}
EOF

rate_of() {
	ip netns exec "$1" tc -j qdisc show dev eth0 |
		jq -r '[.[] | select(.root == true)][0] | if .kind == "tbf" then .options.rate elif .kind == "netem" then .options.rate.rate else .kind end'
}
state2() {
	echo "netns: $(ip netns list | awk '{print $1}' | grep "^$F" | sort | tr '\n' ' ')"
	echo "d: $(node_inet "${F}d")"
	echo "rates: $(rate_of "${F}b") $(rate_of "${F}c") $(rate_of "${F}d") $(rate_of "${F}e")"
}
want="netns: ${F}b ${F}c ${F}d ${F}e 
d: $NET.77/24
rates: 625000 noqueue 625000 noqueue"

fab_ok apply "$TEST_TMP/lab1.yaml"
walked=0
# Every STRIDE-th crash point (all 52 take 3 minutes here): APPLY_CRASH_STRIDE=1 walks all.
stride=${APPLY_CRASH_STRIDE:-3}
for ((k = 1; k <= 300; k += stride)); do
	rc=0
	(FABRICCTL_FAILPOINT=crash@$k exec "$FABRICCTL" -q apply "$TEST_TMP/lab2.yaml") >/dev/null 2>&1 || rc=$?
	if [[ $rc -eq 0 ]]; then
		log "apply completed at K=$k: $walked crash points walked"
		break
	fi
	[[ $rc -eq 137 ]] || fail "K=$k: apply exited $rc, not killed"
	walked=$((walked + 1))
	fab check --repair "$F"
	[[ $FAB_RC -eq 0 ]] || fail "K=$k: check --repair failed: $FAB_ERR"
	fab apply "$TEST_TMP/lab2.yaml" -j
	[[ $FAB_RC -eq 0 ]] || fail "K=$k: apply after the repair failed: $FAB_ERR"
	fab_ok apply "$TEST_TMP/lab2.yaml" -j
	assert_eq "$(jq -r '.plan.empty' <<<"$FAB_OUT")" true "K=$k: plan of a third apply"
	fab check "$F"
	[[ $FAB_RC -eq 0 ]] || fail "K=$k: check after the second apply: $FAB_OUT $FAB_ERR"
	assert_eq "$(state2)" "$want" "K=$k: the kernel after the repair and apply"
	fab_ok apply "$TEST_TMP/lab1.yaml"
done
[[ $walked -ge 5 ]] || fail "only $walked crash points walked"
assert_eq "$(state2)" "$want" "the kernel after the uninterrupted apply"
exit 0
