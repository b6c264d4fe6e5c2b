#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# docs/fabricctl.8 renders with no warning (`man --warnings -l`, `groff -man
# -ww -z`) and cannot silently fall behind the binary:
#  - every command of `fabricctl help` is a .SS or .TP entry of the page;
#  - every long option (and every "-x," short one) of `fabricctl --help` is
#    under GLOBAL OPTIONS, and of `fabricctl CMD --help` in CMD's section;
#  - every long option the page defines (a .TP tag) exists in some --help;
#  - the version in the page's .TH line is the binary's.
# Needs no root and makes nothing; skips when man or groff is missing.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

PAGE="$(cd "$(dirname "$0")/../.." && pwd)/docs/fabricctl.8"
[[ -x "$FABRICCTL" ]] || fail "no fabricctl binary at $FABRICCTL"
[[ -f "$PAGE" ]] || fail "no man page at $PAGE"
command -v man >/dev/null || skip "man is not installed (apt-get install man-db)"
command -v groff >/dev/null || skip "groff is not installed (apt-get install groff)"

# ------------------------------------------------------------ rendering

# Warnings go to stderr; the page itself is thrown away.
if ! out=$(man --warnings -l "$PAGE" 2>&1 >/dev/null); then
	fail "man -l $PAGE failed: $out"
fi
[[ -z "$out" ]] || fail "man --warnings -l $PAGE printed: $out"
if ! out=$(groff -man -ww -z "$PAGE" 2>&1); then
	fail "groff -man -ww -z $PAGE failed: $out"
fi
[[ -z "$out" ]] || fail "groff -man -ww -z $PAGE printed: $out"
# And in UTF-8, where man picks another output device.
if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
	out=$(LC_ALL=C.UTF-8 man --warnings -l "$PAGE" 2>&1 >/dev/null) || true
	[[ -z "$out" ]] || fail "LC_ALL=C.UTF-8 man --warnings -l $PAGE printed: $out"
fi

# ------------------------------------------------- the page, as plain words

# The source without comments, font changes, \- and the other escapes that
# split words, so that "\-\-cell\-size" reads "--cell-size".
sed -e '/^\.\\"/d' -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f([A-Z][A-Z]//g' \
	-e 's/\\f\[[^]]*\]//g' -e 's/\\[c&%]//g' -e "s/\\\\(aq/'/g" -e 's/\\(dq/"/g' \
	"$PAGE" >"$TEST_TMP/page"

# section KIND NAME: the lines of ".SH NAME" (with its .SS) or ".SS NAME"
# (whose first word is NAME), up to the next section of that level.
section() {
	awk -v kind=".$1" -v name="$2" '
		function title(line, words) {
			sub(/^\.S[HS][ \t]+/, "", line)
			gsub(/"/, "", line)
			if (kind == ".SS") { split(line, words, /[ \t]+/); return words[1] }
			return line
		}
		/^\.SH([ \t]|$)/ { on = kind == ".SH" && title($0) == name; next }
		/^\.SS([ \t]|$)/ { if (kind == ".SS") { on = title($0) == name; next } }
		on { print }
	' "$TEST_TMP/page"
}

# The page's entries: the first word of every .SS title and of every .TP tag
# (the line after .TP, less its font macro).
awk '
	tag {
		t = $0
		sub(/^\.[A-Z]+[ \t]+/, "", t)
		gsub(/"/, "", t)
		split(t, w, /[ \t,]+/)
		print w[1]
		tag = 0
		next
	}
	/^\.TP([ \t]|$)/ { tag = 1; next }
	/^\.SS[ \t]/ {
		t = $0
		sub(/^\.SS[ \t]+/, "", t)
		gsub(/"/, "", t)
		split(t, w, /[ \t]+/)
		print w[1]
	}
' "$TEST_TMP/page" | sort -u >"$TEST_TMP/entries"

# has_word TEXT WORD: WORD appears in TEXT, not as part of a longer option.
has_word() {
	grep -qE -- "(^|[^A-Za-z0-9_-])$2([^A-Za-z0-9_-]|\$)" <<<"$1"
}

# long_options TEXT / short_options TEXT: "--name" anywhere; "-x" where the
# help lists it as "-x, --name".
long_options() { grep -oE -- '--[a-z][a-z0-9-]*' <<<"$1" | sort -u || true; }
short_options() { grep -oE -- '(^|[[:space:]])-[A-Za-z],' <<<"$1" | tr -d ' \t,' | sort -u || true; }

# ------------------------------------------------------------- commands

"$FABRICCTL" help >"$TEST_TMP/usage" || fail "fabricctl help failed"
mapfile -t commands < <(awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }' "$TEST_TMP/usage")
[[ ${#commands[@]} -ge 10 ]] || fail "fabricctl help lists ${#commands[@]} commands: ${commands[*]}"
for cmd in "${commands[@]}"; do
	grep -qxF -- "$cmd" "$TEST_TMP/entries" || fail "command '$cmd' (fabricctl help) has no .SS or .TP entry in the page"
done

# ------------------------------------------------------------- options

# Global options: the "Options" block of fabricctl --help (its examples use
# the commands' options), under GLOBAL OPTIONS.
"$FABRICCTL" --help >"$TEST_TMP/help" || fail "fabricctl --help failed"
all_help=$(cat "$TEST_TMP/help")
options=$(awk '/^Options/ { on = 1; next } on && /^$/ { exit } on { print }' "$TEST_TMP/help")
[[ -n "$options" ]] || fail "fabricctl --help has no Options block"
global=$(section SH "GLOBAL OPTIONS")
[[ -n "$global" ]] || fail "the page has no GLOBAL OPTIONS section"
for opt in $(long_options "$options") $(short_options "$options"); do
	has_word "$global" "$opt" || fail "global option $opt (fabricctl --help) is not under GLOBAL OPTIONS"
done

# Each command's options: fabricctl CMD --help, in CMD's own section.
checked=0
for cmd in "${commands[@]}"; do
	if "$FABRICCTL" "$cmd" --help >"$TEST_TMP/help" 2>"$TEST_TMP/err"; then
		rc=0
	else
		rc=$?
	fi
	help=$(cat "$TEST_TMP/help")
	if [[ $rc -ne 0 ]]; then
		# `help --help` reads "--help" as a command name (a usage error).
		[[ $cmd == help ]] || fail "fabricctl $cmd --help: exit $rc: $(cat "$TEST_TMP/err")"
		log "fabricctl $cmd --help: exit $rc (not checked)"
		continue
	fi
	all_help+=$'\n'"$help"
	text=$(section SS "$cmd")
	[[ -n "$text" ]] || fail "the page has no section .SS $cmd"
	for opt in $(long_options "$help") $(short_options "$help"); do
		has_word "$text" "$opt" || fail "option $opt of fabricctl $cmd --help is not in the page's section '$cmd'"
		checked=$((checked + 1))
	done
done
[[ $checked -ge 20 ]] || fail "only $checked command options found in the --help outputs"

# The other way round: an option the page defines (in a .TP tag) is one the
# binary still has.
awk '/^\.TP([ \t]|$)/ { getline; print }' "$TEST_TMP/page" >"$TEST_TMP/tags"
for opt in $(long_options "$(cat "$TEST_TMP/tags")"); do
	has_word "$all_help" "$opt" || fail "the page defines $opt, which no fabricctl --help mentions"
done

# ---------------------------------------------------------- check kinds

# Every kind of difference check can report (read from the source, where
# each is a check_add() call) is listed by check --help and in the page.
SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../src" && pwd)
kinds=$(perl -0ne 'while (/check_add(?:_foreign)?\(\s*c,\s*(?:[a-z]+\s*\?\s*"([a-z_0-9]+)"\s*:\s*)?"([a-z_0-9]+)"/g) { print "$1\n" if $1; print "$2\n"; }' "$SRC_DIR"/fabric/*.c | sort -u)
[[ $(wc -l <<<"$kinds") -ge 30 ]] || fail "found only $(wc -l <<<"$kinds") check kinds in $SRC_DIR/fabric"
check_help=$("$FABRICCTL" check --help)
check_page=$(section SS check)
for k in $kinds; do
	has_word "$check_help" "$k" || fail "check kind $k is not in fabricctl check --help"
	has_word "$check_page" "$k" || fail "check kind $k is not in the page's section 'check'"
done

# --------------------------------------------------------------- version

# .TH FABRICCTL 8 DATE "fabricctl VERSION" "System Administration"
th_source=$(grep -m1 '^\.TH ' "$TEST_TMP/page" | grep -o '"fabricctl [^"]*"' | tr -d '"') || true
assert_eq "$th_source" "$("$FABRICCTL" --version)" "version in the page's .TH line"
exit 0
