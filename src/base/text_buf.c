// SPDX-License-Identifier: GPL-2.0-only
/* A FILE that appends to a growing buffer (see text_buf.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/text_buf.h"

#define TEXT_BUF_STDIO 65536 /* stdio's own buffer: few calls of append() */

static int grow(struct text_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	while (cap < need)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

static ssize_t append(void *cookie, const char *data, size_t size)
{
	struct text_buf *b = cookie;

	if (b->len + size > b->cap && grow(b, b->len + size)) {
		errno = ENOMEM;
		return 0; /* a short write: the stream's error flag, fclose fails */
	}
	memcpy(b->p + b->len, data, size);
	b->len += size;
	return (ssize_t)size;
}

FILE *text_buf_open(struct text_buf *b, size_t reserve)
{
	static const cookie_io_functions_t io = {.write = append};
	FILE *f;

	b->len = 0;
	if (reserve > b->cap && grow(b, reserve)) {
		errno = ENOMEM;
		return NULL;
	}
	f = fopencookie(b, "w", io);
	if (f)
		setvbuf(f, NULL, _IOFBF, TEXT_BUF_STDIO);
	return f;
}
