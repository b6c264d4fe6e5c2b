/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Notes a command gathers while it works and prints when it is done, such
 * as the objects a removal left in place because they are not the
 * fabric's: "namespace \"web\" holds \"tap0\", which fabricctl did not make".
 */
#ifndef FABRICCTL_BASE_NOTES_H
#define FABRICCTL_BASE_NOTES_H

#include <stddef.h>

struct notes {
	char **text;
	size_t n, cap;
};

/* Add one note (printf-style); a note lost to memory pressure is dropped. */
void notes_add(struct notes *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void notes_free(struct notes *n);

#endif
