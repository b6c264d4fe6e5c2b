#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A fabric comes back after a reboot: contrib/systemd/fabricctl@.service
# passes systemd-analyze verify; a lab is applied (then changed, so that a
# fresh allocation would give other addresses), the reboot is simulated by
# removing by hand everything of the fabric that lives in the kernel and
# in /run (its namespaces, links, record and BPF pins: what a reboot
# wipes) and keeping /var/lib; the unit's ExecStart line, run as systemd
# would for instance F, makes it again: `check` is clean, every node has
# the address it had, the rate limit is back on both ends, nodes ping.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
cleanup_fabric "$F"
NET=10.220.44
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
UNIT=$TEST_TMP/fabricctl@.service
sed "s|/usr/local/sbin/fabricctl|$FABRICCTL|" "$ROOT/contrib/systemd/fabricctl@.service" >"$UNIT"

# 1. The unit (an instance of the template, as systemd loads it).
if command -v systemd-analyze >/dev/null; then
	cp "$UNIT" "$TEST_TMP/fabricctl@$F.service"
	out=$(systemd-analyze verify --man=no "$TEST_TMP/fabricctl@$F.service" 2>&1) ||
		fail "systemd-analyze verify failed: $out"
	[[ -z $out ]] || fail "systemd-analyze verify complains: $out"
else
	log "no systemd-analyze: unit not verified"
fi
grep -q '^Type=oneshot$' "$UNIT" || fail "the unit is not a oneshot"
grep -q '^After=network-pre.target$' "$UNIT" || fail "the unit is not After=network-pre.target"

# 2. A lab: four nodes, a rate limit on two; then the second node goes, so
# the fourth keeps an address a fresh fabric would not give it.
cat >"$TEST_TMP/lab.yaml" <<EOF
fabric: $F
subnet: $NET.0/24
groups:
  - name: plain
    nodes: [${F}a, ${F}b]
  - name: slow
    nodes: [${F}c, ${F}d]
    impair: {rate: 20mbit}
EOF
fab_ok apply "$TEST_TMP/lab.yaml"
sed -i "s|\[${F}a, ${F}b\]|[${F}a]|" "$TEST_TMP/lab.yaml"
fab_ok apply "$TEST_TMP/lab.yaml"
addrs() {
	local n
	for n in ${F}a ${F}c ${F}d; do printf '%s=%s ' "$n" "$(node_inet "$n")"; done
}
before=$(addrs)
assert_eq "$before" "${F}a=$NET.2/24 ${F}c=$NET.4/24 ${F}d=$NET.5/24 " "addresses before the reboot"
[[ -f /var/lib/fabricctl/$F.yaml ]] || fail "no saved lab"

# 3. "Reboot": the kernel's objects and /run go, /var/lib stays.
while read -r kind name; do
	case $kind in
	netns) ip netns del "$name" ;;
	link) ip link del "$name" 2>/dev/null || true ;;
	state | pin) rm -rf "$name" ;;
	esac
done < <(leftovers "$F")
for ((i = 0; i < 50; i++)); do
	[[ -z $(leftovers "$F" | grep -v '^saved ') ]] && break
	sleep 0.1
done
left=$(leftovers "$F")
assert_eq "$left" "saved /var/lib/fabricctl/$F.yaml" "what is left after the simulated reboot"

# 4. What systemd runs for fabricctl@F.service.
cmd=$(sed -n 's/^ExecStart=//p' "$UNIT")
cmd=${cmd//%i/$F}
log "ExecStart: $cmd"
# shellcheck disable=SC2086 # the unit's command line, split as systemd does
out=$($cmd 2>&1) || fail "ExecStart failed: $out"
fab_ok check "$F"
assert_eq "$(addrs)" "$before" "addresses after the reboot"
for n in ${F}c ${F}d; do
	rate=$(ip netns exec "$n" tc -j qdisc show dev eth0 |
		jq -r '[.[] | select(.root == true)][0] | if .kind == "tbf" then .options.rate else .options.rate.rate end')
	assert_eq "$rate" 2500000 "rate limit of $n after the reboot"
done
ping_ok "${F}a" "$NET.5"
# And the unit again (a second boot of a running fabric) changes nothing.
# shellcheck disable=SC2086
out=$($cmd 2>&1) || fail "ExecStart again failed: $out"
assert_contains "$out" "nothing to change" "ExecStart on a running fabric"
exit 0
