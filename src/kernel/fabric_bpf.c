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
#include "kernel/bpf_counters.h"
#include "kernel/link.h"
#include "kernel/fabric_bpf.h"
#include "kernel/tc_attach.h"
#include "kernel/tc_block.h"

/* Generated with "name fabric_skel" (see Makefile): struct fabric_bpf is our handle. */
#include "fabric.skel.h"

#define BPFFS_MOUNT "/sys/fs/bpf"

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* the kernel's internal "not supported", seen by bpf() callers */
#endif

__attribute__((format(printf, 2, 0))) static int libbpf_print(enum libbpf_print_level level,
							      const char *fmt, va_list ap)
{
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

static int libbpf_silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* libbpf speaks only when asked to: FABRICCTL_DEBUG=1. */
static void libbpf_setup(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	libbpf_set_print(getenv("FABRICCTL_DEBUG") ? libbpf_print : libbpf_silent);
}

/* The fabric name becomes a path component: refuse anything that escapes. */
static int pin_path(char *buf, size_t size, const char *fabric, const char *name)
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

int fabric_bpf_pin_path(char *buf, size_t size, const char *fabric, const char *name)
{
	return pin_path(buf, size, fabric, name);
}

/* Mount bpffs on /sys/fs/bpf unless it already is (as systemd does at boot). */
static int bpffs_ensure(void)
{
	struct statfs sfs;

	if (statfs(BPFFS_MOUNT, &sfs)) {
		if (errno == ENOENT)
			return fail(-ENOENT,
				    "no BPF filesystem mount point \"%s\" (is sysfs mounted, is "
				    "the kernel built with CONFIG_BPF_SYSCALL?)",
				    BPFFS_MOUNT);
		return fail(-errno, "cannot stat \"%s\"", BPFFS_MOUNT);
	}
	if (sfs.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", BPFFS_MOUNT, "bpf", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700")) {
		if (errno == ENODEV)
			return fail(-ENODEV,
				    "cannot mount the BPF filesystem on \"%s\": the kernel has no "
				    "bpffs (CONFIG_BPF_SYSCALL)",
				    BPFFS_MOUNT);
		return fail(-errno, "cannot mount the BPF filesystem on \"%s\"", BPFFS_MOUNT);
	}
	return 0;
}

static int mkdir_private(const char *path)
{
	struct stat st;

	if (!mkdir(path, 0700))
		return 0;
	if (errno != EEXIST)
		return fail(-errno, "cannot create directory \"%s\"", path);
	if (lstat(path, &st))
		return fail(-errno, "cannot stat \"%s\"", path);
	if (!S_ISDIR(st.st_mode))
		return fail(-ENOTDIR, "\"%s\" exists and is not a directory", path);
	return 0;
}

/* Explain a failed load in terms of what the machine lacks. */
static int load_failure(int err, const char *fabric)
{
	switch (-err) {
	case ENOSYS:
		return fail(err,
			    "cannot load the BPF program of fabric \"%s\": the kernel has no bpf() "
			    "system call (CONFIG_BPF_SYSCALL)",
			    fabric);
	case EPERM:
	case EACCES:
		return fail(err,
			    "cannot load the BPF program of fabric \"%s\": not permitted (needs "
			    "root, or CAP_BPF and CAP_NET_ADMIN; run with FABRICCTL_DEBUG=1 for "
			    "the verifier's log)",
			    fabric);
	case EINVAL:
	case EOPNOTSUPP:
	case ENOTSUPP:
		return fail(err,
			    "cannot load the BPF program of fabric \"%s\": the kernel lacks tc BPF "
			    "programs or per-CPU hash maps (CONFIG_NET_CLS_BPF, "
			    "CONFIG_BPF_SYSCALL; FABRICCTL_DEBUG=1 shows libbpf's log)",
			    fabric);
	default:
		return fail(err,
			    "cannot load the BPF program of fabric \"%s\" (FABRICCTL_DEBUG=1 shows "
			    "libbpf's log)",
			    fabric);
	}
}

/*
 * The pins fabricctl makes, and what proves a pinned object is the one
 * fabricctl made rather than something pinned under the same name: its
 * kind, its BPF type and the name the object was loaded with.
 */
static const struct pin_kind {
	const char *pin;
	bool is_map;
	__u32 type;
	const char *object;
} pin_kinds[] = {
	{FABRIC_PIN_COUNTERS, true, BPF_MAP_TYPE_PERCPU_HASH, "counters"},
	{FABRIC_PIN_PROG_INGRESS, false, BPF_PROG_TYPE_SCHED_CLS, "fabric_ingress"},
	{FABRIC_PIN_PROG_EGRESS, false, BPF_PROG_TYPE_SCHED_CLS, "fabric_egress"},
};
#define N_PINS (sizeof(pin_kinds) / sizeof(pin_kinds[0]))

enum pin_owner { PIN_ABSENT, PIN_OURS, PIN_FOREIGN };

static enum pin_owner pin_owner(const char *fabric, const struct pin_kind *k)
{
	char path[PATH_MAX];
	bool ours = false;
	struct stat sb;
	int fd;

	if (pin_path(path, sizeof(path), fabric, k->pin)) {
		fail_clear();
		return PIN_ABSENT;
	}
	if (lstat(path, &sb))
		return errno == ENOENT ? PIN_ABSENT : PIN_FOREIGN;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return PIN_FOREIGN; /* not a BPF object we can open: not ours to remove */
	if (k->is_map) {
		struct bpf_map_info info = {0};
		__u32 len = sizeof(info);

		ours = !bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == k->type &&
		       info.key_size == sizeof(__u32) && !strcmp(info.name, k->object);
	} else {
		struct bpf_prog_info info = {0};
		__u32 len = sizeof(info);

		ours = !bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == k->type &&
		       !strcmp(info.name, k->object);
	}
	close(fd);
	return ours ? PIN_OURS : PIN_FOREIGN;
}

/* Bit i: pin_kinds[i] is pinned and is an object of @want's kind. */
static unsigned int pins_owned(const char *fabric, enum pin_owner want)
{
	unsigned int bits = 0;

	for (unsigned int i = 0; i < N_PINS; i++)
		if (pin_owner(fabric, &pin_kinds[i]) == want)
			bits |= 1u << i;
	return bits;
}

/* Unpin what is proven ours; a foreign object under one of our names stays. */
static void unpin_all(const char *fabric)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < N_PINS; i++)
		if (pin_owner(fabric, &pin_kinds[i]) == PIN_OURS &&
		    !pin_path(path, sizeof(path), fabric, pin_kinds[i].pin))
			unlink(path);
	if (!pin_path(path, sizeof(path), fabric, NULL))
		rmdir(path);
}

static int pin_fd(int fd, const char *fabric, const char *name)
{
	char path[PATH_MAX];
	int err;

	err = pin_path(path, sizeof(path), fabric, name);
	if (err)
		return err;
	err = bpf_obj_pin(fd, path);
	if (err)
		return fail(err, "cannot pin \"%s\"", path);
	return 0;
}

int fabric_bpf_create(const char *fabric, unsigned int max_nodes)
{
	struct fabric_skel *skel;
	char dir[PATH_MAX];
	int err;

	libbpf_setup();
	err = pin_path(dir, sizeof(dir), fabric, NULL);
	if (err)
		return err;
	err = bpffs_ensure();
	if (err)
		return err;
	err = mkdir_private(BPF_PIN_ROOT);
	if (err)
		return err;
	/* A leftover empty directory is fine; leftover pins are another fabric's. */
	if (mkdir(dir, 0700)) {
		if (errno != EEXIST || rmdir(dir) || mkdir(dir, 0700))
			return fail(errno == ENOTEMPTY ? -EEXIST : -errno,
				    "cannot create \"%s\" for the BPF objects of fabric \"%s\"",
				    dir, fabric);
	}

	err = failpoint("load the counting program");
	if (err)
		goto err_rmdir;
	skel = fabric_skel__open();
	if (!skel) {
		err = -errno;
		if (err == -ENOSYS || err == -EPERM)
			err = load_failure(err, fabric);
		else
			err = fail(err, "cannot open the BPF object of fabric \"%s\"", fabric);
		goto err_rmdir;
	}
	err = bpf_map__set_max_entries(skel->maps.counters, max_nodes ? max_nodes : 1);
	if (err) {
		fail(err, "cannot size the counters map of fabric \"%s\" for %u nodes", fabric,
		     max_nodes);
		goto err_destroy;
	}
	err = fabric_skel__load(skel);
	if (err) {
		load_failure(err, fabric);
		goto err_destroy;
	}
	err = pin_fd(bpf_map__fd(skel->maps.counters), fabric, FABRIC_PIN_COUNTERS);
	if (!err)
		err = pin_fd(bpf_program__fd(skel->progs.fabric_ingress), fabric,
			     FABRIC_PIN_PROG_INGRESS);
	if (!err)
		err = pin_fd(bpf_program__fd(skel->progs.fabric_egress), fabric,
			     FABRIC_PIN_PROG_EGRESS);
	if (err)
		goto err_unpin;
	/* The pins hold the program and the map; our fds can go. */
	fabric_skel__destroy(skel);
	return 0;

err_unpin:
	unpin_all(fabric);
err_destroy:
	fabric_skel__destroy(skel);
err_rmdir:
	rmdir(dir);
	return err;
}

int fabric_bpf_remove(const char *fabric)
{
	char dir[PATH_MAX];
	int err;

	err = pin_path(dir, sizeof(dir), fabric, NULL);
	if (err)
		return err;
	err = failpoint("unpin the counting program");
	if (err)
		return err;
	err = fabric_bpf_tcx_remove_all(fabric);
	if (err)
		return err;
	unpin_all(fabric); /* only the pins fabricctl makes, by name */
	if (!rmdir(dir) || errno == ENOENT)
		return 0;
	if (errno == ENOTEMPTY || errno == EEXIST)
		return fail_msg(-ENOTEMPTY, "\"%s\" holds pins fabricctl did not make: left alone",
				dir);
	return fail(-errno, "cannot remove \"%s\"", dir);
}

static int open_pinned(const char *fabric, const char *name, int *fd)
{
	char path[PATH_MAX];
	int err;

	err = pin_path(path, sizeof(path), fabric, name);
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

int fabric_bpf_open(const char *fabric, struct fabric_bpf **out)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	struct fabric_bpf *fb;
	int err;

	libbpf_setup();
	*out = NULL;
	fb = calloc(1, sizeof(*fb));
	if (!fb)
		return fail(-ENOMEM, "cannot open the BPF objects of fabric \"%s\"", fabric);
	snprintf(fb->fabric, sizeof(fb->fabric), "%s", fabric);
	fb->map_fd = fb->prog_ingress_fd = fb->prog_egress_fd = -1;

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
	free(fb->percpu);
	free(fb->verdicts);
	free(fb->keys);
	free(fb->vals);
	free(fb);
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
	return i < N_PINS ? pin_kinds[i].pin : NULL;
}

/* A map of the counters' shape, or -1. */
static int counters_map_ok(int fd)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info);

	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len) ||
	    info.type != BPF_MAP_TYPE_PERCPU_HASH || info.key_size != sizeof(__u32) ||
	    info.value_size != sizeof(struct fabric_counters))
		return -1;
	return (int)info.max_entries;
}

bool fabric_bpf_map_is_counters(int fd)
{
	return counters_map_ok(fd) >= 0;
}

/* The map a program uses, as an fd (or -1). */
int fabric_bpf_prog_map(int prog_fd)
{
	struct bpf_prog_info info = {0};
	__u32 len = sizeof(info), map_id = 0;

	info.nr_map_ids = 1;
	info.map_ids = (__u64)(unsigned long)&map_id;
	if (prog_fd < 0 || bpf_obj_get_info_by_fd(prog_fd, &info, &len) || !map_id)
		return -1;
	return bpf_map_get_fd_by_id(map_id);
}

/* The map of a program attached on one of @ifindexes (shared blocks or private ones), or -1. */
static int map_of_attached(const int *ifindexes, size_t n)
{
	struct tc_clsact_list qdiscs = {0};
	struct nl_sock s;
	int fd = -1;

	if (nl_open(&s))
		return -1;
	if (tc_clsact_dump(&s, &qdiscs))
		goto out;
	for (size_t k = 0; fd < 0 && k < n; k++) {
		const struct tc_clsact *q = tc_clsact_find(&qdiscs, ifindexes[k]);
		__u32 in = 0, out = 0;
		char name[64];
		int prog;

		if (!q)
			continue;
		if (q->ingress ? tc_block_bpf_prog(&s, q->ingress, &in, name, sizeof(name))
			       : tc_attached_ids(ifindexes[k], &in, &out))
			continue;
		if (!in)
			continue;
		prog = bpf_prog_get_fd_by_id(in);
		fd = fabric_bpf_prog_map(prog);
		if (prog >= 0)
			close(prog);
		if (fd >= 0 && counters_map_ok(fd) < 0) {
			close(fd);
			fd = -1;
		}
	}
out:
	tc_clsact_list_free(&qdiscs);
	nl_close(&s);
	return fd;
}

/* Find the counters map through whatever still uses it: pins, or programs attached on @ifindexes.
 */
static int find_counters_map(const char *fabric, const int *ifindexes, size_t n)
{
	char path[PATH_MAX];
	int fd = -1;

	if (!pin_path(path, sizeof(path), fabric, FABRIC_PIN_COUNTERS))
		fd = bpf_obj_get(path);
	if (fd >= 0 && counters_map_ok(fd) < 0) {
		close(fd); /* something else pinned under the name */
		fd = -1;
	}
	for (int i = 0; fd < 0 && i < 2; i++) {
		int prog = -1;

		if (!pin_path(path, sizeof(path), fabric,
			      i ? FABRIC_PIN_PROG_EGRESS : FABRIC_PIN_PROG_INGRESS))
			prog = bpf_obj_get(path);
		fd = fabric_bpf_prog_map(prog);
		if (prog >= 0)
			close(prog);
	}
	if (fd < 0 && n)
		fd = map_of_attached(ifindexes, n);
	if (fd < 0)
		fd = fabric_bpf_tcx_map(fabric);
	fail_clear();
	if (fd >= 0 && counters_map_ok(fd) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int fabric_bpf_restore(const char *fabric, unsigned int max_nodes, const int *ifindexes, size_t n,
		       bool *kept)
{
	/* A name a foreign object holds is not ours to pin: it stays missing. */
	unsigned int have = fabric_bpf_pins_present(fabric) | fabric_bpf_pins_foreign(fabric);
	struct fabric_skel *skel = NULL;
	int map_fd, err;

	*kept = false;
	libbpf_setup();
	map_fd = find_counters_map(fabric, ifindexes, n);
	if (map_fd < 0) {
		char dir[PATH_MAX];

		if (fabric_bpf_pins_foreign(fabric) && !pin_path(dir, sizeof(dir), fabric, NULL))
			return fail_msg(-EEXIST,
					"\"%s\" holds objects fabricctl did not pin: left alone",
					dir);
		/* Nothing uses the old map any more: a new fabric program. */
		unpin_all(fabric);
		return fabric_bpf_create(fabric, max_nodes);
	}
	*kept = true;
	err = failpoint("load the counting program");
	if (err)
		goto out;
	skel = fabric_skel__open();
	if (!skel) {
		err = load_failure(-errno, fabric);
		goto out;
	}
	/* The programs are loaded on the map that holds the counters. */
	err = bpf_map__set_max_entries(skel->maps.counters, (__u32)counters_map_ok(map_fd));
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.counters, map_fd);
	if (!err)
		err = fabric_skel__load(skel);
	if (err) {
		load_failure(err, fabric);
		goto out;
	}
	if (!(have & 1))
		err = pin_fd(map_fd, fabric, FABRIC_PIN_COUNTERS);
	if (!err && !(have & 2))
		err = pin_fd(bpf_program__fd(skel->progs.fabric_ingress), fabric,
			     FABRIC_PIN_PROG_INGRESS);
	if (!err && !(have & 4))
		err = pin_fd(bpf_program__fd(skel->progs.fabric_egress), fabric,
			     FABRIC_PIN_PROG_EGRESS);
out:
	if (skel)
		fabric_skel__destroy(skel);
	close(map_fd);
	return err;
}
