#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Install every Debian 12 package that building, testing and benchmarking
# fabricctl needs. Idempotent; prints nothing when everything is present.
# Usage: tools/install-deps.sh [--check]   (--check: list what is missing, exit 1 if any)
set -euo pipefail

packages=(
	# build
	make gcc clang llvm pkg-config libbpf-dev libmnl-dev libelf-dev zlib1g-dev
	libmicrohttpd-dev libyaml-dev libncurses-dev libjson-c-dev
	bpftool linux-libc-dev
	# tests and benchmarks
	iproute2 iputils-ping jq iperf3 procps util-linux prometheus curl
	containernetworking-plugins libclang-rt-14-dev
	# the lab file schema test (docs/fabric.schema.json over contrib/labs)
	python3-jsonschema python3-yaml
	# profiling add-node (perf record/lock, README "Growth"); GNU time for scale-test's peak RSS
	linux-perf time
	# the man page and bash completion tests (man, groff; _init_completion)
	man-db groff bash-completion
	# multi-host: FRR (zebra, bgpd, vtysh) on simulated hosts (tools/evpn-netns-probe.sh)
	frr
	# apply (systemd-analyze verify), top (tmux), drops (bpftrace, nftables),
	# captures in tests (tcpdump), CNI runtimes with a local rootfs
	systemd tmux bpftrace nftables tcpdump podman containerd busybox-static
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "${1:-}" = "--check" ]; then
	echo "missing packages: ${missing[*]}"
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: run as root: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Packages with services (prometheus) must not start them here.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	made_policy=1
fi
trap '[ $made_policy -eq 1 ] && rm -f "$policy"' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
