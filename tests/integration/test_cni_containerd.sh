#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# containerd 1.6 (`ctr run --cni`) with a private containerd and a local
# busybox rootfs. ctr reads only the first file of /etc/cni/net.d and
# plugins from /opt/cni/bin: the test places its conflist and the plugin
# there and removes them at exit. Two containers ping each other, stats
# equal the kernel's veth counters; `ctr run --rm` sends DEL (no link, no
# lease after it); `ctr run -d` never does: once its task is gone,
# check --repair frees the lease (the namespace, /proc/PID/ns/net, went
# with the task).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
. "$(dirname "$0")/../cni_lib.sh"
command -v containerd >/dev/null && command -v ctr >/dev/null || skip "containerd is not installed"
dpkg -s busybox-static >/dev/null 2>&1 || skip "busybox-static is not installed"

F=$(fab_name)
cleanup_fabric "$F"
NET=${F}net
CONFLIST=/etc/cni/net.d/00-$F.conflist
D=$(mktemp -d /tmp/fct.XXXXXX)
mkdir -p "$D/rootfs/bin"
cp /bin/busybox "$D/rootfs/bin/"
for c in sh sleep ping ip cat; do ln -s busybox "$D/rootfs/bin/$c"; done
cat >"$D/config.toml" <<CONF
version = 2
root = "$D/root"
state = "$D/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$D/c.sock"
[ttrpc]
  address = "$D/c.sock.ttrpc"
[debug]
  address = "$D/d.sock"
CONF

# Foreign files the test places (and removes): only what it made.
made_opt=
[[ -d /opt/cni/bin ]] || made_opt=1
mkdir -p /opt/cni/bin /etc/cni/net.d
[[ ! -e /opt/cni/bin/fabricctl-cni ]] || skip "/opt/cni/bin/fabricctl-cni exists (installed?): not ours to replace"
cp "$CNI_PLUGIN" /opt/cni/bin/fabricctl-cni
jq -n --arg n "$NET" --arg f "$F" \
	'{cniVersion: "1.0.0", name: $n, plugins: [{type: "fabricctl-cni", fabric: $f, subnet: "10.210.156.0/24", tune: true}]}' >"$CONFLIST"
first=$(find /etc/cni/net.d -maxdepth 1 -name '*.conf*' | sort | head -1)
[[ $first == "$CONFLIST" ]] || skip "$first sorts before our conflist: ctr would not use ours"

containerd --config "$D/config.toml" >"$D/log" 2>&1 &
CPID=$!
C=(ctr --address "$D/c.sock" -n "$F")
ctr_cleanup() {
	local id
	for id in "${F}a" "${F}b" "${F}c"; do
		"${C[@]}" task kill -s KILL "$id" >/dev/null 2>&1
	done
	sleep 0.3
	for id in "${F}a" "${F}b" "${F}c"; do
		"${C[@]}" task rm -f "$id" >/dev/null 2>&1
		"${C[@]}" container rm "$id" >/dev/null 2>&1
	done
	kill "$CPID" 2>/dev/null
	wait "$CPID" 2>/dev/null
	rm -f "$CONFLIST" /opt/cni/bin/fabricctl-cni
	if [[ -n $made_opt ]]; then rmdir /opt/cni/bin /opt/cni 2>/dev/null; fi
	rm -rf "/run/containerd/runc/$F"
	rmdir /run/containerd/runc /run/containerd/fifo /run/containerd/s /run/containerd 2>/dev/null
	for d in /sys/fs/cgroup/*/"$F"; do
		[[ -d $d ]] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
	done
	umount -R "$D" 2>/dev/null
	rm -rf "$D"
	true
}
on_exit ctr_cleanup
for _ in $(seq 50); do
	[[ -S $D/c.sock ]] && break
	sleep 0.1
done
"${C[@]}" version >/dev/null || fail "the private containerd did not start: $(tail -3 "$D/log")"
fwd_before=$(cat /proc/sys/net/ipv4/ip_forward)

"${C[@]}" run -d --cni --rootfs "$D/rootfs" "${F}a" /bin/sleep 300 >/dev/null
"${C[@]}" run -d --cni --rootfs "$D/rootfs" "${F}b" /bin/sleep 300 >/dev/null
fab_ok -j show "$F"
node() { jq -r --arg n "$1" --arg k "$2" '.nodes[] | select(.name == $n) | .[$k]' <<<"$FAB_OUT"; }
# ctr's container id is "<namespace>-<id>": the node's name.
addr_a=$(node "$F-${F}a-eth0" address)
addr_b=$(node "$F-${F}b-eth0" address)
veth_a=$(node "$F-${F}a-eth0" host_veth)
veth_b=$(node "$F-${F}b-eth0" host_veth)
[[ -n $addr_a && -n $addr_b ]] || fail "show lists no attachment named from ctr's ids: $FAB_OUT"
grep -q "cni.netns /proc/[0-9]*/ns/net" "/run/fabricctl/$F/state" || fail "the namespace path is not ctr's /proc/PID/ns/net"
assert_contains "$("${C[@]}" task exec --exec-id ip1 "${F}a" /bin/ip -4 -o addr show dev eth0)" "inet $addr_a/" "address inside container a"
assert_eq "$(master_of "$veth_a")" "$F-c0" "a's host end on the bridge"

"${C[@]}" task exec --exec-id p1 "${F}a" /bin/ping -c 3 -W 2 "$addr_b" >/dev/null ||
	"${C[@]}" task exec --exec-id p2 "${F}a" /bin/ping -c 3 -W 2 "$addr_b" >/dev/null || fail "a cannot ping b"
"${C[@]}" task exec --exec-id p3 "${F}b" /bin/ping -c 2 -W 2 "$addr_a" >/dev/null || fail "b cannot ping a"
log "two ctr containers ping each other over the fabric"

for try in 1 2 3; do
	fab_ok -j stats "$F"
	ok=1
	for v in "$veth_a" "$veth_b"; do
		n=$(jq -c --argjson i "$(cat "/sys/class/net/$v/ifindex")" '.nodes[] | select(.ifindex == $i)' <<<"$FAB_OUT")
		k="$(cat "/sys/class/net/$v/statistics/rx_bytes") $(cat "/sys/class/net/$v/statistics/rx_packets") $(cat "/sys/class/net/$v/statistics/tx_bytes") $(cat "/sys/class/net/$v/statistics/tx_packets")"
		s=$(jq -r '"\(.tx.bytes) \(.tx.packets) \(.rx.bytes) \(.rx.packets)"' <<<"$n")
		[[ $k == "$s" ]] || ok=0
	done
	[[ $ok == 1 ]] && break
	sleep 0.5
done
[[ $ok == 1 ]] || fail "stats ($s) differ from the kernel's veth counters ($k)"
log "fabricctl stats equal the kernel's veth counters"

# ctr run --rm: ADD then DEL; nothing left.
out=$("${C[@]}" run --rm --cni --rootfs "$D/rootfs" "${F}c" /bin/ip -4 -o addr show dev eth0)
assert_contains "$out" "inet 10.210.156." "the --rm container had its address"
fab_ok -j show "$F"
assert_eq "$(jq '.nodes | length' <<<"$FAB_OUT")" 2 "ctr run --rm left a lease"

# ctr run -d: no DEL ever. The tasks go; so do their namespaces and veths; the leases stay
# until check --repair (or GC) frees them.
for id in "${F}a" "${F}b"; do
	"${C[@]}" task kill -s KILL "$id" >/dev/null
done
for id in "${F}a" "${F}b"; do
	for _ in $(seq 50); do
		"${C[@]}" task ls | grep -q "$id.*RUNNING" || break
		sleep 0.1
	done
	"${C[@]}" task rm -f "$id" >/dev/null 2>&1 || true
	"${C[@]}" container rm "$id" >/dev/null
done
wait_gone -t 30 "$veth_a" "$veth_b" || fail "the veths outlived the tasks"
fab_rc 1 check "$F"
assert_contains "$FAB_OUT" gone_sandbox "check sees the tasks' namespaces gone"
fab_ok check --repair "$F"
fab_ok -j show "$F"
assert_eq "$(jq '.nodes | length' <<<"$FAB_OUT")" 0 "repair freed the leases ctr never gave back"
fab_ok check "$F"
assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$fwd_before" "host ip_forward untouched"
log "ok"
