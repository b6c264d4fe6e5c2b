/* SPDX-License-Identifier: GPL-2.0-only */
/* Growable arrays: doubling, the one way every list in fabricctl grows. */
#ifndef FABRICCTL_BASE_ARRAY_H
#define FABRICCTL_BASE_ARRAY_H

#include <stddef.h>

#define ARRAY_FIRST_CAP 64

/*
 * Room for element @n in the array *@items of *@cap elements of @size
 * bytes (doubled, starting at ARRAY_FIRST_CAP): 0, or -ENOMEM with the
 * array as it was.
 */
int array_reserve(void **items, size_t *cap, size_t n, size_t size);

/* array_reserve() for a typed pointer: ARRAY_RESERVE(l->items, l->cap, l->n). */
#define ARRAY_RESERVE(items, cap, n) array_reserve((void **)&(items), &(cap), (n), sizeof(*(items)))

#endif
