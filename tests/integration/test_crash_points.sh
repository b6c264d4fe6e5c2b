#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Crashes at every step, deterministically: FABRICCTL_FAILPOINT=crash@K kills
# fabricctl (SIGKILL, as kill -9) at the K-th step that changes the system
# (a netlink batch, a namespace made or removed, a record renamed into
# place, a pin, a counter entry, a tc attach, a sysctl). For each command
# below K walks 1, 2, ... until the command completes; after each crash the
# recovery runs and the host must be in order:
#   create (2 cells)              -> check --repair (odd K) or destroy (even K)
#   add-node a b                  -> check --repair
#   add-node c --ip (a new cell)  -> check --repair
#   del-node a c                  -> check --repair
#   check --repair (of a fabric missing a namespace, a veth, a bridge)
#                                 -> check --repair again
#   destroy                       -> destroy again
# "In order": `check` exits 0; show -j agrees with the kernel
# (assert_consistent); no address is given twice; the fabric's host veths,
# namespaces, counter entries and records all count the same nodes; every
# node answers its gateway and the other cell; or, after destroy, nothing
# named after the fabric is left. Prints the number of crash points walked.
# Two workers walk at once, each on a fabric and subnet of its own: one
# takes the odd K of every command, the other the even K (the trials are
# mostly process starts, and the host has 2 CPUs).
# FAB_CRASH_IPV6=1 runs every trial on a dual-stack fabric, each node also
# answering its IPv6 gateway.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
command -v bpftool >/dev/null || skip "bpftool is not installed"

BASE=$(fab_name)
cleanup_fabric "${BASE}p" "${BASE}q"
# FAB_CRASH_IPV6=1: the same trials on a dual-stack fabric (create --ipv6).
CREATE6=()
[[ ${FAB_CRASH_IPV6:-0} == 1 ]] && CREATE6=(--ipv6)
# worker ID OFFSET K0: the fabric, subnet (a /25 at OFFSET, cells of 64),
# gateways and first crash point (1 or 2: every second one from there) of
# one worker.
worker() {
	K0=$3
	F=$BASE$1
	SUBNET=10.219.0.$2/25
	GW0=10.219.0.$(($2 + 1)) GW1=10.219.0.$(($2 + 65))
	C_ADDR=10.219.0.$(($2 + 70)) # a node in cell 1
	walked=0
	TEST_TMP=$TEST_TMP/$1 # fab's output files, one set per worker
	mkdir -p "$TEST_TMP"
}

# The number of nodes each piece of the kernel says the fabric has, one line.
pieces() {
	local veths netns counters record
	veths=$(ls /sys/class/net | grep -Ec "^$F-[0-9]+\$" || true)
	netns=$(ls /run/netns | grep -c "^$F[a-z]" || true)
	counters=$(bpftool -j map dump pinned "/sys/fs/bpf/fabricctl/$F/counters" 2>/dev/null | jq length)
	record=$("$FABRICCTL" -j show "$F" | jq '.nodes | length')
	echo "veths=$veths netns=$netns counters=$counters record=$record"
}

# in_order WHAT: the fabric is consistent, whole and working.
in_order() {
	local what=$1 n addrs p
	fab check "$F"
	if [[ $FAB_RC -ne 0 ]]; then
		_fab_show_run check "$F"
		fail "$what: check says the fabric is not consistent"
	fi
	assert_consistent "$F"
	fab_ok -j show "$F"
	n=$(jq '.nodes | length' <<<"$FAB_OUT")
	addrs=$(jq -r '.nodes[].address' <<<"$FAB_OUT" | sort)
	assert_eq "$(uniq <<<"$addrs" | grep -c . || true)" "$n" "$what: distinct addresses"
	p=$(pieces)
	assert_eq "$p" "veths=$n netns=$n counters=$n record=$n" "$what: pieces of $n nodes"
	while read -r node cell; do
		[[ -n $node ]] || continue
		if [[ $cell == 1 ]]; then
			ping_ok "$node" "$GW1"
			ping_ok "$node" "$GW0" # across the router
		else
			ping_ok "$node" "$GW0"
		fi
	done < <(jq -r '.nodes[] | "\(.name) \(.cell)"' <<<"$FAB_OUT")
	# A dual-stack trial: every node answers its IPv6 gateway as well.
	while read -r node gw6; do
		[[ -n $node && $gw6 == fd* ]] || continue
		ip netns exec "$node" ping -6 -n -q -c1 -W2 "$gw6" >/dev/null 2>&1 ||
			ip netns exec "$node" ping -6 -n -q -c1 -W2 "$gw6" >/dev/null 2>&1 ||
			fail "$what: $node cannot ping -6 its gateway $gw6"
	done < <(jq -r '.nodes[] | select(.gateway6) | "\(.name) \(.gateway6)"' <<<"$FAB_OUT")
}

# crashed WHAT CMD...: run fabricctl CMD with a crash at step $K; 0 when it
# was killed, 1 when it completed (K is past its last step).
crashed() {
	local rc=0
	shift
	FABRICCTL_FAILPOINT="crash@$K" "$FABRICCTL" "$@" >/dev/null 2>&1 || rc=$?
	[[ $rc -eq 137 ]] && return 0
	[[ $rc -eq 0 ]] || fail "fabricctl $* with crash@$K: exit $rc, neither killed nor done"
	return 1
}

in_show() { "$FABRICCTL" -j show "$F" | jq -e --arg n "$1" '[.nodes[].name] | index($n) != null' >/dev/null; }

fresh() { # a fabric with the nodes NODE...
	"$FABRICCTL" destroy "$F" >/dev/null 2>&1 || true
	wait_no_leftovers "$F" 10 || fail "the previous trial's fabric is not gone: $(leftovers "$F")"
	fab_ok create "$F" --subnet "$SUBNET" --cell-size 64 "${CREATE6[@]}"
	if [[ $# -gt 0 ]]; then fab_ok add-node "$F" "$@"; fi
	return 0
}

# ---------------------------------------------------------------- create
walk_create() {
for ((K = K0; ; K += 2)); do
	"$FABRICCTL" destroy "$F" >/dev/null 2>&1 || true
	wait_no_leftovers "$F" 10 || fail "create trial $K: the last fabric is not gone"
	crashed create create "$F" --subnet "$SUBNET" --cell-size 64 "${CREATE6[@]}" || break
	walked=$((walked + 1))
	if [[ ! -e /run/fabricctl/$F/state ]]; then
		# Killed before the record was written: nothing made, nothing blocks.
		[[ -z $(leftovers "$F" | grep -v "^state /run/fabricctl/$F\$") ]] ||
			fail "create crash@$K (no record) left: $(leftovers "$F")"
		fab_ok create "$F" --subnet "$SUBNET" --cell-size 64 "${CREATE6[@]}"
	elif ((K % 4 == 1 || K % 4 == 2)); then # repair, then destroy, in both workers
		fab_ok -j list
		assert_eq "$(jq -r --arg f "$F" '.[] | select(.name == $f) | .status' <<<"$FAB_OUT")" creating \
			"create crash@$K: list shows the unfinished create"
		fab_ok check "$F" --repair
		in_order "create crash@$K, repaired"
		fab_ok add-node "$F" "${F}a"
		fab_ok add-node "$F" "${F}c" --ip "$C_ADDR"
		in_order "create crash@$K, repaired, then add-node"
	else
		fab_ok destroy "$F"
		wait_no_leftovers "$F" 10 || fail "create crash@$K, destroy left: $(leftovers "$F")"
		fab_ok create "$F" --subnet "$SUBNET" --cell-size 64 "${CREATE6[@]}" # nothing blocks it
	fi
done
log "create: crash points $K0, $((K0 + 2)), ... up to $((K - 2)) ($SECONDS s)"
}

# -------------------------------------------------------------- add-node
walk_add() { # NAME ARGS...: crash add-node ARGS at every step
	local name=$1
	shift
	for ((K = K0; ; K += 2)); do
		fresh "${F}x"
		crashed add add-node "$F" "$@" || break
		walked=$((walked + 1))
		fab check "$F" --repair
		[[ $FAB_RC -eq 0 ]] || { _fab_show_run check "$F" --repair; fail "$name crash@$K: repair failed"; }
		in_order "$name crash@$K"
		# What was cut short can be done now (nodes that survived are skipped).
		local args=() a
		for a in "$@"; do
			if [[ $a == "$F"* ]] && in_show "$a"; then continue; fi
			args+=("$a")
		done
		[[ ${args[0]:-} == "$F"* ]] && fab_ok add-node "$F" "${args[@]}"
		in_order "$name crash@$K, added again"
	done
	log "$name: crash points $K0, $((K0 + 2)), ... up to $((K - 2)) ($SECONDS s)"
}

# -------------------------------------------------------------- del-node
walk_del() {
for ((K = K0; ; K += 2)); do
	fresh "${F}a" "${F}b"
	fab_ok add-node "$F" "${F}c" --ip "$C_ADDR"
	crashed del del-node "$F" "${F}a" "${F}c" || break
	walked=$((walked + 1))
	fab_ok check "$F" --repair
	in_order "del-node crash@$K"
	fab_ok -j show "$F"
	# The node not named is kept; the others are gone or whole.
	jq -e --arg n "${F}b" '[.nodes[].name] | index($n) != null' <<<"$FAB_OUT" >/dev/null ||
		fail "del-node crash@$K: ${F}b, not named, is gone"
done
log "del-node: crash points $K0, $((K0 + 2)), ... up to $((K - 2)) ($SECONDS s)"
}

# ------------------------------------------------------------ check --repair
break_fabric() { # a namespace, a veth and cell 1's bridge gone
	ip link del "$("$FABRICCTL" -j show "$F" | jq -r --arg n "${F}b" '.nodes[] | select(.name == $n) | .host_veth')"
	ip netns del "${F}a"
	ip link del "$F-c1"
	wait_gone "$F-$(("$(cut -d. -f4 <<<"$("$FABRICCTL" -j show "$F" | jq -r --arg n "${F}a" '.nodes[] | select(.name == $n) | .address')")"))" || true
}
walk_repair() {
for ((K = K0; ; K += 2)); do
	fresh "${F}a" "${F}b"
	fab_ok add-node "$F" "${F}c" --ip "$C_ADDR"
	break_fabric
	crashed repair check "$F" --repair || break
	walked=$((walked + 1))
	fab check "$F" --repair
	[[ $FAB_RC -eq 0 ]] || { _fab_show_run check "$F" --repair; fail "repair crash@$K: the second repair failed"; }
	in_order "check --repair crash@$K"
done
log "check --repair: crash points $K0, $((K0 + 2)), ... up to $((K - 2)) ($SECONDS s)"
}

# --------------------------------------------------------------- destroy
walk_destroy() {
for ((K = K0; ; K += 2)); do
	fresh "${F}a" "${F}b"
	fab_ok add-node "$F" "${F}c" --ip "$C_ADDR"
	crashed destroy destroy "$F" || break
	walked=$((walked + 1))
	fab_ok destroy "$F"
	wait_no_leftovers "$F" 10 || fail "destroy crash@$K, destroy again left: $(leftovers "$F")"
done
log "destroy: crash points $K0, $((K0 + 2)), ... up to $((K - 2)) ($SECONDS s)"
}

# ---------------------------------------------------------------- the run
# Each worker is a subshell: a failure ends it with status 1 and its message.
walk_all() {
	walk_create
	walk_add "add-node a b" "${F}a" "${F}b"
	walk_add "add-node c (new cell)" "${F}c" --ip "$C_ADDR"
	walk_del
	walk_repair
	walk_destroy
	echo "$walked" >"$TEST_TMP/walked"
}
worker_p() {
	worker p 0 1
	walk_all
}
worker_q() {
	worker q 128 2
	walk_all
}
run_two worker_p worker_q
walked=$(($(<"$TEST_TMP/p/walked") + $(<"$TEST_TMP/q/walked")))
log "crash points walked: $walked"
[[ $walked -gt 40 ]] || fail "only $walked crash points: the failpoints are not where they should be"
