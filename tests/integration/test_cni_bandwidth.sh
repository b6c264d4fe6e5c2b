#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Chaining: Debian's bandwidth plugin after fabricctl-cni finds the host
# end in our result and puts its rate limit there (read back with tc -j),
# and takes it away again on DEL, as libcni runs a conflist. Only the
# limit towards the container (ingressRate: a tbf root on the host end)
# goes with the fabric's counting: the plugin's egressRate needs an
# "ingress" qdisc, which cannot sit beside the clsact the fabric counts on.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
. "$(dirname "$0")/../cni_lib.sh"
BW=/usr/lib/cni/bandwidth
[[ -x $BW ]] || skip "no $BW (containernetworking-plugins)"

F=$(fab_name)
cleanup_fabric "$F"
foreign_netns "${F}x"
conf=$(cni_conf 1.0.0 "$F" 10.210.155.0/24)
env=(CNI_CONTAINERID=bw1 CNI_NETNS="/run/netns/${F}x" CNI_IFNAME=eth0)

# The conflist's first plugin.
cni_ok ADD "$conf" "${env[@]}"
res=$CNI_OUT
host_if=$(jq -r '.interfaces[0].name' <<<"$res")
jq -cn --argjson r "$res" '{cniVersion: "1.0.0", name: "x", type: "bandwidth", prevResult: $r}' >"$TEST_TMP/bwdel"
on_exit "env CNI_COMMAND=DEL CNI_PATH=/usr/lib/cni ${env[*]} $BW <$TEST_TMP/bwdel"

# The second: bandwidth with the first one's result as prevResult (what libcni does).
bwconf=$(jq -cn --arg n "${F}net" --argjson r "$res" \
	'{cniVersion: "1.0.0", name: $n, type: "bandwidth", runtimeConfig: {bandwidth: {ingressRate: 8000000, ingressBurst: 100000}}, capabilities: {bandwidth: true}, prevResult: $r}')
out=$(env CNI_COMMAND=ADD CNI_PATH=/usr/lib/cni "${env[@]}" "$BW" <<<"$bwconf") || fail "bandwidth ADD failed: $out"

# The rate limit sits on our host veth (traffic to the container: ingressRate).
q=$(tc -j qdisc show dev "$host_if")
assert_eq "$(jq -r '[.[] | select(.kind == "tbf")] | length' <<<"$q")" 1 "a tbf on $host_if"
rate=$(jq -r '.[] | select(.kind == "tbf") | .options.rate' <<<"$q")
assert_eq "$rate" 1000000 "tbf rate on $host_if (bytes/s for 8 Mbit/s)"
# The fabric's clsact (its counting) is still there beside it.
assert_eq "$(jq -r '[.[] | select(.kind == "clsact")] | length' <<<"$q")" 1 "the fabric's clsact on $host_if"
log "bandwidth's tbf is on the host veth: rate $rate B/s"

# Counting still works beside the plugin's qdiscs: a ping is counted.
ping_ok "${F}x" "$(jq -r '.ips[0].gateway' <<<"$res")"
fab_ok -j stats "$F"
[[ $(jq '.nodes[0].tx.packets' <<<"$FAB_OUT") -gt 0 ]] || fail "the attachment's traffic is not counted with bandwidth chained"

# DEL in reverse order, as libcni does.
out=$(env CNI_COMMAND=DEL CNI_PATH=/usr/lib/cni "${env[@]}" "$BW" <<<"$bwconf") || fail "bandwidth DEL failed: $out"
cni_ok DEL "$(with_prev "$conf" "$res")" "${env[@]}"
wait_gone "$host_if" || fail "DEL left $host_if" # its tbf goes with it
log "ok"
