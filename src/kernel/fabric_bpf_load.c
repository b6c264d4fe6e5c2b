// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading the fabric's BPF object: once at create (fabric_bpf_create), or
 * again on the maps that still hold the counts when pins went missing
 * (fabric_bpf_restore). The object holds the tc counting programs, the
 * traffic matrix and the drop program on the kfree_skb tracepoint, whose
 * BPF link is pinned like the maps so it outlives this process.
 */
#include <errno.h>
#include <limits.h>
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

#include "base/errors.h"
#include "base/failpoint.h"
#include "bpf_shared/fabric_counters.h"
#include "bpf_shared/fabric_observe.h"
#include "kernel/drop_reasons.h"
#include "kernel/fabric_bpf.h"
#include "kernel/nl.h"
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
void fabric_bpf_libbpf_setup(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	libbpf_set_print(getenv("FABRICCTL_DEBUG") ? libbpf_print : libbpf_silent);
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

void fabric_bpf_params_init(struct fabric_bpf_params *p, unsigned int max_nodes, uint32_t net4,
			    uint32_t n_slots, uint32_t cell_size)
{
	p->max_nodes = max_nodes;
	p->net4 = net4;
	p->n_slots = n_slots;
	p->cell_size = cell_size && cell_size < n_slots ? cell_size : n_slots;
}

/* Matrix cells of a fabric: one per bridge, at most FABRIC_MATRIX_MAX_CELLS. */
static unsigned int matrix_cells(const struct fabric_bpf_params *p)
{
	unsigned int cells = p->cell_size ? p->n_slots / p->cell_size : 1;

	if (!cells)
		cells = 1;
	return cells > FABRIC_MATRIX_MAX_CELLS ? FABRIC_MATRIX_MAX_CELLS : cells;
}

/*
 * The fabric's plan in .rodata, the maps sized, the drop program that fits
 * the kernel (none when @drops is false).
 */
static int skel_configure(struct fabric_skel *skel, const struct fabric_bpf_params *p,
			  const char *fabric, bool drops)
{
	unsigned int nodes = p->max_nodes ? p->max_nodes : 1, cells = matrix_cells(p);
	bool reason = drops && kfree_skb_has_reason();
	struct stat ns;
	int err;

	if (stat("/proc/self/ns/net", &ns))
		return fail(-errno, "cannot stat /proc/self/ns/net");
	skel->rodata->cfg.net4 = p->net4;
	skel->rodata->cfg.n_slots = p->n_slots;
	skel->rodata->cfg.cell_size = p->cell_size ? p->cell_size : p->n_slots;
	skel->rodata->cfg.n_cells = cells;
	skel->rodata->cfg.host_netns = (__u32)ns.st_ino;
	/* Kernels before 5.17 give no reason: count drops without one. */
	bpf_program__set_autoload(skel->progs.fabric_drops, reason);
	bpf_program__set_autoload(skel->progs.fabric_drops_noreason, drops && !reason);
	err = bpf_map__set_max_entries(skel->maps.counters, nodes);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.netns, nodes);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.drops, nodes * FABRIC_DROP_KEYS_PER_NODE);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.matrix,
					       cells * FABRIC_MATRIX_COLS(cells));
	if (err)
		return fail(err, "cannot size the maps of fabric \"%s\" for %u nodes", fabric,
			    nodes);
	return 0;
}

static struct bpf_program *drop_prog(struct fabric_skel *skel)
{
	if (bpf_program__autoload(skel->progs.fabric_drops))
		return skel->progs.fabric_drops;
	if (bpf_program__autoload(skel->progs.fabric_drops_noreason))
		return skel->progs.fabric_drops_noreason;
	return NULL;
}

/* Attach the drop program to kfree_skb and pin its link. */
static int attach_drops(struct fabric_skel *skel, const char *fabric)
{
	struct bpf_link *link;
	int err;

	if (!drop_prog(skel))
		return 0; /* this kernel cannot run it: drops are not counted */
	err = failpoint("attach the drop counter");
	if (err)
		return err;
	link = bpf_program__attach(drop_prog(skel));
	if (!link)
		return fail(-errno,
			    "cannot attach the drop counter of fabric \"%s\" to the kfree_skb "
			    "tracepoint",
			    fabric);
	err = fabric_pin_fd(bpf_link__fd(link), fabric, FABRIC_PIN_LINK_DROPS);
	bpf_link__destroy(link); /* the pin holds it */
	return err;
}

/* The skeleton's objects by pin bit: a map's or a program's fd. */
static int skel_fd(struct fabric_skel *skel, unsigned int bit)
{
	switch (bit) {
	case FABRIC_PIN_BIT_COUNTERS:
		return bpf_map__fd(skel->maps.counters);
	case FABRIC_PIN_BIT_INGRESS:
		return bpf_program__fd(skel->progs.fabric_ingress);
	case FABRIC_PIN_BIT_EGRESS:
		return bpf_program__fd(skel->progs.fabric_egress);
	case FABRIC_PIN_BIT_MATRIX:
		return bpf_map__fd(skel->maps.matrix);
	case FABRIC_PIN_BIT_PAIRS:
		return bpf_map__fd(skel->maps.pairs);
	case FABRIC_PIN_BIT_DROPS:
		return bpf_map__fd(skel->maps.drops);
	case FABRIC_PIN_BIT_NETNS:
		return bpf_map__fd(skel->maps.netns);
	}
	return -1;
}

static struct bpf_map *skel_map(struct fabric_skel *skel, unsigned int bit)
{
	switch (bit) {
	case FABRIC_PIN_BIT_COUNTERS:
		return skel->maps.counters;
	case FABRIC_PIN_BIT_MATRIX:
		return skel->maps.matrix;
	case FABRIC_PIN_BIT_PAIRS:
		return skel->maps.pairs;
	case FABRIC_PIN_BIT_DROPS:
		return skel->maps.drops;
	case FABRIC_PIN_BIT_NETNS:
		return skel->maps.netns;
	}
	return NULL;
}

/* Pin what @have lacks: the maps and programs, then the drop link. */
static int pin_missing(struct fabric_skel *skel, const char *fabric, unsigned int have)
{
	int err = 0;

	for (unsigned int bit = 0; !err && bit < FABRIC_PIN_BIT_LINK_DROPS; bit++)
		if (!(have & (1u << bit)))
			err = fabric_pin_fd(skel_fd(skel, bit), fabric, fabric_bpf_pin_name(bit));
	if (!err && !(have & (1u << FABRIC_PIN_BIT_LINK_DROPS)))
		err = attach_drops(skel, fabric);
	return err;
}

static struct fabric_skel *skel_open(const char *fabric, int *err)
{
	struct fabric_skel *skel;

	*err = failpoint("load the counting program");
	if (*err)
		return NULL;
	skel = fabric_skel__open();
	if (!skel) {
		*err = -errno;
		if (*err == -ENOSYS || *err == -EPERM)
			*err = load_failure(*err, fabric);
		else
			*err = fail(*err, "cannot open the BPF object of fabric \"%s\"", fabric);
	}
	return skel;
}

/* Open, configure and load, on the maps @maps (by pin bit, -1: a new one; NULL: all new). */
static struct fabric_skel *skel_try(const char *fabric, const struct fabric_bpf_params *p,
				    const int *maps, bool drops, int *err)
{
	struct fabric_skel *skel = skel_open(fabric, err);

	if (!skel)
		return NULL;
	*err = skel_configure(skel, p, fabric, drops);
	/* The programs are loaded on the maps that hold the counts. */
	for (unsigned int bit = 0; maps && !*err && bit < FABRIC_PIN_N; bit++) {
		struct bpf_map *m = skel_map(skel, bit);

		if (!m || maps[bit] < 0)
			continue;
		*err = bpf_map__set_max_entries(m, (__u32)fabric_pin_map_ok(maps[bit], bit));
		if (!*err)
			*err = bpf_map__reuse_fd(m, maps[bit]);
	}
	if (!*err)
		*err = fabric_skel__load(skel);
	if (*err) {
		load_failure(*err, fabric);
		fabric_skel__destroy(skel);
		return NULL;
	}
	return skel;
}

/*
 * The loaded object. The drop program needs the kernel's BTF (CO-RE) and,
 * before 6.1, would be refused for its non-preallocated maps: where it
 * cannot load, the fabric counts without it (its link pin stays missing,
 * which check names).
 */
static struct fabric_skel *skel_load(const char *fabric, const struct fabric_bpf_params *p,
				     const int *maps, int *err)
{
	bool btf = !access("/sys/kernel/btf/vmlinux", R_OK);
	struct fabric_skel *skel = skel_try(fabric, p, maps, btf, err);

	/*
	 * Only a refusal of the program by this kernel (the verifier, a missing
	 * BTF type or helper) makes a fabric without drop counting; any other
	 * failure is the create's, and rolls it back.
	 */
	if (!skel && btf &&
	    (*err == -EINVAL || *err == -EOPNOTSUPP || *err == -ENOTSUPP || *err == -ENOENT ||
	     *err == -E2BIG || *err == -ESRCH)) {
		fail_clear();
		skel = skel_try(fabric, p, maps, false, err);
	}
	return skel;
}

int fabric_bpf_create(const char *fabric, const struct fabric_bpf_params *p)
{
	struct fabric_skel *skel;
	char dir[PATH_MAX];
	int err;

	fabric_bpf_libbpf_setup();
	err = fabric_pin_path(dir, sizeof(dir), fabric, NULL);
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

	skel = skel_load(fabric, p, NULL, &err);
	if (!skel)
		goto err_rmdir;
	err = pin_missing(skel, fabric, 0);
	if (err)
		goto err_unpin;
	/* The pins hold the programs, the maps and the link; our fds can go. */
	fabric_skel__destroy(skel);
	return 0;

err_unpin:
	fabric_unpin_all(fabric);
	fabric_skel__destroy(skel);
err_rmdir:
	rmdir(dir);
	return err;
}

/* The counting program attached on one of @ifindexes (shared blocks or private ones), or -1. */
static int prog_of_attached(const int *ifindexes, size_t n)
{
	struct tc_clsact_list qdiscs = {0};
	struct nl_sock s;
	int prog = -1;

	if (nl_open(&s))
		return -1;
	if (tc_clsact_dump(&s, &qdiscs))
		goto out;
	for (size_t k = 0; prog < 0 && k < n; k++) {
		const struct tc_clsact *q = tc_clsact_find(&qdiscs, ifindexes[k]);
		__u32 in = 0, out = 0;
		char name[64];

		if (!q)
			continue;
		if (q->ingress ? tc_block_bpf_prog(&s, q->ingress, &in, name, sizeof(name))
			       : tc_attached_ids(ifindexes[k], &in, &out))
			continue;
		if (in)
			prog = bpf_prog_get_fd_by_id(in);
	}
out:
	tc_clsact_list_free(&qdiscs);
	nl_close(&s);
	return prog;
}

/* What still uses the fabric's maps: its pinned programs and link, a program attached. */
struct map_holders {
	int progs[4];
	const int *ifindexes;
	size_t n;
	bool attached_looked;
};

static void holders_open(struct map_holders *h, const char *fabric, const int *ifindexes, size_t n)
{
	static const unsigned int prog_bits[] = {FABRIC_PIN_BIT_INGRESS, FABRIC_PIN_BIT_EGRESS,
						 FABRIC_PIN_BIT_LINK_DROPS};
	char path[PATH_MAX];

	memset(h, 0, sizeof(*h));
	for (size_t i = 0; i < 4; i++)
		h->progs[i] = -1;
	h->ifindexes = ifindexes;
	h->n = n;
	for (size_t i = 0; i < 3; i++) {
		int fd = -1;

		if (!fabric_pin_path(path, sizeof(path), fabric, fabric_bpf_pin_name(prog_bits[i])))
			fd = bpf_obj_get(path);
		if (fd >= 0 && prog_bits[i] == FABRIC_PIN_BIT_LINK_DROPS) {
			h->progs[i] = fabric_bpf_link_prog(fd);
			close(fd);
		} else {
			h->progs[i] = fd;
		}
	}
	fail_clear();
}

static void holders_close(struct map_holders *h)
{
	for (size_t i = 0; i < 4; i++)
		if (h->progs[i] >= 0)
			close(h->progs[i]);
}

/* The map of pin @bit: pinned, else through a program that uses it; -1 when none does. */
static int find_map(const char *fabric, unsigned int bit, struct map_holders *h)
{
	const char *name = fabric_bpf_pin_name(bit);
	char path[PATH_MAX];
	int fd = -1;

	if (!fabric_pin_path(path, sizeof(path), fabric, name))
		fd = bpf_obj_get(path);
	for (size_t i = 0; i < 4; i++) {
		if (fd >= 0 && fabric_pin_map_ok(fd, bit) >= 0)
			break;
		if (fd >= 0)
			close(fd); /* something else pinned under the name */
		if (i == 3 && !h->attached_looked && h->n) {
			h->attached_looked = true;
			h->progs[3] = prog_of_attached(h->ifindexes, h->n);
		}
		fd = fabric_bpf_prog_map_named(h->progs[i], name);
	}
	if (fd < 0 && bit == FABRIC_PIN_BIT_COUNTERS)
		fd = fabric_bpf_tcx_map(fabric); /* a tcx fabric's links hold it */
	fail_clear();
	if (fd >= 0 && fabric_pin_map_ok(fd, bit) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int fabric_bpf_restore(const char *fabric, const struct fabric_bpf_params *p, const int *ifindexes,
		       size_t n, bool *kept)
{
	/* A name a foreign object holds is not ours to pin: it stays missing. */
	unsigned int have = fabric_bpf_pins_present(fabric) | fabric_bpf_pins_foreign(fabric);
	int maps[FABRIC_PIN_N];
	struct fabric_skel *skel = NULL;
	struct map_holders h;
	int err;

	*kept = false;
	fabric_bpf_libbpf_setup();
	for (unsigned int bit = 0; bit < FABRIC_PIN_N; bit++)
		maps[bit] = -1;
	holders_open(&h, fabric, ifindexes, n);
	maps[FABRIC_PIN_BIT_COUNTERS] = find_map(fabric, FABRIC_PIN_BIT_COUNTERS, &h);
	if (maps[FABRIC_PIN_BIT_COUNTERS] < 0) {
		char dir[PATH_MAX];

		holders_close(&h);
		if (fabric_bpf_pins_foreign(fabric) &&
		    !fabric_pin_path(dir, sizeof(dir), fabric, NULL))
			return fail_msg(-EEXIST,
					"\"%s\" holds objects fabricctl did not pin: left alone",
					dir);
		/* Nothing uses the old map any more: a new fabric program. */
		fabric_unpin_all(fabric);
		return fabric_bpf_create(fabric, p);
	}
	*kept = true;
	/* The other maps, where something still holds them; made anew otherwise. */
	for (unsigned int bit = FABRIC_PIN_BIT_MATRIX; bit < FABRIC_PIN_BIT_LINK_DROPS; bit++)
		maps[bit] = find_map(fabric, bit, &h);
	holders_close(&h);
	skel = skel_load(fabric, p, maps, &err);
	if (skel)
		err = pin_missing(skel, fabric, have);
	if (skel)
		fabric_skel__destroy(skel);
	for (unsigned int bit = 0; bit < FABRIC_PIN_N; bit++)
		if (maps[bit] >= 0)
			close(maps[bit]);
	return err;
}
