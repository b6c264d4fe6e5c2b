#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# add-node makes the next batch's namespaces on a second thread while it
# builds the links of the current batch (batches of 64). Whatever fails,
# the guarantees hold as in one thread:
# - 150 nodes in three batches all come up, each in its own namespace with
#   its address and its host veth on the bridge (what show says is what the
#   kernel has) and they answer across batches;
# - a foreign namespace named like node 100 (second batch, made ahead):
#   nodes 1..99 stay and work, nothing of 100..150 is left, the foreign
#   namespace is untouched;
# - an injected failure (fail@K) at steps spread over the first two
#   batches, where namespaces of the second batch may already be made when
#   the first batch fails: the nodes kept are exactly the ones shown, a
#   prefix of the names, and no namespace or veth of any other is left.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root

F=$(fab_name)
G=$(fab_name)
cleanup_fabric "$F" "$G"
P=${F}p

# kept PREFIX: how many namespaces named PREFIX<number> exist.
kept() {
	local f n=0
	for f in /run/netns/"$1"*; do
		[[ -e $f && ${f##*/} =~ ^$1[0-9]+$ ]] && n=$((n + 1))
	done
	echo "$n"
}

# veths FABRIC: how many host veths (FABRIC-<slot>) exist.
veths() {
	local f n=0
	for f in /sys/class/net/"$1"-*; do
		[[ -e $f && ${f##*/} =~ ^$1-[0-9]+$ ]] && n=$((n + 1))
	done
	echo "$n"
}

# --- 150 nodes, three batches, every one made
fab_ok create "$F" --subnet 10.210.171.0/24
fab_ok -j add-node "$F" --count 150 --prefix "$P"
assert_eq "$(jq -r '.added | length' <<<"$FAB_OUT")" 150 "nodes added"
assert_eq "$(kept "$P")" 150 "namespaces after the add"
assert_eq "$(bridge_ports "$F-c0" | wc -l)" 150 "bridge ports after the add"
assert_consistent "$F"
# one node of each batch answers a node of another
ping_ok "${P}1" "$(node_inet "${P}70" | cut -d/ -f1)"
ping_ok "${P}130" "$(node_inet "${P}150" | cut -d/ -f1)"
ping_ok "${P}149" "$(node_inet "${P}64" | cut -d/ -f1)"
fab_ok destroy "$F"
wait_no_leftovers "$P" 10 || fail "nodes left after destroy: $(leftovers "$P" | head -3)"

# --- the second batch fails while it is made ahead
fab_ok create "$F" --subnet 10.210.171.0/24
foreign_netns "${P}100"
# by name: --count would skip a name that is taken
fab_rc 1 add-node "$F" $(printf "$P%s " {1..150})
fab_err_line
assert_contains "$FAB_ERR" "${P}100" "error names the namespace"
assert_contains "$FAB_ERR" "already exists" "error gives the reason"
netns_exists "${P}100" || fail "the foreign namespace ${P}100 was removed"
assert_eq "$(kept "$P")" 100 "namespaces after the failure (99 nodes and the foreign one)"
assert_eq "$(veths "$F")" 99 "host veths after the failure"
assert_eq "$(bridge_ports "$F-c0" | wc -l)" 99 "bridge ports after the failure"
fab_ok -j show "$F"
assert_eq "$(jq -r '.nodes | length' <<<"$FAB_OUT")" 99 "nodes shown after the failure"
assert_eq "$(jq -r '.nodes[-1].name' <<<"$FAB_OUT")" "${P}99" "last node kept"
ping_ok "${P}99" "$(node_inet "${P}1" | cut -d/ -f1)"
fab_ok check "$F"
fab_ok destroy "$F"
wait_gone "${P}1" "${P}99" || fail "destroy left nodes"

# --- injected failures over the first two batches
Q=${G}q
for K in 150 210 230 250 270 300 330 360 420; do
	fab_ok create "$G" --subnet 10.210.172.0/24
	FABRICCTL_FAILPOINT=fail@$K fab add-node "$G" --count 140 --prefix "$Q"
	assert_eq "$FAB_RC" 1 "fail@$K: exit status of add-node"
	assert_contains "$FAB_ERR" "failpoint $K" "fail@$K: the error names the failpoint"
	fab_ok -j show "$G"
	shown=$(jq -r '.nodes | length' <<<"$FAB_OUT")
	assert_eq "$(jq -r '[.nodes[].name] | join(" ")' <<<"$FAB_OUT")" \
		"$(if ((shown)); then printf "$Q%s " $(seq 1 "$shown") | sed 's/ $//'; fi)" \
		"fail@$K: the nodes kept are the first ones"
	assert_eq "$(kept "$Q")" "$shown" "fail@$K: namespaces vs $shown nodes shown"
	assert_eq "$(veths "$G")" "$shown" "fail@$K: host veths vs $shown nodes shown"
	assert_eq "$(bridge_ports "$G-c0" | wc -l)" "$shown" "fail@$K: bridge ports vs $shown nodes shown"
	fab_ok check "$G"
	fab_ok destroy "$G"
	wait_no_leftovers "$Q" 10 || fail "fail@$K: left after destroy: $(leftovers "$Q" | head -3)"
done
