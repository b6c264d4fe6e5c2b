// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/array.h"
#include "base/notes.h"

void notes_add(struct notes *n, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int len;

	if (!n || ARRAY_RESERVE(n->text, n->cap, n->n))
		return;
	va_start(ap, fmt);
	len = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (len >= 0)
		n->text[n->n++] = text;
}

void notes_free(struct notes *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->text[i]);
	free(n->text);
	n->text = NULL;
	n->n = n->cap = 0;
}
