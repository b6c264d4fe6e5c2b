#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Two add-node processes on one fabric at the same time (--count 20 with
# prefixes a and b): both succeed, 40 nodes with 40 distinct addresses and
# MACs read from the kernel, all ports of the bridge, all reachable. Two
# creates of overlapping subnets at the same time: exactly one wins.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
G1=$(fab_name)
G2=$(fab_name)
cleanup_fabric "$F" "$G1" "$G2"
NET=10.210.15

fab_ok create "$F" --subnet $NET.0/24
"$FABRICCTL" add-node "$F" --count 20 --prefix "${F}a" >"$TEST_TMP/a.out" 2>&1 &
pa=$!
"$FABRICCTL" add-node "$F" --count 20 --prefix "${F}b" >"$TEST_TMP/b.out" 2>&1 &
pb=$!
rca=0 rcb=0
wait $pa || rca=$?
wait $pb || rcb=$?
[[ $rca -eq 0 ]] || fail "add-node --prefix ${F}a: exit $rca: $(cat "$TEST_TMP/a.out")"
[[ $rcb -eq 0 ]] || fail "add-node --prefix ${F}b: exit $rcb: $(cat "$TEST_TMP/b.out")"

addrs=()
for p in a b; do
	for i in {1..20}; do
		n=$F$p$i
		netns_exists "$n" || fail "no netns $n"
		a=$(node_inet "$n")
		[[ $a =~ ^10\.210\.15\.[0-9]+/24$ ]] || fail "$n has address '$a'"
		addrs+=("${a%/24}")
		assert_eq "$(ip -n "$n" -j link show dev eth0 | jq -r '.[0].address')" "$(mac_of "${a%/24}")" "MAC of $n"
		s=${a%/24}; s=${s##*.}
		assert_eq "$(master_of "$F-$s")" "$F-c0" "master of $F-$s"
	done
done
assert_eq "$(printf '%s\n' "${addrs[@]}" | sort -u | wc -l)" 40 "distinct addresses"
assert_eq "$(bridge_ports "$F-c0" | wc -l)" 40 "ports of $F-c0"
fab_ok -j show "$F"
assert_eq "$(echo "$FAB_OUT" | jq -r '.nodes | length')" 40 "nodes in show"
assert_eq "$(echo "$FAB_OUT" | jq -r '[.nodes[].address] | unique | length')" 40 "distinct addresses in show"

# Every node answers, pinged from one node (one netns exec for all).
in_ns "${F}a1" sh -c 'rc=0; for a in "$@"; do ping -n -q -c1 -W2 "$a" >/dev/null 2>&1 || ping -n -q -c1 -W2 "$a" >/dev/null 2>&1 || { echo "no answer from $a"; rc=1; }; done; exit $rc' \
	sh "${addrs[@]}" || fail "not every node is reachable from ${F}a1"

assert_consistent "$F"

# destroy racing a bulk add: whichever order the lock gives them, once both
# are done and a last destroy has run nothing of the fabric is left.
"$FABRICCTL" add-node "$F" --count 30 --prefix "${F}c" >/dev/null 2>&1 &
pa=$!
sleep 0.05
"$FABRICCTL" destroy "$F" >"$TEST_TMP/d.out" 2>&1 || fail "destroy racing add-node: $(cat "$TEST_TMP/d.out")"
wait $pa || true
fab_ok destroy "$F"
wait_no_leftovers "$F" 5 || fail "destroy racing add-node left: $(leftovers "$F" | tr '\n' ' ')"

# Concurrent creates of the same subnet: one succeeds, the other fails.
"$FABRICCTL" create "$G1" --subnet 10.210.16.0/24 >"$TEST_TMP/g1" 2>&1 &
p1=$!
"$FABRICCTL" create "$G2" --subnet 10.210.16.0/24 >"$TEST_TMP/g2" 2>&1 &
p2=$!
r1=0 r2=0
wait $p1 || r1=$?
wait $p2 || r2=$?
[[ $((r1 == 0)) -ne $((r2 == 0)) ]] || fail "concurrent creates of one subnet: exits $r1 and $r2 ($(cat "$TEST_TMP/g1") / $(cat "$TEST_TMP/g2"))"
[[ $r1 -eq 1 || $r2 -eq 1 ]] || fail "the losing create did not exit 1 ($r1, $r2)"
assert_eq "$(ip -4 -j addr show | jq -r '[.[].addr_info[] | select(.local == "10.210.16.1")] | length')" 1 "gateways 10.210.16.1 on the host"
exit 0
