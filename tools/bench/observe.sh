#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# What the traffic matrix and the drop accounting cost:
#  0. the tc programs' own cost per packet, measured in a tight loop by the
#     kernel (BPF_PROG_TEST_RUN through `bpftool prog run ... repeat`, no
#     clock read per packet) on a real node's counters entry: egress
#     (counters only), ingress with a destination in another cell (counters,
#     matrix cell and node-pair LRU), outside the subnet, ARP; against an
#     empty tc program (return TC_ACT_OK);
#  1. the drop program (kfree_skb tracepoint) per run, from the kernel's BPF
#     run-time stats (kernel.bpf_stats_enabled), over UDP datagrams sent to
#     a closed port of a node (each one a NO_SOCKET drop it counts);
#  2. at N nodes (default 10,000; create --tune, add-node --count N), with
#     real traffic: the host sends one UDP datagram to a closed port of every
#     node (N NO_SOCKET drops, one per node) and each node's ICMP answer fills
#     the node-pair LRU; then the wall time of `stats --matrix -j` and of one
#     exporter scrape (curl), best of R runs each, against the targets
#     (200 ms and 300 ms at 10,000 nodes).
# The tc programs' per-packet cost with the matrix on, and the TCP loss A/B,
# are stats_overhead.sh --across-cells (all.sh runs it).
#
# Usage: observe.sh [--nodes N] [--runs R] FABRICCTL
# Root. Uses fabrics "bob<pid>" (10.201.3.0/24) and "bon<pid>" (10.230.0.0/16
# or larger), each destroyed at exit.
set -euo pipefail

NODES=10000
RUNS=5
usage() {
	sed -n '3,19p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-2}"
}
while [[ $# -gt 0 ]]; do
	case $1 in
	--nodes) NODES=$2; shift 2 ;;
	--runs) RUNS=$2; shift 2 ;;
	-h | --help) usage 0 ;;
	-*) usage ;;
	*) break ;;
	esac
done
[[ $# -eq 1 ]] || usage
FABRICCTL=$1
[[ -x $FABRICCTL ]] || { echo "observe: no fabricctl at $FABRICCTL" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "observe: needs root" >&2; exit 2; }
for t in jq bpftool curl python3; do
	command -v $t >/dev/null || { echo "observe: needs $t" >&2; exit 2; }
done

F=bob$(($$ % 100000))
G=bon$(($$ % 100000))
NET=10.201.3
TMP=$(mktemp -d /tmp/observe.XXXXXX)
stats_was=$(cat /proc/sys/kernel/bpf_stats_enabled)
EXP=

cleanup() {
	set +e
	[[ -n $EXP ]] && kill "$EXP" 2>/dev/null && wait "$EXP" 2>/dev/null
	echo "$stats_was" >/proc/sys/kernel/bpf_stats_enabled
	rm -f "/sys/fs/bpf/${F}_nop"
	"$FABRICCTL" destroy "$F" >/dev/null 2>&1
	"$FABRICCTL" destroy "$G" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

ms() { date +%s%N; }

# send_udp FROM_NETNS|"" ADDR... : one datagram to port 9 of each address.
send_udp() {
	local ns=$1
	shift
	printf '%s\n' "$@" >"$TMP/addrs"
	${ns:+ip netns exec "$ns"} python3 -c "
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i, a in enumerate(open('$TMP/addrs').read().split()):
    s.sendto(b'fabricctl', (a, 9))
    if i % 200 == 199:
        time.sleep(0.01)  # let ARP keep up
"
}

# ---------------------------------------------------------------- 0
"$FABRICCTL" create "$F" --subnet $NET.0/24 --cell-size 64 >/dev/null
"$FABRICCTL" add-node "$F" "${F}a" "${F}b" >/dev/null
"$FABRICCTL" add-node "$F" "${F}c" --ip $NET.70 >/dev/null
PIN=/sys/fs/bpf/fabricctl/$F
ifx=$("$FABRICCTL" stats "$F" "${F}a" -j | jq '.nodes[0].ifindex')
python3 - "$ifx" "$TMP" <<'PY'
import struct, sys
ifx, tmp = int(sys.argv[1]), sys.argv[2]
def udp(dst):
    eth = bytes.fromhex('0efb0ac94946' '0efb0ac94903') + b'\x08\x00'
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 46, 0, 0, 64, 17, 0,
                     bytes([10, 201, 3, 3]), bytes(int(x) for x in dst.split('.')))
    return eth + ip + struct.pack('!HHHH', 1234, 9, 26, 0) + b'x' * 18
open(tmp + '/in.bin', 'wb').write(udp('10.201.3.70'))
open(tmp + '/out.bin', 'wb').write(udp('192.0.2.1'))
open(tmp + '/arp.bin', 'wb').write(bytes.fromhex('ffffffffffff0efb0ac949030806') + bytes(46))
ctx = bytearray(192)  # struct __sk_buff: ifindex at offset 40 (the node's entry)
struct.pack_into('<I', ctx, 40, ifx)
open(tmp + '/ctx.bin', 'wb').write(bytes(ctx))
PY
printf '%s\n' '#include <linux/bpf.h>' '#include <linux/pkt_cls.h>' \
	'__attribute__((section("tc"), used)) int nop(struct __sk_buff *skb) { return TC_ACT_OK; }' \
	'char LICENSE[] __attribute__((section("license"), used)) = "GPL";' >"$TMP/nop.bpf.c"
multiarch=$(gcc -print-multiarch 2>/dev/null || true)
clang -O2 -target bpf ${multiarch:+-I/usr/include/$multiarch} -c "$TMP/nop.bpf.c" -o "$TMP/nop.bpf.o"
bpftool prog load "$TMP/nop.bpf.o" "/sys/fs/bpf/${F}_nop" type classifier
run() { # PIN PACKET -> ns per run (best of 3 x 2,000,000)
	for _ in 1 2 3; do
		bpftool -j prog run pinned "$1" data_in "$TMP/$2.bin" ctx_in "$TMP/ctx.bin" repeat 2000000 | jq .duration
	done | sort -n | head -1
}
nop=$(run "/sys/fs/bpf/${F}_nop" in)
rm -f "/sys/fs/bpf/${F}_nop"
egress=$(run "$PIN/prog_egress" in)
cross=$(run "$PIN/prog_ingress" in)
outside=$(run "$PIN/prog_ingress" out)
arp=$(run "$PIN/prog_ingress" arp)
echo "per packet (BPF_PROG_TEST_RUN, best of 3 x 2,000,000 runs), ns:"
printf '  %-52s %4s\n' "empty tc program" "$nop" \
	"egress: counters only" "$egress" \
	"ingress, UDP to another cell: counters + matrix + pair" "$cross" \
	"ingress, UDP outside the subnet: counters + matrix" "$outside" \
	"ingress, ARP: counters + matrix (non_ipv4)" "$arp"
echo "  matrix and pair accounting: $((cross - egress)) ns per packet; the whole ingress program: $((cross - nop)) ns over an empty one (target < 150 ns)"

# ---------------------------------------------------------------- 1
link=/sys/fs/bpf/fabricctl/$F/link_drops
drop_id=$(bpftool -j link show pinned "$link" | jq .prog_id)
send_udp "${F}a" $NET.4 >/dev/null # ARP warm
echo 1 >/proc/sys/kernel/bpf_stats_enabled
before=$(bpftool -j prog show id "$drop_id" | jq -c '[.run_cnt // 0, .run_time_ns // 0]')
n=20000
ip netns exec "${F}a" python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range($n):
    s.sendto(b'x', ('$NET.4', 9))
"
sleep 0.5
after=$(bpftool -j prog show id "$drop_id" | jq -c '[.run_cnt // 0, .run_time_ns // 0]')
echo "$stats_was" >/proc/sys/kernel/bpf_stats_enabled
counted=$("$FABRICCTL" stats "$F" "${F}b" --drops -j | jq '[.drops[] | select(.reason == "NO_SOCKET") | .packets] | add // 0')
jq -rn --argjson a "$before" --argjson b "$after" --argjson sent $n --argjson counted "$counted" '
	($b[0] - $a[0]) as $runs | ($b[1] - $a[1]) as $ns |
	"drop program: \($runs) runs (every kfree_skb on the host) for \($sent) datagrams sent, \($counted) NO_SOCKET drops counted on the receiver; \(if $runs > 0 then ($ns / $runs * 10 | round) / 10 else 0 end) ns per run"'
"$FABRICCTL" destroy "$F" >/dev/null

# ---------------------------------------------------------------- 2
echo "growing fabric $G to $NODES nodes (create --tune, add-node --count $NODES)..."
t0=$(ms)
"$FABRICCTL" create "$G" --tune -j >"$TMP/create.json"
"$FABRICCTL" add-node "$G" --count "$NODES" --prefix "${G}n" >/dev/null
t1=$(ms)
echo "  made in $(((t1 - t0) / 1000000)) ms; subnet $(jq -r .subnet "$TMP/create.json")"
"$FABRICCTL" -j show "$G" | jq -r '.nodes[].address | sub("/.*"; "")' >"$TMP/all"
echo "  one UDP datagram from the host to a closed port of each of the $NODES nodes..."
mapfile -t addrs <"$TMP/all"
send_udp "" "${addrs[@]}"
sleep 2
"$FABRICCTL" stats "$G" --drops -j >"$TMP/drops.json"
echo "  drops counted: $(jq '.total' "$TMP/drops.json") over $(jq '[.drops[].node] | unique | length' "$TMP/drops.json") nodes; by reason: $(jq -c '[.drops | group_by(.reason)[] | {(.[0].reason): (map(.packets) | add)}] | add' "$TMP/drops.json")"

best() { sort -n | head -1; }
for ((i = 0; i < RUNS; i++)); do
	a=$(ms)
	"$FABRICCTL" stats "$G" --matrix -j >"$TMP/matrix.json"
	b=$(ms)
	echo $(((b - a) / 1000000))
done >"$TMP/matrix_ms"
echo "  stats --matrix -j: best $(best <"$TMP/matrix_ms") ms of $RUNS (target < 200 ms at 10,000 nodes);" \
	"$(jq '.cells' "$TMP/matrix.json") cells, $(jq '.pairs_kept' "$TMP/matrix.json") pairs kept," \
	"$(wc -c <"$TMP/matrix.json") bytes"

PORT=$((30000 + $$ % 20000))
"$FABRICCTL" exporter --listen 127.0.0.1:$PORT "$G" >"$TMP/exporter.log" 2>&1 &
EXP=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/metrics" && break; sleep 0.1; done
for ((i = 0; i < RUNS; i++)); do
	a=$(ms)
	curl -sf -o "$TMP/scrape.txt" "http://127.0.0.1:$PORT/metrics"
	b=$(ms)
	echo $(((b - a) / 1000000))
done >"$TMP/scrape_ms"
echo "  one exporter scrape: best $(best <"$TMP/scrape_ms") ms of $RUNS (target < 300 ms at 10,000 nodes);" \
	"$(grep -vc '^#' "$TMP/scrape.txt") series, $(wc -c <"$TMP/scrape.txt") bytes;" \
	"$(grep -c '^fabricctl_node_drops_total' "$TMP/scrape.txt") drop series, $(grep -c '^fabricctl_matrix_' "$TMP/scrape.txt") matrix series"
kill "$EXP"
wait "$EXP" 2>/dev/null || true
EXP=
"$FABRICCTL" doctor --nodes "$NODES" | sed -n '/^drops that point/,/^$/p'
t0=$(ms)
"$FABRICCTL" destroy "$G" >/dev/null
echo "  destroyed in $((($(ms) - t0) / 1000000)) ms"
