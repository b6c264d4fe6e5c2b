#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# impair --rate works on every kernel: netem's own rate where the kernel has
# netem, else a root tbf (sch_tbf) on both ends of the node's link. Checked
# from outside: the root qdisc on the host veth and on eth0 inside the node
# (tc -j: tbf or netem, rate 20 Mbit/s, our handle fab0:), iperf3 TCP both
# ways within 10% of 20 Mbit/s, the node's stats equal to the veth's kernel
# counters under the limit, and --clear puts noqueue back on both ends.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
command -v iperf3 >/dev/null || skip "needs iperf3"

F=$(fab_name)
cleanup_fabric "$F"
NET=10.220.17
A=${F}a
B=${F}b

fab_ok create "$F" --subnet $NET.0/24
fab_ok add-node "$F" "$A" "$B"
IP_A=$(node_inet "$A" | cut -d/ -f1)
fab_ok stats "$F" "$A" -j
idx=$(jq -r '.nodes[0].ifindex' <<<"$FAB_OUT")
VETH=$(ip -j link show | jq -r --argjson i "$idx" '.[] | select(.ifindex == $i) | .ifname')
[[ -n $VETH ]] || fail "no host veth with ifindex $idx"
root_of() { jq -c '[.[] | select(.root == true) | {kind, handle}]'; }
before_host=$(tc -j qdisc show dev "$VETH" | root_of)
before_in=$(ip netns exec "$A" tc -j qdisc show dev eth0 | root_of)

fab_ok impair "$F" "$A" --rate 20mbit
on_exit "'$FABRICCTL' impair '$F' '$A' --clear >/dev/null 2>&1"
# rate_of: the root qdisc's rate in bytes/s (tbf's options.rate, or netem's options.rate.rate).
rate_of() {
	jq -r '[.[] | select(.root == true and .handle == "fab0:")][0] |
		"\(.kind) \(if .kind == "tbf" then .options.rate else .options.rate.rate end)"'
}
read -r kh rh <<<"$(tc -j qdisc show dev "$VETH" | rate_of)"
read -r ki ri <<<"$(ip netns exec "$A" tc -j qdisc show dev eth0 | rate_of)"
[[ $kh == tbf || $kh == netem ]] || fail "root qdisc of $VETH: '$kh', want tbf or netem"
assert_eq "$ki" "$kh" "kind of the root qdisc of eth0 in $A"
assert_eq "$rh $ri" "2500000 2500000" "rate (bytes/s) of $VETH and of eth0 in $A"
assert_eq "$(tc -j qdisc show dev "$VETH" | jq -r '[.[] | select(.kind == "clsact")] | length')" 1 \
	"clsact kept under $kh"
fab_ok impair "$F" "$A" --show -j
assert_eq "$(jq -r '.[0].host.rate_bps, .[0].inside.rate_bps, .[0].host.qdisc' <<<"$FAB_OUT" | tr '\n' ' ')" \
	"20000000 20000000 $kh " "--show"

# iperf3 TCP into A (host veth egress) and out of A (-R: eth0 egress).
port=5217
for dir in "" -R; do
	ip netns exec "$A" iperf3 -s -1 -B "$IP_A" -p $port >/dev/null 2>&1 &
	srv=$!
	on_exit "kill $srv 2>/dev/null"
	for ((i = 0; i < 50; i++)); do
		ip netns exec "$A" ss -Hltn "sport = :$port" | grep -q . && break
		sleep 0.05
	done
	bps=$(ip netns exec "$B" iperf3 -c "$IP_A" -p $port -t 4 -O 1 $dir -J |
		jq -r '.end.sum_received.bits_per_second')
	wait "$srv" 2>/dev/null
	awk -v b="$bps" 'BEGIN { exit !(b >= 18e6 && b <= 22e6) }' ||
		fail "iperf3 $dir through --rate 20mbit ($kh): $bps bit/s, want 18e6..22e6"
	log "rate 20mbit with $kh, iperf3 TCP ${dir:-(into the node)}: $bps bit/s"
done

# Counting under the limit: stats == the veth's kernel counters (read when quiet).
for ((i = 0; i < 100; i++)); do
	fab_ok stats "$F" "$A" -j
	s1=$FAB_OUT
	k="$(<"/sys/class/net/$VETH/statistics/rx_packets") $(<"/sys/class/net/$VETH/statistics/tx_packets")"
	fab_ok stats "$F" "$A" -j
	[[ $s1 == "$FAB_OUT" ]] && break
	sleep 0.1
done
assert_eq "$(jq -r '"\(.nodes[0].tx.packets) \(.nodes[0].rx.packets)"' <<<"$s1")" "$k" \
	"stats of $A (tx rx) vs $VETH rx/tx_packets under $kh"
[[ ${k%% *} -gt 100 ]] || fail "too few packets counted through the limit (GSO packets count once): $k"

# A change of the rate is made in place; --clear puts noqueue back.
fab_ok impair "$F" "$A" --rate 5mbit
assert_eq "$(tc -j qdisc show dev "$VETH" | rate_of)" "$kh 625000" "rate after a change"
fab_ok impair "$F" "$A" --clear
assert_eq "$(tc -j qdisc show dev "$VETH" | root_of)" "$before_host" "host root qdisc after --clear"
assert_eq "$(ip netns exec "$A" tc -j qdisc show dev eth0 | root_of)" "$before_in" \
	"eth0 root qdisc after --clear"
exit 0
