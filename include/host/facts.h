/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What this host is: the sysctls, rlimits, memory and BPF support that
 * decide how far fabrics can grow. Read once; judged by limits.h from
 * these facts alone, so the rules are testable with made-up hosts.
 */
#ifndef FABRICCTL_HOST_FACTS_H
#define FABRICCTL_HOST_FACTS_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/nf_probe.h"

/* A sysctl that cannot be read is -1. */
struct host_facts {
	int64_t netdev_max_backlog;
	int64_t arp_gc_thresh[3]; /* net.ipv4.neigh.default.gc_thresh1..3 */
	int64_t nd_gc_thresh[3];  /* net.ipv6.neigh.default.gc_thresh1..3 */
	uint64_t arp_entries;	  /* /proc/net/stat/arp_cache, all namespaces */
	uint64_t nd_entries;	  /* /proc/net/stat/ndisc_cache */
	int64_t max_net_namespaces;
	uint64_t named_netns;	    /* entries in /run/netns */
	uint64_t fabric_nodes;	    /* nodes recorded by existing fabrics (filled by the caller) */
	uint64_t fabrics;	    /* existing fabrics (filled by the caller) */
	uint64_t fabric_nodes6;	    /* of those nodes, the ones with IPv6 (filled by the caller) */
	int64_t ip6_route_max_size; /* net.ipv6.route.max_size of this namespace */
	uint64_t nofile_soft, nofile_hard;
	uint64_t mem_available_kib;  /* MemAvailable */
	int bpffs;		     /* 1 mounted at /sys/fs/bpf, 0 not, -1 no directory */
	int bpf_load;		     /* 0 a socket filter loads, else -errno */
	bool btf;		     /* /sys/kernel/btf/vmlinux */
	int bridge_nf_call_iptables; /* -1: br_netfilter not loaded */
	enum forward_policy forward; /* host IPv4/inet/bridge forward hook */
	char forward_chain[96];	     /* "nft ip filter FORWARD", "iptables filter FORWARD" */
	int ip_forward;		     /* net.ipv4.ip_forward, -1 unknown */
};

/*
 * Read this host's facts (needs root for the BPF and nftables probes).
 * The fabric counts are left 0: the fabric layer knows them. Returns 0.
 */
int host_facts_read(struct host_facts *f);

#endif
