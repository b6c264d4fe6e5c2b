#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# impair: bad values, unknown nodes and a kernel without netem are refused
# with one clear line and change nothing (root qdiscs and clsact compared
# with tc -j before and after); --show reads the kernel back. On a kernel
# with netem (CONFIG_NET_SCH_NETEM): --delay 20ms on A shows netem with that
# delay on A's host veth and on eth0 inside A, and every round trip with A
# takes >= 40 ms (20 ms each way) and < 55 ms; --loss 20% over 500 pings
# loses within 5 sigma of the binomial; --rate 20mbit gives iperf3 TCP
# within 10% of 20 Mbit/s; --clear brings the RTT under 5 ms and the
# qdiscs back to noqueue; stats still equals the veth's kernel counters.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
cleanup_fabric "$F"
NET=10.220.7
A=${F}a
B=${F}b

fab_ok create "$F" --subnet $NET.0/24
fab_ok add-node "$F" "$A"
fab_ok add-node "$F" "$B"
IP_A=$(node_inet "$A" | cut -d/ -f1)
IP_B=$(node_inet "$B" | cut -d/ -f1)
[[ $IP_A == $NET.* && $IP_B == $NET.* ]] || fail "node addresses: $IP_A $IP_B"
fab_ok stats "$F" "$A" -j
idx=$(jq -r '.nodes[0].ifindex' <<<"$FAB_OUT")
VETH=$(ip -j link show | jq -r --argjson i "$idx" '.[] | select(.ifindex == $i) | .ifname')
[[ -n $VETH ]] || fail "no host veth with ifindex $idx"

# qdiscs NODE: the root qdiscs (kind, handle, netem delay) of both sides, and the clsact.
qdiscs() {
	tc -j qdisc show dev "$VETH" | jq -c '[.[] | {kind, handle, parent, options}]'
	ip netns exec "$1" tc -j qdisc show dev eth0 | jq -c '[.[] | {kind, handle, options}]'
}

# 1. Refusals: one error line naming the problem, nothing changed.
before=$(qdiscs "$A")
fab_rc 2 impair "$F" "$A" --loss 150%
fab_err_line
assert_contains "$FAB_ERR" '--loss "150%"' "--loss 150% refused"
fab_rc 2 impair "$F" "$A" --delay abc
fab_err_line
assert_contains "$FAB_ERR" '--delay "abc" is not a time' "--delay abc refused"
fab_rc 2 impair "$F" "$A" --rate fast
assert_contains "$FAB_ERR" 'rate "fast"' "--rate fast refused"
fab_rc 2 impair "$F" "$A" --jitter 2ms
assert_contains "$FAB_ERR" "--jitter needs a --delay" "--jitter alone refused"
fab_rc 2 impair "$F" "$A" --delay 1ms --clear
fab_rc 1 impair "$F" "$A" "${F}nosuch" --delay 20ms
fab_err_line
assert_contains "$FAB_ERR" "node \"${F}nosuch\" is not in fabric \"$F\"" "unknown node refused"
assert_eq "$(qdiscs "$A")" "$before" "qdiscs after refused impair"
assert_eq "$(tc -j qdisc show dev "$VETH" | jq -r '[.[] | select(.kind == "clsact")] | length')" 1 \
	"clsact on $VETH"

# 2. --show reads the kernel: nothing set yet.
fab_ok impair "$F" "$A" "$B" --show -j
assert_eq "$(jq -c '[.[] | [.node, .host, .inside]]' <<<"$FAB_OUT")" \
	"[[\"$A\",null,null],[\"$B\",null,null]]" "show before impair"

# 3. A kernel without netem: a clear refusal, nothing changed.
fab impair "$F" "$A" --delay 20ms
if [[ $FAB_RC -ne 0 ]]; then
	fab_err_line
	assert_contains "$FAB_ERR" "this kernel has no netem qdisc" "impair on a kernel without netem"
	assert_eq "$(qdiscs "$A")" "$before" "qdiscs after a failed impair"
	# tc itself, on the node's own lo, must fail too.
	ip netns exec "$A" tc qdisc add dev lo root netem delay 1ms 2>/dev/null &&
		fail "tc can make netem, fabricctl could not: $FAB_ERR"
	skip "this kernel has no netem (CONFIG_NET_SCH_NETEM): refusals checked, impairment not"
fi

# 4. Delay 20 ms on A: netem on both sides, RTT >= 40 ms both ways.
on_exit "'$FABRICCTL' impair '$F' '$A' --clear >/dev/null 2>&1"
delay_of() { jq -r '[.[] | select(.kind == "netem" and .root == true)][0].options.delay.delay // empty'; }
d_host=$(tc -j qdisc show dev "$VETH" | delay_of)
d_in=$(ip netns exec "$A" tc -j qdisc show dev eth0 | delay_of)
awk -v h="$d_host" -v i="$d_in" 'BEGIN { exit !(h > 0.0199 && h < 0.0201 && i > 0.0199 && i < 0.0201) }' ||
	fail "netem delay on $VETH: '$d_host' s, on eth0 in $A: '$d_in' s; want 0.02"
assert_eq "$(tc -j qdisc show dev "$VETH" | jq -r '[.[] | select(.kind == "clsact")] | length')" 1 \
	"clsact kept under netem"
fab_ok impair "$F" "$A" --show -j
assert_eq "$(jq -r '.[0].host.delay_us, .[0].inside.delay_us' <<<"$FAB_OUT" | tr '\n' ' ')" "20000 20000 " \
	"--show delay"

# rtt FROM TO COUNT: "min avg" in ms.
rtt() {
	_ping_guard "$2"
	ip netns exec "$1" ping -n -q -c "$3" -i 0.05 -W 2 "$2" |
		awk -F'[/ =]+' '/^rtt|^round-trip/ { print $6, $7 }'
}
for pair in "$A $IP_B" "$B $IP_A"; do
	# shellcheck disable=SC2086 # "FROM TO"
	set -- $pair
	read -r min avg <<<"$(rtt "$1" "$2" 20)"
	[[ -n $min ]] || fail "ping $1 -> $2 got no answer"
	awk -v m="$min" -v a="$avg" 'BEGIN { exit !(m >= 40 && a < 55) }' ||
		fail "RTT $1 -> $2 with A delayed 20 ms: min $min avg $avg ms; want >= 40 and < 55"
	log "RTT $1 -> $2 with $A at 20 ms: min $min avg $avg ms"
done

# 5. Loss 20% on both sides of A: a ping survives with 0.8^2 = 0.64.
fab_ok impair "$F" "$A" --loss 20%
_ping_guard "$IP_A"
got=$(ip netns exec "$B" ping -n -q -c 500 -i 0.002 -W 1 "$IP_A" | awk '/received/ { print $4 }')
awk -v g="$got" 'BEGIN { n = 500; p = 0.64; s = sqrt(n * p * (1 - p)); exit !(g >= n * p - 5 * s && g <= n * p + 5 * s) }' ||
	fail "$got of 500 pings answered through 20% loss each way; want 320 +- 54"
log "loss 20% each way: $got of 500 answered (expected 320)"

# 6. Rate 20 mbit: iperf3 TCP from B to A within 10%.
fab_ok impair "$F" "$A" --rate 20mbit
ip netns exec "$A" iperf3 -s -1 -B "$IP_A" -p 5220 >/dev/null 2>&1 &
srv=$!
on_exit "kill $srv 2>/dev/null"
sleep 0.5
bps=$(ip netns exec "$B" iperf3 -c "$IP_A" -p 5220 -t 4 -O 1 -J | jq -r '.end.sum_received.bits_per_second')
wait "$srv" 2>/dev/null
awk -v b="$bps" 'BEGIN { exit !(b >= 18e6 && b <= 22e6) }' || fail "iperf3 through 20mbit: $bps bit/s"
log "rate 20mbit: iperf3 TCP $bps bit/s"

# 7. Counting still right under netem: stats == the veth's kernel counters.
for ((i = 0; i < 100; i++)); do
	fab_ok stats "$F" "$A" -j
	s1=$FAB_OUT
	k="$(<"/sys/class/net/$VETH/statistics/rx_packets") $(<"/sys/class/net/$VETH/statistics/tx_packets")"
	fab_ok stats "$F" "$A" -j
	[[ $s1 == "$FAB_OUT" ]] && break
	sleep 0.1
done
assert_eq "$(jq -r '"\(.nodes[0].tx.packets) \(.nodes[0].rx.packets)"' <<<"$s1")" "$k" \
	"stats of $A (tx rx) vs $VETH rx/tx_packets"

# 8. --clear: qdiscs back as they were, RTT under 5 ms.
fab_ok impair "$F" "$A" --clear
assert_eq "$(qdiscs "$A")" "$before" "qdiscs after --clear"
read -r min avg <<<"$(rtt "$B" "$IP_A" 10)"
awk -v a="$avg" 'BEGIN { exit !(a < 5) }' || fail "RTT after --clear: avg $avg ms"
exit 0
