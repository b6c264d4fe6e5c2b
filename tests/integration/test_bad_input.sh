#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Bad input, as a table: every case exits with its status (2 usage error,
# 1 failure), prints exactly one error line "fabricctl: ..." on stderr that
# names the problem (a keyword per case), and changes NOTHING on the host:
# links (name + ifindex) and namespaces named after this test's fabrics or
# the bad names, the test's host addresses and routes, the fabrics' records
# (path, size, content) under /run/fabricctl, their pins under
# /sys/fs/bpf/fabricctl and their counter maps. Other tests may run on the
# host at the same time: only this test's objects are compared.
#
# Cases: names (empty, too long, '/', '..', spaces, control characters,
# non-ASCII, leading '-'), names taken by a netns or link that is not ours,
# CIDRs (malformed, /0, /31, /32, host bits, overlapping another fabric or a
# host address), --ip (outside, gateway, network, broadcast, taken), --count
# (0, negative, non-numeric, beyond the subnet), unknown commands and
# options, missing arguments, a fabric that does not exist, not root.
# Every failing case is listed before the test fails.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name) # an existing fabric
G=$(fab_name) # never created (unless a case wrongly does)
cleanup_fabric "$F" "$G"
NET=10.215.0     # F's subnet
HOSTNET=10.215.9 # a host address of a link made here (not ours)

fab_ok create "$F" --subnet $NET.0/24
fab_ok add-node "$F" "${F}a" --ip $NET.10
foreign_netns "${F}x"
foreign_link "${F}h"
ip addr add $HOSTNET.1/24 dev "${F}h"
ip link set "${F}h" up
foreign_link "$G-c0" # a link named like G's bridge

long_node=$(printf 'n%.0s' {1..64})
# Every name a case passes, for the snapshot (a wrong command could make it).
BAD_NAMES=("t234567890" "a b" "${F}b" "${F}c" "${F}m" "${F}n" "nonode" "ñode" "é")

# Top-level entries under DIR that could be this test's: its fabrics, and
# names no valid fabric has (what a bad name could have made). Other
# fabrics on a shared host come and go and are not compared.
_entries() {
	local e
	for e in "$1"/* "$1"/.[!.]*; do
		[[ -e $e || -L $e ]] || continue
		e=${e##*/}
		if [[ $e == "$F"* || $e == "$G"* || ! $e =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,7}$ ]]; then
			echo "$1/$e"
		fi
	done
}

snapshot() {
	local n d
	# Links (name, ifindex; read from /sys: a link dump on a busy host can
	# be interrupted) named after the fabrics or a bad name, and namespaces.
	for d in /sys/class/net/"$F"* /sys/class/net/"$G"*; do
		if [[ -e $d ]]; then echo "link ${d##*/} $(cat "$d/ifindex" 2>/dev/null)"; fi
	done
	for n in "${BAD_NAMES[@]}" "$long_node"; do
		if [[ -e /sys/class/net/$n ]]; then echo "link $n $(cat "/sys/class/net/$n/ifindex" 2>/dev/null)"; fi
	done
	for d in /run/netns/"$F"* /run/netns/"$G"*; do
		if [[ -e $d ]]; then echo "netns ${d##*/} $(stat -c %i "$d")"; fi
	done
	for n in "${BAD_NAMES[@]}" "$long_node" a b x; do
		if [[ -e /run/netns/$n ]]; then echo "netns $n $(stat -c %i "/run/netns/$n")"; fi
	done
	# Host addresses and routes in the test's range.
	ip -4 -j addr show 2>/dev/null | jq -r '.[] | .ifname as $i | .addr_info[] | select(.local | startswith("10.215.")) | "addr \($i) \(.local)/\(.prefixlen)"' | sort
	ip -4 route show 2>/dev/null | grep -E '10\.215\.' | sed 's/^/route /' || true
	# Records and pins of this test's fabrics (and of anything a bad name made).
	stat -c 'root %n %a %U' /run/fabricctl /sys/fs/bpf/fabricctl 2>/dev/null || true
	for d in $(_entries /run/fabricctl) $(_entries /sys/fs/bpf/fabricctl); do
		find "$d" -printf '%p %s %m\n' 2>/dev/null | sort
	done
	md5sum /run/fabricctl/"$F"/* 2>/dev/null || true
	echo "counters $(bpftool -j map dump pinned "/sys/fs/bpf/fabricctl/$F/counters" 2>/dev/null | jq length)"
}

# A copy the unprivileged user can run whatever the build dir's modes.
chmod 0755 "$TEST_TMP"
mkdir -m 0755 "$TEST_TMP/bin"
install -m 0755 "$FABRICCTL" "$TEST_TMP/bin/fabricctl"

n_cases=0
failures=()
before=$(snapshot)

# case_ RC KEYWORD ARGS...: fabricctl ARGS exits RC (12: 1 or 2), stderr is one line
# "fabricctl: ..." matching KEYWORD (ERE, case-insensitive), nothing changed.
# With AS_NOBODY=1 it runs as uid/gid 65534 without capabilities.
case_() {
	local want=$1 kw=$2 why="" lines after
	shift 2
	n_cases=$((n_cases + 1))
	if [[ ${AS_NOBODY:-0} -eq 1 ]]; then
		if setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
			"$TEST_TMP/bin/fabricctl" "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null; then
			FAB_RC=0
		else
			FAB_RC=$?
		fi
		FAB_OUT=$(cat "$TEST_TMP/out")
		FAB_ERR=$(cat "$TEST_TMP/err")
	else
		fab "$@"
	fi
	[[ $want == *"$FAB_RC"* && ${#FAB_RC} -eq 1 ]] || why="exit $FAB_RC, want $want;"
	lines=$(printf '%s' "$FAB_ERR" | awk 'END { print NR }')
	[[ $lines -eq 1 ]] || why="$why $lines lines on stderr, want 1;"
	[[ $FAB_ERR == fabricctl:* ]] || why="$why stderr does not start with 'fabricctl:';"
	grep -qiE -- "$kw" <<<"$FAB_ERR" || why="$why error does not name the problem (/$kw/);"
	after=$(snapshot)
	if [[ $after != "$before" ]]; then
		why="$why host changed: $( (diff <(echo "$before") <(echo "$after") || true) | grep '^[<>]' | tr '\n' ' ');"
		before=$after # report each change once
	fi
	if [[ -n $why ]]; then
		failures+=("fabricctl$(printf ' %q' "$@")->$why stderr: $(printf '%q' "$FAB_ERR")")
		log "case $n_cases FAILED: ${failures[-1]}"
	fi
	return 0
}

# ---- fabric names (create): 1-8 of [A-Za-z0-9_-], first alphanumeric
SUB=(--subnet 10.215.1.0/24)
case_ 2 'name|empty' create "" "${SUB[@]}"
case_ 2 'name|long' create t234567890 "${SUB[@]}"
case_ 2 'name|/' create "a/b" "${SUB[@]}"
case_ 2 'name|\.\.' create ".." "${SUB[@]}"
case_ 2 'name' create "a b" "${SUB[@]}"
case_ 2 'name|character' create $'a\001b' "${SUB[@]}"
case_ 2 'name|character' create $'ab\n' "${SUB[@]}"
case_ 2 'name|character' create "é" "${SUB[@]}"
case_ 2 'name|option|-ab' create -ab "${SUB[@]}"
case_ 2 'name' create "_ab" "${SUB[@]}"

# ---- node names (add-node): 1-63 of [A-Za-z0-9_.-], first not '-' or '.'
case_ 2 'name|empty' add-node "$F" ""
case_ 2 'name|long|63' add-node "$F" "$long_node"
case_ 2 'name|/' add-node "$F" "a/b"
case_ 2 'name|\.\.' add-node "$F" ".."
case_ 2 'name|\.' add-node "$F" "."
case_ 2 'name' add-node "$F" "a b"
case_ 2 'name|character' add-node "$F" $'a\tb'
case_ 2 'name|character' add-node "$F" $'a\nb'
case_ 2 'name|character' add-node "$F" $'a\033[31mb'
case_ 2 'name|character' add-node "$F" "ñode"
case_ 2 'name|option|-x' add-node "$F" -x
case_ 2 'name|option|--x' add-node "$F" --x
case_ 2 'prefix|name' add-node "$F" --count 2 --prefix "a/b"
case_ 2 'prefix|name' add-node "$F" --count 2 --prefix "../x"

# ---- names taken by objects that are not ours
case_ 1 "${F}x" add-node "$F" "${F}x"         # a foreign netns
case_ 1 "${F}a" add-node "$F" "${F}a"         # already a node
case_ 1 "$G-c0|exists" create "$G" "${SUB[@]}" # a foreign link named like G's bridge
case_ 1 "${F}x|not" del-node "$F" "${F}x"      # a foreign netns is not F's node

# ---- CIDRs (create G)
for cidr in "10.215.1.0" "10.215.1.0/" "10.215.1.300/24" "10.215.1.0/24/8" "ten.0.0.0/8" \
	"10.215.1.0/0" "0.0.0.0/0" "10.215.1.0/31" "10.215.1.0/32" "10.215.1.5/24" "10.215.1.0/-8" \
	"10.215.1.0/ 24" "0x0a.215.1.0/24"; do
	case_ 2 'subnet|cidr|prefix|address|host bits' create "$G" --subnet "$cidr"
done
case_ 1 "overlap|$F" create "$G" --subnet $NET.0/24
case_ 1 "overlap|$F" create "$G" --subnet $NET.128/25
case_ 1 "overlap|$F" create "$G" --subnet 10.215.0.0/16
case_ 1 "overlap|${F}h|host|$HOSTNET" create "$G" --subnet $HOSTNET.0/24
case_ 1 "overlap|${F}h|host|10.215.8" create "$G" --subnet 10.215.8.0/23

# ---- other create options
case_ 2 'mtu' create "$G" "${SUB[@]}" --mtu 67
case_ 2 'mtu' create "$G" "${SUB[@]}" --mtu 65536
case_ 2 'mtu' create "$G" "${SUB[@]}" --mtu 1500x
case_ 2 'cell' create "$G" "${SUB[@]}" --cell-size 100
case_ 2 'cell' create "$G" "${SUB[@]}" --cell-size 2048

# ---- --ip
# An address the fabric cannot give (outside its subnet, its network,
# gateway or broadcast address) is refused with 1 or 2 (the product says 2,
# "taken" says 1; the README does not decide).
case_ 12 'outside|not a node address' add-node "$F" "${F}b" --ip 10.215.1.5
case_ 12 'gateway|not a node address' add-node "$F" "${F}b" --ip $NET.1
case_ 12 'network|not a node address' add-node "$F" "${F}b" --ip $NET.0
case_ 12 'broadcast|not a node address' add-node "$F" "${F}b" --ip $NET.255
case_ 1 "taken|use|${F}a|$NET.10" add-node "$F" "${F}b" --ip $NET.10
case_ 2 'ip|address' add-node "$F" "${F}b" --ip $NET.256
case_ 2 'ip|address' add-node "$F" "${F}b" --ip "$NET.11/24"
case_ 2 'one|ip' add-node "$F" "${F}b" "${F}c" --ip $NET.11

# ---- --count
case_ 2 'count' add-node "$F" --count 0
case_ 2 'count' add-node "$F" --count -1
case_ 2 'count' add-node "$F" --count abc
case_ 2 'count' add-node "$F" --count 1.5
case_ 2 'count' add-node "$F" --count 99999999999999999999
case_ 1 'full|room|free' add-node "$F" --count 300 --prefix "${F}m"
case_ 1 'full|room|free' add-node "$F" --count 253 --prefix "${F}m"
case_ 2 'count|node' add-node "$F" "${F}n" --count 2

# ---- unknown commands and options, missing arguments
case_ 2 'command|frobnicate' frobnicate
case_ 2 'command|ADD-NODE' ADD-NODE "$F" "${F}b"
case_ 2 'option|bogus' create "$G" "${SUB[@]}" --bogus
case_ 2 'option|frob' add-node "$F" "${F}b" --frob
case_ 2 'option|nope' show "$F" --nope
case_ 2 'option|x' --x list
case_ 2 'sort|nonsense' stats "$F" --sort nonsense
case_ 2 'argument|extra|unexpected|extra-arg|one FABRIC' create "$G" extra-arg "${SUB[@]}"
case_ 2 'fabric|missing|argument|usage' create
case_ 2 'fabric|missing|argument|usage' add-node
case_ 2 'node|missing|argument|usage' add-node "$F"
case_ 2 'node|missing|argument|usage|--all' del-node "$F"
case_ 2 'subnet|argument|missing|requires' create "$G" --subnet
case_ 2 'count|argument|missing|requires' add-node "$F" --count
case_ 2 'command|--|argument|missing' exec "$F" "${F}a"
case_ 2 'fabric|missing|argument|usage' show

# ---- a fabric that does not exist
case_ 1 "$G" show "$G"
case_ 1 "$G" add-node "$G" "${F}b"
case_ 1 "$G" add-node "$G" --count 3 --prefix "${F}m"
case_ 1 "$G" del-node "$G" "${F}a"
case_ 1 "$G" del-node "$G" --all
case_ 1 "$G" stats "$G"
case_ 1 "$G" exec "$G" "${F}a" -- true
case_ 1 "nonode|node" del-node "$F" nonode
case_ 1 "nonode|node" stats "$F" nonode
if "$FABRICCTL" check --help >/dev/null 2>&1; then
	case_ 1 "$G" check "$G"
	case_ 1 "$G" check "$G" --repair
fi

# ---- not root
if command -v setpriv >/dev/null; then
	AS_NOBODY=1
	case_ 1 'root' create "$G" "${SUB[@]}"
	case_ 1 'root' add-node "$F" "${F}b"
	case_ 1 'root' del-node "$F" "${F}a"
	case_ 1 'root' destroy "$F"
	case_ 1 'root' show "$F"
	case_ 1 'root' stats "$F"
	AS_NOBODY=0
else
	log "setpriv missing: not-root cases skipped"
fi

# The fabric still works after all that.
ping_ok "${F}a" $NET.1
[[ -z $(leftovers "$G" | grep -v "link $G-c0") ]] || failures+=("leftovers of $G: $(leftovers "$G" | tr '\n' ' ')")

log "$n_cases bad-input cases, ${#failures[@]} failed"
echo "bad-input cases: $n_cases"
if [[ ${#failures[@]} -gt 0 ]]; then
	printf '  %s\n' "${failures[@]}" >&2
	fail "${#failures[@]} of $n_cases bad-input cases failed"
fi
exit 0
