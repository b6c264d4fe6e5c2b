/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A tiny streaming JSON writer: stable snake_case keys, commas and
 * indentation handled for the caller. Front-ends use it through print.h.
 */
#ifndef FABRICCTL_BASE_JSON_WRITER_H
#define FABRICCTL_BASE_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json_writer {
	FILE *out;
	bool pretty;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
	bool after_key;
};

void json_init(struct json_writer *w, FILE *out, bool pretty);
void json_object_start(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_start(struct json_writer *w);
void json_array_end(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);
void json_string(struct json_writer *w, const char *s);
void json_uint(struct json_writer *w, uint64_t v);
void json_int(struct json_writer *w, int64_t v);
void json_double(struct json_writer *w, double v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);
/* key + value shorthands */
void json_kv_string(struct json_writer *w, const char *key, const char *s);
void json_kv_uint(struct json_writer *w, const char *key, uint64_t v);
void json_kv_int(struct json_writer *w, const char *key, int64_t v);
void json_kv_bool(struct json_writer *w, const char *key, bool v);
void json_kv_double(struct json_writer *w, const char *key, double v);
/* Ends the document with a newline. */
void json_finish(struct json_writer *w);

/* Write @s as a JSON string literal (quotes included) to @out. */
void json_escape(FILE *out, const char *s);

#endif
