#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The traffic matrix and the drops, against what was sent and what the
# kernel itself reports: known pings and UDP datagrams between known nodes
# of two cells give exactly those numbers in the node pairs and the cell
# matrix; each matrix row sums to what its cell's nodes transmitted; UDP to
# a closed port counts NO_SOCKET drops on the receiver equal to what was
# sent, cross-checked with bpftrace on tracepoint skb:kfree_skb; an nft drop
# rule inside a node counts NETFILTER_DROP drops; destroy leaves no pin and
# no kfree_skb link.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
command -v nft >/dev/null || skip "nft is not installed"

F=$(fab_name)
cleanup_fabric "$F"
NET=10.210.161
A=${F}a # cell 0
B=${F}b # cell 0
C=${F}c # cell 1
D=${F}d # cell 1

# Other fabrics on the host may hold the neighbour table: then with --tune.
for tune in "" --tune; do
	# shellcheck disable=SC2086 # $tune: no word or one
	fab_ok create "$F" --subnet $NET.0/24 --cell-size 64 $tune
	fab add-node "$F" "$A" "$B"
	[[ $FAB_RC -eq 0 ]] && break
	[[ -z $tune && $FAB_ERR =~ limits ]] || fail "add-node failed: $FAB_ERR"
	log "the host's limits refuse add-node: again with --tune"
	fab_ok destroy "$F"
done
fab_ok add-node "$F" "$C" --ip $NET.70
fab_ok add-node "$F" "$D" --ip $NET.71
PINS=/sys/fs/bpf/fabricctl/$F
for p in matrix pairs drops netns link_drops; do
	[[ -e $PINS/$p ]] || fail "no pin $PINS/$p"
done
link_id=$(bpftool -j link show pinned "$PINS/link_drops" | jq -r '.id')
assert_match "$(bpftool -j link show | jq -r ".[] | select(.id == $link_id) | .tp_name")" \
	'^kfree_skb$' "the drop link's tracepoint"

# Warm the neighbour caches so the counted traffic below is exactly ours.
ping_ok "$A" $NET.70
ping_ok "$B" $NET.71
sleep 1

matrix() { fab_ok stats "$F" --matrix -j; echo "$FAB_OUT"; }
pair() { # FROM TO -> packets
	jq -r --arg f "$2" --arg t "$3" \
		'[.pairs[] | select(.from == $f and .to == $t) | .packets] | add // 0' <<<"$1"
}
cell() { # FROM_CELL TO -> packets
	jq -r --argjson f "$2" --arg t "$3" \
		'[.matrix[] | select(.from_cell == $f and .to == $t) | .packets] | add // 0' <<<"$1"
}
drops() { # NODE REASON -> packets
	fab_ok stats "$F" "$1" --drops -j
	jq -r --arg r "$2" '[.drops[] | select(.reason == $r) | .packets] | add // 0' <<<"$FAB_OUT"
}

M0=$(matrix)
ac0=$(pair "$M0" "$A" "$C")
ca0=$(pair "$M0" "$C" "$A")
bd0=$(pair "$M0" "$B" "$D")
x0=$(cell "$M0" 0 c1)
ns0=$(drops "$D" NO_SOCKET)

# bpftrace counts the same drops on its own: NO_SOCKET in D's namespace.
D_INUM=$(stat -L -c %i "/run/netns/$D")
bt_out=$TEST_TMP/bpftrace.out
# The reason's number in this kernel, from its BTF (bpftool's, not fabricctl's reading).
bpftool btf dump file /sys/kernel/btf/vmlinux format raw >"$TEST_TMP/btf.txt"
NO_SOCKET_CODE=$(sed -n "s/^.*'SKB_DROP_REASON_NO_SOCKET' val=\([0-9]*\).*$/\1/p" "$TEST_TMP/btf.txt" | head -1)
[[ -n $NO_SOCKET_CODE ]] || fail "no SKB_DROP_REASON_NO_SOCKET in the kernel's BTF"
bpftrace -e "tracepoint:skb:kfree_skb /args->reason == $NO_SOCKET_CODE &&
	((struct sk_buff *)args->skbaddr)->dev != 0 &&
	((struct sk_buff *)args->skbaddr)->dev->nd_net.net->ns.inum == $D_INUM/ { @n = count(); }" \
	>"$bt_out" 2>&1 &
BT=$!
on_exit "kill $BT 2>/dev/null; wait $BT 2>/dev/null"
for _ in $(seq 50); do grep -q Attaching "$bt_out" && break; sleep 0.2; done
grep -q Attaching "$bt_out" || fail "bpftrace did not start: $(cat "$bt_out")"
sleep 1

# Known traffic: 5 pings A -> C (cell 0 -> cell 1, through the router),
# 7 UDP datagrams B -> D on a closed port (one socket, so no replies count).
in_ns "$A" ping -n -q -c 5 -i 0.2 -W 2 $NET.70 >/dev/null || fail "ping $A -> $C failed"
in_ns "$B" python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(7):
    s.sendto(b'fabricctl', ('$NET.71', 9))
" || fail "UDP $B -> $D failed"
sleep 1
kill -INT $BT
wait $BT
grep -q ERROR: "$bt_out" && ! grep -q Attaching "$bt_out" && fail "bpftrace: $(cat "$bt_out")"
bt=$(sed -n 's/^@n: //p' "$bt_out")
bt=${bt:-0}

M1=$(matrix)
assert_eq "$(($(pair "$M1" "$A" "$C") - ac0))" 5 "pair $A -> $C (pings)"
assert_eq "$(($(pair "$M1" "$C" "$A") - ca0))" 5 "pair $C -> $A (replies)"
assert_eq "$(($(pair "$M1" "$B" "$D") - bd0))" 7 "pair $B -> $D (UDP datagrams)"
assert_eq "$(($(cell "$M1" 0 c1) - x0))" 12 "cell 0 -> cell 1 (5 pings + 7 datagrams)"
ns=$(($(drops "$D" NO_SOCKET) - ns0))
assert_eq "$ns" 7 "NO_SOCKET drops on $D"
assert_eq "$bt" 7 "NO_SOCKET drops in $D's namespace seen by bpftrace"

# Each row of the cell matrix is what that cell's nodes transmitted, and
# what the kernel's host veths received from them: read until the counters
# and the veths' rx_packets are the same before and after the matrix.
fab_ok -j show "$F"
VETHS0=$(jq -r '.nodes[] | select(.cell == 0) | .host_veth' <<<"$FAB_OUT")
veth_rx() {
	local dev sum=0
	for dev in $VETHS0; do sum=$((sum + $(cat "/sys/class/net/$dev/statistics/rx_packets"))); done
	echo $sum
}
quiet() { jq -c 'del(.time, .timestamp_ms)' <<<"$1"; }
ok=
for _ in $(seq 20); do
	v1=$(veth_rx)
	fab_ok stats "$F" -j
	S1=$FAB_OUT
	M=$(matrix)
	fab_ok stats "$F" -j
	v2=$(veth_rx)
	if [[ $v1 == "$v2" && "$(quiet "$S1")" == "$(quiet "$FAB_OUT")" ]]; then
		ok=1
		break
	fi
	sleep 0.5
done
[[ -n $ok ]] || fail "the fabric never went quiet"
for c in 0 1; do
	row=$(jq -r --argjson c $c '[.matrix[] | select(.from_cell == $c) | .packets] | add // 0' <<<"$M")
	tx=$(jq -r --argjson c $c '[.nodes[] | select(.cell == $c) | .tx.packets] | add // 0' <<<"$S1")
	assert_eq "$row" "$tx" "row of cell $c vs its nodes' tx packets"
done
row0=$(jq -r '[.matrix[] | select(.from_cell == 0) | .packets] | add // 0' <<<"$M")
assert_eq "$row0" "$v1" "row of cell 0 vs the host veths' rx_packets"

# An nft drop rule inside C: NETFILTER_DROP drops, as many as sent.
in_ns "$C" nft -f - <<NFT || fail "nft in $C failed"
table inet ${F}t {
	chain input {
		type filter hook input priority 0; policy accept;
		udp dport 5555 drop
	}
}
NFT
nf0=$(drops "$C" NETFILTER_DROP)
in_ns "$A" python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(9):
    s.sendto(b'fabricctl', ('$NET.70', 5555))
" || fail "UDP $A -> $C failed"
sleep 0.5
assert_eq "$(($(drops "$C" NETFILTER_DROP) - nf0))" 9 "NETFILTER_DROP drops on $C"

# The drops column of the table and the exporter-style text agree with --drops.
fab_ok stats "$F" "$D" -j
assert_eq "$(jq -r '.nodes[0].drops' <<<"$FAB_OUT")" \
	"$(fab_ok stats "$F" "$D" --drops -j; jq -r '.total' <<<"$FAB_OUT")" "drops column of $D"

# The exporter serves the same numbers, promtool accepts them, pairs only with --pairs.
PORT=$((20000 + 10#${F#t} % 20000)) # the name's number may start with 0: base 10
scrape() { # [OPTIONS]: the exporter's /metrics for this fabric
	local pid body
	"$FABRICCTL" exporter --listen 127.0.0.1:$PORT "$@" "$F" >"$TEST_TMP/exporter.log" 2>&1 &
	pid=$!
	for _ in $(seq 50); do
		body=$(curl -sf "http://127.0.0.1:$PORT/metrics") && break
		sleep 0.1
	done
	kill "$pid"
	wait "$pid" 2>/dev/null
	[[ -n $body ]] || fail "no scrape: $(cat "$TEST_TMP/exporter.log")"
	echo "$body"
}
M2=$(scrape)
if command -v promtool >/dev/null; then
	promtool check metrics <<<"$M2" || fail "promtool rejects the scrape"
fi
assert_eq "$(grep -c '^fabricctl_pair_' <<<"$M2" || true)" 0 "pair series without --pairs"
got=$(sed -n "s/^fabricctl_node_drops_total{fabric=\"$F\",node=\"$D\",where=\"node\",reason=\"NO_SOCKET\"} //p" <<<"$M2")
assert_eq "$got" "$(drops "$D" NO_SOCKET)" "exporter's NO_SOCKET drops of $D"
M=$(matrix)
got=$(sed -n "s/^fabricctl_matrix_packets_total{fabric=\"$F\",from_cell=\"0\",to=\"c1\"} //p" <<<"$M2")
assert_eq "$got" "$(cell "$M" 0 c1)" "exporter's matrix cell 0 -> c1"
M3=$(scrape --pairs)
got=$(sed -n "s/^fabricctl_pair_packets_total{fabric=\"$F\",from=\"$B\",to=\"$D\"} //p" <<<"$M3")
assert_eq "$got" "$(pair "$M" "$B" "$D")" "exporter's pair $B -> $D with --pairs"

# doctor names drops that point at a host limit: ARP for an address no
# node has fails (NEIGH_FAILED), and doctor gives the neighbour-table fix.
in_ns "$A" ping -n -q -c 2 -i 0.3 -W 1 $NET.50 >/dev/null 2>&1 || true
for _ in $(seq 80); do # ARP gives up after ~3 s; stats may be slow (sanitized)
	[[ $(drops "$A" NEIGH_FAILED) -ge 2 ]] && break
	sleep 0.25
done
assert_eq "$(drops "$A" NEIGH_FAILED)" 2 "NEIGH_FAILED drops of $A (2 pings to a missing address)"
fab doctor -j
jq -e --arg f "$F" '.drops[] | select(.fabric == $f and .reason == "NEIGH_FAILED" and .packets == 2 and (.fix | test("gc_thresh3")))' \
	<<<"$FAB_OUT" >/dev/null || fail "doctor does not name $F's NEIGH_FAILED drops: $(jq -c .drops <<<"$FAB_OUT")"

fab_ok destroy "$F"
[[ ! -e $PINS ]] || fail "$PINS left behind"
bpftool -j link show | jq -e ".[] | select(.id == $link_id)" >/dev/null &&
	fail "the kfree_skb link is still attached after destroy"
log "ok"
