// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fabric's pins: what is pinned where, and the proof that a pinned
 * object is fabricctl's before it is unpinned or used.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "base/errors.h"
#include "bpf_shared/fabric_counters.h"
#include "bpf_shared/fabric_observe.h"
#include "kernel/fabric_bpf_pins.h"

int fabric_pin_path(char *buf, size_t size, const char *fabric, const char *name)
{
	int n;

	if (!fabric[0] || strchr(fabric, '/') || !strcmp(fabric, ".") || !strcmp(fabric, ".."))
		return fail(-EINVAL, "invalid fabric name \"%s\" for a BPF pin path", fabric);
	if (name)
		n = snprintf(buf, size, "%s/%s/%s", BPF_PIN_ROOT, fabric, name);
	else
		n = snprintf(buf, size, "%s/%s", BPF_PIN_ROOT, fabric);
	if (n < 0 || (size_t)n >= size)
		return fail(-ENAMETOOLONG, "BPF pin path for fabric \"%s\" is too long", fabric);
	return 0;
}

enum pin_type { PIN_MAP, PIN_PROG, PIN_LINK };

/*
 * The pins fabricctl makes, and what proves a pinned object is the one
 * fabricctl made rather than something pinned under the same name: its
 * kind, its BPF type, its key size and the name the object was loaded with
 * (a link: the name of its program; either drop program).
 */
static const struct pin_kind {
	const char *pin;
	enum pin_type kind;
	__u32 type;
	__u32 key_size;
	const char *object;
	const char *object2;
} pin_kinds[FABRIC_PIN_N] = {
	[FABRIC_PIN_BIT_COUNTERS] = {FABRIC_PIN_COUNTERS, PIN_MAP, BPF_MAP_TYPE_PERCPU_HASH,
				     sizeof(__u32), "counters", NULL},
	[FABRIC_PIN_BIT_INGRESS] = {FABRIC_PIN_PROG_INGRESS, PIN_PROG, BPF_PROG_TYPE_SCHED_CLS, 0,
				    "fabric_ingress", NULL},
	[FABRIC_PIN_BIT_EGRESS] = {FABRIC_PIN_PROG_EGRESS, PIN_PROG, BPF_PROG_TYPE_SCHED_CLS, 0,
				   "fabric_egress", NULL},
	[FABRIC_PIN_BIT_MATRIX] = {FABRIC_PIN_MATRIX, PIN_MAP, BPF_MAP_TYPE_PERCPU_ARRAY,
				   sizeof(__u32), "matrix", NULL},
	[FABRIC_PIN_BIT_PAIRS] = {FABRIC_PIN_PAIRS, PIN_MAP, BPF_MAP_TYPE_LRU_PERCPU_HASH,
				  sizeof(struct fabric_pair_key), "pairs", NULL},
	[FABRIC_PIN_BIT_DROPS] = {FABRIC_PIN_DROPS, PIN_MAP, BPF_MAP_TYPE_PERCPU_HASH,
				  sizeof(struct fabric_drop_key), "drops", NULL},
	[FABRIC_PIN_BIT_NETNS] = {FABRIC_PIN_NETNS, PIN_MAP, BPF_MAP_TYPE_HASH, sizeof(__u32),
				  "netns", NULL},
	[FABRIC_PIN_BIT_LINK_DROPS] = {FABRIC_PIN_LINK_DROPS, PIN_LINK,
				       BPF_LINK_TYPE_RAW_TRACEPOINT, 0, "fabric_drops",
				       "fabric_drops_noreason"},
};

static bool prog_named(int prog_fd, const struct pin_kind *k, __u32 type)
{
	struct bpf_prog_info info = {0};
	__u32 len = sizeof(info);

	return !bpf_obj_get_info_by_fd(prog_fd, &info, &len) && info.type == type &&
	       (!strcmp(info.name, k->object) || (k->object2 && !strcmp(info.name, k->object2)));
}

int fabric_bpf_link_prog(int link_fd)
{
	struct bpf_link_info info = {0};
	__u32 len = sizeof(info);

	if (link_fd < 0 || bpf_obj_get_info_by_fd(link_fd, &info, &len) ||
	    info.type != BPF_LINK_TYPE_RAW_TRACEPOINT)
		return -1;
	return bpf_prog_get_fd_by_id(info.prog_id);
}

static bool object_ours(int fd, const struct pin_kind *k)
{
	switch (k->kind) {
	case PIN_MAP: {
		struct bpf_map_info info = {0};
		__u32 len = sizeof(info);

		return !bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == k->type &&
		       info.key_size == k->key_size && !strcmp(info.name, k->object);
	}
	case PIN_PROG:
		return prog_named(fd, k, k->type);
	case PIN_LINK: {
		int prog = fabric_bpf_link_prog(fd);
		bool ours = prog >= 0 && prog_named(prog, k, BPF_PROG_TYPE_TRACING);

		if (prog >= 0)
			close(prog);
		return ours;
	}
	}
	return false;
}

int fabric_pin_map_ok(int fd, unsigned int bit)
{
	const struct pin_kind *k = &pin_kinds[bit];
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info);

	if (fd < 0 || bit >= FABRIC_PIN_N || k->kind != PIN_MAP ||
	    bpf_obj_get_info_by_fd(fd, &info, &len) || info.type != k->type ||
	    info.key_size != k->key_size || strcmp(info.name, k->object))
		return -1;
	if (bit == FABRIC_PIN_BIT_COUNTERS && info.value_size != sizeof(struct fabric_counters))
		return -1;
	return (int)info.max_entries;
}

enum pin_owner { PIN_ABSENT, PIN_OURS, PIN_FOREIGN };

static enum pin_owner pin_owner(const char *fabric, const struct pin_kind *k)
{
	char path[PATH_MAX];
	struct stat sb;
	bool ours;
	int fd;

	if (fabric_pin_path(path, sizeof(path), fabric, k->pin)) {
		fail_clear();
		return PIN_ABSENT;
	}
	if (lstat(path, &sb))
		return errno == ENOENT ? PIN_ABSENT : PIN_FOREIGN;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return PIN_FOREIGN; /* not a BPF object we can open: not ours to remove */
	ours = object_ours(fd, k);
	close(fd);
	return ours ? PIN_OURS : PIN_FOREIGN;
}

/* Bit i: pin_kinds[i] is pinned and is an object of @want's kind. */
static unsigned int pins_owned(const char *fabric, enum pin_owner want)
{
	unsigned int bits = 0;

	for (unsigned int i = 0; i < FABRIC_PIN_N; i++)
		if (pin_owner(fabric, &pin_kinds[i]) == want)
			bits |= 1u << i;
	return bits;
}

unsigned int fabric_bpf_pins_present(const char *fabric)
{
	return pins_owned(fabric, PIN_OURS);
}

unsigned int fabric_bpf_pins_foreign(const char *fabric)
{
	return pins_owned(fabric, PIN_FOREIGN);
}

const char *fabric_bpf_pin_name(unsigned int i)
{
	return i < FABRIC_PIN_N ? pin_kinds[i].pin : NULL;
}

void fabric_unpin_all(const char *fabric)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < FABRIC_PIN_N; i++)
		if (pin_owner(fabric, &pin_kinds[i]) == PIN_OURS &&
		    !fabric_pin_path(path, sizeof(path), fabric, pin_kinds[i].pin))
			unlink(path);
	if (!fabric_pin_path(path, sizeof(path), fabric, NULL))
		rmdir(path);
}

int fabric_pin_fd(int fd, const char *fabric, const char *name)
{
	char path[PATH_MAX];
	int err;

	err = fabric_pin_path(path, sizeof(path), fabric, name);
	if (err)
		return err;
	err = bpf_obj_pin(fd, path);
	if (err)
		return fail(err, "cannot pin \"%s\"", path);
	return 0;
}

/* A program uses at most this many maps (ours: counters, matrix, pairs, netns, drops, rodata). */
#define PROG_MAPS_MAX 16

int fabric_bpf_prog_map_named(int prog_fd, const char *name)
{
	__u32 ids[PROG_MAPS_MAX] = {0};
	struct bpf_prog_info info = {0};
	__u32 len = sizeof(info);

	info.nr_map_ids = PROG_MAPS_MAX;
	info.map_ids = (__u64)(unsigned long)ids;
	if (prog_fd < 0 || bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -1;
	for (__u32 i = 0; i < info.nr_map_ids && i < PROG_MAPS_MAX; i++) {
		struct bpf_map_info mi = {0};
		__u32 mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &mi, &mlen) && !strcmp(mi.name, name))
			return fd;
		close(fd);
	}
	return -1;
}
