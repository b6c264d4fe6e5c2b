#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Nodes are ordinary named namespaces: `ip netns exec NODE`, `ip -n NODE`,
# `ip netns identify`, /sys inside, and `fabricctl exec F NODE -- CMD` runs
# CMD in the node (its output, its failure); exec refuses unknown nodes and
# nodes of another fabric.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
G=$(fab_name)
cleanup_fabric "$F" "$G"
NET=10.210.21
A=${F}a

fab_ok create "$F" --subnet $NET.0/25
fab_ok create "$G" --subnet $NET.128/25
fab_ok add-node "$F" "$A" "${F}b"
fab_ok add-node "$G" "${G}a"

# iproute2 compatibility.
assert_eq "$(in_ns "$A" ip -j addr show dev eth0 | jq -r '.[0].addr_info[] | select(.family == "inet") | .local')" $NET.2 "ip netns exec: address"
assert_eq "$(in_ns "$A" ip netns identify)" "$A" "ip netns identify inside $A"
assert_eq "$(in_ns "$A" cat /sys/class/net/eth0/address)" "$(mac_of $NET.2)" "/sys inside $A"
assert_eq "$(ip -n "$A" -j route show default | jq -r '.[0].gateway')" $NET.1 "ip -n: default route"
pid=$(ip netns exec "$A" sh -c 'sleep 30 >/dev/null 2>&1 & echo $!')
assert_eq "$(ip netns pids "$A")" "$pid" "ip netns pids"
kill "$pid"
in_netns_list "$A" || fail "$A not in ip netns list"

# fabricctl exec.
fab_ok exec "$F" "$A" -- ip -j addr show dev eth0
assert_eq "$(echo "$FAB_OUT" | jq -r '.[0].addr_info[] | select(.family == "inet") | .local')" $NET.2 "exec: address"
fab_ok exec "$F" "$A" -- cat /sys/class/net/eth0/address
assert_eq "$FAB_OUT" "$(mac_of $NET.2)" "exec: /sys inside"
fab_ok exec "$F" "$A" -- ping -n -q -c1 -W2 $NET.3
fab_ok exec "$F" "$A" -- sh -c 'echo "$0 $1"' x "y z"
assert_eq "$FAB_OUT" "x y z" "exec: argument passing"
fab exec "$F" "$A" -- sh -c 'exit 3'
assert_eq "$FAB_RC" 3 "exec passes on the command's exit status"
fab exec "$F" "$A" -- /nonexistent/command
assert_ne "$FAB_RC" 0 "exec of a missing command: exit"
# -j before "--" is fabricctl's; after it, the command's.
fab_ok exec "$F" "$A" -- echo -j
assert_eq "$FAB_OUT" "-j" "arguments after -- are the command's"

fab_rc 1 exec "$F" "${F}zz" -- true
fab_err_line
fab_rc 1 exec "$F" "${G}a" -- true
fab_err_line
fab_rc 1 exec "$G" "$A" -- true
exit 0
