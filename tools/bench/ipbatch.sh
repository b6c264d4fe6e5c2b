#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The seed recipe's work done through `ip -batch`, in the fastest form that is
# still plain iproute2:
#   1. ONE `ip -batch` in the host: bridge, every `netns add`, and one
#      `link add VETH master BR up type veth peer name eth0 netns NS` per node
#      (peer created directly inside the namespace, no move, no rename);
#   2. per node, ONE `ip -batch -` running inside the namespace for what must be
#      sent from there (eth0 address + up, lo up, default route). A batch file
#      cannot switch namespace between lines, so this is one process per node.
#      IPBATCH_NS=nsenter (default) enters with `nsenter --net=` (setns only);
#      IPBATCH_NS=ipn uses `ip -n NS -batch -`, which also unshares the mount
#      namespace and remounts /sys, copying the whole mount table per call.
# Teardown is one `ip -batch` of `netns del` lines plus the bridge: the veths
# die with their namespaces, asynchronously, in the kernel's cleanup work.
set -euo pipefail

usage() {
	cat <<USAGE
Usage: ${0##*/} setup|teardown N PREFIX SUBNET_BASE

  setup     bridge PREFIX-br (gateway SUBNET_BASE.0.1/16), netns PREFIX1..PREFIXN,
            host veth PREFIXi-h, eth0 inside with SUBNET_BASE.0.2 upwards
  teardown  one ip -batch: netns del for each node that exists, then the bridge

Environment: IPBATCH_NS=nsenter|ipn  how the per-namespace batch enters (default nsenter)
Example: ${0##*/} setup 200 bb 10.222
USAGE
}

case "${1:-}" in
-h | --help) usage; exit 0 ;;
setup | teardown) ;;
*) usage >&2; exit 2 ;;
esac
[ $# -eq 4 ] || { usage >&2; exit 2; }
cmd=$1 n=$2 prefix=$3 base=$4
[[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 65000 ] ||
	{ echo "${0##*/}: bad N: $n" >&2; exit 2; }
[[ $base =~ ^[0-9]+\.[0-9]+$ ]] || { echo "${0##*/}: bad SUBNET_BASE: $base (want e.g. 10.222)" >&2; exit 2; }
mode=${IPBATCH_NS:-nsenter}
case $mode in
nsenter | ipn) ;;
*) echo "${0##*/}: IPBATCH_NS must be nsenter or ipn" >&2; exit 2 ;;
esac

br=$prefix-br
gw=$base.0.1

if [ "$cmd" = setup ]; then
	{
		echo "link add $br type bridge"
		echo "addr add $gw/16 dev $br"
		echo "link set $br up"
		for ((i = 1; i <= n; i++)); do
			echo "netns add $prefix$i"
			echo "link add $prefix$i-h master $br up type veth peer name eth0 netns $prefix$i"
		done
	} | ip -batch -
	for ((i = 1; i <= n; i++)); do
		s=$((i + 1))
		if [ "$mode" = nsenter ]; then
			run=(nsenter "--net=/run/netns/$prefix$i" ip -batch -)
		else
			run=(ip -n "$prefix$i" -batch -)
		fi
		printf '%s\n' \
			"addr add $base.$((s / 256)).$((s % 256))/16 dev eth0" \
			"link set eth0 up" \
			"link set lo up" \
			"route add default via $gw" | "${run[@]}"
	done
else
	{
		for ((i = 1; i <= n; i++)); do
			if [ -e "/run/netns/$prefix$i" ]; then
				echo "netns del $prefix$i"
			fi
		done
		if [ -e "/sys/class/net/$br" ]; then
			echo "link del $br"
		fi
	} | ip -batch -
fi
