#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Subnets: create refuses a subnet overlapping another fabric's (inside it,
# containing it) or an address/route already on the host, with exit 1 and
# nothing created; adjacent subnets are fine.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
G=$(fab_name)
H=$(fab_name)
cleanup_fabric "$F" "$G" "$H"

fab_ok create "$F" --subnet 10.210.18.0/25
refuse() { # SUBNET
	fab create "$G" --subnet "$1"
	[[ $FAB_RC -eq 1 ]] || { _fab_show_run create "$G" --subnet "$1"; fail "create with overlapping $1: exit $FAB_RC, want 1"; }
	fab_err_line
	[[ -z $(leftovers "$G") ]] || fail "refused create left: $(leftovers "$G")"
}
refuse 10.210.18.0/25
refuse 10.210.18.64/26
refuse 10.210.18.0/24
refuse 10.210.0.0/16
# The fabric is untouched.
assert_eq "$(ip -j addr show dev "$F-c0" | jq -r '[.[0].addr_info[] | select(.family == "inet") | .local] | join(",")')" 10.210.18.1 "gateway of $F"
# Adjacent is fine.
fab_ok create "$G" --subnet 10.210.18.128/25

# An address already on the host (a dummy the test made, no packets sent).
foreign_link "${H}d"
ip addr add 10.210.19.1/24 dev "${H}d"
fab create "$H" --subnet 10.210.19.0/24
[[ $FAB_RC -eq 1 ]] || { _fab_show_run create "$H" --subnet 10.210.19.0/24; fail "create over a host address: exit $FAB_RC, want 1"; }
fab_err_line
link_exists "$H-c0" && fail "refused create made $H-c0"
assert_eq "$(ip -j addr show dev "${H}d" | jq -r '[.[0].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"] | join(",")')" 10.210.19.1/24 "address of ${H}d"
[[ -z $(leftovers "$H" | grep -v "^link ${H}d$") ]] || fail "refused create left: $(leftovers "$H")"
exit 0
