#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Drift suite: for every kind of object fabricctl makes, on a fabric of two
# cells (10.221.<case>.0/24, cells of 64: two bridges, a router namespace,
# legs; nodes a, b in cell 0, c in cell 1) or of one cell (10.222.<case>.0/24),
# the object is (a) removed, (b) renamed, (c) replaced by a foreign object of
# its name (a link: possibly with the same ifindex), (d) joined by a foreign
# object in the fabric's interface group or on one of its bridges. Each case:
#  - `check F` exits 1 and lists the problem (kind, object; foreign:true for
#    a foreign object);
#  - `check F --repair`, then a second `check F` is clean, or lists only
#    foreign objects (one repair is always enough);
#  - every node pings its gateway and every other node (across cells too),
#    and `stats F -j` counts a ping exactly as the kernel's
#    /sys/class/net/VETH/statistics of the node's host veth do;
#  - every foreign object the case made is still there and unchanged
#    (ifindex, ifalias, master, group, kind; a namespace's inode and its own
#    links; a route; a pin) after check --repair, after del-node of the
#    affected node and after destroy;
#  - after destroy nothing of the fabric is left: no link or namespace named
#    after it or carrying its tag, no record, no pins.
# Plus the classic attacks: a foreign namespace made under the name of a node
# deleted by hand (del-node and destroy leave it), destroy of a fabric that
# does not exist next to a foreign ".fabricctl-NAME", an untagged foreign link
# in the fabric's interface group (survives del-node, check --repair, destroy).
#
# FABRICCTL_ATTACH=tcx runs the suite on tcx fabrics: the tc_* cases are
# replaced by tcx_* ones (a link pin removed, a foreign object under its name).
#
# Every case runs in a subshell of its own, two at a time (DRIFT_JOBS): a
# failed case is recorded and the suite goes on; the failed cases are
# listed at the end and fail the test.
# Cases are called through run_case and each runs in its own subshell:
# shellcheck disable=SC2317,SC2030,SC2031
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
command -v bpftool >/dev/null || skip "bpftool is not installed"
command -v tc >/dev/null || skip "tc (iproute2) is not installed"
command -v mountpoint >/dev/null || skip "mountpoint (util-linux) is not installed"

NET=10.221  # two-cell fabrics: $NET.<case>.0/24, --cell-size 64
NET1=10.222 # one-cell fabrics: $NET1.<case>.0/24
CASES=0
FAILED=()

# A failure ends the case it happens in (its subshell), naming it. A
# soft failure (what check says, not what fabricctl did to the host) is
# printed the same way and fails the case at its end, so that the case goes
# on to what matters more: that nothing foreign was touched.
fail() {
	printf '%s: FAIL: [%s] %s\n' "$TEST_NAME" "${CASE:-suite}" "$*" >&2
	exit 1
}
CASE_SOFT=0
soft_fail() {
	printf '%s: FAIL: [%s] %s\n' "$TEST_NAME" "${CASE:-suite}" "$*" >&2
	CASE_SOFT=1
}

# re TEXT: TEXT as a literal regular expression (for jq test()).
# shellcheck disable=SC2001,SC2016
re() { sed 's/[][\.*^$()+?{}|]/\\&/g' <<<"$1"; }

# ------------------------------------------------------------ a case's life

CASE_CLEAN=()
case_on_exit() { CASE_CLEAN+=("$1"); }

# At the end of a case, failed or not: the case's own foreign objects, then
# the fabric; whatever is still named after it is removed (the case has
# already said whether that was a failure).
case_cleanup() {
	local rc=$? i
	set +e
	trap - EXIT ERR
	for ((i = ${#CASE_CLEAN[@]} - 1; i >= 0; i--)); do
		eval "${CASE_CLEAN[i]}" >/dev/null 2>&1
	done
	"$FABRICCTL" destroy "$F" >/dev/null 2>&1
	if ! wait_no_leftovers "$F" 5; then
		log "[$CASE] removing by hand: $(leftovers "$F" | tr '\n' ' ')"
		_fab_force_remove "$F"
	fi
	exit "$rc"
}

# run_case NAME FUNCTION: one case, in a subshell, on a fabric, subnet
# and output files of its own; DRIFT_JOBS (default 2, the host's CPUs) run
# at once.
DRIFT_JOBS=${DRIFT_JOBS:-2}
declare -A RUNNING=() # pid -> "N name"
run_case() {
	local name=$1
	shift
	CASES=$((CASES + 1))
	CASE_N=$CASES
	F=$(fab_name)
	cleanup_fabric "$F"
	(
		CASE=$name
		TEST_TMP=$TEST_TMP/case$CASE_N
		mkdir -p "$TEST_TMP"
		trap case_cleanup EXIT
		"$@"
		exit "$CASE_SOFT"
	) &
	RUNNING[$!]="$CASES $name"
	while ((${#RUNNING[@]} >= DRIFT_JOBS)); do reap_case; done
}

# reap_case: wait for one running case and record how it ended.
reap_case() {
	local pid rc=0
	wait -n -p pid "${!RUNNING[@]}" || rc=$?
	if ((rc == 0)); then
		log "ok   ${RUNNING[$pid]}"
	else
		FAILED+=("${RUNNING[$pid]#* }")
		log "FAIL ${RUNNING[$pid]}"
	fi
	unset "RUNNING[$pid]"
}

# ------------------------------------------------------------- the fabric

# add_nodes: a (.3) and b (.4) in cell 0, c (.70: cell 1 of a two-cell fabric).
add_nodes() {
	local n ip
	for n in a b c; do
		case $n in
		a) ip=$IPA ;;
		b) ip=$IPB ;;
		c) ip=$IPC ;;
		esac
		fab add-node "$F" "$F$n" --ip "$ip"
		[[ $FAB_RC -eq 0 ]] || return 1
	done
}

# mkfab [single]: the case's fabric, of two cells (default) or one.
mkfab() {
	local tune args
	MULTI=1
	[[ ${1:-} == single ]] && MULTI=0
	if ((MULTI)); then
		P=$NET.$CASE_N
		args=(--cell-size 64)
	else
		P=$NET1.$CASE_N
		args=()
	fi
	SUB=$P.0/24
	A=${F}a B=${F}b C=${F}c
	IPA=$P.3 IPB=$P.4 IPC=$P.70
	VA=$F-3 VB=$F-4 VC=$F-70
	GW0=$P.1
	for tune in "" --tune; do
		# shellcheck disable=SC2086 # $tune: no word or one
		fab_ok create "$F" --subnet "$SUB" "${args[@]}" $tune
		add_nodes && break
		if [[ -z $tune && $FAB_ERR =~ gc_thresh|neigh|backlog|max_net_namespaces|limit ]]; then
			log "[$CASE] the host's limits refuse add-node ($FAB_ERR): again with --tune"
			fab_ok destroy "$F"
			continue
		fi
		_fab_show_run add-node "$F"
		fail "add-node $F failed (exit $FAB_RC)"
	done
	GROUP=$(link_json "$F-c0" | jq -r .group)
	[[ $GROUP =~ ^[0-9]+$ ]] || fail "group of $F-c0 is '$GROUP'"
	fab -j check "$F"
	[[ $FAB_RC -eq 0 ]] || fail "a new fabric is not consistent: $FAB_OUT"
}

ifindex_of() { cat "/sys/class/net/$1/ifindex"; }
in_record() { fab_ok -j show "$F" && jq -e --arg n "$1" '.nodes[] | select(.name == $n)' <<<"$FAB_OUT" >/dev/null; }

# ------------------------------------------------------------ assertions

# expect KIND_RE OBJECT_RE [FOREIGN]: `check F` exits 1 and lists a problem
# of that kind and object (and foreign flag, false by default).
expect() {
	local want_f=${3:-false}
	fab -j check "$F"
	if [[ $FAB_RC -ne 1 ]]; then
		_fab_show_run -j check "$F"
		soft_fail "check $F: exit $FAB_RC, want 1 (expected $1 $2)"
		return 0
	fi
	jq -e --arg k "^($1)\$" --arg o "^($2)\$" --argjson f "$want_f" \
		'[.problems[] | select((.kind | test($k)) and (.object | test($o)) and .foreign == $f)] | length > 0' \
		<<<"$FAB_OUT" >/dev/null ||
		soft_fail "check $F does not list kind /$1/ object /$2/ foreign=$want_f: $(jq -c '[.problems[] | {kind, object, foreign}]' <<<"$FAB_OUT")"
	# The text form names it too.
	fab check "$F"
	[[ $FAB_RC -eq 1 ]] || soft_fail "check $F (text): exit $FAB_RC, want 1"
	grep -Eq "^($1) " <<<"$FAB_OUT" || soft_fail "check $F (text) does not name /$1/: $FAB_OUT"
}

# repair_clean: check --repair exits 0, a second check is clean.
repair_clean() {
	local said
	fab -j check "$F" --repair
	said=$(jq -c '[.problems[] | {kind, object, repaired}]' <<<"$FAB_OUT" 2>/dev/null || echo "$FAB_OUT")
	[[ $FAB_RC -eq 0 ]] || soft_fail "check $F --repair: exit $FAB_RC: $said"
	fab -j check "$F"
	[[ $FAB_RC -eq 0 && $(jq '.problems | length' <<<"$FAB_OUT") -eq 0 ]] ||
		soft_fail "one repair was not enough: a second check (exit $FAB_RC) lists $(jq -c '[.problems[] | {kind, object, foreign}]' <<<"$FAB_OUT"); the repair said $said"
}

# repair_foreign: check --repair leaves the foreign objects as they were,
# and a second check lists only foreign objects.
repair_foreign() {
	local said left
	fab -j check "$F" --repair
	jq -e . <<<"$FAB_OUT" >/dev/null || fail "check $F --repair -j: not JSON: $FAB_OUT"
	said=$(jq -c '[.problems[] | {kind, object, foreign, repaired}]' <<<"$FAB_OUT")
	foreign_verify repair
	fab -j check "$F"
	left=$(jq -c '[.problems[] | select(.foreign != true) | {kind, object}]' <<<"$FAB_OUT")
	[[ $left == "[]" ]] ||
		soft_fail "one repair was not enough: a second check lists problems that are not foreign: $left; the repair said $said"
}

# wait_oper VETH...: operationally up (carrier), at most 3 s.
wait_oper() {
	local v i
	for v in "$@"; do
		for ((i = 0; i < 30; i++)); do
			[[ $(cat "/sys/class/net/$v/operstate" 2>/dev/null) == up ]] && break
			sleep 0.1
		done
	done
}

# stats_counts NODE VETH TARGET: a ping from NODE to TARGET moves
# `stats -j` the way it moves the kernel's counters of the node's host veth
# (the node's rx is the veth's tx). Three tries: other traffic may slip in
# between the two readings.
stats_counts() {
	local n=$1 v=$2 target=$3 i c srx stx krx ktx s1rx s1tx k1rx k1tx drx dtx dkrx dktx
	for ((i = 0; i < 3; i++)); do
		fab_ok -j stats "$F" "$n"
		c=$(jq -r '.nodes[0].counting' <<<"$FAB_OUT")
		[[ $c == true ]] || fail "stats $F $n: counting is '$c': $FAB_OUT"
		read -r srx stx < <(jq -r '.nodes[0] | "\(.rx.packets) \(.tx.packets)"' <<<"$FAB_OUT")
		krx=$(cat "/sys/class/net/$v/statistics/tx_packets")
		ktx=$(cat "/sys/class/net/$v/statistics/rx_packets")
		ping_once "$n" "$target" || ping_once "$n" "$target" || fail "$n cannot ping $target"
		fab_ok -j stats "$F" "$n"
		read -r s1rx s1tx < <(jq -r '.nodes[0] | "\(.rx.packets) \(.tx.packets)"' <<<"$FAB_OUT")
		k1rx=$(cat "/sys/class/net/$v/statistics/tx_packets")
		k1tx=$(cat "/sys/class/net/$v/statistics/rx_packets")
		drx=$((s1rx - srx)) dtx=$((s1tx - stx)) dkrx=$((k1rx - krx)) dktx=$((k1tx - ktx))
		((drx >= 1 && dtx >= 1 && drx == dkrx && dtx == dktx)) && return 0
		log "[$CASE] stats $n: fabricctl rx +$drx tx +$dtx, kernel rx +$dkrx tx +$dktx: again"
	done
	fail "stats $F $n does not count a ping as the kernel does: fabricctl rx +$drx tx +$dtx, kernel rx +$dkrx tx +$dktx"
}

# verify: every node of the record is up in show, pings its gateway and every
# other node, and stats counts. SKIP (names) and NOGW (1: no gateway can
# answer) say what a foreign object in the fabric's way makes impossible.
SKIP=" "
NOGW=0
verify() {
	local -a names addrs gws veths
	local name addr gw veth state i k first=-1
	fab_ok -j show "$F"
	while IFS=$'\t' read -r name addr gw veth state; do
		[[ $SKIP == *" $name "* ]] && continue
		[[ $state == up ]] || fail "after the repair show says $name is '$state'"
		names+=("$name") addrs+=("$addr") gws+=("$gw") veths+=("$veth")
	done < <(jq -r '.nodes[] | [.name, .address, .gateway, .host_veth, .state] | @tsv' <<<"$FAB_OUT")
	[[ ${#names[@]} -gt 0 ]] || return 0
	wait_oper "${veths[@]}"
	for i in "${!names[@]}"; do
		((NOGW)) || ping_ok "${names[i]}" "${gws[i]}"
		for k in "${!names[@]}"; do
			[[ $k -ne $i ]] && ping_ok "${names[i]}" "${addrs[k]}"
		done
		[[ $first -lt 0 ]] && first=$i
	done
	if ((NOGW)); then
		[[ ${#names[@]} -ge 2 ]] && stats_counts "${names[0]}" "${veths[0]}" "${addrs[1]}"
	else
		stats_counts "${names[first]}" "${veths[first]}" "${gws[first]}"
	fi
	return 0
}

# ------------------------------------------------------- foreign objects

FOREIGN=() # "KIND ARGS" (see fsnap)
FSNAP=()

snap_link() { # NAME [NETNS]
	local out
	if [[ -n ${2:-} ]]; then
		out=$(ip -n "$2" -j -d link show dev "$1" 2>/dev/null) || out=
	else
		out=$(ip -j -d link show dev "$1" 2>/dev/null) || out=
	fi
	[[ -n $out ]] || { echo "gone"; return 0; }
	jq -c '.[0] | {ifname, ifindex, ifalias: (.ifalias // ""), master: (.master // ""), group, kind: (.linkinfo.info_kind // "")}' <<<"$out"
}

# A namespace: its inode, and its own links (not fabricctl's that wandered in).
snap_ns() {
	netns_exists "$1" || { echo "gone"; return 0; }
	echo "ino $(stat -L -c %i "/run/netns/$1") links $(ip -n "$1" -j -d link show |
		jq -c '[.[] | select((.ifalias // "") | startswith("fabricctl:") | not) | {ifname, ifindex, ifalias: (.ifalias // ""), kind: (.linkinfo.info_kind // "")}]')"
}

fsnap() {
	local kind=$1
	shift
	case $kind in
	link) snap_link "$1" ;;
	nslink) snap_link "$1" "$2" ;; # a link inside a namespace
	ns) snap_ns "$1" ;;
	route) ip -j route show exact "$1" dev "$2" 2>/dev/null | jq -c '[.[] | {dst, dev, scope, metric}]' || echo gone ;;
	pin)
		local out
		if out=$(bpftool -j map show pinned "$1" 2>/dev/null); then
			jq -c '{id, name, type}' <<<"$out"
		else
			echo gone
		fi
		;;
	filter) tc -j filter show dev "$1" ingress 2>/dev/null | jq -c --argjson p "$2" '[.[] | select(.pref == $p) | {pref, kind}]' || echo gone ;;
	esac
}

# track KIND ARGS...: remember a foreign object as it is now.
track() {
	FOREIGN+=("$*")
	# shellcheck disable=SC2068,SC2086
	FSNAP+=("$(fsnap $@)")
}

# foreign_verify STAGE: every tracked object as it was. Objects that live on
# or in the fabric's own objects (a filter on a node's veth, a link in a
# node's namespace) are only compared while those exist; after destroy a
# link's master that was one of the fabric's bridges is necessarily gone.
foreign_verify() {
	local stage=$1 i now want
	for i in "${!FOREIGN[@]}"; do
		# shellcheck disable=SC2086
		set -- ${FOREIGN[i]}
		case $1 in
		filter | nslink) [[ $stage == repair ]] || continue ;;
		esac
		# shellcheck disable=SC2068,SC2086
		now=$(fsnap $@)
		want=${FSNAP[i]}
		if [[ $stage == destroy && $1 == link ]]; then
			want=$(jq -c --arg f "$F-c" 'if (.master | startswith($f)) then .master = "" else . end' <<<"$want")
		fi
		[[ $now == "$want" ]] ||
			fail "foreign ${FOREIGN[i]} changed after $stage: was $want, now $now"
	done
}

# mk_link NAME [ip link add options...]: a foreign link of a kind fabricctl
# never makes (dummy, else ifb), with an alias of its own.
mk_link() {
	local name=$1 kind
	shift
	for kind in dummy ifb; do
		if ip link add "$name" "$@" type "$kind" 2>/dev/null; then
			case_on_exit "ip link del '$name'"
			ip link set "$name" alias "foreign:$name"
			return 0
		fi
	done
	fail "cannot make foreign link $name $*"
}

mk_netns() {
	ip netns add "$1" || fail "cannot make foreign netns $1"
	case_on_exit "ip netns del '$1'"
}

# finish [NODE]: the foreign objects after the repair; del-node NODE (if
# given; refused when the repair already took the node out); destroy; then
# the foreign objects again and nothing of the fabric left.
finish() {
	local node=${1:-} had tagged f rest
	foreign_verify repair
	if [[ -n $node ]]; then
		if in_record "$node"; then had=1; else had=0; fi
		fab del-node "$F" "$node"
		log "[$CASE] del-node $node (in the record: $had): exit $FAB_RC ${FAB_ERR:+: $FAB_ERR}"
		# A node whose namespace is foreign may be taken out (0) or refused (1).
		if [[ $FAB_RC -gt 1 ]] || ((had == 0 && FAB_RC != 1)); then
			_fab_show_run del-node "$F" "$node"
			fail "del-node $F $node (in the record: $had): exit $FAB_RC"
		fi
		foreign_verify del-node
	fi
	fab destroy "$F"
	[[ $FAB_RC -eq 0 ]] || {
		_fab_show_run destroy "$F"
		fail "destroy $F: exit $FAB_RC"
	}
	foreign_verify destroy
	# Nothing of the fabric's is left: names after it (but the case's
	# foreign objects), tags, its router namespace, record and pins.
	for ((f = 0; f < 50; f++)); do
		rest=$(leftovers "$F" | while read -r kind obj; do
			for t in "${FOREIGN[@]}"; do
				# shellcheck disable=SC2086
				set -- $t
				[[ ($1 == link || $1 == ns) && $2 == "${obj##*/}" ]] && continue 2
				[[ $1 == pin && $kind == pin && $2 == "$obj"/* ]] && continue 2
			done
			echo "$kind $obj"
		done)
		[[ -z $rest ]] && break
		sleep 0.1
	done
	[[ -z $rest ]] || fail "destroy left: $(tr '\n' ' ' <<<"$rest")"
	tagged=$(host_links_json | jq -r --arg t "fabricctl:$F" '.[] | select((.ifalias // "") == $t or ((.ifalias // "") | startswith($t + ":"))) | .ifname')
	[[ -z $tagged ]] || fail "destroy left links tagged as $F's: $tagged"
	if [[ -e /run/netns/.fabricctl-$F ]]; then
		[[ " ${FOREIGN[*]} " == *" ns .fabricctl-$F "* ]] || fail "destroy left the router namespace .fabricctl-$F"
	fi
}

# host_links_json: `ip -j link show` of the host, read again when the kernel
# says the dump was interrupted (a busy host), so that no link is missed.
host_links_json() {
	local i out
	for ((i = 0; i < 10; i++)); do
		if out=$(ip -j link show 2>"$TEST_TMP/dump.err") && ! grep -q interrupted "$TEST_TMP/dump.err"; then
			echo "$out"
			return 0
		fi
	done
	fail "ip -j link show keeps being interrupted: $(cat "$TEST_TMP/dump.err")"
}

# rename_netns OLD NEW: the same namespace under another name (bind mount).
rename_netns() {
	touch "/run/netns/$2"
	mount --bind "/run/netns/$1" "/run/netns/$2"
	case_on_exit "umount '/run/netns/$2'; rm -f '/run/netns/$2'"
	umount "/run/netns/$1"
	rm -f "/run/netns/$1"
}

# rename_link OLD NEW [NETNS]: down, rename, up.
rename_link() {
	local n=()
	[[ -n ${3:-} ]] && n=(-n "$3")
	ip "${n[@]}" link set dev "$1" down
	ip "${n[@]}" link set dev "$1" name "$2"
	ip "${n[@]}" link set dev "$2" up
}

counter_key() { # IFINDEX: 4 little-endian bytes in hex
	local i=$1
	printf '%02x %02x %02x %02x' $((i & 255)) $(((i >> 8) & 255)) $(((i >> 16) & 255)) $(((i >> 24) & 255))
}

# =================================================================== cases

# ------------------------------------------------------ a node's namespace
c_ns_remove() {
	mkfab
	ip netns del "$A"
	expect missing_namespace "$(re "$A")"
	repair_clean
	verify
	finish
}

c_ns_remove_single() {
	mkfab single
	ip netns del "$B"
	expect missing_namespace "$(re "$B")"
	repair_clean
	verify
	finish
}

c_ns_rename() {
	mkfab
	rename_netns "$A" "${A}r"
	expect missing_namespace "$(re "$A")"
	repair_clean
	verify
	# The renamed namespace still carries the node's mark: destroy removes
	# what the fabric made (finish fails when anything named after F is left).
	finish
}

c_ns_foreign() {
	mkfab
	ip netns del "$A"
	mk_netns "$A"
	ip -n "$A" link set lo up
	track ns "$A"
	expect foreign_namespace "$(re "$A")" true
	repair_foreign
	in_record "$A" && fail "the repair kept node $A whose name a foreign namespace holds"
	verify
	finish "$A"
}

# The old namespace kept alive by a process (its eth0 and veth live on),
# a foreign one mounted under its name.
c_ns_foreign_held() {
	local pid
	mkfab
	ip netns exec "$A" sleep 60 &
	pid=$!
	case_on_exit "kill $pid"
	sleep 0.2
	ip netns del "$A"
	mk_netns "$A"
	track ns "$A"
	link_exists "$VA" || fail "the held namespace's veth $VA is gone"
	expect foreign_namespace "$(re "$A")" true
	repair_foreign
	verify
	finish "$A"
}

# Classic: a node deleted by hand, a foreign namespace made under its name;
# del-node and destroy (no repair first) leave it.
c_ns_foreign_delnode() {
	mkfab
	ip netns del "$A"
	wait_gone "$VA" || true
	mk_netns "$A"
	track ns "$A"
	finish "$A"
}

c_ns_foreign_destroy() {
	mkfab
	ip netns del "$C"
	mk_netns "$C"
	track ns "$C"
	finish
}

# ---------------------------------------------------------- host veth
c_veth_remove() {
	mkfab
	ip link del "$VA"
	expect missing_veth "$(re "$VA")"
	repair_clean
	verify
	finish
}

c_veth_rename() {
	mkfab
	rename_link "$VC" "${VC}x"
	expect renamed_veth "$(re "${VC}x")"
	repair_clean
	link_exists "$VC" || fail "the repair did not rename ${VC}x back to $VC"
	verify
	finish
}

# A foreign link of the veth's name and ifindex.
c_veth_foreign() {
	local idx
	mkfab
	idx=$(ifindex_of "$VA")
	ip link del "$VA"
	mk_link "$VA" index "$idx"
	track link "$VA"
	expect foreign_veth "$(re "$VA")" true
	repair_foreign
	verify
	finish "$A"
}

# Classic: the same foreign link, then del-node and destroy straight away.
c_veth_foreign_delnode() {
	local idx
	mkfab
	idx=$(ifindex_of "$VB")
	ip link del "$VB"
	mk_link "$VB" index "$idx"
	ip link set "$VB" group "$GROUP"
	track link "$VB"
	finish "$B"
}

# A foreign link of another name takes the veth's ifindex, in the group.
c_veth_ifindex_reused() {
	local idx
	mkfab
	idx=$(ifindex_of "$VA")
	ip link del "$VA"
	mk_link "${F}z" index "$idx"
	ip link set "${F}z" group "$GROUP"
	track link "${F}z"
	expect missing_veth "$(re "$VA")"
	expect foreign_link "$(re "${F}z")" true
	repair_foreign
	verify
	finish "$A"
}

c_veth_down() {
	mkfab
	ip link set "$VA" down
	expect link_down "$(re "$VA")"
	repair_clean
	verify
	finish
}

c_veth_nomaster() {
	mkfab
	ip link set "$VC" nomaster
	expect not_enslaved "$(re "$VC")"
	repair_clean
	verify
	finish
}

# The veth moved onto a foreign bridge: back on its own; the bridge unchanged.
c_veth_foreign_master() {
	mkfab
	ip link add "${F}fb" type bridge
	case_on_exit "ip link del '${F}fb'"
	ip link set "${F}fb" alias "foreign:${F}fb"
	ip link set "$VB" master "${F}fb"
	expect not_enslaved "$(re "$VB")"
	repair_clean
	assert_eq "$(master_of "$VB")" "$F-c0" "master of $VB after the repair"
	track link "${F}fb"
	verify
	finish "$B"
}

# Classic: an untagged foreign link in the fabric's interface group.
c_group_foreign() {
	mkfab
	mk_link "${F}g"
	ip link set "${F}g" group "$GROUP"
	track link "${F}g"
	expect foreign_link "$(re "${F}g")" true
	repair_foreign
	verify
	finish "$A"
}

# A foreign port on a bridge of each cell.
c_port_foreign() {
	mkfab
	mk_link "${F}p"
	ip link set "${F}p" master "$F-c1"
	track link "${F}p"
	expect foreign_port "$(re "${F}p")" true
	repair_foreign
	verify
	finish "$C"
}

c_port_foreign_single() {
	mkfab single
	mk_link "${F}p"
	ip link set "${F}p" master "$F-c0" up
	track link "${F}p"
	expect foreign_port "$(re "${F}p")" true
	repair_foreign
	verify
	finish "$A"
}

# A link tagged as the fabric's that nothing accounts for: ours, removed.
c_stray_tagged() {
	mkfab
	mk_link "${F}s"
	ip link set "${F}s" alias "fabricctl:$F:ghost"
	expect stray_link "$(re "${F}s")"
	repair_clean
	link_exists "${F}s" && fail "the repair left the stray link ${F}s"
	verify
	finish
}

# ---------------------------------------------------------------- eth0
c_eth0_delete() {
	mkfab
	ip -n "$A" link del eth0
	expect 'missing_veth|missing_eth0' "$(re "$VA")|eth0"
	repair_clean
	verify
	finish
}

c_eth0_rename() {
	mkfab
	rename_link eth0 eth1 "$C"
	expect missing_eth0 eth0
	repair_clean
	verify
	finish
}

# eth0 moved out into a foreign namespace of the test's: the node gets an
# eth0 again; the foreign namespace and its own link stay as they were.
c_eth0_moved() {
	mkfab
	mk_netns "${F}x"
	ip -n "${F}x" link add xi type ifb 2>/dev/null || ip -n "${F}x" link add xi type dummy
	track ns "${F}x"
	ip -n "$A" link set eth0 netns "${F}x"
	expect missing_eth0 eth0
	repair_clean
	verify
	finish "$A"
}

# Our eth0 gone, a foreign link named eth0 with its ifindex in the node's
# namespace: reported, and the foreign link left alone. The namespace now
# holds an interface fabricctl did not make: fabricctl(8) (check --repair)
# says such a namespace is never deleted, so del-node and destroy leave it.
c_eth0_foreign() {
	local idx kind
	mkfab
	idx=$(ip -n "$B" -j link show dev eth0 | jq -r '.[0].ifindex')
	ip -n "$B" link del eth0
	for kind in dummy ifb; do
		ip -n "$B" link add eth0 index "$idx" type "$kind" 2>/dev/null && break
	done
	ip -n "$B" link set eth0 alias "foreign:eth0"
	case_on_exit "ip netns del '$B'"
	track nslink eth0 "$B"
	track ns "$B"
	fab -j check "$F"
	[[ $FAB_RC -eq 1 ]] || soft_fail "check $F: exit $FAB_RC, want 1"
	repair_foreign
	SKIP=" $B "
	verify
	finish "$B"
}

# A foreign link put into a node's namespace: the namespace holds an
# interface fabricctl did not make (fabricctl(8): such a namespace is never
# deleted): check --repair, del-node and destroy leave it and the link.
c_node_ns_foreign_link() {
	local kind
	mkfab
	for kind in dummy ifb; do
		ip -n "$A" link add "${F}i" type "$kind" 2>/dev/null && break
	done
	ip -n "$A" link set "${F}i" alias "foreign:${F}i"
	case_on_exit "ip netns del '$A'"
	track nslink "${F}i" "$A"
	track ns "$A"
	repair_foreign
	verify
	finish "$A"
}

c_eth0_down() {
	mkfab
	ip -n "$A" link set eth0 down
	expect eth0_down eth0
	repair_clean
	verify
	finish
}

c_addr_flush() {
	mkfab
	ip -n "$C" addr flush dev eth0
	expect missing_address eth0
	repair_clean
	verify
	finish
}

c_route_del() {
	mkfab
	ip -n "$A" route del default
	expect missing_route eth0
	repair_clean
	verify
	finish
}

# -------------------------------------------------------- tc and counters
# A batch of nodes shares one ingress and one egress tc block (the kernel
# refuses `tc filter ... dev VETH` on them): filters are changed by block.
block_of() { # VETH ingress|egress
	tc -j qdisc show dev "$1" | jq -r --arg d "$2" '.[] | select(.kind == "clsact") | .[$d + "_block"]'
}

c_tc_ingress() {
	mkfab
	tc filter del block "$(block_of "$VA" ingress)" pref 1
	expect missing_attachment "$(re "$VA")"
	repair_clean
	verify
	finish
}

c_tc_egress() {
	mkfab
	tc filter del block "$(block_of "$VC" egress)" pref 1
	expect missing_attachment "$(re "$VC")"
	repair_clean
	verify
	finish
}

# The clsact qdisc itself gone: a new one (on blocks of its own) and the programs.
c_tc_qdisc() {
	mkfab
	tc qdisc del dev "$VA" clsact
	expect missing_attachment "$(re "$VA")"
	repair_clean
	[[ -n $(block_of "$VA" ingress) ]] || fail "the repair made no clsact on $VA"
	verify
	finish
}

# Ours gone, a foreign classic-BPF filter of another priority in its place.
c_tc_foreign() {
	mkfab
	tc filter del block "$(block_of "$VA" ingress)" pref 1
	tc filter add block "$(block_of "$VA" ingress)" pref 7 bpf bytecode '1,6 0 0 4294967295,'
	track filter "$VA" 7
	expect missing_attachment "$(re "$VA")"
	repair_clean
	verify
	finish
}

# tcx fabrics (FABRICCTL_ATTACH=tcx): a link pin removed takes its link away.
tcx_pin() { echo "/sys/fs/bpf/fabricctl/$F/tcx/$(ifindex_of "$1")_$2"; }

c_tcx_ingress() {
	local pin
	mkfab
	pin=$(tcx_pin "$VA" ingress)
	rm "$pin" || fail "no tcx link pinned at $pin"
	expect missing_attachment "$(re "$VA")"
	repair_clean
	[[ $(tcx_link_ifindex "$pin") == "$(ifindex_of "$VA")" ]] || fail "the repair did not attach $pin again"
	verify
	finish
}

c_tcx_egress() {
	local pin
	mkfab
	pin=$(tcx_pin "$VC" egress)
	rm "$pin" || fail "no tcx link pinned at $pin"
	expect missing_attachment "$(re "$VC")"
	repair_clean
	[[ $(tcx_link_ifindex "$pin") == "$(ifindex_of "$VC")" ]] || fail "the repair did not attach $pin again"
	verify
	finish
}

# A foreign map pinned under a node's link name: never unpinned (by
# del-node, destroy); destroy says it leaves the directory.
c_tcx_foreign_destroy() {
	local pin dir=/sys/fs/bpf/fabricctl/$F
	mkfab
	pin=$(tcx_pin "$VB" egress)
	rm "$pin"
	bpftool map create "$pin" type array key 4 value 4 entries 1 name "${F}fm" || fail "cannot pin a foreign map"
	case_on_exit "rm -f '$pin'; rmdir '$dir/tcx' '$dir'"
	track pin "$pin"
	fab check "$F"
	[[ $FAB_RC -eq 1 ]] || soft_fail "check $F: exit $FAB_RC with a foreign map as a link pin"
	finish "$B"
}

c_counter_delete() {
	mkfab
	# shellcheck disable=SC2046
	bpftool map delete pinned "/sys/fs/bpf/fabricctl/$F/counters" key hex $(counter_key "$(ifindex_of "$VA")")
	expect missing_counter "$(re "$VA")"
	repair_clean
	verify
	finish
}

c_counter_orphan() {
	local vs
	mkfab
	vs=$(bpftool -j map show pinned "/sys/fs/bpf/fabricctl/$F/counters" | jq .bytes_value)
	# shellcheck disable=SC2046
	bpftool map update pinned "/sys/fs/bpf/fabricctl/$F/counters" key hex $(counter_key 1) \
		value hex $(for ((i = 0; i < vs; i++)); do printf '00 '; done)
	expect orphaned_counter "ifindex 1"
	repair_clean
	verify
	finish
}

# ---------------------------------------------------------------- pins
pin_case() { # NAME
	mkfab
	rm "/sys/fs/bpf/fabricctl/$F/$1"
	expect missing_pin "$1"
	repair_clean
	[[ -e /sys/fs/bpf/fabricctl/$F/$1 ]] || fail "the repair did not pin $1 again"
	verify
	finish
}
c_pin_counters() { pin_case counters; }
c_pin_ingress() { pin_case prog_ingress; }
c_pin_egress() { pin_case prog_egress; }
c_pin_matrix() { pin_case matrix; }
c_pin_pairs() { pin_case pairs; }
c_pin_drops() { pin_case drops; }
c_pin_netns() { pin_case netns; }
c_pin_link_drops() { pin_case link_drops; }

# A node's namespace gone from the drops' netns map: named, put back.
c_netns_entry() {
	local map=/sys/fs/bpf/fabricctl/$F/netns key got
	mkfab
	key=$(counter_key "$(stat -L -c %i "/run/netns/$A")")
	# shellcheck disable=SC2086 # the key is four hex words
	bpftool map delete pinned "$map" key hex $key || fail "cannot delete $A's netns entry"
	expect missing_netns_entry "$VA"
	repair_clean
	# shellcheck disable=SC2086
	got=$(bpftool -j map lookup pinned "$map" key hex $key | jq -r '.formatted.value')
	assert_eq "$got" "$(ifindex_of "$VA")" "$A's netns entry after the repair"
	verify
	finish
}

# A pin renamed by hand (mv; bpffs takes no '.' in a name): pinned again
# by its name. destroy cannot know the
# renamed one for its own; if it leaves the directory it must say so (a
# later create of the fabric refuses a pin directory that is not empty).
c_pin_rename() {
	local dir=/sys/fs/bpf/fabricctl/$F
	mkfab
	mv "$dir/counters" "$dir/counters_old"
	case_on_exit "rm -f '$dir/counters_old'; rmdir '$dir'"
	expect missing_pin counters
	repair_clean
	verify
	fab destroy "$F"
	[[ $FAB_RC -eq 0 ]] || fail "destroy $F: exit $FAB_RC: $FAB_ERR"
	if [[ -e $dir ]]; then
		[[ "$FAB_OUT $FAB_ERR" == *"$dir"* ]] ||
			soft_fail "destroy left $dir (holding: $(find "$dir" -mindepth 1 -printf '%f ')) and said nothing about it: $FAB_OUT"
		rm -f "$dir/counters_old"
		rmdir "$dir"
	fi
	finish
}

# A map fabricctl did not make pinned as the fabric's counters: named as
# foreign, left alone by check --repair and by destroy.
c_pin_foreign() {
	local pin=/sys/fs/bpf/fabricctl/$F/counters first
	mkfab
	rm "$pin"
	bpftool map create "$pin" type hash key 4 value 4 entries 4 name "${F}fm" || fail "cannot pin a foreign map"
	case_on_exit "rm -f '$pin'; rmdir '/sys/fs/bpf/fabricctl/$F'"
	track pin "$pin"
	fab -j check "$F"
	first=$FAB_OUT
	[[ $FAB_RC -eq 1 ]] || soft_fail "check $F: exit $FAB_RC with a foreign map pinned as its counters"
	repair_foreign
	jq -e '[.problems[] | select(.foreign == true and (.object | test("counters")))] | length > 0' <<<"$first" >/dev/null ||
		soft_fail "check does not name the foreign pin $pin as foreign: $(jq -c '[.problems[] | {kind, object, foreign}]' <<<"$first")"
	finish
}

c_pin_foreign_destroy() {
	local pin=/sys/fs/bpf/fabricctl/$F/prog_egress
	mkfab
	rm "$pin"
	bpftool map create "$pin" type array key 4 value 4 entries 1 name "${F}fm" || fail "cannot pin a foreign map"
	case_on_exit "rm -f '$pin'; rmdir '/sys/fs/bpf/fabricctl/$F'"
	track pin "$pin"
	finish
}

# ------------------------------------------------------------- bridges
c_bridge_c1_remove() {
	mkfab
	ip link del "$F-c1"
	expect missing_bridge "$(re "$F-c1")"
	repair_clean
	verify
	finish
}

c_bridge_c0_remove() {
	mkfab
	ip link del "$F-c0"
	expect missing_bridge "$(re "$F-c0")"
	repair_clean
	verify
	finish
}

c_bridge_c0_remove_single() {
	mkfab single
	ip link del "$F-c0"
	expect missing_bridge "$(re "$F-c0")"
	repair_clean
	verify
	finish
}

c_bridge_rename() {
	mkfab
	rename_link "$F-c1" "$F-c1x"
	expect missing_bridge "$(re "$F-c1")"
	repair_clean
	verify
	finish
}

c_bridge_down() {
	mkfab
	ip link set "$F-c1" down
	expect link_down "$(re "$F-c1")"
	repair_clean
	verify
	finish
}

# A foreign bridge of cell 1's bridge's name and ifindex: cell 1 cannot
# work; the rest does, and the bridge is left alone.
c_bridge_foreign() {
	local idx
	mkfab
	idx=$(ifindex_of "$F-c1")
	ip link del "$F-c1"
	ip link add "$F-c1" index "$idx" type bridge || fail "cannot make a foreign bridge"
	case_on_exit "ip link del '$F-c1'"
	ip link set "$F-c1" alias "foreign:$F-c1"
	track link "$F-c1"
	expect foreign_bridge "$(re "$F-c1")" true
	repair_foreign
	SKIP=" $C "
	verify
	finish "$C"
}

c_bridge_foreign_single() {
	mkfab single
	ip link del "$F-c0"
	ip link add "$F-c0" type bridge
	case_on_exit "ip link del '$F-c0'"
	track link "$F-c0"
	expect foreign_bridge "$(re "$F-c0")" true
	repair_foreign
	finish "$A"
}

# Cell 1's bridge gone, a foreign link of another name with its ifindex in
# the fabric's group.
c_bridge_ifindex_reused() {
	local idx
	mkfab
	idx=$(ifindex_of "$F-c1")
	ip link del "$F-c1"
	mk_link "${F}y" index "$idx"
	ip link set "${F}y" group "$GROUP"
	track link "${F}y"
	expect missing_bridge "$(re "$F-c1")"
	expect foreign_link "$(re "${F}y")" true
	repair_foreign
	verify
	finish "$C"
}

# ---------------------------------------------------- host address and route
c_host_addr() {
	mkfab
	ip addr flush dev "$F-c0"
	expect missing_host_address "$(re "$F-c0")"
	repair_clean
	ping_ok host "$IPC"
	verify
	finish
}

c_gateway_single() {
	mkfab single
	ip addr flush dev "$F-c0"
	expect missing_gateway "$(re "$F-c0")"
	repair_clean
	verify
	finish
}

c_host_route() {
	mkfab
	ip route del "$SUB" via "$GW0"
	expect missing_host_route "$(re "$SUB")"
	repair_clean
	ping_ok host "$IPC"
	verify
	finish
}

# The host's route to the subnet replaced by a foreign one (through a link
# of the test's): left alone, and said so.
c_host_route_foreign() {
	mkfab
	mk_link "${F}rd"
	ip link set "${F}rd" up
	ip route del "$SUB" via "$GW0"
	ip route add "$SUB" dev "${F}rd"
	track route "$SUB" "${F}rd"
	track link "${F}rd"
	fab -j check "$F"
	[[ $FAB_RC -eq 1 ]] || soft_fail "check $F: exit $FAB_RC with a foreign route to $SUB"
	repair_foreign
	verify
	finish
}

# ------------------------------------------------------------- the router
c_router_remove() {
	mkfab
	ip netns del ".fabricctl-$F"
	expect missing_router "$(re ".fabricctl-$F")"
	repair_clean
	verify
	finish
}

c_router_rename() {
	mkfab
	rename_netns ".fabricctl-$F" "${F}rt"
	expect missing_router "$(re ".fabricctl-$F")"
	repair_clean
	verify
	finish
}

c_router_foreign() {
	mkfab
	ip netns del ".fabricctl-$F"
	mk_netns ".fabricctl-$F"
	track ns ".fabricctl-$F"
	expect foreign_router "$(re ".fabricctl-$F")" true
	repair_foreign
	SKIP=" $C "
	NOGW=1
	verify
	finish "$C"
}

# Classic: destroy of a fabric that does not exist leaves a foreign
# ".fabricctl-NAME".
c_router_foreign_nofabric() {
	mk_netns ".fabricctl-$F"
	track ns ".fabricctl-$F"
	fab_ok destroy "$F"
	foreign_verify destroy
	[[ -e /run/fabricctl/$F ]] && fail "destroy of no fabric made /run/fabricctl/$F"
	return 0
}

c_leg_remove() {
	mkfab
	ip link del "$F-r1"
	expect missing_leg "$(re "$F-r1")"
	repair_clean
	verify
	finish
}

c_leg_rename() {
	mkfab
	rename_link "$F-r1" "$F-r1x"
	expect missing_leg "$(re "$F-r1")"
	repair_clean
	verify
	finish
}

c_leg_foreign() {
	local idx
	mkfab
	idx=$(ifindex_of "$F-r1")
	ip link del "$F-r1"
	mk_link "$F-r1" index "$idx"
	track link "$F-r1"
	expect foreign_link "$(re "$F-r1")" true
	repair_foreign
	SKIP=" $C "
	verify
	finish "$C"
}

c_leg_down() {
	mkfab
	ip link set "$F-r0" down
	expect link_down "$(re "$F-r0")"
	repair_clean
	verify
	finish
}

c_leg_nomaster() {
	mkfab
	ip link set "$F-r1" nomaster
	expect not_enslaved "$(re "$F-r1")"
	repair_clean
	verify
	finish
}

c_leg_inside_down() {
	mkfab
	ip -n ".fabricctl-$F" link set c1 down
	expect link_down c1
	repair_clean
	verify
	finish
}

c_gateway_c1() {
	mkfab
	ip -n ".fabricctl-$F" addr flush dev c1
	expect missing_gateway c1
	repair_clean
	verify
	finish
}

c_gateway_c0() {
	mkfab
	ip -n ".fabricctl-$F" addr flush dev c0
	expect missing_gateway c0
	repair_clean
	verify
	finish
}

# ================================================================== run

CASE_LIST=(
	ns_remove ns_remove_single ns_rename ns_foreign ns_foreign_held
	ns_foreign_delnode ns_foreign_destroy
	veth_remove veth_rename veth_foreign veth_foreign_delnode veth_ifindex_reused
	veth_down veth_nomaster veth_foreign_master
	group_foreign port_foreign port_foreign_single stray_tagged
	eth0_delete eth0_rename eth0_moved eth0_foreign node_ns_foreign_link
	eth0_down addr_flush route_del
	tc_ingress tc_egress tc_qdisc tc_foreign counter_delete counter_orphan
	pin_counters pin_ingress pin_egress pin_rename pin_foreign pin_foreign_destroy
	pin_matrix pin_pairs pin_drops pin_netns pin_link_drops netns_entry
	bridge_c1_remove bridge_c0_remove bridge_c0_remove_single bridge_rename
	bridge_down bridge_foreign bridge_foreign_single bridge_ifindex_reused
	host_addr gateway_single host_route host_route_foreign
	router_remove router_rename router_foreign router_foreign_nofabric
	leg_remove leg_rename leg_foreign leg_down leg_nomaster leg_inside_down
	gateway_c1 gateway_c0
)
if [[ ${FABRICCTL_ATTACH:-} == tcx ]]; then # tcx fabrics: no clsact or tc blocks
	sel=()
	for c in "${CASE_LIST[@]}"; do [[ $c == tc_* ]] || sel+=("$c"); done
	CASE_LIST=(tcx_ingress tcx_egress tcx_foreign_destroy "${sel[@]}")
fi
if [[ -n ${DRIFT_CASES:-} ]]; then # DRIFT_CASES="veth_ leg_" runs those only
	sel=()
	for c in "${CASE_LIST[@]}"; do
		for w in $DRIFT_CASES; do [[ $c == *"$w"* ]] && { sel+=("$c"); break; }; done
	done
	CASE_LIST=("${sel[@]}")
fi
for c in "${CASE_LIST[@]}"; do
	run_case "$c" "c_$c"
done
while ((${#RUNNING[@]})); do reap_case; done

echo "drift cases: $CASES"
log "drift cases: $CASES, failed: ${#FAILED[@]}"
if [[ ${#FAILED[@]} -gt 0 ]]; then
	printf '%s: %d of %d drift cases failed:\n' "$TEST_NAME" "${#FAILED[@]}" "$CASES" >&2
	printf '  - %s\n' "${FAILED[@]}" >&2
	exit 1
fi
exit 0
