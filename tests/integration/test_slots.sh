#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Big subnets and the naming scheme at its limits: in a /16 the host veth
# of 10.211.3.7 is "<F>-775" (slot = offset from the network address) with
# MAC 0e:fb:0a:d3:03:07; in a /13 (the largest allowed) with an 8-character
# fabric name the last node slot, 524286, gives a 15-character veth name
# (IFNAMSIZ - 1), and that node works. (The /13 is one of 10.216-10.255
# that this host does not already use.)
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
cleanup_fabric "$F"
fab_ok -j create "$F" --subnet 10.211.0.0/16
assert_eq "$(echo "$FAB_OUT" | jq -r .gateway)" 10.211.0.1 "gateway of a /16"
fab_ok add-node "$F" "${F}a" --ip 10.211.3.7
# Cells of 512 addresses: nodes see their cell's /23.
assert_eq "$(node_inet "${F}a")" 10.211.3.7/23 "address of ${F}a"
assert_eq "$(ip -n "${F}a" -j link show dev eth0 | jq -r '.[0].address')" 0e:fb:0a:d3:03:07 "MAC of ${F}a"
link_exists "$F-775" || fail "no host veth $F-775: $(leftovers "$F" | tr '\n' ' ')"
assert_eq "$(master_of "$F-775")" "$F-c1" "master of $F-775 (slot 775 is in cell 1)"
fab_ok add-node "$F" "${F}b" --ip 10.211.255.254
link_exists "$F-65534" || fail "no host veth $F-65534"
ping_ok "${F}a" 10.211.255.254
ping_ok "${F}b" 10.211.0.1

# /13 with an 8-character name: the first of 10.216/13 .. 10.248/13 that no
# route or address on this host overlaps (a shared host may use some).
routes=$(ip -j route show table all | jq -r '.[].dst' | grep -E '^[0-9.]+(/[0-9]+)?$' | sort -u)
B=
for o in 216 224 232 240 248; do
	clash=0
	for r in $routes; do
		if cidr_overlaps "$r" "10.$o.0.0/13"; then clash=1; break; fi
	done
	if [[ $clash -eq 0 ]]; then B=$o; break; fi
done
[[ -n $B ]] || skip "every candidate /13 (10.216-10.255) is in use on this host"
L=$((B + 7))
G=$(fab_name)ab
assert_eq "${#G}" 8 "length of $G"
cleanup_fabric "$G"
fab_ok create "$G" --subnet 10.$B.0.0/13
fab_ok add-node "$G" "${G}z" --ip 10.$L.255.254
V=$G-524286
assert_eq "${#V}" 15 "length of $V"
link_exists "$V" || fail "no host veth $V: $(leftovers "$G" | tr '\n' ' ')"
# The last of 1024 cells of 512: the longest bridge name, "<8 chars>-c1023".
assert_eq "$(master_of "$V")" "$G-c1023" "master of $V"
assert_eq "$(node_inet "${G}z")" 10.$L.255.254/23 "address of ${G}z"
ping_ok "${G}z" 10.$L.254.1
ping_ok "${G}z" 10.$B.0.1
fab_ok add-node "$G" "${G}y"
# Slot 2 of cell 0 is the host's address when there are several cells.
assert_eq "$(node_inet "${G}y")" 10.$B.0.3/23 "first ordinary address of a /13"
fab add-node "$G" "${G}x" --ip 10.$L.255.255
[[ $FAB_RC -ne 0 ]] || fail "--ip of the broadcast address of a /13 accepted"
netns_exists "${G}x" && fail "refused --ip made netns ${G}x"
exit 0
