// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fabric's BPF objects: loaded and verified once at create, pinned
 * under BPF_PIN_ROOT/<fabric>/, attached to each node's host veth through
 * the pinned program fds, and read back by fabricctl stats.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "base/array.h"
#include "base/errors.h"
#include "base/failpoint.h"
#include "bpf_shared/fabric_counters.h"
#include "bpf_shared/fabric_observe.h"
#include "kernel/bpf_counters.h"
#include "kernel/link.h"
#include "kernel/fabric_bpf.h"
#include "kernel/tc_attach.h"
#include "kernel/tc_block.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* the kernel's internal "not supported", seen by bpf() callers */
#endif

int fabric_bpf_remove(const char *fabric)
{
	char dir[PATH_MAX];
	int err;

	err = fabric_pin_path(dir, sizeof(dir), fabric, NULL);
	if (err)
		return err;
	err = failpoint("unpin the counting program");
	if (err)
		return err;
	err = fabric_bpf_tcx_remove_all(fabric);
	if (err)
		return err;
	fabric_unpin_all(fabric); /* only the pins fabricctl makes, by name */
	if (!rmdir(dir) || errno == ENOENT)
		return 0;
	if (errno == ENOTEMPTY || errno == EEXIST)
		return fail_msg(-ENOTEMPTY, "\"%s\" holds pins fabricctl did not make: left alone",
				dir);
	return fail(-errno, "cannot remove \"%s\"", dir);
}

bool fabric_bpf_map_is_counters(int fd)
{
	return fabric_pin_map_ok(fd, FABRIC_PIN_BIT_COUNTERS) >= 0;
}

static int open_pinned(const char *fabric, const char *name, int *fd)
{
	char path[PATH_MAX];
	int err;

	err = fabric_pin_path(path, sizeof(path), fabric, name);
	if (err)
		return err;
	*fd = bpf_obj_get(path);
	if (*fd >= 0)
		return 0;
	err = *fd;
	*fd = -1;
	if (err == -ENOENT)
		return fail_msg(-ENOENT,
				"fabric \"%s\" has no pinned BPF object \"%s\" (bpffs not mounted, "
				"or pins removed by hand?)",
				fabric, path);
	if (err == -EPERM || err == -EACCES)
		return fail(err, "cannot open \"%s\" (needs root)", path);
	return fail(err, "cannot open \"%s\"", path);
}

/* A map of pin @bit, or -1 when it is not pinned or not ours (check --repair says so). */
static int open_optional(const char *fabric, unsigned int bit)
{
	char path[PATH_MAX];
	int fd = -1;

	if (!fabric_pin_path(path, sizeof(path), fabric, fabric_bpf_pin_name(bit)))
		fd = bpf_obj_get(path);
	if (fd >= 0 && fabric_pin_map_ok(fd, bit) < 0) {
		close(fd);
		fd = -1;
	}
	fail_clear();
	return fd;
}

/* The matrix, pairs, drops and netns maps: optional, so counting goes on without them. */
static void open_observers(struct fabric_bpf *fb)
{
	int entries;

	fb->matrix_fd = open_optional(fb->fabric, FABRIC_PIN_BIT_MATRIX);
	fb->pairs_fd = open_optional(fb->fabric, FABRIC_PIN_BIT_PAIRS);
	fb->drops_fd = open_optional(fb->fabric, FABRIC_PIN_BIT_DROPS);
	fb->netns_fd = open_optional(fb->fabric, FABRIC_PIN_BIT_NETNS);
	entries = fabric_pin_map_ok(fb->matrix_fd, FABRIC_PIN_BIT_MATRIX);
	/* cells x (cells + 2) entries */
	for (unsigned int c = 1; entries > 0 && c <= FABRIC_MATRIX_MAX_CELLS; c++)
		if (c * FABRIC_MATRIX_COLS(c) == (unsigned int)entries)
			fb->n_cells = c;
}

int fabric_bpf_open(const char *fabric, struct fabric_bpf **out)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	struct fabric_bpf *fb;
	int err;

	fabric_bpf_libbpf_setup();
	*out = NULL;
	fb = calloc(1, sizeof(*fb));
	if (!fb)
		return fail(-ENOMEM, "cannot open the BPF objects of fabric \"%s\"", fabric);
	snprintf(fb->fabric, sizeof(fb->fabric), "%s", fabric);
	fb->map_fd = fb->prog_ingress_fd = fb->prog_egress_fd = -1;
	fb->matrix_fd = fb->pairs_fd = fb->drops_fd = fb->netns_fd = -1;

	err = open_pinned(fabric, FABRIC_PIN_COUNTERS, &fb->map_fd);
	if (err)
		goto err_close;
	err = bpf_obj_get_info_by_fd(fb->map_fd, &info, &len);
	if (err) {
		fail(err, "cannot inspect the counters map of fabric \"%s\"", fabric);
		goto err_close;
	}
	if (info.type != BPF_MAP_TYPE_PERCPU_HASH || info.key_size != sizeof(__u32) ||
	    info.value_size != sizeof(struct fabric_counters)) {
		err = fail(-EPROTO,
			   "the pinned counters map of fabric \"%s\" was made by another fabricctl "
			   "version (type %u, key %u, value %u bytes; expected %u, %zu, %zu)",
			   fabric, info.type, info.key_size, info.value_size,
			   BPF_MAP_TYPE_PERCPU_HASH, sizeof(__u32), sizeof(struct fabric_counters));
		goto err_close;
	}
	fb->max_entries = info.max_entries;

	err = open_pinned(fabric, FABRIC_PIN_PROG_INGRESS, &fb->prog_ingress_fd);
	if (!err)
		err = open_pinned(fabric, FABRIC_PIN_PROG_EGRESS, &fb->prog_egress_fd);
	if (err)
		goto err_close;

	open_observers(fb);

	fb->ncpus = libbpf_num_possible_cpus();
	if (fb->ncpus <= 0) {
		err = fail(fb->ncpus ? fb->ncpus : -EINVAL, "cannot count the possible CPUs");
		goto err_close;
	}
	fb->percpu = calloc(fb->ncpus, sizeof(*fb->percpu));
	if (!fb->percpu) {
		err = fail(-ENOMEM, "cannot open the BPF objects of fabric \"%s\"", fabric);
		goto err_close;
	}
	*out = fb;
	return 0;

err_close:
	fabric_bpf_close(fb);
	return err;
}

void fabric_bpf_close(struct fabric_bpf *fb)
{
	if (!fb)
		return;
	if (fb->map_fd >= 0)
		close(fb->map_fd);
	if (fb->prog_ingress_fd >= 0)
		close(fb->prog_ingress_fd);
	if (fb->prog_egress_fd >= 0)
		close(fb->prog_egress_fd);
	int fds[] = {fb->matrix_fd, fb->pairs_fd, fb->drops_fd, fb->netns_fd};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fb->percpu);
	free(fb->verdicts);
	free(fb->keys);
	free(fb->vals);
	free(fb);
}

/* The counters map a program uses, as a new fd, or -1. */
int fabric_bpf_prog_map(int prog_fd)
{
	return fabric_bpf_prog_map_named(prog_fd, "counters");
}
