#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The hand-made "seed" recipe for a bridge fabric: one `ip` command per step,
# as a user writes it from a tutorial. Used by tools/bench/run.sh as the
# baseline fabricctl replaces. Every call forks and execs a fresh `ip`, and
# every `ip -n NS` call copies the (growing) mount table.
set -euo pipefail

usage() {
	cat <<USAGE
Usage: ${0##*/} setup|teardown N PREFIX SUBNET_BASE

  setup     create bridge PREFIX-br (gateway SUBNET_BASE.0.1/16) and N nodes:
            netns PREFIX1..PREFIXN, host veth PREFIXi-h, eth0 inside,
            addresses SUBNET_BASE.0.2 upwards, default route via the gateway
  teardown  per node: ip netns del + ip link del, then delete the bridge.
            Missing objects are skipped, so it also cleans up a partial setup.

Example: ${0##*/} setup 200 bs 10.221
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
[[ $base =~ ^[0-9]+\.[0-9]+$ ]] || { echo "${0##*/}: bad SUBNET_BASE: $base (want e.g. 10.221)" >&2; exit 2; }

br=$prefix-br
gw=$base.0.1

# node i gets slot i+1 of the /16 (slot 1 is the gateway)
addr() {
	local s=$(($1 + 1))
	echo "$base.$((s / 256)).$((s % 256))"
}

if [ "$cmd" = setup ]; then
	ip link add "$br" type bridge
	ip addr add "$gw/16" dev "$br"
	ip link set "$br" up
	for ((i = 1; i <= n; i++)); do
		ns=$prefix$i
		veth=$prefix$i-h
		peer=$prefix$i-c
		ip netns add "$ns"
		ip link add "$veth" type veth peer name "$peer"
		ip link set "$peer" netns "$ns"
		ip -n "$ns" link set "$peer" name eth0
		ip link set "$veth" master "$br"
		ip link set "$veth" up
		ip -n "$ns" addr add "$(addr "$i")/16" dev eth0
		ip -n "$ns" link set eth0 up
		ip -n "$ns" link set lo up
		ip -n "$ns" route add default via "$gw"
	done
else
	for ((i = 1; i <= n; i++)); do
		ns=$prefix$i
		if [ -e "/run/netns/$ns" ]; then
			ip netns del "$ns"
		fi
		# usually already gone with the namespace; a user writes it anyway
		ip link del "$prefix$i-h" 2>/dev/null || true
	done
	if [ -e "/sys/class/net/$br" ]; then
		ip link del "$br"
	fi
fi
