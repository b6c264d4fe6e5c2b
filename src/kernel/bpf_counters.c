// SPDX-License-Identifier: GPL-2.0-only
/*
 * The counters map: one zeroed entry per node made by add-node (traffic
 * never creates one), removed by del-node, read whole with batch lookups.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "base/array.h"
#include "base/errors.h"
#include "base/failpoint.h"
#include "bpf_shared/fabric_counters.h"
#include "kernel/bpf_counters.h"
#include "kernel/link.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* the kernel's internal "not supported", seen by bpf() callers */
#endif

/* Entries asked for per batch lookup: a 1000-node fabric is one call. */
#define READ_CHUNK_MIN 64
#define READ_CHUNK_MAX 4096
/* Waits for the per-CPU allocator's refill: 1 ms doubling to 256 ms. */
#define ENTRY_RETRY_FIRST_US 1000
#define ENTRY_RETRY_LAST_US 256000

int bpf_counters_add_netns(struct fabric_bpf *fb, int ifindex, uint64_t netns_ino)
{
	__u32 key = (__u32)netns_ino, value = (__u32)ifindex;
	int err;

	if (fb->netns_fd < 0 || !netns_ino)
		return 0; /* drops inside the node are not counted (check --repair) */
	err = failpoint("add a namespace entry");
	if (err)
		return err;
	err = bpf_map_update_elem(fb->netns_fd, &key, &value, BPF_ANY);
	if (err == -E2BIG)
		return fail(-ENOSPC, "the netns map of fabric \"%s\" is full", fb->fabric);
	if (err)
		return fail(err, "cannot add namespace %llu to the netns map of fabric \"%s\"",
			    (unsigned long long)netns_ino, fb->fabric);
	return 0;
}

bool bpf_counters_has_netns(struct fabric_bpf *fb, int ifindex, uint64_t netns_ino)
{
	__u32 key = (__u32)netns_ino, value = 0;

	return fb->netns_fd < 0 || !netns_ino ||
	       (!bpf_map_lookup_elem(fb->netns_fd, &key, &value) && value == (__u32)ifindex);
}

int bpf_counters_add(struct fabric_bpf *fb, int ifindex, const struct fabric_bpf_node *id)
{
	char ifname[IFNAMSIZ];
	__u32 key = (__u32)ifindex;
	int err;

	err = failpoint("add a counter entry");
	if (err)
		return err;
	/* BPF_ANY replaces a stale entry: a re-added node starts from zero. */
	memset(fb->percpu, 0, (size_t)fb->ncpus * sizeof(*fb->percpu));
	for (int cpu = 0; cpu < fb->ncpus; cpu++) {
		fb->percpu[cpu].slot = id->slot;
		fb->percpu[cpu].netns_ino = (__u32)id->netns_ino;
	}
	err = bpf_map_update_elem(fb->map_fd, &key, fb->percpu, BPF_ANY);
	/*
	 * The map is not preallocated (a /16 would pin tens of MiB per fabric):
	 * an entry's per-CPU memory comes from a cache the kernel refills in
	 * the background, which a burst of thousands of adds on a busy host
	 * can find empty for a moment. Wait for the refill, briefly.
	 */
	for (int delay_us = ENTRY_RETRY_FIRST_US; err == -ENOMEM && delay_us <= ENTRY_RETRY_LAST_US;
	     delay_us *= 2) {
		usleep((useconds_t)delay_us);
		err = bpf_map_update_elem(fb->map_fd, &key, fb->percpu, BPF_ANY);
	}
	if (err == -E2BIG)
		return fail(-ENOSPC, "the counters map of fabric \"%s\" is full (%u nodes)",
			    fb->fabric, fb->max_entries);
	if (err)
		return fail(err, "cannot create the counters of \"%s\"",
			    link_name_of(ifindex, ifname));
	err = bpf_counters_add_netns(fb, ifindex, id->netns_ino);
	if (err)
		bpf_map_delete_elem(fb->map_fd, &key);
	return err;
}

int bpf_counters_del(struct fabric_bpf *fb, int ifindex)
{
	char ifname[IFNAMSIZ];
	__u32 key = (__u32)ifindex;
	int err = failpoint("delete a counter entry");

	if (err)
		return err;
	/* Its namespace's entry first, while the counters say which it is. */
	if (fb->netns_fd >= 0 && !bpf_map_lookup_elem(fb->map_fd, &key, fb->percpu)) {
		__u32 ns = fb->percpu[0].netns_ino, to = 0;

		if (ns && !bpf_map_lookup_elem(fb->netns_fd, &ns, &to) && to == key)
			bpf_map_delete_elem(fb->netns_fd, &ns);
	}
	err = bpf_map_delete_elem(fb->map_fd, &key);

	if (err && err != -ENOENT)
		return fail(err, "cannot delete the counters of \"%s\"",
			    link_name_of(ifindex, ifname));
	return 0;
}

void fabric_bpf_reading_free(struct fabric_bpf_reading *r)
{
	free(r->ifindex);
	free(r->counters);
	memset(r, 0, sizeof(*r));
}

/* Append one entry, summing its per-CPU values. */
static int reading_add(struct fabric_bpf_reading *r, __u32 key,
		       const struct fabric_counters *percpu, int ncpus)
{
	enum { N = sizeof(struct fabric_counters) / sizeof(__u64) };
	__u64 *sum;

	/* Two arrays of one capacity: the second reserve decides it. */
	size_t keys_cap = r->cap;

	if (ARRAY_RESERVE(r->ifindex, keys_cap, r->n) || ARRAY_RESERVE(r->counters, r->cap, r->n))
		return -ENOMEM;
	r->ifindex[r->n] = key;
	sum = (__u64 *)&r->counters[r->n];
	memcpy(sum, &percpu[0], sizeof(struct fabric_counters));
	for (int cpu = 1; cpu < ncpus; cpu++) {
		const __u64 *v = (const __u64 *)&percpu[cpu];

		for (size_t i = 0; i < N; i++)
			sum[i] += v[i];
	}
	/* Not counters: the node's identity, the same on every CPU. */
	r->counters[r->n].slot = percpu[0].slot;
	r->counters[r->n].netns_ino = percpu[0].netns_ino;
	r->n++;
	return 0;
}

static int batch_buffers(struct fabric_bpf *fb, __u32 chunk)
{
	__u32 *keys;
	struct fabric_counters *vals;

	keys = realloc(fb->keys, (size_t)chunk * sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	fb->keys = keys;
	vals = realloc(fb->vals, (size_t)chunk * fb->ncpus * sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	fb->vals = vals;
	fb->chunk = chunk;
	return 0;
}

static int read_batch(struct fabric_bpf *fb, struct fabric_bpf_reading *r)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u64 in_token = 0, out_token = 0;
	void *in = NULL;
	int err;

	if (!fb->chunk) {
		__u32 chunk = fb->max_entries;

		if (chunk < READ_CHUNK_MIN)
			chunk = READ_CHUNK_MIN;
		if (chunk > READ_CHUNK_MAX)
			chunk = READ_CHUNK_MAX;
		if (batch_buffers(fb, chunk))
			return -ENOMEM;
	}
	for (;;) {
		__u32 count = fb->chunk;

		err = bpf_map_lookup_batch(fb->map_fd, in, &out_token, fb->keys, fb->vals, &count,
					   &opts);
		if (err == -ENOSPC && count == 0) {
			/* One hash bucket holds more entries than we asked for. */
			if (batch_buffers(fb, fb->chunk * 2))
				return -ENOMEM;
			continue;
		}
		if (err && err != -ENOENT)
			return err;
		for (__u32 i = 0; i < count; i++)
			if (reading_add(r, fb->keys[i], &fb->vals[(size_t)i * fb->ncpus],
					fb->ncpus))
				return -ENOMEM;
		if (err == -ENOENT)
			return 0;
		in_token = out_token;
		in = &in_token;
	}
}

static int read_per_key(struct fabric_bpf *fb, struct fabric_bpf_reading *r)
{
	__u32 key, next;
	void *prev = NULL;
	int err;

	for (;;) {
		err = bpf_map_get_next_key(fb->map_fd, prev, &next);
		if (err == -ENOENT)
			return 0;
		if (err)
			return err;
		err = bpf_map_lookup_elem(fb->map_fd, &next, fb->percpu);
		if (!err && reading_add(r, next, fb->percpu, fb->ncpus))
			return -ENOMEM;
		if (err && err != -ENOENT) /* ENOENT: deleted meanwhile */
			return err;
		key = next;
		prev = &key;
	}
}

int fabric_bpf_read(struct fabric_bpf *fb, struct fabric_bpf_reading *r)
{
	int err;

	r->n = 0;
	if (!fb->no_batch) {
		err = read_batch(fb, r);
		if (err != -EINVAL && err != -ENOTSUPP && err != -EOPNOTSUPP)
			goto out;
		fb->no_batch = true;
		r->n = 0;
	}
	err = read_per_key(fb, r);
out:
	if (err)
		return fail(err, "cannot read the counters of fabric \"%s\"", fb->fabric);
	return 0;
}
