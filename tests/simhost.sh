# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Simulated hosts for multi-host tests, sourced after tests/lib.sh:
#
#   . "$(dirname "$0")/../simhost.sh"
#   simhost_up "$F" 1 ; simhost_up "$F" 2
#   on_host 1 "$FABRICCTL" create ...
#
# A simulated host N is a network namespace "<F>h<N>" on the real host plus
# a mount (and UTS) namespace held open by a holder process. Inside it:
# a tmpfs on /run (private /run/netns, /run/fabricctl), an overlay on
# /var/lib whose upper layer is in that tmpfs (private /var/lib/fabricctl,
# nothing written to the disk), a tmpfs on /var/tmp and a bpffs of its own
# on /sys/fs/bpf (`ip netns exec` already gives a fresh sysfs). fabricctl
# runs inside unchanged: the product has no idea it is not a real host.
#
# Every process of host N (the holder, whatever on_host starts) lives in the
# cgroup2 "<F>h<N>" so that simhost_down finds them all (cgroup.kill), even
# those inside namespaces fabricctl made in the host. Deleting the host's
# network namespace then takes its veths, bridges and nested namespaces.
# simhost_down_all runs from the EXIT trap of lib.sh (on_exit).

# cgroup2: the unified hierarchy of a hybrid set-up, or the root of a pure one
SIMHOST_CGROOT=/sys/fs/cgroup/unified
[[ -e $SIMHOST_CGROOT/cgroup.procs ]] || SIMHOST_CGROOT=/sys/fs/cgroup
SIMHOST_SELF=$(readlink -f "${BASH_SOURCE[0]}")
_SIMHOSTS=() # "<F>h<N>" of the hosts made, for simhost_down_all

_simhost_cg() { echo "$SIMHOST_CGROOT/$1"; }
_simhost_pidfile() { echo "$TEST_TMP/$1.pid"; }

# simhost_holder NAME: body of the holder (run as its own process).
simhost_holder() {
	local name=$1
	set -e
	hostname "$name"
	# The copies of the real host's mounts under /run (every /run/netns/*
	# nsfs bind mount) would pin those namespaces while this host lives.
	# A lazy umount detaches a whole subtree: only the topmost ones, so
	# that thousands of namespaces of others cost a few umounts, not one each.
	findmnt -rn -o TARGET | grep -E '^/run(/|$)' | sort -u |
		awk 'top == "" || index($0, top "/") != 1 { top = $0; print }' |
		while read -r t; do umount -l "$t"; done
	mount -t tmpfs -o mode=755,size=64m tmpfs /run
	mkdir -p /run/netns /run/lock /run/.simhost/up /run/.simhost/work
	mount -t overlay overlay \
		-o lowerdir=/var/lib,upperdir=/run/.simhost/up,workdir=/run/.simhost/work /var/lib
	mount -t tmpfs -o mode=1777,size=64m tmpfs /var/tmp
	mount -t bpf -o mode=700 bpf /sys/fs/bpf
	ip link set lo up
	echo $$ >"$2"
	exec sleep infinity
}

# simhost_up PREFIX N: make simulated host "<PREFIX>h<N>" and wait for it.
simhost_up() {
	local name=$1h$2 cg pidfile i
	cg=$(_simhost_cg "$name")
	pidfile=$(_simhost_pidfile "$name")
	[[ -w $SIMHOST_CGROOT/cgroup.procs ]] || skip "no writable cgroup2 at $SIMHOST_CGROOT"
	_SIMHOSTS+=("$name")
	mkdir "$cg"
	ip netns add "$name"
	(
		echo "$BASHPID" >"$cg/cgroup.procs"
		# shellcheck disable=SC2016 # expanded by the inner bash
		exec setsid ip netns exec "$name" unshare --mount --uts --propagation private \
			bash -c '. "$1"; simhost_holder "$2" "$3"' simhost "$SIMHOST_SELF" "$name" "$pidfile"
	) </dev/null >"$TEST_TMP/$name.log" 2>&1 &
	# a loaded machine with many mounts makes `ip netns exec` slow: 20 s
	for ((i = 0; i < 400; i++)); do
		[[ -s $pidfile ]] && return 0
		sleep 0.05
	done
	cat "$TEST_TMP/$name.log" >&2
	fail "simulated host $name did not come up"
}

# on_host N CMD...: run CMD on simulated host "<F>h<N>" (its network, mount
# and UTS namespaces, in its cgroup). Uses $SIMHOST_PREFIX (set by simhost_up's
# caller, normally the test's fabric name).
on_host() {
	local name=${SIMHOST_PREFIX}h$1 pid
	shift
	pid=$(<"$(_simhost_pidfile "$name")")
	(
		echo "$BASHPID" >"$(_simhost_cg "$name")/cgroup.procs"
		exec nsenter -t "$pid" -m -n -u -- "$@"
	)
}

# fab_on N ARGS...: `fab` (lib.sh) on simulated host N.
fab_on() {
	local n=$1
	shift
	if on_host "$n" "$FABRICCTL" "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"; then
		FAB_RC=0
	else
		FAB_RC=$?
	fi
	# shellcheck disable=SC2034 # read by the tests
	FAB_OUT=$(cat "$TEST_TMP/out")
	# shellcheck disable=SC2034
	FAB_ERR=$(cat "$TEST_TMP/err")
}

fab_on_ok() {
	fab_on "$@"
	if [[ $FAB_RC -ne 0 ]]; then
		_fab_show_run "${@:2}"
		fail "on host $1: fabricctl ${*:2} failed (exit $FAB_RC)"
	fi
}

simhost_down() {
	local name=$1 cg i
	cg=$(_simhost_cg "$name")
	if [[ -d $cg ]]; then
		# cgroupfs files have size 0: read them, never test -s
		[[ -n $(<"$cg/cgroup.procs") ]] && echo 1 >"$cg/cgroup.kill"
		for ((i = 0; i < 100; i++)); do
			[[ -n $(<"$cg/cgroup.procs") ]] || break
			sleep 0.05
		done
		# dying tasks keep the cgroup busy a moment after cgroup.procs is empty
		for ((i = 0; i < 50; i++)); do
			rmdir "$cg" 2>/dev/null && break
			sleep 0.1
		done
		[[ ! -d $cg ]] || log "WARNING: cannot remove cgroup $cg"
	fi
	if [[ -e /run/netns/$name ]]; then ip netns del "$name"; fi
}

simhost_down_all() {
	local h
	for h in "${_SIMHOSTS[@]}"; do simhost_down "$h"; done
	_SIMHOSTS=()
}
