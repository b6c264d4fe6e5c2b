#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Crash consistency, by trials: kill -9 at a random moment (0-1.5 s) of
#  - add-node F --count 200 (5 trials), then `check F --repair`;
#  - del-node F --all (5 trials), then `check F --repair`;
#  - destroy G of 200 nodes (3 trials), then `destroy G` again.
# After each add/del trial: `check F` exits 0 and says consistent; the
# repair is idempotent (a second --repair finds nothing); every node in
# `show -j` has its netns and host veth, the kernel's eth0 address is the one
# shown, addresses are distinct, every node pings its gateway; a new
# add-node succeeds; and nothing leaked: the fabric's host veths (F-<slot>),
# its node namespaces, its counter map entries and its leases (nodes in
# show -j) are the same number. After each destroy trial nothing named
# after G is left.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
command -v bpftool >/dev/null || skip "bpftool is not installed"
command -v nsenter >/dev/null || skip "nsenter (util-linux) is not installed"
"$FABRICCTL" check --help >/dev/null 2>&1 || skip "this fabricctl has no check command"

F=$(fab_name)
cleanup_fabric "$F"
ADD_TRIALS=${CRASH_ADD_TRIALS:-5}
DEL_TRIALS=$ADD_TRIALS
DESTROY_TRIALS=${CRASH_DESTROY_TRIALS:-3}
fab_ok create "$F" --subnet 10.218.0.0/24

trials=0
repaired_kinds=()

# How long each operation takes here, uncut (ms): the kill comes at a
# random moment within it (at most 1.5 s), so that most trials cut it.
now_ms() { date +%s%3N; }
t0=$(now_ms)
fab_ok add-node "$F" --count 200 --prefix "${F}w"
T_ADD=$(($(now_ms) - t0))
t0=$(now_ms)
fab_ok del-node "$F" --all
T_DEL=$(($(now_ms) - t0))
log "uncut: add-node --count 200 ${T_ADD} ms, del-node --all ${T_DEL} ms"
killed=0

# kill_after MAX_MS CMD...: run fabricctl CMD, SIGKILL it after a random
# 0..min(MAX_MS, 1500) ms (if it is still running), or, one trial in three,
# after 0..999 µs (the first steps: option parsing, locks, the record);
# sets KILLED_AT (ms, fractional) and KILLED (1 if it was killed).
kill_after() {
	local pid ms max=$1 delay
	shift
	((max > 1500 || max < 1)) && max=1500
	if ((RANDOM % 3 == 0)); then
		delay=$(printf '0.%06d' $((RANDOM % 1000)))
		ms=$(awk -v d="$delay" 'BEGIN { printf "%.3f", d * 1000 }')
	else
		ms=$((RANDOM % (max + 1)))
		delay=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
	fi
	"$FABRICCTL" "$@" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	KILLED=0
	if kill -9 "$pid" 2>/dev/null; then KILLED=1; fi
	wait "$pid" 2>/dev/null || true
	KILLED_AT=$ms
	trials=$((trials + 1))
	killed=$((killed + KILLED))
}

# repair WHAT: check --repair (exit 0), then check (exit 0, consistent),
# then --repair again finds nothing.
repair() {
	local what=$1 kinds
	fab -j check "$F" --repair
	if [[ $FAB_RC -ne 0 ]]; then
		_fab_show_run -j check "$F" --repair
		fail "$what: check --repair exit $FAB_RC"
	fi
	jq -e . <<<"$FAB_OUT" >/dev/null || fail "$what: check --repair -j: invalid JSON: $FAB_OUT"
	kinds=$(jq -r '[.problems[].kind] | group_by(.) | map("\(.[0])x\(length)") | join(",")' <<<"$FAB_OUT")
	[[ -n $kinds ]] && repaired_kinds+=("$kinds")
	REPAIR_OUT=$FAB_OUT
	[[ $(jq '[.problems[] | select(.repaired != true)] | length' <<<"$FAB_OUT") -eq 0 ]] ||
		fail "$what: problems left unrepaired: $(jq -c '[.problems[] | select(.repaired != true)]' <<<"$FAB_OUT")"
	fab -j check "$F"
	if [[ $FAB_RC -ne 0 ]]; then
		_fab_show_run -j check "$F"
		fail "$what: check after --repair: exit $FAB_RC; the repair said: $REPAIR_OUT"
	fi
	assert_eq "$(jq -r .consistent <<<"$FAB_OUT")" true "$what: consistent after --repair"
	assert_eq "$(jq '.problems | length' <<<"$FAB_OUT")" 0 "$what: problems after --repair"
	fab_ok -j check "$F" --repair
	assert_eq "$(jq '.problems | length' <<<"$FAB_OUT")" 0 "$what: a second --repair found problems: $FAB_OUT"
	log "$what: repaired ${kinds:-nothing}"
}

# verify WHAT: the fabric as described in the header.
verify() {
	local what=$1 n veths nss counters a k bad
	fab_ok -j show "$F"
	echo "$FAB_OUT" >"$TEST_TMP/show"
	n=$(jq '.nodes | length' "$TEST_TMP/show")
	assert_eq "$(jq '[.nodes[].address] | unique | length' "$TEST_TMP/show")" "$n" "$what: distinct addresses in show"
	assert_eq "$(jq '[.nodes[] | select(.state != "up")] | length' "$TEST_TMP/show")" 0 "$what: nodes not up"
	veths=$(compgen -G "/sys/class/net/$F-[0-9]*" | wc -l) || veths=0
	nss=$(compgen -G "/run/netns/$F[a-z]*" | wc -l) || nss=0
	counters=$(bpftool -j map dump pinned "/sys/fs/bpf/fabricctl/$F/counters" | jq length)
	[[ $veths -eq $n && $nss -eq $n && $counters -eq $n ]] ||
		fail "$what: leases (nodes in show) $n, host veths $veths, namespaces $nss, counter entries $counters"
	# Kernel addresses = shown addresses (so none is given twice).
	bad=$(jq -r '.nodes[] | "\(.name) \(.address)/\(.prefix_len) \(.host_veth)"' "$TEST_TMP/show" |
		while read -r n a v; do
			[[ -e /sys/class/net/$v ]] || { echo "$n: no host veth $v"; continue; }
			k=$(nsenter --net="/run/netns/$n" ip -4 -j addr show dev eth0 2>/dev/null |
				jq -r '[.[0].addr_info[] | "\(.local)/\(.prefixlen)"] | join(" ")')
			[[ $k == "$a" ]] || echo "$n: kernel has '$k', show says $a"
		done)
	[[ -z $bad ]] || fail "$what: $(head -3 <<<"$bad" | tr '\n' ';')"
	# Every node reaches its gateway.
	jq -r '.nodes[] | "\(.name) \(.gateway)"' "$TEST_TMP/show" |
		xargs -r -P 16 -n 2 sh -c 'nsenter --net="/run/netns/$0" ping -n -q -c1 -W2 "$1" >/dev/null 2>&1 ||
			nsenter --net="/run/netns/$0" ping -n -q -c1 -W2 "$1" >/dev/null 2>&1 || echo "$0 cannot ping $1"' \
			>"$TEST_TMP/unreachable" || true
	[[ ! -s $TEST_TMP/unreachable ]] || fail "$what: $(wc -l <"$TEST_TMP/unreachable") nodes cannot reach their gateway: $(head -3 "$TEST_TMP/unreachable" | tr '\n' ';')"
	VERIFIED_NODES=$n
}

for ((t = 1; t <= ADD_TRIALS; t++)); do
	# A killed add-node of 200 nodes into an empty fabric.
	fab_ok del-node "$F" --all
	kill_after "$T_ADD" add-node "$F" --count 200 --prefix "${F}k${t}x"
	repair "add trial $t (killed=$KILLED at ${KILLED_AT}ms)"
	verify "add trial $t"
	log "add trial $t: $VERIFIED_NODES nodes survive"
	# A new node after the crash works.
	fab_ok -j add-node "$F" "${F}z$t"
	verify "add trial $t, new node"

	# A killed del-node --all.
	kill_after "$T_DEL" del-node "$F" --all
	repair "del trial $t (killed=$KILLED at ${KILLED_AT}ms)"
	verify "del trial $t"
	log "del trial $t: $VERIFIED_NODES nodes survive"
	fab_ok add-node "$F" "${F}y$t"
	verify "del trial $t, new node"
done

# destroy killed at a random moment: the next destroy finishes the job.
# F's survivors go first (a del-node killed before it began leaves them
# all), so the host's limits hold G's 200 nodes.
fab_ok del-node "$F" --all
for ((t = 1; t <= DESTROY_TRIALS; t++)); do
	G=$(fab_name)
	cleanup_fabric "$G"
	fab_ok create "$G" --subnet 10.218.1.0/24
	fab_ok add-node "$G" --count 200 --prefix "${G}n"
	if [[ $t -eq 1 ]]; then
		# The first destroy runs uncut: how long it takes.
		t0=$(now_ms)
		fab_ok destroy "$G"
		T_DESTROY=$(($(now_ms) - t0))
		log "uncut: destroy of 200 nodes ${T_DESTROY} ms"
		wait_no_leftovers "$G" 10 || fail "uncut destroy left: $(leftovers "$G" | head -5 | tr '\n' ' ')"
		G=$(fab_name)
		cleanup_fabric "$G"
		fab_ok create "$G" --subnet 10.218.1.0/24
		fab_ok add-node "$G" --count 200 --prefix "${G}n"
	fi
	kill_after "$T_DESTROY" destroy "$G"
	fab destroy "$G"
	[[ $FAB_RC -eq 0 ]] || { _fab_show_run destroy "$G"; fail "destroy trial $t (killed=$KILLED at ${KILLED_AT}ms): second destroy exit $FAB_RC"; }
	wait_no_leftovers "$G" 10 || fail "destroy trial $t (killed=$KILLED at ${KILLED_AT}ms) left: $(leftovers "$G" | head -5 | tr '\n' ' ')"
	log "destroy trial $t (killed=$KILLED at ${KILLED_AT}ms): nothing left"
done

log "$trials crash trials ($killed cut by the kill); repairs: ${repaired_kinds[*]:-none needed}"
echo "crash trials: $trials ($killed killed while running)"
exit 0
