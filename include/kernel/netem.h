/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A root netem qdisc on a link: delay, jitter, loss, corruption,
 * duplication, reordering and netem's own rate limit. The root qdisc is
 * separate from clsact (TC_H_CLSACT), so a host veth keeps its counting
 * filters while netem shapes its egress. Ours carries NETEM_HANDLE; a
 * root qdisc with any other handle or kind is someone else's.
 */
#ifndef FABRICCTL_KERNEL_NETEM_H
#define FABRICCTL_KERNEL_NETEM_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/nl.h"

#define NETEM_HANDLE 0xfab00000u /* "fab0:" */

/* Probabilities are in parts of UINT32_MAX, as netem takes them. */
struct netem_params {
	uint64_t delay_ns, jitter_ns;
	uint32_t loss, corrupt, duplicate, reorder;
	uint64_t rate_Bps; /* bytes per second; 0: unlimited */
};

static inline bool netem_params_empty(const struct netem_params *p)
{
	return !p->delay_ns && !p->jitter_ns && !p->loss && !p->corrupt && !p->duplicate &&
	       !p->reorder && !p->rate_Bps;
}

/* Queue "replace the root qdisc of @ifindex with our netem @p". */
uint32_t netem_replace(struct nl_sock *s, int ifindex, const struct netem_params *p);
/* Queue "delete our root netem of @ifindex". */
uint32_t netem_delete(struct nl_sock *s, int ifindex);

/*
 * Can this kernel make a netem qdisc? Probed once per process, on lo in a
 * throwaway network namespace: 1 yes, 0 no (CONFIG_NET_SCH_NETEM unset and
 * no sch_netem module), or -errno (recorded) when the probe itself failed.
 */
int netem_available(void);

/* Queue "delete the root qdisc of @ifindex with our handle", netem or tbf. */
uint32_t netem_root_delete(struct nl_sock *s, int ifindex);

/* Every root qdisc of the namespace, from one dump. */
struct netem_root {
	int ifindex;
	bool ours;	       /* netem or tbf with NETEM_HANDLE */
	bool tbf;	       /* ours, and a tbf (rate only) */
	char kind[16];	       /* of the root qdisc */
	struct netem_params p; /* when ours */
};

struct netem_root_list {
	struct netem_root *q; /* sorted by ifindex */
	size_t n, cap;
};

int netem_root_dump(struct nl_sock *s, struct netem_root_list *out);
/* The root qdisc of @ifindex in @l, or NULL (the default, none shown). */
const struct netem_root *netem_root_find(const struct netem_root_list *l, int ifindex);
void netem_root_list_free(struct netem_root_list *l);

#endif
