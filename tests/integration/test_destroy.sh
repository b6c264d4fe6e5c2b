#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# destroy leaves nothing: no netns, no link, no /run/fabricctl/F, no pins;
# the route to the subnet
# gone; destroy -j; a second destroy exits 0; afterwards the fabric does
# not exist for show/add-node/del-node/exec (exit 1, nothing created).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
cleanup_fabric "$F"
NET=10.210.8


fab_ok create "$F" --subnet $NET.0/24
fab_ok add-node "$F" --count 5 --prefix "${F}n"
fab_ok add-node "$F" "${F}x"
ping_ok "${F}n1" $NET.7

fab_ok -j destroy "$F"
assert_eq "$(echo "$FAB_OUT" | jq -r .fabric)" "$F" "destroy -j .fabric"
assert_eq "$(echo "$FAB_OUT" | jq -r .destroyed)" true "destroy -j .destroyed"
assert_eq "$(echo "$FAB_OUT" | jq -r .nodes)" 6 "destroy -j .nodes"

wait_no_leftovers "$F" 5 || fail "destroy left: $(leftovers "$F" | tr '\n' ' ')"
link_exists lo || fail "lo is gone"
[[ -z $(ip route show $NET.0/24) ]] || fail "route to $NET.0/24 still there"
[[ -e /run/fabricctl/$F ]] && fail "/run/fabricctl/$F still there"
[[ -e /sys/fs/bpf/fabricctl/$F ]] && fail "/sys/fs/bpf/fabricctl/$F still there"

fab_ok -j list
echo "$FAB_OUT" | jq -e --arg f "$F" 'map(select(.name == $f)) | length == 0' >/dev/null ||
	fail "list still shows $F"

# Idempotent.
fab_rc 0 destroy "$F"
fab_rc 0 -j destroy "$F"
assert_eq "$(echo "$FAB_OUT" | jq -r .destroyed)" false "second destroy -j .destroyed"

# Gone for the other commands.
fab_rc 1 show "$F"
fab_err_line
fab_rc 1 add-node "$F" "${F}y"
fab_err_line
netns_exists "${F}y" && fail "add-node to a destroyed fabric made a netns"
fab_rc 1 del-node "$F" "${F}x"
fab_rc 1 exec "$F" "${F}x" -- true
[[ -z $(leftovers "$F") ]] || fail "commands on a destroyed fabric left: $(leftovers "$F")"
exit 0
