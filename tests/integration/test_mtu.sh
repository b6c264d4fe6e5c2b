#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# --mtu: the bridge, every host veth and every eth0 get it (read back from
# the kernel); list/show report it; a full-size packet crosses unfragmented;
# an impossible MTU is refused and creates nothing.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
G=$(fab_name)
cleanup_fabric "$F" "$G"
NET=10.210.20

fab_ok create "$F" --subnet $NET.0/24 --mtu 1400
assert_eq "$(cat /sys/class/net/"$F"-c0/mtu)" 1400 "mtu of $F-c0"
fab_ok add-node "$F" "${F}a" "${F}b"
for s in 2 3; do assert_eq "$(cat /sys/class/net/"$F"-$s/mtu)" 1400 "mtu of $F-$s"; done
for n in "${F}a" "${F}b"; do
	assert_eq "$(ip -n "$n" -j link show dev eth0 | jq -r '.[0].mtu')" 1400 "mtu of eth0 in $n"
done
assert_eq "$(cat /sys/class/net/"$F"-c0/mtu)" 1400 "mtu of $F-c0 with ports"
fab_ok -j show "$F"
assert_eq "$(echo "$FAB_OUT" | jq -r .mtu)" 1400 "show -j .mtu"
# 1400 - 20 (IP) - 8 (ICMP) = 1372 bytes of payload, DF set.
in_ns "${F}a" ping -n -q -c1 -W2 -M "do" -s 1372 $NET.3 >/dev/null || fail "a 1400-byte packet does not cross"
in_ns "${F}a" ping -n -q -c1 -W2 -M "do" -s 1373 $NET.3 >/dev/null 2>&1 && fail "a 1401-byte packet left eth0"

# Impossible MTUs.
for m in 0 67 70000; do
	fab create "$G" --subnet 10.210.120.0/24 --mtu $m
	[[ $FAB_RC -ne 0 ]] || fail "create --mtu $m succeeded"
	[[ -z $(leftovers "$G") ]] || fail "create --mtu $m left: $(leftovers "$G")"
done
exit 0
