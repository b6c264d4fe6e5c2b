#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The kernel is the source of truth: show reports a node whose namespace was
# removed behind fabricctl's back as "missing", list/show human output names
# fabrics and nodes, and destroy still cleans up everything.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
cleanup_fabric "$F"
NET=10.210.22

fab_ok create "$F" --subnet $NET.0/24
fab_ok add-node "$F" "${F}a" "${F}b"

fab_ok list
assert_contains "$FAB_OUT" "$F" "list"
assert_contains "$FAB_OUT" "$NET.0/24" "list"
fab_ok show "$F"
assert_contains "$FAB_OUT" "${F}a" "show"
assert_contains "$FAB_OUT" "$NET.3" "show"
assert_contains "$FAB_OUT" "$(mac_of $NET.2)" "show"
fab_ok -q add-node "$F" "${F}c"
assert_eq "$FAB_OUT" "" "stdout of add-node -q"
netns_exists "${F}c" || fail "add-node -q did not add ${F}c"

# Remove b's namespace by hand: its veth goes with it.
ip netns del "${F}b"
wait_gone "${F}b" "$F-3" || fail "${F}b's veth did not go with its netns"
fab_ok -j show "$F"
assert_eq "$(echo "$FAB_OUT" | jq -r --arg n "${F}b" '.nodes[] | select(.name == $n) | .state')" missing "state of ${F}b"
assert_eq "$(echo "$FAB_OUT" | jq -r --arg n "${F}a" '.nodes[] | select(.name == $n) | .state')" up "state of ${F}a"
ping_ok "${F}a" $NET.4

fab_ok destroy "$F"
wait_no_leftovers "$F" || fail "destroy after a missing node left: $(leftovers "$F")"
exit 0
