#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A fabricctl killed (SIGKILL) in the middle of a bulk add or of a destroy:
# the lock dies with it (the next add-node goes through at once), the record
# still parses, and destroy then leaves nothing at all: no netns, link,
# record or pins, even of the nodes the killed process was making.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
cleanup_fabric "$F"
NET=10.210.25

fab_ok create "$F" --subnet $NET.0/24
fab_ok add-node "$F" "${F}a"

# Kill a bulk add once it has made some nodes (ports on the bridge).
"$FABRICCTL" add-node "$F" --count 200 --prefix "${F}n" >/dev/null 2>&1 &
pid=$!
for ((i = 0; i < 1000; i++)); do
	ports=$(compgen -G "/sys/class/net/$F-c0/brif/*" | wc -l) || true
	[[ $ports -ge 5 ]] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.005
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
log "killed the bulk add with $(compgen -G "/run/netns/${F}n*" | wc -l) namespaces and $(compgen -G "/sys/class/net/$F-c0/brif/*" | wc -l) ports made"

# No stale lock: this returns promptly.
if ! timeout 10 "$FABRICCTL" add-node "$F" "${F}b" >"$TEST_TMP/b" 2>&1; then
	fail "add-node after a killed add-node: $(cat "$TEST_TMP/b")"
fi
ping_ok "${F}b" $NET.1
fab_ok -j show "$F"

# Kill a destroy; the next destroy finishes the job.
"$FABRICCTL" destroy "$F" >/dev/null 2>&1 &
pid=$!
sleep 0.02
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
timeout 20 "$FABRICCTL" destroy "$F" >"$TEST_TMP/d" 2>&1 || fail "destroy after a killed destroy: $(cat "$TEST_TMP/d")"
wait_no_leftovers "$F" 5 || fail "destroy after crashes left: $(leftovers "$F" | tr '\n' ' ')"
exit 0
