#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# One fabric over two simulated hosts (issue 16): each host runs its own FRR
# (zebra -n, bgpd) and `fabricctl create --site H --underlay 10.254.0.H
# --bgp-peer ...`; 200 nodes each. Host 1's FRR sees only
# /run/fabricctl/.frr-netns as its /run/netns (contrib/frr/fabricctl.conf),
# host 2's sees all of /run/netns: both work; zebra's VRFs and doctor show
# the difference; check --repair remakes FRR's view of the router, and a
# crash at its bind or unbind leaves nothing that destroy does not take. Read from the kernel and from FRR: the
# VXLAN (VNI, port 4789, learning off, ARP/ND suppression) in the router
# namespace with its UDP socket in the host namespace, node MTU = underlay
# MTU - 50, BGP EVPN sessions and type-5 routes (vtysh json), every node
# answers its gateway, random cross-host pairs answer ping, the underlay
# carries UDP 4789 and no fabric address in clear, ip_forward 0 on every
# host, stats equal the veth counters, the exporter's site label and one
# Prometheus scraping both hosts' exporters (every node, by site). FRR
# stopped on host 2: host 1 withdraws its routes and `check` names the
# missing site; FRR started again: back. Destroy on host 1 leaves host 2's
# share working and removes host 1's FRR fragment.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../simhost.sh"
need_root
[[ -x /usr/lib/frr/zebra && -x /usr/lib/frr/bgpd ]] || skip "FRR is not installed (apt-get install frr)"
[[ -e /sys/module/vxlan ]] || modprobe vxlan 2>/dev/null || skip "no VXLAN driver"

# The drop-in that gives FRR's service its view (contrib/frr/fabricctl.conf)
# parses cleanly for systemd: no line ignored, the shell line untouched.
if command -v systemd-analyze >/dev/null && [[ -e /lib/systemd/system/frr.service ]]; then
	mkdir -p "$TEST_TMP/units/frr.service.d"
	cp /lib/systemd/system/frr.service "$TEST_TMP/units/"
	cp "$(dirname "$0")/../../contrib/frr/fabricctl.conf" "$TEST_TMP/units/frr.service.d/"
	out=$(SYSTEMD_UNIT_PATH="$TEST_TMP/units:" systemd-analyze verify "$TEST_TMP/units/frr.service" 2>&1)
	assert_eq "$out" "" "systemd-analyze verify frr.service with the drop-in"
fi

F=$(fab_name)
MH_HOSTS=2
MH_NODES=${MH_NODES:-200}
MH_NET=10.212.0.0/16
MH_FRR_SEES_ALL=2
. "$(dirname "$0")/../multihost.sh"
R=.fabricctl-$F

mh_up
mh_underlay_counters

# The data plane, from the kernel.
for h in 1 2; do
	vx=$(on_host $h ip -n "$R" -j -d link show fab-vx)
	assert_eq "$(jq -r '.[0].linkinfo.info_kind' <<<"$vx")" vxlan "host $h: VXLAN kind"
	assert_eq "$(jq -r '.[0].linkinfo.info_data.port' <<<"$vx")" 4789 "host $h: VXLAN port"
	assert_eq "$(jq -r '.[0].linkinfo.info_data.learning' <<<"$vx")" false "host $h: VXLAN learning"
	assert_eq "$(jq -r '.[0].linkinfo.info_data.local' <<<"$vx")" 10.254.0.$h "host $h: VTEP"
	assert_eq "$(jq -r '.[0].linkinfo.info_slave_data.neigh_suppress' <<<"$vx")" true \
		"host $h: ARP/ND suppression"
	assert_eq "$(jq -r '.[0].ifalias' <<<"$vx")" "fabricctl:$F:.router" "host $h: VXLAN tag"
	# its UDP socket on the underlay (the host namespace), none in the router
	on_host $h ss -Huln 'sport = :4789' | grep -q . || fail "host $h: no UDP 4789 socket on the host"
	[[ -z $(on_host $h ip netns exec "$R" ss -Huln 'sport = :4789') ]] ||
		fail "host $h: the VXLAN socket is in the router namespace"
	assert_eq "$(on_host $h cat /proc/sys/net/ipv4/ip_forward)" 0 "host $h: ip_forward"
	fab_on_ok $h -j show "$F"
	assert_eq "$(jq -r '.mtu' <<<"$FAB_OUT")" 1450 "host $h: node MTU shown"
	assert_eq "$(jq -r '.site.site' <<<"$FAB_OUT")" $h "host $h: site shown"
	n=$(jq -r '.nodes[0].name' <<<"$FAB_OUT")
	assert_eq "$(on_host $h ip netns exec "$n" cat /sys/class/net/eth0/mtu)" 1450 "host $h: $n's MTU"
	# addresses only in the site's block
	bad=$(jq -r --arg p "$MH_PREFIX.$((h * 16))" --arg q "$MH_PREFIX.$((h * 16 + 15))" \
		'[.nodes[].address | select((split(".")[0:3] | join(".")) as $n |
		 ($n < $p) or ($n > $q))] | length' <<<"$FAB_OUT")
	assert_eq "$bad" 0 "host $h: node addresses outside site $h's block"
done

for h in 1 2; do mh_bgp_ok $h; done
for h in 1 2; do mh_gateways $h; done
mh_ping_pairs 100 || fail "cross-host pairs did not all answer"
[[ $(mh_counter 1) -gt 0 ]] || fail "the underlay carried no UDP 4789"
assert_eq "$(mh_counter 2)" 0 "fabric-sourced packets in clear on the underlay"
assert_eq "$(mh_counter 3)" 0 "fabric-bound packets in clear on the underlay"
for h in 1 2; do mh_stats_vs_kernel $h; done

# show --all-sites: the other site's cells, as BGP installed them
fab_on_ok 1 -j show "$F" --all-sites
assert_eq "$(jq -r '[.other_sites[] | select(.site == 2 and .vtep == "10.254.0.2")] | length' \
	<<<"$FAB_OUT")" 1 "host 1: site 2's cell in show --all-sites"
# the exporter's families carry the site label
fab_on_ok 2 stats "$F" --prometheus
assert_contains "$FAB_OUT" "fabric=\"$F\",site=\"2\",node=" "host 2: site label"
# One Prometheus (in the underlay, 10.254.0.250) scraping both hosts'
# exporters sees the whole fabric: every node of each site, by its label.
if command -v prometheus >/dev/null; then
	exporters=()
	for h in 1 2; do
		on_host $h "$FABRICCTL" exporter --listen 10.254.0.$h:9464 --allow-remote "$F" \
			>"$TEST_TMP/exporter$h.log" 2>&1 &
		exporters+=($!)
	done
	ip -n "$UL" link set lo up
	ip -n "$UL" addr add 10.254.0.250/24 dev ulbr
	prom_config "$TEST_TMP/prometheus.yml" 10.254.0.1:9464 10.254.0.2:9464
	ip netns exec "$UL" prometheus --config.file="$TEST_TMP/prometheus.yml" \
		--storage.tsdb.path="$TEST_TMP/tsdb" --web.listen-address=127.0.0.1:9090 \
		>"$TEST_TMP/prometheus.log" 2>&1 &
	PROM=$!
	on_exit "kill $PROM 2>/dev/null; wait $PROM || true"
	for ((i = 0; i < 100; i++)); do
		ip netns exec "$UL" curl -s -o /dev/null http://127.0.0.1:9090/-/ready && break
		sleep 0.2
	done
	q='count by (site) (fabricctl_node_info{fabric="'$F'"})'
	for ((i = 0; i < 60; i++)); do
		sites=$(ip netns exec "$UL" curl -s --get --data-urlencode "query=$q" \
			http://127.0.0.1:9090/api/v1/query |
			jq -r '[.data.result[]? | "\(.metric.site)=\(.value[1])"] | sort | join(",")')
		[[ $sites == "1=$MH_NODES,2=$MH_NODES" ]] && break
		sleep 0.5
	done
	assert_eq "$sites" "1=$MH_NODES,2=$MH_NODES" "Prometheus: nodes per site, from both hosts"
	kill $PROM "${exporters[@]}"
	wait $PROM "${exporters[@]}" || true
else
	log "no prometheus: the scrape of both hosts is not run"
fi
# doctor: FRR ready, every session Established
fab_on_ok 1 -j doctor
assert_eq "$(jq -r '.limits[] | select(.name == "bgp_sessions") | .status' <<<"$FAB_OUT")" ok \
	"host 1: doctor's bgp_sessions"
fab_on_ok 1 check "$F"

# FRR's view of the namespaces: host 1's zebra has the router only, host 2's
# every node as well (read from zebra itself), and doctor tells them apart.
vrfs() { on_host "$1" vtysh -c 'show vrf' | grep -c '^vrf '; }
assert_eq "$(vrfs 1)" 1 "host 1: zebra's VRFs (the router only)"
for ((i = 0; i < 20; i++)); do # zebra reads new namespaces a moment later
	[[ $(vrfs 2) -gt $((MH_NODES / 2)) ]] && break
	sleep 0.5
done
[[ $(vrfs 2) -gt $((MH_NODES / 2)) ]] || fail "host 2: zebra has $(vrfs 2) VRFs, not the nodes'"
assert_eq "$(on_host 1 ls -A /run/fabricctl/.frr-netns)" "$R" "host 1: FRR's view"
for h in 1 2; do
	assert_eq "$(on_host $h stat -f -c %T "/run/fabricctl/.frr-netns/$R")" nsfs "host $h: view mounted"
	assert_eq "$(on_host $h stat -L -c %i "/run/fabricctl/.frr-netns/$R")" \
		"$(on_host $h stat -L -c %i "/run/netns/$R")" "host $h: the view is the router"
done
fab_on_ok 1 -j doctor
assert_eq "$(jq -r '.limits[] | select(.name == "frr_netns") | .status' <<<"$FAB_OUT")" ok \
	"host 1: doctor's frr_netns"
fab_on_ok 2 -j doctor
assert_eq "$(jq -r '.limits[] | select(.name == "frr_netns") | .status' <<<"$FAB_OUT")" warn \
	"host 2: doctor's frr_netns"
# The view lost (unmounted): check names it, repair binds it again.
on_host 1 umount -l "/run/fabricctl/.frr-netns/$R" # zebra holds it open: lazily
fab_on 1 -j check "$F"
assert_ne "$FAB_RC" 0 "check without FRR's view"
assert_contains "$(jq -r '[.problems[].kind] | join(",")' <<<"$FAB_OUT")" site_frr_netns "check's problem"
fab_on_ok 1 check --repair "$F"
assert_eq "$(on_host 1 stat -f -c %T "/run/fabricctl/.frr-netns/$R")" nsfs "host 1: view after repair"
fab_on_ok 1 check "$F"

# A crash at the view's bind (create): check --repair finishes the fabric;
# a crash at its unbind (destroy): destroy again leaves neither the view
# nor the router it would pin. Steps are numbered from `list` runs.
G=${F}x
fab1() { on_host 1 env FABRICCTL_FAILPOINT="$1" "$FABRICCTL" "${@:2}"; }
mk2() { fab1 "$1" create "$G" --subnet 10.219.0.0/16 --site 1 --underlay 10.254.0.1 --bgp-peer 10.254.0.2; }
step() { grep "^failpoint [0-9]* $1\$" "$2" | head -1 | cut -d' ' -f2; }
mk2 list 2>"$TEST_TMP/create-steps" >/dev/null || fail "create $G"
fab1 list destroy "$G" 2>"$TEST_TMP/destroy-steps" >/dev/null || fail "destroy $G"
kb=$(step "bind namespace" "$TEST_TMP/create-steps")
ku=$(step "unbind namespace" "$TEST_TMP/destroy-steps")
[[ -n $kb && -n $ku ]] || fail "no bind/unbind step in create --site/destroy"
mk2 "crash@$kb" >/dev/null 2>&1 && fail "create: crash@$kb did not crash"
fab_on 1 -j check "$G"
assert_contains "$(jq -r '[.problems[].kind] | join(",")' <<<"$FAB_OUT")" site_frr_netns \
	"check after a crash at the bind"
# (host 2 has no fabric $G: its site stays missing, nothing else)
fab_on 1 -j check --repair "$G"
assert_eq "$(jq -r '[.problems[] | select(.repaired | not) | .kind] | join(",")' <<<"$FAB_OUT")" \
	site_missing "what repair left of the crash at the bind"
fab_on 1 -j check "$G"
assert_eq "$(jq -r '[.problems[].kind] | join(",")' <<<"$FAB_OUT")" site_missing "check after repair"
assert_eq "$(on_host 1 stat -f -c %T "/run/fabricctl/.frr-netns/.fabricctl-$G")" nsfs "$G's view after repair"
fab1 "crash@$ku" destroy "$G" >/dev/null 2>&1 && fail "destroy: crash@$ku did not crash"
assert_eq "$(on_host 1 stat -f -c %T "/run/fabricctl/.frr-netns/.fabricctl-$G")" nsfs "$G's view after the crash"
fab_on_ok 1 destroy "$G"
assert_eq "$(on_host 1 ls -A /run/fabricctl/.frr-netns)" "$R" "host 1: FRR's view after $G went"
assert_eq "$(on_host 1 ls -A /run/netns | awk -v g="$G" 'index($0, g) { n++ } END { print n + 0 }')" 0 "host 1: $G's namespaces"
: host 1 withdraws its routes, check names the site.
mh_frr_stop 2
mh_route_wait 1 "$(site_cell 2)" absent || fail "host 1 kept site 2's route after FRR stopped"
# FRR's table can trail the kernel's by a moment: ask check again for up to 10 s.
for ((i = 0; i < 20; i++)); do
	fab_on 1 -j check "$F"
	missing=$(jq -r '[.problems[]? | select(.kind == "site_missing") | .object] | join(",")' <<<"$FAB_OUT")
	[[ $missing == 10.254.0.2 ]] && break
	sleep 0.5
done
assert_ne "$FAB_RC" 0 "check on host 1 with site 2 gone"
assert_eq "$missing" 10.254.0.2 "host 1: the missing site"
mh_gateways 1
# ... and back
mh_frr_start 2
mh_route_wait 1 "$(site_cell 2)" present || fail "site 2's route did not come back"
mh_route_wait 2 "$(site_cell 1)" present || fail "site 1's route did not come back on host 2"
mh_ping_pairs 20 || fail "cross-host pairs after FRR came back"
fab_on_ok 1 check "$F"

# Destroy on host 1: host 1's share only.
fab_on_ok 1 destroy "$F"
[[ -z $(on_host 1 vtysh -c 'show running-config' | grep -E "fabricctl|vni ") ]] ||
	fail "host 1: FRR still holds the fabric's configuration"
assert_eq "$(on_host 1 ls /run/netns | wc -l)" 0 "host 1's namespaces after destroy"
assert_eq "$(on_host 1 ls -A /run/fabricctl/.frr-netns | wc -l)" 0 "host 1: FRR's view after destroy"
mh_route_wait 2 "$(site_cell 1)" absent || fail "host 2 kept host 1's route after its destroy"
mh_gateways 2
fab_on_ok 2 destroy "$F"
log "ok"
