#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A link that is not fabricctl's, named like a fabric's bridge "<F>-c0":
# create fails with one error line naming it, and changes nothing about it
# (ifalias, flags, addresses, MTU, MAC); no record is left; destroy of that
# fabric name does not delete it.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

H=$(fab_name)
cleanup_fabric "$H"
view() { link_json "$1" | jq -c '{ifindex, address, mtu, flags, master, ifalias, group, kind: .linkinfo.info_kind}'; }

foreign_link "$H-c0"
before=$(view "$H-c0")
fab_rc 1 create "$H" --subnet 10.210.23.0/24
fab_err_line
assert_contains "$FAB_ERR" "$H-c0" "error for a foreign bridge name"
[[ -e /run/fabricctl/$H ]] && fail "failed create left /run/fabricctl/$H"
[[ -e /sys/fs/bpf/fabricctl/$H ]] && fail "failed create left pins /sys/fs/bpf/fabricctl/$H"
assert_eq "$(ip -j addr show dev "$H-c0" | jq -r '[.[0].addr_info[] | select(.family == "inet")] | length')" 0 "addresses on foreign $H-c0"
assert_eq "$(view "$H-c0")" "$before" "foreign $H-c0 after the failed create"
fab destroy "$H"
link_exists "$H-c0" || fail "destroy $H deleted the foreign link $H-c0"
assert_eq "$(view "$H-c0")" "$before" "foreign $H-c0 after destroy"
exit 0
