// SPDX-License-Identifier: GPL-2.0-only
/*
 * fabric check: one link dump and one counters read, the fabric's pieces,
 * every node (inside its namespace too), what is stray; with --repair the
 * fixes, then a second look that decides what counts as repaired.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/array.h"
#include "base/errors.h"
#include "base/timeutil.h"
#include "fabric/check_ctx.h"
#include "fabric/namespaces.h"
#include "fabric/fabric.h"
#include "fabric/link_delete.h"
#include "kernel/bpf_counters.h"

#define LINKS_GONE_TIMEOUT_MS 5000
#define LINKS_GONE_POLL_US 50000

static struct check_problem *add_problem(struct check_ctx *c, bool foreign, const char *kind,
					 const char *node, const char *object, const char *fmt,
					 va_list ap)
{
	struct check_report *r = c->r;
	struct check_problem *p;

	if (ARRAY_RESERVE(r->items, r->cap, r->n))
		return NULL;
	p = &r->items[r->n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->kind, sizeof(p->kind), "%s", kind);
	snprintf(p->node, sizeof(p->node), "%s", node ? node : "");
	snprintf(p->object, sizeof(p->object), "%s", object ? object : "");
	vsnprintf(p->detail, sizeof(p->detail), fmt, ap);
	p->foreign = foreign;
	return p;
}

struct check_problem *check_add(struct check_ctx *c, const char *kind, const char *node,
				const char *object, const char *fmt, ...)
{
	struct check_problem *p;
	va_list ap;

	va_start(ap, fmt);
	p = add_problem(c, false, kind, node, object, fmt, ap);
	va_end(ap);
	return p;
}

struct check_problem *check_add_foreign(struct check_ctx *c, const char *kind, const char *node,
					const char *object, const char *fmt, ...)
{
	struct check_problem *p;
	va_list ap;

	va_start(ap, fmt);
	p = add_problem(c, true, kind, node, object, fmt, ap);
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

static int by_index_cmp(const void *a, const void *b)
{
	const struct link_info *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static int by_name_cmp(const void *a, const void *b)
{
	const struct link_info *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

const struct link_info *check_link_by_index(const struct check_ctx *c, int ifindex)
{
	struct link_info key = {.ifindex = ifindex};

	if (ifindex <= 0 || !c->links.n)
		return NULL;
	return bsearch(&key, c->links.links, c->links.n, sizeof(key), by_index_cmp);
}

const struct link_info *check_link_by_name(const struct check_ctx *c, const char *name)
{
	struct link_info key, *keyp = &key;
	const struct link_info **hit;

	if (!c->links.n)
		return NULL;
	snprintf(key.name, sizeof(key.name), "%s", name);
	hit = bsearch(&keyp, c->by_name, c->links.n, sizeof(*c->by_name), by_name_cmp);
	return hit ? *hit : NULL;
}

void check_account(struct check_ctx *c, const struct link_info *li)
{
	if (li)
		c->accounted[li - c->links.links] = true;
}

void check_doom(struct check_ctx *c, const struct link_info *li)
{
	check_account(c, li);
	if (c->repair && li)
		c->doomed[c->n_doomed++] = li->ifindex;
}

static int uint_cmp(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return (x > y) - (x < y);
}

bool check_counted(const struct check_ctx *c, int ifindex)
{
	unsigned int key = (unsigned int)ifindex;

	return c->n_counted && bsearch(&key, c->counted, c->n_counted, sizeof(key), uint_cmp);
}

/* One read of the kernel: the host's links (two indexes) and the counters map. */
static int read_kernel(struct check_ctx *c)
{
	int err = link_dump_all(&c->s, &c->links);

	if (err)
		return fail(err, "cannot list the host's links");
	if (c->links.n)
		qsort(c->links.links, c->links.n, sizeof(*c->links.links), by_index_cmp);
	c->by_name = calloc(c->links.n + 1, sizeof(*c->by_name));
	c->accounted = calloc(c->links.n + 1, sizeof(*c->accounted));
	c->doomed = calloc(c->links.n + 1, sizeof(*c->doomed));
	if (!c->by_name || !c->accounted || !c->doomed)
		return fail(-ENOMEM, "cannot check fabric \"%s\"", c->st->name);
	for (size_t i = 0; i < c->links.n; i++)
		c->by_name[i] = &c->links.links[i];
	if (c->links.n)
		qsort(c->by_name, c->links.n, sizeof(*c->by_name), by_name_cmp);
	err = tc_clsact_dump(&c->s, &c->qdiscs);
	if (err)
		return err;
	if (fabric_bpf_open(c->st->name, &c->fb) < 0) {
		fail_clear(); /* check_fabric_pieces() says which pin is missing */
		c->fb = NULL;
		return 0;
	}
	return check_read_counted(c);
}

int check_read_counted(struct check_ctx *c)
{
	struct fabric_bpf_reading reading = {0};
	int err = fabric_bpf_read(c->fb, &reading);

	if (err)
		return err;
	free(c->counted);
	c->counted = reading.ifindex; /* kept; the values are not needed */
	c->n_counted = reading.n;
	reading.ifindex = NULL;
	fabric_bpf_reading_free(&reading);
	if (c->n_counted)
		qsort(c->counted, c->n_counted, sizeof(*c->counted), uint_cmp);
	return 0;
}

static void ctx_free(struct check_ctx *c)
{
	cells_close(&c->cells);
	fabric_bpf_close(c->fb);
	tc_clsact_list_free(&c->qdiscs);
	link_list_free(&c->links);
	free(c->by_name);
	free(c->accounted);
	free(c->counted);
	free(c->to_remove);
	free(c->doomed);
	free(c->doomed_ns);
	nl_close(&c->s);
}

/*
 * A namespace's links go some time after the namespace (the kernel frees it
 * asynchronously): wait for the veths of removed nodes, so the second look
 * does not find them half gone.
 */
static void wait_links_gone(struct nl_sock *s, char (*names)[IFNAMSIZ], size_t n)
{
	int64_t deadline = mono_ms() + LINKS_GONE_TIMEOUT_MS;
	size_t left = n;

	while (left && mono_ms() < deadline) {
		size_t still = 0;

		for (size_t i = 0; i < left; i++) {
			struct link_info li;

			if (link_get_one(s, names[i], &li) != -ENODEV)
				memmove(names[still++], names[i], IFNAMSIZ);
		}
		fail_clear();
		left = still;
		if (left)
			usleep(LINKS_GONE_POLL_US);
	}
}

/* Nodes found beyond mending: taken apart (proven pieces only), their leases freed. */
static int remove_nodes(struct check_ctx *c)
{
	char **names = calloc(c->n_remove + 1, sizeof(*names));
	size_t m = 0;
	int err;

	if (!names)
		return fail(-ENOMEM, "cannot repair fabric \"%s\"", c->st->name);
	/* Pointers are re-found by name: earlier repairs may have moved the array. */
	for (size_t i = 0; i < c->n_remove; i++)
		names[i] = strdup(c->to_remove[i]->name);
	for (size_t i = 0; i < c->n_remove; i++) {
		struct fabric_node *node = names[i] ? state_find_node(c->st, names[i]) : NULL;

		if (node)
			c->to_remove[m++] = node;
	}
	{
		char(*veths)[IFNAMSIZ] = calloc(m + 1, sizeof(*veths));

		for (size_t i = 0; veths && i < m; i++)
			host_veth_name(veths[i], c->st->name, c->to_remove[i]->slot);
		err = fabric_del_nodes(c->st, c->to_remove, m, NULL, NULL,
				       NULL); /* saves the record */
		if (!err && veths)
			wait_links_gone(&c->s, veths, m);
		free(veths);
	}
	for (size_t i = 0; i < c->n_remove; i++)
		free(names[i]);
	free(names);
	return err;
}

/* Marked namespaces of no node: after the links, so that each holds only lo. */
static void delete_doomed_namespaces(struct check_ctx *c)
{
	const char **names = calloc(c->n_doomed_ns, sizeof(*names));

	for (size_t i = 0; names && i < c->n_doomed_ns; i++)
		names[i] = c->doomed_ns[i];
	if (!names || fabric_netns_delete(c->st->name, names, c->n_doomed_ns, NULL, NULL, NULL))
		fail_clear(); /* the second look tells what is left */
	free(names);
}

/* One look (and with @repair the fixes). */
static int check_pass(struct fabric_state *st, bool repair, struct check_report *r)
{
	struct check_ctx c = {.st = st, .repair = repair, .r = r};
	int err;

	err = nl_open(&c.s);
	if (err)
		return err;
	c.to_remove = calloc(st->n_nodes + 1, sizeof(*c.to_remove));
	err = c.to_remove ? cells_init(&c.cells, st, &c.s) : -ENOMEM;
	if (!err)
		err = read_kernel(&c);
	if (err)
		goto out;
	check_fabric_pieces(&c);
	check_nodes(&c);
	check_strays(&c);
	check_tcx_links(&c);
	check_marked_namespaces(&c);
	check_site(&c);
	if (repair && c.n_doomed && fabric_links_delete(&c.s, c.doomed, c.n_doomed))
		fail_clear(); /* the second look tells what is left */
	if (repair && c.n_doomed_ns)
		delete_doomed_namespaces(&c);
	if (repair && c.n_remove)
		err = remove_nodes(&c);
	else if (repair && c.record_changed)
		err = state_save(st);
out:
	ctx_free(&c);
	return err;
}

static bool same_problem(const struct check_problem *a, const struct check_problem *b)
{
	return !strcmp(a->kind, b->kind) && !strcmp(a->node, b->node) &&
	       !strcmp(a->object, b->object);
}

int fabric_check(struct fabric_state *st, bool repair, struct check_report *r)
{
	struct check_report again = {0};
	int err;

	memset(r, 0, sizeof(*r));
	err = check_pass(st, repair, r);
	if (err || !repair || !r->n)
		return err;
	/* The second look decides: what it still finds was not repaired. */
	fail_clear();
	err = check_pass(st, false, &again);
	if (err) {
		check_report_free(&again);
		return err;
	}
	for (size_t i = 0; i < r->n; i++) {
		r->items[i].repaired = true;
		for (size_t k = 0; k < again.n; k++)
			if (same_problem(&r->items[i], &again.items[k]))
				r->items[i].repaired = false;
	}
	/* What the repair itself left (a step that failed) is reported too. */
	for (size_t k = 0; k < again.n; k++) {
		bool known = false;

		for (size_t i = 0; i < r->n && !known; i++)
			known = same_problem(&r->items[i], &again.items[k]);
		if (!known && !ARRAY_RESERVE(r->items, r->cap, r->n))
			r->items[r->n++] = again.items[k];
	}
	check_report_free(&again);
	return 0;
}
