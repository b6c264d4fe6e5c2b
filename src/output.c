// SPDX-License-Identifier: GPL-2.0-only
/* Streaming JSON writer and human-unit formatting. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "output.h"

bool json_output;
bool pretty_output;
bool quiet_output;

void json_init(struct json_writer *w, FILE *out, bool pretty)
{
	w->out = out;
	w->pretty = pretty;
	w->depth = 0;
	w->need_comma[0] = false;
	w->after_key = false;
}

static void json_newline(struct json_writer *w)
{
	if (!w->pretty)
		return;
	fputc('\n', w->out);
	for (int i = 0; i < w->depth; i++)
		fputs("  ", w->out);
}

/* Comma and indentation before a value or key, unless it follows a key. */
static void json_before_value(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->need_comma[w->depth])
		fputc(',', w->out);
	if (w->depth > 0)
		json_newline(w);
	w->need_comma[w->depth] = true;
}

static void json_open(struct json_writer *w, char c)
{
	json_before_value(w);
	fputc(c, w->out);
	if (w->depth < JSON_MAX_DEPTH - 1)
		w->depth++;
	w->need_comma[w->depth] = false;
}

static void json_close(struct json_writer *w, char c)
{
	bool had_items = w->need_comma[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (had_items)
		json_newline(w);
	fputc(c, w->out);
}

void json_object_start(struct json_writer *w)
{
	json_open(w, '{');
}

void json_object_end(struct json_writer *w)
{
	json_close(w, '}');
}

void json_array_start(struct json_writer *w)
{
	json_open(w, '[');
}

void json_array_end(struct json_writer *w)
{
	json_close(w, ']');
}

void json_escape(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\b': fputs("\\b", out); break;
		case '\f': fputs("\\f", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

void json_key(struct json_writer *w, const char *key)
{
	json_before_value(w);
	json_escape(w->out, key);
	fputs(w->pretty ? ": " : ":", w->out);
	w->after_key = true;
}

void json_string(struct json_writer *w, const char *s)
{
	json_before_value(w);
	json_escape(w->out, s);
}

void json_uint(struct json_writer *w, uint64_t v)
{
	json_before_value(w);
	fprintf(w->out, "%" PRIu64, v);
}

void json_int(struct json_writer *w, int64_t v)
{
	json_before_value(w);
	fprintf(w->out, "%" PRId64, v);
}

void json_double(struct json_writer *w, double v)
{
	json_before_value(w);
	if (isfinite(v))
		fprintf(w->out, "%.15g", v);
	else
		fputs("null", w->out);
}

void json_bool(struct json_writer *w, bool v)
{
	json_before_value(w);
	fputs(v ? "true" : "false", w->out);
}

void json_null(struct json_writer *w)
{
	json_before_value(w);
	fputs("null", w->out);
}

void json_kv_string(struct json_writer *w, const char *key, const char *s)
{
	json_key(w, key);
	json_string(w, s);
}

void json_kv_uint(struct json_writer *w, const char *key, uint64_t v)
{
	json_key(w, key);
	json_uint(w, v);
}

void json_kv_int(struct json_writer *w, const char *key, int64_t v)
{
	json_key(w, key);
	json_int(w, v);
}

void json_kv_bool(struct json_writer *w, const char *key, bool v)
{
	json_key(w, key);
	json_bool(w, v);
}

void json_kv_double(struct json_writer *w, const char *key, double v)
{
	json_key(w, key);
	json_double(w, v);
}

void json_finish(struct json_writer *w)
{
	fputc('\n', w->out);
	fflush(w->out);
}

static char *format_scaled(double v, const char *const *units, int n_units, double step,
			   char *buf, size_t size)
{
	int u = 0;

	/* Move up a unit when the value would print as "1000.0k" or "1024.0 KiB". */
	while (u < n_units - 1 && (u == 0 ? v >= step : v >= step - 0.05)) {
		v /= step;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%.0f%s", v, units[0]);
	else
		snprintf(buf, size, "%.1f%s", v, units[u]);
	return buf;
}

char *format_bytes(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = { " B", " KiB", " MiB", " GiB", " TiB", " PiB" };

	return format_scaled((double)bytes, units, 6, 1024.0, buf, size);
}

char *format_count(uint64_t n, char *buf, size_t size)
{
	static const char *const units[] = { "", "k", "M", "G", "T", "P" };

	return format_scaled((double)n, units, 6, 1000.0, buf, size);
}

static struct {
	bool on;
	const char *verb;
	size_t total;
	struct timespec start, last;
} progress;

static double since(const struct timespec *t0, const struct timespec *now)
{
	return (double)(now->tv_sec - t0->tv_sec) + (double)(now->tv_nsec - t0->tv_nsec) / 1e9;
}

void progress_begin(const char *verb, size_t total)
{
	progress.on = total >= 256 && !quiet_output && !json_output && isatty(STDERR_FILENO);
	progress.verb = verb;
	progress.total = total;
	clock_gettime(CLOCK_MONOTONIC, &progress.start);
	progress.last = progress.start;
}

void progress_update(size_t done)
{
	struct timespec now;
	double t, rate;

	if (!progress.on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (done < progress.total && since(&progress.last, &now) < 0.1)
		return; /* ten redraws a second are plenty */
	progress.last = now;
	t = since(&progress.start, &now);
	rate = t > 0 ? (double)done / t : 0;
	fprintf(stderr, "\r%s nodes: %zu/%zu  %.0f/s  ETA %.0f s   \033[K", progress.verb, done,
		progress.total, rate, rate > 0 ? (double)(progress.total - done) / rate : 0);
	fflush(stderr);
}

void progress_end(void)
{
	if (progress.on)
		fputs("\r\033[K", stderr);
	progress.on = false;
}
