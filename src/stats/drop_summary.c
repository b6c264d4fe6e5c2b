// SPDX-License-Identifier: GPL-2.0-only
/* Every fabric's drops summed by reason: what doctor looks at. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "kernel/fabric_bpf.h"
#include "stats/observe.h"

/* Add one entry's packets to (fabric, reason); @node_seen tells whether its node counted already.
 */
static int add(struct stats_drop_sum **out, size_t *n, size_t *cap, const char *fabric,
	       const char *reason, uint64_t packets, uint32_t ifindex, uint32_t **seen,
	       size_t **n_seen)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*out)[i].fabric, fabric) && !strcmp((*out)[i].reason, reason))
			break;
	if (i == *n) {
		if (*n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 16;
			struct stats_drop_sum *o = realloc(*out, ncap * sizeof(*o));
			uint32_t *s = o ? realloc(*seen, ncap * 64 * sizeof(*s)) : NULL;
			size_t *ns = s ? realloc(*n_seen, ncap * sizeof(*ns)) : NULL;

			if (o)
				*out = o;
			if (s)
				*seen = s;
			if (!ns)
				return -ENOMEM;
			*n_seen = ns;
			*cap = ncap;
		}
		memset(&(*out)[i], 0, sizeof((*out)[i]));
		snprintf((*out)[i].fabric, sizeof((*out)[i].fabric), "%s", fabric);
		snprintf((*out)[i].reason, sizeof((*out)[i].reason), "%s", reason);
		(*n_seen)[i] = 0;
		(*n)++;
	}
	(*out)[i].packets += packets;
	/* Distinct nodes: the first 64 are remembered, beyond that each entry counts. */
	for (size_t k = 0; k < (*n_seen)[i] && k < 64; k++)
		if ((*seen)[i * 64 + k] == ifindex)
			return 0;
	if ((*n_seen)[i] < 64)
		(*seen)[i * 64 + (*n_seen)[i]++] = ifindex;
	(*out)[i].nodes++;
	return 0;
}

int stats_drop_summary(struct stats_drop_sum **out, size_t *n)
{
	const struct drop_reasons *r = stats_drop_reasons();
	char(*names)[FABRIC_NAME_MAX + 1] = NULL;
	size_t count = 0, cap = 0, *n_seen = NULL;
	uint32_t *seen = NULL;
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
		for (size_t i = 0; !err && i < d.n; i++) {
			char num[16];

			err = add(out, n, &cap, names[f],
				  stats_drop_reason(r, d.keys[i].reason, num, sizeof(num)),
				  d.packets[i], d.keys[i].ifindex, &seen, &n_seen);
		}
		fabric_drops_reading_free(&d);
		fabric_bpf_close(fb);
	}
	free(names);
	free(seen);
	free(n_seen);
	if (err) {
		free(*out);
		*out = NULL;
		*n = 0;
		return fail(err, "cannot sum the fabrics' drops");
	}
	return 0;
}
