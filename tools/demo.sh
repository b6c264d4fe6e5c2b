#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `make demo`: a fabric of a few dozen nodes, some pings between them, the
# fabric's nodes and its counters. The fabric is left for you to explore.
# Usage: tools/demo.sh [PATH_TO_FABRICCTL] [NODES]
set -euo pipefail

fab=${1:-build/fabricctl}
nodes=${2:-32}
name=demo

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: needs root (network namespaces): sudo make demo" >&2
	exit 1
fi
say() { if [ -t 1 ]; then printf '\n\033[1m$ %s\033[0m\n' "$*"; else printf '\n$ %s\n' "$*"; fi; }
run() { say "$*"; "$@"; }

# A demo fabric from an earlier run is replaced, not added to.
"$fab" -q destroy "$name"

run "$fab" create "$name"
run "$fab" add-node "$name" --count "$nodes"

subnet=$("$fab" -j show "$name" | jq -r .subnet)
gw=$("$fab" -j show "$name" | jq -r .gateway)
first=$("$fab" -j show "$name" | jq -r '.nodes[0].name')
last_addr=$("$fab" -j show "$name" | jq -r '.nodes[-1].address')

run ip netns exec "$first" ping -c 3 -i 0.2 "$last_addr"
run "$fab" exec "$name" "$first" -- ping -c 1 "$gw"
say "every node pings the next one"
fails=0
mapfile -t addrs < <("$fab" -j show "$name" | jq -r '.nodes[].address')
mapfile -t names < <("$fab" -j show "$name" | jq -r '.nodes[].name')
for i in "${!names[@]}"; do
	next=${addrs[$(( (i + 1) % ${#addrs[@]} ))]}
	ip netns exec "${names[$i]}" ping -c 1 -W 2 -q "$next" >/dev/null || fails=$((fails + 1))
done
echo "${#names[@]} pings, $fails failed"

run "$fab" show "$name"
run "$fab" stats "$name" --sort tx_packets --top 10

cat <<TXT

The fabric "$name" ($subnet, $nodes nodes) is still up. Try:
  ip netns list | head
  ip netns exec $first ping ${last_addr}
  $fab stats $name --watch 1
Remove it with:
  sudo $fab destroy $name
TXT
[ "$fails" -eq 0 ]
