#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# fabricctl top in a real terminal: tmux (private server, fixed 120x30)
# runs it; capture-pane reads the screen. Checked: the node rows, rates that
# match the traffic the test makes (b <-> c: 10 echo requests and 10 replies
# a second), RX PKTS equal to the kernel's own veth counter once traffic
# stops, DROPS (5 UDP datagrams to a closed port of c: NO_SOCKET drops
# inside c, as `stats --drops` reads them), PEER (b's is
# c and c's is b; idle a has none), a sort change (busiest first -> by
# name, by drops), the cells view and the
# drill into one cell and back, a resize, q ending it with status 0. Also:
# refusal without a terminal, -j and a bad --delay (usage errors).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
command -v tmux >/dev/null || skip "tmux is not installed"

F=$(fab_name)
cleanup_fabric "$F"
NET=10.210.140
A=${F}a B=${F}b C=${F}c
TMUX_CMD=(tmux -L "$F" -f /dev/null)
on_exit "${TMUX_CMD[*]} kill-server 2>/dev/null || true"

# screen: the pane's text now.
screen() { "${TMUX_CMD[@]}" capture-pane -p -t top; }
# row NAME: the screen's line for NAME (first column).
row() { screen | awk -v n="$1" '$1 == n'; }
# wait_screen REGEX WHAT: until the screen matches (5 s).
wait_screen() {
	local i
	for ((i = 0; i < 50; i++)); do
		[[ $(screen) =~ $1 ]] && return 0
		sleep 0.1
	done
	screen >&2
	fail "screen never showed $2"
}
keys() { "${TMUX_CMD[@]}" send-keys -t top "$@"; }
# first_row: the name on the first row under the column titles.
first_row() { screen | awk '/^NAME /{getline; print $1; exit}'; }

fab_ok top --help
assert_match "$FAB_OUT" '^Usage: fabricctl top FABRIC' "top --help"

fab_ok create "$F" --subnet $NET.0/24 --cell-size 64
fab_ok add-node "$F" "$A"
fab_ok add-node "$F" "$B" --ip $NET.70
fab_ok add-node "$F" "$C" --ip $NET.71

# Not on a terminal, -j, bad --delay: refused, nothing drawn.
fab_rc 1 top "$F" </dev/null
fab_err_line
assert_contains "$FAB_ERR" "not a terminal" "top without a terminal"
fab_rc 2 top "$F" -j
fab_rc 2 top "$F" --delay 0
fab_err_line
fab_rc 2 top "$F" -d abc
fab_rc 1 top "${F}x" </dev/null

# 5 UDP datagrams from b to a closed port of c: dropped inside c (no socket).
in_ns "$B" bash -c "for i in 1 2 3 4 5; do echo x >/dev/udp/$NET.71/9; done" ||
	fail "UDP from $B to $C"
fab_ok -j stats "$F" "$C" --drops
c_drops=$(jq '[.drops[] | select(.node == "'"$C"'") | .packets] | add' <<<"$FAB_OUT")
((c_drops >= 5)) || fail "stats --drops counts $c_drops for $C, want at least 5"

# b pings c 10 times a second (1000-byte frames): c and b are the busy ones.
in_ns "$B" ping -n -q -c 40 -i 0.1 -s 972 -W 2 $NET.71 >/dev/null &
pinger=$!
on_exit "kill $pinger 2>/dev/null || true"

# The shell around top writes its exit status to a file: tmux's own
# pane_dead_status is sometimes still empty long after the pane died.
STATUS=$TEST_TMP/top.status
"${TMUX_CMD[@]}" new-session -d -x 150 -y 30 -s top \
	"$FABRICCTL top $F -d 0.5; echo \$? >$STATUS.new && mv $STATUS.new $STATUS" ||
	fail "tmux cannot start"
"${TMUX_CMD[@]}" set-option -t top remain-on-exit on >/dev/null
wait_screen "fabricctl top $F .* every 0\\.5 s +3 nodes +2 cells" "the header"
wait_screen "total +rx [1-9]" "rates in the header"
sleep 1.2 # two more intervals: rates over a full one
assert_match "$(screen | sed -n 5p)" '^NAME +ADDRESS +CELL +RX PPS +TX PPS +RX BIT/S +TX BIT/S +DROPS +PEER +RX PKTS +TX PKTS' "column titles"
for n in "$A" "$B" "$C"; do
	[[ -n $(row "$n") ]] || { screen >&2; fail "no row for $n"; }
done
assert_match "$(row "$A")" "^$A +$NET\\.3 +0 " "row of $A"
assert_match "$(row "$C")" "^$C +$NET\\.71 +1 " "row of $C"
# c receives 10 requests/s and sends 10 replies/s (a 0.5 s interval holds
# 4-6 of them): 8 to 12 pps each way, ~81 kbit/s.
read -r _ _ _ rx_pps tx_pps _ <<<"$(row "$C")"
((rx_pps >= 8 && rx_pps <= 12)) || { screen >&2; fail "$C rx pps $rx_pps, want ~10"; }
((tx_pps >= 8 && tx_pps <= 12)) || { screen >&2; fail "$C tx pps $tx_pps, want ~10"; }
assert_match "$(row "$C")" " [6-9][0-9]\\.[0-9] kbit/s +[6-9][0-9]\\.[0-9] kbit/s " "$C bit/s"
read -r _ _ _ rx_pps tx_pps _ <<<"$(row "$A")"
assert_eq "$rx_pps/$tx_pps" "0/0" "idle $A's pps"
# DROPS and PEER: the 3rd- and 2nd-last fields (before RX PKTS, TX PKTS).
drops_peer() { row "$1" | awk '{print $(NF - 3), $(NF - 2)}'; }
read -r drops peer <<<"$(drops_peer "$C")"
((drops >= c_drops)) || { screen >&2; fail "$C's drops: $drops, want at least $c_drops"; }
assert_eq "$peer" "$B" "$C's busiest peer"
assert_eq "$(drops_peer "$B" | cut -d' ' -f2)" "$C" "$B's busiest peer"
assert_eq "$(drops_peer "$A" | cut -d' ' -f2)" "-" "idle $A's peer"

# Default sort: bytes, the busiest first; idle a is last.
assert_match "$(first_row)" "^($B|$C)$" "first row sorted by bytes"
assert_eq "$(screen | awk '/^NAME /{f=1; next} f && NF {l=$1} END {print l}')" "$A" "last row by bytes"
keys d
wait_screen "sort: drops" "sort: drops after d"
col=$(screen | awk '/^NAME /{f=1; next} f && NF {print $(NF - 3)}' | tr '\n' ' ')
assert_eq "$col" "$(tr ' ' '\n' <<<"$col" | grep . | sort -rn | tr '\n' ' ')" "DROPS sorted, largest first"
keys n
wait_screen "sort: name" "sort: name after n"
assert_eq "$(first_row)" "$A" "first row sorted by name"

# Cells: one row per bridge, summed; Enter on cell 1 shows b and c only.
keys c
wait_screen "view: cells" "the cells view"
assert_match "$(row "$F-c0")" "^$F-c0 +0 +1 " "cell 0 row"
assert_match "$(row "$F-c1")" "^$F-c1 +1 +2 " "cell 1 row"
keys Down Enter
wait_screen "view: nodes of cell 1" "the nodes of cell 1"
[[ -z $(row "$A") ]] || fail "$A (cell 0) shown among cell 1's nodes"
[[ -n $(row "$B") && -n $(row "$C") ]] || { screen >&2; fail "cell 1 lacks $B or $C"; }
keys Escape
wait_screen "view: cells" "the cells view after Esc"

# Help, then back to all nodes.
keys '?'
wait_screen "fabricctl top: keys" "the help"
keys x c
wait_screen "view: nodes +sort" "the nodes view"

# A resize: the screen follows (60 columns: the columns that fit).
"${TMUX_CMD[@]}" resize-window -t top -x 60 -y 20
wait_screen $'\nNAME +ADDRESS +CELL +RX PPS +TX PPS *\n' "columns cut to 60"
(($(screen | wc -L) <= 60)) || fail "a line wider than the 60-column window"
"${TMUX_CMD[@]}" resize-window -t top -x 150 -y 30

# Once the traffic stops, RX PKTS is what the kernel's veth counted: the
# host end's tx is what node c received.
wait "$pinger" || fail "ping $B -> $C failed"
veth=$F-71
for ((i = 0; i < 30; i++)); do
	sleep 0.6
	kernel=$(ip -j -s link show dev "$veth" | jq '.[0].stats64.tx.packets')
	shown=$(row "$C" | awk '{print $(NF - 1)}')
	[[ $shown == "$kernel" ]] && break
done
assert_eq "$shown" "$kernel" "RX PKTS of $C vs the kernel's tx packets of $veth"
# ... and DROPS is what `stats --drops` reads now, node by node. (b's
# include its echo replies: ping's raw socket takes a copy, and the kernel
# then frees the original as NO_SOCKET, no ping socket wanting it.)
fab_ok -j stats "$F" --drops
for n in "$A" "$B" "$C"; do
	want=$(jq --arg n "$n" '[.drops[] | select(.node == $n) | .packets] | add // 0' <<<"$FAB_OUT")
	for ((i = 0; i < 10; i++)); do
		read -r drops _ <<<"$(drops_peer "$n")"
		[[ $drops == "$want" ]] && break
		sleep 0.6
	done
	assert_eq "$drops" "$want" "DROPS of $n vs stats --drops"
done

keys q
for ((i = 0; i < 50; i++)); do [[ -e $STATUS ]] && break; sleep 0.1; done
[[ -e $STATUS ]] || { screen >&2; fail "top still runs 5 s after q"; }
assert_eq "$(<"$STATUS")" "0" "top's exit status after q"
log "ok"
