// SPDX-License-Identifier: GPL-2.0-only
/* Doubling growth for the lists of nodes, links, prefixes and problems. */
#include <errno.h>
#include <stdlib.h>

#include "base/array.h"

int array_reserve(void **items, size_t *cap, size_t n, size_t size)
{
	size_t grown_cap;
	void *grown;

	if (n < *cap)
		return 0;
	grown_cap = *cap ? *cap * 2 : ARRAY_FIRST_CAP;
	while (grown_cap <= n)
		grown_cap *= 2;
	grown = realloc(*items, grown_cap * size);
	if (!grown)
		return -ENOMEM;
	*items = grown;
	*cap = grown_cap;
	return 0;
}
