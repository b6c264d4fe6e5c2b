#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The CNI reference plugins (Debian's containernetworking-plugins: bridge +
# host-local IPAM) driven per node as a container runtime drives them: make a
# named netns, then CNI_COMMAND=ADD with the network config on stdin; teardown
# is CNI_COMMAND=DEL, then `ip netns del`. Each ADD execs the bridge plugin,
# which execs host-local, which reads its lease directory.
#
# Note: the bridge plugin with "isGateway": true writes 1 to
# /proc/sys/net/ipv4/ip_forward. setup saves the old value in STATEDIR and
# teardown puts it back.
set -euo pipefail

usage() {
	cat <<USAGE
Usage: ${0##*/} setup|teardown N [PREFIX [SUBNET_BASE [STATEDIR]]]

  setup     for i in 1..N: ip netns add PREFIXi; CNI ADD loopback (lo), then bridge (PREFIX-br,
            isGateway, host-local in SUBNET_BASE.0.0/16, eth0 in the netns)
  teardown  for each existing PREFIXi: CNI DEL bridge + loopback, ip netns del; then delete the
            bridge and STATEDIR, restore net.ipv4.ip_forward
  PREFIX defaults to bc, SUBNET_BASE to 10.223, STATEDIR (host-local dataDir
  and saved sysctl) to \${TMPDIR:-/tmp}/fabricctl-bench-cni-PREFIX.
  CNI_PLUGIN_DIR (default /usr/lib/cni) says where the plugins are.

Example: ${0##*/} setup 200 bc 10.223
USAGE
}

case "${1:-}" in
-h | --help) usage; exit 0 ;;
setup | teardown) ;;
*) usage >&2; exit 2 ;;
esac
[ $# -ge 2 ] && [ $# -le 5 ] || { usage >&2; exit 2; }
cmd=$1 n=$2 prefix=${3:-bc} base=${4:-10.223}
statedir=${5:-${TMPDIR:-/tmp}/fabricctl-bench-cni-$prefix}
[[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 65000 ] ||
	{ echo "${0##*/}: bad N: $n" >&2; exit 2; }
[[ $base =~ ^[0-9]+\.[0-9]+$ ]] || { echo "${0##*/}: bad SUBNET_BASE: $base (want e.g. 10.223)" >&2; exit 2; }
plugins=${CNI_PLUGIN_DIR:-/usr/lib/cni}
for p in bridge host-local loopback; do
	[ -x "$plugins/$p" ] || {
		echo "${0##*/}: $plugins/$p not found (apt-get install containernetworking-plugins)" >&2
		exit 1
	}
done

br=$prefix-br
conf=$(
	cat <<JSON
{
  "cniVersion": "1.0.0",
  "name": "$prefix-bench",
  "type": "bridge",
  "bridge": "$br",
  "isGateway": true,
  "ipMasq": false,
  "ipam": {
    "type": "host-local",
    "subnet": "$base.0.0/16",
    "gateway": "$base.0.1",
    "routes": [ { "dst": "0.0.0.0/0" } ],
    "dataDir": "$statedir/ipam"
  }
}
JSON
)

lo_conf='{ "cniVersion": "1.0.0", "name": "cni-loopback", "type": "loopback" }'

# plugin CMD NS IFNAME PLUGIN CONF: run one plugin as a runtime does; print
# its error JSON on failure
plugin() {
	local out
	if ! out=$(CNI_COMMAND=$1 CNI_CONTAINERID="bench-$2" CNI_NETNS="/run/netns/$2" \
		CNI_IFNAME=$3 CNI_PATH="$plugins" "$plugins/$4" <<<"$5"); then
		echo "${0##*/}: CNI $1 $4 $2 $3 failed: $out" >&2
		return 1
	fi
}

# A runtime (containerd, CRI-O) runs the loopback plugin for lo, then the
# network's plugin for eth0; DEL in reverse order.
cni() {
	if [ "$1" = ADD ]; then
		plugin ADD "$2" lo loopback "$lo_conf"
		plugin ADD "$2" eth0 bridge "$conf"
	else
		plugin DEL "$2" eth0 bridge "$conf"
		plugin DEL "$2" lo loopback "$lo_conf"
	fi
}

if [ "$cmd" = setup ]; then
	mkdir -p "$statedir/ipam"
	[ -e "$statedir/ip_forward" ] || cat /proc/sys/net/ipv4/ip_forward >"$statedir/ip_forward"
	for ((i = 1; i <= n; i++)); do
		ip netns add "$prefix$i"
		cni ADD "$prefix$i"
	done
else
	rc=0
	for ((i = 1; i <= n; i++)); do
		ns=$prefix$i
		[ -e "/run/netns/$ns" ] || continue
		[ ! -d "$statedir/ipam" ] || cni DEL "$ns" || rc=1
		ip netns del "$ns" || rc=1
	done
	if [ -e "/sys/class/net/$br" ]; then
		ip link del "$br" || rc=1
	fi
	if [ -e "$statedir/ip_forward" ]; then
		cat "$statedir/ip_forward" >/proc/sys/net/ipv4/ip_forward
	fi
	rm -rf "$statedir"
	exit $rc
fi
