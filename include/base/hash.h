/* SPDX-License-Identifier: GPL-2.0-only */
/* FNV-1a: short names into well-spread 32-bit values. */
#ifndef FABRICCTL_BASE_HASH_H
#define FABRICCTL_BASE_HASH_H

#include <stdint.h>

static inline uint32_t fnv1a32(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

#endif
