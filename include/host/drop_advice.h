/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Drop reasons that point at a limit of the host rather than at the
 * traffic (doctor's knowledge): which limit, why, and the fix.
 */
#ifndef FABRICCTL_HOST_DROP_ADVICE_H
#define FABRICCTL_HOST_DROP_ADVICE_H

struct drop_advice {
	const char *reason; /* the kernel's name without SKB_DROP_REASON_ */
	const char *limit;  /* the limit's name, as doctor lists it */
	const char *what;
	const char *fix;
};

/* The advice for @reason, or NULL when it does not point at a host limit. */
const struct drop_advice *drop_advice_find(const char *reason);

#endif
