// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fabric's programs on host veths through tcx links (kernel/tcx.h),
 * pinned per veth and direction under the fabric's bpffs dir so that they
 * outlive the process, as the clsact qdiscs of the tc mode do.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "base/errors.h"
#include "base/failpoint.h"
#include "bpf_shared/fabric_counters.h"
#include "kernel/bpf_counters.h"
#include "kernel/fabric_bpf.h"
#include "kernel/fabric_bpf_pins.h"
#include "kernel/tcx.h"

static const char *const dir_names[2] = {"ingress", "egress"};
static const char *const prog_names[2] = {"fabric_ingress", "fabric_egress"};

static int link_path(char *buf, size_t size, const char *fabric, int ifindex, int egress)
{
	char name[64];

	if (ifindex < 0)
		snprintf(name, sizeof(name), FABRIC_PIN_TCX_DIR);
	else
		snprintf(name, sizeof(name), FABRIC_PIN_TCX_DIR "/%d_%s", ifindex,
			 dir_names[egress]);
	return fabric_pin_path(buf, size, fabric, name);
}

/*
 * Is program @prog_id the fabric's for direction @egress: loaded under
 * that direction's name and counting into a counters map -- the fabric's
 * pinned one when it is pinned?
 */
static bool prog_ours(const char *fabric, uint32_t prog_id, int egress)
{
	struct bpf_prog_info info = {0};
	struct bpf_map_info a = {0}, b = {0};
	__u32 len = sizeof(info), la = sizeof(a), lb = sizeof(b);
	char path[PATH_MAX];
	int prog, map, pinned = -1;
	bool ours = false;

	prog = prog_id ? bpf_prog_get_fd_by_id(prog_id) : -1;
	if (prog < 0)
		return false;
	map = fabric_bpf_prog_map(prog);
	if (!bpf_obj_get_info_by_fd(prog, &info, &len) && !strcmp(info.name, prog_names[egress]) &&
	    fabric_bpf_map_is_counters(map) && !bpf_obj_get_info_by_fd(map, &a, &la)) {
		if (!fabric_pin_path(path, sizeof(path), fabric, FABRIC_PIN_COUNTERS))
			pinned = bpf_obj_get(path);
		ours = pinned < 0 || (fabric_bpf_map_is_counters(pinned) &&
				      !bpf_obj_get_info_by_fd(pinned, &b, &lb) && a.id == b.id);
	}
	if (pinned >= 0)
		close(pinned);
	if (map >= 0)
		close(map);
	close(prog);
	return ours;
}

/* The link pinned for @ifindex/@egress: 1 ours (*l filled), 0 none, -EEXIST someone else's. */
static int link_owned(const char *fabric, int ifindex, int egress, struct tcx_link *l)
{
	char path[PATH_MAX];
	int err = link_path(path, sizeof(path), fabric, ifindex, egress);

	if (!err)
		err = tcx_link_read(path, l);
	if (err == -ENOENT)
		return 0;
	if (err && err != -EMEDIUMTYPE)
		return err;
	if (err || l->egress != (egress != 0) || (l->ifindex && (int)l->ifindex != ifindex) ||
	    !prog_ours(fabric, l->prog_id, egress))
		return -EEXIST;
	return 1;
}

int fabric_bpf_tcx_supported(struct fabric_bpf *fb)
{
	return tcx_supported(fb->prog_ingress_fd);
}

static int tcx_dir_ensure(const char *fabric)
{
	char dir[PATH_MAX];
	int err = link_path(dir, sizeof(dir), fabric, -1, 0);

	if (err)
		return err;
	if (mkdir(dir, 0700) && errno != EEXIST)
		return fail(-errno, "cannot make \"%s\"", dir);
	return 0;
}

/*
 * The link of @ifindex for direction @d: kept when ours and on it, else
 * made and pinned -- over a pin of ours that is detached (a veth made
 * again under the same ifindex) but never over someone else's.
 * *made: a new link was pinned. 0 or -errno (recorded).
 */
static int ensure_link(struct fabric_bpf *fb, int ifindex, int d, bool *made)
{
	const int fds[2] = {fb->prog_ingress_fd, fb->prog_egress_fd};
	char path[PATH_MAX];
	struct tcx_link l;
	int r = link_owned(fb->fabric, ifindex, d, &l), err;

	*made = false;
	if (r == 1 && (int)l.ifindex == ifindex)
		return 0;
	if (r == -EEXIST)
		return fail_msg(-EEXIST,
				"the tcx pin of link %d (%s) holds what fabricctl did not "
				"make: left alone",
				ifindex, dir_names[d]);
	if (r < 0)
		return r;
	err = link_path(path, sizeof(path), fb->fabric, ifindex, d);
	if (err)
		return err;
	if (r == 1)
		unlink(path); /* ours, detached */
	err = tcx_link_pin(fds[d], ifindex, d, path);
	*made = !err;
	return err;
}

/* Both links of @ifindex, or neither made by this call. */
static int attach_one(struct fabric_bpf *fb, int ifindex)
{
	bool made_in, made_eg;
	char path[PATH_MAX];
	int err = ensure_link(fb, ifindex, 0, &made_in);

	if (!err)
		err = ensure_link(fb, ifindex, 1, &made_eg);
	if (err && made_in && !link_path(path, sizeof(path), fb->fabric, ifindex, 0))
		unlink(path);
	return err;
}

int fabric_bpf_tcx_nodes_attach(struct fabric_bpf *fb, const int *ifindexes,
				const struct fabric_bpf_node *ids, size_t n, size_t *ok)
{
	size_t entries = 0;
	int err;

	*ok = 0;
	err = failpoint("attach the counting program");
	if (!err)
		err = tcx_dir_ensure(fb->fabric);
	for (; !err && entries < n; entries++)
		if ((err = bpf_counters_add(fb, ifindexes[entries], &ids[entries])))
			break;
	if (entries) {
		struct fail_stash later;
		int attach_err = 0;

		fail_stash(&later); /* a later node's counter error, if any */
		for (; *ok < entries && !attach_err; (*ok)++)
			if ((attach_err = attach_one(fb, ifindexes[*ok])))
				break;
		if (attach_err)
			err = attach_err; /* on a node before the counter that failed */
		else
			fail_unstash(&later);
	}
	for (size_t i = *ok; i < entries; i++)
		bpf_counters_del(fb, ifindexes[i]);
	return err;
}

int fabric_bpf_tcx_attached(struct fabric_bpf *fb, int ifindex)
{
	for (int d = 0; d < 2; d++) {
		struct tcx_link l;
		int r = link_owned(fb->fabric, ifindex, d, &l);

		if (r < 0 && r != -EEXIST)
			return r;
		if (r != 1 || (int)l.ifindex != ifindex)
			return 0;
	}
	return 1;
}

int fabric_bpf_tcx_reattach(struct fabric_bpf *fb, int ifindex)
{
	int err = tcx_dir_ensure(fb->fabric);
	bool made;

	for (int d = 0; !err && d < 2; d++)
		err = ensure_link(fb, ifindex, d, &made);
	return err;
}

int fabric_bpf_tcx_unpin(const char *fabric, int ifindex)
{
	int err = 0;

	for (int d = 0; d < 2; d++) {
		char path[PATH_MAX];
		struct tcx_link l;
		int r = link_owned(fabric, ifindex, d, &l);

		if (r == 1 && (r = failpoint("unpin a tcx link")) == 0)
			r = 1;
		if (r == 1 && !link_path(path, sizeof(path), fabric, ifindex, d) && unlink(path) &&
		    errno != ENOENT)
			r = fail(-errno, "cannot unpin \"%s\"", path);
		if (r < 0 && r != -EEXIST && !err)
			err = r;
	}
	return err;
}

/* A pin name "<ifindex>_<direction>": the ifindex and direction, or false. */
static bool parse_pin_name(const char *name, int *ifindex, int *egress)
{
	char *end;
	long v = strtol(name, &end, 10);

	if (end == name || v <= 0 || v > INT_MAX || *end != '_')
		return false;
	for (int d = 0; d < 2; d++) {
		if (!strcmp(end + 1, dir_names[d])) {
			*ifindex = (int)v;
			*egress = d;
			return true;
		}
	}
	return false;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int fabric_bpf_tcx_stale(const char *fabric, const int *ifindexes, size_t n, char ***stale,
			 size_t *n_stale)
{
	char dir[PATH_MAX];
	struct dirent *e;
	size_t cap = 0;
	DIR *d;
	int err = link_path(dir, sizeof(dir), fabric, -1, 0);

	*stale = NULL;
	*n_stale = 0;
	if (err)
		return err;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : fail(-errno, "cannot read \"%s\"", dir);
	while ((e = readdir(d))) {
		struct tcx_link l;
		int ifindex, egress;
		char **grown;

		if (!parse_pin_name(e->d_name, &ifindex, &egress) ||
		    link_owned(fabric, ifindex, egress, &l) != 1)
			continue; /* not ours: never reported for removal */
		if (l.ifindex && bsearch(&ifindex, ifindexes, n, sizeof(int), cmp_int))
			continue;
		if (*n_stale == cap) {
			cap = cap ? cap * 2 : 8;
			grown = realloc(*stale, cap * sizeof(*grown));
			if (!grown) {
				err = fail(-ENOMEM, "cannot list the tcx links");
				break;
			}
			*stale = grown;
		}
		(*stale)[*n_stale] = strdup(e->d_name);
		if (!(*stale)[*n_stale]) {
			err = fail(-ENOMEM, "cannot list the tcx links");
			break;
		}
		(*n_stale)++;
	}
	closedir(d);
	return err;
}

int fabric_bpf_tcx_remove_all(const char *fabric)
{
	struct fail_stash earlier;
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int err = link_path(dir, sizeof(dir), fabric, -1, 0);

	if (err)
		return err;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : fail(-errno, "cannot read \"%s\"", dir);
	fail_stash(&earlier); /* a rollback's error stays the one reported */
	while ((e = readdir(d))) {
		int ifindex, egress;
		struct tcx_link l;
		char path[PATH_MAX];

		if (parse_pin_name(e->d_name, &ifindex, &egress) &&
		    link_owned(fabric, ifindex, egress, &l) == 1 &&
		    !link_path(path, sizeof(path), fabric, ifindex, egress))
			unlink(path);
	}
	closedir(d);
	fail_unstash(&earlier);
	if (!rmdir(dir) || errno == ENOENT)
		return 0;
	if (errno == ENOTEMPTY || errno == EEXIST)
		return fail_msg(-ENOTEMPTY, "\"%s\" holds pins fabricctl did not make: left alone",
				dir);
	return fail(-errno, "cannot remove \"%s\"", dir);
}

int fabric_bpf_tcx_map(const char *fabric)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *e;
	int fd = -1;
	DIR *d;

	if (link_path(dir, sizeof(dir), fabric, -1, 0) || !(d = opendir(dir))) {
		fail_clear();
		return -1;
	}
	while (fd < 0 && (e = readdir(d))) {
		struct bpf_prog_info info = {0};
		__u32 len = sizeof(info);
		int ifindex, egress, prog;
		struct tcx_link l;

		if (!parse_pin_name(e->d_name, &ifindex, &egress) ||
		    link_path(path, sizeof(path), fabric, ifindex, egress) ||
		    tcx_link_read(path, &l) || l.egress != (egress != 0))
			continue;
		prog = bpf_prog_get_fd_by_id(l.prog_id);
		if (prog < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(prog, &info, &len) &&
		    !strcmp(info.name, prog_names[egress]))
			fd = fabric_bpf_prog_map(prog);
		close(prog);
		if (fd >= 0 && !fabric_bpf_map_is_counters(fd)) {
			close(fd);
			fd = -1;
		}
	}
	closedir(d);
	fail_clear();
	return fd;
}
