#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# No flood from IPv6 bring-up (issue 14): in a dual-stack fabric of 60 idle
# nodes, 20 more are added; the frames the bridge delivers to the idle nodes
# meanwhile (the tx counters of their host veths, read from /sys) stay within
# a generous bound (IPv4-only: 0; without fabricctl's measures each added
# node's DAD, router solicitations and MLD reports reach all 60: >= 2400).
# Each added node's solicited-node MLD reports are counted at its veth and
# dropped there (bpf/nd_quiet.h); a report of any other group still reaches
# the other nodes (a program joining ff02::1234 in a node).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
command -v jq >/dev/null || skip "jq is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"

F=$(fab_name)
cleanup_fabric "$F"
IDLE=60
ADD=20
BOUND=20 # frames to all idle nodes together, for all 20 adds

fab_ok create "$F" --subnet 10.210.143.0/24 --ipv6 --tune
fab_ok add-node "$F" --count $IDLE --prefix "${F}i"
sleep 2 # the idle nodes' own bring-up is over
fab_ok -j show "$F"
mapfile -t VETHS < <(jq -r '.nodes[].host_veth' <<<"$FAB_OUT")
[[ ${#VETHS[@]} -eq $IDLE ]] || fail "want $IDLE idle nodes, show -j has ${#VETHS[@]}"
sum_tx() {
	local s=0 v
	for v in "${VETHS[@]}"; do s=$((s + $(<"/sys/class/net/$v/statistics/tx_packets"))); done
	echo "$s"
}
before=$(sum_tx)
fab_ok add-node "$F" --count $ADD --prefix "${F}x"
sleep 2 # MLD repeats its unsolicited report within 1 s
after=$(sum_tx)
delivered=$((after - before))
log "while $ADD nodes were added, $IDLE idle nodes received $delivered frames in all"
[[ $delivered -le $BOUND ]] || fail "IPv6 bring-up flooded the idle nodes: $delivered frames > $BOUND"

# The added nodes did send their reports (counted), and they went nowhere.
fab_ok -j stats "$F"
sent=$(jq --arg p "${F}x" '[.nodes[] | select(.name | startswith($p)) | .tx.protocols.icmpv6] | add' <<<"$FAB_OUT")
[[ $sent -ge $ADD ]] || fail "the added nodes sent $sent ICMPv6 packets, want their MLD reports (>= $ADD)"

# Negative control: a program's group is not dropped.
before=$(sum_tx)
ip netns exec "${F}x1" python3 -c '
import socket, struct, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, socket.inet_pton(socket.AF_INET6, "ff02::1234") + struct.pack("@I", socket.if_nametoindex("eth0")))
time.sleep(1.5)
' || fail "cannot join ff02::1234 in ${F}x1"
after=$(sum_tx)
[[ $((after - before)) -ge $IDLE ]] ||
	fail "a report of ff02::1234 reached $((after - before)) frames' worth of idle nodes, want >= $IDLE (it must not be dropped)"
log "ok"
