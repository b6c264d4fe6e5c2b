#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# fabricctl-cni driven as libcni drives it (environment + stdin): every
# command in every version, results checked against the kernel, repeated
# DEL and DEL without prevResult or namespace, GC, STATUS on a full subnet,
# the error codes, 50 ADDs at once, and a runtime's namespace never deleted.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
. "$(dirname "$0")/../cni_lib.sh"

F=$(fab_name)
cleanup_fabric "$F"
NET=10.210.150.0/24
fwd_before=$(cat /proc/sys/net/ipv4/ip_forward)

# VERSION: every version, no side effect.
for v in 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0; do
	cni_ok VERSION "{\"cniVersion\":\"$v\"}"
	assert_eq "$(jq -c .supportedVersions <<<"$CNI_OUT")" '["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]' "VERSION $v"
	assert_eq "$(jq -r .cniVersion <<<"$CNI_OUT")" "$v" "VERSION answers in $v"
done
[[ ! -e /run/fabricctl/$F ]] || fail "VERSION made fabric $F"

# ADD, CHECK in every version; the result is what the kernel holds.
i=0
declare -A RES
for v in 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0; do
	i=$((i + 1))
	ns=${F}v$i
	foreign_netns "$ns"
	conf=$(cni_conf "$v" "$F" "$NET")
	cni_ok ADD "$conf" CNI_CONTAINERID="ctr$i" CNI_NETNS="/run/netns/$ns" CNI_IFNAME=eth$i
	RES[$i]=$CNI_OUT
	assert_eq "$(jq -r .cniVersion <<<"$CNI_OUT")" "$v" "ADD $v: result version"
	if [[ $v == 0.* ]]; then want_ver=4; else want_ver=null; fi
	assert_eq "$(jq -r '.ips[0].version' <<<"$CNI_OUT")" "$want_ver" "ADD $v: ips[].version"
	addr=$(jq -r '.ips[0].address' <<<"$CNI_OUT")
	gw=$(jq -r '.ips[0].gateway' <<<"$CNI_OUT")
	host_if=$(jq -r '.interfaces[0].name' <<<"$CNI_OUT")
	assert_eq "$(jq -r '.interfaces[0].sandbox // "none"' <<<"$CNI_OUT")" none "host interface has no sandbox"
	assert_eq "$(jq -r '.interfaces[1].sandbox' <<<"$CNI_OUT")" "/run/netns/$ns" "sandbox"
	assert_eq "$(jq -r '.interfaces[1].name' <<<"$CNI_OUT")" "eth$i" "container ifname"
	# The kernel: the interface in the runtime's namespace, its MAC, address, route.
	assert_eq "$(ip -n "$ns" -j addr show dev "eth$i" | jq -r '.[0].addr_info[] | select(.family=="inet") | "\(.local)/\(.prefixlen)"')" "$addr" "address of eth$i"
	assert_eq "$(ip -n "$ns" -j link show dev "eth$i" | jq -r '.[0].address')" "$(jq -r '.interfaces[1].mac' <<<"$CNI_OUT")" "MAC of eth$i"
	assert_eq "$(ip -n "$ns" -j route show default | jq -r '.[0].gateway')" "$gw" "default route"
	assert_eq "$(master_of "$host_if")" "$F-c0" "host end on the cell's bridge"
	assert_eq "$(jq -r '.interfaces[0].mac' <<<"$CNI_OUT")" "$(cat "/sys/class/net/$host_if/address")" "host MAC"
	# Counted by the fabric's program: the clsact of the host end holds it.
	tc -j filter show dev "$host_if" ingress | jq -e 'map(select(.options.bpf_name? // "" | test("fabric"))) | length > 0' >/dev/null ||
		tc -j filter show dev "$host_if" ingress | grep -q bpf || fail "no BPF program on $host_if"
	ping_ok "$ns" "$gw"
	if [[ $v == 0.3.* ]]; then
		cni_code 1 CHECK "$(with_prev "$conf" "$CNI_OUT")" CNI_CONTAINERID="ctr$i" CNI_NETNS="/run/netns/$ns" CNI_IFNAME=eth$i
	else
		cni_ok CHECK "$(with_prev "$conf" "$CNI_OUT")" CNI_CONTAINERID="ctr$i" CNI_NETNS="/run/netns/$ns" CNI_IFNAME=eth$i
	fi
done
log "ADD and CHECK in 5 versions: results match the kernel"

# The node is named from the container id and ifname; show and stats list it.
fab_ok -j show "$F"
assert_eq "$(jq -r '.nodes[] | select(.name == "ctr1-eth1") | .address' <<<"$FAB_OUT")" "$(jq -r '.ips[0].address' <<<"${RES[1]}" | cut -d/ -f1)" "show names the attachment"
fab_ok stats "$F"
assert_contains "$FAB_OUT" "ctr1-eth1" "stats lists the attachment"

# ADD again for the same (id, ifname): the same answer, nothing new.
conf=$(cni_conf 1.0.0 "$F" "$NET")
cni_ok ADD "$conf" CNI_CONTAINERID=ctr4 CNI_NETNS="/run/netns/${F}v4" CNI_IFNAME=eth4
assert_eq "$(jq -r '.ips[0].address' <<<"$CNI_OUT")" "$(jq -r '.ips[0].address' <<<"${RES[4]}")" "repeated ADD"
assert_eq "$(ip -n "${F}v4" -j addr show dev eth4 | jq '[.[0].addr_info[] | select(.family=="inet")] | length')" 1 "one address after a repeated ADD"

# The same id in a new sandbox without a DEL between (a restart): the old attachment goes.
ip netns add "${F}s1"
on_exit "ip netns del ${F}s1 2>/dev/null || true"
foreign_netns "${F}s2"
cni_ok ADD "$conf" CNI_CONTAINERID=again CNI_NETNS="/run/netns/${F}s1" CNI_IFNAME=eth0
old_host=$(jq -r '.interfaces[0].name' <<<"$CNI_OUT")
ip netns del "${F}s1"
wait_gone -t 30 "$old_host" || fail "the veth outlived its namespace"
cni_ok ADD "$conf" CNI_CONTAINERID=again CNI_NETNS="/run/netns/${F}s2" CNI_IFNAME=eth0
assert_eq "$(ip -n "${F}s2" -j addr show dev eth0 | jq -r '.[0].addr_info[] | select(.family=="inet") | "\(.local)/\(.prefixlen)"')" "$(jq -r '.ips[0].address' <<<"$CNI_OUT")" "re-ADD in a new sandbox"
assert_eq "$(grep -c 'cni.id again$' "/run/fabricctl/$F/state")" 1 "one attachment for the id"
cni_ok DEL "$conf" CNI_CONTAINERID=again CNI_IFNAME=eth0

# CHECK names the missing piece.
prev=$(with_prev "$conf" "${RES[4]}")
addr4=$(jq -r '.ips[0].address' <<<"${RES[4]}")
ip -n "${F}v4" route del default
cni_code 100 CHECK "$prev" CNI_CONTAINERID=ctr4 CNI_NETNS="/run/netns/${F}v4" CNI_IFNAME=eth4
assert_contains "$(jq -r .msg <<<"$CNI_OUT")" "default route" "CHECK names the route"
ip -n "${F}v4" addr del "$addr4" dev eth4
cni_code 100 CHECK "$prev" CNI_CONTAINERID=ctr4 CNI_NETNS="/run/netns/${F}v4" CNI_IFNAME=eth4
assert_contains "$(jq -r .msg <<<"$CNI_OUT")" "address $addr4" "CHECK names the address"
ip -n "${F}v4" link del eth4
cni_code 100 CHECK "$prev" CNI_CONTAINERID=ctr4 CNI_NETNS="/run/netns/${F}v4" CNI_IFNAME=eth4
assert_contains "$(jq -r .msg <<<"$CNI_OUT")" "interface" "CHECK names the interface"
cni_code 3 CHECK "$prev" CNI_CONTAINERID=nosuch CNI_NETNS="/run/netns/${F}v4" CNI_IFNAME=eth4
cni_code 7 CHECK "$conf" CNI_CONTAINERID=ctr4 CNI_NETNS="/run/netns/${F}v4" CNI_IFNAME=eth4

# DEL: the link and the lease go, the runtime's namespace stays; DEL again,
# DEL without prevResult or namespace, all succeed; the address is freed once.
host5=$(jq -r '.interfaces[0].name' <<<"${RES[5]}")
conf11=$(cni_conf 1.1.0 "$F" "$NET")
cni_ok DEL "$(with_prev "$conf11" "${RES[5]}")" CNI_CONTAINERID=ctr5 CNI_NETNS="/run/netns/${F}v5" CNI_IFNAME=eth5
[[ -z $CNI_OUT ]] || fail "DEL printed: $CNI_OUT"
wait_gone "$host5" || fail "DEL left $host5"
netns_exists "${F}v5" || fail "DEL deleted the runtime's namespace"
assert_eq "$(ip -n "${F}v5" -j link show | jq -r '[.[].ifname] | join(",")')" lo "DEL left only lo in the namespace"
grep -q 'cni.id ctr5$' "/run/fabricctl/$F/state" && fail "DEL left the lease on record"
cni_ok DEL "$conf11" CNI_CONTAINERID=ctr5 CNI_NETNS="/run/netns/${F}v5" CNI_IFNAME=eth5
cni_ok DEL "$conf11" CNI_CONTAINERID=ctr4 CNI_IFNAME=eth4 # no netns, no prevResult, link already gone
grep -q 'cni.id ctr4$' "/run/fabricctl/$F/state" && fail "DEL without netns left the lease"
# Freed once: a new attachment may take a freed address; a repeated DEL of the old one leaves it.
foreign_netns "${F}n1"
cni_ok ADD "$conf11" CNI_CONTAINERID=new1 CNI_NETNS="/run/netns/${F}n1" CNI_IFNAME=eth0
new1=$CNI_OUT
cni_ok DEL "$conf11" CNI_CONTAINERID=ctr5 CNI_IFNAME=eth5
cni_ok DEL "$conf11" CNI_CONTAINERID=ctr4 CNI_IFNAME=eth4
cni_ok CHECK "$(with_prev "$conf11" "$new1")" CNI_CONTAINERID=new1 CNI_NETNS="/run/netns/${F}n1" CNI_IFNAME=eth0
log "DEL: idempotent, namespace kept, lease freed once"

# DEL for a fabric that does not exist: success.
cni_ok DEL "$(cni_conf 1.1.0 "${F}z")" CNI_CONTAINERID=x CNI_IFNAME=eth0

# GC: attachments of this network not listed go; listed ones and the fabric's own nodes stay.
fab_ok add-node "$F" "${F}cli"
valid=$(jq -cn '{"cni.dev/valid-attachments": [{containerID: "ctr1", ifname: "eth1"}, {containerID: "new1", ifname: "eth0"}]}')
host2=$(jq -r '.interfaces[0].name' <<<"${RES[2]}")
host3=$(jq -r '.interfaces[0].name' <<<"${RES[3]}")
host1=$(jq -r '.interfaces[0].name' <<<"${RES[1]}")
cni_code 1 GC "$(cni_conf 1.0.0 "$F" "" "$valid")"
cni_ok GC "$(cni_conf 1.1.0 "$F" "" "$valid")"
wait_gone "$host2" "$host3" || fail "GC left unlisted attachments"
link_exists "$host1" || fail "GC removed a valid attachment"
ping_ok "${F}n1" "$(jq -r '.ips[0].gateway' <<<"$new1")"
netns_exists "${F}cli" || fail "GC removed a node that is not the runtime's"
netns_exists "${F}v2" || fail "GC deleted a runtime's namespace"
log "GC: unlisted attachments removed, valid ones and CLI nodes kept"

# del-node of an attachment: the link and the lease go, the runtime's namespace stays.
fab_ok del-node "$F" ctr1-eth1
wait_gone "$host1" || fail "del-node left $host1"
netns_exists "${F}v1" || fail "del-node deleted a runtime's namespace"
assert_eq "$(ip -n "${F}v1" -j link show | jq -r '[.[].ifname] | join(",")')" lo "del-node took eth1 only"
cni_ok DEL "$conf11" CNI_CONTAINERID=ctr1 CNI_IFNAME=eth1 # the runtime's DEL after it: fine

# Errors, typed.
cni_code 6 ADD '{"cniVersion": "1.0.0", ' CNI_CONTAINERID=e CNI_NETNS=/run/netns/${F}n1 CNI_IFNAME=eth9
cni_code 7 ADD "$(cni_conf 1.0.0 "$F" "$NET" '{"bogus": 1}')" CNI_CONTAINERID=e CNI_NETNS=/run/netns/${F}n1 CNI_IFNAME=eth9
cni_code 7 ADD "$(cni_conf 1.0.0 "$F" "$NET" '{"mtu": "1500"}')" CNI_CONTAINERID=e CNI_NETNS=/run/netns/${F}n1 CNI_IFNAME=eth9
cni_code 7 ADD "$(cni_conf 1.0.0 "$F" "10.210.999.0/24")" CNI_CONTAINERID=e CNI_NETNS=/run/netns/${F}n1 CNI_IFNAME=eth9
cni_code 7 ADD "$(cni_conf 1.0.0 "$F" "10.210.151.0/24")" CNI_CONTAINERID=e CNI_NETNS=/run/netns/${F}n1 CNI_IFNAME=eth9
cni_code 7 ADD '{"cniVersion":"1.0.0","name":"x","type":"fabricctl-cni"}' CNI_CONTAINERID=e CNI_NETNS=/run/netns/${F}n1 CNI_IFNAME=eth9
cni_code 1 ADD "$(cni_conf 0.2.0 "$F" "$NET")" CNI_CONTAINERID=e CNI_NETNS=/run/netns/${F}n1 CNI_IFNAME=eth9
cni_code 4 ADD "$conf11" CNI_NETNS=/run/netns/${F}n1 CNI_IFNAME=eth9
cni_code 4 ADD "$conf11" CNI_CONTAINERID=e CNI_NETNS="$TEST_TMP/cni_err" CNI_IFNAME=eth9
cni_code 4 ADD "$conf11" CNI_CONTAINERID='bad id' CNI_NETNS=/run/netns/${F}n1 CNI_IFNAME=eth9
cni_code 4 BOGUS "$conf11" CNI_CONTAINERID=e CNI_NETNS=/run/netns/${F}n1 CNI_IFNAME=eth9
[[ $(ip -n "${F}n1" -j link show | jq '[.[] | select(.ifname == "eth9")] | length') == 0 ]] || fail "a refused ADD left eth9"
log "error codes 1, 4, 6, 7, 3, 100"

# STATUS: fine while there is room; 50 on a full subnet (and ADD refused with 50).
F2=$(fab_name)
cleanup_fabric "$F2"
full=$(cni_conf 1.1.0 "$F2" 10.210.152.0/30)
cni_ok STATUS "$full"
cni_code 1 STATUS "$(cni_conf 1.0.0 "$F2" 10.210.152.0/30)"
foreign_netns "${F2}a"
foreign_netns "${F2}b"
cni_ok ADD "$full" CNI_CONTAINERID=s1 CNI_NETNS="/run/netns/${F2}a" CNI_IFNAME=eth0
cni_code 50 STATUS "$full"
cni_code 50 ADD "$full" CNI_CONTAINERID=s2 CNI_NETNS="/run/netns/${F2}b" CNI_IFNAME=eth0
assert_eq "$(ip -n "${F2}b" -j link show | jq -r '[.[].ifname] | join(",")')" lo "a refused ADD left nothing"
cni_ok DEL "$full" CNI_CONTAINERID=s1 CNI_IFNAME=eth0
cni_ok STATUS "$full"
log "STATUS: 50 on a full subnet"

# 50 ADDs at once into a fabric the first of them makes.
F3=$(fab_name)
cleanup_fabric "$F3"
par=$(cni_conf 1.0.0 "$F3" 10.210.153.0/24)
for k in $(seq 1 49); do foreign_netns "${F3}p$k"; done
ip netns add "${F3}p50" # deleted by the test itself (a runtime that never sends DEL)
on_exit "ip netns del ${F3}p50 2>/dev/null || true"
pids=()
for k in $(seq 1 50); do
	env CNI_COMMAND=ADD CNI_PATH=/usr/lib/cni CNI_CONTAINERID="par$k" CNI_NETNS="/run/netns/${F3}p$k" \
		CNI_IFNAME=eth0 "$CNI_PLUGIN" <<<"$par" >"$TEST_TMP/par$k" 2>&1 &
	pids+=($!)
done
bad=0
for p in "${pids[@]}"; do wait "$p" || bad=$((bad + 1)); done
assert_eq "$bad" 0 "parallel ADDs that failed"
addrs=$(for k in $(seq 1 50); do ip -n "${F3}p$k" -j addr show dev eth0 | jq -r '.[0].addr_info[] | select(.family=="inet") | .local'; done | sort)
assert_eq "$(wc -l <<<"$addrs")" 50 "addresses in the 50 namespaces"
assert_eq "$(sort -u <<<"$addrs" | wc -l)" 50 "distinct addresses"
assert_eq "$(for k in $(seq 1 50); do jq -r '.ips[0].address' "$TEST_TMP/par$k" | cut -d/ -f1; done | sort)" "$addrs" "results vs kernel"
log "50 parallel ADDs: 50 distinct addresses"

# check --repair: a namespace gone without DEL is a lease to free, nothing else.
ip netns del "${F3}p50"
wait_gone -t 30 "$(jq -r '.interfaces[0].name' "$TEST_TMP/par50")" || fail "the veth outlived its namespace"
fab_rc 1 check "$F3"
assert_contains "$FAB_OUT" gone_sandbox "check sees the runtime's namespace gone"
fab_ok check --repair "$F3"
fab_ok check "$F3"
fab_ok -j show "$F3"
assert_eq "$(jq '.nodes | length' <<<"$FAB_OUT")" 49 "repair freed the lease"

# destroy: links and leases go; the runtime's namespaces stay, with only lo.
fab_ok destroy "$F3"
for k in 1 25 49; do
	netns_exists "${F3}p$k" || fail "destroy deleted a runtime's namespace"
done
wait_gone "$F3-c0" || fail "destroy left the bridge"
assert_eq "$(ip -n "${F3}p1" -j link show | jq -r '[.[].ifname] | join(",")')" lo "destroy took the attachment's link"

assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$fwd_before" "host ip_forward untouched"
log "ok"
