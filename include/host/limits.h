/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host limits that decide how far fabrics can grow, judged from the
 * host's facts for a number of nodes: what will fail, and the exact
 * command that fixes it. Pure: no reading, no changing.
 */
#ifndef FABRICCTL_HOST_LIMITS_H
#define FABRICCTL_HOST_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/facts.h"

#define LIMITS_MAX 24

/* Kernel memory one node costs (netns, veth pair, bridge port, tc, ARP). */
#define LIMITS_NODE_KIB 384
/* Bridge ports the kernel takes (net/bridge/br_private.h BR_MAX_PORTS). */
#define LIMITS_BR_MAX_PORTS 1024
/*
 * fabricctl's own open files: two batches of 64 nodes in flight (add-node
 * makes the next one's namespaces while it builds this one's links), a
 * namespace fd and a socket each, and 32 more.
 */
#define LIMITS_NOFILE_NEEDED (2 * 2 * 64 + 32)
/* ... and for a batch of one node. */
#define LIMITS_NOFILE_MIN (2 * 2 + 32)

enum limit_severity {
	LIMIT_OK,   /* fine for the size asked */
	LIMIT_WARN, /* works, but worth knowing (e.g. near the limit) */
	LIMIT_FAIL, /* this size will fail or misbehave */
};

struct host_limit {
	char name[64];	  /* stable key: "net.core.netdev_max_backlog", "rlimit_nofile", ... */
	uint64_t current; /* value now (0 when not numeric) */
	uint64_t needed;  /* what the size asked needs (0 when not numeric) */
	enum limit_severity severity;
	bool tunable;	/* a sysctl that `create --tune` may raise */
	char what[160]; /* one line: what fails and when */
	char fix[200];	/* the exact command that fixes it, "" when none needed */
};

struct limit_report {
	struct host_limit items[LIMITS_MAX];
	size_t n;
};

/**
 * limits_judge() - the verdicts for @n_nodes nodes in total (all fabrics)
 * in cells of @cell_size slots, from @f alone. Fills @r.
 */
void limits_judge(const struct host_facts *f, uint64_t n_nodes, uint32_t cell_size,
		  struct limit_report *r);

/* Does the report hold any LIMIT_FAIL? Of those, are all tunable? */
/*
 * limits_judge_ipv6() - judge again, in @r (from limits_judge()), what
 * @n6 nodes with IPv6 need: the IPv6 neighbour table like the ARP one
 * (2 entries per node + a margin; gc_thresh3 FAIL, gc_thresh2 WARN, both
 * tunable) and net.ipv6.route.max_size (the router's routes to its nodes).
 */
void limits_judge_ipv6(const struct host_facts *f, uint64_t n6, struct limit_report *r);
bool limits_failed(const struct limit_report *r);
bool limits_all_tunable(const struct limit_report *r);

/**
 * limits_refuse() - record why @n_total nodes are refused: every failing
 * item with its fix, one line. Returns -ERANGE for "return limits_refuse()".
 */
int limits_refuse(const struct limit_report *r, uint64_t n_total);

/* The report's item called @name, or NULL. */
const struct host_limit *limits_find(const struct limit_report *r, const char *name);

/*
 * A fabric over hosts (create --site): kernel VXLAN (/sys/module/vxlan),
 * FRR installed and running with zebra -n, and @established of @peers BGP
 * EVPN sessions up. @needed: a fabric over hosts exists here (then
 * what is missing fails; otherwise it only warns).
 */
struct frr_facts;
void limits_judge_multihost(const struct frr_facts *ff, bool needed, unsigned int peers,
			    unsigned int established, struct limit_report *r);

/* The text name of a severity: "ok", "warn", "fail". */
const char *limit_severity_name(enum limit_severity s);

#endif
