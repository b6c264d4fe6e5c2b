// SPDX-License-Identifier: GPL-2.0-only
/* Set, clear and read the netem qdiscs of nodes, batched per namespace. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/errors.h"
#include "fabric/impair.h"
#include "fabric/ownership.h"
#include "kernel/link.h"
#include "kernel/netns.h"
#include "kernel/tbf.h"

#define NODE_IFNAME "eth0"

/* One link to impair: where it is and what its root held before. */
struct side {
	int ifindex;
	bool had;     /* our netem or tbf was there */
	bool had_tbf; /* ... and it was a tbf */
	struct netem_params prior;
};

/* How the nodes' links are to be set: the kind, and the MTU a tbf's bucket needs. */
struct how {
	bool tbf;
	unsigned int mtu;
};

/* The node's root qdisc state on @ifindex: ours, none, or someone else's (refused). */
static int side_of(const struct netem_root_list *roots, int ifindex, const char *what,
		   struct side *out)
{
	const struct netem_root *r = netem_root_find(roots, ifindex);

	out->ifindex = ifindex;
	out->had = r && r->ours;
	out->had_tbf = out->had && r->tbf;
	out->prior = out->had ? r->p : (struct netem_params){0};
	if (r && !r->ours && strcmp(r->kind, "noqueue"))
		return fail_msg(-EBUSY, "%s has a %s root qdisc fabricctl did not make; left alone",
				what, r->kind);
	return 0;
}

static const struct link_info *link_by_index(const struct link_list *l, int ifindex)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->links[i].ifindex == ifindex)
			return &l->links[i];
	return NULL;
}

static const struct link_info *link_by_name(const struct link_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->links[i].name, name))
			return &l->links[i];
	return NULL;
}

static void queue_set(struct nl_sock *s, int ifindex, const struct netem_params *p, bool tbf,
		      unsigned int mtu)
{
	if (tbf)
		tbf_replace(s, ifindex, p->rate_Bps, mtu);
	else
		netem_replace(s, ifindex, p);
}

/* Queue @want on @sd (NULL: put back what was there); returns whether a request went. */
static bool queue_side(struct nl_sock *s, const struct side *sd, const struct netem_params *want,
		       const struct how *how)
{
	if (!want) {
		/* Put back: whatever is there now goes, then what was (errors ignored). */
		netem_root_delete(s, sd->ifindex);
		if (sd->had)
			queue_set(s, sd->ifindex, &sd->prior, sd->had_tbf, how->mtu);
		return true;
	}
	if (netem_params_empty(want)) {
		if (sd->had)
			netem_root_delete(s, sd->ifindex);
		return sd->had;
	}
	/* The kernel changes a qdisc in place only to the same kind. */
	if (sd->had && sd->had_tbf != how->tbf)
		netem_root_delete(s, sd->ifindex);
	queue_set(s, sd->ifindex, want, how->tbf, how->mtu);
	return true;
}

int impair_kind(const struct netem_params *p, bool *tbf)
{
	struct netem_params rate_only = {.rate_Bps = p->rate_Bps};
	int have;

	*tbf = false;
	if (netem_params_empty(p))
		return 0; /* a clear: no kind to choose */
	have = netem_available();
	if (have < 0 || have)
		return have < 0 ? have : 0;
	if (memcmp(p, &rate_only, sizeof(*p)))
		return fail_msg(-EOPNOTSUPP,
				"this kernel has no netem qdisc (CONFIG_NET_SCH_NETEM, module "
				"sch_netem): only a rate limit (tbf) works here; delay, jitter, "
				"loss, corrupt, duplicate and reorder need netem");
	*tbf = true;
	return 0;
}

/* The host side: every node's veth proven ours in one link dump. */
static int host_sides(struct nl_sock *s, struct fabric_state *st, struct fabric_node **nodes,
		      size_t n, struct side *out)
{
	struct netem_root_list roots;
	struct link_list links;
	int err;

	/* A link dump interrupted by other changes may miss links: again, a few times. */
	for (int tries = 0;; tries++) {
		err = link_dump_all(s, &links);
		if (err)
			return err;
		if (!s->dump_intr || tries == 8)
			break;
		link_list_free(&links);
	}
	err = netem_root_dump(s, &roots);
	if (err)
		goto out_links;
	for (size_t i = 0; i < n && !err; i++) {
		const struct link_info *li = link_by_index(&links, nodes[i]->ifindex);

		if (!node_ready(nodes[i]) || !li || !link_is_node_veth(li, st, nodes[i]))
			err = fail_msg(-ENOENT,
				       "node \"%s\" has no host veth of fabric \"%s\"; run "
				       "`fabricctl check --repair %s`",
				       nodes[i]->name, st->name, st->name);
		else
			err = side_of(&roots, li->ifindex, li->name, &out[i]);
	}
	netem_root_list_free(&roots);
out_links:
	link_list_free(&links);
	return err;
}

/* A socket inside @node's namespace, proven ours, and its eth0 proven the node's. */
static int inside_side(struct fabric_state *st, struct fabric_node *node, struct nl_sock *s,
		       struct side *out)
{
	struct netem_root_list roots;
	const struct link_info *li;
	struct link_list links;
	char tag[LINK_ALIAS_MAX];
	int fd, err;

	if (node_netns_owner(st, node, true) != NETNS_OURS)
		return fail_msg(-ENOENT, "the namespace of node \"%s\" is not fabric \"%s\"'s",
				node->name, st->name);
	fd = netns_open(node->name);
	if (fd < 0)
		return fail(fd, "cannot open the namespace of node \"%s\"", node->name);
	err = netns_socket(fd, s);
	close(fd);
	if (err)
		return fail(err, "cannot open a socket in the namespace of \"%s\"", node->name);
	err = link_dump_all(s, &links);
	if (err)
		goto fail_sock;
	node_alias(tag, sizeof(tag), st->name, node->name);
	li = link_by_name(&links, NODE_IFNAME);
	if (!li || strcmp(li->alias, tag)) {
		err = fail_msg(-ENOENT, "node \"%s\" has no %s of fabric \"%s\"", node->name,
			       NODE_IFNAME, st->name);
		link_list_free(&links);
		goto fail_sock;
	}
	err = netem_root_dump(s, &roots);
	if (!err) {
		err = side_of(&roots, li->ifindex, NODE_IFNAME, out);
		netem_root_list_free(&roots);
	}
	link_list_free(&links);
	if (!err)
		return 0;
fail_sock:
	nl_close(s);
	return fail_wrap(err, "node \"%s\"", node->name);
}

/*
 * A kernel without sch_netem (CONFIG_NET_SCH_NETEM unset, no module) answers
 * a netem request with -ENOENT "Specified qdisc kind is unknown" (a missing
 * link would be -ENODEV): say what is missing.
 */
static int no_netem(int err)
{
	if (err != -ENOENT)
		return err;
	return fail_wrap(-EOPNOTSUPP, "this kernel has no netem qdisc (CONFIG_NET_SCH_NETEM, "
				      "module sch_netem), links cannot be impaired");
}

/* Put every side of @n nodes back (best effort: the first error is already recorded). */
static void put_back(struct nl_sock *host, struct side *hs, struct nl_sock *ins, struct side *is,
		     size_t n, const struct how *how)
{
	for (size_t i = 0; i < n; i++)
		queue_side(host, &hs[i], NULL, how);
	if (n)
		nl_flush(host, NULL, NULL);
	for (size_t i = 0; i < n; i++) {
		queue_side(&ins[i], &is[i], NULL, how);
		nl_flush(&ins[i], NULL, NULL);
	}
}

int fabric_impair_set(struct fabric_state *st, struct fabric_node **nodes, size_t n,
		      const struct netem_params *p)
{
	struct side *hs = calloc(n + 1, sizeof(*hs)), *is = calloc(n + 1, sizeof(*is));
	struct nl_sock *ins = calloc(n + 1, sizeof(*ins));
	struct nl_sock host;
	size_t nopen = 0, done = 0;
	struct how how = {.mtu = st->mtu};
	bool clear;
	int err;

	err = impair_kind(p, &how.tbf);
	if (err)
		goto out_free;
	if (!hs || !is || !ins) {
		err = fail(-ENOMEM, "cannot impair %zu nodes", n);
		goto out_free;
	}
	err = nl_open(&host);
	if (err)
		goto out_free;
	err = host_sides(&host, st, nodes, n, hs);
	while (!err && nopen < n) {
		err = inside_side(st, nodes[nopen], &ins[nopen], &is[nopen]);
		nopen += !err; /* a failed one closed its socket */
	}
	if (err)
		goto out;
	/*
	 * Everything is proven: now change, host side in one pass. A set goes
	 * host first, a clear inside first, so that a crash between the two
	 * always leaves the host side impaired: a reader that looks inside a
	 * node only when its host side is impaired (apply) sees every half.
	 */
	clear = netem_params_empty(p);
	for (int pass = 0; pass < 2 && !err; pass++) {
		if (pass == clear) {
			for (size_t i = 0; i < n; i++)
				if (queue_side(&host, &hs[i], p, &how))
					nl_label(&host, "impair the host veth of node \"%s\"",
						 nodes[i]->name);
			err = no_netem(nl_run(&host, NULL, NULL));
			continue;
		}
		for (; !err && done < n; done++)
			if (queue_side(&ins[done], &is[done], p, &how)) {
				nl_label(&ins[done], "impair eth0 of node \"%s\"",
					 nodes[done]->name);
				err = nl_run(&ins[done], NULL, NULL);
			}
	}
	if (err) {
		put_back(&host, hs, ins, is, n, &how);
		err = fail_wrap(err, "nothing changed");
	}
out:
	for (size_t i = 0; i < nopen; i++)
		nl_close(&ins[i]);
	nl_close(&host);
out_free:
	free(ins);
	free(is);
	free(hs);
	return err;
}

int fabric_impair_read(struct fabric_state *st, struct fabric_node **nodes, size_t n,
		       const bool *inside, struct impair_view *out)
{
	struct side *hs = calloc(n + 1, sizeof(*hs));
	struct nl_sock host, ins;
	int err;

	if (!hs)
		return fail(-ENOMEM, "cannot read %zu nodes", n);
	err = nl_open(&host);
	if (!err) {
		err = host_sides(&host, st, nodes, n, hs);
		nl_close(&host);
	}
	for (size_t i = 0; i < n && !err; i++) {
		struct side sd = {0};

		if (!inside || inside[i] || hs[i].had) {
			err = inside_side(st, nodes[i], &ins, &sd);
			if (err)
				break;
			nl_close(&ins);
		}
		out[i] = (struct impair_view){.host_set = hs[i].had,
					      .inside_set = sd.had,
					      .host_tbf = hs[i].had_tbf,
					      .inside_tbf = sd.had_tbf,
					      .host = hs[i].prior,
					      .inside = sd.prior};
	}
	free(hs);
	return err;
}

int fabric_impair_read_hosts(const struct fabric_state *st, struct impair_view *out)
{
	struct netem_root_list roots;
	struct nl_sock s;
	int err;

	err = nl_open(&s);
	if (err)
		return err;
	err = netem_root_dump(&s, &roots);
	nl_close(&s);
	if (err)
		return err;
	for (size_t i = 0; i < st->n_nodes; i++) {
		const struct netem_root *r =
			st->nodes[i].ifindex ? netem_root_find(&roots, st->nodes[i].ifindex) : NULL;

		memset(&out[i], 0, sizeof(out[i]));
		if (r && r->ours) {
			out[i].host_set = true;
			out[i].host_tbf = r->tbf;
			out[i].host = r->p;
		}
	}
	netem_root_list_free(&roots);
	return 0;
}

int fabric_impair_read_inside(struct fabric_state *st, struct fabric_node *node,
			      struct impair_view *v)
{
	struct nl_sock ins;
	struct side sd = {0};
	int err;

	err = inside_side(st, node, &ins, &sd);
	if (err)
		return err;
	nl_close(&ins);
	v->inside_set = sd.had;
	v->inside_tbf = sd.had_tbf;
	v->inside = sd.prior;
	return 0;
}
