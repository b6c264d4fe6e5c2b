// SPDX-License-Identifier: GPL-2.0-only
/* The JSON writer (compact and pretty), string escaping, human units. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/json_writer.h"
#include "base/print.h"
#include "base/units.h"
#include "unit.h"

/* A writer into memory; take() ends it and returns the text (free it). */
struct mem {
	FILE *f;
	char *buf;
	size_t len;
};

static void mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	if (!m->f)
		abort();
}

static char *mem_take(struct mem *m)
{
	fclose(m->f);
	return m->buf;
}

/* Every kind of value, nested, with empty containers. */
static void write_sample(struct json_writer *w)
{
	json_object_start(w);
	json_kv_string(w, "name", "lab");
	json_kv_uint(w, "nodes", 3);
	json_key(w, "list");
	json_array_start(w);
	json_uint(w, 1);
	json_int(w, -2);
	json_object_start(w);
	json_object_end(w);
	json_array_start(w);
	json_array_end(w);
	json_object_start(w);
	json_kv_bool(w, "up", true);
	json_object_end(w);
	json_array_end(w);
	json_key(w, "sub");
	json_object_start(w);
	json_kv_int(w, "min", INT64_MIN);
	json_kv_uint(w, "max", UINT64_MAX);
	json_kv_double(w, "rate", 1.5);
	json_key(w, "none");
	json_null(w);
	json_object_end(w);
	json_key(w, "empty");
	json_array_start(w);
	json_array_end(w);
	json_kv_bool(w, "ok", false);
	json_object_end(w);
	json_finish(w);
}

static void test_writer(void)
{
	struct json_writer w;
	struct mem m;
	char *out;

	mem_open(&m);
	json_init(&w, m.f, false);
	write_sample(&w);
	out = mem_take(&m);
	CHECK_EQ_STR(out, "{\"name\":\"lab\",\"nodes\":3,\"list\":[1,-2,{},[],{\"up\":true}],"
			  "\"sub\":{\"min\":-9223372036854775808,\"max\":18446744073709551615,"
			  "\"rate\":1.5,\"none\":null},\"empty\":[],\"ok\":false}\n");
	free(out);

	mem_open(&m);
	json_init(&w, m.f, true);
	write_sample(&w);
	out = mem_take(&m);
	CHECK_EQ_STR(out, "{\n"
			  "  \"name\": \"lab\",\n"
			  "  \"nodes\": 3,\n"
			  "  \"list\": [\n"
			  "    1,\n"
			  "    -2,\n"
			  "    {},\n"
			  "    [],\n"
			  "    {\n"
			  "      \"up\": true\n"
			  "    }\n"
			  "  ],\n"
			  "  \"sub\": {\n"
			  "    \"min\": -9223372036854775808,\n"
			  "    \"max\": 18446744073709551615,\n"
			  "    \"rate\": 1.5,\n"
			  "    \"none\": null\n"
			  "  },\n"
			  "  \"empty\": [],\n"
			  "  \"ok\": false\n"
			  "}\n");
	free(out);

	/* Top level empties, an array of objects, a bare value. */
	mem_open(&m);
	json_init(&w, m.f, false);
	json_object_start(&w);
	json_object_end(&w);
	json_finish(&w);
	out = mem_take(&m);
	CHECK_EQ_STR(out, "{}\n");
	free(out);

	mem_open(&m);
	json_init(&w, m.f, true);
	json_array_start(&w);
	json_array_end(&w);
	json_finish(&w);
	out = mem_take(&m);
	CHECK_EQ_STR(out, "[]\n");
	free(out);

	mem_open(&m);
	json_init(&w, m.f, false);
	json_array_start(&w);
	for (int i = 0; i < 3; i++) {
		json_object_start(&w);
		json_kv_int(&w, "i", i);
		json_kv_string(&w, "s", "");
		json_object_end(&w);
	}
	json_array_end(&w);
	json_finish(&w);
	out = mem_take(&m);
	CHECK_EQ_STR(out, "[{\"i\":0,\"s\":\"\"},{\"i\":1,\"s\":\"\"},{\"i\":2,\"s\":\"\"}]\n");
	free(out);

	mem_open(&m);
	json_init(&w, m.f, true);
	json_string(&w, "x");
	json_finish(&w);
	out = mem_take(&m);
	CHECK_EQ_STR(out, "\"x\"\n");
	free(out);

	/* Keys are escaped too. */
	mem_open(&m);
	json_init(&w, m.f, false);
	json_object_start(&w);
	json_kv_uint(&w, "a\"b", 0);
	json_object_end(&w);
	out = mem_take(&m);
	CHECK_EQ_STR(out, "{\"a\\\"b\":0}");
	free(out);

	/* A writer can be reused for a second document. */
	mem_open(&m);
	json_init(&w, m.f, false);
	json_object_start(&w);
	json_kv_uint(&w, "a", 1);
	json_object_end(&w);
	json_finish(&w);
	json_init(&w, m.f, false);
	json_array_start(&w);
	json_uint(&w, 2);
	json_array_end(&w);
	json_finish(&w);
	out = mem_take(&m);
	CHECK_EQ_STR(out, "{\"a\":1}\n[2]\n");
	free(out);
}

static void test_doubles(void)
{
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{0.0, "0"},	{1.5, "1.5"},	 {-0.25, "-0.25"},
		{0.1, "0.1"},	{1e20, "1e+20"}, {123456789.0, "123456789"},
		{99.5, "99.5"},
	};
	struct json_writer w;
	struct mem m;
	char *out;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mem_open(&m);
		json_init(&w, m.f, false);
		json_double(&w, cases[i].v);
		out = mem_take(&m);
		CHECK_EQ_STR(out, cases[i].want);
		free(out);
	}
	/* Not representable in JSON: null. */
	mem_open(&m);
	json_init(&w, m.f, false);
	json_array_start(&w);
	json_double(&w, NAN);
	json_double(&w, INFINITY);
	json_double(&w, -INFINITY);
	json_array_end(&w);
	out = mem_take(&m);
	CHECK_EQ_STR(out, "[null,null,null]");
	free(out);
}

static void test_escape(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"", "\"\""},
		{"plain", "\"plain\""},
		{"a\"b", "\"a\\\"b\""},
		{"a\\b", "\"a\\\\b\""},
		{"\\\"", "\"\\\\\\\"\""},
		{"l1\nl2", "\"l1\\nl2\""},
		{"\t\r\b\f", "\"\\t\\r\\b\\f\""},
		{"\x01", "\"\\u0001\""},
		{"\x1f", "\"\\u001f\""},
		{"a\x1b[0m", "\"a\\u001b[0m\""},
		{"\x7f", "\"\\u007f\""},
		{" ~", "\" ~\""},
		{"/", "\"/\""},
		{"caf\xc3\xa9", "\"caf\xc3\xa9\""}, /* UTF-8 passes through */
		{"\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xe2\x82\xac\xf0\x9f\x98\x80\""},
		{"\xff", "\"\xff\""}, /* as do stray bytes */
		{"%s%n", "\"%s%n\""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mem m;
		char *out;

		mem_open(&m);
		json_escape(m.f, cases[i].in);
		out = mem_take(&m);
		CHECK_EQ_STR(out, cases[i].want);
		free(out);
	}

	/* Every control character: \uXXXX or a short escape, never raw. */
	unsigned int raw = 0;

	for (int c = 1; c < 0x20; c++) {
		char in[2] = {(char)c, '\0'};
		struct mem m;
		char *out;

		mem_open(&m);
		json_escape(m.f, in);
		out = mem_take(&m);
		for (char *p = out; *p; p++)
			raw += (unsigned char)*p < 0x20;
		raw += out[1] != '\\';
		free(out);
	}
	CHECK_EQ_INT(raw, 0);
}

static void test_units(void)
{
	static const struct {
		uint64_t v;
		const char *bytes, *count;
	} cases[] = {
		{0, "0 B", "0"},
		{1, "1 B", "1"},
		{999, "999 B", "999"},
		{1000, "1000 B", "1.0 k"},
		{1023, "1023 B", "1.0 k"},
		{1024, "1.0 KiB", "1.0 k"},
		{1536, "1.5 KiB", "1.5 k"},
		{12345, "12.1 KiB", "12.3 k"},
		{1048576, "1.0 MiB", "1.0 M"},
		{1500000, "1.4 MiB", "1.5 M"},
		{1073741824, "1.0 GiB", "1.1 G"},
		{1099511627776ull, "1.0 TiB", "1.1 T"},
		{1125899906842624ull, "1.0 PiB", "1.1 P"},
		{1000000000000000000ull, "888.2 PiB", "1000.0 P"}, /* no larger unit */
		{UINT64_MAX, "16384.0 PiB", "18446.7 P"},
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(format_bytes(cases[i].v, buf, sizeof(buf)) == buf);
		CHECK_EQ_STR(buf, cases[i].bytes);
		CHECK(format_rate((double)cases[i].v, "", buf, sizeof(buf)) == buf);
		CHECK_EQ_STR(buf, cases[i].count);
	}
	CHECK_EQ_STR(format_rate(950, "bit/s", buf, sizeof(buf)), "950 bit/s");
	CHECK_EQ_STR(format_rate(12.3e6, "bit/s", buf, sizeof(buf)), "12.3 Mbit/s");
	/* A short buffer truncates. */
	char small[4];

	CHECK_EQ_STR(format_bytes(1536, small, sizeof(small)), "1.5");
	CHECK_EQ_STR(format_rate(123456, "", small, sizeof(small)), "123");
}

/*
 * Just below a unit boundary the value must not print as "1024.0 KiB" or
 * "1000.0 k": rounding to one decimal has to carry into the next unit.
 */
static void test_units_rounding(void)
{
	char buf[32];

	CHECK_EQ_STR(format_bytes(1048575, buf, sizeof(buf)), "1.0 MiB");
	CHECK_EQ_STR(format_rate(999999, "", buf, sizeof(buf)), "1.0 M");
	CHECK_EQ_STR(format_rate(999950, "", buf, sizeof(buf)), "1.0 M");
	CHECK_EQ_STR(format_rate(999949, "", buf, sizeof(buf)), "999.9 k");
}

int main(void)
{
	test_writer();
	test_doubles();
	test_escape();
	test_units();
	test_units_rounding();
	return unit_summary("test_json");
}
