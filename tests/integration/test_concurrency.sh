#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Many processes on one fabric (10.217.0.0/22, two cells of 512):
#  1. 8 add-node --count 50 at once: all succeed, 400 nodes, 400 distinct
#     addresses (show -j and the kernel's eth0 agree), each node pings its
#     gateway (as show -j gives it), in parallel batches.
#  2. adds (single and --count) and deletes interleaved from 3 processes
#     while show -j and stats -j run in a loop: every reader run exits 0 (or
#     1 with one error line), prints valid JSON, and never lists a node that
#     is half made (state "missing", or a netns/veth that does not exist
#     when checked and exists later: it was listed before it was made).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
command -v nsenter >/dev/null || skip "nsenter (util-linux) is not installed"

F=$(fab_name)
cleanup_fabric "$F"
# --tune: 400+ nodes outgrow the default neighbour table (gc_thresh3 1024);
# destroy puts the previous values back.
fab_ok create "$F" --subnet 10.217.0.0/22 --tune

# in_node NODE CMD...: run CMD in NODE's network namespace only (setns, no
# mount namespace copy: `ip netns exec` costs more with many namespaces).
in_node() {
	local n=$1
	shift
	nsenter --net="/run/netns/$n" "$@"
}
export -f in_node

# ------------------------------------------------- 1. 8 x 50 at once
pids=()
for i in 1 2 3 4 5 6 7 8; do
	"$FABRICCTL" add-node "$F" --count 50 --prefix "${F}p${i}x" >"$TEST_TMP/add$i" 2>&1 &
	pids+=($!)
done
for i in 1 2 3 4 5 6 7 8; do
	wait "${pids[i - 1]}" || fail "add-node --count 50 --prefix ${F}p${i}x: $(cat "$TEST_TMP/add$i")"
done
fab_ok -j show "$F"
echo "$FAB_OUT" >"$TEST_TMP/show1"
assert_eq "$(jq '.nodes | length' "$TEST_TMP/show1")" 400 "nodes after 8 x 50"
assert_eq "$(jq '[.nodes[].address] | unique | length' "$TEST_TMP/show1")" 400 "distinct addresses in show"
assert_eq "$(jq '[.nodes[] | select(.state != "up")] | length' "$TEST_TMP/show1")" 0 "nodes not up"
for i in 1 2 3 4 5 6 7 8; do
	assert_eq "$(jq --arg p "${F}p${i}x" '[.nodes[] | select(.name | startswith($p))] | length' "$TEST_TMP/show1")" 50 "nodes of process $i"
done
# The kernel's addresses: what show says, and distinct.
jq -r '.nodes[] | "\(.name) \(.address)/\(.prefix_len) \(.gateway)"' "$TEST_TMP/show1" >"$TEST_TMP/nodes"
while read -r n a gw; do
	k=$(in_node "$n" ip -4 -j addr show dev eth0 | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"')
	[[ $k == "$a" ]] || fail "$n: kernel has '$k', show says $a"
	echo "$k"
done <"$TEST_TMP/nodes" | sort | uniq -d >"$TEST_TMP/dups"
[[ ! -s $TEST_TMP/dups ]] || fail "addresses on two nodes: $(tr '\n' ' ' <"$TEST_TMP/dups")"
# Every node reaches its gateway: 16 at a time, one retry for a lost ARP.
awk '{print $1, $3}' "$TEST_TMP/nodes" |
	xargs -P 16 -n 2 sh -c 'nsenter --net="/run/netns/$0" ping -n -q -c1 -W2 "$1" >/dev/null 2>&1 ||
		nsenter --net="/run/netns/$0" ping -n -q -c1 -W2 "$1" >/dev/null 2>&1 || echo "$0 cannot ping $1"' \
		>"$TEST_TMP/unreachable" || true
[[ ! -s $TEST_TMP/unreachable ]] || fail "$(wc -l <"$TEST_TMP/unreachable") nodes cannot reach their gateway: $(head -5 "$TEST_TMP/unreachable" | tr '\n' ';')"
log "8 x 50: 400 nodes, 400 addresses, all reach their gateway"

# --------------------------- 2. churn with readers looking at every moment
DURATION=${CHURN_SECONDS:-15}
stop=$((SECONDS + DURATION))
# Adder A: single nodes ${F}sN, one at a time; deleter D deletes them behind it.
(
	j=0
	while ((SECONDS < stop && j < 150)); do # 400 + 150 + 200 < 1017 slots
		j=$((j + 1))
		"$FABRICCTL" -q add-node "$F" "${F}s$j" >/dev/null 2>>"$TEST_TMP/churn.err" ||
			echo "add-node ${F}s$j failed" >>"$TEST_TMP/churn.fail"
	done
	echo "$j" >"$TEST_TMP/a.count"
) &
pa=$!
# Adder B: --count 5 batches with a new prefix each time.
(
	j=0
	while ((SECONDS < stop && j < 40)); do
		j=$((j + 1))
		"$FABRICCTL" -q add-node "$F" --count 5 --prefix "${F}b${j}y" >/dev/null 2>>"$TEST_TMP/churn.err" ||
			echo "add-node --prefix ${F}b${j}y failed" >>"$TEST_TMP/churn.fail"
	done
) &
pb=$!
# Deleter D: deletes whatever A and B made that show lists, a few at a time.
(
	while ((SECONDS < stop)); do
		mapfile -t victims < <("$FABRICCTL" -j show "$F" 2>/dev/null |
			jq -r --arg s "${F}s" --arg b "${F}b" '.nodes[].name | select(startswith($s) or startswith($b))' | shuf -n 4)
		if [[ ${#victims[@]} -gt 0 ]]; then
			"$FABRICCTL" -q del-node "$F" "${victims[@]}" >/dev/null 2>>"$TEST_TMP/churn.err" ||
				echo "del-node ${victims[*]} failed" >>"$TEST_TMP/churn.fail"
		fi
		sleep 0.05
	done
) &
pd=$!

# Readers: show -j and stats -j, each output checked at once.
reader() { # CMD
	local cmd=$1 k=0 rc out err
	while ((SECONDS < stop)); do
		k=$((k + 1))
		out="$TEST_TMP/r.$cmd.$k"
		if "$FABRICCTL" -j "$cmd" "$F" >"$out" 2>"$out.err"; then rc=0; else rc=$?; fi
		if [[ $rc -ne 0 ]]; then
			if [[ $rc -ne 1 || $(grep -c . "$out.err") -gt 1 ]]; then
				echo "$cmd run $k: exit $rc: $(head -c 300 "$out.err")"
			fi
			rm -f "$out" "$out.err"
			continue
		fi
		if ! jq -e . "$out" >/dev/null 2>&1; then
			echo "$cmd run $k: invalid JSON: $(head -c 300 "$out")"
			continue
		fi
		# Listed now: what does the kernel have, right after?
		jq -r '.nodes[] | "\(.name) \(.host_veth // "-") \(.state // "-")"' "$out" |
			while read -r n v st; do
				[[ $st == missing ]] && echo "$cmd run $k: $n listed as missing"
				if [[ ! -e /run/netns/$n ]]; then
					echo "CHECK $n netns"
				elif [[ $v != - && ! -e /sys/class/net/$v ]]; then
					echo "CHECK $n veth $v"
				fi
			done | sed "s/^CHECK /CHECK $cmd $k /"
		rm -f "$out" "$out.err"
	done
	echo "RUNS $cmd $k"
}
reader show >"$TEST_TMP/reader.show" &
pr1=$!
reader stats >"$TEST_TMP/reader.stats" &
pr2=$!

for p in $pa $pb $pd $pr1 $pr2; do wait "$p" || true; done

# Churn errors: a del-node may lose a race with another (the node is gone);
# adds must never fail.
[[ ! -s $TEST_TMP/churn.fail ]] && : || {
	if grep -q '^add-node' "$TEST_TMP/churn.fail"; then
		fail "adds failed during churn: $(grep '^add-node' "$TEST_TMP/churn.fail" | head -3 | tr '\n' ';') $(head -c 600 "$TEST_TMP/churn.err")"
	fi
}
runs=$(cat "$TEST_TMP"/reader.* | sed -n 's/^RUNS //p' | tr '\n' ' ')
log "churn for ${DURATION}s: $(cat "$TEST_TMP/a.count") single adds; reader runs: $runs"
bad=$(grep -hv -e '^RUNS ' -e '^CHECK ' "$TEST_TMP"/reader.* || true)
[[ -z $bad ]] || fail "readers saw: $(head -5 <<<"$bad" | tr '\n' ';')"
# A node that was listed while its netns or veth did not exist, and exists
# now, was listed before it was made (deleted nodes never come back: names
# are not reused).
half=""
while read -r _ cmd k n what v; do
	if [[ -e /run/netns/$n ]]; then half="$half $cmd#$k:$n($what${v:+ $v})"; fi
done < <(grep -h '^CHECK ' "$TEST_TMP"/reader.* || true)
[[ -z $half ]] || fail "listed before it was made:$half"

# After the churn: consistent, every node reaches its gateway.
fab_ok -j show "$F"
echo "$FAB_OUT" >"$TEST_TMP/show2"
n=$(jq '.nodes | length' "$TEST_TMP/show2")
assert_eq "$(jq '[.nodes[].address] | unique | length' "$TEST_TMP/show2")" "$n" "distinct addresses after churn"
assert_eq "$(jq '[.nodes[] | select(.state != "up")] | length' "$TEST_TMP/show2")" 0 "nodes not up after churn"
ports=$(for br in /sys/class/net/"$F"-c*/brif; do ls "$br"; done | grep -c "^$F-[0-9]" || true)
assert_eq "$ports" "$n" "host veths on the bridges vs nodes"
assert_eq "$(bpftool -j map dump pinned "/sys/fs/bpf/fabricctl/$F/counters" | jq length)" "$n" "counter entries vs nodes"
jq -r '.nodes[] | "\(.name) \(.gateway)"' "$TEST_TMP/show2" |
	xargs -P 16 -n 2 sh -c 'nsenter --net="/run/netns/$0" ping -n -q -c1 -W2 "$1" >/dev/null 2>&1 ||
		nsenter --net="/run/netns/$0" ping -n -q -c1 -W2 "$1" >/dev/null 2>&1 || echo "$0 cannot ping $1"' \
		>"$TEST_TMP/unreachable" || true
[[ ! -s $TEST_TMP/unreachable ]] || fail "after churn, $(wc -l <"$TEST_TMP/unreachable") nodes cannot reach their gateway: $(head -5 "$TEST_TMP/unreachable" | tr '\n' ';')"
log "after churn: $n nodes, consistent, all reach their gateway"
exit 0
