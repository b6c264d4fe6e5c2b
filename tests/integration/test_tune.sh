#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# create --tune: the fabric is marked tuned (/run/fabricctl/F/tuned, 0600);
# sysctls that are enough stay as they are; a neighbour table too small for
# the nodes added is raised, its previous value recorded, and destroy puts
# it back. The machine-wide sysctls this test lowers are restored at exit
# whatever happens (other tests share them: the window is kept short).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
fab_ok create --help
[[ $FAB_OUT == *--tune* ]] || skip "create --tune is not implemented yet"

F=$(fab_name)
G=$(fab_name)
cleanup_fabric "$F" "$G"
TUNABLE=(net.core.netdev_max_backlog net.ipv4.neigh.default.gc_thresh2
	net.ipv4.neigh.default.gc_thresh3 user.max_net_namespaces)
T3=net.ipv4.neigh.default.gc_thresh3

snapshot() {
	local s
	for s in "${TUNABLE[@]}"; do echo "$s $(sysctl -n "$s")"; done
}
# Put every tunable sysctl back as it was before the test (after the
# fabrics' own restore has run: on_exit runs first, so restore twice).
snapshot >"$TEST_TMP/original"
restore_original() {
	local s v
	while read -r s v; do
		[[ $(sysctl -n "$s") == "$v" ]] || sysctl -q -w "$s=$v"
	done <"$TEST_TMP/original"
}
on_exit restore_original
on_exit "'$FABRICCTL' destroy '$G'"

other_tuned() { compgen -G "/run/fabricctl/*/tuned" | grep -v -e "/$F/" -e "/$G/" || true; }

# ------------------------------------------- enough already: nothing moves
fab_ok create "$F" --subnet 10.212.9.0/24 --tune
[[ -f /run/fabricctl/$F/tuned ]] || fail "create --tune left no /run/fabricctl/$F/tuned"
assert_eq "$(stat -c %a "/run/fabricctl/$F/tuned")" 600 "mode of the tuned record"
before=$(snapshot)
total=$(("$("$FABRICCTL" -j list | jq '[.[].nodes] | add')" + 3))
fab -j doctor --nodes "$total"
needs=$(jq -s -r '.[0].limits[] | select(.tunable and .status != "ok") | .name' <<<"$FAB_OUT")
fab_ok add-node "$F" "${F}a" "${F}b" "${F}c"
if [[ -z $needs ]]; then
	assert_eq "$(snapshot)" "$before" "sysctls after adding 3 nodes to a host with room"
	assert_eq "$(cat "/run/fabricctl/$F/tuned")" "" "record of a fabric that changed nothing"
else
	log "this host already lacks ($needs) for $total nodes: the no-change case is not asserted"
fi
fab_ok destroy "$F"
[[ ! -e /run/fabricctl/$F ]] || fail "destroy left /run/fabricctl/$F"
if [[ -z $needs ]]; then
	assert_eq "$(snapshot)" "$before" "sysctls after destroying an untouched tuned fabric"
fi

# ---------------------------- too small: raised, recorded, put back by destroy
K=40
fab_ok create "$G" --subnet 10.212.10.0/24 --tune
# K nodes need at least 2K+256 entries; a table one short of that must grow
# whether add-node judges this fabric or every fabric on the host.
low=$(($(sysctl -n $T3) < 2 * K + 255 ? $(sysctl -n $T3) : 2 * K + 255))
sysctl -q -w "$T3=$low"
fab add-node "$G" --count $K --prefix "${G}n"
now=$(sysctl -n $T3)
sysctl -q -w "$T3=$(awk -v s=$T3 '$1 == s { print $2 }' "$TEST_TMP/original")" # the window ends
[[ $FAB_RC -eq 0 ]] || fail "add-node --count $K to a tuned fabric: exit $FAB_RC: $FAB_ERR"
[[ $now -gt $low && $now -ge $((2 * K + 256)) ]] || fail "$T3 is $now after adding $K nodes (was $low)"
line=$(grep "^$T3 " "/run/fabricctl/$G/tuned") || fail "no $T3 line in the tuned record"
assert_eq "$line" "$T3 $low $now" "tuned record line"
# The record says what destroy will put back; make the host look as tuned again.
sysctl -q -w "$T3=$now"
others=$(other_tuned)
fab_ok destroy "$G"
if [[ -z $others ]]; then
	assert_eq "$(sysctl -n $T3)" "$low" "$T3 after destroy"
else
	# Another tuned fabric on this host keeps the value (and our record).
	log "other tuned fabrics ($others): destroy leaves $T3 to them"
	assert_eq "$(sysctl -n $T3)" "$now" "$T3 after destroy with another tuned fabric"
fi
[[ ! -e /run/fabricctl/$G ]] || fail "destroy left /run/fabricctl/$G"
restore_original
exit 0
