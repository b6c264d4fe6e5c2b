#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# docs/fabricctl-cni.8 renders with no warning and cannot fall behind the
# plugin: every configuration key src/cni/config.c accepts, every command,
# and every error code of include/cni/cni.h is on the page. No root.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PAGE=$ROOT/docs/fabricctl-cni.8
command -v man >/dev/null || skip "man is not installed"
command -v groff >/dev/null || skip "groff is not installed"
out=$(man --warnings -l "$PAGE" 2>&1 >/dev/null) || fail "man -l failed: $out"
[[ -z $out ]] || fail "man --warnings: $out"
out=$(groff -man -ww -z "$PAGE" 2>&1) || fail "groff failed: $out"
[[ -z $out ]] || fail "groff -ww: $out"
text=$(man -l "$PAGE" 2>/dev/null | col -b)
keys=$(grep -o 'strcmp(key, "[^"]*")' "$ROOT/src/cni/config.c" | sed 's/.*"\(.*\)")/\1/' | sort -u)
[[ -n $keys ]] || fail "no keys found in config.c"
for k in $keys; do
	grep -qF -- "$k" <<<"$text" || fail "configuration key $k is not on the page"
done
for c in VERSION ADD DEL CHECK STATUS GC; do
	grep -qE "^ {7}$c( |\$)" <<<"$text" || fail "command $c has no entry"
done
for code in $(sed -n 's/.*CNI_ERR_[A-Z_]* = \([0-9]*\),.*/\1/p' "$ROOT/include/cni/cni.h"); do
	grep -qE "(^|[^0-9])$code " <<<"$(sed -n '/^ERRORS/,/^FILES/p' <<<"$text")" || fail "error code $code is not under ERRORS"
done
assert_contains "$(man -l "$ROOT/docs/fabricctl.8" 2>/dev/null | col -b)" "fabricctl-cni(8)" "fabricctl(8) points at fabricctl-cni(8)"
log "ok"
