// SPDX-License-Identifier: GPL-2.0-only
/*
 * Drops by node and the kernel's reason: a table or JSON, per-node totals
 * for the stats table, and the reason names of the running kernel.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "base/timeutil.h"
#include "kernel/fabric_bpf.h"
#include "stats/observe.h"

const struct drop_reasons *stats_drop_reasons(void)
{
	static struct drop_reasons r;
	static int loaded; /* 0 not yet, 1 yes, -1 unreadable */

	if (!loaded) {
		loaded = drop_reasons_load(&r) ? -1 : 1;
		fail_clear();
	}
	return loaded > 0 ? &r : NULL;
}

const char *stats_drop_reason(const struct drop_reasons *r, unsigned int reason, char *buf,
			      size_t size)
{
	const char *name = r ? drop_reason_name(r, reason) : NULL;

	if (reason == FABRIC_DROP_REASON_UNKNOWN)
		return "UNKNOWN";
	if (name)
		return name;
	snprintf(buf, size, "%u", reason);
	return buf;
}

struct by_ifindex {
	int ifindex;
	size_t i;
};

static int by_ifindex_cmp(const void *a, const void *b)
{
	const struct by_ifindex *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

void stats_rows_fill_drops(struct stats_row *rows, size_t n, const struct fabric_drops_reading *d)
{
	struct by_ifindex *idx = calloc(n + 1, sizeof(*idx));

	for (size_t i = 0; i < n; i++)
		rows[i].drops = 0;
	if (!idx)
		return;
	for (size_t i = 0; i < n; i++)
		idx[i] = (struct by_ifindex){rows[i].node->ifindex, i};
	qsort(idx, n, sizeof(*idx), by_ifindex_cmp);
	for (size_t k = 0; k < d->n; k++) {
		struct by_ifindex key = {(int)d->keys[k].ifindex, 0};
		struct by_ifindex *hit = bsearch(&key, idx, n, sizeof(*idx), by_ifindex_cmp);

		if (hit)
			rows[hit->i].drops += d->packets[k];
	}
	free(idx);
}

void stats_rows_read_drops(struct fabric_bpf *fb, struct stats_row *rows, size_t n)
{
	struct fabric_drops_reading d;

	for (size_t i = 0; i < n; i++)
		rows[i].drops = 0;
	if (fb->drops_fd < 0)
		return;
	if (!fabric_bpf_read_drops(fb, &d))
		stats_rows_fill_drops(rows, n, &d);
	fabric_drops_reading_free(&d);
	fail_clear(); /* without them every row's drops stay 0 */
}

/* One line of the drops table: the node (from the record), where, reason, count. */
struct drop_line {
	const struct fabric_node *node;
	const struct fabric_drop_key *key;
	uint64_t packets;
};

static int line_cmp(const void *a, const void *b)
{
	const struct drop_line *x = a, *y = b;

	if (x->packets != y->packets)
		return x->packets < y->packets ? 1 : -1;
	if (x->node->slot != y->node->slot)
		return x->node->slot < y->node->slot ? -1 : 1;
	return (x->key->reason > y->key->reason) - (x->key->reason < y->key->reason);
}

static bool wanted(const struct fabric_node *node, char *const *names, size_t n)
{
	if (!n)
		return true;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], node->name))
			return true;
	return false;
}

void stats_print_drops(struct printer *p, const struct fabric_state *st,
		       const struct fabric_drops_reading *d, const struct drop_reasons *r,
		       char *const *names, size_t n_names, const struct timespec *when)
{
	struct drop_line *lines = calloc(d->n + 1, sizeof(*lines));
	struct by_ifindex *idx = calloc(st->n_nodes + 1, sizeof(*idx));
	size_t n = 0, name_w = 5;
	uint64_t total = 0;
	char time[40], fmt[32];

	for (size_t i = 0; idx && i < st->n_nodes; i++)
		idx[i] = (struct by_ifindex){st->nodes[i].ifindex, i};
	if (idx)
		qsort(idx, st->n_nodes, sizeof(*idx), by_ifindex_cmp);
	for (size_t k = 0; lines && idx && k < d->n; k++) {
		struct by_ifindex key = {(int)d->keys[k].ifindex, 0};
		struct by_ifindex *hit =
			bsearch(&key, idx, st->n_nodes, sizeof(*idx), by_ifindex_cmp);

		if (!hit || !d->packets[k] || !wanted(&st->nodes[hit->i], names, n_names))
			continue; /* a node deleted since, or not asked for */
		lines[n++] = (struct drop_line){&st->nodes[hit->i], &d->keys[k], d->packets[k]};
		if (strlen(st->nodes[hit->i].name) > name_w)
			name_w = strlen(st->nodes[hit->i].name);
	}
	if (lines)
		qsort(lines, n, sizeof(*lines), line_cmp);
	snprintf(fmt, sizeof(fmt), "%%-%zus  ", name_w);

	print_open_object(p, NULL);
	print_string(p, "fabric", NULL, st->name);
	print_string(p, "time", NULL, format_rfc3339(when, time, sizeof(time)));
	print_uint(p, "timestamp_ms", NULL, timespec_epoch_ms(when));
	print_bool(p, "reasons", NULL, r && r->tracepoint_has_reason);
	if (!r || !r->tracepoint_has_reason)
		print_text(p, "this kernel's kfree_skb tracepoint gives no drop reason (before "
			      "5.17): drops are counted as UNKNOWN\n");
	print_text(p, "%-*s  %-9s  %-28s  %12s\n", (int)name_w, "NODE", "WHERE", "REASON",
		   "PACKETS");
	print_open_array(p, "drops");
	for (size_t i = 0; i < n; i++) {
		char num[16];

		print_open_object(p, NULL);
		print_string(p, "node", fmt, lines[i].node->name);
		print_string(p, "where", "%-9s  ",
			     lines[i].key->where == FABRIC_DROP_IN_NODE ? "node" : "host_veth");
		print_string(p, "reason", "%-28s  ",
			     stats_drop_reason(r, lines[i].key->reason, num, sizeof(num)));
		print_uint(p, "reason_code", NULL, lines[i].key->reason);
		print_uint(p, "packets", "%12s\n", lines[i].packets);
		print_close_object(p);
		total += lines[i].packets;
	}
	print_close_array(p);
	print_string(p, NULL, fmt, "TOTAL");
	print_text(p, "%-9s  %-28s  ", "", "");
	print_uint(p, "total", "%12s\n", total);
	print_close_object(p);
	free(lines);
	free(idx);
}
