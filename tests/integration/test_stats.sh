#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Stats are right: known traffic between two nodes (ping -c 100 -s 200 and
# 50 UDP datagrams) is counted exactly as the kernel counts it on each host
# veth (/sys/class/net/*/statistics, read in the same quiet interval), with
# the protocol breakdown of what was sent (ICMP as the nodes' own /proc/net/snmp
# says, UDP, ARP, broadcast); a third node sees only the broadcast ARP.
# Also: pins and filters exist, bpftool can dump the pinned map, a deleted
# node disappears (its map entry too), a re-added node starts from zero.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
cleanup_fabric "$F"
NET=10.201.0
A=${F}a
B=${F}b
C=${F}c
PIN=/sys/fs/bpf/fabricctl/$F

fab_ok create "$F" --subnet $NET.0/24
fab_ok add-node "$F" "$A"
fab_ok add-node "$F" "$B"
fab_ok add-node "$F" "$C"

for p in counters prog_ingress prog_egress; do
	[[ -e $PIN/$p ]] || fail "no pinned $PIN/$p after create"
done

# The host veth of each node, found by the ifindex stats reports.
fab_ok stats "$F" -j
declare -A VETH
for n in "$A" "$B" "$C"; do
	idx=$(jq -r --arg n "$n" '.nodes[] | select(.name == $n) | .ifindex' <<<"$FAB_OUT")
	[[ $idx =~ ^[0-9]+$ ]] || fail "stats -j has no ifindex for $n: $FAB_OUT"
	VETH[$n]=
	for l in /sys/class/net/*; do
		[[ $(<"$l/ifindex") == "$idx" ]] && VETH[$n]=${l##*/}
	done
	[[ -n ${VETH[$n]} ]] || fail "no link with ifindex $idx ($n)"
	for dir in ingress egress; do
		tc filter show dev "${VETH[$n]}" $dir | grep -q "fabric_$dir" ||
			fail "no fabric_$dir tc filter on ${VETH[$n]} ($n)"
	done
done

# snapshot NAME: fabricctl stats -j and the kernel's counters of every host
# veth, read in an instant without traffic: the reading is kept only when
# two stats readings around the kernel's are identical. (New nodes chatter
# IPv6 - DAD, router solicitations, MLD - for ~10 s: wait that out.)
snapshot() {
	local i n v
	for ((i = 0; i < 300; i++)); do
		"$FABRICCTL" stats "$F" -j >"$TEST_TMP/$1.f1" || fail "stats -j failed"
		: >"$TEST_TMP/$1.k"
		for n in "$A" "$B" "$C"; do
			v=/sys/class/net/${VETH[$n]}/statistics
			echo "$n $(<"$v/rx_packets") $(<"$v/tx_packets") $(<"$v/rx_bytes") $(<"$v/tx_bytes")" >>"$TEST_TMP/$1.k"
		done
		"$FABRICCTL" stats "$F" -j >"$TEST_TMP/$1.f2" || fail "stats -j failed"
		[[ "$(jq -cS .nodes "$TEST_TMP/$1.f1")" == "$(jq -cS .nodes "$TEST_TMP/$1.f2")" ]] && return 0
		sleep 0.1
	done
	fail "the fabric never went quiet for a consistent reading"
}

# fab_val SNAP NODE JQPATH: a counter from a snapshot, e.g. '.rx.packets'.
fab_val() {
	jq -r --arg n "$2" ".nodes[] | select(.name == \$n) | $3" "$TEST_TMP/$1.f1"
}

# kern_val SNAP NODE FIELD(2=rx_packets 3=tx_packets 4=rx_bytes 5=tx_bytes)
kern_val() {
	awk -v n="$2" -v f="$3" '$1 == n { print $f }' "$TEST_TMP/$1.k"
}

# icmp_out_unreach NODE: "OutDestUnreachs" of the node's own ICMP counters.
# shellcheck disable=SC2016 # awk program
icmp_out_unreach() {
	in_ns "$1" awk '$1 == "Icmp:" && !h { for (i = 1; i <= NF; i++) k[i] = $i; h = 1; next }
		$1 == "Icmp:" { for (i = 1; i <= NF; i++) if (k[i] == "OutDestUnreachs") print $i }' /proc/net/snmp
}

# Start with empty neighbour tables so that the interval holds A's ARP request.
in_ns "$A" ip neigh flush all
in_ns "$B" ip neigh flush all
snapshot before
unreach0=$(icmp_out_unreach "$B")

in_ns "$A" ping -n -q -c 100 -s 200 -i 0.01 -W 2 $NET.3 >"$TEST_TMP/ping" ||
	{ cat "$TEST_TMP/ping" >&2; fail "ping $A -> $B failed"; }
grep -q '100 received' "$TEST_TMP/ping" || { cat "$TEST_TMP/ping" >&2; fail "ping lost packets"; }
# 50 datagrams A -> B (no listener: B answers with ICMP port unreachable,
# which its own counters tell us about).
in_ns "$A" bash -c "for i in \$(seq 50); do echo -n x >/dev/udp/$NET.3/9; done" ||
	fail "cannot send UDP from $A"
sleep 0.3
snapshot after
unreach=$(($(icmp_out_unreach "$B") - unreach0))

# 1. Every node, both directions: fabricctl == the kernel's veth counters.
#    The node's tx is its host veth's rx and the other way round.
for n in "$A" "$B" "$C"; do
	for pair in "tx.packets 2" "rx.packets 3" "tx.bytes 4" "rx.bytes 5"; do
		# shellcheck disable=SC2086 # "FIELD COLUMN"
		set -- $pair
		fd=$(($(fab_val after "$n" ".$1") - $(fab_val before "$n" ".$1")))
		kd=$(($(kern_val after "$n" "$2") - $(kern_val before "$n" "$2")))
		assert_eq "$fd" "$kd" "$n $1 (fabricctl) vs ${VETH[$n]} kernel counter delta"
	done
done
log "kernel counters match: A tx $(($(fab_val after "$A" .tx.packets) - $(fab_val before "$A" .tx.packets))) packets"

# delta NODE PATH
delta() { echo $(($(fab_val after "$1" "$2") - $(fab_val before "$1" "$2"))); }

# 2. Protocols: exactly what was sent.
assert_eq "$(delta "$A" .tx.protocols.icmp)" 100 "$A tx ICMP (echo requests)"
assert_eq "$(delta "$B" .rx.protocols.icmp)" 100 "$B rx ICMP (echo requests)"
assert_eq "$(delta "$B" .tx.protocols.icmp)" $((100 + unreach)) "$B tx ICMP (echo replies + $unreach port unreachable)"
assert_eq "$(delta "$A" .rx.protocols.icmp)" $((100 + unreach)) "$A rx ICMP (echo replies + $unreach port unreachable)"
assert_eq "$(delta "$A" .tx.protocols.udp)" 50 "$A tx UDP"
assert_eq "$(delta "$B" .tx.protocols.udp)" 0 "$B tx UDP"
# What the nodes receive may also hold the host's own multicast (IGMP or
# mDNS from the bridge's address, at times we do not choose): beyond what
# was sent, rx may only hold multicast packets.
within_multicast() { # NODE WHAT GOT SENT
	local extra=$(($3 - $4)) mc
	mc=$(delta "$1" .rx.multicast)
	((extra >= 0 && extra <= mc)) || fail "$1 rx $2: got $3, sent $4 (+ at most $mc multicast)"
}
within_multicast "$B" UDP "$(delta "$B" .rx.protocols.udp)" 50
within_multicast "$A" UDP "$(delta "$A" .rx.protocols.udp)" 0
for n in "$A" "$B" "$C"; do
	for d in rx tx; do
		assert_eq "$(delta "$n" .$d.protocols.tcp)" 0 "$n $d TCP"
		# Every packet has exactly one ethertype class.
		assert_eq "$(delta "$n" .$d.packets)" \
			$(($(delta "$n" .$d.protocols.arp) + $(delta "$n" .$d.protocols.ipv4) +
				$(delta "$n" .$d.protocols.ipv6) + $(delta "$n" .$d.protocols.other))) \
			"$n $d packets = arp + ipv4 + ipv6 + other"
	done
	assert_eq "$(delta "$n" .tx.protocols.ipv4)" \
		$(($(delta "$n" .tx.protocols.icmp) + $(delta "$n" .tx.protocols.udp))) "$n tx IPv4 = ICMP + UDP"
	within_multicast "$n" "IPv4 beyond ICMP + UDP" "$(delta "$n" .rx.protocols.ipv4)" \
		$(($(delta "$n" .rx.protocols.icmp) + $(delta "$n" .rx.protocols.udp)))
done
# A resolved B: a broadcast ARP request from A, seen by B and by C, and B's reply.
(($(delta "$A" .tx.protocols.arp) >= 1)) || fail "$A sent no ARP"
(($(delta "$A" .tx.broadcast) >= 1)) || fail "$A sent no broadcast"
(($(delta "$B" .rx.protocols.arp) >= 1)) || fail "$B received no ARP"
(($(delta "$B" .tx.protocols.arp) >= 1)) || fail "$B sent no ARP reply"
(($(delta "$C" .rx.broadcast) >= 1)) || fail "$C did not see the broadcast ARP request"
assert_eq "$(delta "$C" .rx.protocols.icmp)" 0 "$C rx ICMP"
assert_eq "$(delta "$C" .tx.protocols.ipv4)" 0 "$C tx IPv4"

# 3. Totals add up, the reading says when it was taken.
jq -e '.time and (.timestamp_ms > 1000000000000) and (.total.nodes == 3)
	and (.total.rx.packets == ([.nodes[].rx.packets] | add))
	and (.total.tx.bytes == ([.nodes[].tx.bytes] | add))' "$TEST_TMP/after.f1" >/dev/null ||
	fail "stats -j totals or time wrong: $(cat "$TEST_TMP/after.f1")"

# 4. bpftool reads the pinned map: one entry per node, keyed by ifindex.
bpftool -j map dump pinned "$PIN/counters" >"$TEST_TMP/dump" || fail "bpftool cannot dump $PIN/counters"
keys=$(jq -c '[.[].formatted.key] | sort' "$TEST_TMP/dump")
want=$(jq -c '[.nodes[].ifindex] | sort' "$TEST_TMP/after.f1")
assert_eq "$keys" "$want" "pinned map keys (bpftool) vs node ifindexes"
sum=$(jq --argjson i "$(fab_val after "$A" .ifindex)" \
	'[.[].formatted | select(.key == $i) | .values[].value.tx.packets] | add' "$TEST_TMP/dump")
(($(fab_val after "$A" .tx.packets) <= sum)) || fail "bpftool per-CPU sum $sum < stats $(fab_val after "$A" .tx.packets)"

# 5. A deleted node disappears, with its map entry; re-added, it starts at 0.
old_idx=$(fab_val after "$B" .ifindex)
fab_ok del-node "$F" "$B"
fab_ok stats "$F" -j
assert_eq "$(jq -r --arg n "$B" '[.nodes[] | select(.name == $n)] | length' <<<"$FAB_OUT")" 0 "$B in stats after del-node"
assert_eq "$(jq '.nodes | length' <<<"$FAB_OUT")" 2 "nodes in stats after del-node"
bpftool -j map dump pinned "$PIN/counters" | jq -e --argjson i "$old_idx" 'all(.[]; .formatted.key != $i)' >/dev/null ||
	fail "$B's map entry (ifindex $old_idx) survived del-node"
fab_rc 1 stats "$F" "$B"
assert_contains "$FAB_ERR" "$B" "error for a deleted node"
fab_ok add-node "$F" "$B"
fab_ok stats "$F" "$B" -j
assert_eq "$(jq '.nodes | length' <<<"$FAB_OUT")" 1 "stats $F $B: rows"
assert_eq "$(jq '.nodes[0].rx.protocols.icmp + .nodes[0].rx.protocols.udp' <<<"$FAB_OUT")" 0 \
	"re-added $B's ICMP+UDP counters (must start from zero)"
(($(jq '.nodes[0].rx.packets' <<<"$FAB_OUT") < 100)) || fail "re-added $B did not start from zero: $FAB_OUT"
exit 0
