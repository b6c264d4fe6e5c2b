// SPDX-License-Identifier: GPL-2.0-only
/* Polling links until the kernel's link watcher has made them operationally up. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/errors.h"
#include "base/timeutil.h"
#include "kernel/link.h"
#include "kernel/link_wait.h"

#define POLL_INTERVAL_US 10000

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

bool link_wait_oper_up(struct nl_sock *s, const char (*names)[IFNAMSIZ], size_t n, int timeout_ms)
{
	bool *up = calloc(n + 1, sizeof(*up));
	size_t *idx = calloc(n + 1, sizeof(*idx));
	int64_t deadline = mono_ms() + timeout_ms;
	size_t pending = n;
	bool ok = false;

	if (!up || !idx)
		goto out;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	for (;;) {
		struct up_poll u = {up, nl_next_seq(s)};
		size_t still = 0;

		memset(up, 0, n * sizeof(*up));
		for (size_t k = 0; k < pending; k++)
			link_get(s, names[idx[k]]);
		if (nl_flush(s, up_poll_cb, &u)) {
			fail_clear(); /* not fatal: the links exist; say they are not up yet */
			break;
		}
		for (size_t k = 0; k < pending; k++)
			if (!up[k])
				idx[still++] = idx[k];
		pending = still;
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
	return ok;
}
