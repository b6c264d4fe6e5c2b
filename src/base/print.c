// SPDX-License-Identifier: GPL-2.0-only
/* One call per field, for the JSON and the text output alike. */
#include <inttypes.h>
#include <stdarg.h>

#include "base/print.h"

void print_start(struct printer *p, FILE *out, bool json, bool pretty)
{
	p->out = out;
	p->json = json;
	json_init(&p->jw, out, pretty);
}

void print_end(struct printer *p)
{
	if (p->json)
		json_finish(&p->jw);
	fflush(p->out);
}

/*
 * The format strings are the caller's constants; the printf-style check is
 * done where each print_* call site passes a literal, so silence it here.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

void print_string(struct printer *p, const char *key, const char *fmt, const char *value)
{
	if (p->json) {
		if (key)
			json_kv_string(&p->jw, key, value);
	} else if (fmt) {
		fprintf(p->out, fmt, value);
	}
}

void print_uint(struct printer *p, const char *key, const char *fmt, uint64_t value)
{
	char text[24];

	if (p->json) {
		if (key)
			json_kv_uint(&p->jw, key, value);
	} else if (fmt) {
		snprintf(text, sizeof(text), "%" PRIu64, value);
		fprintf(p->out, fmt, text);
	}
}

void print_int(struct printer *p, const char *key, const char *fmt, int64_t value)
{
	char text[24];

	if (p->json) {
		if (key)
			json_kv_int(&p->jw, key, value);
	} else if (fmt) {
		snprintf(text, sizeof(text), "%" PRId64, value);
		fprintf(p->out, fmt, text);
	}
}

void print_uint_as(struct printer *p, const char *key, uint64_t value, const char *fmt,
		   const char *text)
{
	if (p->json) {
		if (key)
			json_kv_uint(&p->jw, key, value);
	} else if (fmt) {
		fprintf(p->out, fmt, text);
	}
}

void print_double(struct printer *p, const char *key, const char *fmt, double value)
{
	if (p->json) {
		if (key)
			json_kv_double(&p->jw, key, value);
	} else if (fmt) {
		fprintf(p->out, fmt, value);
	}
}

void print_bool(struct printer *p, const char *key, const char *fmt, bool value)
{
	if (p->json) {
		if (key)
			json_kv_bool(&p->jw, key, value);
	} else if (fmt) {
		fprintf(p->out, fmt, value ? "yes" : "no");
	}
}

void print_text(struct printer *p, const char *fmt, ...)
{
	va_list ap;

	if (p->json)
		return;
	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
}

#pragma GCC diagnostic pop

void print_null(struct printer *p, const char *key, const char *text)
{
	if (p->json) {
		if (key) {
			json_key(&p->jw, key);
			json_null(&p->jw);
		}
	} else if (text) {
		fputs(text, p->out);
	}
}

void print_open_object(struct printer *p, const char *key)
{
	if (!p->json)
		return;
	if (key)
		json_key(&p->jw, key);
	json_object_start(&p->jw);
}

void print_close_object(struct printer *p)
{
	if (p->json)
		json_object_end(&p->jw);
}

void print_open_array(struct printer *p, const char *key)
{
	if (!p->json)
		return;
	if (key)
		json_key(&p->jw, key);
	json_array_start(&p->jw);
}

void print_close_array(struct printer *p)
{
	if (p->json)
		json_array_end(&p->jw);
}
