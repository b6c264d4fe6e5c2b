/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host limits that decide how far fabrics can grow, read from the
 * kernel (sysctls, rlimits, meminfo, BPF), judged for a number of nodes,
 * and -- only when the user asked (create --tune) -- raised, recorded and
 * restored by destroy.
 */
#ifndef FABRICCTL_HOST_LIMITS_H
#define FABRICCTL_HOST_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LIMITS_MAX 24

enum limit_severity {
	LIMIT_OK,   /* fine for the size asked */
	LIMIT_WARN, /* works, but worth knowing (e.g. near the limit) */
	LIMIT_FAIL, /* this size will fail or misbehave */
};

struct host_limit {
	char name[64];       /* stable key: "net.core.netdev_max_backlog", "rlimit_nofile", ... */
	uint64_t current;    /* value now (0 when not numeric) */
	uint64_t needed;     /* what the size asked needs (0 when not numeric) */
	enum limit_severity severity;
	bool tunable;        /* a sysctl that `create --tune` may raise */
	char what[160];      /* one line: what fails and when */
	char fix[200];       /* the exact command that fixes it, "" when none needed */
};

struct limit_report {
	struct host_limit items[LIMITS_MAX];
	size_t n;
};

/**
 * limits_check() - judge this host for @n_nodes nodes in total (all
 * fabrics) whose cells hold @cell_size slots. Fills @r; never fails on a
 * limit (that is what the report says), only on -ENOMEM/-EIO.
 */
int limits_check(uint64_t n_nodes, uint32_t cell_size, struct limit_report *r);

/* Does the report hold any LIMIT_FAIL? Of those, are all tunable? */
bool limits_failed(const struct limit_report *r);
bool limits_all_tunable(const struct limit_report *r);

/**
 * tune_apply() - raise every tunable limit of @r that is too low, after
 * recording its previous value in /run/fabricctl/<fabric>/tuned (kept
 * from the first call: the value before fabricctl touched it).
 * Returns 0 or -errno.
 */
int tune_apply(const char *fabric, const struct limit_report *r);

/*
 * tune_restore() - put back what tune_apply() changed for @fabric, unless
 * another tuned fabric still exists (then it is left to the last one).
 * 0 when nothing was tuned.
 */
int tune_restore(const char *fabric);

/* Was @fabric created with --tune? */
bool tune_enabled(const char *fabric);
/* Mark @fabric as tuned (create --tune): an empty record to fill. */
int tune_enable(const char *fabric);

/* Kernel memory one node costs (netns, veth pair, bridge port, tc, ARP). */
#define LIMITS_NODE_KIB 384
/* Bridge ports the kernel takes (net/bridge/br_private.h BR_MAX_PORTS). */
#define LIMITS_BR_MAX_PORTS 1024
/* fabricctl's own open files: two batches of 64 nodes plus its sockets. */
#define LIMITS_NOFILE_NEEDED (2 * 64 + 32)

enum forward_policy {
	FORWARD_NONE,    /* no filter at the forward hook: nothing drops */
	FORWARD_ACCEPT,  /* chains there, none with a DROP policy */
	FORWARD_DROP,    /* a forward chain whose policy drops */
	FORWARD_UNKNOWN, /* could not read the rule set */
};

/*
 * What limits_read_facts() reads from this host; limits_judge() decides
 * from it alone, so the rules are testable with made-up hosts. A sysctl
 * that cannot be read is -1.
 */
struct host_facts {
	int64_t netdev_max_backlog;
	int64_t arp_gc_thresh[3];     /* net.ipv4.neigh.default.gc_thresh1..3 */
	int64_t nd_gc_thresh[3];      /* net.ipv6.neigh.default.gc_thresh1..3 */
	uint64_t arp_entries;         /* /proc/net/stat/arp_cache, all namespaces */
	uint64_t nd_entries;          /* /proc/net/stat/ndisc_cache */
	int64_t max_net_namespaces;
	uint64_t named_netns;         /* entries in /run/netns */
	uint64_t fabric_nodes;        /* nodes recorded by existing fabrics */
	uint64_t fabrics;             /* existing fabrics */
	uint64_t nofile_soft, nofile_hard;
	uint64_t mem_available_kib;   /* MemAvailable */
	int bpffs;                    /* 1 mounted at /sys/fs/bpf, 0 not, -1 no directory */
	int bpf_load;                 /* 0 a socket filter loads, else -errno */
	bool btf;                     /* /sys/kernel/btf/vmlinux */
	int bridge_nf_call_iptables;  /* -1: br_netfilter not loaded */
	enum forward_policy forward;  /* host IPv4/inet/bridge forward hook */
	char forward_chain[96];       /* "nft ip filter FORWARD", "iptables filter FORWARD" */
	int ip_forward;               /* net.ipv4.ip_forward, -1 unknown */
};

/* Read this host's facts (needs root for the BPF and nftables probes). */
int limits_read_facts(struct host_facts *f);

/**
 * limits_judge() - the verdicts limits_check() gives, from @f alone, for
 * @n_nodes nodes in total in cells of @cell_size slots. Fills @r.
 */
void limits_judge(const struct host_facts *f, uint64_t n_nodes, uint32_t cell_size,
		  struct limit_report *r);

/**
 * limits_check_adding() - limits_check() for the nodes of every existing
 * fabric plus @n_new more (what add-node is about to make); *@n_total
 * (may be NULL) gets that total.
 */
int limits_check_adding(uint64_t n_new, uint32_t cell_size, struct limit_report *r,
			uint64_t *n_total);

/**
 * limits_refuse() - record why @n_total nodes are refused: every failing
 * item with its fix, one line. Returns -ERANGE for "return limits_refuse()".
 */
int limits_refuse(const struct limit_report *r, uint64_t n_total);

/* The report's item called @name, or NULL. */
const struct host_limit *limits_find(const struct limit_report *r, const char *name);

/* The text name of a severity: "ok", "warn", "fail". */
const char *limit_severity_name(enum limit_severity s);

#endif
