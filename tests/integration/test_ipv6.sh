#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# IPv6 fabrics (issue 14), read back from the kernel:
#  - dual-stack, one cell: the gateway on the bridge without a link-local
#    address; a node's IPv6 address is the same slot as its IPv4 one, never
#    tentative (ip -6 -j addr), usable at once: the first ping -6 after
#    add-node returns succeeds (no retry) to the gateway, to another node and
#    from the host; --ip6 chooses the slot; iperf3 over IPv6; stats equal the
#    kernel's counters for a known IPv6 load; check is clean.
#  - dual-stack, several cells: one /64 per cell, pings within and across
#    cells, to a cell's gateway and from the host; IPv6 forwarding is on in
#    the router namespace only (the host's setting never changes).
#  - IPv6-only: no IPv4 address on nodes or bridge, ping -6 works.
#  - bad input refused with one clear line and nothing made.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
command -v jq >/dev/null || skip "jq is not installed"

F=$(fab_name)
G=$(fab_name)
H=$(fab_name)
X=$(fab_name)
cleanup_fabric "$F" "$G" "$H" "$X"
NUM=$((10#${F:1} % 65536))
P6G=$(printf 'fd5e:%x:1::' "$NUM")
FWD_HOST=$(sysctl -n net.ipv6.conf.all.forwarding)

# ping6_first FROM ADDR: ONE echo, no retry (FROM a node or "host"); only
# addresses in fd00::/8 (the fabrics' own prefixes).
ping6_first() {
	[[ $2 == fd* ]] || fail "refusing to ping $2: not a fabric's unique-local address"
	if [[ $1 == host ]]; then
		ping -6 -n -q -c1 -W2 "$2" >/dev/null 2>&1
	else
		ip netns exec "$1" ping -6 -n -q -c1 -W2 "$2" >/dev/null 2>&1
	fi
}
ping6_ok() {
	ping6_first "$1" "$2" || ping6_first "$1" "$2" || fail "$1 cannot ping -6 $2"
}

# addr6_json NS DEV: ip -6 -j addr of DEV (in NS, or the host for "host").
addr6_json() {
	if [[ $1 == host ]]; then ip -6 -j addr show dev "$2"; else ip -n "$1" -6 -j addr show dev "$2"; fi
}

# assert_usable6 NS DEV ADDR: ADDR/64 on DEV, not tentative, no link-local address there.
assert_usable6() {
	local j
	j=$(addr6_json "$1" "$2")
	jq -e --arg a "$3" '.[0].addr_info[] | select(.local == $a and .prefixlen == 64)' <<<"$j" >/dev/null ||
		fail "$1 $2: no $3/64: $j"
	if jq -e '.[0].addr_info[] | select(.tentative or .dadfailed)' <<<"$j" >/dev/null; then
		fail "$1 $2: tentative address: $j"
	fi
	if jq -e '.[0].addr_info[] | select(.scope == "link")' <<<"$j" >/dev/null; then
		fail "$1 $2: has a link-local address (nothing to flood): $j"
	fi
}

# ------------------------------------------------ dual-stack, one cell
fab_ok create "$F" --subnet 10.210.140.0/24 --ipv6 --tune
fab_ok -j show "$F"
P6=$(jq -r .subnet6 <<<"$FAB_OUT")
GW6=$(jq -r .gateway6 <<<"$FAB_OUT")
assert_match "$P6" '^fd[0-9a-f]{2}:[0-9a-f:]+/48$' "derived unique-local /48"
BASE=${P6%%::/48}
assert_eq "$GW6" "$BASE::1" "gateway = slot 1 of the prefix"
assert_usable6 host "$F-c0" "$GW6"

fab_ok add-node "$F" "${F}a"
A6=$BASE::2
assert_eq "$(node_inet "${F}a")" "10.210.140.2/24" "IPv4 of slot 2"
assert_usable6 "${F}a" eth0 "$A6"
ping6_first "${F}a" "$GW6" || fail "first ping -6 from ${F}a to the gateway $GW6 right after add-node failed"
assert_eq "$(ip -n "${F}a" -6 -j route show default | jq -r '.[0].gateway')" "$GW6" "default IPv6 route"

fab_ok add-node "$F" "${F}b"
B6=$BASE::3
assert_usable6 "${F}b" eth0 "$B6"
ping6_first "${F}a" "$B6" || fail "first ping -6 ${F}a -> ${F}b right after add-node failed"
ping6_first host "$B6" || fail "first ping -6 host -> ${F}b failed"
ping6_first "${F}b" "$A6" || fail "ping -6 ${F}b -> ${F}a failed"

# --ip6 chooses the slot: ::64 is slot 100, so 10.210.140.100.
fab_ok add-node "$F" "${F}c" --ip6 "$BASE::64"
assert_eq "$(node_inet "${F}c")" "10.210.140.100/24" "--ip6 $BASE::64 takes slot 100"
assert_usable6 "${F}c" eth0 "$BASE::64"
ping6_first "${F}c" "$A6" || fail "first ping -6 from ${F}c failed"
fab_ok -j show "$F"
assert_eq "$(jq -r --arg n "${F}c" '.nodes[] | select(.name == $n) | .address6' <<<"$FAB_OUT")" "$BASE::64" "show -j address6"

# iperf3 over IPv6.
if command -v iperf3 >/dev/null; then
	ip netns exec "${F}b" iperf3 -s -1 -B "$B6" >/dev/null 2>&1 &
	IPERF=$!
	on_exit "kill $IPERF 2>/dev/null || true"
	sleep 0.5
	J=$(ip netns exec "${F}a" iperf3 -6 -c "$B6" -t 1 -J) || fail "iperf3 over IPv6 failed"
	BYTES=$(jq -r '.end.sum_received.bytes' <<<"$J")
	[[ $BYTES -gt 100000 ]] || fail "iperf3 over IPv6 moved only $BYTES bytes"
	wait "$IPERF" 2>/dev/null || true
else
	log "iperf3 not installed: skipping the iperf3 part"
fi

# stats equal the kernel's counters for a known IPv6 load: 200 echo requests.
kern() { cat "/sys/class/net/$F-$1/statistics/$2"; }
stat_of() { jq -r --arg n "$1" ".nodes[] | select(.name == \$n) | $2" <<<"$FAB_OUT"; }
fab_ok -j stats "$F"
TX0=$(stat_of "${F}a" .tx.packets)
ICMP0=$(stat_of "${F}a" .tx.protocols.icmpv6)
ip netns exec "${F}a" ping -6 -n -q -c 200 -i 0.002 "$B6" >/dev/null || fail "ping -6 load failed"
# Kernel read between two readings of stats that agree: nothing moved meanwhile.
for try in 1 2 3 4 5 6 7 8 9 10; do
	fab_ok -j stats "$F"
	S1=$(stat_of "${F}a" .tx.packets)
	SB=$(stat_of "${F}b" .rx.packets)
	K=$(kern 2 rx_packets)
	KB=$(kern 3 tx_packets)
	fab_ok -j stats "$F"
	[[ $S1 == "$(stat_of "${F}a" .tx.packets)" && $SB == "$(stat_of "${F}b" .rx.packets)" ]] && break
	sleep 0.2
done
assert_eq "$S1" "$K" "stats tx of ${F}a vs kernel rx of its host veth $F-2"
assert_eq "$SB" "$KB" "stats rx of ${F}b vs kernel tx of its host veth $F-3"
ICMP1=$(stat_of "${F}a" .tx.protocols.icmpv6)
[[ $((ICMP1 - ICMP0)) -ge 200 && $((S1 - TX0)) -ge 200 ]] ||
	fail "200 echo requests: icmpv6 tx went $ICMP0 -> $ICMP1, packets $TX0 -> $S1"

fab_ok check "$F"

# ------------------------------------------------ dual-stack, several cells
fab_ok create "$G" --subnet 10.230.4.0/22 --cell-size 64 --subnet6 "$P6G/48" --tune
fab_ok add-node "$G" --count 70 --prefix "${G}n"
# Slot 3 (cell 0) and slot 75 (cell 1: its /64 is $P6G with 1 in group 4).
C1=${P6G%::}:1::
assert_usable6 "${G}n1" eth0 "${P6G}3"
assert_eq "$(node_inet "${G}n70")" "10.230.4.75/26" "IPv4 of slot 75"
assert_usable6 "${G}n70" eth0 "${C1}4b"
assert_eq "$(ip -n "${G}n70" -6 -j route show default | jq -r '.[0].gateway')" "${C1}41" "cell 1's IPv6 gateway"
ping6_ok "${G}n1" "${P6G}4"
ping6_ok "${G}n1" "${C1}4b"
ping6_ok "${G}n70" "${C1}41"
ping6_ok "${G}n70" "${P6G}3"
ping6_ok host "${C1}4b"
assert_eq "$(ip netns exec ".fabricctl-$G" sysctl -n net.ipv6.conf.all.forwarding)" 1 "IPv6 forwarding in the router"
assert_eq "$(sysctl -n net.ipv6.conf.all.forwarding)" "$FWD_HOST" "the host's IPv6 forwarding never changes"
assert_eq "$(ip netns exec "${G}n1" sysctl -n net.ipv6.conf.all.forwarding)" 0 "no forwarding in a node"
fab_ok check "$G"
# Drift of the cells' IPv6 pieces: reported, repaired, working again.
ip -6 addr del "${P6G}2/64" dev "$G-c0"
ip -6 route del "$P6G/48" 2>/dev/null || true
ip netns exec ".fabricctl-$G" ip -6 addr del "${C1}41/64" dev c1
fab_rc 1 check "$G"
assert_match "$FAB_OUT" "missing_host_address .*${P6G}2/64" "check: the host's IPv6 address"
assert_match "$FAB_OUT" "missing_gateway .*${C1}41" "check: cell 1's IPv6 gateway"
assert_match "$FAB_OUT" "missing_host_route .*$P6G/48" "check: the host's IPv6 route"
fab_ok check "$G" --repair
fab_ok check "$G"
ping6_ok host "${C1}4b"
ping6_ok "${G}n70" "${C1}41"

# ------------------------------------------------ IPv6-only
fab_ok create "$H" --subnet 10.210.141.0/24 --ipv6-only --tune
fab_ok -j show "$H"
BH=$(jq -r .subnet6 <<<"$FAB_OUT")
BH=${BH%%::/48}
fab_ok add-node "$H" "${H}a" "${H}b"
assert_eq "$(node_inet "${H}a")" "" "IPv6-only: no IPv4 address on eth0"
assert_eq "$(ip -4 -j addr show dev "$H-c0" | jq -r '.[0].addr_info | length')" 0 "IPv6-only: no IPv4 address on the bridge"
assert_usable6 "${H}b" eth0 "$BH::3"
ping6_first "${H}a" "$BH::3" || fail "IPv6-only: first ping -6 failed"
ping6_first host "$BH::2" || fail "IPv6-only: host cannot ping -6 a node"
fab_ok check "$H"

# ------------------------------------------------ doctor judges the IPv6 table
fab -j doctor --nodes 2000 --ipv6 # exit 1: gc_thresh3 fails at that size
item() { jq -r --arg n "$1" ".limits[] | select(.name == \$n) | $2" <<<"$FAB_OUT"; }
assert_eq "$(item net.ipv6.neigh.default.gc_thresh3 .current)" "$(sysctl -n net.ipv6.neigh.default.gc_thresh3)" "doctor reads gc_thresh3"
assert_eq "$(item net.ipv6.neigh.default.gc_thresh3 .needed)" 4256 "2 IPv6 neighbours per node + 256"
assert_eq "$(item net.ipv6.neigh.default.gc_thresh2 .needed)" 4128 "gc_thresh2 for 2000 IPv6 nodes"
assert_eq "$(item net.ipv6.route.max_size .current)" "$(sysctl -n net.ipv6.route.max_size)" "doctor reads route.max_size"

# ------------------------------------------------ bad input, nothing made
refused() { # refused WHAT ARGS...: exit 1 or 2, one error line matching WHAT, no fabric X
	local what=$1
	shift
	fab "$@"
	[[ $FAB_RC -ne 0 ]] || fail "fabricctl $* succeeded"
	fab_err_line
	assert_match "$FAB_ERR" "$what" "fabricctl $*"
	[[ ! -e /run/fabricctl/$X ]] || fail "fabricctl $* left a record of $X"
	link_exists "$X-c0" && fail "fabricctl $* left bridge $X-c0"
	return 0
}
refused 'IPv4' create "$X" --subnet 10.210.142.0/24 --subnet6 10.0.0.0/8
refused 'too long.*/64 or shorter' create "$X" --subnet 10.210.142.0/24 --subnet6 fd5e:1:2:3:4::/80
refused 'cannot hold the fabric.s 8 cells.*/61 or shorter' create "$X" --subnet 10.210.142.0/23 --cell-size 64 --subnet6 fd5e:1:2:3::/64
refused "overlaps fabric $G" create "$X" --subnet 10.210.142.0/24 --subnet6 "${P6G%::}:8::/64"
refused 'MTU of 1280' create "$X" --subnet 10.210.142.0/24 --ipv6 --mtu 1200
foreign_link "${X}d"
ip link set "${X}d" up
ip -6 addr add fd5e:ffff:1::1/64 dev "${X}d" nodad
refused "overlaps address fd5e:ffff:1::1/64" create "$X" --subnet 10.210.142.0/24 --subnet6 fd5e:ffff::/32
before=$(ours "$F")
refused 'is an IPv4 address' add-node "$F" "${F}x" --ip6 10.210.140.9
refused 'is an IPv6 address' add-node "$F" "${F}x" --ip "$BASE::9"
refused 'not a node address' add-node "$F" "${F}x" --ip6 fd5e:ffff:1::9
refused 'not a node address' add-node "$F" "${F}x" --ip6 "$BASE::1"
assert_eq "$(ours "$F")" "$before" "refused add-nodes made nothing"
log "ok"
