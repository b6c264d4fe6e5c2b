// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fabric's own pieces: an unfinished create, the pins, the router
 * namespace (the cells are in check_cells.c); and what is stray: tagged
 * links nothing accounts for, foreign links in the fabric's group or on its
 * bridges (named, left alone), orphaned counter entries, namespaces that
 * carry the fabric's mark but are no node the record holds.
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/errors.h"
#include "bpf_shared/fabric_counters.h"
#include "fabric/blocks.h"
#include "fabric/check_ctx.h"
#include "fabric/link_delete.h"
#include "fabric/names.h"
#include "fabric/namespaces.h"
#include "fabric/ownership.h"
#include "kernel/addr.h"
#include "kernel/bpf_counters.h"
#include "kernel/netns.h"
#include "kernel/route.h"

static void check_status(struct check_ctx *c)
{
	struct check_problem *p;

	if (c->st->complete)
		return;
	p = check_add(c, "incomplete_create", NULL, c->st->name,
		      "create did not finish (--repair finishes it; destroy removes it)");
	(void)p;
}

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void check_pins(struct check_ctx *c)
{
	unsigned int have = fabric_bpf_pins_present(c->st->name);
	unsigned int foreign = fabric_bpf_pins_foreign(c->st->name);
	int *ifindexes;
	size_t n = 0;
	bool kept;

	if (have == FABRIC_PINS_ALL && c->fb)
		return;
	for (unsigned int i = 0; fabric_bpf_pin_name(i); i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s/%s", BPF_PIN_ROOT, c->st->name,
			 fabric_bpf_pin_name(i));
		if (foreign & (1u << i))
			check_add_foreign(c, "foreign_pin", NULL, path,
					  "pinned there is an object fabricctl did not make: left "
					  "alone; remove it, then check --repair");
		else if (!(have & (1u << i)))
			check_add(c, "missing_pin", NULL, fabric_bpf_pin_name(i),
				  "the pinned %s of fabric \"%s\" is gone", fabric_bpf_pin_name(i),
				  c->st->name);
	}
	if (have == FABRIC_PINS_ALL)
		check_add(c, "unusable_pins", NULL, BPF_PIN_ROOT,
			  "the pins of fabric \"%s\" cannot be opened (another fabricctl's?)",
			  c->st->name);
	if (foreign && !(have ^ foreign ^ FABRIC_PINS_ALL))
		return; /* nothing of ours is missing: the foreign ones stay */
	if (!c->repair)
		return;
	ifindexes = calloc(c->st->n_nodes + 1, sizeof(*ifindexes));
	for (size_t i = 0; ifindexes && i < c->st->n_nodes; i++)
		if (c->st->nodes[i].ifindex > 0)
			ifindexes[n++] = c->st->nodes[i].ifindex;
	if (have == FABRIC_PINS_ALL) {
		/* Pins of the wrong shape: made again, counters restart. */
		fabric_bpf_remove(c->st->name);
		fabric_bpf_create_for(c->st);
		kept = false;
	} else {
		struct fabric_bpf_params bp;

		fabric_bpf_params_of(c->st, &bp);
		fabric_bpf_restore(c->st->name, &bp, ifindexes, n, &kept);
	}
	free(ifindexes);
	fail_clear();
	fabric_bpf_close(c->fb);
	c->fb = NULL;
	if (fabric_bpf_open(c->st->name, &c->fb) < 0)
		c->fb = NULL;
	fail_clear();
	if (!kept) {
		/* A new map: no node has its entry yet (the node checks add them). */
		c->n_counted = 0;
	} else if (c->fb && check_read_counted(c)) {
		fail_clear(); /* the kept map's entries: not to be zeroed as "missing" */
	}
}

/* The router namespace, for fabrics of several cells. */
static void check_router(struct check_ctx *c)
{
	char name[64];
	uint64_t ino;

	if (!ipam_multi_cell(&c->st->ipam))
		return;
	router_netns_name(name, sizeof(name), c->st->name);
	switch (router_netns_owner(c->st->name)) {
	case NETNS_OURS:
		if (netns_inode(name, &ino) == 0 && ino != c->st->router_ino) {
			c->st->router_ino = ino; /* a record of an older version */
			c->record_changed = true;
		}
		return;
	case NETNS_FOREIGN:
		check_add_foreign(c, "foreign_router", NULL, name,
				  "a namespace of that name is not the fabric's: cells cannot be "
				  "joined; remove or rename it, then check --repair");
		return;
	case NETNS_UNKNOWN:
		check_add(c, "unreadable_namespace", NULL, name, "%s", fail_message());
		fail_clear();
		return;
	default:
		check_add(c, "missing_router", NULL, name,
			  "the router namespace joining the cells is gone");
		if (c->repair && cells_delete_router(c->st->name) == 0 &&
		    cells_create_router(c->st) == 0)
			c->record_changed = true;
		fail_clear();
	}
}

void check_fabric_pieces(struct check_ctx *c)
{
	bool was_complete = c->st->complete;

	check_status(c);
	check_pins(c);
	check_router(c);
	check_cells(c);
	if (c->repair && !was_complete) {
		/* Every piece create makes has just been checked and mended. */
		c->st->complete = true;
		c->record_changed = true;
	}
}

/*
 * tcx link pins no node accounts for -- detached ones (the veth is gone:
 * a crash between a node's end and its unpin) or for an ifindex no node
 * has -- are reported and unpinned. Pins not proven ours are never listed.
 */
void check_tcx_links(struct check_ctx *c)
{
	int *ifindexes = calloc(c->st->n_nodes + 1, sizeof(*ifindexes));
	char **stale = NULL;
	size_t n = 0, n_stale = 0;

	if (!ifindexes)
		return;
	for (size_t i = 0; i < c->st->n_nodes; i++)
		if (c->st->nodes[i].ifindex > 0)
			ifindexes[n++] = c->st->nodes[i].ifindex;
	qsort(ifindexes, n, sizeof(*ifindexes), int_cmp);
	if (fabric_bpf_tcx_stale(c->st->name, ifindexes, n, &stale, &n_stale))
		fail_clear();
	for (size_t i = 0; i < n_stale; i++) {
		struct check_problem *p =
			check_add(c, "stale_tcx_link", NULL, stale[i],
				  "a pinned tcx link of no node (detached or another link's)");

		if (c->repair && p)
			fabric_bpf_tcx_unpin(c->st->name, atoi(stale[i]));
		free(stale[i]);
	}
	fail_clear();
	free(stale);
	free(ifindexes);
}

/* Is @ifindex one of the fabric's bridges (found, ours, accounted)? */
static bool is_our_bridge(const struct check_ctx *c, int ifindex)
{
	const struct link_info *li = check_link_by_index(c, ifindex);
	uint32_t cell;

	return li && c->accounted[li - c->links.links] && bridge_cell(li->name, c->st->name, &cell);
}

static int uint_cmp(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return (x > y) - (x < y);
}

void check_strays(struct check_ctx *c)
{
	const struct fabric_state *st = c->st;

	for (size_t i = 0; i < c->links.n; i++) {
		const struct link_info *li = &c->links.links[i];
		struct check_problem *p;

		if (c->accounted[i])
			continue;
		if (link_is_fabric_link(li, st)) {
			p = check_add(c, "stray_link", NULL, li->name,
				      "the fabric's, but no node, bridge or leg of it");
			if (p)
				check_doom(c, li);
		} else if (li->group == st->group) {
			check_add_foreign(c, "foreign_link", NULL, li->name,
					  "in the fabric's interface group, not made by fabricctl: "
					  "left alone");
		} else if (li->master > 0 && is_our_bridge(c, li->master)) {
			check_add_foreign(c, "foreign_port", NULL, li->name,
					  "a port of one of the fabric's bridges, not made by "
					  "fabricctl: left alone");
		}
	}

	/* Counter entries of no node: the map cannot grow from traffic, only from us. */
	unsigned int *owners = calloc(st->n_nodes + 1, sizeof(*owners));

	for (size_t i = 0; owners && i < st->n_nodes; i++)
		owners[i] = (unsigned int)st->nodes[i].ifindex;
	if (owners && st->n_nodes)
		qsort(owners, st->n_nodes, sizeof(*owners), uint_cmp);
	for (size_t k = 0; owners && c->fb && k < c->n_counted; k++) {
		char key[24];

		if (st->n_nodes &&
		    bsearch(&c->counted[k], owners, st->n_nodes, sizeof(*owners), uint_cmp))
			continue;
		snprintf(key, sizeof(key), "ifindex %u", c->counted[k]);
		struct check_problem *p =
			check_add(c, "orphaned_counter", NULL, key, "a counter entry of no node");
		if (c->repair && p) {
			bpf_counters_del(c->fb, (int)c->counted[k]);
			fail_clear();
		}
	}
	free(owners);
}

/* Names the node checks and the router check already looked at. */
static bool known_netns(const char *name, void *data)
{
	const struct check_ctx *c = data;
	char router[64];

	router_netns_name(router, sizeof(router), c->st->name);
	return !strcmp(name, router) || state_find_node(c->st, name);
}

void check_marked_namespaces(struct check_ctx *c)
{
	struct marked_netns *found;
	size_t n;

	if (marked_netns_find(c->st->name, known_netns, c, &found, &n)) {
		fail_clear();
		return;
	}
	if (c->repair && n)
		c->doomed_ns = calloc(n, sizeof(*c->doomed_ns));
	for (size_t i = 0; i < n; i++) {
		const struct marked_netns *m = &found[i];
		char first[IFNAMSIZ];
		int k = netns_foreign_links(m->name, c->st->name, first);
		struct check_problem *p;

		fail_clear();
		if (k > 0) {
			check_add_foreign(
				c, "foreign_link", NULL, first,
				"in namespace \"%s\", which carries the fabric's mark but is no "
				"node of it: left alone, and the namespace with it",
				m->name);
			continue;
		}
		if (k < 0)
			continue; /* gone, or unreadable: not claimed */
		if (m->router)
			p = check_add(c, "stray_namespace", NULL, m->name,
				      "a router namespace of the fabric under another name");
		else
			p = check_add(c, "stray_namespace", NULL, m->name,
				      "marked as node \"%s\" of the fabric, which the record does "
				      "not hold",
				      m->node);
		if (p && c->doomed_ns)
			snprintf(c->doomed_ns[c->n_doomed_ns++], sizeof(c->doomed_ns[0]), "%s",
				 m->name);
	}
	free(found);
}
