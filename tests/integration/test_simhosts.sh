#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# fabricctl runs unchanged on simulated hosts (tests/simhost.sh): two hosts,
# each a network + mount namespace with private /run/netns, /run/fabricctl,
# /var/lib/fabricctl and bpffs, build the same fabric (same name, same
# subnet) side by side. Each host's nodes answer their gateway, its stats
# equal its own veth counters, its ip_forward stays 0, the real host sees
# none of it, and destroy on one host leaves the other's fabric whole.
# This is the ground the multi-host tests (issue #16) stand on.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../simhost.sh"
need_root

F=$(fab_name)
cleanup_fabric "$F"
on_exit simhost_down_all
# shellcheck disable=SC2034 # read by on_host
SIMHOST_PREFIX=$F
NET=10.244.0.0/24
NODES=3

for h in 1 2; do simhost_up "$F" $h; done
for h in 1 2; do
	fab_on_ok $h create "$F" --subnet $NET
	fab_on_ok $h -j add-node "$F" --count $NODES
	assert_eq "$(jq -r '.added | length' <<<"$FAB_OUT")" $NODES "host $h: nodes added"
done

# The real host has none of it: no state, no pins, no namespaces but the
# two simulated hosts themselves.
[[ -e /run/fabricctl/$F ]] && fail "the real host has a state record of $F"
[[ -e /sys/fs/bpf/fabricctl/$F ]] && fail "the real host has bpffs pins of $F"
assert_eq "$(ours "$F" | tr '\n' ' ')" "netns ${F}h1 netns ${F}h2 " "real host's objects named $F*"

for h in 1 2; do
	fab_on_ok $h -j show "$F"
	mapfile -t names < <(jq -r '.nodes[].name' <<<"$FAB_OUT")
	assert_eq "${#names[@]}" $NODES "host $h: nodes shown"
	gw=$(jq -r '.gateway' <<<"$FAB_OUT")
	assert_eq "$gw" 10.244.0.1 "host $h: gateway shown"
	for n in "${names[@]}"; do
		# the node exists in this host's /run/netns only
		on_host $h test -e "/run/netns/$n" || fail "host $h: no /run/netns/$n"
		[[ -e /run/netns/$n ]] && fail "node $n of host $h is visible on the real host"
		on_host $h ip netns exec "$n" ping -c 1 -W 2 -q "$gw" >/dev/null ||
			fail "host $h: gateway $gw does not answer node $n"
	done
	on_host $h test -e "/sys/fs/bpf/fabricctl/$F/counters" || fail "host $h: no pinned counters"
	assert_eq "$(on_host $h cat /proc/sys/net/ipv4/ip_forward)" 0 "host $h: ip_forward"
done

# Stats on each host equal its own host veths' counters (node rx = veth tx).
stats_vs_kernel() {
	local h=$1 idx rxp txp v
	fab_on_ok "$h" -j stats "$F"
	while read -r idx rxp txp; do
		v=$(on_host "$h" sh -c "grep -lx '$idx' /sys/class/net/*/ifindex" | head -1)
		v=${v%/ifindex}
		[[ -n $v ]] || return 1
		[[ $(on_host "$h" cat "$v/statistics/tx_packets") == "$rxp" ]] || return 1
		[[ $(on_host "$h" cat "$v/statistics/rx_packets") == "$txp" ]] || return 1
	done < <(jq -r '.nodes[] | "\(.ifindex) \(.rx.packets) \(.tx.packets)"' <<<"$FAB_OUT")
}
for h in 1 2; do
	ok=0
	for _ in 1 2 3 4 5; do
		if stats_vs_kernel $h; then
			ok=1
			break
		fi
		sleep 0.3
	done
	[[ $ok == 1 ]] || fail "host $h: stats differ from the veth counters: $FAB_OUT"
done

# Destroy on host 1 removes host 1's fabric only.
fab_on_ok 1 destroy "$F"
fab_on 1 show "$F"
assert_ne "$FAB_RC" 0 "show on host 1 after destroy"
fab_on_ok 2 -j show "$F"
assert_eq "$(jq -r '.nodes | length' <<<"$FAB_OUT")" $NODES "host 2's nodes after host 1's destroy"
n=$(jq -r '.nodes[0].name' <<<"$FAB_OUT")
on_host 2 ip netns exec "$n" ping -c 1 -W 2 -q 10.244.0.1 >/dev/null ||
	fail "host 2: $n lost its gateway when host 1 destroyed its fabric"
fab_on_ok 2 destroy "$F"
assert_eq "$(on_host 2 ls /run/netns | wc -l)" 0 "host 2's /run/netns after destroy"
log "ok"
