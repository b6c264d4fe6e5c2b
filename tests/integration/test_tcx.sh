#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# create --attach tcx: the counting program on each host veth through two
# pinned tcx BPF links, no clsact qdisc. Checked from the kernel (bpftool
# link/prog, tc, the veth's own counters): the links and their programs,
# counting, the record's "attach tcx"; check finds a missing link pin and
# --repair pins it again; a link of a veth removed by hand is found stale
# and unpinned; with every other pin gone, --repair finds the counters map
# through the links and keeps the counts; del-node and destroy release the
# links; usage errors. Skipped on kernels without tcx (before 6.6).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
command -v bpftool >/dev/null || fail "bpftool is not installed"
command -v python3 >/dev/null || skip "python3 is not installed (reads the tcx links' fdinfo)"

F=$(fab_name)
cleanup_fabric "$F"
NET=10.210.142
A=${F}a B=${F}b C=${F}c
PINS=/sys/fs/bpf/fabricctl/$F

fab_rc 2 create "$F" --attach xdp
fab_err_line
FABRICCTL_ATTACH=bogus fab_rc 1 create "$F" --subnet $NET.0/24
fab_err_line
[[ -e /run/fabricctl/$F ]] && fail "a refused create left a record"

fab create "$F" --subnet $NET.0/24 --attach tcx
if [[ $FAB_RC -ne 0 ]]; then
	[[ $FAB_ERR == *"no tcx"* ]] && skip "this kernel has no tcx: $FAB_ERR"
	fail "create --attach tcx failed: $FAB_ERR"
fi
grep -qx "set attach tcx" /run/fabricctl/"$F"/state || fail "the record does not say attach tcx"
fab_ok add-node "$F" "$A" "$B" "$C"
idx() { cat /sys/class/net/"$1"/ifindex; }
veth_of() { ip -j link show | jq -r --arg a "fabricctl:$F:$1" '.[] | select(.ifalias == $a) | .ifname'; }
VA=$(veth_of "$A") VB=$(veth_of "$B") VC=$(veth_of "$C")
IA=$(idx "$VA") IB=$(idx "$VB") IC=$(idx "$VC")
PIN_IN=$(bpftool -j prog show pinned "$PINS/prog_ingress" | jq .id)
PIN_EG=$(bpftool -j prog show pinned "$PINS/prog_egress" | jq .id)

# link_prog PIN: "<prog id>" of the tcx link pinned at PIN (bpftool 7.1 shows tcx as type 11).
link_prog() { bpftool -j link show pinned "$1" | jq -r '"\(.type) \(.prog_id)"'; }
for i in "$IA" "$IB" "$IC"; do
	assert_eq "$(link_prog "$PINS/tcx/${i}_ingress")" "11 $PIN_IN" "ingress link of ifindex $i"
	assert_eq "$(link_prog "$PINS/tcx/${i}_egress")" "11 $PIN_EG" "egress link of ifindex $i"
	assert_eq "$(tcx_link_ifindex "$PINS/tcx/${i}_ingress")" "$i" "device of the ingress link"
	assert_eq "$(tcx_link_ifindex "$PINS/tcx/${i}_egress")" "$i" "device of the egress link"
done
for v in "$VA" "$VB" "$VC"; do
	[[ -z $(tc -j qdisc show dev "$v" | jq -r '.[] | select(.kind == "clsact") | .kind') ]] ||
		fail "$v has a clsact qdisc in a tcx fabric"
done

# counted: stats equals the kernel's own counters of the host veths (read
# before and after, again while a late ARP probe changes them meanwhile).
counted_like_kernel() {
	local node veth stats want got try
	for node in "$@"; do
		veth=$(veth_of "$node")
		for ((try = 0; try < 10; try++)); do
			want=$(cat /sys/class/net/"$veth"/statistics/{tx,rx}_packets | paste -sd/)
			stats=$("$FABRICCTL" stats "$F" "$node" -j) || fail "stats failed"
			got=$(jq -r '.nodes[0] | "\(.rx.packets)/\(.tx.packets)"' <<<"$stats")
			[[ $want == "$(cat /sys/class/net/"$veth"/statistics/{tx,rx}_packets | paste -sd/)" ]] &&
				break
			sleep 0.2
		done
		assert_eq "$got" "$want" "$node rx/tx vs $veth tx/rx"
	done
}
in_ns "$A" ping -n -q -c 5 -i 0.05 -W 2 $NET.3 >/dev/null || fail "ping $A -> $B failed"
counted_like_kernel "$A" "$B"
a_tx=$("$FABRICCTL" stats "$F" "$A" -j | jq '.nodes[0].tx.packets')
((a_tx >= 5)) || fail "$A transmitted $a_tx packets, want >= 5"
fab_ok check "$F"

# A link pin removed: the link is gone with it; check finds it, --repair pins it again.
rm "$PINS/tcx/${IA}_egress"
fab_rc 1 check "$F"
assert_match "$FAB_OUT" "missing_attachment +$A " "check after a link pin is removed"
fab_ok check "$F" --repair
assert_eq "$(link_prog "$PINS/tcx/${IA}_egress")" "11 $PIN_EG" "egress link of $A after repair"
assert_eq "$(tcx_link_ifindex "$PINS/tcx/${IA}_egress")" "$IA" "device of $A's repaired link"
fab_ok check "$F"
in_ns "$B" ping -n -q -c 3 -i 0.05 -W 2 $NET.2 >/dev/null || fail "ping $B -> $A failed"
counted_like_kernel "$A" "$B"

# A node's host veth deleted by hand: its links are detached (ifindex 0), stale.
ip link del "$VC"
for ((i = 0; i < 50; i++)); do [[ -e /sys/class/net/$VC ]] || break; sleep 0.1; done
assert_eq "$(tcx_link_ifindex "$PINS/tcx/${IC}_ingress")" 0 "the link of a deleted veth"
fab_rc 1 check "$F"
fab_ok check "$F" --repair
fab_ok check "$F"
[[ -e $PINS/tcx/${IC}_ingress || -e $PINS/tcx/${IC}_egress ]] &&
	fail "the detached links of $VC are still pinned after check --repair"

# Every other pin gone: the map is found through the links, counts kept.
before=$("$FABRICCTL" stats "$F" "$A" -j | jq '.nodes[0].rx.packets')
rm "$PINS/counters" "$PINS/prog_ingress" "$PINS/prog_egress"
fab_rc 1 check "$F"
fab_ok check "$F" --repair
fab_ok check "$F"
after=$("$FABRICCTL" stats "$F" "$A" -j | jq '.nodes[0].rx.packets')
((after >= before && before > 0)) || fail "counters of $A lost by the repair: $before -> $after"
in_ns "$A" ping -n -q -c 3 -i 0.05 -W 2 $NET.3 >/dev/null || fail "ping $A -> $B after repair"
counted_like_kernel "$A" "$B"

# del-node unpins its links; destroy releases the rest: no tcx link of ours is left.
IB=$(idx "$(veth_of "$B")")
fab_ok del-node "$F" "$B"
[[ -e $PINS/tcx/${IB}_ingress ]] && fail "del-node left $B's tcx link pinned"
progs=$(bpftool -j link show | jq -r '.[] | select(.type == 11) | .prog_id')
IDS=$(ls "$PINS"/tcx | wc -l)
((IDS >= 2)) || fail "the tcx pins of $A are missing"
my_links=$(for f in "$PINS"/tcx/*; do bpftool -j link show pinned "$f" | jq .id; done | sort -n)
fab_ok destroy "$F"
[[ -e $PINS ]] && fail "destroy left $PINS"
for id in $my_links; do
	bpftool -j link show id "$id" >/dev/null 2>&1 && fail "destroy left tcx link $id"
done
: "$progs"
log "ok"
