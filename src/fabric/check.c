// SPDX-License-Identifier: GPL-2.0-only
/*
 * fabric check: one link dump, one counters read, one look at /run/netns
 * per node, then the differences, and with --repair the fixes.
 */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "base/array.h"
#include "base/errors.h"
#include "fabric/cell.h"
#include "fabric/check.h"
#include "fabric/fabric.h"
#include "fabric/link_delete.h"
#include "kernel/bpf_counters.h"
#include "kernel/fabric_bpf.h"
#include "kernel/link.h"
#include "kernel/netns.h"

static struct check_problem *add_problem(struct check_report *r, const char *kind, const char *node,
					 const char *object, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static struct check_problem *add_problem(struct check_report *r, const char *kind, const char *node,
					 const char *object, const char *fmt, ...)
{
	struct check_problem *p;
	va_list ap;

	if (ARRAY_RESERVE(r->items, r->cap, r->n))
		return NULL;
	p = &r->items[r->n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->kind, sizeof(p->kind), "%s", kind);
	snprintf(p->node, sizeof(p->node), "%s", node ? node : "");
	snprintf(p->object, sizeof(p->object), "%s", object ? object : "");
	va_start(ap, fmt);
	vsnprintf(p->detail, sizeof(p->detail), fmt, ap);
	va_end(ap);
	return p;
}

void check_report_free(struct check_report *r)
{
	free(r->items);
	memset(r, 0, sizeof(*r));
}

size_t check_unrepaired(const struct check_report *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += !r->items[i].repaired;
	return n;
}

/* A link is the fabric's when it carries its tag or sits in its groups. */
static bool link_is_ours(const struct link_info *li, const struct fabric_state *st)
{
	return alias_is_ours(li->alias, st->name) || li->group == st->group ||
	       li->group == doomed_group(st);
}

static int link_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct link_info *)a)->name, ((const struct link_info *)b)->name);
}

/* In the dump sorted by name: O(log N) per node, not a scan of every link. */
static const struct link_info *find_link(const struct link_list *l, const char *name)
{
	struct link_info key;

	snprintf(key.name, sizeof(key.name), "%s", name);
	return l->n ? bsearch(&key, l->links, l->n, sizeof(key), link_name_cmp) : NULL;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* @n values of @v, sorted, for bsearch; NULL when empty or out of memory. */
static uint32_t *sorted_copy(const uint32_t *v, size_t n)
{
	uint32_t *c = n ? malloc(n * sizeof(*c)) : NULL;

	if (c) {
		memcpy(c, v, n * sizeof(*c));
		qsort(c, n, sizeof(*c), u32_cmp);
	}
	return c;
}

static bool in_sorted(const uint32_t *v, size_t n, uint32_t x)
{
	return v && bsearch(&x, v, n, sizeof(x), u32_cmp);
}

/*
 * Is the namespace empty but for lo (what a crash before its veth leaves),
 * or not even a namespace yet (a crash between creating /run/netns/NAME and
 * mounting the namespace on it)?
 */
static bool netns_is_empty(const char *name)
{
	struct link_list links;
	struct nl_sock s;
	struct statfs sfs;
	bool empty = false;
	int fd = netns_open(name);

	if (fd < 0)
		return false;
	if (fstatfs(fd, &sfs) == 0 && sfs.f_type != NSFS_MAGIC) {
		close(fd);
		return true; /* the placeholder file netns_create makes first */
	}
	if (netns_socket(fd, &s) == 0) {
		if (link_dump_all(&s, &links) == 0) {
			empty = links.n == 1 && links.links[0].ifindex == 1;
			link_list_free(&links);
		}
		nl_close(&s);
	}
	close(fd);
	fail_clear();
	return empty;
}

/* Which kind of fabric link a name is: node veth, bridge, router leg, or none. */
enum link_role { ROLE_NONE, ROLE_NODE, ROLE_BRIDGE, ROLE_LEG };

static enum link_role link_role(const struct fabric_state *st, const char *name, uint32_t *num)
{
	size_t len = strlen(st->name);
	const char *p = name + len + 1;
	char *end;

	if (strncmp(name, st->name, len) || name[len] != '-')
		return ROLE_NONE;
	enum link_role role = ROLE_NODE;
	if (*p == 'c' || *p == 'r') {
		role = *p == 'c' ? ROLE_BRIDGE : ROLE_LEG;
		p++;
	}
	if (*p < '0' || *p > '9')
		return ROLE_NONE;
	*num = (uint32_t)strtoul(p, &end, 10);
	return *end ? ROLE_NONE : role;
}

int fabric_check(struct fabric_state *st, bool repair, struct check_report *r)
{
	struct link_list links = {0};
	struct fabric_bpf_reading reading = {0};
	struct fabric_bpf *fb = NULL;
	struct cell_set cells = {0};
	struct nl_sock s;
	struct fabric_node **doomed = NULL; /* nodes to remove whole */
	char **lease_only = NULL;	    /* nodes whose lease alone goes */
	size_t n_doomed = 0, n_lease_only = 0;
	bool *used_link = NULL, record_changed = false;
	uint32_t *counted_keys = NULL, *node_keys = NULL; /* sorted, for bsearch */
	char router[64], name[IFNAMSIZ];
	int err;

	memset(r, 0, sizeof(*r));
	err = nl_open(&s);
	if (err)
		return err;
	err = link_dump_all(&s, &links);
	if (err) {
		err = fail(err, "cannot list the host's links");
		goto out;
	}
	if (links.n)
		qsort(links.links, links.n, sizeof(*links.links), link_name_cmp);
	used_link = calloc(links.n + 1, sizeof(*used_link));
	doomed = calloc(st->n_nodes + 1, sizeof(*doomed));
	lease_only = calloc(st->n_nodes + 1, sizeof(*lease_only));
	if (!used_link || !doomed || !lease_only || cells_init(&cells, st, &s)) {
		err = -ENOMEM;
		goto out;
	}

	/* The counting program and its map. */
	if (fabric_bpf_open(st->name, &fb) < 0) {
		struct check_problem *p;

		fail_clear();
		p = add_problem(r, "missing_pins", NULL, BPF_PIN_ROOT,
				"the program and map of fabric \"%s\" are not pinned", st->name);
		if (repair && p && fabric_bpf_create(st->name, ipam_capacity(&st->ipam)) == 0 &&
		    fabric_bpf_open(st->name, &fb) == 0)
			p->repaired = true; /* nodes get their attachments below */
		fail_clear();
	}
	if (fb && fabric_bpf_read(fb, &reading) < 0) {
		err = fail(-EIO, "cannot read the counters of fabric \"%s\"", st->name);
		goto out;
	}
	counted_keys = sorted_copy(reading.ifindex, reading.n);

	/* Several cells need the router namespace. */
	router_netns_name(router, sizeof(router), st->name);
	if (ipam_multi_cell(&st->ipam) && !netns_exists(router))
		add_problem(r, "missing_router", NULL, router,
			    "the router namespace joining the cells is gone (destroy and re-create "
			    "the fabric)");

	for (size_t i = 0; i < st->n_nodes; i++) {
		struct fabric_node *node = &st->nodes[i];
		uint32_t cell = ipam_cell_of(&st->ipam, node->slot);
		const struct link_info *li;
		bool ns, ours;
		struct check_problem *p;

		host_veth_name(name, st->name, node->slot);
		li = find_link(&links, name);
		ours = li && link_is_ours(li, st);
		if (li && ours)
			used_link[li - links.links] = true;
		ns = netns_exists(node->name);

		if (node->ifindex <= 0 || !ours || !ns) {
			const char *kind = node->ifindex <= 0 ? (ours || ns ? "half_made_node"
									    : "lease_without_node")
					   : !ours	      ? "missing_veth"
							      : "missing_namespace";

			p = add_problem(
				r, kind, node->name,
				ours ? name
				: ns ? node->name
				     : "",
				"%s%s%s",
				node->ifindex <= 0 ? "never completed (add-node was interrupted)"
						   : "",
				node->ifindex > 0 && !ours ? "its veth is gone" : "",
				node->ifindex > 0 && ours && !ns ? "its namespace is gone" : "");
			if (!repair || !p)
				continue;
			/* The namespace is ours if our veth is there or it holds nothing. */
			if (ns && !ours && !netns_is_empty(node->name)) {
				lease_only[n_lease_only++] = node->name;
				snprintf(p->detail + strlen(p->detail),
					 sizeof(p->detail) - strlen(p->detail),
					 "; namespace \"%s\" is not empty and not ours: left alone",
					 node->name);
			} else {
				node->ifindex = ours ? li->ifindex : 0;
				doomed[n_doomed++] = node;
			}
			p->repaired = true;
			continue;
		}
		if (li->ifindex != node->ifindex) {
			p = add_problem(r, "stale_ifindex", node->name, name,
					"record says ifindex %d, kernel %d", node->ifindex,
					li->ifindex);
			if (repair && p) {
				node->ifindex = li->ifindex;
				record_changed = true;
				p->repaired = true;
			}
		}
		int br = cells_bridge_lookup(&cells, cell);
		if (br <= 0) {
			p = add_problem(r, "missing_bridge", NULL, "", "cell %u has no bridge",
					cell);
			if (repair && p && (br = cells_bridge(&cells, cell)) > 0)
				p->repaired = true;
			fail_clear();
		}
		if (br > 0 && li->master != br) {
			p = add_problem(r, "not_enslaved", node->name, name,
					"not a port of its cell's bridge");
			if (repair && p) {
				link_set_master(&s, li->ifindex, br);
				p->repaired = nl_run(&s, NULL, NULL) == 0;
				fail_clear();
			}
		}
		if (!(li->flags & IFF_UP)) {
			p = add_problem(r, "link_down", node->name, name, "the host end is down");
			if (repair && p) {
				link_set_up(&s, li->ifindex);
				p->repaired = nl_run(&s, NULL, NULL) == 0;
				fail_clear();
			}
		}
		if (fb) {
			bool counted = in_sorted(counted_keys, reading.n, (uint32_t)li->ifindex);
			int attached = fabric_bpf_node_attached(fb, li->ifindex);
			if (!counted || attached != 1) {
				p = add_problem(r,
						!counted ? "missing_counter" : "missing_attachment",
						node->name, name, "%s",
						!counted ? "no counter entry"
							 : "the program is not attached on tc "
							   "ingress and egress");
				if (repair && p) {
					p->repaired = fabric_bpf_node_attach(fb, li->ifindex) == 0;
					fail_clear();
				}
			}
		}
	}

	/* Links of ours that no node, bridge or router leg accounts for. */
	{
		size_t queued = 0;

		for (size_t i = 0; i < links.n; i++) {
			const struct link_info *li = &links.links[i];
			uint32_t num;
			enum link_role role;

			if (used_link[i] || !link_is_ours(li, st))
				continue;
			role = link_role(st, li->name, &num);
			if ((role == ROLE_BRIDGE || role == ROLE_LEG) &&
			    num < ipam_n_cells(&st->ipam) && li->group == st->group)
				continue;
			struct check_problem *p =
				add_problem(r, "stray_link", NULL, li->name, "%s",
					    li->group == doomed_group(st)
						    ? "left from an interrupted del-node"
						    : "tagged as the fabric's but no node's");
			if (repair && p) {
				link_del(&s, li->ifindex);
				queued++;
				p->repaired = true;
			}
		}
		if (queued)
			nl_flush(&s, NULL, NULL);
	}

	/* Counter entries of no node (the map cannot grow from traffic, only from us). */
	node_keys = malloc((st->n_nodes + 1) * sizeof(*node_keys));
	for (size_t i = 0; node_keys && i < st->n_nodes; i++)
		node_keys[i] = (uint32_t)st->nodes[i].ifindex;
	if (node_keys && st->n_nodes)
		qsort(node_keys, st->n_nodes, sizeof(*node_keys), u32_cmp);
	for (size_t k = 0; fb && node_keys && k < reading.n; k++) {
		if (in_sorted(node_keys, st->n_nodes, reading.ifindex[k]))
			continue;
		char key[24];
		snprintf(key, sizeof(key), "ifindex %u", reading.ifindex[k]);
		struct check_problem *p =
			add_problem(r, "orphaned_counter", NULL, key, "a counter entry of no node");
		if (repair && p)
			p->repaired = fabric_bpf_node_detach(fb, (int)reading.ifindex[k]) == 0;
	}

	if (repair) {
		/* Drop leases first (names copied: removal shifts the array). */
		for (size_t i = 0; i < n_lease_only; i++) {
			struct fabric_node *node = state_find_node(st, lease_only[i]);
			if (node) {
				state_del_node(st, node);
				record_changed = true;
			}
		}
		if (n_doomed) {
			/* Pointers are re-found by name: the lease drops above moved them. */
			char **names = calloc(n_doomed, sizeof(*names));
			for (size_t i = 0; names && i < n_doomed; i++)
				names[i] = strdup(doomed[i]->name);
			for (size_t i = 0; names && i < n_doomed; i++)
				doomed[i] = names[i] ? state_find_node(st, names[i]) : NULL;
			size_t m = 0;
			for (size_t i = 0; i < n_doomed; i++)
				if (doomed[i])
					doomed[m++] = doomed[i];
			err = fabric_del_nodes(st, doomed, m, NULL, NULL); /* saves the record */
			for (size_t i = 0; names && i < n_doomed; i++)
				free(names[i]);
			free(names);
			record_changed = false;
			if (err)
				goto out;
		}
		if (record_changed)
			err = state_save(st);
	}
out:
	free(counted_keys);
	free(node_keys);
	free(used_link);
	free(doomed);
	free(lease_only);
	cells_close(&cells);
	if (fb) {
		fabric_bpf_reading_free(&reading);
		fabric_bpf_close(fb);
	}
	link_list_free(&links);
	nl_close(&s);
	return err;
}
