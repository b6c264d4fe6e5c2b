#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Traffic: as soon as add-node returns, node <-> node and node <-> gateway
# answer the FIRST ping (-c1 -W2, no retry: add-node waits for carrier), and
# so does the host -> node direction through the bridge. --no-wait nodes
# pass traffic a little later.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
cleanup_fabric "$F"
NET=10.210.4
A=${F}a
B=${F}b

fab_ok create "$F" --subnet $NET.0/24
fab_ok add-node "$F" "$A"
ping_once "$A" $NET.1 || fail "first ping $A -> gateway $NET.1 right after add-node failed"
fab_ok add-node "$F" "$B"
ping_once "$B" $NET.2 || fail "first ping $B -> $A ($NET.2) right after add-node failed"
ping_once "$A" $NET.3 || fail "ping $A -> $B ($NET.3) failed"
ping_once "$B" $NET.1 || fail "ping $B -> gateway failed"
ping_once host $NET.2 || fail "ping host -> $A failed"
ping_once host $NET.3 || fail "ping host -> $B failed"

# The neighbour entry the node learned for its peer is the peer's MAC.
in_ns "$A" ping -n -q -c1 -W2 $NET.3 >/dev/null
mac=$(ip -n "$A" -j neigh show $NET.3 dev eth0 | jq -r '.[0].lladdr')
assert_eq "$mac" "$(mac_of $NET.3)" "$A's neighbour entry for $B"

# --no-wait returns earlier; the node passes traffic within seconds.
fab_ok add-node "$F" "${F}c" --no-wait
for ((i = 0; i < 10; i++)); do
	ping_once "${F}c" $NET.1 && break
done
[[ $i -lt 10 ]] || fail "a --no-wait node did not reach the gateway within 20 s"

# A few packets back and forth, none lost.
in_ns "$A" ping -n -q -c5 -i0.2 -W2 $NET.3 >"$TEST_TMP/p" || { cat "$TEST_TMP/p" >&2; fail "ping -c5 $A -> $B lost packets"; }
grep -q ' 0% packet loss' "$TEST_TMP/p" || { cat "$TEST_TMP/p" >&2; fail "packet loss $A -> $B"; }
exit 0
