#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Subnet choice on a host with a large routing table: fabricctl runs in a
# namespace of the test's own (nsenter --net, so bpffs stays the host's)
# holding 2000 routes, the last of them in dump order overlapping the /16
# the fabric's name would pick. create must see it (an earlier version read
# only the first 512 prefixes and chose the colliding subnet): the default
# choice moves to another free /16, and --subnet with the overlapping /16
# is refused naming the route. Nothing is left behind.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
command -v nsenter >/dev/null || skip "nsenter is not installed (util-linux)"

F=$(fab_name)
N="${F}r"
cleanup_fabric "$F"
foreign_netns "$N"
# The fabric lives in the namespace: destroy it there before the namespace goes.
on_exit "nsenter --net=/run/netns/$N '$FABRICCTL' destroy '$F'"

in_n() { nsenter --net="/run/netns/$N" "$@"; }
fab_in() { fab_in_rc=0; FAB_OUT=$(in_n "$FABRICCTL" "$@" 2>"$TEST_TMP/err") || fab_in_rc=$?; FAB_ERR=$(cat "$TEST_TMP/err"); }

in_n ip link set lo up
in_n ip link add "${F}b" type bridge
in_n ip link set "${F}b" up

# The name's first choice, on an empty routing table.
fab_in -j create "$F"
[[ $fab_in_rc -eq 0 ]] || fail "create $F in $N: $FAB_ERR"
first=$(jq -r .subnet <<<"$FAB_OUT")
assert_match "$first" '^10\.[0-9]+\.0\.0/16$' "default subnet"
fab_in destroy "$F"
[[ $fab_in_rc -eq 0 ]] || fail "destroy $F in $N: $FAB_ERR"

# 1999 routes below 10.64/10 (no automatic subnet there), then one /24 inside
# the first choice: in the trie's ascending dump order it comes last.
second_octet=$(cut -d. -f2 <<<"$first")
{
	for ((i = 0; i < 1999; i++)); do
		echo "route add 10.1.$((i / 250)).$((i % 250 + 1))/32 dev ${F}b"
	done
	echo "route add 10.$second_octet.7.0/24 dev ${F}b"
} >"$TEST_TMP/routes"
in_n ip -batch "$TEST_TMP/routes"
assert_eq "$(in_n ip -4 route show dev "${F}b" | grep -c .)" 2000 "routes in $N"
assert_eq "$(in_n ip -j -4 route show dev "${F}b" | jq -r '.[-1].dst')" "10.$second_octet.7.0/24" "the conflicting route is the last one dumped"

fab_in -j create "$F"
[[ $fab_in_rc -eq 0 ]] || fail "create $F among 2000 routes: $FAB_ERR"
chosen=$(jq -r .subnet <<<"$FAB_OUT")
assert_ne "$chosen" "$first" "subnet chosen among 2000 routes"
cidr_overlaps "$chosen" "10.$second_octet.7.0/24" && fail "$chosen overlaps the route 10.$second_octet.7.0/24"
fab_in destroy "$F"
[[ $fab_in_rc -eq 0 ]] || fail "destroy $F: $FAB_ERR"

fab_in create "$F" --subnet "$first"
assert_eq "$fab_in_rc" 1 "create --subnet $first over a route"
assert_contains "$FAB_ERR" "overlaps route 10.$second_octet.7.0/24" "refusal names the route"
left=$(leftovers "$F" | grep -vx "netns $N" || true)
[[ -z $left ]] || fail "the refused create left: $left"
