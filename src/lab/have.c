// SPDX-License-Identifier: GPL-2.0-only
/* The running fabric as the planner sees it: the record and the kernel's qdiscs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "fabric/impair.h"
#include "fabric/tuning.h"
#include "lab/lab.h"

static int have_init(struct fabric_state *st, struct lab_have *out)
{
	memset(out, 0, sizeof(*out));
	out->exists = true;
	out->subnet = st->subnet;
	out->mtu = st->mtu;
	out->cell_size = st->cell_size;
	out->tune = tune_enabled(st->name);
	out->nodes = calloc(st->n_nodes + 1, sizeof(*out->nodes));
	if (!out->nodes)
		return fail(-ENOMEM, "cannot read fabric \"%s\"", st->name);
	out->n_nodes = st->n_nodes;
	for (size_t i = 0; i < st->n_nodes; i++) {
		out->nodes[i].name = st->nodes[i].name;
		out->nodes[i].addr = st->subnet.addr + st->nodes[i].slot;
		out->nodes[i].ready = node_ready(&st->nodes[i]);
	}
	return 0;
}

int lab_have_read(struct fabric_state *st, const struct lab_spec *want, struct lab_have *out)
{
	struct impair_view *views = calloc(st->n_nodes + 1, sizeof(*views));
	bool *wanted = calloc(st->n_nodes + 1, sizeof(*wanted));
	int err;

	if (!views || !wanted) {
		err = fail(-ENOMEM, "cannot read fabric \"%s\"", st->name);
		goto out;
	}
	err = have_init(st, out);
	if (err)
		goto out;
	for (size_t i = 0; want && i < want->n_nodes; i++) {
		struct fabric_node *fn = state_find_node(st, want->nodes[i].name);

		if (fn && want->nodes[i].impair)
			wanted[fn - st->nodes] = true;
	}
	/*
	 * The host sides from one qdisc dump, on the recorded ifindex (no link
	 * dump: a read proves nothing it then changes; impair proves the links
	 * before it touches them); eth0 only where the host side is impaired or
	 * the file impairs the node. Half-made nodes are left to the planner.
	 */
	err = fabric_impair_read_hosts(st, views);
	for (size_t i = 0; i < st->n_nodes && !err; i++) {
		struct lab_have_node *h = &out->nodes[i];
		const struct impair_view *v = &views[i];

		if (!node_ready(&st->nodes[i]))
			continue;
		if (!want || wanted[i] || v->host_set)
			err = fabric_impair_read_inside(st, &st->nodes[i], &views[i]);
		if (err)
			break;
		h->impaired = v->host_set || v->inside_set;
		h->sides_differ = v->host_set != v->inside_set || v->host_tbf != v->inside_tbf ||
				  !lab_impair_equal(&v->host, &v->inside);
		h->p = v->host_set ? v->host : v->inside;
	}
	if (err)
		lab_have_free(out);
out:
	free(wanted);
	free(views);
	return err;
}

int lab_have_from_spec(struct fabric_state *st, const struct lab_spec *want, struct lab_have *out)
{
	int err = have_init(st, out);

	for (size_t i = 0; !err && i < want->n_nodes; i++) {
		const struct lab_node *nd = &want->nodes[i];
		struct fabric_node *fn = state_find_node(st, nd->name);

		if (fn && nd->impair) {
			out->nodes[fn - st->nodes].impaired = true;
			out->nodes[fn - st->nodes].p = want->impairs[nd->impair].p;
		}
	}
	return err;
}

void lab_have_free(struct lab_have *h)
{
	free(h->nodes);
	memset(h, 0, sizeof(*h));
}

int lab_spec_supported(const struct lab_spec *want)
{
	for (size_t k = 1; k < want->n_impairs; k++) {
		bool tbf;
		int err = impair_kind(&want->impairs[k].p, &tbf);

		if (err)
			return lab_error_at(want, want->impairs[k].pos, err);
	}
	return 0;
}
