#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `make bench`: every benchmark, one after the other, each printing its
# ratios against baselines measured in the same run (never pass/fail).
#   1. setup/teardown side by side at N=100 and N=1000: fabricctl, the seed
#      script, ip -batch, the CNI plugins, the C floor     (run.sh)
#   2. reading counters: stats -j vs ip -s -j link at 1000 nodes (stats_read.sh);
#      one exporter scrape vs stats --prometheus (exporter_scrape.sh)
#   3. counting overhead: iperf3 with and without the program (stats_overhead.sh),
#      and across cells with the traffic matrix counting (--across-cells);
#      the drop program's cost and --matrix/scrape times at 10,000 nodes
#      (observe.sh; BENCH_SCALE=0 runs it at 1000)
#   4. routed vs layer-2-joined cells: flood width and drops (cell-join.sh)
#   5. the record at 1000, 10,000, 100,000 nodes, ns per node (bench-record)
#   5b. dual-stack vs IPv4-only: add time and the bring-up flood (ipv6.sh)
#   6. growth to 10,000 nodes: tools/scale-test 10000 (BENCH_SCALE=0 skips it)
#   7. apply: a 1000-node file vs create + add-node --count, impair on 1000
#      nodes in ms/node, a no-change apply of 10,000 nodes (apply.sh;
#      BENCH_SCALE=0 skips the 10,000)
#   8. the CNI plugin: 1000 ADDs and DELs, fabricctl-cni vs bridge+host-local
#      (cni_plugin.sh)
# Usage: tools/bench/all.sh FABRICCTL
set -euo pipefail
fab=${1:?usage: all.sh FABRICCTL}
here=$(cd "$(dirname "$0")" && pwd)

section() { printf '\n===== %s =====\n' "$*"; }

section "setup and teardown, N=100 and N=1000"
"$here/run.sh" --with-cni --n 100 --n 1000 "$fab"
section "reading counters (1000 nodes)"
"$here/stats_read.sh" "$fab"
"$here/exporter_scrape.sh" "$fab"
section "counting overhead (iperf3, ping)"
"$here/stats_overhead.sh" "$fab"
section "traffic matrix and drops: across cells, drop program, 10,000 nodes"
"$here/stats_overhead.sh" --across-cells "$fab"
if [ "${BENCH_SCALE:-1}" != 0 ]; then
	"$here/observe.sh" "$fab"
else
	"$here/observe.sh" --nodes 1000 "$fab"
fi
section "routed vs layer-2-joined cells (3000 nodes, cells of 512)"
"$here/cell-join.sh" "$fab" 3000 512 20
section "dual-stack vs IPv4-only (1000 nodes, 100 more added)"
"$here/ipv6.sh" "$fab" 1000 100
section "the state record, ns per node (1000, 10,000, 100,000 nodes)"
"$(dirname "$fab")/bench-record"
section "CNI plugin: 1000 ADDs and DELs, one exec each (fabricctl-cni vs bridge+host-local)"
"$here/cni_plugin.sh" "$fab" 1000
if [ "${BENCH_SCALE:-1}" != 0 ]; then
	section "10,000 nodes (tools/scale-test)"
	"$here/../scale-test" 10000 --fabricctl "$fab"
fi
section "apply: 1000-node file vs add-node --count, impairments, no-change apply"
if [ "${BENCH_SCALE:-1}" != 0 ]; then
	"$here/apply.sh" "$fab"
else
	"$here/apply.sh" --big 0 "$fab"
fi
