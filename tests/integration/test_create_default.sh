#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# create without --subnet: a 10.x.0.0/16 that overlaps no route on the
# host; two such fabrics get different subnets. No packets are sent.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F1=$(fab_name)
F2=$(fab_name)
cleanup_fabric "$F1" "$F2"
routes_before=$(ip -j route show table all | jq -r '.[] | select(.type == null or .type == "unicast" or .type == "local") | .dst' | grep -v default | sort -u)

fab_ok -j create "$F1"
s1=$(echo "$FAB_OUT" | jq -r .subnet)
assert_match "$s1" '^10\.[0-9]+\.0\.0/16$' "default subnet"
addr=$(ip -j addr show dev "$F1-c0" | jq -r '.[0].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"')
# A /16 is several cells of 512: the host has the third address on c0, the
# gateway (the first) is the router namespace's leg into cell 0.
assert_eq "$addr" "${s1%.0/16}.2/23" "host address on $F1-c0"
gwaddr=$(ip -n ".fabricctl-$F1" -j addr show dev c0 | jq -r '.[0].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"')
assert_eq "$gwaddr" "${s1%.0/16}.1/23" "gateway in the router namespace"
# It did not take a subnet a route already covered.
for r in $routes_before; do
	[[ $r =~ ^[0-9.]+(/[0-9]+)?$ ]] || continue
	if cidr_overlaps "$r" "$s1"; then fail "default subnet $s1 overlaps host route $r"; fi
done

fab_ok -j create "$F2"
s2=$(echo "$FAB_OUT" | jq -r .subnet)
assert_match "$s2" '^10\.[0-9]+\.0\.0/16$' "second default subnet"
assert_ne "$s2" "$s1" "two default subnets"
exit 0
