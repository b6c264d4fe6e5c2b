#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# podman 4.3 with its CNI backend, pointed at a private containers.conf
# (the host's configuration is not touched) and a conflist that uses
# fabricctl-cni: two containers from a local busybox rootfs ping each
# other, `fabricctl stats` equals the kernel's veth counters, and
# `podman rm` leaves no link and no lease.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
. "$(dirname "$0")/../cni_lib.sh"
command -v podman >/dev/null || skip "podman is not installed (tools/install-deps.sh)"
[[ -x /bin/busybox ]] && file -L /bin/busybox 2>/dev/null | grep -q static ||
	dpkg -s busybox-static >/dev/null 2>&1 || skip "busybox-static is not installed"

F=$(fab_name)
cleanup_fabric "$F"
NET=${F}net
D=$(mktemp -d /tmp/fpm.XXXXXX) # podman refuses a runroot over 50 characters
on_exit "rm -rf '$D'"
mkdir -p "$D"/{rootfs/bin,net.d,plugins,root,runroot,tmp,static,vol}
cp /bin/busybox "$D/rootfs/bin/"
for c in sh sleep ping ip cat; do ln -s busybox "$D/rootfs/bin/$c"; done
ln -s "$CNI_PLUGIN" "$D/plugins/fabricctl-cni"
cat >"$D/containers.conf" <<CONF
[containers]
default_ulimits=["nofile=1024:1024","nproc=1024:1024"]
[engine]
runtime="runc"
cgroup_manager="cgroupfs"
events_logger="file"
lock_type="file"
tmp_dir="$D/tmp"
static_dir="$D/static"
volume_path="$D/vol"
[network]
network_backend="cni"
cni_plugin_dirs=["$D/plugins","/usr/lib/cni"]
network_config_dir="$D/net.d"
default_network="$NET"
CONF
cat >"$D/storage.conf" <<CONF
[storage]
driver="vfs"
runroot="$D/runroot"
graphroot="$D/root"
CONF
jq -n --arg n "$NET" --arg f "$F" \
	'{cniVersion: "1.0.0", name: $n, plugins: [{type: "fabricctl-cni", fabric: $f, subnet: "10.210.154.0/24", tune: true}]}' \
	>"$D/net.d/10-$NET.conflist"
export CONTAINERS_CONF=$D/containers.conf CONTAINERS_STORAGE_CONF=$D/storage.conf
pm() { podman --root "$D/root" --runroot "$D/runroot" --storage-driver vfs "$@"; }
IDS=()
pm_cleanup() {
	pm rm -f -t 0 -a >/dev/null 2>&1
	local id
	for id in "${IDS[@]}"; do
		rm -f /var/lib/cni/results/"$NET"-"$id"-* 2>/dev/null
		rm -rf "/run/runc/$id"
		find /sys/fs/cgroup -depth -type d -path "*libpod_parent*$id*" -exec rmdir {} + 2>/dev/null
	done
	umount -R "$D" 2>/dev/null
	true
}
on_exit pm_cleanup
fwd_before=$(cat /proc/sys/net/ipv4/ip_forward)

assert_eq "$(pm info --format '{{.Host.NetworkBackend}}')" cni "podman's network backend"
assert_contains "$(pm network ls --format '{{.Name}} {{.Driver}}')" "$NET fabricctl-cni" "podman sees the network"
[[ ! -e /run/fabricctl/$F ]] || fail "podman's VERSION calls made the fabric"

a=$(pm run -d --name "${F}a" --network "$NET" --rootfs "$D/rootfs" sleep 300)
IDS+=("$a")
b=$(pm run -d --name "${F}b" --network "$NET" --rootfs "$D/rootfs" sleep 300)
IDS+=("$b")
fab_ok -j show "$F"
assert_eq "$(jq '.nodes | length' <<<"$FAB_OUT")" 2 "two attachments"
name_a=$(jq -r --arg p "${a:0:12}" '.nodes[] | select(.name | startswith($p)) | .name' <<<"$FAB_OUT")
assert_eq "$name_a" "${a:0:12}-eth0" "node named from the container id"
addr_a=$(jq -r --arg n "$name_a" '.nodes[] | select(.name == $n) | .address' <<<"$FAB_OUT")
addr_b=$(jq -r --arg n "${b:0:12}-eth0" '.nodes[] | select(.name == $n) | .address' <<<"$FAB_OUT")
veth_a=$(jq -r --arg n "$name_a" '.nodes[] | select(.name == $n) | .host_veth' <<<"$FAB_OUT")
veth_b=$(jq -r --arg n "${b:0:12}-eth0" '.nodes[] | select(.name == $n) | .host_veth' <<<"$FAB_OUT")
# The kernel: the container's eth0 holds the address; its peer is our host veth on the bridge.
assert_contains "$(pm exec "${F}a" ip -4 addr show dev eth0)" "inet $addr_a/" "address inside container a"
assert_eq "$(master_of "$veth_a")" "$F-c0" "a's host end on the bridge"
assert_eq "$(master_of "$veth_b")" "$F-c0" "b's host end on the bridge"

pm exec "${F}a" ping -c 3 -W 2 "$addr_b" >/dev/null || pm exec "${F}a" ping -c 3 -W 2 "$addr_b" >/dev/null ||
	fail "container a cannot ping b"
pm exec "${F}b" ping -c 2 -W 2 "$addr_a" >/dev/null || fail "container b cannot ping a"
log "two podman containers ping each other over the fabric"

# fabricctl stats vs the kernel's counters of the host veths (node tx = host rx).
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
[[ ${s%% *} -gt 0 ]] || fail "no traffic counted"
log "fabricctl stats equal the kernel's veth counters"

pm rm -f -t 0 "${F}a" "${F}b" >/dev/null
wait_gone "$veth_a" "$veth_b" || fail "podman rm left the host veths"
fab_ok -j show "$F"
assert_eq "$(jq '.nodes | length' <<<"$FAB_OUT")" 0 "podman rm left a lease"
grep -q 'cni.id' "/run/fabricctl/$F/state" && fail "the record still holds an attachment"
fab_ok check "$F"
assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$fwd_before" "host ip_forward untouched"
log "ok"
