// SPDX-License-Identifier: GPL-2.0-only
/*
 * A fabric's directory /run/fabricctl/<fabric>/ (private, root's), its
 * locks, and the record in memory: nodes by slot with a name index. The
 * record's text format is state_record.c's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/array.h"
#include "base/errors.h"
#include "base/failpoint.h"
#include "base/hash.h"
#include "base/record_file.h"
#include "fabric/state.h"

static void fabric_dir(char *buf, size_t size, const char *fabric)
{
	snprintf(buf, size, STATE_ROOT "/%s", fabric);
}

void state_file_path(char *buf, size_t size, const char *fabric, const char *file)
{
	snprintf(buf, size, STATE_ROOT "/%s/%s", fabric, file);
}

/* A directory of ours: a real directory (not a symlink) owned by root, 0700. */
static int check_private_dir(const char *path)
{
	struct stat sb;

	if (lstat(path, &sb) < 0)
		return errno == ENOENT ? -ENOENT : fail(-errno, "cannot stat \"%s\"", path);
	if (!S_ISDIR(sb.st_mode))
		return fail_msg(-ENOTDIR, "refusing to use \"%s\": not a directory", path);
	if (sb.st_uid != 0 || (sb.st_mode & 077))
		return fail_msg(-EPERM,
				"refusing to use \"%s\": not a private root-owned directory", path);
	return 0;
}

int state_private_dir(const char *path)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return fail(-errno, "cannot create directory \"%s\"", path);
	return check_private_dir(path);
}

/* The fabric's directory, checked before anything in it is read or written. */
int state_dir_check(const char *fabric)
{
	char dir[256];

	fabric_dir(dir, sizeof(dir), fabric);
	return check_private_dir(dir);
}

int state_root_prepare(void)
{
	return state_private_dir(STATE_ROOT);
}

bool state_exists(const char *fabric)
{
	char path[256];
	struct stat sb;

	if (state_dir_check(fabric) < 0) {
		fail_clear(); /* not a fabric of ours: callers say so in their own words */
		return false;
	}
	/* Any entry counts: a record that is not a regular file is a broken one
	 * (reported when it is read), not an absent one. */
	state_file_path(path, sizeof(path), fabric, "state");
	return lstat(path, &sb) == 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int state_list(char (**names)[FABRIC_NAME_MAX + 1], size_t *count)
{
	char(*list)[FABRIC_NAME_MAX + 1] = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dir;

	*names = NULL;
	*count = 0;
	dir = opendir(STATE_ROOT);
	if (!dir)
		return errno == ENOENT ? 0 : fail(-errno, "cannot read \"%s\"", STATE_ROOT);
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) > FABRIC_NAME_MAX ||
		    !state_exists(de->d_name))
			continue;
		if (ARRAY_RESERVE(list, cap, n)) {
			free(list);
			closedir(dir);
			return -ENOMEM;
		}
		memcpy(list[n++], de->d_name, strlen(de->d_name) + 1); /* length checked above */
	}
	closedir(dir);
	if (n)
		qsort(list, n, sizeof(*list), name_cmp);
	*names = list;
	*count = n;
	return 0;
}

static int lock_path(const char *path, struct state_lock *lock)
{
	for (;;) {
		struct stat held, now;
		int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX) < 0) {
			int err = -errno;
			close(fd);
			return err;
		}
		/* destroy unlinks the lock under the lock: retry on the new file. */
		if (fstat(fd, &held) == 0 && stat(path, &now) == 0 && held.st_ino == now.st_ino &&
		    held.st_dev == now.st_dev) {
			lock->fd = fd;
			return 0;
		}
		close(fd);
		if (access(path, F_OK) < 0 && errno == ENOENT) {
			/* The fabric's directory went with it: the fabric is gone. */
			char dir[256];
			snprintf(dir, sizeof(dir), "%s", path);
			*strrchr(dir, '/') = '\0';
			if (access(dir, F_OK) < 0)
				return -ENOENT;
		}
	}
}

int state_lock(const char *fabric, bool create, struct state_lock *lock)
{
	char path[256];
	int err;

	lock->fd = -1;
	if (create) {
		err = state_root_prepare();
		if (err)
			return err;
		fabric_dir(path, sizeof(path), fabric);
		err = state_private_dir(path);
		if (err)
			return err;
	}
	if (!create) {
		err = state_dir_check(fabric);
		if (err)
			return err;
	}
	state_file_path(path, sizeof(path), fabric, "lock");
	err = lock_path(path, lock);
	if (err == -ENOENT && !create)
		return err; /* caller says "fabric does not exist" */
	if (err)
		return fail(err, "cannot lock \"%s\"", path);
	if (!create && !state_exists(fabric)) {
		state_unlock(lock);
		return -ENOENT;
	}
	return 0;
}

int state_lock_root(const char *name, struct state_lock *lock)
{
	char path[256];
	int err = state_root_prepare();

	lock->fd = -1;
	if (err)
		return err;
	snprintf(path, sizeof(path), STATE_ROOT "/%s", name);
	err = lock_path(path, lock);
	return err ? fail(err, "cannot lock \"%s\"", path) : 0;
}

int state_lock_global(struct state_lock *lock)
{
	return state_lock_root(".lock", lock);
}

int state_path(const char *fabric, const char *file, char *buf, size_t size)
{
	int err = state_dir_check(fabric);

	if (err)
		return err; /* -ENOENT is not recorded: callers say what it means */
	state_file_path(buf, size, fabric, file);
	return 0;
}

/*
 * The node count a record ends with ("end N", written last and renamed into
 * place whole): read from its tail, so judging the host's limits costs one
 * small read per fabric, not a parse of every record (a container runtime
 * runs the CNI plugin once per container). -EINVAL when the tail is not that.
 */
static int record_end_count(const char *fabric, uint64_t *n)
{
	char path[256], buf[48], *line, *end;
	ssize_t got;
	off_t size;
	int fd;

	state_file_path(path, sizeof(path), fabric, "state");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	size = lseek(fd, 0, SEEK_END);
	got = size < 0 ? -1 : pread(fd, buf, sizeof(buf) - 1, size > 40 ? size - 40 : 0);
	close(fd);
	if (got <= 1 || buf[got - 1] != '\n')
		return -EINVAL;
	buf[got - 1] = '\0';
	line = strrchr(buf, '\n');
	line = line ? line + 1 : buf;
	if (strncmp(line, "end ", 4) || line[4] < '0' || line[4] > '9')
		return -EINVAL;
	errno = 0;
	*n = strtoull(line + 4, &end, 10);
	return errno || *end ? -EINVAL : 0;
}

int state_count_all(uint64_t *fabrics, uint64_t *nodes)
{
	char(*names)[FABRIC_NAME_MAX + 1];
	size_t count;
	int err = state_list(&names, &count);

	*fabrics = 0;
	*nodes = 0;
	if (err)
		return err;
	*fabrics = count;
	for (size_t i = 0; i < count; i++) {
		struct fabric_state st;
		uint64_t n = 0;

		if (record_end_count(names[i], &n) == 0) {
			*nodes += n;
			continue;
		}
		if (state_load(names[i], &st) < 0) {
			fail_clear(); /* a broken record of another fabric counts for nothing */
			continue;
		}
		*nodes += st.n_nodes;
		state_free(&st);
	}
	free(names);
	return 0;
}

void state_unlock(struct state_lock *lock)
{
	if (lock->fd >= 0)
		close(lock->fd);
	lock->fd = -1;
}

int state_init(struct fabric_state *st, const char *fabric, const struct ipv4_prefix *subnet,
	       unsigned int mtu, uint32_t group, uint32_t cell_size)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "%s", fabric);
	st->subnet = *subnet;
	st->mtu = mtu;
	st->group = group;
	if (ipam_init(&st->ipam, subnet, cell_size) < 0)
		return -EINVAL;
	st->cell_size = st->ipam.cell_size;
	return 0;
}

void state_free(struct fabric_state *st)
{
	ipam_free(&st->ipam);
	for (size_t i = 0; i < st->n_nodes; i++)
		free(st->nodes[i].cni);
	free(st->site);
	free(st->nodes);
	free(st->name_index);
	memset(st, 0, sizeof(*st));
}

static int name_index_rebuild(struct fabric_state *st)
{
	size_t cap = 64;

	while (cap < st->n_nodes * 2 + 16)
		cap *= 2;
	free(st->name_index);
	st->name_index = calloc(cap, sizeof(*st->name_index));
	st->name_index_cap = st->name_index ? cap : 0;
	if (!st->name_index)
		return -ENOMEM;
	for (size_t i = 0; i < st->n_nodes; i++) {
		size_t h = fnv1a32(st->nodes[i].name) & (cap - 1);

		while (st->name_index[h])
			h = (h + 1) & (cap - 1);
		st->name_index[h] = (uint32_t)i + 1;
	}
	return 0;
}

struct fabric_node *state_find_node(struct fabric_state *st, const char *name)
{
	size_t h;

	if (!st->name_index && name_index_rebuild(st) < 0) {
		for (size_t i = 0; i < st->n_nodes; i++)
			if (!strcmp(st->nodes[i].name, name))
				return &st->nodes[i];
		return NULL;
	}
	h = fnv1a32(name) & (st->name_index_cap - 1);
	while (st->name_index[h]) {
		struct fabric_node *n = &st->nodes[st->name_index[h] - 1];

		if (!strcmp(n->name, name))
			return n;
		h = (h + 1) & (st->name_index_cap - 1);
	}
	return NULL;
}

static int add_node(struct fabric_state *st, const char *name, uint32_t slot)
{
	struct fabric_node *n;

	if (ARRAY_RESERVE(st->nodes, st->cap_nodes, st->n_nodes))
		return -ENOMEM;
	n = &st->nodes[st->n_nodes++];
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->slot = slot;
	/* Keep the index valid incrementally while it has room, else rebuild lazily. */
	if (st->name_index && st->n_nodes * 2 < st->name_index_cap) {
		size_t h = fnv1a32(name) & (st->name_index_cap - 1);

		while (st->name_index[h])
			h = (h + 1) & (st->name_index_cap - 1);
		st->name_index[h] = (uint32_t)st->n_nodes;
	} else {
		free(st->name_index);
		st->name_index = NULL;
	}
	return 0;
}

int state_lease(struct fabric_state *st, const char *name, uint32_t slot)
{
	int err = slot ? ipam_claim_slot(&st->ipam, slot) : ipam_alloc_slot(&st->ipam, &slot);

	if (err)
		return err;
	err = add_node(st, name, slot);
	if (err)
		ipam_release_slot(&st->ipam, slot);
	return err;
}

int state_hold_slot(struct fabric_state *st, uint32_t slot)
{
	return ipam_claim_slot(&st->ipam, slot);
}

void state_unhold_slot(struct fabric_state *st, uint32_t slot)
{
	ipam_release_slot(&st->ipam, slot);
}

void state_del_node(struct fabric_state *st, struct fabric_node *node)
{
	size_t i = (size_t)(node - st->nodes);

	ipam_release_slot(&st->ipam, node->slot);
	free(node->cni);
	memmove(&st->nodes[i], &st->nodes[i + 1], (st->n_nodes - i - 1) * sizeof(*node));
	st->n_nodes--;
	free(st->name_index);
	st->name_index = NULL;
}

int state_del_nodes(struct fabric_state *st, struct fabric_node *const *nodes, size_t n)
{
	bool *gone;
	size_t kept = 0;

	if (n == 0)
		return 0;
	gone = calloc(st->n_nodes, sizeof(*gone));
	if (!gone)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t k = (size_t)(nodes[i] - st->nodes);

		if (k < st->n_nodes && !gone[k]) {
			gone[k] = true;
			ipam_release_slot(&st->ipam, st->nodes[k].slot);
			free(st->nodes[k].cni);
			st->nodes[k].cni = NULL;
		}
	}
	for (size_t i = 0; i < st->n_nodes; i++)
		if (!gone[i])
			st->nodes[kept++] = st->nodes[i];
	st->n_nodes = kept;
	free(gone);
	free(st->name_index);
	st->name_index = NULL;
	return 0;
}

int state_remove(const char *fabric)
{
	char path[256];
	int err = failpoint("remove the record");

	if (err)
		return err;
	state_file_path(path, sizeof(path), fabric, "state");
	if (unlink(path) < 0 && errno != ENOENT)
		return fail(-errno, "cannot remove \"%s\"", path);
	state_file_path(path, sizeof(path), fabric, "state.tmp");
	unlink(path);
	state_file_path(path, sizeof(path), fabric, "lock");
	unlink(path);
	fabric_dir(path, sizeof(path), fabric);
	if (rmdir(path) < 0 && errno != ENOENT)
		return fail(-errno, "cannot remove \"%s\"", path);
	return 0;
}
