#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# One fabric over three simulated hosts (issue 16), 200 nodes each, each
# host with its own FRR: every node answers its gateway, 300 random
# cross-host pairs answer ping, every host holds Established sessions and
# the other sites' EVPN type-5 routes (vtysh json) and kernel routes, the
# underlay carries UDP 4789 and no fabric address in clear, ip_forward 0 on
# every host. FRR stopped on host 3: hosts 1 and 2 withdraw its routes
# within the hold time, keep pinging each other, and `check` names the
# missing site; FRR started again: every pair answers again.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../simhost.sh"
need_root
[[ -x /usr/lib/frr/zebra && -x /usr/lib/frr/bgpd ]] || skip "FRR is not installed (apt-get install frr)"
[[ -e /sys/module/vxlan ]] || modprobe vxlan 2>/dev/null || skip "no VXLAN driver"

F=$(fab_name)
MH_HOSTS=3
MH_NODES=${MH_NODES:-200}
MH_NET=10.213.0.0/16
. "$(dirname "$0")/../multihost.sh"

mh_up
mh_underlay_counters
for h in 1 2 3; do mh_bgp_ok $h; done
for h in 1 2 3; do mh_gateways $h; done
mh_ping_pairs 300 || fail "cross-host pairs did not all answer"
[[ $(mh_counter 1) -gt 0 ]] || fail "the underlay carried no UDP 4789"
assert_eq "$(mh_counter 2)" 0 "fabric-sourced packets in clear on the underlay"
assert_eq "$(mh_counter 3)" 0 "fabric-bound packets in clear on the underlay"
for h in 1 2 3; do
	assert_eq "$(on_host $h cat /proc/sys/net/ipv4/ip_forward)" 0 "host $h: ip_forward"
	mh_stats_vs_kernel $h
done

# Host 3's FRR stops: the others withdraw its cells (hold time 3 s, or at
# once when its TCP sessions close) and keep working between themselves.
t0=$(date +%s%N)
mh_frr_stop 3
for h in 1 2; do
	mh_route_wait $h "$(site_cell 3)" absent || fail "host $h kept site 3's route"
done
log "site 3's routes withdrawn on hosts 1 and 2 after $((($(date +%s%N) - t0) / 1000000)) ms"
mh_ping_pairs 60 1 2 || fail "hosts 1 and 2 lost each other when host 3's FRR stopped"
for h in 1 2; do
	fab_on $h -j check "$F"
	assert_ne "$FAB_RC" 0 "check on host $h with site 3 gone"
	assert_eq "$(jq -r '[.problems[] | select(.kind == "site_missing") | .object] | join(",")' \
		<<<"$FAB_OUT")" 10.254.0.3 "host $h: the missing site"
done
mh_frr_start 3
for h in 1 2; do
	mh_route_wait $h "$(site_cell 3)" present || fail "site 3's route did not come back on host $h"
done
for h in 1 2; do mh_route_wait 3 "$(site_cell $h)" present || fail "host 3 lacks site $h"; done
mh_ping_pairs 60 || fail "cross-host pairs after host 3's FRR came back"
for h in 1 2 3; do fab_on_ok $h check "$F"; done
for h in 1 2 3; do fab_on_ok $h destroy "$F"; done
log "ok"
