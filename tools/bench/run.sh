#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Side-by-side benchmark: fabricctl against the ways people build the same
# bridge fabric by hand. See --help.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog=${0##*/}

usage() {
	cat <<USAGE
Usage: $prog [OPTIONS] FABRICCTL

Builds the same fabric (one bridge, N network namespaces, one veth pair each,
eth0 addressed from a /16, lo up, default route via the bridge's gateway
address) with each method in turn, and times setup and teardown.

Methods (each with its own names and subnet, run one after the other):
  fabricctl  FABRICCTL create bf --subnet 10.220.0.0/22 --cell-size 1024 --tune
             (one plain bridge like the others; N > 1021: --subnet
             10.220.0.0/16 and fabricctl's default cells);
             add-node bf --count N; destroy bf
  seed       tools/bench/seed.sh: one \`ip\` command per step       (bs*, 10.221/16)
  ip-batch   tools/bench/ipbatch.sh: \`ip -batch\`, one process for the
             host side, one per namespace for its inside          (bb*, 10.222/16)
  cni        tools/bench/cni.sh: CNI bridge + host-local + loopback
             plugins per node, as a runtime runs them (--with-cni) (bc*, 10.223/16)
  floor      tools/bench/floor.c compiled into a temp dir: only the kernel
             work, raw netlink via libmnl, one process              (bl*, 10.224/16)

Options:
  --n N          node count; repeat for several (default: 200)
  --with-cni     also run the CNI plugins (slow: three Go plugin execs per node)
  --repeat R     run every method R times (interleaved) and report the fastest
                 run of each (the least disturbed by other work on the host)
  --no-floor     do not build and run the floor program
  --only LIST    comma-separated subset of: fabricctl,seed,ip-batch,cni,floor
                 (FABRICCTL may then be omitted if fabricctl is not listed)
  --wait-quiet S on a shared host: before each run wait up to S seconds (default
                 10, CPU only) for the CPUs to be idle AND the mount table to be
                 back near its size at the start (others' namespaces gone)
  --ping         after each setup, ping once between two of the method's own
                 nodes (the only packets the benchmark ever sends)
  -h, --help     this text

Environment: IPBATCH_NS=ipn makes the ip-batch method enter each namespace with
\`ip -n NS -batch -\` instead of the default \`nsenter --net=... ip -batch -\`.

Columns: setup s = wall time until the setup command(s) returned; teardown s =
until teardown returned; gone s = until every namespace and link the method made
had really disappeared (namespace cleanup is asynchronous in the kernel); peak
RSS = largest resident set of any process of the setup (GNU time, %M); idle% =
CPU idle just before the run (lowest over repeats; low means other work on the
host disturbed the numbers); ratios = method time / fabricctl time (and / floor
time). Each method starts once the previous one's objects are really gone and
the host is idle again (or 10 s have passed).

Run as root. Nothing outside the names and subnets above is touched; an
existing object with one of those names stops the run before anything is made.
net.ipv4.ip_forward, which the CNI bridge plugin sets to 1, is put back by
cni.sh teardown (also when the run is interrupted).
Examples:
  $prog build/fabricctl
  $prog --n 100 --n 1000 --with-cni build/fabricctl
USAGE
}

die() {
	echo "$prog: $*" >&2
	exit 1
}

n_list=()
methods_all=(fabricctl seed ip-batch cni floor)
want_cni=0 want_floor=1 want_ping=0 only="" repeat=1 wait_quiet=10 max_mounts=0
fabricctl=""
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--n)
		[ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 2 ] ||
			{ echo "$prog: --n needs a number >= 2" >&2; exit 2; }
		n_list+=("$2")
		shift 2
		;;
	--n=*) set -- --n "${1#--n=}" "${@:2}" ;;
	--with-cni) want_cni=1; shift ;;
	--repeat)
		[ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] ||
			{ echo "$prog: --repeat needs a number >= 1" >&2; exit 2; }
		repeat=$2
		shift 2
		;;
	--no-floor) want_floor=0; shift ;;
	--ping) want_ping=1; shift ;;
	--wait-quiet)
		[ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] ||
			{ echo "$prog: --wait-quiet needs seconds" >&2; exit 2; }
		wait_quiet=$2 max_mounts=-1
		shift 2
		;;
	--only)
		[ $# -ge 2 ] || { echo "$prog: --only needs a list" >&2; exit 2; }
		only=$2
		shift 2
		;;
	-*) echo "$prog: unknown option $1 (see --help)" >&2; exit 2 ;;
	*)
		[ -z "$fabricctl" ] || { echo "$prog: one FABRICCTL only" >&2; exit 2; }
		fabricctl=$1
		shift
		;;
	esac
done
[ ${#n_list[@]} -gt 0 ] || n_list=(200)
repeat_note=""
[ "$repeat" -eq 1 ] || repeat_note=1

methods=()
if [ -n "$only" ]; then
	IFS=, read -ra req <<<"$only"
	for m in "${req[@]}"; do
		[[ " ${methods_all[*]} " == *" $m "* ]] ||
			{ echo "$prog: unknown method $m (see --help)" >&2; exit 2; }
	done
	for m in "${methods_all[@]}"; do
		[[ ",$only," == *",$m,"* ]] && methods+=("$m")
	done
else
	methods=(fabricctl seed ip-batch)
	[ $want_cni -eq 0 ] || methods+=(cni)
	[ $want_floor -eq 0 ] || methods+=(floor)
fi
has() { [[ " ${methods[*]} " == *" $1 "* ]]; }

if has fabricctl; then
	[ -n "$fabricctl" ] || { usage >&2; exit 2; }
	[ -x "$fabricctl" ] || die "$fabricctl: not an executable (run make first)"
	case $fabricctl in */*) fabricctl=$(cd "$(dirname "$fabricctl")" && pwd)/${fabricctl##*/} ;; esac
fi
[ "$(id -u)" -eq 0 ] || die "must run as root (it creates namespaces and links)"
command -v ip >/dev/null || die "ip (iproute2) not found"
gnutime=/usr/bin/time
[ -x $gnutime ] || gnutime=""

# ---- names and subnets of each method -------------------------------------
declare -A prefix=([fabricctl]=bf [seed]=bs [ip-batch]=bb [cni]=bc [floor]=bl)
declare -A base=([fabricctl]=10.220 [seed]=10.221 [ip-batch]=10.222 [cni]=10.223 [floor]=10.224)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fabricctl-bench.XXXXXX")
active=""   # method whose objects may exist right now
done_runs=0
runs=0 # runs measured so far
# per METHOD/N: l_* lists of every run, r_* what the report shows
declare -A r_setup r_teardown r_gone r_rss r_status r_idle l_setup l_teardown l_gone
active_n=0

# ---- cleanup, always -------------------------------------------------------
teardown_cmd() { # METHOD N -> argv of the teardown command in tcmd
	local m=$1 n=$2
	case $m in
	fabricctl) tcmd=("$fabricctl" destroy bf) ;;
	seed) tcmd=("$here/seed.sh" teardown "$n" bs "${base[seed]}") ;;
	ip-batch) tcmd=("$here/ipbatch.sh" teardown "$n" bb "${base[ip-batch]}") ;;
	cni) tcmd=("$here/cni.sh" teardown "$n" bc "${base[cni]}" "$tmp/cni") ;;
	floor) tcmd=("$tmp/floor" teardown "$n" bl "${base[floor]}") ;;
	esac
}

cleanup() {
	local rc=$? tcmd
	trap - EXIT INT TERM
	if [ -n "$active" ]; then
		echo "$prog: cleaning up $active ($active_n nodes)" >&2
		teardown_cmd "$active" "$active_n"
		"${tcmd[@]}" >/dev/null 2>&1 || echo "$prog: cleanup of $active failed; check ip netns list" >&2
		wait_gone "$active" 60 || true
	fi
	rm -rf "$tmp"
	if [ "$done_runs" = 0 ] && [ "$runs" -gt 0 ]; then
		echo "$prog: interrupted; results so far:" >&2
		summarize
		report
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- clocks and counters ---------------------------------------------------
now_us() { local t=$EPOCHREALTIME; echo $((10#${t/./})); }

# Other work may run on the same host, so a method's objects are found by
# their names, never by "whatever appeared since we started".
declare -A ns_glob=([fabricctl]='bf-n[0-9]*' [seed]='bs[0-9]*' [ip-batch]='bb[0-9]*' [cni]='bc[0-9]*' [floor]='bl[0-9]*')
declare -A link_glob=([fabricctl]='bf-[0-9]* bf-c[0-9]*' [seed]='bs-br bs[0-9]*-h'
	[ip-batch]='bb-br bb[0-9]*-h' [cni]='bc-br' [floor]='bl-br bl[0-9]*-h')
# the CNI plugin names host veths veth<random>: recorded from the bridge after setup
cni_veths=()

count_netns() { # METHOD
	local a
	shopt -s nullglob
	# shellcheck disable=SC2206 # the glob is meant to expand
	a=(/run/netns/${ns_glob[$1]})
	shopt -u nullglob
	echo ${#a[@]}
}
count_links() { # METHOD
	local a=() g f
	for g in ${link_glob[$1]}; do
		for f in /sys/class/net/$g; do
			[ ! -e "$f" ] || a+=("$f")
		done
	done
	if [ "$1" = cni ]; then
		for g in "${cni_veths[@]}"; do
			[ ! -e "/sys/class/net/$g" ] || a+=("$g")
		done
	fi
	echo ${#a[@]}
}

# wait_gone METHOD TIMEOUT_S: until none of the method's namespaces and links
# exist any more
wait_gone() {
	local deadline=$(($(now_us) + $2 * 1000000))
	while [ "$(count_links "$1")" -gt 0 ] || [ "$(count_netns "$1")" -gt 0 ]; do
		[ "$(now_us)" -lt "$deadline" ] || return 1
		sleep 0.02
	done
}

cpu_idle_pct() { # percent of CPU time idle over the next 0.3 s
	local a b ta=0 tb=0 i
	read -ra a </proc/stat
	sleep 0.3
	read -ra b </proc/stat
	for i in 1 2 3 4 5 6 7 8; do ta=$((ta + a[i])); tb=$((tb + b[i])); done
	local dt=$((tb - ta)) di=$((b[4] + b[5] - a[4] - a[5]))
	[ $dt -gt 0 ] || { echo 100; return; }
	echo $((100 * di / dt))
}

# settle [quiet]: before a run, wait until the CPUs are >= 90% idle over 0.3 s
# twice in a row (the kernel's deferred cleanup of the previous method done)
# and, with --wait-quiet, until the host's mount table is back near its
# size at the start (other work's namespaces gone: every `ip -n` copies it).
# Gives up after --wait-quiet seconds (default 10) and says so.
settle() {
	local ok=0 idle=100 mounts deadline=$(($(now_us) + wait_quiet * 1000000))
	while :; do
		idle=$(cpu_idle_pct)
		mounts=$(wc -l </proc/self/mountinfo)
		if [ "$idle" -ge 90 ] && { [ "$max_mounts" -eq 0 ] || [ "$mounts" -le "$max_mounts" ]; }; then
			ok=$((ok + 1))
		else
			ok=0
		fi
		[ $ok -lt 2 ] || break
		[ "$(now_us)" -lt "$deadline" ] || break
	done
	[ "${1:-}" = quiet ] && return
	last_idle=$idle
	[ $ok -ge 2 ] || echo "$prog: warning: host still busy (${idle}% idle, $mounts mounts) -- other work disturbs the numbers" >&2
}

# timed VAR_US VAR_RSS CMD...: run CMD, add its wall time (us) to VAR_US and
# raise VAR_RSS (KiB) to its peak RSS; returns CMD's status
timed() {
	local -n _us=$1 _rss=$2
	shift 2
	local t0 t1 rc=0 r
	t0=$(now_us)
	if [ -n "$gnutime" ]; then
		$gnutime -f '%M' -o "$tmp/rss" "$@" >"$tmp/out" 2>&1 || rc=$?
	else
		"$@" >"$tmp/out" 2>&1 || rc=$?
	fi
	t1=$(now_us)
	_us=$((_us + t1 - t0))
	if [ -n "$gnutime" ]; then
		r=$(tail -n1 "$tmp/rss")
		[[ $r =~ ^[0-9]+$ ]] && [ "$r" -gt "$_rss" ] && _rss=$r
	fi
	if [ $rc -ne 0 ]; then
		echo "$prog: failed ($rc): $*" >&2
		sed 's/^/    /' "$tmp/out" | tail -n 20 >&2
	fi
	return $rc
}

# ---- preflight: never take over or delete what is not ours -----------------
preflight() {
	local m b
	for m in "${methods[@]}"; do
		b=${base[$m]}
		if [ "$(count_netns "$m")" -gt 0 ] || [ "$(count_links "$m")" -gt 0 ]; then
			die "namespaces /run/netns/${ns_glob[$m]} or links ${link_glob[$m]} exist already; not ours, stopping"
		fi
		if ip -4 route show table all | grep "^\(local \|broadcast \)\?${b//./\\.}\.[0-9]" >/dev/null; then
			die "subnet $b.0.0/16 is in use on this host; stopping"
		fi
	done
	if has fabricctl && "$fabricctl" show bf >/dev/null 2>&1; then
		die "a fabric named bf exists already; stopping"
	fi
}

build_floor() {
	[ -f "$here/floor.c" ] || return 1
	local mnl
	mnl=$(pkg-config --cflags --libs libmnl 2>/dev/null || echo -lmnl)
	# shellcheck disable=SC2086 # flags are words
	if ! ${CC:-cc} -O2 -std=gnu11 -Wall -o "$tmp/floor" "$here/floor.c" $mnl >"$tmp/cc.log" 2>&1; then
		echo "$prog: floor.c did not build (libmnl-dev missing?); skipping the floor" >&2
		sed 's/^/    /' "$tmp/cc.log" | head -n 10 >&2
		return 1
	fi
}

# ---- one method at one N ---------------------------------------------------

verify() { # M N: count what was made; optionally ping between two nodes
	local m=$1 n=$2
	local made_ns made_links
	made_ns=$(count_netns "$m")
	made_links=$(count_links "$m")
	if [ "$made_ns" -ne "$n" ] || [ "$made_links" -le "$n" ]; then
		echo "$prog: $m at N=$n made $made_ns namespaces and $made_links host links, want $n" >&2
		return 1
	fi
	if [ $want_ping -eq 1 ]; then
		command -v ping >/dev/null || { echo "$prog: no ping binary; skipping --ping" >&2; return 0; }
		local a z addr nss
		shopt -s nullglob
		# shellcheck disable=SC2206 # the glob is meant to expand
		nss=(/run/netns/${ns_glob[$m]})
		shopt -u nullglob
		a=${nss[0]##*/} z=${nss[-1]##*/}
		addr=$(ip -n "$z" -4 -o addr show dev eth0 | awk '{sub("/.*", "", $4); print $4; exit}')
		if ! ip netns exec "$a" ping -c 1 -W 3 "$addr" >/dev/null; then
			echo "$prog: $m: ping $a -> $z ($addr) failed" >&2
			return 1
		fi
	fi
}

run_method() {
	local m=$1 n=$2 key="$1/$2" s_us=0 t_us=0 rss=0 ok=1 t0 tcmd gone_ms mounts_before
	local p=${prefix[$m]} b=${base[$m]} fc_create
	# The same fabric as the others: up to 1021 nodes, ONE plain bridge
	# (a /22 in one cell of 1024); beyond, fabricctl's cells over the /16.
	# --tune: fabricctl refuses sizes the host's neighbour tables cannot
	# serve; the values it raises are put back by destroy.
	if [ "$n" -le 1021 ]; then
		fc_create=(--subnet "$b.0.0/22" --cell-size 1024)
	else
		fc_create=(--subnet "$b.0.0/16")
	fi
	# (help read whole first: grep -q quitting early would SIGPIPE the
	# writer, and under pipefail the test would fail now and then)
	if [[ $("$fabricctl" create --help 2>&1) == *--tune* ]]; then
		fc_create+=(--tune)
	fi
	settle
	mounts_before=$(wc -l </proc/self/mountinfo)
	active=$m active_n=$n
	case $m in
	fabricctl)
		timed s_us rss "$fabricctl" create bf "${fc_create[@]}" &&
			timed s_us rss "$fabricctl" add-node bf --count "$n" || ok=0
		;;
	seed) timed s_us rss "$here/seed.sh" setup "$n" "$p" "$b" || ok=0 ;;
	ip-batch) timed s_us rss "$here/ipbatch.sh" setup "$n" "$p" "$b" || ok=0 ;;
	cni)
		timed s_us rss "$here/cni.sh" setup "$n" "$p" "$b" "$tmp/cni" || ok=0
		cni_veths=()
		local v
		for v in /sys/class/net/bc-br/brif/*; do
			[ -e "$v" ] && cni_veths+=("${v##*/}")
		done
		;;
	floor) timed s_us rss "$tmp/floor" setup "$n" "$p" "$b" || ok=0 ;;
	esac
	if [ $ok -eq 1 ]; then
		verify "$m" "$n" || ok=0
	fi
	settle quiet
	teardown_cmd "$m" "$n"
	t0=$(now_us)
	# shellcheck disable=SC2034 # teardown's RSS is not reported
	local t_rss=0
	timed t_us t_rss "${tcmd[@]}" || ok=0
	if wait_gone "$m" 120; then
		gone_ms=$((($(now_us) - t0) / 1000))
		active=""
	else
		echo "$prog: $m at N=$n: objects still present 120 s after teardown" >&2
		gone_ms=-1
		ok=0
	fi
	runs=$((runs + 1))
	# A failed run's times are not a measurement: only good runs compete for best.
	if [ $ok -eq 1 ]; then
		l_setup[$key]+=" $((s_us / 1000))"
		l_teardown[$key]+=" $((t_us / 1000))"
		l_gone[$key]+=" ${gone_ms}"
	fi
	[ "${r_rss[$key]:-0}" -ge "$rss" ] || r_rss[$key]=$rss
	[ -n "${r_idle[$key]:-}" ] && [ "${r_idle[$key]}" -le "$last_idle" ] || r_idle[$key]=$last_idle
	[ "${r_status[$key]:-1}" = 0 ] || r_status[$key]=$ok
	echo "$prog:   setup $(ms_s $((s_us / 1000))) s, teardown $(ms_s $((t_us / 1000))) s, gone $(ms_s $((gone_ms < 0 ? 0 : gone_ms))) s (before: host ${last_idle}% idle, $mounts_before mounts)" >&2
	[ $ok -eq 1 ] || failed=1
}

# The fastest of the runs: the work is the same each time, so the slowest runs
# are the ones other work on the host disturbed most.
best() { # NUMBERS... -> the smallest
	printf '%s\n' "$@" | sort -n | head -n1
}

summarize() {
	local k
	for k in "${!l_setup[@]}"; do
		# shellcheck disable=SC2086 # lists of numbers
		r_setup[$k]=$(best ${l_setup[$k]})
		# shellcheck disable=SC2086
		r_teardown[$k]=$(best ${l_teardown[$k]})
		if [[ " ${l_gone[$k]} " == *" -1 "* ]]; then
			r_gone[$k]=-1
		else
			# shellcheck disable=SC2086
			r_gone[$k]=$(best ${l_gone[$k]})
		fi
	done
}

# ---- report ------------------------------------------------------------------
mib() { printf '%d.%d' $(($1 / 1024)) $(($1 * 10 / 1024 % 10)); }
ms_s() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
ratio() { # A_MS B_MS -> "A/B" with one decimal
	[ "$2" -gt 0 ] && [ "$1" -ge 0 ] || { echo "-"; return; }
	local x=$(((1000 * $1 / $2 + 5) / 10))
	printf '%d.%02dx' $((x / 100)) $((x % 100))
}
label() {
	case $1 in
	fabricctl) echo fabricctl ;; seed) echo "seed script" ;; ip-batch) echo "ip -batch" ;;
	cni) echo "CNI plugins" ;; floor) echo "floor (C)" ;;
	esac
}

both_ok() { [ "${r_status[$1]:-0}" = 1 ] && [ "${r_status[$2]:-0}" = 1 ]; }

report() {
	local n m k ref fl
	printf '\n%-12s %6s %9s %8s %11s %8s %9s %5s %9s %10s' method N "setup s" ms/node \
		"teardown s" "gone s" "peak RSS" idle% "setup x" "teardn x"
	has floor && printf ' %9s' "setup/flr"
	printf '\n'
	for n in "${n_list[@]}"; do
		ref=fabricctl/$n fl=floor/$n
		for m in "${methods[@]}"; do
			k=$m/$n
			[ -n "${r_status[$k]:-}" ] || continue
			if [ -z "${r_setup[$k]:-}" ]; then # no run of it succeeded
				printf '%-12s %6d  every run FAILED\n' "$(label "$m")" "$n"
				continue
			fi
			printf '%-12s %6d %9s %8s %11s %8s %8sM %5s %9s %10s' "$(label "$m")" "$n" \
				"$(ms_s "${r_setup[$k]}")" \
				"$(ms_s $((r_setup[$k] * 1000 / n)))" \
				"$(ms_s "${r_teardown[$k]}")" \
				"$([ "${r_gone[$k]}" -ge 0 ] && ms_s "${r_gone[$k]}" || echo "-")" \
				"$(mib "${r_rss[$k]}")" "${r_idle[$k]}" \
				"$(both_ok "$k" "$ref" && ratio "${r_setup[$k]}" "${r_setup[$ref]}" || echo -)" \
				"$(both_ok "$k" "$ref" && ratio "${r_teardown[$k]}" "${r_teardown[$ref]}" || echo -)"
			has floor && printf ' %9s' "$(both_ok "$k" "$fl" && ratio "${r_setup[$k]}" "${r_setup[$fl]}" || echo -)"
			[ "${r_status[$k]}" = 1 ] || printf '  FAILED'
			printf '\n'
		done
	done
	printf '\n'
	for n in "${n_list[@]}"; do
		ref=fabricctl/$n fl=floor/$n
		[ ${#n_list[@]} -eq 1 ] || printf 'N=%d\n' "$n"
		if [ "${r_status[$ref]:-0}" = 1 ]; then
			for m in "${methods[@]}"; do
				[ "$m" != fabricctl ] && [ "$m" != floor ] && [ "${r_status[$m/$n]:-0}" = 1 ] || continue
				printf 'setup: %s / fabricctl = %s\n' "$(label "$m")" "$(ratio "${r_setup[$m/$n]}" "${r_setup[$ref]}")"
			done
			for m in "${methods[@]}"; do
				[ "$m" != fabricctl ] && [ "$m" != floor ] && [ "${r_status[$m/$n]:-0}" = 1 ] || continue
				printf 'teardown: %s / fabricctl = %s\n' "$(label "$m")" "$(ratio "${r_teardown[$m/$n]}" "${r_teardown[$ref]}")"
			done
			if [ "${r_status[$fl]:-0}" = 1 ]; then
				printf 'setup: fabricctl / floor = %s\n' "$(ratio "${r_setup[$ref]}" "${r_setup[$fl]}")"
			fi
		fi
	done
}

# ---- main --------------------------------------------------------------------
preflight
if has floor && ! build_floor; then
	m2=()
	for m in "${methods[@]}"; do [ "$m" = floor ] || m2+=("$m"); done
	methods=("${m2[@]}")
fi
[ ${#methods[@]} -gt 0 ] || die "no method to run"
failed=0
echo "$prog: $(nproc) CPUs, kernel $(uname -r), $(ip -V | sed 's/ip utility, //; s/,.*//'), methods: ${methods[*]}, N: ${n_list[*]}" >&2
other=$(($(find /run/netns -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)))
[ "$other" -lt 50 ] || echo "$prog: note: $other namespaces already exist on this host; every \`ip -n\` copies the mount table ($(wc -l </proc/self/mountinfo) mounts), so the ip-based methods run slower than on an empty host" >&2
last_idle=100
[ "$max_mounts" -ge 0 ] || max_mounts=$(($(wc -l </proc/self/mountinfo) + 20))
for n in "${n_list[@]}"; do
	for ((rep = 1; rep <= repeat; rep++)); do
		for m in "${methods[@]}"; do
			echo "$prog: $(label "$m") N=$n${repeat_note:+ (run $rep of $repeat)} ..." >&2
			run_method "$m" "$n"
		done
	done
done
done_runs=1
summarize
report
exit $failed
