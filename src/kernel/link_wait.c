// SPDX-License-Identifier: GPL-2.0-only
/*
 * Waiting until links are operationally up. A link's operstate is read
 * from sysfs where sysfs shows this namespace's link (its ifindex file
 * says the index we know): unlike a GETLINK, that builds no netlink
 * message, and each of those costs a scan of every namespace id of the
 * host once thousands of veths have their peer elsewhere. Links sysfs
 * cannot show (another namespace's sysfs is mounted, no index known) are
 * asked for with GETLINK.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/errors.h"
#include "base/timeutil.h"
#include "kernel/link.h"
#include "kernel/link_wait.h"
#include "kernel/sysfs_link.h"

#define POLL_INTERVAL_US 10000

/* 1 up, 0 not yet, -1 sysfs does not show this namespace's link @ifindex. */
static int sysfs_oper_up(const char *name, int ifindex)
{
	char buf[32];

	if (ifindex <= 0 || sysfs_link_ifindex(name) != ifindex ||
	    sysfs_link_read(name, "operstate", buf, sizeof(buf)) < 0)
		return -1;
	return !strcmp(buf, "up");
}

struct up_poll {
	bool *up;	    /* per polled link, by request order */
	uint32_t first_seq; /* seq of the round's first GETLINK */
};

static int up_poll_cb(const struct nlmsghdr *nlh, void *data)
{
	struct up_poll *u = data;
	struct link_info info;

	if (link_info_parse(nlh, &info) == 0 && info.operstate == LINK_OPER_UP)
		u->up[nlh->nlmsg_seq - u->first_seq] = true;
	return 0;
}

/* One round over the links at @idx[0 .. *pending): those still down stay there. */
static int poll_round(struct nl_sock *s, const char (*names)[IFNAMSIZ], const int *ifindexes,
		      size_t *idx, size_t *pending, bool *up, bool *by_netlink)
{
	struct up_poll u = {up, 0};
	size_t still = 0, asked = 0;

	for (size_t k = 0; k < *pending; k++) {
		size_t i = idx[k];
		int r = by_netlink[i] ? -1 : sysfs_oper_up(names[i], ifindexes ? ifindexes[i] : 0);

		up[k] = r == 1;
		if (r < 0) {
			by_netlink[i] = true;
			if (!asked++)
				u.first_seq = nl_next_seq(s);
			link_get(s, names[i]);
		}
	}
	if (asked) {
		/* Replies come in request order: map them back to their slot k. */
		bool *got = calloc(asked, sizeof(*got));
		size_t j = 0;

		if (!got)
			return -1;
		u.up = got;
		if (nl_flush(s, up_poll_cb, &u)) {
			fail_clear(); /* not fatal: the links exist; say they are not up yet */
			free(got);
			return -1;
		}
		for (size_t k = 0; k < *pending; k++)
			if (by_netlink[idx[k]])
				up[k] = got[j++];
		free(got);
	}
	for (size_t k = 0; k < *pending; k++)
		if (!up[k])
			idx[still++] = idx[k];
	*pending = still;
	return 0;
}

bool link_wait_oper_up(struct nl_sock *s, const char (*names)[IFNAMSIZ], const int *ifindexes,
		       size_t n, int timeout_ms)
{
	bool *up = calloc(n + 1, sizeof(*up)), *by_netlink = calloc(n + 1, sizeof(*by_netlink));
	size_t *idx = calloc(n + 1, sizeof(*idx));
	int64_t deadline = mono_ms() + timeout_ms;
	size_t pending = n;
	bool ok = false;

	if (!up || !idx || !by_netlink)
		goto out;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	for (;;) {
		if (poll_round(s, names, ifindexes, idx, &pending, up, by_netlink) < 0)
			break;
		if (pending == 0) {
			ok = true;
			break;
		}
		if (mono_ms() > deadline)
			break;
		usleep(POLL_INTERVAL_US);
	}
out:
	free(up);
	free(idx);
	free(by_netlink);
	return ok;
}
