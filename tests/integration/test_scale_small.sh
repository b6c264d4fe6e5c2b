#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# tools/scale-test at a size `make check` can afford: 600 nodes in cells of
# 256 addresses (3 cells joined by the router namespace): bulk add, every
# node answers its gateway, 200+ node pairs across cells, stats exact against
# the kernel's veth counters, destroy leaves nothing and restores the sysctls.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
command -v nsenter >/dev/null || skip "nsenter is not installed (util-linux)"

F=$(fab_name)
cleanup_fabric "$F"
SCALE_TEST=$(cd "$(dirname "$0")/../.." && pwd)/tools/scale-test

"$SCALE_TEST" 600 --cell-size 256 --name "$F" --subnet 10.214.0.0/16 \
	--fabricctl "$FABRICCTL" >"$TEST_TMP/out" 2>&1 || {
	cat "$TEST_TMP/out" >&2
	fail "tools/scale-test 600 --cell-size 256 failed"
}
cat "$TEST_TMP/out" >&2
grep -q '^VERDICT: PASS$' "$TEST_TMP/out" || fail "no 'VERDICT: PASS' line"
grep -q ' in 3 cells$' "$TEST_TMP/out" || fail "600 nodes in cells of 256 should span 3 cells"
exit 0
