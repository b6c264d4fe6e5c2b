#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# fabricctl exporter, checked by real clients: curl's scrape passes
# `promtool check metrics`; a real Prometheus (started here, private
# storage, loopback) scrapes it every second, and after known pings a query
# through its HTTP API gives a node's counter equal to the kernel's own
# counter of the node's host veth read in the same quiet moment; a deleted
# node's series are gone from the next scrape (and from Prometheus), a
# fabric named but created only while the exporter runs appears, a
# destroyed one vanishes; every fabric of the host is served without names;
# other paths answer 404; a non-loopback --listen is refused; SIGTERM stops
# it with status 0; the systemd unit passes systemd-analyze verify.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
command -v promtool >/dev/null || skip "no promtool (Debian package prometheus)"
command -v prometheus >/dev/null || skip "no prometheus"
command -v curl >/dev/null || skip "no curl"

F=$(fab_name)
F2=$(fab_name)
cleanup_fabric "$F" "$F2"
A=${F}a
B=${F}b
C=${F}c

# free_port: a loopback TCP port in 20000-29999 that nobody listens on.
free_port() {
	local p i
	for ((i = 0; i < 100; i++)); do
		p=$((20000 + RANDOM % 10000))
		ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return 0; }
	done
	fail "no free port"
}

# scrape: the exporter's /metrics into $TEST_TMP/scrape.
scrape() {
	curl -sS --max-time 10 -o "$TEST_TMP/scrape" "http://127.0.0.1:$EP/metrics" ||
		fail "curl of /metrics failed"
}

# prom_query EXPR: the value of a one-sample instant query ("" if none).
prom_query() {
	curl -sS --max-time 10 "http://127.0.0.1:$PP/api/v1/query" --data-urlencode "query=$1" |
		jq -r '.data.result | if length == 1 then .[0].value[1] else "" end'
}

# --- the systemd unit (with ExecStart at this build's binary)
if command -v systemd-analyze >/dev/null; then
	sed "s|/usr/local/sbin/fabricctl|$FABRICCTL|" \
		"$(dirname "$0")/../../contrib/systemd/fabricctl-exporter.service" \
		>"$TEST_TMP/fabricctl-exporter.service"
	out=$(systemd-analyze verify --man=no "$TEST_TMP/fabricctl-exporter.service" 2>&1) ||
		fail "systemd-analyze verify failed: $out"
	[[ -z $out ]] || fail "systemd-analyze verify complains: $out"
else
	log "no systemd-analyze: unit not verified"
fi

# --- refusals: non-loopback without --allow-remote, bad addresses
EP=$(free_port)
fab_rc 2 exporter --listen "0.0.0.0:$EP"
assert_contains "$FAB_ERR" "not a loopback address"
fab_rc 2 exporter --listen "[::]:$EP"
fab_rc 2 exporter --listen "127.0.0.1"
fab_rc 2 exporter --listen "127.0.0.1:0"
fab_rc 2 exporter "bad/name"
ss -Hltn "sport = :$EP" | grep -q . && fail "a refused exporter listens on $EP"

fab_ok create "$F" --subnet 10.224.0.0/24
fab_ok add-node "$F" "$A"
fab_ok add-node "$F" "$B"
fab_ok add-node "$F" "$C"
fab_ok stats "$F" -j
declare -A VETH
for n in "$A" "$B" "$C"; do
	idx=$(jq -r --arg n "$n" '.nodes[] | select(.name == $n) | .ifindex' <<<"$FAB_OUT")
	for l in /sys/class/net/*; do
		[[ $(<"$l/ifindex") == "$idx" ]] && VETH[$n]=${l##*/}
	done
	[[ -n ${VETH[$n]:-} ]] || fail "no host veth for $n (ifindex $idx)"
done
ADDR_B=$(jq -r --arg n "$B" '.nodes[] | select(.name == $n) | .address' <<<"$FAB_OUT")

# --- every fabric of the host (no FABRIC): ours is among them, text valid
AP=$(free_port)
"$FABRICCTL" exporter --listen "127.0.0.1:$AP" 2>/dev/null &
ALL=$!
on_exit "kill $ALL 2>/dev/null || true"
for ((i = 0; i < 50; i++)); do
	curl -s -o "$TEST_TMP/all" "http://127.0.0.1:$AP/metrics" && break
	sleep 0.1
done
grep -q "^fabricctl_node_info{fabric=\"$F\",node=\"$A\"" "$TEST_TMP/all" ||
	fail "fabric $F not in the scrape of every fabric"
promtool check metrics <"$TEST_TMP/all" || fail "promtool check metrics failed (every fabric)"
kill "$ALL"

# --- the exporter of $F and $F2 ($F2 is made later: absent until then).
# Named, so that other fabrics on the host do not slow the 1 s scrapes.
"$FABRICCTL" exporter --listen "127.0.0.1:$EP" "$F" "$F2" 2>"$TEST_TMP/exporter.err" &
EXPORTER=$!
on_exit "kill $EXPORTER 2>/dev/null || true"
for ((i = 0; i < 50; i++)); do
	curl -s -o /dev/null "http://127.0.0.1:$EP/metrics" && break
	sleep 0.1
done
scrape
promtool check metrics <"$TEST_TMP/scrape" || fail "promtool check metrics failed"
grep -q "fabric=\"$F2\"" "$TEST_TMP/scrape" && fail "fabric $F2 in the scrape before it exists"
for n in "$A" "$B" "$C"; do
	grep -q "^fabricctl_node_packets_total{fabric=\"$F\",node=\"$n\",direction=\"rx\"} [0-9]" \
		"$TEST_TMP/scrape" || fail "no packets series for $n"
done
# A second exporter on the same port says why it cannot listen.
fab_rc 1 exporter --listen "127.0.0.1:$EP"
assert_contains "$FAB_ERR" "Address already in use"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$EP/")
assert_eq "$code" 404
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$EP/metricsx")
assert_eq "$code" 404
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$EP/metrics")
assert_eq "$code" 405

# --- a real Prometheus scraping it every second
PP=$(free_port)
prom_config "$TEST_TMP/prometheus.yml" "127.0.0.1:$EP"
prometheus --config.file="$TEST_TMP/prometheus.yml" --storage.tsdb.path="$TEST_TMP/tsdb" \
	--web.listen-address="127.0.0.1:$PP" >"$TEST_TMP/prometheus.log" 2>&1 &
PROM=$!
on_exit "kill $PROM 2>/dev/null; wait $PROM || true"
for ((i = 0; i < 100; i++)); do
	curl -s -o /dev/null "http://127.0.0.1:$PP/-/ready" && break
	sleep 0.2
done
curl -sf -o /dev/null "http://127.0.0.1:$PP/-/ready" ||
	fail "prometheus not ready: $(tail -5 "$TEST_TMP/prometheus.log")"

# Known traffic: 5 echo requests from A to B.
ip netns exec "$A" ping -n -q -c 5 -i 0.2 -W 2 "$ADDR_B" >/dev/null || fail "$A cannot ping $B"

# Prometheus's value of A's transmitted packets equals the kernel's count of
# what A's host veth received, in a moment where the kernel's count did not
# move across two scrapes (new nodes chatter IPv6 for a while).
sel="fabric=\"$F\",node=\"$A\""
ok=0
for ((i = 0; i < 40; i++)); do
	k1=$(<"/sys/class/net/${VETH[$A]}/statistics/rx_packets")
	kb1=$(<"/sys/class/net/${VETH[$A]}/statistics/tx_bytes")
	sleep 2.5
	v=$(prom_query "fabricctl_node_packets_total{$sel,direction=\"tx\"}")
	vb=$(prom_query "fabricctl_node_bytes_total{$sel,direction=\"rx\"}")
	k2=$(<"/sys/class/net/${VETH[$A]}/statistics/rx_packets")
	kb2=$(<"/sys/class/net/${VETH[$A]}/statistics/tx_bytes")
	if [[ $k1 == "$k2" && $kb1 == "$kb2" && $v == "$k1" && $vb == "$kb1" ]]; then
		ok=1
		break
	fi
done
[[ $ok == 1 ]] || fail "prometheus: A tx packets $v / rx bytes $vb, kernel $k2 / $kb2"
log "prometheus: $A tx_packets=$v rx_bytes=$vb = kernel ${VETH[$A]} rx_packets/tx_bytes"
icmp=$(prom_query "fabricctl_node_protocol_packets_total{$sel,direction=\"tx\",protocol=\"icmp\"}")
assert_eq "$icmp" 5
icmp=$(prom_query "fabricctl_node_protocol_packets_total{fabric=\"$F\",node=\"$B\",direction=\"rx\",protocol=\"icmp\"}")
assert_eq "$icmp" 5

# --- a fabric created while it runs appears; a deleted node vanishes
fab_ok create "$F2" --subnet 10.225.0.0/24
fab_ok add-node "$F2" "${F2}a"
scrape
grep -q "^fabricctl_node_packets_total{fabric=\"$F2\",node=\"${F2}a\"" "$TEST_TMP/scrape" ||
	fail "fabric $F2, made after the exporter started, is not in the scrape"
fab_ok del-node "$F" "$C"
scrape
grep -q "node=\"$C\"" "$TEST_TMP/scrape" && fail "deleted node $C still in the scrape"
grep -q "node=\"$B\"" "$TEST_TMP/scrape" || fail "node $B missing after deleting $C"
promtool check metrics <"$TEST_TMP/scrape" || fail "promtool check metrics failed after del-node"
# Prometheus marks the series stale at its next scrape: the query is empty.
gone=0
for ((i = 0; i < 20; i++)); do
	[[ -z $(prom_query "fabricctl_node_packets_total{fabric=\"$F\",node=\"$C\",direction=\"rx\"}") ]] &&
		gone=1 && break
	sleep 0.5
done
[[ $gone == 1 ]] || fail "prometheus still has $C's series after del-node"
fab_ok destroy "$F2"
scrape
grep -q "fabric=\"$F2\"" "$TEST_TMP/scrape" && fail "destroyed fabric $F2 still in the scrape"

# --- SIGTERM stops it cleanly, and the port is free again
kill -TERM "$EXPORTER"
wait "$EXPORTER"
rc=$?
assert_eq "$rc" 0
ss -Hltn "sport = :$EP" | grep -q . && fail "port $EP still listened on after SIGTERM"
log "ok"
