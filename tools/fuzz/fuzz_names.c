// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: fabric_name_validate() and node_name_validate(). A
 * name that is accepted can never escape its directory or its interface
 * name: checked here against the documented grammar, independently of the
 * implementation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "fabric/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_word(char c, const char *extra)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr(extra, c));
}

/* The README's grammar: 1..max of [A-Za-z0-9] + extra, first not in bad_first. */
static int grammar_ok(const char *s, size_t max, const char *extra, const char *bad_first)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || strchr(bad_first, s[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_word(s[i], extra))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = malloc(size + 1);
	int ok;

	if (!name)
		return 0;
	memcpy(name, data, size);
	name[size] = '\0';

	ok = fabric_name_validate(name) == 0;
	fail_clear();
	if (ok != grammar_ok(name, FABRIC_NAME_MAX, "_-", "_-"))
		abort();
	if (ok) {
		char buf[IFNAMSIZ];

		host_veth_name(buf, name, (1u << 19) - 1);
		bridge_name(buf, name, 8191);
	}

	ok = node_name_validate(name) == 0;
	fail_clear();
	if (ok != grammar_ok(name, NODE_NAME_MAX, "_.-", "-."))
		abort();
	if (ok && (strchr(name, '/') || !strcmp(name, "..") || !strcmp(name, ".")))
		abort();
	free(name);
	return 0;
}
