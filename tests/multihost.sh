# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2016
#
# One fabric over MH_HOSTS simulated hosts (tests/simhost.sh), each with
# its own FRR (zebra -n + bgpd, private /etc/frr, /run/frr, /var/lib/frr,
# /run/netns bound from /run/fabricctl/.frr-netns unless MH_FRR_SEES_ALL),
# joined by an underlay bridge (10.254.0.0/24) in a namespace of the test's.
# Sourced by tests/integration/test_multihost*.sh after lib.sh and simhost.sh,
# with MH_HOSTS, MH_NODES, MH_NET (a /16) set.
#
#   mh_up              hosts, underlay, FRR, `fabricctl create --site H`, nodes
#   mh_frr_start H     start zebra + bgpd on host H and load its saved config
#   mh_frr_stop H      stop them (SIGTERM, as a service stop does)
#   mh_route_wait H PREFIX present|absent    a bgp route in H's router namespace, 30 s
#   mh_ping_pairs N    N random cross-host node pairs, from each host: 0 = all answer

UL=${F}u
MH_PREFIX=${MH_NET%.0.0/16} # 10.212

on_exit simhost_down_all
on_exit "ip netns del $UL 2>/dev/null"
# shellcheck disable=SC2034 # read by on_host
SIMHOST_PREFIX=$F

# FRR's daemons see /run/fabricctl/.frr-netns as their /run/netns (what
# contrib/frr/fabricctl.conf does for systemd): zebra -n then reads only the
# routers, not every node. Hosts listed in MH_FRR_SEES_ALL (e.g. "2") run
# FRR as a plain `service frr start` would: zebra sees all of /run/netns.
mh_frr_start() {
	local view=scoped
	[[ " ${MH_FRR_SEES_ALL:-} " == *" $1 "* ]] && view=all
	on_host "$1" sh -ec '
		start="/usr/lib/frr/zebra -d -F traditional -n -A 127.0.0.1 -s 90000000 \
				-i /run/frr/zebra.pid --log file:/run/frr/zebra.log 2>/dev/null
			/usr/lib/frr/bgpd -d -F traditional -A 127.0.0.1 -i /run/frr/bgpd.pid \
				--log file:/run/frr/bgpd.log"
		if [ "$1" = scoped ]; then
			d=/run/fabricctl/.frr-netns
			mkdir -p -m 0700 /run/fabricctl
			mkdir -p -m 0755 $d
			mountpoint -q $d || mount --bind $d $d
			mount --make-shared $d
			unshare -m --propagation slave sh -ec "mount --rbind $d /run/netns; $start"
		else
			sh -ec "$start"
		fi
		vtysh -b >/run/frr/vtysh-b.log 2>&1 || true' mh "$view"
}

mh_frr_stop() {
	on_host "$1" sh -c 'kill $(cat /run/frr/bgpd.pid /run/frr/zebra.pid)
		for i in $(seq 50); do [ -e /run/frr/bgpd.pid ] || [ -e /run/frr/zebra.pid ] || break
			kill -0 $(cat /run/frr/bgpd.pid /run/frr/zebra.pid 2>/dev/null) 2>/dev/null || break
			sleep 0.1; done'
}

mh_route_wait() {
	local i r
	for ((i = 0; i < 300; i++)); do
		r=$(on_host "$1" ip -n ".fabricctl-$F" route show "$2" proto bgp)
		[[ $3 == present && -n $r ]] && return 0
		[[ $3 == absent && -z $r ]] && return 0
		sleep 0.1
	done
	return 1
}

# site_cell H: the first cell (/23) of site H's block (a /20)
site_cell() { echo "$MH_PREFIX.$(($1 * 16)).0/23"; }

# The simulated hosts share one kernel, and the kernel's neighbour table
# (gc_thresh3: ARP entries of all namespaces together) with it: each host
# admits its own 200 nodes, but 3 x 200 nodes and their routers' entries
# overflow the default 1024 ("neighbor table overflow", a node misses its
# gateway). Real hosts have a table each; here the harness sizes the
# shared one for every host's nodes (fabricctl's own rule: 2 per node +
# 256) and puts the old values back at exit, unless someone changed them.
mh_shared_neigh_table() {
	local need=$((2 * MH_HOSTS * MH_NODES + 256)) k cur
	for k in gc_thresh2 gc_thresh3; do
		cur=$(sysctl -n net.ipv4.neigh.default.$k)
		[[ $cur -ge $need ]] && continue
		sysctl -qw net.ipv4.neigh.default.$k=$need
		on_exit "[[ \$(sysctl -n net.ipv4.neigh.default.$k) == $need ]] && sysctl -qw net.ipv4.neigh.default.$k=$cur"
	done
}

mh_up() {
	local h p peers
	mh_shared_neigh_table
	ip netns add "$UL"
	ip -n "$UL" link add ulbr type bridge
	ip -n "$UL" link set ulbr up
	for ((h = 1; h <= MH_HOSTS; h++)); do
		simhost_up "$F" $h
		ip -n "$UL" link add ul$h type veth peer name ul0 netns "${F}h$h"
		ip -n "$UL" link set ul$h master ulbr up
		on_host $h sh -ec "
			# a new namespace copies the real host's ip_forward: start from 0,
			# as a host that does not route; the test asserts it stays 0
			sysctl -qw net.ipv4.ip_forward=0
			ip addr add 10.254.0.$h/24 dev ul0
			ip link set ul0 mtu 1500 up
			mount -t tmpfs -o mode=755 tmpfs /etc/frr
			echo 'service integrated-vtysh-config' >/etc/frr/vtysh.conf
			touch /etc/frr/frr.conf
			chown -R frr:frr /etc/frr
			install -d -o frr -g frr /run/frr /var/lib/frr" || fail "host $h: set-up"
		mh_frr_start $h || fail "host $h: FRR start"
	done
	for ((h = 1; h <= MH_HOSTS; h++)); do
		peers=()
		for ((p = 1; p <= MH_HOSTS; p++)); do
			[[ $p == "$h" ]] || peers+=(--bgp-peer "10.254.0.$p")
		done
		fab_on_ok $h create "$F" --subnet "$MH_NET" --site $h --underlay 10.254.0.$h \
			"${peers[@]}" --bgp-hold 3
		fab_on_ok $h -j add-node "$F" --count "$MH_NODES"
		assert_eq "$(jq -r '.added | length' <<<"$FAB_OUT")" "$MH_NODES" "host $h: nodes added"
	done
}

# The nodes of host H as "name address" lines.
mh_nodes() {
	fab_on_ok "$1" -j show "$F"
	jq -r '.nodes[] | "\(.name) \(.address)"' <<<"$FAB_OUT"
}

# mh_ping_pairs N [HOSTS...]: N random pairs (node of host a -> node of host
# b != a, among HOSTS, default all); prints the failures, returns their count.
mh_ping_pairs() {
	local n=$1 h bad=0 i a b pids=()
	shift
	local hosts=("$@")
	[[ ${#hosts[@]} -gt 0 ]] || mapfile -t hosts < <(seq 1 "$MH_HOSTS")
	declare -A names addrs
	for h in "${hosts[@]}"; do
		mapfile -t rows < <(mh_nodes "$h")
		names[$h]=$(printf '%s\n' "${rows[@]}" | cut -d' ' -f1 | tr '\n' ' ')
		addrs[$h]=$(printf '%s\n' "${rows[@]}" | cut -d' ' -f2 | tr '\n' ' ')
	done
	for h in "${hosts[@]}"; do : >"$TEST_TMP/pairs$h"; done
	for ((i = 0; i < n; i++)); do
		a=${hosts[RANDOM % ${#hosts[@]}]}
		b=$a
		while [[ $b == "$a" ]]; do b=${hosts[RANDOM % ${#hosts[@]}]}; done
		read -ra na <<<"${names[$a]}"
		read -ra ab <<<"${addrs[$b]}"
		echo "${na[RANDOM % ${#na[@]}]} ${ab[RANDOM % ${#ab[@]}]}" >>"$TEST_TMP/pairs$a"
	done
	for h in "${hosts[@]}"; do
		# one shell per host; each pair: one echo, one retry (a first ARP)
		on_host "$h" sh -c 'while read -r n a; do
				ip netns exec "$n" ping -n -q -c1 -W1 "$a" >/dev/null 2>&1 ||
				ip netns exec "$n" ping -n -q -c1 -W2 "$a" >/dev/null 2>&1 ||
				echo "host '"$h"': $n -> $a: no answer"
			done' <"$TEST_TMP/pairs$h" >"$TEST_TMP/pingfail$h" &
		pids+=($!)
	done
	wait "${pids[@]}" # never a bare wait: the hosts' holders are children too
	for h in "${hosts[@]}"; do
		cat "$TEST_TMP/pingfail$h" >&2
		bad=$((bad + $(wc -l <"$TEST_TMP/pingfail$h")))
	done
	return "$bad"
}

# Every node of host H answers its gateway (one shell on the host).
mh_gateways() {
	fab_on_ok "$1" -j show "$F"
	jq -r '.nodes[] | "\(.name) \(.gateway)"' <<<"$FAB_OUT" >"$TEST_TMP/gw$1"
	assert_eq "$(wc -l <"$TEST_TMP/gw$1")" "$MH_NODES" "host $1: nodes shown"
	on_host "$1" sh -c 'while read -r n g; do
			ip netns exec "$n" ping -n -q -c1 -W1 "$g" >/dev/null 2>&1 ||
			out=$(ip netns exec "$n" ping -n -q -c1 -W2 "$g" 2>&1) ||
			echo "$n -> $g: $(echo $out | tail -c 200)"
		done' <"$TEST_TMP/gw$1" >"$TEST_TMP/gwfail$1"
	[[ ! -s $TEST_TMP/gwfail$1 ]] || {
		mh_node_dump "$1" "$(head -1 "$TEST_TMP/gwfail$1" | cut -d' ' -f1)"
		fail "host $1: gateway does not answer ($(wc -l <"$TEST_TMP/gwfail$1") nodes): $(head -3 "$TEST_TMP/gwfail$1")"
	}
}

# mh_node_dump H NODE: NODE's side and its gateway's, on stderr (for a failure's log).
mh_node_dump() {
	local h=$1 n=$2 v
	fab_on "$h" -j show "$F"
	jq -c --arg n "$n" '.nodes[] | select(.name == $n)' <<<"$FAB_OUT" >&2
	v=$(jq -r --arg n "$n" '.nodes[] | select(.name == $n) | .host_veth' <<<"$FAB_OUT")
	on_host "$h" sh -c "echo '--- $n'; ip -n $n -br addr; ip -n $n route; ip -n $n neigh
		ip netns exec $n ping -c1 -W1 \$(ip -n $n route | awk '/default/ { print \$3 }')
		ip -n $n -s link show eth0
		echo '--- host veth $v'; ip -d link show $v; ip -s link show $v
		echo '--- router'; ip -n .fabricctl-$F -br addr; ip -n .fabricctl-$F -br link
		ip -n .fabricctl-$F neigh | grep -v 10.254 | head -20
		ip -n .fabricctl-$F route | head -20
		echo '--- fdb'; bridge fdb show dev $v
		echo '--- zebra.log'; tail -n 20 /run/frr/zebra.log" >&2 2>&1
	fab_on "$h" check "$F"
	echo "$FAB_OUT $FAB_ERR" >&2
}

# mh_frr_dump H: what host H's FRR knows, on stderr (for a failure's log).
mh_frr_dump() {
	local c
	for c in 'show evpn vni detail' 'show bgp l2vpn evpn summary' \
		'show bgp l2vpn evpn route type prefix' 'show bgp vrf all summary'; do
		echo "--- host $1: $c" >&2
		on_host "$1" vtysh -c "$c" 2>&1 | head -40 >&2
	done
	echo "--- host $1: zebra.log, bgpd.log (tails)" >&2
	on_host "$1" sh -c 'tail -n 15 /run/frr/zebra.log /run/frr/bgpd.log' 2>&1 >&2
}

# BGP EVPN sessions of host H Established (from FRR's JSON), and the type-5
# routes it holds include every other site's first cell.
mh_bgp_ok() {
	local h=$1 js p want got i
	# A session comes up asynchronously (connect retry 2 s): wait up to 30 s.
	for ((i = 0; i < 60; i++)); do
		js=$(on_host "$h" vtysh -c 'show bgp l2vpn evpn summary json')
		got=$(jq '[.. | objects | select(has("state")) | select(.state == "Established")] | length' <<<"$js")
		[[ $got == $((MH_HOSTS - 1)) ]] && break
		sleep 0.5
	done
	assert_eq "$got" $((MH_HOSTS - 1)) "host $h: BGP sessions Established"
	for ((p = 1; p <= MH_HOSTS; p++)); do
		[[ $p == "$h" ]] && continue
		want=$MH_PREFIX.$((p * 16)).0
		# Routes follow the sessions by a BGP update round, once the sending
		# host's zebra has the L3VNI up (it reads every new namespace
		# first, slow on a loaded host): wait up to 60 s.
		for ((i = 0; i < 120; i++)); do
			js=$(on_host "$h" vtysh -c 'show bgp l2vpn evpn route type prefix json')
			jq -e --arg ip "$want" '[.. | objects | select(.routeType? == 5) | .ip] | index($ip)' \
				<<<"$js" >/dev/null && break
			sleep 0.5
		done
		jq -e --arg ip "$want" '[.. | objects | select(.routeType? == 5) | .ip] | index($ip)' \
			<<<"$js" >/dev/null || {
			mh_frr_dump "$h"
			mh_frr_dump "$p"
			fail "host $h: no EVPN type-5 route to $want (site $p)"
		}
		mh_route_wait "$h" "$(site_cell $p)" present ||
			fail "host $h: no kernel route to site $p's cell"
	done
}

# The underlay namespace counts VXLAN (UDP 4789) and any fabric address in
# clear (which must stay 0: fabric traffic leaves a host only encapsulated).
mh_underlay_counters() {
	ip netns exec "$UL" nft -f - <<NFT || fail "nft counters in the underlay"
table bridge ${F}ul {
	chain ulfwd {
		type filter hook forward priority 0; policy accept;
		udp dport 4789 counter
		ip saddr $MH_NET counter
		ip daddr $MH_NET counter
	}
}
NFT
}

# mh_counter N: packets of the underlay's Nth counter (1 VXLAN, 2-3 clear fabric)
mh_counter() {
	ip netns exec "$UL" nft -j list table bridge "${F}ul" |
		jq "[.nftables[] | select(.rule) | .rule.expr[] | select(.counter) | .counter.packets][$(($1 - 1))]"
}

# Stats on host H equal its host veths' counters (node rx = veth tx): the
# kernel read before and after the stats, each stat between the two (ARP
# probes of 200 nodes' stale entries keep a few packets moving at any time).
# tc egress, where rx is counted, comes before the veth's own transmit,
# which may still drop the packet (its tx dropped): a node's rx may exceed
# veth tx by at most the veth's drops. (In about 1 run in 5, one flood was
# dropped by every host veth of one simulated host: tx dropped 1 each.)
mh_stats_vs_kernel() {
	local h=$1 try
	for try in 1 2 3 4 5; do
		on_host "$h" ip -j -s link show |
			jq -r '.[] | "\(.ifindex) \(.stats64.tx.packets) \(.stats64.rx.packets) \(.stats64.tx.dropped)"' >"$TEST_TMP/ka$h"
		fab_on_ok "$h" -j stats "$F"
		on_host "$h" ip -j -s link show |
			jq -r '.[] | "\(.ifindex) \(.stats64.tx.packets) \(.stats64.rx.packets) \(.stats64.tx.dropped)"' >"$TEST_TMP/kb$h"
		jq -r '.nodes[] | "\(.ifindex) \(.rx.packets) \(.tx.packets)"' <<<"$FAB_OUT" >"$TEST_TMP/st$h"
		[[ $(wc -l <"$TEST_TMP/st$h") == "$MH_NODES" ]] &&
			awk 'FILENAME == ARGV[1] { a[$1] = $2; b[$1] = $3; next }
				FILENAME == ARGV[2] { c[$1] = $2; d[$1] = $3; e[$1] = $4; next }
				!($1 in a) || $2 < a[$1] || $2 > c[$1] + e[$1] || $3 < b[$1] || $3 > d[$1] { bad++ }
				END { exit bad > 0 }' "$TEST_TMP/ka$h" "$TEST_TMP/kb$h" "$TEST_TMP/st$h" &&
			return 0
		sleep 0.3
	done
	awk 'FILENAME == ARGV[1] { a[$1] = $2; b[$1] = $3; next }
		FILENAME == ARGV[2] { c[$1] = $2; d[$1] = $3; e[$1] = $4; next }
		!($1 in a) || $2 < a[$1] || $2 > c[$1] + e[$1] || $3 < b[$1] || $3 > d[$1] {
			print "ifindex " $1 ": stats rx " $2 " tx " $3 ", veth tx " a[$1] ".." c[$1] \
				" rx " b[$1] ".." d[$1] ", veth tx dropped " e[$1] }' "$TEST_TMP/ka$h" "$TEST_TMP/kb$h" "$TEST_TMP/st$h" |
		head -5 >&2
	fab_on "$h" stats "$F" --drops
	echo "$FAB_OUT" | head -12 >&2
	fail "host $h: stats differ from the veth counters ($(wc -l <"$TEST_TMP/st$h") nodes in stats)"
}
