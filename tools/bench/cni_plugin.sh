#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# fabricctl-cni against the CNI reference plugins (Debian's bridge +
# host-local, configured as tools/bench/cni.sh configures them) for the
# same N namespaces in the same run, driven as a runtime drives a plugin:
# one process per ADD and per DEL, environment + config on stdin.
# Prints totals, the ratio, and ADD/DEL latency p50/p99 (each call timed
# around its exec, as the runtime would see it), and the CPU time (user +
# system) the plugin processes used, which a loaded host disturbs less.
#
# The stock bridge plugin with isGateway turns on the host's ip_forward:
# the value is saved first and put back by `cni.sh teardown`.
#
# Usage: tools/bench/cni_plugin.sh FABRICCTL [N]   (N: 1000)
set -euo pipefail
fab=${1:?usage: cni_plugin.sh FABRICCTL [N]}
n=${2:-1000}
plugin=${CNI_FABRIC_PLUGIN:-${fab}-cni}
stock=${CNI_PLUGIN_DIR:-/usr/lib/cni}
here=$(cd "$(dirname "$0")" && pwd)
prefix=cbp base=10.227 fabric=cbpf
statedir=${TMPDIR:-/tmp}/fabricctl-bench-cni-$prefix
[ -x "$plugin" ] || { echo "${0##*/}: no plugin at $plugin (make)" >&2; exit 1; }
[ -x "$stock/bridge" ] || { echo "${0##*/}: no $stock/bridge (containernetworking-plugins)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "${0##*/}: needs root" >&2; exit 1; }

stock_conf=$(jq -cn --arg br "$prefix-br" --arg b "$base" --arg d "$statedir/ipam" \
	'{cniVersion: "1.0.0", name: "cbp-bench", type: "bridge", bridge: $br, isGateway: true, ipMasq: false,
	  ipam: {type: "host-local", subnet: ($b + ".0.0/16"), gateway: ($b + ".0.1"),
	         routes: [{dst: "0.0.0.0/0"}], dataDir: $d}}')
fab_conf=$(jq -cn --arg f "$fabric" \
	'{cniVersion: "1.0.0", name: "cbpf-bench", type: "fabricctl-cni", fabric: $f,
	  subnet: "10.228.0.0/20", tune: true}')

cleanup() {
	"$fab" destroy "$fabric" >/dev/null 2>&1 || true
	"$here/cni.sh" teardown "$n" "$prefix" "$base" "$statedir" >/dev/null 2>&1 || true
}
trap cleanup EXIT
mkdir -p "$statedir/ipam"
cat /proc/sys/net/ipv4/ip_forward >"$statedir/ip_forward"
for ((i = 1; i <= n; i++)); do ip netns add "$prefix$i"; done

# CPU seconds (user + system) of every child this shell has waited for, with
# theirs, into FILE: `times` runs in this shell (in $(...) it would see none).
children_cpu() {
	times >"$1.times"
	tail -1 "$1.times" | awk '{ n = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); n += a[1] * 60 + a[2] } printf "%.3f\n", n }' >"$1"
}

# run CMD EXE CONF OUTFILE: every namespace once, one exec each; latencies (us) to
# OUTFILE, the CPU seconds the calls used to OUTFILE.cpu.
run() {
	local cmd=$1 exe=$2 conf=$3 out=$4 i t0 t1
	: >"$out"
	children_cpu "$out.cpu0"
	for ((i = 1; i <= n; i++)); do
		t0=$EPOCHREALTIME
		CNI_COMMAND=$cmd CNI_CONTAINERID="bench-$prefix$i" CNI_NETNS="/run/netns/$prefix$i" \
			CNI_IFNAME=eth0 CNI_PATH="$stock" "$exe" <<<"$conf" >/dev/null ||
			{ echo "${0##*/}: $cmd $exe $prefix$i failed" >&2; return 1; }
		t1=$EPOCHREALTIME
		echo $(((${t1/./} - ${t0/./}))) >>"$out"
	done
	children_cpu "$out.cpu1"
	awk -v a="$(cat "$out.cpu0")" -v b="$(cat "$out.cpu1")" 'BEGIN { printf "%.2f\n", b - a }' >"$out.cpu"
}

# summary FILE: "total_s p50_ms p99_ms"
summary() {
	sort -n "$1" | awk '{ v[NR] = $1; s += $1 }
		END { p50 = v[int(NR * 0.50) > 0 ? int(NR * 0.50) : 1]; p99 = v[int(NR * 0.99) > 0 ? int(NR * 0.99) : 1];
		      printf "%.2f %.2f %.2f", s / 1e6, p50 / 1e3, p99 / 1e3 }'
}

t=$statedir
run ADD "$stock/bridge" "$stock_conf" "$t/stock_add"
run DEL "$stock/bridge" "$stock_conf" "$t/stock_del"
run ADD "$plugin" "$fab_conf" "$t/fab_add"
run DEL "$plugin" "$fab_conf" "$t/fab_del"

read -r sa_t sa_50 sa_99 <<<"$(summary "$t/stock_add")"
read -r sd_t sd_50 sd_99 <<<"$(summary "$t/stock_del")"
read -r fa_t fa_50 fa_99 <<<"$(summary "$t/fab_add")"
read -r fd_t fd_50 fd_99 <<<"$(summary "$t/fab_del")"
printf '%-32s %10s %10s %10s %10s\n' "$n namespaces, one exec per call" "total s" "p50 ms" "p99 ms" "CPU s"
printf '%-32s %10s %10s %10s %10s\n' "ADD bridge+host-local" "$sa_t" "$sa_50" "$sa_99" "$(cat "$t/stock_add.cpu")"
printf '%-32s %10s %10s %10s %10s\n' "ADD fabricctl-cni" "$fa_t" "$fa_50" "$fa_99" "$(cat "$t/fab_add.cpu")"
printf '%-32s %10s %10s %10s %10s\n' "DEL bridge+host-local" "$sd_t" "$sd_50" "$sd_99" "$(cat "$t/stock_del.cpu")"
printf '%-32s %10s %10s %10s %10s\n' "DEL fabricctl-cni" "$fd_t" "$fd_50" "$fd_99" "$(cat "$t/fab_del.cpu")"
awk -v a="$sa_t" -v b="$fa_t" -v c="$sd_t" -v d="$fd_t" \
	-v e="$(cat "$t/stock_add.cpu")" -v f="$(cat "$t/fab_add.cpu")" \
	-v g="$(cat "$t/stock_del.cpu")" -v h="$(cat "$t/fab_del.cpu")" \
	'BEGIN { printf "ratio (bridge+host-local / fabricctl-cni): time ADD %.1fx, DEL %.1fx; CPU ADD %.1fx, DEL %.1fx\n", a / b, c / d, e / f, g / h }'
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
