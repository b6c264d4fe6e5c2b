/* SPDX-License-Identifier: GPL-2.0-only */
/* What the parts of fabric_check() share: one read of the kernel, and the report. */
#ifndef FABRICCTL_FABRIC_CHECK_CTX_H
#define FABRICCTL_FABRIC_CHECK_CTX_H

#include <limits.h>
#include <stdbool.h>

#include "fabric/cell.h"
#include "fabric/check.h"
#include "kernel/fabric_bpf.h"
#include "kernel/link.h"
#include "kernel/tc_block.h"

struct check_ctx {
	struct fabric_state *st;
	bool repair;
	struct check_report *r;
	struct nl_sock s;		  /* the host namespace */
	struct link_list links;		  /* one dump of the host's links, by ifindex */
	const struct link_info **by_name; /* the same, by name */
	bool *accounted;		  /* links[i] is a node's veth, a bridge or a leg */
	struct fabric_bpf *fb;		  /* NULL when the pins cannot be opened */
	struct tc_clsact_list qdiscs;	  /* the host's clsact qdiscs and their blocks */
	unsigned int *counted;		  /* ifindexes with a counter entry, sorted */
	size_t n_counted;
	struct cell_set cells;
	struct fabric_node **to_remove; /* nodes to take apart (their pieces proven) */
	size_t n_remove;
	int *doomed; /* links proven ours, deleted at the end of a repair */
	size_t n_doomed;
	char (*doomed_ns)[NAME_MAX + 1]; /* marked namespaces of no node, deleted after them */
	size_t n_doomed_ns;
	bool record_changed;
};

/* Add a problem (printf-style detail); NULL when out of memory. */
struct check_problem *check_add(struct check_ctx *c, const char *kind, const char *node,
				const char *object, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* The same, about an object that is not ours. */
struct check_problem *check_add_foreign(struct check_ctx *c, const char *kind, const char *node,
					const char *object, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

const struct link_info *check_link_by_index(const struct check_ctx *c, int ifindex);
const struct link_info *check_link_by_name(const struct check_ctx *c, const char *name);
void check_account(struct check_ctx *c, const struct link_info *li);
/* With --repair, delete @li (proven ours) at the end of the pass. */
void check_doom(struct check_ctx *c, const struct link_info *li);
bool check_counted(const struct check_ctx *c, int ifindex);

/*
 * The route @dst/@len via @gw in the main table of @s's namespace:
 * ROUTE_OURS, ROUTE_NONE, ROUTE_OTHER (another route to @dst/@len at the
 * same priority holds its place: not ours to replace), or -errno.
 */
enum { ROUTE_NONE = 0, ROUTE_OURS = 1, ROUTE_OTHER = 2 };
int check_has_route(struct nl_sock *s, uint32_t dst, unsigned int len, uint32_t gw);

/* The fabric's pieces: status, pins, router, then check_cells(). */
void check_fabric_pieces(struct check_ctx *c);
/* Every cell in use: bridge, host address, router leg and gateway, the host's route. */
void check_cells(struct check_ctx *c);
/* Namespaces that carry the fabric's mark but are no node of the record (nor its router). */
void check_marked_namespaces(struct check_ctx *c);
/* Tagged links nothing accounts for, foreign links in our group or on our bridges, orphaned
 * counters. */
void check_strays(struct check_ctx *c);
/* (Re)read which ifindexes have a counter entry in c->fb's map: 0 or -errno. */
int check_read_counted(struct check_ctx *c);
/* Pinned tcx links that no node of the record accounts for. */
void check_tcx_links(struct check_ctx *c);
/* A runtime's attachment (fabric/attach.h), instead of the namespace-owning checks. */
void check_attachment(struct check_ctx *c, struct fabric_node *node);
/*
 * The host end's own pieces, for a node and a runtime's attachment alike:
 * bridge port, up, counter entry (each mended with --repair). False when
 * the counter entry was missing.
 */
bool check_host_end(struct check_ctx *c, struct fabric_node *node, const struct link_info *li);
/* Every node, with the fixes that --repair makes. */
void check_nodes(struct check_ctx *c);
/* A fabric over hosts: VXLAN, FRR fragment (remade by --repair), sites that went silent. */
void check_site(struct check_ctx *c);

#endif
