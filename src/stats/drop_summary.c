// SPDX-License-Identifier: GPL-2.0-only
/* Every fabric's drops summed by reason: what doctor looks at. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "kernel/fabric_bpf.h"
#include "stats/observe.h"

struct drop_entry {
	struct fabric_drop_key key;
	__u64 packets;
};

/* By reason, then node: a node's host-veth and in-node drops sit side by side. */
static int key_cmp(const void *a, const void *b)
{
	const struct fabric_drop_key *x = &((const struct drop_entry *)a)->key;
	const struct fabric_drop_key *y = &((const struct drop_entry *)b)->key;

	if (x->reason != y->reason)
		return x->reason < y->reason ? -1 : 1;
	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

/* Append one fabric's reading, one entry per reason. */
static int add_fabric(struct stats_drop_sum **out, size_t *n, size_t *cap, const char *fabric,
		      struct fabric_drops_reading *d)
{
	const struct drop_reasons *r = stats_drop_reasons();
	struct drop_entry *e = calloc(d->n + 1, sizeof(*e));

	if (!e)
		return -ENOMEM;
	for (size_t i = 0; i < d->n; i++)
		e[i] = (struct drop_entry){d->keys[i], d->packets[i]};
	qsort(e, d->n, sizeof(*e), key_cmp);
	for (size_t i = 0; i < d->n; i++) {
		struct stats_drop_sum *s;
		char num[16];

		if (!i || e[i].key.reason != e[i - 1].key.reason) {
			if (*n == *cap) {
				size_t ncap = *cap ? *cap * 2 : 16;
				struct stats_drop_sum *o = realloc(*out, ncap * sizeof(*o));

				if (!o) {
					free(e);
					return -ENOMEM;
				}
				*out = o;
				*cap = ncap;
			}
			s = &(*out)[(*n)++];
			memset(s, 0, sizeof(*s));
			snprintf(s->fabric, sizeof(s->fabric), "%s", fabric);
			snprintf(s->reason, sizeof(s->reason), "%s",
				 stats_drop_reason(r, e[i].key.reason, num, sizeof(num)));
		}
		s = &(*out)[*n - 1];
		s->packets += e[i].packets;
		if (!i || e[i].key.reason != e[i - 1].key.reason ||
		    e[i].key.ifindex != e[i - 1].key.ifindex)
			s->nodes++;
	}
	free(e);
	return 0;
}

int stats_drop_summary(struct stats_drop_sum **out, size_t *n)
{
	char(*names)[FABRIC_NAME_MAX + 1] = NULL;
	size_t count = 0, cap = 0;
	int err;

	*out = NULL;
	*n = 0;
	err = state_list(&names, &count);
	if (err)
		return err;
	for (size_t f = 0; !err && f < count; f++) {
		struct fabric_drops_reading d;
		struct fabric_bpf *fb;

		if (fabric_bpf_open(names[f], &fb)) {
			fail_clear();
			continue;
		}
		if (fabric_bpf_read_drops(fb, &d)) {
			fail_clear();
			fabric_bpf_close(fb);
			continue;
		}
		err = add_fabric(out, n, &cap, names[f], &d);
		fabric_drops_reading_free(&d);
		fabric_bpf_close(fb);
	}
	free(names);
	if (err) {
		free(*out);
		*out = NULL;
		*n = 0;
		return fail(err, "cannot sum the fabrics' drops");
	}
	return 0;
}
