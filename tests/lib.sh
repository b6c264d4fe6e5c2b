# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Helpers for tests/integration/test_*.sh. Source it first thing:
#
#   set -euo pipefail
#   . "$(dirname "$0")/../lib.sh"
#   need_root
#   F=$(fab_name); cleanup_fabric "$F"
#
# Rules every test follows (tests/run.sh checks the host afterwards):
#  - every name it makes starts with its fabric name from fab_name ("t" + 5
#    digits): node "${F}a", bulk prefix "${F}n", dummy link "${F}d", ...
#  - its own subnet (10.210.N.0/24, N distinct per file, or 10.211+.0.0/16)
#    and packets only to addresses of fabrics it created;
#  - it asserts what the kernel did (ip -j, /sys, bridge -j, ping), not what
#    fabricctl printed.
#
# Exit status: 0 pass, 77 skipped, anything else fails.

if [[ -z "${FABRICCTL:-}" ]]; then
	FABRICCTL="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/fabricctl"
fi
export FABRICCTL
export LC_ALL=C

TEST_NAME=$(basename "${0%.sh}")
TEST_TMP=$(mktemp -d "/tmp/fabricctl-${TEST_NAME}.XXXXXX")

_FAB_FABRICS=()  # fabrics to destroy at exit
_FAB_CLEANUPS=() # test-made (foreign) objects to remove at exit, in reverse

log() { printf '%s: %s\n' "$TEST_NAME" "$*" >&2; }

fail() {
	printf '%s: FAIL: %s\n' "$TEST_NAME" "$*" >&2
	exit 1
}

skip() {
	printf '%s: SKIP: %s\n' "$TEST_NAME" "$*" >&2
	exit 77
}

need_root() {
	[[ $(id -u) -eq 0 ]] || skip "needs root"
	[[ -x "$FABRICCTL" ]] || fail "no fabricctl binary at $FABRICCTL"
	command -v jq >/dev/null || fail "jq is not installed"
	command -v ping >/dev/null || fail "ping is not installed (iputils-ping)"
}

# assert_eq GOT WANT [WHAT]
assert_eq() {
	[[ "$1" == "$2" ]] || fail "${3:-value}: got '$1', want '$2'"
}

assert_ne() {
	[[ "$1" != "$2" ]] || fail "${3:-value}: got '$1', want anything else"
}

# assert_match TEXT REGEX [WHAT] (bash ERE)
assert_match() {
	[[ "$1" =~ $2 ]] || fail "${3:-value}: '$1' does not match /$2/"
}

# assert_contains TEXT SUBSTRING [WHAT]
assert_contains() {
	[[ "$1" == *"$2"* ]] || fail "${3:-text}: '$1' does not contain '$2'"
}

# ---------------------------------------------------------------- names

# A fabric name unique on this host: "t" + 5 digits (<= 8 chars), not
# already used by a fabric, link or netns, nor earlier in this test.
fab_name() {
	local n name i
	for ((i = 0; i < 200; i++)); do
		n=$(((($$ * 32768) + RANDOM + i * 7919) % 100000))
		name=$(printf 't%05d' "$n")
		grep -qx "$name" "$TEST_TMP/names" 2>/dev/null && continue
		[[ -e /run/fabricctl/$name || -e /sys/class/net/$name-c0 ]] && continue
		compgen -G "/run/netns/$name*" >/dev/null && continue
		compgen -G "/sys/class/net/$name*" >/dev/null && continue
		echo "$name" >>"$TEST_TMP/names"
		[[ -n "${FAB_NAMES_LOG:-}" ]] && echo "$name" >>"$FAB_NAMES_LOG"
		echo "$name"
		return 0
	done
	fail "cannot find a free fabric name"
}

# The MAC fabricctl derives from an IPv4 address: 0e:fb:<4 bytes in hex>.
mac_of() {
	local IFS=.
	# shellcheck disable=SC2086
	set -- $1
	printf '0e:fb:%02x:%02x:%02x:%02x\n' "$1" "$2" "$3" "$4"
}

# ip2int A.B.C.D: the address as an integer.
ip2int() {
	local IFS=.
	# shellcheck disable=SC2086
	set -- $1
	echo $((($1 << 24) | ($2 << 16) | ($3 << 8) | $4))
}

# cidr_overlaps A/LEN B/LEN (a bare address counts as /32).
cidr_overlaps() {
	local a=$1 b=$2 al bl l mask
	[[ $a == */* ]] || a=$a/32
	[[ $b == */* ]] || b=$b/32
	al=${a#*/} bl=${b#*/}
	l=$((al < bl ? al : bl))
	mask=$((l == 0 ? 0 : (0xffffffff << (32 - l)) & 0xffffffff))
	[[ $(($(ip2int "${a%/*}") & mask)) -eq $(($(ip2int "${b%/*}") & mask)) ]]
}

# ------------------------------------------------------------ running it

# fab ARGS...: run fabricctl, never aborting the test; sets FAB_RC,
# FAB_OUT (stdout) and FAB_ERR (stderr).
fab() {
	if "$FABRICCTL" "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"; then
		FAB_RC=0
	else
		FAB_RC=$?
	fi
	FAB_OUT=$(cat "$TEST_TMP/out")
	FAB_ERR=$(cat "$TEST_TMP/err")
}

_fab_show_run() {
	printf '  $ fabricctl %s\n  exit %s\n  stdout: %s\n  stderr: %s\n' \
		"$*" "$FAB_RC" "$FAB_OUT" "$FAB_ERR" >&2
}

# fab_ok ARGS...: must exit 0.
fab_ok() {
	fab "$@"
	if [[ $FAB_RC -ne 0 ]]; then
		_fab_show_run "$@"
		fail "fabricctl $* failed (exit $FAB_RC)"
	fi
}

# fab_rc WANT ARGS...: must exit with status WANT.
fab_rc() {
	local want=$1
	shift
	fab "$@"
	if [[ $FAB_RC -ne $want ]]; then
		_fab_show_run "$@"
		fail "fabricctl $*: exit $FAB_RC, want $want"
	fi
}

# fab_err_line: stderr must be exactly one line "fabricctl: ...".
fab_err_line() {
	local lines
	lines=$(printf '%s\n' "$FAB_ERR" | grep -c .) || true
	[[ $lines -eq 1 ]] || fail "want one error line, got $lines: '$FAB_ERR'"
	assert_match "$FAB_ERR" '^fabricctl: ' "error line"
}

in_ns() {
	local node=$1
	shift
	ip netns exec "$node" "$@"
}

# ------------------------------------------------------- kernel read-back

link_exists() { [[ -e /sys/class/net/$1 ]]; }
# A named netns as iproute2 makes it: /run/netns/NAME with nsfs mounted on it.
netns_exists() { [[ -e /run/netns/$1 ]] && mountpoint -q "/run/netns/$1"; }

# in_netns_list NAME: `ip netns list` shows NAME (no early-closing pipe:
# the host may hold thousands of namespaces).
in_netns_list() {
	local list
	list=$(ip netns list 2>/dev/null | awk '{print $1}')
	grep -qxF "$1" <<<"$list"
}

# ours PREFIX...: the links (with ifindex) and netns on the host whose names
# start with one of PREFIX, sorted: for before/after comparisons that other
# activity on a shared host cannot disturb.
ours() {
	local p f
	for p in "$@"; do
		for f in /sys/class/net/"$p"*; do
			if [[ -e $f ]]; then echo "link ${f##*/} $(cat "$f/ifindex" 2>/dev/null)"; fi
		done
		for f in /run/netns/"$p"*; do
			if [[ -e $f ]]; then echo "netns ${f##*/}"; fi
		done
	done | sort -u
}

# node_inet NODE: "A.B.C.D/LEN" of eth0 inside NODE (read with ip -n).
node_inet() {
	ip -n "$1" -j addr show dev eth0 |
		jq -r '.[0].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"'
}

# link_json NAME: ip -j -d link show NAME, first element.
link_json() { ip -j -d link show dev "$1" | jq -c '.[0]'; }

# master_of LINK: the bridge LINK is enslaved to ("" if none).
master_of() { ip -j link show dev "$1" | jq -r '.[0].master // ""'; }

# bridge_ports BRIDGE: names of its ports, one a line, read with bridge -j.
bridge_ports() {
	bridge -j link show | jq -r --arg br "$1" '.[] | select(.master == $br) | .ifname'
}

# assert_consistent F: what `show -j F` says is what the kernel has. Every
# node shown "up" has its netns, eth0 with the shown address/prefix and MAC,
# and its host veth (shown ifindex) enslaved to one of the fabric's bridges;
# the bridges' ports are exactly the shown nodes' host veths.
assert_consistent() {
	local f=$1 name host kern="" bad
	fab_ok -j show "$f"
	# The host side in one link dump; each up node's eth0 in one address dump.
	# (a dump that links come and go during can be cut short: read it again)
	for _ in 1 2 3 4 5; do
		host=$(ip -j link show 2>/dev/null) && jq -e 'type == "array"' <<<"$host" >/dev/null 2>&1 &&
			break
		host=
	done
	[[ -n $host ]] || fail "ip -j link show gave no JSON five times"
	while read -r name; do
		[[ -n $name ]] || continue
		netns_exists "$name" || fail "show $f: $name is up but has no netns"
		kern+=$(ip -n "$name" -j addr show dev eth0 | jq -c --arg n "$name" '{($n): {
			inet: ([.[0].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"] | join(" ")),
			mac: .[0].address}}')
	done < <(jq -r '.nodes[] | select(.state == "up") | .name' <<<"$FAB_OUT")
	kern=$(jq -s 'add // {}' <<<"$kern") || fail "show $f: unreadable eth0 addresses: $kern"
	jq -e . <<<"$FAB_OUT" >/dev/null 2>&1 || fail "show -j $f printed no JSON: $FAB_OUT"
	# Every difference as one line; the first fails the test.
	bad=$(jq -rn --arg f "$f" --argjson show "$FAB_OUT" --argjson host "$host" \
		--argjson kern "$kern" '
		($host | map({key: .ifname, value: .}) | from_entries) as $links |
		($show.nodes[] | select(.state == "up") |
			. as $n | $kern[$n.name] as $k | $links[$n.host_veth] as $l |
			if $k.inet != "\($n.address)/\($n.prefix_len)" then
				"address of \($n.name) vs kernel: got \u0027\($k.inet)\u0027, want \u0027\($n.address)/\($n.prefix_len)\u0027"
			elif $k.mac != $n.mac then
				"MAC of \($n.name) vs kernel: got \u0027\($k.mac)\u0027, want \u0027\($n.mac)\u0027"
			elif $l == null then "host veth \($n.host_veth) of \($n.name) does not exist"
			elif $l.ifindex != $n.ifindex then
				"ifindex of \($n.host_veth): got \($l.ifindex), want \($n.ifindex)"
			elif (($l.master // "") | test("^\($f)-c[0-9]+$") | not) then
				"master of \($n.host_veth): \u0027\($l.master // "")\u0027"
			else empty end),
		# The bridges ports are the shown nodes host veths (the legs <f>-r<N> aside).
		([$host[] | select((.master // "") | test("^\($f)-c[0-9]+$")) | .ifname |
			select(test("^\($f)-r[0-9]+$") | not)] | sort) as $ports |
		([$show.nodes[] | select(.state != "missing") | .host_veth] | sort) as $want |
		if $ports != $want then
			"bridge ports vs host veths shown: got \($ports | join(" ")), want \($want | join(" "))"
		else empty end')
	[[ -z $bad ]] || fail "show $f: $(head -1 <<<"$bad")"
}

# run_two FUNCTION FUNCTION: both at once, each in a subshell of its own (a
# failure ends that one with its message); then fail if either failed.
run_two() {
	local first second rc=0
	("$1") &
	first=$!
	("$2") &
	second=$!
	wait "$first" || rc=1
	wait "$second" || rc=1
	[[ $rc -eq 0 ]] || fail "a worker failed (its message is above)"
}

# wait_gone [-t SECS] NAME...: netns teardown is asynchronous; poll until no
# link (host namespace) and no netns of any NAME is left. 1 on timeout.
wait_gone() {
	local secs=5 name left i
	if [[ "$1" == -t ]]; then
		secs=$2
		shift 2
	fi
	for ((i = 0; i <= secs * 10; i++)); do
		left=
		for name in "$@"; do
			if link_exists "$name" || [[ -e /run/netns/$name ]]; then
				left="$left $name"
			fi
		done
		[[ -z $left ]] && return 0
		sleep 0.1
	done
	log "still present after ${secs}s:$left"
	return 1
}

# leftovers PREFIX: everything on the host named after PREFIX, one a line
# ("netns NAME", "link NAME", "state DIR", "pin DIR", "saved FILE").
leftovers() {
	local p=$1 f
	for f in /run/netns/"$p"*; do [[ -e $f ]] && echo "netns ${f##*/}"; done
	for f in /sys/class/net/"$p"*; do [[ -e $f ]] && echo "link ${f##*/}"; done
	[[ -e /run/fabricctl/$p ]] && echo "state /run/fabricctl/$p"
	[[ -e /sys/fs/bpf/fabricctl/$p ]] && echo "pin /sys/fs/bpf/fabricctl/$p"
	for f in /var/lib/fabricctl/"$p"*.yaml; do [[ -e $f ]] && echo "saved $f"; done
	return 0
}

# wait_no_leftovers PREFIX [SECS]: 0 once nothing named after PREFIX is left.
wait_no_leftovers() {
	local i secs=${2:-5}
	for ((i = 0; i <= secs * 10; i++)); do
		[[ -z $(leftovers "$1") ]] && return 0
		sleep 0.1
	done
	return 1
}

# ----------------------------------------------------------------- ping

# Only addresses of the test's own fabrics may be pinged.
_ping_guard() {
	[[ "$1" =~ ^10\.2(1[0-9]|[2-5][0-9])\. ]] || fail "refusing to ping $1: not a test subnet"
}

# ping_once FROM ADDR: one echo, 2 s wait, no retry. FROM is a node or "host".
ping_once() {
	_ping_guard "$2"
	if [[ $1 == host ]]; then
		ping -n -q -c1 -W2 "$2" >/dev/null 2>&1
	else
		ip netns exec "$1" ping -n -q -c1 -W2 "$2" >/dev/null 2>&1
	fi
}

# ping_ok FROM ADDR: must answer (one retry for a lost first ARP).
ping_ok() {
	ping_once "$1" "$2" || ping_once "$1" "$2" || fail "$1 cannot ping $2"
}

# ------------------------------------------------------- clean-up at exit

# cleanup_fabric NAME...: at exit, destroy NAME; then whatever is still
# named after it (after waiting for the asynchronous teardown) is a leak:
# removed by hand, reported, and the test fails.
cleanup_fabric() {
	_FAB_FABRICS+=("$@")
}

# prom_config FILE TARGET...: a Prometheus configuration that scrapes the
# exporters at TARGET (ADDRESS:PORT) every second, job "fabricctl".
prom_config() {
	local file=$1 targets
	shift
	targets=$(printf "'%s', " "$@")
	cat >"$file" <<EOC
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: fabricctl
    static_configs:
      - targets: [${targets%, }]
EOC
}

# on_exit CMD: run CMD (eval'd) at exit, before the fabrics are destroyed.
on_exit() {
	_FAB_CLEANUPS+=("$1")
}

# foreign_netns NAME / foreign_link NAME: objects that are not fabricctl's,
# made by the test (removed at exit).
foreign_netns() {
	ip netns add "$1" || fail "cannot make foreign netns $1"
	on_exit "ip netns del '$1'"
}

# A link of a kind fabricctl never makes: dummy, or ifb/bridge on kernels
# built without dummy. FOREIGN_KIND says which.
foreign_link() {
	local kind
	for kind in dummy ifb bridge; do
		if ip link add "$1" type "$kind" 2>/dev/null; then
			# shellcheck disable=SC2034 # used by the tests
			FOREIGN_KIND=$kind
			on_exit "ip link del '$1'"
			return 0
		fi
	done
	fail "cannot make foreign link $1"
}

_fab_force_remove() {
	local p=$1 kind name
	while read -r kind name; do
		case $kind in
		netns) ip netns del "$name" ;;
		link) ip link del "$name" ;;
		state | pin | saved) rm -rf "$name" ;;
		esac
	done < <(leftovers "$p") >/dev/null 2>&1
}

_fab_on_exit() {
	local rc=$? i f left
	set +e
	trap - EXIT TERM INT
	for ((i = ${#_FAB_CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${_FAB_CLEANUPS[i]}" >/dev/null 2>&1
	done
	for f in "${_FAB_FABRICS[@]}"; do
		"$FABRICCTL" destroy "$f" >/dev/null 2>&1
	done
	for f in "${_FAB_FABRICS[@]}"; do
		wait_no_leftovers "$f" 5 && continue
		left=$(leftovers "$f" | tr '\n' ' ')
		printf '%s: destroy %s left behind: %s\n' "$TEST_NAME" "$f" "$left" >&2
		_fab_force_remove "$f"
		[[ $rc -eq 0 ]] && rc=1
	done
	rm -rf "$TEST_TMP"
	exit "$rc"
}

# A command that stops the test under set -e says which one it was.
_fab_on_err() {
	printf '%s: line %s: command failed (exit %s): %s\n' "$TEST_NAME" "$1" "$3" "$2" >&2
}
set -E
trap '_fab_on_err "$LINENO" "$BASH_COMMAND" "$?"' ERR
trap _fab_on_exit EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# tcx_link_ifindex PIN: the ifindex the tcx link pinned at PIN is attached
# to (0: detached), from the kernel's fdinfo of the link (Debian's bpftool
# 7.1 predates tcx and does not print it). Fails when PIN is no link.
tcx_link_ifindex() {
	python3 - "$1" <<'PY'
import ctypes, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
path = ctypes.create_string_buffer(sys.argv[1].encode())
attr = ctypes.create_string_buffer(struct.pack("QII", ctypes.addressof(path), 0, 0), 128)
fd = libc.syscall(321, 7, attr, 16)  # bpf(BPF_OBJ_GET) on x86_64
if fd < 0:
    sys.exit(1)
info = dict(l.split(":", 1) for l in open("/proc/self/fdinfo/%d" % fd) if ":" in l)
if info.get("link_type", "").strip() != "tcx":
    sys.exit(1)
print(info["ifindex"].strip())
PY
}
