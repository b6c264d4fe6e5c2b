// SPDX-License-Identifier: GPL-2.0-only
/*
 * The matrix, pairs and drops maps read whole: the matrix (an array) with
 * batch lookups, the hashes key by key (a few thousand entries at most).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "base/errors.h"
#include "kernel/bpf_observe.h"

static int not_pinned(struct fabric_bpf *fb, const char *what)
{
	return fail_msg(-ENOENT,
			"fabric \"%s\" has no %s map pinned (made by an older fabricctl? "
			"`fabricctl check --repair %s` adds it)",
			fb->fabric, what, fb->fabric);
}

static void sum_flows(struct fabric_flow_counters *to, const struct fabric_flow_counters *percpu,
		      int ncpus)
{
	*to = percpu[0];
	for (int cpu = 1; cpu < ncpus; cpu++) {
		to->packets += percpu[cpu].packets;
		to->bytes += percpu[cpu].bytes;
	}
}

static int read_cells(struct fabric_bpf *fb, struct fabric_matrix_reading *m)
{
	__u32 n = m->n_cells * FABRIC_MATRIX_COLS(m->n_cells), done = 0;
	struct fabric_flow_counters *vals;
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 *keys, token = 0;
	int err = 0;

	keys = calloc(n, sizeof(*keys));
	vals = calloc((size_t)n * fb->ncpus, sizeof(*vals));
	m->cells = calloc(n, sizeof(*m->cells));
	if (!keys || !vals || !m->cells) {
		err = -ENOMEM;
		goto out;
	}
	while (done < n) {
		__u32 count = n - done;

		err = bpf_map_lookup_batch(fb->matrix_fd, done ? &token : NULL, &token, keys + done,
					   vals + (size_t)done * fb->ncpus, &count, &opts);
		done += count;
		if (err == -ENOENT) {
			err = 0;
			break;
		}
		if (err)
			break;
	}
	if (err == -EINVAL || err == -ENOTSUP || err == -EOPNOTSUPP) {
		/* No batch ops for arrays on this kernel: key by key. */
		err = 0;
		for (done = 0; !err && done < n; done++) {
			keys[done] = done;
			err = bpf_map_lookup_elem(fb->matrix_fd, &keys[done],
						  vals + (size_t)done * fb->ncpus);
		}
	}
	for (__u32 i = 0; !err && i < done; i++)
		if (keys[i] < n)
			sum_flows(&m->cells[keys[i]], vals + (size_t)i * fb->ncpus, fb->ncpus);
out:
	free(keys);
	free(vals);
	return err ? fail(err, "cannot read the traffic matrix of fabric \"%s\"", fb->fabric) : 0;
}

static int read_pairs(struct fabric_bpf *fb, struct fabric_matrix_reading *m)
{
	struct fabric_flow_counters *percpu = calloc(fb->ncpus, sizeof(*percpu));
	struct fabric_pair_key key, next;
	size_t cap = 0;
	void *prev = NULL;
	int err = percpu ? 0 : -ENOMEM;

	while (!err && !bpf_map_get_next_key(fb->pairs_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fb->pairs_fd, &key, percpu))
			continue; /* evicted meanwhile */
		if (m->n_pairs == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			void *k = realloc(m->pair_keys, ncap * sizeof(*m->pair_keys));

			if (k)
				m->pair_keys = k;
			void *v = k ? realloc(m->pairs, ncap * sizeof(*m->pairs)) : NULL;

			if (!v) {
				err = -ENOMEM;
				break;
			}
			m->pairs = v;
			cap = ncap;
		}
		m->pair_keys[m->n_pairs] = key;
		sum_flows(&m->pairs[m->n_pairs++], percpu, fb->ncpus);
	}
	free(percpu);
	return err ? fail(err, "cannot read the node pairs of fabric \"%s\"", fb->fabric) : 0;
}

int fabric_bpf_read_matrix(struct fabric_bpf *fb, struct fabric_matrix_reading *m)
{
	int err;

	memset(m, 0, sizeof(*m));
	if (fb->matrix_fd < 0 || !fb->n_cells)
		return not_pinned(fb, "traffic matrix");
	if (fb->pairs_fd < 0)
		return not_pinned(fb, "node pairs");
	m->n_cells = fb->n_cells;
	err = read_cells(fb, m);
	if (!err)
		err = read_pairs(fb, m);
	if (err)
		fabric_matrix_reading_free(m);
	return err;
}

void fabric_matrix_reading_free(struct fabric_matrix_reading *m)
{
	free(m->cells);
	free(m->pair_keys);
	free(m->pairs);
	memset(m, 0, sizeof(*m));
}

int fabric_bpf_read_drops(struct fabric_bpf *fb, struct fabric_drops_reading *d)
{
	__u64 *percpu;
	struct fabric_drop_key key, next;
	void *prev = NULL;
	size_t cap = 0;
	int err = 0;

	memset(d, 0, sizeof(*d));
	if (fb->drops_fd < 0)
		return not_pinned(fb, "drops");
	percpu = calloc(fb->ncpus, sizeof(*percpu));
	if (!percpu)
		return fail(-ENOMEM, "cannot read the drops of fabric \"%s\"", fb->fabric);
	while (!bpf_map_get_next_key(fb->drops_fd, prev, &next)) {
		__u64 sum = 0;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fb->drops_fd, &key, percpu))
			continue;
		for (int cpu = 0; cpu < fb->ncpus; cpu++)
			sum += percpu[cpu];
		if (d->n == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			void *k = realloc(d->keys, ncap * sizeof(*d->keys));

			if (k)
				d->keys = k;
			void *v = k ? realloc(d->packets, ncap * sizeof(*d->packets)) : NULL;

			if (!v) {
				err = -ENOMEM;
				break;
			}
			d->packets = v;
			cap = ncap;
		}
		d->keys[d->n] = key;
		d->packets[d->n++] = sum;
	}
	free(percpu);
	if (err) {
		fabric_drops_reading_free(d);
		return fail(err, "cannot read the drops of fabric \"%s\"", fb->fabric);
	}
	return 0;
}

void fabric_drops_reading_free(struct fabric_drops_reading *d)
{
	free(d->keys);
	free(d->packets);
	memset(d, 0, sizeof(*d));
}
