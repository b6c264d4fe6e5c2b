/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A growing text buffer written through a FILE (fopencookie): like
 * open_memstream, but it reserves room up front and grows without zeroing,
 * so a 25 MB scrape is written once, not copied and cleared at each
 * doubling.
 */
#ifndef FABRICCTL_BASE_TEXT_BUF_H
#define FABRICCTL_BASE_TEXT_BUF_H

#include <stddef.h>
#include <stdio.h>

struct text_buf {
	char *p; /* malloc'd; not NUL-terminated */
	size_t len, cap;
};

/*
 * A stream that appends to @b (emptied first) with room for @reserve bytes
 * made at once; NULL with errno set on failure. fclose() it before reading
 * @b; the buffer then belongs to the caller (free(b->p)).
 */
FILE *text_buf_open(struct text_buf *b, size_t reserve);

#endif
