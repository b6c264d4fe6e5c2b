/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Print once for both outputs, as iproute2's print_*(PRINT_ANY, ...) does:
 * every field is written by one call that carries its JSON key and its
 * text format, so a new field is added in one place. A NULL key makes the
 * field text-only (column padding, headers); a NULL format makes it
 * JSON-only. Text formats of strings, integers and booleans take one %s
 * (with width and alignment as needed: integers are formatted to decimal
 * first, booleans to yes/no), so no format can mismatch its value's type;
 * doubles take one floating-point conversion. In JSON mode objects and
 * arrays nest; in text mode they print nothing.
 */
#ifndef FABRICCTL_BASE_PRINT_H
#define FABRICCTL_BASE_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/json_writer.h"

struct printer {
	FILE *out;
	bool json;
	struct json_writer jw;
};

/* Start a document on @out: JSON (pretty or compact) or text. */
void print_start(struct printer *p, FILE *out, bool json, bool pretty);
/* End it: the JSON document's newline, and a flush. */
void print_end(struct printer *p);

void print_string(struct printer *p, const char *key, const char *fmt, const char *value);
void print_uint(struct printer *p, const char *key, const char *fmt, uint64_t value);
void print_int(struct printer *p, const char *key, const char *fmt, int64_t value);
void print_double(struct printer *p, const char *key, const char *fmt, double value);
void print_bool(struct printer *p, const char *key, const char *fmt, bool value);
/* @value as a number in JSON, @text (already formatted, e.g. "1.5 KiB") through @fmt in text. */
void print_uint_as(struct printer *p, const char *key, uint64_t value, const char *fmt,
		   const char *text);
/* JSON null for @key; @text (may be NULL) in text mode. */
void print_null(struct printer *p, const char *key, const char *text);

/* Text only (column titles, separators, newlines). */
void print_text(struct printer *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A JSON object or array (under @key inside an object, or NULL); nothing in text. */
void print_open_object(struct printer *p, const char *key);
void print_close_object(struct printer *p);
void print_open_array(struct printer *p, const char *key);
void print_close_array(struct printer *p);

#endif
