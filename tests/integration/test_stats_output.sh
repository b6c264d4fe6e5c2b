#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# fabricctl stats output forms: the table (rows + TOTAL), -j with NODE
# filters, --sort/--top, --prometheus through promtool, --watch piped (one
# block per interval, -j one document per line, rates that reflect real
# traffic), --help, and usage errors (exit 2) vs missing fabric/node (exit 1).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
cleanup_fabric "$F"
NET=10.201.1
A=${F}a
B=${F}b
C=${F}c

fab_ok stats --help
assert_match "$FAB_OUT" '^Usage: fabricctl stats FABRIC' "stats --help"
assert_contains "$FAB_OUT" "--prometheus" "stats --help"

fab_ok create "$F" --subnet $NET.0/24
for n in "$A" "$B" "$C"; do fab_ok add-node "$F" "$n"; done

# Traffic: A <-> B only, so A and B are busier than C.
in_ns "$A" ping -n -q -c 20 -i 0.01 -s 1000 -W 2 $NET.3 >/dev/null || fail "ping $A -> $B failed"

# Table: a header, one row per node, TOTAL.
fab_ok stats "$F"
assert_eq "$(grep -c . <<<"$FAB_OUT")" 5 "table lines (header + 3 nodes + TOTAL)"
assert_match "$(head -1 <<<"$FAB_OUT")" '^NODE +ADDRESS +CELL +RX PACKETS +TX PACKETS +RX BYTES +TX BYTES +DROPS' "table header"
assert_match "$(grep "^$A " <<<"$FAB_OUT")" "^$A +$NET\\.2 +0 +[0-9]+ +[0-9]+ +[0-9.]+ [KMG]?i?B +[0-9.]+ [KMG]?i?B +[0-9]+$" "row of $A"
assert_match "$(tail -1 <<<"$FAB_OUT")" '^TOTAL +3 nodes ' "TOTAL row"

# -j with a NODE filter keeps the order given; --sort/--top.
fab_ok stats "$F" "$B" "$A" -j
assert_eq "$(jq -r '[.nodes[].name] | join(",")' <<<"$FAB_OUT")" "$B,$A" "stats $B $A order"
assert_eq "$(jq -r '.fabric' <<<"$FAB_OUT")" "$F" "fabric in JSON"
assert_eq "$(jq -r '.nodes[1].address' <<<"$FAB_OUT")" "$NET.2" "$A's address in JSON"
assert_eq "$(jq -r '.nodes[1].cell' <<<"$FAB_OUT")" 0 "$A's cell in JSON (a /24 is one cell)"
assert_eq "$(jq -r '.nodes[0].rx | keys | join(",")' <<<"$FAB_OUT")" \
	"broadcast,bytes,multicast,packets,protocols" "counter keys"
assert_eq "$(jq -r '.nodes[0].rx.protocols | keys | join(",")' <<<"$FAB_OUT")" \
	"arp,icmp,icmpv6,ipv4,ipv6,other,tcp,udp" "protocol keys"
fab_ok stats "$F" -j --top 2
assert_eq "$(jq '.nodes | length' <<<"$FAB_OUT")" 2 "--top 2 rows"
assert_eq "$(jq -r '[.nodes[].name] | sort | join(",")' <<<"$FAB_OUT")" "$A,$B" "--top 2 = the busiest"
assert_eq "$(jq '.total.nodes' <<<"$FAB_OUT")" 3 "--top keeps the total of all nodes"
fab_ok stats "$F" -j --sort name
assert_eq "$(jq -r '[.nodes[].name] | join(",")' <<<"$FAB_OUT")" "$A,$B,$C" "--sort name"
fab_ok stats "$F" -j --sort tx_bytes
jq -e '[.nodes[].tx.bytes] | . == (sort | reverse)' <<<"$FAB_OUT" >/dev/null || fail "--sort tx_bytes not descending"

# Prometheus text passes promtool and carries the same numbers.
fab_ok stats "$F" --prometheus
assert_contains "$FAB_OUT" "# TYPE fabricctl_node_packets_total counter" "prometheus"
line=$(grep "^fabricctl_node_packets_total{fabric=\"$F\",node=\"$A\",direction=\"tx\"} " <<<"$FAB_OUT") ||
	fail "no tx packets sample for $A: $FAB_OUT"
fab_ok stats "$F" "$A" -j
assert_eq "${line##* }" "$(jq '.nodes[0].tx.packets' <<<"$FAB_OUT")" "prometheus vs -j tx packets of $A"
if command -v promtool >/dev/null; then
	"$FABRICCTL" stats "$F" --prometheus | promtool check metrics >"$TEST_TMP/promtool" 2>&1 ||
		{ cat "$TEST_TMP/promtool" >&2; fail "promtool check metrics rejects --prometheus output"; }
else
	log "promtool not installed (Debian package prometheus): format not checked by promtool"
fi

# --watch piped: one block per interval, rates from real traffic.
in_ns "$A" ping -n -q -c 60 -i 0.05 -s 500 -W 2 $NET.3 >/dev/null &
pinger=$!
on_exit "kill $pinger 2>/dev/null || true"
fab_ok stats "$F" --watch 0.5 --count 2
assert_eq "$(grep -c "^fabric $F " <<<"$FAB_OUT")" 2 "--watch --count 2 blocks"
assert_eq "$(grep -c '^TOTAL' <<<"$FAB_OUT")" 2 "--watch TOTAL rows"
assert_match "$(sed -n 3p <<<"$FAB_OUT")" "^($A|$B) " "--watch sorts the busiest first"
fab_ok stats "$F" -w 0.5 -c 3 -j
assert_eq "$(grep -c . <<<"$FAB_OUT")" 3 "--watch -j: one line per interval"
jq -es 'length == 3 and all(.[]; .interval == 0.5 and (.total.tx.packets_per_second > 5)
	and (.nodes[0].tx.bits_per_second > 0))' <<<"$FAB_OUT" >/dev/null ||
	fail "--watch -j rates wrong: $FAB_OUT"
wait "$pinger"

# Errors: usage (2) vs what does not exist (1), one line each.
fab_rc 2 stats
fab_err_line
fab_rc 2 stats "$F" --top 0
fab_err_line
fab_rc 2 stats "$F" --sort speed
fab_err_line
fab_rc 2 stats "$F" -j --prometheus # (with -j the error is JSON on stdout)
fab_rc 2 stats "$F" --count 3
fab_err_line
fab_rc 2 stats "$F" --watch --prometheus
fab_rc 1 stats "${F}x"
fab_err_line
fab_rc 1 stats "$F" "${F}zz"
fab_err_line
assert_contains "$FAB_ERR" "${F}zz" "error names the node"
exit 0
