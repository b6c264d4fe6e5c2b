// SPDX-License-Identifier: GPL-2.0-only
/* A plan carried out with the core's batched paths, one numbered step each. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "fabric/impair.h"
#include "fabric/ipam.h"
#include "lab/lab.h"

struct run {
	struct lab_result *res;
	size_t step, total;
	lab_step_cb on_step;
	void *data;
};

static void __attribute__((format(printf, 2, 3))) begin(struct run *r, const char *fmt, ...)
{
	va_list ap;

	r->step++;
	va_start(ap, fmt);
	vsnprintf(r->res->step_text, sizeof(r->res->step_text), fmt, ap);
	va_end(ap);
	if (r->on_step)
		r->on_step(r->step, r->total, r->res->step_text, r->data);
}

static int step_failed(struct run *r, int err)
{
	r->res->step = r->step;
	return fail_wrap(err, "step %zu of %zu (%s) failed; the steps before it are done", r->step,
			 r->total, r->res->step_text);
}

static int create(const struct lab_spec *w, struct fabric_state *st, struct state_lock *lock)
{
	int err;

	err = fabric_create(w->fabric, w->has_subnet ? &w->subnet : NULL,
			    w->has_mtu ? w->mtu : FABRIC_DEFAULT_MTU,
			    w->has_cell_size ? w->cell_size : CELL_DEFAULT_SIZE, w->tune,
			    FABRIC_ATTACH_AUTO, st);
	if (err)
		return err;
	state_free(st);
	err = state_lock(w->fabric, false, lock);
	if (err)
		return fail(err, "cannot lock fabric \"%s\"", w->fabric);
	err = state_load(w->fabric, st);
	if (err)
		state_unlock(lock);
	return err;
}

/* The fabric's nodes named @names (planned from this record, so all there). */
static int nodes_of(struct fabric_state *st, const char *const *names, size_t n,
		    struct fabric_node ***out)
{
	*out = calloc(n + 1, sizeof(**out));
	if (!*out)
		return fail(-ENOMEM, "cannot list %zu nodes", n);
	for (size_t i = 0; i < n; i++) {
		(*out)[i] = state_find_node(st, names[i]);
		if (!(*out)[i]) {
			free(*out);
			return fail_msg(-ENOENT, "node \"%s\" is gone from fabric \"%s\"", names[i],
					st->name);
		}
	}
	return 0;
}

static int delete_nodes(const struct lab_plan *p, struct fabric_state *st,
			fabric_progress_cb progress, void *data)
{
	struct fabric_node **nodes;
	struct notes left = {0};
	int err;

	err = nodes_of(st, p->del, p->n_del, &nodes);
	if (err)
		return err;
	err = fabric_del_nodes(st, nodes, p->n_del, &left, progress, data);
	notes_free(&left);
	free(nodes);
	return err;
}

/* The planned additions with (@pinned) or without an address of their own. */
static int add_nodes(const struct lab_spec *w, const struct lab_plan *p, struct fabric_state *st,
		     bool pinned, size_t *added, fabric_progress_cb progress, void *data)
{
	char **names = calloc(p->n_add + 1, sizeof(*names));
	struct add_result ar;
	size_t n = 0;
	int err = 0;

	if (!names)
		return fail(-ENOMEM, "cannot add %zu nodes", p->n_add);
	for (size_t i = 0; i < p->n_add; i++) {
		const struct lab_node *nd = &w->nodes[p->add[i]];
		char *one = (char *)nd->name;

		if (!pinned && !nd->addr)
			names[n++] = (char *)nd->name;
		if (!pinned || !nd->addr)
			continue;
		memset(&ar, 0, sizeof(ar));
		err = fabric_add_nodes(st, &one, 1, nd->addr, true, &ar, NULL, NULL);
		*added += ar.n_nodes;
		add_result_free(&ar);
		if (err)
			break;
	}
	if (!pinned && n) {
		memset(&ar, 0, sizeof(ar));
		err = fabric_add_nodes(st, names, n, 0, true, &ar, progress, data);
		*added += ar.n_nodes;
		add_result_free(&ar);
	}
	free(names);
	return err;
}

static size_t count_pinned(const struct lab_spec *w, const struct lab_plan *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_add; i++)
		n += w->nodes[p->add[i]].addr != 0;
	return n;
}

static const char *action_name(enum lab_impair_action a)
{
	return a == LAB_IMPAIR_SET ? "impair" : a == LAB_IMPAIR_CHANGE ? "change" : "clear";
}

int lab_execute(const struct lab_spec *w, const struct lab_plan *p, struct fabric_state *st,
		struct state_lock *lock, struct lab_result *res, lab_step_cb on_step,
		fabric_progress_cb progress, void *data)
{
	size_t pinned = count_pinned(w, p);
	struct run r = {res, 0, 0, on_step, data};
	struct lab_have done;
	char imp[256];
	int err;

	memset(res, 0, sizeof(*res));
	r.total = p->create + !!p->n_del + (p->n_add > pinned) + !!pinned + p->n_steps;
	if (p->create) {
		begin(&r, "create fabric %s", w->fabric);
		err = create(w, st, lock);
		if (err)
			return step_failed(&r, err);
	}
	if (p->n_del) {
		begin(&r, "delete %zu nodes", p->n_del);
		err = delete_nodes(p, st, progress, data);
		if (err)
			return step_failed(&r, err);
		res->deleted = p->n_del;
	}
	if (p->n_add > pinned) {
		begin(&r, "add %zu nodes", p->n_add - pinned);
		err = add_nodes(w, p, st, false, &res->added, progress, data);
		if (err)
			return step_failed(&r, err);
	}
	if (pinned) {
		begin(&r, "add %zu nodes with their own address", pinned);
		err = add_nodes(w, p, st, true, &res->added, NULL, NULL);
		if (err)
			return step_failed(&r, err);
	}
	for (size_t i = 0; i < p->n_steps; i++) {
		const struct lab_impair_step *s = &p->steps[i];
		const struct netem_params *want = &w->impairs[s->impair].p;
		struct fabric_node **nodes;

		begin(&r, "%s %zu nodes: %s", action_name(s->action), s->n,
		      lab_impair_text(want, imp, sizeof(imp), false));
		err = nodes_of(st, s->names, s->n, &nodes);
		if (!err) {
			err = fabric_impair_set(st, nodes, s->n, want);
			free(nodes);
		}
		if (err)
			return step_failed(&r, err);
		if (s->action == LAB_IMPAIR_CLEAR)
			res->cleared += s->n;
		else
			res->impaired += s->n;
	}
	/* What was applied, kept for fabricctl@.service. */
	err = lab_have_from_spec(st, w, &done);
	if (!err) {
		err = lab_save(st, &done);
		lab_have_free(&done);
	}
	return err;
}
