/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Named network namespaces exactly as `ip netns add` makes them: a file
 * under /run/netns (a shared mount point) bind-mounted from the namespace,
 * so `ip netns list`, `ip netns exec` and `ip -n` work on our nodes.
 */
#ifndef FABRICCTL_KERNEL_NETNS_H
#define FABRICCTL_KERNEL_NETNS_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/nl.h"

#define NETNS_RUN_DIR "/run/netns"

/* Make /run/netns a shared mount point (once per process). */
int netns_prepare_dir(void);
/* Make @dir (created if missing) a shared mount point, as for /run/netns. */
int netns_dir_prepare(const char *dir);

/*
 * A second name for /run/netns/@name: the file @path (which must not
 * exist: -EEXIST) bind-mounted from it. It keeps the namespace alive until
 * netns_unbind_at(@path). Used to show one namespace to a daemon whose
 * /run/netns is another directory (FRR's zebra, see host/frr.h).
 */
int netns_bind_at(const char *name, const char *path);
int netns_unbind_at(const char *path);
/* netns_inode() and netns_lo_alias() for a namespace file at any @path. */
int netns_inode_at(const char *path, uint64_t *ino);
int netns_lo_alias_at(const char *path, char *alias, size_t size);

/**
 * netns_create() - make the named namespace @name and, while inside it,
 * an rtnetlink socket @nl bound there (sockets keep their netns), so the
 * caller configures the node without entering it again. Its lo is up and
 * carries @lo_alias before the namespace is mounted on /run/netns/@name:
 * no one can see it unmarked, so the mark proves whose it is.
 * @netns_fd: out, an fd of the new namespace (for IFLA_NET_NS_FD).
 * @inside: if not NULL, called while inside the new namespace (sysctls).
 * Returns 0, -EEXIST when the name is taken, or -errno; on failure
 * nothing is left behind and the caller is back in its own netns.
 */
int netns_create(const char *name, const char *lo_alias, int *netns_fd, struct nl_sock *nl,
		 int (*inside)(void *), void *data);

/* The inode of the namespace @fd refers to: 0, -ENOTTY (not a namespace) or -errno. */
int netns_fd_inode(int fd, uint64_t *ino);
/* The inode of /run/netns/@name's namespace: 0, -ENOENT, -ENOTTY or -errno. */
int netns_inode(const char *name, uint64_t *ino);
/* The alias of lo inside /run/netns/@name ("" when none): 0 or -errno. */
int netns_lo_alias(const char *name, char *alias, size_t size);

/* Unmount and remove /run/netns/@name; the kernel frees it when unused. */
int netns_delete(const char *name);

/* Progress of a long operation: @done of @total. */
typedef void (*netns_progress_cb)(size_t done, size_t total, void *data);

/*
 * netns_delete_many() - netns_delete() for @n names at once. Every unmount
 * waits for an RCU grace period (~1 ms); threads unmounting together share
 * grace periods, so many namespaces go several times faster than one by one.
 * @progress (may be NULL) is called from the calling thread as it goes.
 * Returns 0 or the first error.
 */
int netns_delete_many(const char *const *names, size_t n, netns_progress_cb progress, void *data);

/* Does /run/netns/@name exist? */
int netns_exists(const char *name);

/* An rtnetlink socket bound inside the namespace @netns_fd. */
int netns_socket(int netns_fd, struct nl_sock *nl);

/* Open an existing named namespace: fd or -errno. */
int netns_open(const char *name);

/*
 * Enter the namespace like `ip netns exec`: its netns, a private mount
 * namespace with its own /sys, then execvp(@argv). Returns only on error.
 */
int netns_exec(const char *name, char **argv);

#endif
