#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# apply FILE: a file makes the fabric it describes (nodes in the kernel,
# addresses, rate limits read back with tc -j, the saved lab 0600 in a
# 0700 directory); applying it again is an empty plan and changes nothing
# (ip -j link, tc -j qdisc on both ends, ip netns list compared); export
# then apply is an empty plan; a one-line change is a one-step plan that
# leaves the kept nodes' links alone (same ifindex); impairments are set,
# changed and cleared; a subnet or address change is refused, located,
# with nothing changed; a failing step is named; destroy removes the
# saved lab.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
cleanup_fabric "$F"
NET=10.220.42
LAB=$TEST_TMP/lab.yaml
SAVED=/var/lib/fabricctl/$F.yaml

# lab COUNT_A RATE_A RATE_B [EXTRA]: the file, with the group b impairment line optional.
lab() {
	cat >"$LAB" <<EOF
fabric: $F
subnet: $NET.0/24
mtu: 1500
groups:
  - name: a
    nodes: {count: $1, name: "${F}a%d"}
    impair: ${2}
  - name: b
    nodes: [${F}b1, {name: ${F}b2, ip: $NET.100}]
    impair: ${3}
${4:-}
EOF
}

# The kernel's view of the fabric: links (name, ifindex, state, master), the
# root qdiscs of the host veths and of every node's eth0, the namespaces.
snapshot() {
	local n
	ip -j link show | jq -c --arg f "$F-" \
		'[.[] | select(.ifname | startswith($f)) | {ifname, ifindex, operstate, master}] | sort_by(.ifname)'
	for n in $(ip -j link show | jq -r --arg f "$F-" '.[] | select(.ifname | startswith($f)) | .ifname' | sort); do
		tc -j qdisc show dev "$n" | jq -c --arg n "$n" '[$n, [.[] | select(.root == true) | {kind, handle, options}]]'
	done
	for n in $(ip netns list | awk '{print $1}' | grep "^$F" | sort); do
		printf '%s ' "$n"
		ip netns exec "$n" tc -j qdisc show dev eth0 | jq -c '[.[] | select(.root == true) | {kind, handle, options}]'
		ip netns exec "$n" ip -j -4 addr show dev eth0 | jq -c '[.[0].addr_info[].local]'
	done
}
# rate_of NODE: the root qdisc of NODE's eth0 as "kind rate-in-bytes/s" ("noqueue -" if none).
rate_of() {
	ip netns exec "$1" tc -j qdisc show dev eth0 |
		jq -r '[.[] | select(.root == true)][0] | "\(.kind) \(if .kind == "tbf" then .options.rate elif .kind == "netem" then .options.rate.rate else "-" end)"'
}
# same WHAT BEFORE: the snapshot equals BEFORE (taken again once: other tests'
# churn can interrupt a dump).
same() {
	local now
	now=$(snapshot 2>/dev/null)
	[[ $now == "$2" ]] || { sleep 1; now=$(snapshot 2>/dev/null); }
	assert_eq "$now" "$2" "$1"
}
ifindexes() { ip -j link show 2>/dev/null | jq -c --arg f "$F-" '[.[] | select(.ifname | startswith($f)) | [.ifname, .ifindex]] | sort'; }

# 1. From nothing: 5 nodes, group a at 20mbit, group b at 50mbit.
lab 3 "{rate: 20mbit}" "{rate: 50mbit}"
fab_ok apply "$LAB" -j
assert_eq "$(jq -c '[.plan.create, (.plan.add | length), [.plan.impair[] | [.action, (.nodes | length)]], .result.added]' <<<"$FAB_OUT")" \
	'[true,5,[["set",3],["set",2]],5]' "plan and result of the first apply"
assert_eq "$(ip netns list | awk '{print $1}' | grep "^$F" | sort | tr '\n' ' ')" \
	"${F}a1 ${F}a2 ${F}a3 ${F}b1 ${F}b2 " "namespaces"
assert_eq "$(node_inet "${F}b2")" "$NET.100/24" "the pinned address of ${F}b2"
for n in "${F}a1" "${F}a3"; do
	read -r kind rate <<<"$(rate_of "$n")"
	[[ $kind == tbf || $kind == netem ]] || fail "root qdisc of eth0 in $n: $kind"
	assert_eq "$rate" 2500000 "rate of $n (bytes/s)"
done
assert_eq "$(rate_of "${F}b1" | cut -d' ' -f2)" 6250000 "rate of ${F}b1"
fab_ok show "$F" -j
assert_eq "$(jq -c '[.nodes[] | [.name, .impair]] | sort' <<<"$FAB_OUT")" \
	"[[\"${F}a1\",\"rate 20mbit\"],[\"${F}a2\",\"rate 20mbit\"],[\"${F}a3\",\"rate 20mbit\"],[\"${F}b1\",\"rate 50mbit\"],[\"${F}b2\",\"rate 50mbit\"]]" \
	"show -j: the impairment in force"
fab_ok stats "$F" -j
assert_eq "$(jq -c '[.nodes[] | [.name, .impair]] | sort' <<<"$FAB_OUT")" \
	"[[\"${F}a1\",\"rate 20mbit\"],[\"${F}a2\",\"rate 20mbit\"],[\"${F}a3\",\"rate 20mbit\"],[\"${F}b1\",\"rate 50mbit\"],[\"${F}b2\",\"rate 50mbit\"]]" \
	"stats -j: the impairment in force"
assert_eq "$(stat -c '%a %U' "$SAVED")" "600 root" "saved lab mode"
assert_eq "$(stat -c '%a %U %F' /var/lib/fabricctl)" "700 root directory" "saved lab directory"
fab_ok check "$F"

# 2. The same file again: an empty plan, nothing changed in the kernel.
before=$(snapshot 2>/dev/null)
fab_ok apply "$LAB" -j
assert_eq "$(jq -c '[.plan.empty, .result.added, .result.impaired]' <<<"$FAB_OUT")" '[true,0,0]' "second apply"
same "kernel after a second apply" "$before"

# 3. export, then apply of the export: an empty plan.
fab_ok export "$F"
printf '%s\n' "$FAB_OUT" >"$TEST_TMP/export.yaml"
fab_ok apply "$TEST_TMP/export.yaml" -j
assert_eq "$(jq -r '.plan.empty' <<<"$FAB_OUT")" true "apply of the export"
same "kernel after applying the export" "$before"

# 4. One line changes (count 3 -> 4): one node added, the others untouched.
idx_before=$(ifindexes)
lab 4 "{rate: 20mbit}" "{rate: 50mbit}"
fab_ok apply "$LAB" -j
assert_eq "$(jq -c '[.plan.add, .plan.delete, [.plan.impair[] | [.action, .nodes]]]' <<<"$FAB_OUT")" \
	"[[\"${F}a4\"],[],[[\"set\",[\"${F}a4\"]]]]" "plan of count 3 -> 4"
idx_after=$(ifindexes)
assert_eq "$(jq -c --argjson b "$idx_before" '[.[] | select(. as $x | $b | index([$x]) | not)] | map(.[0])' <<<"$idx_after" | jq -r 'length')" 1 \
	"links new or changed after adding one node (only the new veth)"
assert_eq "$(jq -c --argjson a "$idx_after" '[.[] | select(. as $x | $a | index([$x]) | not)]' <<<"$idx_before")" "[]" \
	"links of kept nodes keep their ifindex"

# 5. Impairments change and clear: only the nodes concerned.
lab 4 "{rate: 20mbit}" "{rate: 5mbit}"
fab_ok apply "$LAB" -j
assert_eq "$(jq -c '[.plan.impair[] | [.action, .impair, (.nodes | length)]]' <<<"$FAB_OUT")" \
	'[["change","rate 5mbit",2]]' "plan of a rate change"
assert_eq "$(rate_of "${F}b2" | cut -d' ' -f2) $(rate_of "${F}a2" | cut -d' ' -f2)" "625000 2500000" \
	"rates after the change"
lab 4 "{}" "{rate: 5mbit}"
fab_ok apply "$LAB" -j
assert_eq "$(jq -c '[.plan.impair[] | [.action, (.nodes | length)]]' <<<"$FAB_OUT")" '[["clear",4]]' "plan of a clear"
assert_eq "$(rate_of "${F}a1")" "noqueue -" "eth0 of ${F}a1 after the clear"
fab_ok stats "$F" -j "${F}a1" "${F}b1"
assert_eq "$(jq -c '[.nodes[] | [.name, .impair]] | sort' <<<"$FAB_OUT")" \
	"[[\"${F}a1\",null],[\"${F}b1\",\"rate 5mbit\"]]" "stats -j after the clear"

# 6. Refusals: the subnet, a kept node's address. Located, nothing changed.
before=$(snapshot 2>/dev/null)
sed -i "s|^subnet: .*|subnet: $NET.0/23|" "$LAB"
fab_rc 1 apply "$LAB"
assert_contains "$FAB_OUT" "refused: $LAB:2:9: subnet: the fabric has $NET.0/24, the file says $NET.0/23" \
	"subnet change refused"
lab 4 "{}" "{rate: 5mbit}"
sed -i "s|ip: $NET.100|ip: $NET.101|" "$LAB"
fab_rc 1 apply "$LAB"
assert_contains "$FAB_OUT" "node \"${F}b2\" has ip $NET.100, the file says $NET.101" "address change refused"
same "kernel after the refused plans" "$before"

# 7. A node leaves the file: deleted; a failing step is named and the ones before it stay done.
lab 4 "{}" "{rate: 5mbit}" "  - name: c
    nodes: [{name: ${F}c1, ip: $NET.1}]"
sed -i "s|\[${F}b1, |[|" "$LAB"
fab_rc 2 apply "$LAB" # the gateway's address: a usage error, found by the add step
fab_err_line
assert_match "$FAB_ERR" "step 2 of 2 \\(add 1 nodes with their own address\\) failed" "the failing step named"
[[ ! -e /run/netns/${F}b1 ]] || fail "${F}b1 not deleted by step 1"
[[ ! -e /run/netns/${F}c1 ]] || fail "${F}c1 left after its failed add"
lab 4 "{}" "{rate: 5mbit}"
sed -i "s|\[${F}b1, |[|" "$LAB"
fab_ok apply "$LAB" -j
assert_eq "$(jq -r '.plan.empty' <<<"$FAB_OUT")" true "plan after the failed step"
fab_ok check "$F"

# 8. destroy removes the saved lab.
fab_ok destroy "$F"
[[ ! -e $SAVED ]] || fail "destroy left $SAVED"
exit 0
