/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Link impairment of nodes: one netem (or, for a rate alone on a kernel
 * without netem, one tbf) on the host veth's egress (what the
 * node receives) and one on eth0's egress inside the node (what it sends),
 * so a delay of T on one node adds 2T to each round trip with it. Both links are proven the node's
 * (name and tag, in the same dump) before their root qdisc is touched.
 */
#ifndef FABRICCTL_FABRIC_IMPAIR_H
#define FABRICCTL_FABRIC_IMPAIR_H

#include <stddef.h>

#include "fabric/state.h"
#include "kernel/netem.h"

/* "20ms", "1.5s", "300us": 0 or -EUSAGE naming @what. */
int impair_parse_time(const char *text, const char *what, uint64_t *ns);
/* "20%", "0.5%" (0 to 100): 0 or -EUSAGE naming @what. */
int impair_parse_percent(const char *text, const char *what, uint32_t *prob);
/* "20mbit", "1gbit", "500kbit", "100bit", "2mbps" (bytes): 0 or -EUSAGE. */
int impair_parse_rate(const char *text, uint64_t *bytes_per_s);
/* Refuse combinations netem cannot do (jitter or reorder without delay). */
int impair_params_check(const struct netem_params *p);

/*
 * The qdisc kind for @p on this kernel: netem when the kernel has it,
 * else a tbf when @p is a rate alone (*tbf set); anything else netem must
 * do is refused naming the missing CONFIG_NET_SCH_NETEM. 0 or -errno.
 */
int impair_kind(const struct netem_params *p, bool *tbf);

/* Percent of a netem probability. */
double impair_percent(uint32_t prob);

/*
 * Set @p on the @n nodes (an empty @p clears them): one netlink pass on
 * the host, one per node namespace. On failure every link is put back as
 * it was. 0 or -errno (recorded).
 */
int fabric_impair_set(struct fabric_state *st, struct fabric_node **nodes, size_t n,
		      const struct netem_params *p);

/* What the kernel holds for one node: each side's root netem or tbf, if ours. */
struct impair_view {
	bool host_set, inside_set;
	bool host_tbf, inside_tbf;
	struct netem_params host, inside;
};

/*
 * Read the @n nodes' qdiscs back from the kernel into @out[n]: the host
 * sides from one dump; a node's eth0 when @inside is NULL, @inside[i] is
 * true, or its host side is impaired (a set is made host side first and
 * a clear inside first, so a half-done change always shows on the host).
 */
int fabric_impair_read(struct fabric_state *st, struct fabric_node **nodes, size_t n,
		       const bool *inside, struct impair_view *out);

/*
 * For readers (show): the host side of every node of @st (out[n_nodes]),
 * from one qdisc dump, on the recorded ifindex, without proving the links
 * (a node with a missing veth just shows none). 0 or -errno (recorded).
 */
int fabric_impair_read_hosts(const struct fabric_state *st, struct impair_view *out);

/* The eth0 side of @node into @v (its own socket in the node, proven ours). */
int fabric_impair_read_inside(struct fabric_state *st, struct fabric_node *node,
			      struct impair_view *v);

#endif
