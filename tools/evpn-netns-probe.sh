#!/usr/bin/env bash
# shellcheck disable=SC2016 # pid files are read inside the hosts
# SPDX-License-Identifier: GPL-2.0-only
#
# tools/evpn-netns-probe.sh - does the control plane issue #16 needs work on
# this machine, with fabricctl as it is? Two simulated hosts
# (tests/simhost.sh) joined by an underlay bridge (10.254.0.0/24); on host H
# an unchanged fabricctl makes fabric F on 10.246.(16H).0/20 (cells of 256,
# so it has its router namespace .fabricctl-F) with 3 nodes, and its own FRR
# runs (zebra + bgpd, private /etc/frr and /run/frr). The probe, not
# fabricctl, adds the VXLAN and FRR's configuration: it checks the kernel
# and FRR facts the design rests on, and prints the times.
#
# The shape is the one of FRR's topotest tests/topotests/bgp_evpn_rt5
# ("route advertisements on a separate netns"):
#   - a VXLAN (VNI 100, UDP 4789, nolearning, local 10.254.0.H dev ul0)
#     created in the host namespace, so its UDP socket stays on the
#     underlay, then moved into the router namespace and enslaved to a
#     bridge there (an L3VNI: no access ports, only the router MAC);
#   - zebra started with -n: the netns VRF backend, "vrf .fabricctl-F /
#     vni 100" names the namespace; no VRF or dummy device needed (this
#     kernel has neither driver);
#   - eBGP l2vpn evpn between the hosts; "router bgp ASN vrf .fabricctl-F"
#     with redistribute connected + advertise ipv4 unicast: each host's
#     cells become EVPN type-5 prefixes.
# It waits for host 2's cell in host 1's router (installed by zebra with the
# remote router MAC as neighbour and FDB entry, extern_learn), pings node to
# node on one host and across, kills -9 bgpd on host 2 and times the
# withdrawal, restarts it and times the return, cuts host 2's underlay
# port and times the hold-time withdrawal, and shows the hosts' ip_forward.
#
# Measured here (Debian 12, FRR 8.4.4, kernel 6.18, 2 shared CPUs): type-5
# route 2.1-2.6 s after FRR start; RTT node to node ~0.1 ms on one host,
# ~0.16 ms across; withdrawn 0.13-0.25 s after kill -9 (the TCP session
# resets), back ~2.1 s after bgpd restarts (the first ping right then may
# be lost); a host gone silent is withdrawn when the hold time (9 s) runs
# out: 6.7-8.8 s. ip_forward stays 0 on both hosts.
#
# Usage (root): tools/evpn-netns-probe.sh
set -uo pipefail
export FABRICCTL=${FABRICCTL:-$(cd "$(dirname "$0")/.." && pwd)/build/fabricctl}
. "$(dirname "$0")/../tests/lib.sh"
. "$(dirname "$0")/../tests/simhost.sh"
[[ $(id -u) -eq 0 ]] || skip "needs root"
[[ -x /usr/lib/frr/zebra && -x /usr/lib/frr/bgpd ]] || skip "FRR is not installed (apt-get install frr)"

F=$(fab_name)
UL=${F}u
on_exit simhost_down_all
on_exit "ip netns del $UL"
# shellcheck disable=SC2034 # read by on_host
SIMHOST_PREFIX=$F
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# route_wait H PREFIX present|absent: ms until rt's route to PREFIX is so
route_wait() {
	local t0 i r
	t0=$(now_ms)
	for ((i = 0; i < 300; i++)); do
		r=$(on_host "$1" ip -n ".fabricctl-$F" route show "$2")
		[[ $3 == present && -n $r ]] && break
		[[ $3 == absent && -z $r ]] && break
		sleep 0.1
	done
	[[ $i -lt 300 ]] || fail "host $1: route to $2 not $3 after 30 s"
	echo $(($(now_ms) - t0))
}

frr_config() { # frr_config H PEER
	cat <<C
frr defaults traditional
hostname $F-h$1
log file /run/frr/frr.log informational
vrf .fabricctl-$F
 vni 100
exit-vrf
router bgp 6500$1
 bgp router-id 10.254.0.$1
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 neighbor 10.254.0.$2 remote-as 6500$2
 neighbor 10.254.0.$2 timers 3 9
 neighbor 10.254.0.$2 timers connect 2
 address-family l2vpn evpn
  neighbor 10.254.0.$2 activate
  advertise-all-vni
 exit-address-family
exit
router bgp 6500$1 vrf .fabricctl-$F
 no bgp ebgp-requires-policy
 address-family ipv4 unicast
  redistribute connected
 exit-address-family
 address-family l2vpn evpn
  advertise ipv4 unicast
  route-target import 65000:100
  route-target export 65000:100
 exit-address-family
exit
C
}

start_bgpd='/usr/lib/frr/bgpd -d -F traditional -A 127.0.0.1 -i /run/frr/bgpd.pid --log file:/run/frr/bgpd.log'

ip netns add "$UL"
ip -n "$UL" link add ulbr type bridge
ip -n "$UL" link set ulbr up
for h in 1 2; do
	simhost_up "$F" $h
	ip -n "$UL" link add ul$h type veth peer name ul0 netns "${F}h$h"
	ip -n "$UL" link set ul$h master ulbr up
	on_host $h sh -ec "
		ip addr add 10.254.0.$h/24 dev ul0
		ip link set ul0 up
		$FABRICCTL create $F --subnet 10.246.$((h * 16)).0/20 --cell-size 256 >/dev/null
		$FABRICCTL add-node $F --count 3 >/dev/null
		ip link add vx100 type vxlan id 100 dstport 4789 local 10.254.0.$h dev ul0 nolearning
		ip link set vx100 netns .fabricctl-$F
		ip -n .fabricctl-$F link set lo up
		ip -n .fabricctl-$F link add br100 address 0e:fb:00:00:00:0$h type bridge stp_state 0
		ip -n .fabricctl-$F link set vx100 master br100
		ip -n .fabricctl-$F link set br100 up
		ip -n .fabricctl-$F link set vx100 up
		ip netns exec .fabricctl-$F sysctl -qw net.ipv4.ip_forward=1
		mount -t tmpfs -o mode=750 tmpfs /etc/frr
		install -d -o frr -g frr /run/frr /var/lib/frr" || fail "host $h: set-up"
	frr_config $h $((3 - h)) >"$TEST_TMP/frr$h.conf"
done
t0=$(now_ms)
for h in 1 2; do
	on_host $h sh -ec "
		cp '$TEST_TMP/frr$h.conf' /etc/frr/frr.conf
		echo 'service integrated-vtysh-config' >/etc/frr/vtysh.conf
		chown -R frr:frr /etc/frr
		/usr/lib/frr/zebra -d -F traditional -n -A 127.0.0.1 -s 90000000 \
			-i /run/frr/zebra.pid --log file:/run/frr/zebra.log 2>/dev/null
		$start_bgpd
		vtysh -b >/run/frr/vtysh-b.log 2>&1" || fail "host $h: FRR start"
done
route_wait 1 10.246.32.0/24 present >/dev/null
echo "type-5 route installed on host 1: $(($(now_ms) - t0)) ms after FRR start"
on_host 1 vtysh -c 'show bgp l2vpn evpn route type prefix json' |
	jq -c '[.. | objects | select(.routeType? == 5) | {ip, nexthop: .nexthops[0].ip}] | unique'
on_host 1 ip -n ".fabricctl-$F" neigh show dev br100
on_host 1 bridge -n ".fabricctl-$F" fdb show dev vx100 | grep extern_learn
on_host 1 ip -n ".fabricctl-$F" route
echo "same host, node to node:"
on_host 1 ip netns exec "$F-n1" ping -c 5 -i 0.2 -q 10.246.16.4 | tail -1 || fail "no ping inside host 1"
echo "across, node on host 1 to node on host 2:"
on_host 1 ip netns exec "$F-n1" ping -c 5 -i 0.2 -q 10.246.32.3 | tail -2 ||
	fail "no ping across"
on_host 2 sh -c 'kill -9 $(cat /run/frr/bgpd.pid)'
echo "kill -9 bgpd on host 2: withdrawn on host 1 after $(route_wait 1 10.246.32.0/24 absent) ms"
on_host 2 sh -c "$start_bgpd && vtysh -b >/dev/null 2>&1"
echo "bgpd restarted on host 2: back on host 1 after $(route_wait 1 10.246.32.0/24 present) ms"
on_host 1 ip netns exec "$F-n1" ping -c 3 -i 0.2 -q 10.246.32.3 | tail -2 ||
	fail "no ping after the restart"
# A host that goes silent (its underlay port down): only the hold time tells.
ip -n "$UL" link set ul2 down
echo "host 2 silent (underlay cut): withdrawn on host 1 after $(route_wait 1 10.246.32.0/24 absent) ms (hold time 9 s)"
echo "ip_forward of host 1, host 2: $(on_host 1 cat /proc/sys/net/ipv4/ip_forward)," \
	"$(on_host 2 cat /proc/sys/net/ipv4/ip_forward)"
for h in 1 2; do on_host $h sh -c 'kill $(cat /run/frr/bgpd.pid /run/frr/zebra.pid)'; done
