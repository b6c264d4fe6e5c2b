// SPDX-License-Identifier: GPL-2.0-only
/* Deterministic crash and failure injection for tests, inert by default. */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "base/failpoint.h"

enum fp_mode { FP_UNREAD, FP_OFF, FP_CRASH, FP_FAIL, FP_LIST };

static _Atomic int mode = FP_UNREAD;
static unsigned long target;
static atomic_ulong steps;

static void read_env(void)
{
	const char *e = getenv("FABRICCTL_FAILPOINT");
	int m = FP_OFF;
	char *end;

	if (e && !strcmp(e, "list")) {
		m = FP_LIST;
	} else if (e && (!strncmp(e, "crash@", 6) || !strncmp(e, "fail@", 5))) {
		target = strtoul(strchr(e, '@') + 1, &end, 10);
		if (!*end && target > 0)
			m = e[0] == 'c' ? FP_CRASH : FP_FAIL;
	}
	atomic_store(&mode, m);
}

int failpoint(const char *step)
{
	unsigned long k;
	int m = atomic_load(&mode);

	if (m == FP_UNREAD) {
		read_env();
		m = atomic_load(&mode);
	}
	if (m == FP_OFF)
		return 0;
	k = atomic_fetch_add(&steps, 1) + 1;
	if (m == FP_LIST) {
		fprintf(stderr, "failpoint %lu %s\n", k, step);
		return 0;
	}
	if (k != target)
		return 0;
	if (m == FP_CRASH) {
		fprintf(stderr, "failpoint %lu %s: crash\n", k, step);
		raise(SIGKILL);
	}
	return fail_msg(-EIO, "failpoint %lu (%s): injected failure", k, step);
}

bool failpoint_ordered(void)
{
	int m = atomic_load(&mode);

	if (m == FP_UNREAD) {
		read_env();
		m = atomic_load(&mode);
	}
	return m == FP_CRASH || m == FP_LIST;
}
