#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tools/check-layers.sh: the architecture, checked. Every source and header
# lives in a layer folder (src/<layer>/, include/<layer>/) and may include
# headers of its own layer and the layers below it only:
#
#   base < kernel < host < fabric < stats < lab < front-ends (cli, ...)
#
# bpf_shared/ (structs shared with bpf/) may be included by any layer; a
# front-end never includes another front-end's headers. It also fails on an
# include cycle between modules (file stems) and on a source file longer
# than MAX_LINES. Exit 0 when all hold, 1 with one line per violation.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

MAX_LINES=${MAX_LINES:-650}
declare -A RANK=([base]=0 [kernel]=1 [host]=2 [fabric]=3 [stats]=4 [lab]=5 [bpf_shared]=-1)
FRONT_END_RANK=6
bad=0

rank_of() { # layer -> rank (front-ends: FRONT_END_RANK)
	if [[ -n ${RANK[$1]+x} ]]; then echo "${RANK[$1]}"; else echo "$FRONT_END_RANK"; fi
}

edges=$(mktemp)
trap 'rm -f "$edges"' EXIT

for f in src/*/*.c include/*/*.h; do
	layer=${f#*/}
	layer=${layer%%/*}
	mine=$(rank_of "$layer")
	stem=${f##*/}
	stem="$layer/${stem%.*}"
	while IFS= read -r inc; do
		[[ $inc == *.skel.h ]] && continue # generated into the build directory
		[[ $inc == */* ]] || { echo "$f: includes \"$inc\" without its layer folder"; bad=1; continue; }
		their=${inc%%/*}
		r=$(rank_of "$their")
		if [[ $their != bpf_shared && ! -d include/$their ]]; then
			echo "$f: includes \"$inc\" from no layer"
			bad=1
		elif [[ $r -gt $mine ]]; then
			echo "$f: $layer includes $inc of the layer above it"
			bad=1
		elif [[ $r -eq $FRONT_END_RANK && $their != "$layer" ]]; then
			echo "$f: front-end $layer includes $inc of front-end $their"
			bad=1
		fi
		target="${inc%.h}"
		[[ $target != "$stem" ]] && echo "$stem $target" >>"$edges"
	done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
done

# Module graph: tsort reports a cycle on stderr.
if cycle=$(sort -u "$edges" | tsort 2>&1 >/dev/null) && [[ -n $cycle ]]; then
	echo "include cycle between modules:"
	sed 's/^/  /' <<<"$cycle"
	bad=1
fi

while read -r n f; do
	[[ $f == total ]] && continue
	if [[ $n -gt $MAX_LINES ]]; then
		echo "$f: $n lines (more than $MAX_LINES: split it along its concerns)"
		bad=1
	fi
done < <(wc -l src/*/*.c)

[[ $bad -eq 0 ]] && echo "layers: ok ($(ls src/*/*.c | wc -l) sources, $(ls include/*/*.h | wc -l) headers)"
exit "$bad"
