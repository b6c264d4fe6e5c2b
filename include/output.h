/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Output: a tiny streaming JSON writer (stable snake_case keys, commas
 * handled for the caller) and the global output mode.
 */
#ifndef FABRICCTL_OUTPUT_H
#define FABRICCTL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

extern bool json_output;  /* -j/--json */
extern bool pretty_output; /* -p/--pretty (implies -j) */
extern bool quiet_output; /* -q/--quiet */

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

/*
 * A progress line for long bulk work: count, rate and ETA, redrawn on
 * stderr when it is a terminal (never with -q or -j, never for fewer than
 * 256 items). One at a time per process.
 */
void progress_begin(const char *verb, size_t total);
void progress_update(size_t done);
void progress_end(void);

/* "1.5 KiB"-style human units into buf; returns buf. */
char *format_bytes(uint64_t bytes, char *buf, size_t size);
/* "12.3k"-style counts into buf; returns buf. */
char *format_count(uint64_t n, char *buf, size_t size);

#endif
