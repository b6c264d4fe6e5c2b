// SPDX-License-Identifier: GPL-2.0-only
/* Named network namespaces, made and removed the way iproute2 does. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "base/errors.h"
#include "base/failpoint.h"
#include "kernel/link.h"
#include "kernel/netns.h"

static int host_netns_fd = -1;

static void netns_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, NETNS_RUN_DIR "/%s", name);
}

/* The namespace to come back to after working inside another, opened once. */
static int host_netns_open(void)
{
	if (host_netns_fd < 0) {
		host_netns_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (host_netns_fd < 0)
			return fail(-errno, "cannot open /proc/self/ns/net");
	}
	return 0;
}

int netns_dir_prepare(const char *dir)
{
	bool made_mount = false;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return fail(-errno, "cannot create \"%s\"", dir);
	/* Shared, so mounts propagate into other mount namespaces (ip netns exec, FRR's). */
	while (mount("", dir, "none", MS_SHARED | MS_REC, NULL)) {
		if (errno != EINVAL || made_mount)
			return fail(-errno, "mount --make-shared \"%s\" failed", dir);
		if (mount(dir, dir, "none", MS_BIND | MS_REC, NULL))
			return fail(-errno, "mount --bind \"%s\" failed", dir);
		made_mount = true;
	}
	return 0;
}

int netns_prepare_dir(void)
{
	int err = host_netns_open();

	return err ? err : netns_dir_prepare(NETNS_RUN_DIR);
}

int netns_bind_at(const char *name, const char *path)
{
	char from[sizeof(NETNS_RUN_DIR) + 256];
	int fd, err;

	netns_path(from, sizeof(from), name);
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return errno == EEXIST ? -EEXIST : fail(-errno, "cannot create \"%s\"", path);
	close(fd);
	err = failpoint("bind namespace"); /* a crash here leaves a placeholder file */
	if (!err && mount(from, path, "none", MS_BIND, NULL) < 0)
		err = fail(-errno, "cannot bind \"%s\" to \"%s\"", from, path);
	if (err)
		unlink(path);
	return err;
}

int netns_unbind_at(const char *path)
{
	if (failpoint("unbind namespace"))
		return fail(-EIO, "cannot remove \"%s\"", path);
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return fail(-errno, "cannot unmount \"%s\"", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return fail(-errno, "cannot remove \"%s\"", path);
	return 0;
}

static int back_to_host(void)
{
	return setns(host_netns_fd, CLONE_NEWNET) < 0 ? -errno : 0;
}

/* lo up, with @alias: the namespace's mark, set before anyone can see it. */
static int mark_lo(struct nl_sock *nl, const char *alias)
{
	link_set_tag(nl, 1, alias, false); /* lo is always ifindex 1 */
	nl_label(nl, "tag lo");
	link_set_up(nl, 1);
	nl_label(nl, "bring up lo");
	return nl_run(nl, NULL, NULL);
}

int netns_create(const char *name, const char *lo_alias, int *netns_fd, struct nl_sock *nl,
		 int (*inside)(void *), void *data)
{
	char path[sizeof(NETNS_RUN_DIR) + 256];
	int fd, err;

	*netns_fd = -1;
	err = failpoint("create namespace");
	if (err)
		return err;
	netns_path(path, sizeof(path), name);
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return errno == EEXIST ? -EEXIST
				       : fail(-errno, "cannot create namespace file \"%s\"", path);
	close(fd);
	if (unshare(CLONE_NEWNET) < 0) {
		err = fail(-errno, "cannot create network namespace \"%s\"", name);
		unlink(path);
		return err;
	}
	if (inside && (err = inside(data))) {
		err = fail(err, "cannot configure network namespace \"%s\"", name);
		goto undo;
	}
	err = nl_open(nl);
	if (err)
		goto undo;
	err = mark_lo(nl, lo_alias);
	if (err)
		goto undo_nl;
	err = failpoint("mount namespace");
	if (err)
		goto undo_nl;
	if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0) {
		err = fail(-errno, "cannot bind /proc/thread-self/ns/net to \"%s\"", path);
		goto undo_nl;
	}
	*netns_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*netns_fd < 0) {
		err = fail(-errno, "cannot open network namespace \"%s\"", name);
		umount2(path, MNT_DETACH);
		goto undo_nl;
	}
	err = back_to_host();
	if (err) {
		/* Nothing sane can follow in the wrong namespace. */
		close(*netns_fd);
		*netns_fd = -1;
		nl_close(nl);
		umount2(path, MNT_DETACH);
		unlink(path);
		return fail(err, "cannot return to the host network namespace");
	}
	return 0;
undo_nl:
	nl_close(nl);
undo:
	back_to_host();
	unlink(path);
	return err;
}

int netns_socket(int netns_fd, struct nl_sock *nl)
{
	int err;

	if (host_netns_open() < 0)
		return -EIO;
	if (setns(netns_fd, CLONE_NEWNET) < 0)
		return -errno;
	err = nl_open(nl);
	if (back_to_host() < 0) {
		if (!err)
			nl_close(nl);
		return fail(-errno, "cannot return to the host network namespace");
	}
	return err;
}

/* Unmount and unlink one /run/netns file: 0 or -errno (not recorded). */
static int unmount_netns_file(const char *name)
{
	char path[sizeof(NETNS_RUN_DIR) + 256];

	if (failpoint("remove namespace"))
		return -EIO;
	netns_path(path, sizeof(path), name);
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return -errno;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int netns_delete(const char *name)
{
	int err = unmount_netns_file(name);

	if (err)
		return fail(err, "cannot remove namespace \"%s\"", name);
	return 0;
}

#define DELETE_THREADS 8
#define DELETE_NAMES_PER_THREAD 16 /* a handful of names is not worth a thread */

struct delete_work {
	const char *const *names;
	size_t n;
	atomic_size_t next;
	atomic_int first_err;
	struct fail_stash first_why; /* written by the thread that set first_err, read after join */
	netns_progress_cb progress;  /* called by the calling thread only */
	void *data;
};

/* Take names off the shared list until none is left. */
static void delete_some(struct delete_work *w, bool report)
{
	for (size_t i; (i = atomic_fetch_add(&w->next, 1)) < w->n;) {
		int err = unmount_netns_file(w->names[i]), none = 0;

		/* Errors are recorded per thread: the first one travels with its text. */
		if (err && atomic_compare_exchange_strong(&w->first_err, &none, err))
			fail_stash(&w->first_why);
		fail_clear();
		if (report && w->progress)
			w->progress(i + 1, w->n, w->data);
	}
}

static void *delete_worker(void *arg)
{
	delete_some(arg, false);
	return NULL;
}

int netns_delete_many(const char *const *names, size_t n, netns_progress_cb progress, void *data)
{
	struct delete_work w = {.names = names, .n = n, .progress = progress, .data = data};
	pthread_t threads[DELETE_THREADS];
	size_t started = 0;

	atomic_init(&w.next, 0);
	atomic_init(&w.first_err, 0);
	for (size_t t = 0; t < DELETE_THREADS && t * DELETE_NAMES_PER_THREAD < n; t++) {
		if (pthread_create(&threads[t], NULL, delete_worker, &w))
			break;
		started++;
	}
	delete_some(&w, true); /* this thread works too, and finishes what is left */
	for (size_t t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	if (atomic_load(&w.first_err)) {
		if (!w.first_why.have)
			return fail(atomic_load(&w.first_err),
				    "cannot remove the nodes' namespaces");
		fail_unstash(&w.first_why);
		return fail_wrap(atomic_load(&w.first_err), "cannot remove the nodes' namespaces");
	}
	return 0;
}

int netns_exists(const char *name)
{
	char path[sizeof(NETNS_RUN_DIR) + 256];

	netns_path(path, sizeof(path), name);
	return access(path, F_OK) == 0;
}

int netns_open(const char *name)
{
	char path[sizeof(NETNS_RUN_DIR) + 256];
	int fd;

	netns_path(path, sizeof(path), name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int netns_exec(const char *name, char **argv)
{
	int fd = netns_open(name);

	if (fd < 0)
		return fail(fd, "cannot open network namespace \"%s\"", name);
	if (setns(fd, CLONE_NEWNET) < 0) {
		int err = -errno;
		close(fd);
		return fail(err, "cannot enter network namespace \"%s\"", name);
	}
	close(fd);
	/* Private mounts so /sys can show this namespace's devices, as ip does. */
	if (unshare(CLONE_NEWNS) < 0)
		return fail(-errno, "cannot create a mount namespace");
	if (mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0)
		return fail(-errno, "cannot make / a slave mount");
	if (umount2("/sys", MNT_DETACH) == 0 || errno == EINVAL) {
		if (mount(name, "/sys", "sysfs", 0, NULL) < 0)
			return fail(-errno, "cannot mount /sys for \"%s\"", name);
	}
	execvp(argv[0], argv);
	return fail(-errno, "cannot run \"%s\"", argv[0]);
}

int netns_fd_inode(int fd, uint64_t *ino)
{
	struct statfs sfs;
	struct stat sb;

	if (fstatfs(fd, &sfs) < 0 || fstat(fd, &sb) < 0)
		return -errno;
	if (sfs.f_type != NSFS_MAGIC)
		return -ENOTTY; /* not a namespace (a placeholder file, say) */
	*ino = (uint64_t)sb.st_ino;
	return 0;
}

int netns_inode_at(const char *path, uint64_t *ino)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = netns_fd_inode(fd, ino);
	close(fd);
	return err;
}

int netns_inode(const char *name, uint64_t *ino)
{
	char path[sizeof(NETNS_RUN_DIR) + 256];

	netns_path(path, sizeof(path), name);
	return netns_inode_at(path, ino);
}

struct lo_alias {
	char *buf;
	size_t size;
};

static int lo_alias_cb(const struct nlmsghdr *nlh, void *data)
{
	struct lo_alias *a = data;
	struct link_info info;

	if (link_info_parse(nlh, &info) == 0 && info.ifindex == 1)
		snprintf(a->buf, a->size, "%s", info.alias);
	return 0;
}

int netns_lo_alias_at(const char *path, char *alias, size_t size)
{
	struct lo_alias a = {alias, size};
	struct nl_sock nl;
	uint64_t ino;
	int fd, err;

	alias[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = netns_fd_inode(fd, &ino);
	if (!err)
		err = netns_socket(fd, &nl);
	close(fd);
	if (err)
		return err;
	link_get(&nl, "lo");
	err = nl_run(&nl, lo_alias_cb, &a);
	nl_close(&nl);
	return err;
}

int netns_lo_alias(const char *name, char *alias, size_t size)
{
	char path[sizeof(NETNS_RUN_DIR) + 256];

	netns_path(path, sizeof(path), name);
	return netns_lo_alias_at(path, alias, size);
}
