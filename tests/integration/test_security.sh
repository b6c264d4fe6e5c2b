#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Security of what fabricctl keeps on the host and of what it touches:
#  1. /run/fabricctl and every fabric directory are 0700 root, their files
#     0600 root; /sys/fs/bpf/fabricctl and the fabric's pin directory 0700
#     root, pins not readable by others.
#  2. A symlink planted at /run/fabricctl/<new fabric> (to a directory of
#     the test's in /tmp) makes create refuse; nothing is written through it.
#  3. A foreign state (a symlink, a directory, garbage, a world-writable
#     fabric directory, a symlinked lock) is refused, never followed, never
#     overwritten.
#  4. Never touching what is not ours when names collide: a foreign link
#     named like the next host veth (with its own clsact qdisc and filter),
#     a foreign netns named like a --count name, a foreign clsact qdisc on a
#     foreign link, a foreign pin directory /sys/fs/bpf/fabricctl/<fabric>
#     (empty, and with a pin inside).
#  5. Not root: show, stats and list say "needs root" (exit 1).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
command -v tc >/dev/null || skip "tc (iproute2) is not installed"

F=$(fab_name) # a normal fabric
G=$(fab_name) # names planted before it exists
H=$(fab_name) # foreign pin directory
cleanup_fabric "$F" "$G" "$H"
NET=10.216.0

mode_owner() { stat -c '%a %U' "$1"; }

# ---------------------------------------------------------------- 1. modes
fab_ok create "$F" --subnet $NET.0/24
fab_ok add-node "$F" "${F}a"
assert_eq "$(mode_owner /run/fabricctl)" "700 root" "/run/fabricctl"
assert_eq "$(mode_owner "/run/fabricctl/$F")" "700 root" "/run/fabricctl/$F"
n=0
while read -r f; do
	n=$((n + 1))
	assert_eq "$(mode_owner "$f")" "600 root" "$f"
done < <(find "/run/fabricctl/$F" -mindepth 1)
[[ $n -ge 1 ]] || fail "no files in /run/fabricctl/$F"
[[ -z $(find "/run/fabricctl/$F" -mindepth 1 ! -type f) ]] || fail "not only files in /run/fabricctl/$F: $(find "/run/fabricctl/$F" -mindepth 1 ! -type f)"
assert_eq "$(mode_owner /sys/fs/bpf/fabricctl)" "700 root" "/sys/fs/bpf/fabricctl"
assert_eq "$(mode_owner "/sys/fs/bpf/fabricctl/$F")" "700 root" "/sys/fs/bpf/fabricctl/$F"
while read -r f; do
	m=$(stat -c %a "$f")
	[[ $((8#$m & 8#077)) -eq 0 ]] || fail "pin $f has mode $m: readable by others"
	assert_eq "$(stat -c %U "$f")" root "owner of pin $f"
done < <(find "/sys/fs/bpf/fabricctl/$F" -mindepth 1)
# No world-writable or foreign-owned object anywhere below the roots.
bad=$(find /run/fabricctl /sys/fs/bpf/fabricctl \( -perm -o+w -o ! -user root \) -print 2>/dev/null | head -5)
[[ -z $bad ]] || fail "world-writable or non-root objects: $bad"

# From here on a failed check is recorded and the test goes on, so that one
# run lists every hole; the test fails at the end if there was any.
SOFT_FAILS=()
fail() {
	SOFT_FAILS+=("$*")
	printf '%s: FAIL: %s\n' "$TEST_NAME" "$*" >&2
	return 0
}

# ------------------------------------------- 2. symlink at a new fabric dir
trap_dir=$(mktemp -d /tmp/fabricctl-planted.XXXXXX)
on_exit "rm -rf '$trap_dir'"
chown 65534:65534 "$trap_dir"
ln -s "$trap_dir" "/run/fabricctl/$G"
on_exit "rm -f '/run/fabricctl/$G'"
fab_rc 1 create "$G" --subnet 10.216.1.0/24 # (any subnet: refused before)
fab_err_line
assert_match "$FAB_ERR" "/run/fabricctl/$G|symlink|refus|directory" "error for a planted symlink"
[[ -L /run/fabricctl/$G ]] || fail "the planted symlink /run/fabricctl/$G was removed or replaced"
assert_eq "$(readlink "/run/fabricctl/$G")" "$trap_dir" "target of the planted symlink"
assert_eq "$(find "$trap_dir" -mindepth 1 | wc -l)" 0 "files written through the symlink into $trap_dir"
link_exists "$G-c0" && fail "create through a planted symlink made bridge $G-c0"
[[ -e /sys/fs/bpf/fabricctl/$G ]] && fail "create through a planted symlink left pins"
# Every other command refuses it too (it is not a fabric), even when the
# directory behind it holds what looks like a record and a lock: nothing
# there is read as a fabric, changed or removed.
printf 'fabricctl-state 1\nsubnet 10.216.1.0/24\nmtu 1500\ngroup 4242\ncell_size 256\n' >"$trap_dir/state"
: >"$trap_dir/lock"
: >"$trap_dir/.lock"
chown 65534:65534 "$trap_dir"/*  "$trap_dir/.lock"
chmod 0600 "$trap_dir/state"
trap_files() { (cd "$trap_dir" && ls -la --time-style=+%s.%N . && { md5sum state 2>/dev/null || echo "state gone"; }); }
trap_sum=$(trap_files)
fab_rc 1 show "$G"
fab_rc 1 add-node "$G" "${G}a"
fab_rc 1 stats "$G"
fab list -j
[[ $(jq -r --arg g "$G" '[.[] | select(.name == $g)] | length' <<<"$FAB_OUT") -eq 0 ]] || fail "list shows the planted symlink $G as a fabric"
fab destroy "$G" # "nothing to destroy" (0) or a refusal (1); never through the link
[[ $FAB_RC -le 1 ]] || fail "destroy $G with a planted symlink: exit $FAB_RC"
[[ -L /run/fabricctl/$G ]] || fail "destroy removed the planted symlink /run/fabricctl/$G"
assert_eq "$(trap_files)" "$trap_sum" "files behind the planted symlink"
netns_exists "${G}a" && fail "add-node through a planted symlink made netns ${G}a"
rm -f "$trap_dir"/* "$trap_dir/.lock"
rm -f "/run/fabricctl/$G"

# --------------------------------------------------- 3. foreign state files
# a. The record is a symlink to a file of ours that looks like a record.
mkdir -m 0700 "/run/fabricctl/$G"
on_exit "rm -rf '/run/fabricctl/$G'"
printf 'fabricctl-state 1\nsubnet %s\nmtu 1500\ngroup 4242\ncell_size 64\n' "10.216.1.0/24" >"$trap_dir/state"
ln -s "$trap_dir/state" "/run/fabricctl/$G/state"
sum=$(md5sum <"$trap_dir/state")
for args in "show $G" "add-node $G ${G}a" "del-node $G --all" "stats $G"; do
	# shellcheck disable=SC2086
	fab $args
	[[ $FAB_RC -eq 1 ]] || { _fab_show_run $args; fail "fabricctl $args with a symlinked record: exit $FAB_RC, want 1"; }
	fab_err_line
done
netns_exists "${G}a" && fail "add-node with a symlinked record made netns ${G}a"
assert_eq "$(md5sum <"$trap_dir/state")" "$sum" "file behind the symlinked record"
fab list -j
# Listed as broken (with the way out), never read through the symlink.
assert_eq "$(jq -r --arg g "$G" '[.[] | select(.name == $g)][0].status' <<<"$FAB_OUT")" broken "list of a fabric whose record is a symlink"
assert_contains "$(jq -r --arg g "$G" '[.[] | select(.name == $g)][0].error' <<<"$FAB_OUT")" "symlink" "why it is broken"
assert_eq "$(md5sum <"$trap_dir/state")" "$sum" "file behind the symlinked record after list"
# b. The record is a directory, then garbage.
rm -f "/run/fabricctl/$G/state"
mkdir "/run/fabricctl/$G/state"
fab_rc 1 add-node "$G" "${G}a"
rmdir "/run/fabricctl/$G/state"
printf 'fabricctl-state 1\nsubnet 10.216.1.0/24\nmtu 1500\ngroup 4242\ncell_size 64\nnode 5 ../../etc 7\n' >"/run/fabricctl/$G/state"
chmod 0600 "/run/fabricctl/$G/state"
fab_rc 1 show "$G"
fab_err_line
assert_match "$FAB_ERR" "corrupt|state|record" "error for a corrupt record"
fab_rc 1 add-node "$G" "${G}a"
netns_exists "${G}a" && fail "add-node on a corrupt record made netns ${G}a"
rm -rf "/run/fabricctl/$G"

# c. F's directory made world-writable by someone: refused, not "fixed" silently.
chmod 0777 "/run/fabricctl/$F"
fab add-node "$F" "${F}w"
chmod 0700 "/run/fabricctl/$F"
[[ $FAB_RC -eq 1 ]] || { _fab_show_run add-node "$F" "${F}w"; fail "add-node into a world-writable fabric directory: exit $FAB_RC, want 1"; }
netns_exists "${F}w" && fail "add-node into a world-writable fabric directory made ${F}w"

# d. F's lock file replaced by a symlink to a file of ours: not followed.
lockf=$(find "/run/fabricctl/$F" -maxdepth 1 -name '*lock*' | head -1)
if [[ -n $lockf ]]; then
	echo "precious" >"$trap_dir/precious"
	mv "$lockf" "$TEST_TMP/lock.saved"
	ln -s "$trap_dir/precious" "$lockf"
	fab add-node "$F" "${F}l"
	rm -f "$lockf"
	mv "$TEST_TMP/lock.saved" "$lockf"
	[[ $FAB_RC -eq 1 ]] || { _fab_show_run add-node "$F" "${F}l"; fail "add-node with a symlinked lock: exit $FAB_RC, want 1"; }
	assert_eq "$(cat "$trap_dir/precious")" precious "file behind the symlinked lock"
	netns_exists "${F}l" && fail "add-node with a symlinked lock made ${F}l"
else
	log "no lock file in /run/fabricctl/$F: symlinked-lock case not run"
fi
ping_ok "${F}a" $NET.1

# ------------------------------------------ 4. foreign objects, same names
# The next node of F gets the lowest free slot: a foreign link takes its
# host veth's name.
fab_ok -j show "$F"
S=2
while jq -e --arg v "$F-$S" '.nodes[] | select(.host_veth == $v)' <<<"$FAB_OUT" >/dev/null; do S=$((S + 1)); done
foreign_link "$F-$S"
ip link set "$F-$S" alias "not-fabricctl"
tc qdisc add dev "$F-$S" clsact
# (classic BPF "accept": the one classifier every kernel with tc BPF has)
tc filter add dev "$F-$S" ingress bpf bytecode '1,6 0 0 4294967295,'
# A foreign clsact qdisc and filter on a foreign link named after the fabric.
foreign_link "${F}q"
tc qdisc add dev "${F}q" clsact
tc filter add dev "${F}q" egress bpf bytecode '1,6 0 0 4294967295,'
foreign_netns "${F}n2"
snap_foreign() {
	local l
	for l in "$F-$S" "${F}q"; do
		ip -j -d link show dev "$l" | jq -c '.[0] | {ifname, ifindex, master, group, ifalias, operstate, mtu, address}'
		tc -j qdisc show dev "$l" | jq -c '[.[] | {kind, handle}]'
		tc -j filter show dev "$l" ingress | jq -c '[.[] | .kind]'
		tc -j filter show dev "$l" egress | jq -c '[.[] | .kind]'
	done
	stat -c '%n %i' "/run/netns/${F}n2"
	ip -n "${F}n2" -j link show | jq -c '[.[].ifname]'
}
# Dumps on a busy host can be cut short ("Dump was interrupted"): read
# until two readings agree.
snap_stable() {
	local a b i
	a=$(snap_foreign 2>/dev/null)
	for ((i = 0; i < 5; i++)); do
		b=$(snap_foreign 2>/dev/null)
		[[ $a == "$b" ]] && break
		a=$b
	done
	echo "$a"
}
fsnap=$(snap_stable)
log "foreign objects: $fsnap"

fab add-node "$F" "${F}b"
log "add-node next to a foreign $F-$S: exit $FAB_RC: ${FAB_ERR:-ok}"
if [[ $FAB_RC -eq 0 ]]; then
	# It may take another slot; never the foreign link.
	fab_ok -j show "$F"
	v=$(jq -r --arg n "${F}b" '.nodes[] | select(.name == $n) | .host_veth' <<<"$FAB_OUT")
	assert_ne "$v" "$F-$S" "host veth of ${F}b"
	ping_ok "${F}b" $NET.1
else
	assert_eq "$FAB_RC" 1 "exit of add-node next to a foreign $F-$S"
	fab_err_line
	assert_contains "$FAB_ERR" "$F-$S" "error for a foreign link named like the host veth"
	netns_exists "${F}b" && fail "a failed add-node left netns ${F}b"
fi
assert_eq "$(snap_stable)" "$fsnap" "foreign link, qdiscs, filters and netns after a refused add-node"
# (The refused slot is not skipped: every later add-node of F would trip
# on it, so the foreign link goes before the --count case.)
ip link del "$F-$S"
fab_ok add-node "$F" --count 3 --prefix "${F}n"
fab_ok -j show "$F"
assert_eq "$(jq -r '[.nodes[].name | select(startswith("'"${F}n"'"))] | sort | join(" ")' <<<"$FAB_OUT")" "${F}n1 ${F}n3 ${F}n4" "--count names around a foreign netns"
fab_ok del-node "$F" --all
foreign_link "$F-$S"
ip link set "$F-$S" alias "not-fabricctl"
tc qdisc add dev "$F-$S" clsact
tc filter add dev "$F-$S" ingress bpf bytecode '1,6 0 0 4294967295,'
fsnap=$(snap_stable) # new ifindex
assert_eq "$(snap_stable)" "$fsnap" "foreign link, qdiscs, filters and netns after add-node, del-node --all"

# A foreign pin directory: empty, then with a pin inside.
mkdir -m 0700 "/sys/fs/bpf/fabricctl/$H"
on_exit "rm -rf '/sys/fs/bpf/fabricctl/$H'"
fab create "$H" --subnet 10.216.2.0/24
log "create with an empty foreign pin dir: exit $FAB_RC: ${FAB_ERR:-ok}"
if [[ $FAB_RC -eq 0 ]]; then
	fab_ok destroy "$H"
	mkdir -m 0700 "/sys/fs/bpf/fabricctl/$H"
fi
bpftool map create "/sys/fs/bpf/fabricctl/$H/foreign" type array key 4 value 4 entries 1 name foreign ||
	fail "cannot pin a foreign map"
pin_id=$(bpftool -j map show pinned "/sys/fs/bpf/fabricctl/$H/foreign" | jq -r .id)
fab_rc 1 create "$H" --subnet 10.216.2.0/24
fab_err_line
assert_contains "$FAB_ERR" "/sys/fs/bpf/fabricctl/$H" "error for a foreign pin directory"
assert_eq "$(bpftool -j map show pinned "/sys/fs/bpf/fabricctl/$H/foreign" | jq -r .id)" "$pin_id" "foreign pin after a refused create"
assert_eq "$(find "/sys/fs/bpf/fabricctl/$H" -mindepth 1 | sed 's|.*/||')" "foreign" "pin directory after a refused create"
link_exists "$H-c0" && fail "a refused create left bridge $H-c0"
[[ -e /run/fabricctl/$H/state ]] && fail "a refused create left a record for $H"
fab_ok destroy "$H" # nothing to destroy: must not take the foreign pins
[[ -e /sys/fs/bpf/fabricctl/$H/foreign ]] || fail "destroy $H removed a foreign pin"

fab_ok destroy "$F"
wait_gone "$F-2" || fail "destroy left $F-2"
assert_eq "$(snap_stable)" "$fsnap" "foreign link, qdiscs, filters and netns after destroy"

# --------------------------------------------------------- 5. not root
if command -v setpriv >/dev/null; then
	chmod 0755 "$TEST_TMP"
	install -m 0755 "$FABRICCTL" "$TEST_TMP/fabricctl"
	for args in "show $F" "stats $F" "stats $F -j" "list"; do
		# shellcheck disable=SC2086
		if setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
			"$TEST_TMP/fabricctl" $args >"$TEST_TMP/o" 2>"$TEST_TMP/e" </dev/null; then rc=0; else rc=$?; fi
		FAB_RC=$rc FAB_OUT=$(cat "$TEST_TMP/o") FAB_ERR=$(cat "$TEST_TMP/e")
		[[ $rc -eq 1 ]] || { _fab_show_run "$args (as nobody)"; fail "fabricctl $args as nobody: exit $rc, want 1"; }
		if [[ $args == *-j* ]]; then # errors are JSON on stdout
			assert_contains "$(jq -r .error <<<"$FAB_OUT")" "needs root" "fabricctl $args as nobody"
		else
			fab_err_line
			assert_contains "$FAB_ERR" "needs root" "fabricctl $args as nobody"
		fi
	done
fi
if [[ ${#SOFT_FAILS[@]} -gt 0 ]]; then
	printf '%s: %d security checks failed:\n' "$TEST_NAME" "${#SOFT_FAILS[@]}" >&2
	printf '  - %s\n' "${SOFT_FAILS[@]}" >&2
	exit 1
fi
exit 0
