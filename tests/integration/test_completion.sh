#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# contrib/bash-completion/fabricctl against a real fabric of two nodes:
# commands, each command's options, fabric names (FABRIC), node names
# (NODE), the --sort fields of stats and exec's command line; with and
# without bash-completion's helpers, and with and without jq. When fabricctl
# fails (not root, a failing or empty fabricctl) it completes to nothing and
# prints nothing.
#
# Every completion runs in a fresh `bash --norc` (no trap, no set -e of this
# test): COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT are set by hand
# from a command line, split as readline splits it ("=" is a word break),
# then _fabricctl runs and COMPREPLY is printed one word a line.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
need_root

# FABRICCTL_COMPLETION: the script to test, e.g. an installed copy.
SCRIPT=${FABRICCTL_COMPLETION:-"$(cd "$(dirname "$0")/../.." && pwd)/contrib/bash-completion/fabricctl"}
BASH_COMPLETION=/usr/share/bash-completion/bash_completion
[[ -f "$SCRIPT" ]] || fail "no completion script at $SCRIPT"
BASH_BIN=$(type -P bash)

F=$(fab_name)
cleanup_fabric "$F"
NET=10.210.77
A=${F}a
B=${F}b

fab_ok create "$F" --subnet $NET.0/24
fab add-node "$F" "$A" "$B"
if [[ $FAB_RC -ne 0 ]]; then
	# Someone else's fabrics may hold this host at its limits: not a
	# completion problem.
	[[ $FAB_ERR == *"would overrun this host's limits"* ]] && skip "host limits: $FAB_ERR"
	_fab_show_run add-node "$F" "$A" "$B"
	fail "fabricctl add-node $F failed (exit $FAB_RC)"
fi
for node in "$A" "$B"; do
	netns_exists "$node" || fail "add-node made no namespace $node"
done

# What the completion runs. Everything here is readable by "nobody" too.
PUB="$TEST_TMP/pub"
mkdir -p "$PUB/bin" "$PUB/nojq" "$PUB/failing" "$PUB/empty" "$PUB/home"
chmod 0755 "$TEST_TMP"
cp "$SCRIPT" "$PUB/completion"
cp "$FABRICCTL" "$PUB/bin/fabricctl"
# PATH for "no jq": only what the script and the tests use.
for tool in awk sort cat; do
	ln -s "$(type -P "$tool")" "$PUB/nojq/$tool"
done
ln -s "$PUB/bin/fabricctl" "$PUB/nojq/fabricctl"
# A fabricctl that fails as a non-root one does, and one with no fabrics.
for dir in failing empty; do
	for tool in awk sort cat jq; do
		ln -s "$(type -P "$tool")" "$PUB/$dir/$tool"
	done
done
cat >"$PUB/failing/fabricctl" <<'EOF'
#!/bin/sh
case " $* " in *" -j "*) echo '{"error":"needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_BPF)"}' ;; esac
echo "fabricctl: needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_BPF)" >&2
exit 1
EOF
cat >"$PUB/empty/fabricctl" <<'EOF'
#!/bin/sh
case " $* " in *" -j list "*) echo '[]' ;; esac
exit 0
EOF
chmod 0755 "$PUB/failing/fabricctl" "$PUB/empty/fabricctl"

# The harness: complete.sh MODE LINE (MODE "bc" loads bash-completion first).
cat >"$PUB/complete.sh" <<'EOF'
mode=$1 line=$2
if [[ $mode == bc ]]; then
	. /usr/share/bash-completion/bash_completion
	declare -F _init_completion >/dev/null || { echo "no _init_completion" >&2; exit 3; }
else
	declare -F _init_completion >/dev/null && { echo "_init_completion is there" >&2; exit 3; }
fi
. "$COMPLETION"
[[ $(complete -p fabricctl 2>/dev/null) == "complete -F _fabricctl fabricctl" ]] ||
	{ echo "no 'complete -F _fabricctl fabricctl'" >&2; exit 3; }
COMP_LINE=$line
COMP_POINT=${#line}
COMP_TYPE=9
COMP_KEY=9
COMP_WORDS=()
set -f
for w in $line; do
	while [[ $w == *=* ]]; do
		[[ -n ${w%%=*} ]] && COMP_WORDS+=("${w%%=*}")
		COMP_WORDS+=("=")
		w=${w#*=}
	done
	[[ -n $w ]] && COMP_WORDS+=("$w")
done
set +f
[[ $line == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMPREPLY=()
_fabricctl "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
((${#COMPREPLY[@]} == 0)) || printf '%s\n' "${COMPREPLY[@]}"
EOF

MODES=(plain)
if [[ -f $BASH_COMPLETION ]]; then
	MODES+=(bc)
else
	log "no $BASH_COMPLETION (bash-completion): testing without it only"
fi

# complete_in MODE PATH LINE [USER]: sets REPLY_WORDS (sorted, one a line)
# and REPLY_ERR. Fails the test if the harness itself fails.
complete_in() {
	local mode=$1 path=$2 line=$3 user=${4:-} rc=0
	local -a run=(env -i "PATH=$path" "HOME=$PUB/home" "COMPLETION=$PUB/completion" LC_ALL=C)
	if [[ -n $user ]]; then
		run=(setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups "${run[@]}")
	fi
	"${run[@]}" "$BASH_BIN" --norc --noprofile "$PUB/complete.sh" "$mode" "$line" \
		>"$TEST_TMP/reply" 2>"$TEST_TMP/reply_err" || rc=$?
	REPLY_WORDS=$(sort -u "$TEST_TMP/reply")
	REPLY_ERR=$(cat "$TEST_TMP/reply_err")
	[[ $rc -eq 0 ]] || fail "[$mode] completing '$line': harness exit $rc: $REPLY_ERR"
}

words() { printf '%s\n' "$@" | sort -u; }

# expect LINE WORD...: the completions of LINE are exactly WORD..., and
# nothing is printed, in every mode, with jq and without.
# expect_has LINE WORD...: they include WORD...
check_all() {
	local how=$1 line=$2 mode path want w
	shift 2
	want=$(words "$@")
	for mode in "${MODES[@]}"; do
		for path in "$PUB/bin:/usr/bin:/bin" "$PUB/nojq"; do
			complete_in "$mode" "$path" "$line"
			[[ -z $REPLY_ERR ]] || fail "[$mode, PATH=$path] '$line' printed: $REPLY_ERR"
			if [[ $how == exact ]]; then
				assert_eq "$REPLY_WORDS" "$want" "[$mode, PATH=$path] completions of '$line'"
			else
				for w in "$@"; do
					grep -qxF -- "$w" <<<"$REPLY_WORDS" ||
						fail "[$mode, PATH=$path] completions of '$line' lack '$w': ${REPLY_WORDS//$'\n'/ }"
				done
			fi
		done
	done
}
expect() { check_all exact "$@"; }
expect_has() { check_all has "$@"; }

# Commands and global options.
expect "fabricctl cre" create
expect "fabricctl d" del-node destroy doctor
expect "fabricctl -j sh" show
expect_has "fabricctl " create add-node del-node destroy list show stats exporter exec check doctor help version
expect "fabricctl --p" --pretty
expect "fabricctl help s" show stats

# FABRIC: this test's fabric (the host may have others), and nothing that
# is not a fabric (as listed just before or just after).
fab_ok -j list
before=$(jq -r '.[].name' <<<"$FAB_OUT")
expect_has "fabricctl show " "$F"
fab_ok -j list
fabrics=$(printf '%s\n%s\n' "$before" "$(jq -r '.[].name' <<<"$FAB_OUT")" | sort -u)
for mode in "${MODES[@]}"; do
	for path in "$PUB/bin:/usr/bin:/bin" "$PUB/nojq"; do
		complete_in "$mode" "$path" "fabricctl show "
		extra=$(comm -23 <(echo "$REPLY_WORDS") <(echo "$fabrics"))
		assert_eq "$extra" "" "[$mode, PATH=$path] completions of 'fabricctl show ' that are no fabric"
	done
done
expect_has "fabricctl -q destroy " "$F"
expect_has "fabricctl check ${F:0:5}" "$F"
expect "fabricctl stats $F" "$F"
expect_has "fabricctl add-node " "$F"
expect "fabricctl create " # a new name: nothing to offer

# NODE: the fabric's nodes, less those already named.
expect "fabricctl del-node $F " "$A" "$B"
expect "fabricctl del-node $F $A " "$B"
expect "fabricctl stats $F " "$A" "$B"
expect "fabricctl stats $F --sort bytes $B " "$A"
expect "fabricctl stats --watch 2 $F " "$A" "$B"
expect "fabricctl add-node $F " # new names
expect "fabricctl show $F " # one FABRIC only
expect "fabricctl del-node t0000x " # no such fabric

# Options and their values.
expect "fabricctl add-node $F --c" --count
expect "fabricctl add-node $F --" --ip --ip6 --count --prefix --no-wait --help --json --pretty --quiet
expect "fabricctl create $F --" --subnet --ipv6 --subnet6 --ipv6-only --mtu --cell-size --tune --attach \
	--site --underlay --bgp-peer --bgp-hold --asn --help --json --pretty --quiet
expect "fabricctl del-node $F --a" --all
expect "fabricctl check $F --r" --repair
expect "fabricctl doctor --n" --nodes
expect "fabricctl stats $F --sort r" rx_packets rx_bytes
expect "fabricctl stats $F --sort=r" rx_packets rx_bytes
expect "fabricctl stats $F -s t" tx_packets tx_bytes
expect "fabricctl stats $F --sort " address name rx_packets tx_packets rx_bytes tx_bytes packets bytes drops
expect "fabricctl stats $F --p" --pretty --prometheus
expect "fabricctl stats $F --top " # a number
expect "fabricctl exporter --l" --listen
expect "fabricctl exporter --a" --allow-remote
expect "fabricctl exporter --listen " # an address
expect_has "fabricctl exporter " "$F"
expect_has "fabricctl exporter --listen 127.0.0.1:9464 " "$F"
expect "fabricctl create $F --cell-size " 64 128 256 512 1024

# exec FABRIC NODE -- COMMAND.
expect_has "fabricctl exec " "$F" # the host may have other fabrics
expect "fabricctl exec $F " "$A" "$B"
expect "fabricctl exec $F $A " --
expect "fabricctl exec -" --help
for mode in "${MODES[@]}"; do
	complete_in "$mode" "$PUB/bin:/usr/bin:/bin" "fabricctl exec $F $A -- pin"
	grep -qxF ping <<<"$REPLY_WORDS" || fail "[$mode] exec ... -- pin: no 'ping' in ${REPLY_WORDS//$'\n'/ }"
	# bash-completion's _command_offset calls compopt, which says it is not
	# in a completion when called by hand: that line only.
	if grep -v 'compopt: not currently executing completion function' <<<"$REPLY_ERR" | grep -q .; then
		fail "[$mode] exec ... -- pin printed: $REPLY_ERR"
	fi
done

# fabricctl called by its path (not on PATH).
for mode in "${MODES[@]}"; do
	complete_in "$mode" /usr/bin:/bin "$PUB/bin/fabricctl del-node $F "
	assert_eq "$REPLY_WORDS" "$(words "$A" "$B")" "[$mode] completions of '$PUB/bin/fabricctl del-node $F '"
	[[ -z $REPLY_ERR ]] || fail "[$mode] printed: $REPLY_ERR"
done

# When fabricctl fails, is empty or missing: nothing, silently.
for mode in "${MODES[@]}"; do
	for path in "$PUB/failing" "$PUB/empty" /nonexistent; do
		for line in "fabricctl show " "fabricctl del-node $F " "fabricctl exec $F " "fabricctl stats $F --sort r"; do
			complete_in "$mode" "$path" "$line"
			[[ -z $REPLY_ERR ]] || fail "[$mode, PATH=$path] '$line' printed: $REPLY_ERR"
			if [[ $line == *--sort* ]]; then
				assert_eq "$REPLY_WORDS" "$(words rx_bytes rx_packets)" "[$mode, PATH=$path] '$line'"
			else
				assert_eq "$REPLY_WORDS" "" "[$mode, PATH=$path] completions of '$line'"
			fi
		done
	done
	# The real fabricctl, run by someone who is not root.
	if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
		for line in "fabricctl show " "fabricctl del-node $F "; do
			complete_in "$mode" "$PUB/bin:/usr/bin:/bin" "$line" nobody
			[[ -z $REPLY_ERR ]] || fail "[$mode, nobody] '$line' printed: $REPLY_ERR"
			assert_eq "$REPLY_WORDS" "" "[$mode, nobody] completions of '$line'"
		done
	fi
done
exit 0
