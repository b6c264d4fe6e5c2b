// SPDX-License-Identifier: GPL-2.0-only
/* The difference between a lab file and the running fabric. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/errors.h"
#include "fabric/impair.h"
#include "lab/plan.h"

bool lab_impair_equal(const struct netem_params *a, const struct netem_params *b)
{
	return a->delay_ns == b->delay_ns && a->jitter_ns == b->jitter_ns && a->loss == b->loss &&
	       a->corrupt == b->corrupt && a->duplicate == b->duplicate &&
	       a->reorder == b->reorder && a->rate_Bps == b->rate_Bps;
}

/* A time as the file says it: the largest unit that writes it exactly. */
static void time_text(uint64_t ns, char *buf, size_t size)
{
	if (ns % 1000000000u == 0)
		snprintf(buf, size, "%" PRIu64 "s", ns / 1000000000u);
	else if (ns % 1000000u == 0)
		snprintf(buf, size, "%" PRIu64 "ms", ns / 1000000u);
	else if (ns % 1000u == 0)
		snprintf(buf, size, "%" PRIu64 "us", ns / 1000u);
	else
		snprintf(buf, size, "%" PRIu64 "ns", ns);
}

/* A rate in bits per second, in the largest unit that writes it exactly. */
static void rate_text(uint64_t Bps, char *buf, size_t size)
{
	uint64_t bits = Bps * 8;

	if (bits % 1000000000u == 0)
		snprintf(buf, size, "%" PRIu64 "gbit", bits / 1000000000u);
	else if (bits % 1000000u == 0)
		snprintf(buf, size, "%" PRIu64 "mbit", bits / 1000000u);
	else if (bits % 1000u == 0)
		snprintf(buf, size, "%" PRIu64 "kbit", bits / 1000u);
	else
		snprintf(buf, size, "%" PRIu64 "bit", bits);
}

/* The shortest percentage that reads back as @prob. */
static void percent_text(uint32_t prob, char *buf, size_t size)
{
	double v = impair_percent(prob);

	for (int digits = 1; digits <= 17; digits++) {
		snprintf(buf, size, "%.*g%%", digits, v);
		if ((uint32_t)llround(strtod(buf, NULL) / 100.0 * UINT32_MAX) == prob)
			return;
	}
}

char *lab_impair_text(const struct netem_params *p, char *buf, size_t size, bool yaml)
{
	struct {
		const char *key;
		uint32_t prob;
	} pct[] = {{"loss", p->loss},
		   {"corrupt", p->corrupt},
		   {"duplicate", p->duplicate},
		   {"reorder", p->reorder}};
	const char *sep = yaml ? ": " : " ", *comma = yaml ? ", " : " ";
	size_t len = 0;
	char v[48];

	buf[0] = 0;
	if (yaml)
		len += (size_t)snprintf(buf, size, "{");
#define ADD(...) len += (size_t)snprintf(buf + len, len < size ? size - len : 0, __VA_ARGS__)
	if (p->delay_ns) {
		time_text(p->delay_ns, v, sizeof(v));
		ADD("%sdelay%s%s", len > yaml ? comma : "", sep, v);
	}
	if (p->jitter_ns) {
		time_text(p->jitter_ns, v, sizeof(v));
		ADD("%sjitter%s%s", len > yaml ? comma : "", sep, v);
	}
	for (size_t i = 0; i < sizeof(pct) / sizeof(pct[0]); i++)
		if (pct[i].prob) {
			percent_text(pct[i].prob, v, sizeof(v));
			ADD("%s%s%s%s", len > yaml ? comma : "", pct[i].key, sep, v);
		}
	if (p->rate_Bps) {
		rate_text(p->rate_Bps, v, sizeof(v));
		ADD("%srate%s%s", len > yaml ? comma : "", sep, v);
	}
	if (yaml)
		ADD("}");
	else if (!len)
		ADD("none");
#undef ADD
	return buf;
}

static int have_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct lab_have_node *const *)a)->name,
		      (*(const struct lab_have_node *const *)b)->name);
}

static const struct lab_have_node *find_have(const struct lab_have_node **by, size_t n,
					     const char *name)
{
	struct lab_have_node key = {.name = name};
	const struct lab_have_node *k = &key, **hit;

	hit = n ? bsearch(&k, by, n, sizeof(*by), have_cmp) : NULL;
	return hit ? *hit : NULL;
}

/* The step for (@action, @impair), made on first use; steps[] index in @slot. */
static struct lab_impair_step *step_for(struct lab_plan *p, size_t *slot,
					enum lab_impair_action action, size_t impair,
					size_t cap_names)
{
	struct lab_impair_step *st;

	if (*slot)
		return &p->steps[*slot - 1];
	st = &p->steps[p->n_steps++];
	*slot = p->n_steps;
	st->action = action;
	st->impair = impair;
	st->names = calloc(cap_names + 1, sizeof(*st->names));
	return st->names ? st : NULL;
}

static void refuse_fabric(struct lab_plan *out, const struct lab_spec *w, struct lab_pos pos,
			  const char *key, const char *have, const char *want)
{
	notes_add(&out->refused,
		  "%s:%u:%u: %s: the fabric has %s, the file says %s: it cannot change in place "
		  "(destroy the fabric and apply again)",
		  w->file, pos.line, pos.col, key, have, want);
}

static void refuse_settings(const struct lab_spec *w, const struct lab_have *h,
			    struct lab_plan *out)
{
	char a[IPV4_PREFIX_STRLEN], b[IPV4_PREFIX_STRLEN];

	if (w->has_subnet && (w->subnet.addr != h->subnet.addr || w->subnet.len != h->subnet.len))
		refuse_fabric(out, w, w->subnet_pos, "subnet", ipv4_prefix_format(&h->subnet, a),
			      ipv4_prefix_format(&w->subnet, b));
	if (w->has_mtu && w->mtu != h->mtu) {
		snprintf(a, sizeof(a), "%u", h->mtu);
		snprintf(b, sizeof(b), "%u", w->mtu);
		refuse_fabric(out, w, w->mtu_pos, "mtu", a, b);
	}
	/* A cell as large as the subnet is the one cell the fabric records. */
	if (w->has_cell_size && w->cell_size != h->cell_size &&
	    !(h->subnet.len && w->cell_size >= (1u << (32 - h->subnet.len)) &&
	      h->cell_size == (1u << (32 - h->subnet.len)))) {
		snprintf(a, sizeof(a), "%u", h->cell_size);
		snprintf(b, sizeof(b), "%u", w->cell_size);
		refuse_fabric(out, w, w->cell_size_pos, "cell-size", a, b);
	}
	if (w->has_tune && w->tune != h->tune)
		refuse_fabric(out, w, w->tune_pos, "tune", h->tune ? "true" : "false",
			      w->tune ? "true" : "false");
}

/* A kept node: refused if it cannot stay; else its impairment's step. */
static int plan_kept(const struct lab_spec *w, const struct lab_node *nd,
		     const struct lab_have_node *h, struct lab_plan *out, size_t *set_slot,
		     size_t *change_slot)
{
	const struct netem_params *want = &w->impairs[nd->impair].p;
	struct lab_impair_step *st;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	if (!h->ready) {
		notes_add(&out->refused,
			  "%s:%u:%u: node \"%s\" was left half-made or half-deleted by an "
			  "interrupted command: run `fabricctl check --repair` first",
			  w->file, nd->pos.line, nd->pos.col, nd->name);
		return 0;
	}
	if (nd->addr && nd->addr != h->addr) {
		notes_add(&out->refused,
			  "%s:%u:%u: node \"%s\" has ip %s, the file says %s: an address cannot "
			  "change in place (take the node out of the file, apply, put it back)",
			  w->file, nd->pos.line, nd->pos.col, nd->name,
			  ipv4_addr_format(h->addr, a), ipv4_addr_format(nd->addr, b));
		return 0;
	}
	if (!nd->impair && !h->impaired)
		return 0;
	if (nd->impair && h->impaired && !h->sides_differ && lab_impair_equal(want, &h->p))
		return 0;
	if (!nd->impair)
		return 0; /* cleared below, with the fabric's other nodes to clear */
	st = h->impaired
		     ? step_for(out, &change_slot[nd->impair], LAB_IMPAIR_CHANGE, nd->impair,
				w->n_nodes)
		     : step_for(out, &set_slot[nd->impair], LAB_IMPAIR_SET, nd->impair, w->n_nodes);
	if (!st)
		return -ENOMEM;
	st->names[st->n++] = nd->name;
	return 0;
}

int lab_plan_make(const struct lab_spec *w, const struct lab_have *h, struct lab_plan *out)
{
	const struct lab_have_node **by = calloc(h->n_nodes + 1, sizeof(*by));
	size_t *set_slot = calloc(w->n_impairs + 1, sizeof(*set_slot));
	size_t *change_slot = calloc(w->n_impairs + 1, sizeof(*change_slot));
	size_t *wanted = calloc(h->n_nodes + 1, sizeof(*wanted)); /* spec index + 1 */
	size_t clear_slot = 0;
	int err = -ENOMEM;

	memset(out, 0, sizeof(*out));
	out->add = calloc(w->n_nodes + 1, sizeof(*out->add));
	out->del = calloc(h->n_nodes + 1, sizeof(*out->del));
	/* At most a set and a change per impairment, and one clear. */
	out->steps = calloc(2 * w->n_impairs + 2, sizeof(*out->steps));
	if (!by || !set_slot || !change_slot || !wanted || !out->add || !out->del || !out->steps)
		goto out;
	out->create = !h->exists;
	if (h->exists)
		refuse_settings(w, h, out);
	for (size_t i = 0; i < h->n_nodes; i++)
		by[i] = &h->nodes[i];
	qsort(by, h->n_nodes, sizeof(*by), have_cmp);
	for (size_t i = 0; i < w->n_nodes; i++) {
		const struct lab_node *nd = &w->nodes[i];
		const struct lab_have_node *hn = find_have(by, h->n_nodes, nd->name);
		struct lab_impair_step *st;

		if (hn) {
			wanted[hn - h->nodes] = i + 1;
			if (plan_kept(w, nd, hn, out, set_slot, change_slot))
				goto out;
			continue;
		}
		out->add[out->n_add++] = i;
		if (!nd->impair)
			continue;
		st = step_for(out, &set_slot[nd->impair], LAB_IMPAIR_SET, nd->impair, w->n_nodes);
		if (!st)
			goto out;
		st->names[st->n++] = nd->name;
	}
	for (size_t i = 0; i < h->n_nodes; i++) {
		const struct lab_have_node *hn = &h->nodes[i];
		struct lab_impair_step *st;

		if (!wanted[i]) {
			out->del[out->n_del++] = hn->name;
			continue;
		}
		/* Kept and impaired, and the file wants none: cleared. */
		if (!hn->impaired || !hn->ready || w->nodes[wanted[i] - 1].impair)
			continue;
		st = step_for(out, &clear_slot, LAB_IMPAIR_CLEAR, 0, h->n_nodes);
		if (!st)
			goto out;
		st->names[st->n++] = hn->name;
	}
	err = 0;
out:
	free(wanted);
	free(change_slot);
	free(set_slot);
	free(by);
	if (err) {
		lab_plan_free(out);
		return fail(err, "cannot plan");
	}
	return 0;
}

bool lab_plan_empty(const struct lab_plan *p)
{
	return !p->create && !p->n_add && !p->n_del && !p->n_steps && !p->refused.n;
}

void lab_plan_free(struct lab_plan *p)
{
	for (size_t i = 0; i < p->n_steps; i++)
		free(p->steps[i].names);
	free(p->steps);
	free(p->add);
	free(p->del);
	notes_free(&p->refused);
	memset(p, 0, sizeof(*p));
}
