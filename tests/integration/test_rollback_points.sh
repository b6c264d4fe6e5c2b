#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Rollback of every kind of resource, step by step: FABRICCTL_FAILPOINT=fail@K
# makes the K-th step that changes the system fail (EIO). For create K walks
# 1, 2, ... until the command succeeds; for add-node (two nodes into cell 0,
# one that makes cell 1) K walks every step the command lists, and a step
# whose failure add-node works around (a read) must leave it all done. Two
# workers run at once, each on its own fabric. Each failure must exit 1
# with one error line
# naming the step, and leave NOTHING of what the command was making -- no
# repair: after a failed create nothing named after the fabric is left; after
# a failed add-node `check` (without --repair) is clean, each node is atomic
# (the nodes completed before the failing one are whole, the failing one and
# those after it have no namespace, veth, counter entry, tc filter or
# lease), the fabric's veths, namespaces, counter entries, filters and
# record count the same nodes, and the nodes from before still work. del-node and destroy cut by a
# failure are finished by check --repair / destroy. Prints the steps walked
# and the kinds of resource they covered. FABRICCTL_ATTACH=tcx runs it all
# on tcx fabrics ("filters" then counts veths with an attached tcx link).
# FAB_ROLLBACK_IPV6=1 runs it all on dual-stack fabrics (create --ipv6).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
command -v bpftool >/dev/null || skip "bpftool is not installed"

BASE=$(fab_name)
cleanup_fabric "${BASE}p" "${BASE}q"
CREATE6=()
[[ ${FAB_ROLLBACK_IPV6:-0} == 1 ]] && CREATE6=(--ipv6)
# worker ID OFFSET: the fabric, subnet (a /25 at OFFSET, cells of 64),
# gateway, output files and step kinds of one of the two workers.
worker() {
	F=$BASE$1
	SUBNET=10.219.1.$2/25
	GW0=10.219.1.$(($2 + 1))
	C_ADDR=10.219.1.$(($2 + 70)) # a node in cell 1
	walked=0
	TEST_TMP=$TEST_TMP/$1
	mkdir -p "$TEST_TMP"
	kinds=$TEST_TMP/kinds
	: >"$kinds"
}

pieces() {
	local veths netns counters record filters=0 v i
	veths=$(ls /sys/class/net | grep -Ec "^$F-[0-9]+\$" || true)
	netns=$(ls /run/netns | grep -c "^$F[a-z]" || true)
	counters=$(bpftool -j map dump pinned "/sys/fs/bpf/fabricctl/$F/counters" 2>/dev/null | jq length)
	record=$("$FABRICCTL" -j show "$F" | jq '.nodes | length')
	for v in $(ls /sys/class/net | grep -E "^$F-[0-9]+\$" || true); do
		if [[ ${FABRICCTL_ATTACH:-} == tcx ]]; then # counted by a tcx link on the veth
			i=$(cat "/sys/class/net/$v/ifindex")
			[[ $(tcx_link_ifindex "/sys/fs/bpf/fabricctl/$F/tcx/${i}_ingress" 2>/dev/null) == "$i" ]] &&
				filters=$((filters + 1))
		elif [[ $(tc -j filter show dev "$v" ingress | jq '[.[] | select(.options.bpf_name? != null)] | length') -gt 0 ]]; then
			filters=$((filters + 1))
		fi
	done
	echo "veths=$veths netns=$netns counters=$counters filters=$filters record=$record"
}

in_show() { "$FABRICCTL" -j show "$F" | jq -e --arg n "$1" '[.nodes[].name] | index($n) != null' >/dev/null; }

# failed STEPS_LOG CMD...: run fabricctl CMD failing at step $K; 0 when it
# failed there, 1 when it succeeded (K is past its last step).
failed() {
	local rc=0
	FABRICCTL_FAILPOINT="fail@$K" "$FABRICCTL" "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" || rc=$?
	[[ $rc -eq 0 ]] && return 1
	[[ $rc -eq 1 ]] || fail "fabricctl $* with fail@$K: exit $rc, want 1"
	FAB_ERR=$(cat "$TEST_TMP/err")
	fab_err_line
	assert_contains "$FAB_ERR" "failpoint $K" "fabricctl $* fail@$K: the error names the step"
	sed -n 's/.*failpoint [0-9]* (\([^)]*\)).*/\1/p' <<<"$FAB_ERR" >>"$kinds"
	return 0
}

# ---------------------------------------------------------------- create
walk_create() {
	for ((K = 1; ; K++)); do
		failed create "$F" --subnet "$SUBNET" --cell-size 64 "${CREATE6[@]}" || break
		walked=$((walked + 1))
		wait_no_leftovers "$F" 5 || fail "create fail@$K left: $(leftovers "$F")"
	done
	log "create: $((K - 1)) failing steps rolled back"
	fab_ok destroy "$F"
	wait_no_leftovers "$F" 5 || fail "the last create's fabric is not gone"
}

# -------------------------------------------------------------- add-node
# The fabric of a worker's later walks, with a node from before that must
# keep working.
fabric_with_k() {
	fab_ok create "$F" --subnet "$SUBNET" --cell-size 64 "${CREATE6[@]}"
	fab_ok add-node "$F" "${F}k"
}
# The steps of CMD... (it runs, in list mode).
steps_of() {
	FABRICCTL_FAILPOINT=list "$FABRICCTL" "$@" 2>&1 >/dev/null | grep -c '^failpoint ' || true
}
names_in() { for a in "$@"; do if [[ $a == "$F"* ]]; then echo "$a"; fi; done; }
walk_add() {
	local name=$1 n_steps tolerated=0
	shift
	n_steps=$(steps_of add-node "$F" "$@")
	# shellcheck disable=SC2046 # one name a word
	fab_ok del-node "$F" $(names_in "$@")
	for ((K = 1; K <= n_steps; K++)); do
		if ! failed add-node "$F" "$@"; then
			# A failed read (the probe whether sysfs shows the fabric's veths)
			# that add-node works around: it must still have done it all.
			tolerated=$((tolerated + 1))
			fab_ok check "$F"
			assert_consistent "$F"
			# shellcheck disable=SC2046
			fab_ok del-node "$F" $(names_in "$@")
			continue
		fi
		walked=$((walked + 1))
		fab check "$F"
		[[ $FAB_RC -eq 0 ]] || { _fab_show_run check "$F"; fail "$name fail@$K: not rolled back: check is not clean"; }
		assert_consistent "$F"
		n=$("$FABRICCTL" -j show "$F" | jq '.nodes | length')
		assert_eq "$(pieces)" "veths=$n netns=$n counters=$n filters=$n record=$n" "$name fail@$K: the fabric's pieces"
		# Each node is atomic: the ones completed before the failure are whole
		# (assert_consistent above), the failed one and those after it gone.
		for a in "$@"; do
			if [[ $a == "$F"* ]] && ! in_show "$a"; then
				wait_gone "$a" || fail "$name fail@$K: namespace $a left"
			fi
		done
		ping_ok "${F}k" "$GW0"
		survivors=$(for a in "$@"; do if [[ $a == "$F"* ]] && in_show "$a"; then echo "$a"; fi; done)
		# shellcheck disable=SC2086 # one name a word
		[[ -z $survivors ]] || fab_ok del-node "$F" $survivors
	done
	log "$name: $((n_steps - tolerated)) failing steps rolled back, $tolerated worked around (of $n_steps)"
	((n_steps - tolerated > 10)) || fail "$name: only $((n_steps - tolerated)) of $n_steps steps fail it"
}

# --------------------------------------------- del-node, destroy: finished later
# A failure here cannot undo a deletion: the rest is done, the failure is
# reported, and check --repair or destroy finishes what is left.
walk_del() {
	local N
	fab_ok add-node "$F" "${F}a" "${F}b"
	N=$(steps_of del-node "$F" "${F}a" "${F}b")
	for ((K = 1; K <= N; K++)); do
		fab_ok add-node "$F" "${F}a" "${F}b"
		if failed del-node "$F" "${F}a" "${F}b"; then
			walked=$((walked + 1))
			fab_ok check "$F" --repair
		fi
		fab_ok check "$F"
		"$FABRICCTL" -q del-node "$F" "${F}a" "${F}b" >/dev/null 2>&1 || true
		assert_eq "$(pieces)" "veths=1 netns=1 counters=1 filters=1 record=1" "del-node fail@$K, then repaired"
	done
	log "del-node: $N failing steps finished by check --repair"
}
walk_destroy() {
	local N
	fab_ok add-node "$F" "${F}a" "${F}b"
	fab_ok add-node "$F" "${F}c" --ip "$C_ADDR" # two cells: the router goes too
	N=$(steps_of destroy "$F")
	fab_ok create "$F" --subnet "$SUBNET" --cell-size 64 "${CREATE6[@]}"
	for ((K = 1; K <= N; K++)); do
		fab_ok add-node "$F" "${F}a" "${F}b"
		fab_ok add-node "$F" "${F}c" --ip "$C_ADDR"
		if failed destroy "$F"; then
			walked=$((walked + 1))
			fab_ok destroy "$F"
		fi
		wait_no_leftovers "$F" 10 || fail "destroy fail@$K, then destroy, left: $(leftovers "$F")"
		fab_ok create "$F" --subnet "$SUBNET" --cell-size 64 "${CREATE6[@]}"
	done
	log "destroy: $N failing steps finished by destroy"
}

# ---------------------------------------------------------------- the run
# Two workers at once (the host has 2 CPUs), each on its own fabric; a
# failure ends its subshell with status 1 and its message.
worker_p() {
	worker p 0
	fabric_with_k
	walk_add "add-node a b" "${F}a" "${F}b"
	echo "$walked" >"$TEST_TMP/walked"
}
worker_q() {
	worker q 128
	walk_create
	fabric_with_k
	walk_add "add-node c (new cell)" "${F}c" --ip "$C_ADDR"
	walk_del
	walk_destroy
	echo "$walked" >"$TEST_TMP/walked"
}
run_two worker_p worker_q
walked=$(($(<"$TEST_TMP/p/walked") + $(<"$TEST_TMP/q/walked")))
kinds=$TEST_TMP/kinds
cat "$TEST_TMP/p/kinds" "$TEST_TMP/q/kinds" >"$kinds"
log "failing steps walked: $walked; kinds: $(sort -u "$kinds" | tr '\n' ',' | sed 's/,$//')"
for kind in "create namespace" "mount namespace" "netlink batch" "write record" "add a counter entry" \
	"attach the counting program" "write a sysctl" "load the counting program"; do
	grep -qx "$kind" "$kinds" || fail "no failing step of kind \"$kind\" was walked"
done
