// SPDX-License-Identifier: GPL-2.0-only
/* Fabric and node name rules, and the link/alias names derived from them. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/errors.h"
#include "fabric/ipam.h"
#include "fabric/names.h"
#include "unit.h"

static bool msg_has(const char *needle)
{
	const char *msg = fail_message();

	if (msg && strstr(msg, needle))
		return true;
	fprintf(stderr, "  message: %s (wanted \"%s\")\n", msg ? msg : "(none)", needle);
	return false;
}

#define CHECK_VALID(fn, name)                                                                      \
	do {                                                                                       \
		fail_clear();                                                                      \
		CHECK_EQ_INT(fn(name), 0);                                                         \
		CHECK(fail_message() == NULL);                                                     \
	} while (0)

#define CHECK_INVALID(fn, name, what, why)                                                         \
	do {                                                                                       \
		fail_clear();                                                                      \
		CHECK_EQ_INT(fn(name), -EUSAGE);                                                   \
		CHECK(fail_is_usage());                                                            \
		CHECK(msg_has(what));                                                              \
		CHECK(msg_has(why));                                                               \
	} while (0)

static void test_fabric_names(void)
{
	const char *what = "invalid fabric name";

	CHECK_VALID(fabric_name_validate, "lab");
	CHECK_VALID(fabric_name_validate, "a");
	CHECK_VALID(fabric_name_validate, "0");
	CHECK_VALID(fabric_name_validate, "abcdefgh"); /* exactly 8 */
	CHECK_VALID(fabric_name_validate, "A_b-9");
	CHECK_VALID(fabric_name_validate, "9lives");
	CHECK_VALID(fabric_name_validate, "x-");

	CHECK_INVALID(fabric_name_validate, "", what, "empty");
	CHECK_INVALID(fabric_name_validate, "abcdefghi", what, "longer than 8 characters");
	CHECK_INVALID(fabric_name_validate, "-lab", what, "must start with a letter or digit");
	CHECK_INVALID(fabric_name_validate, "_lab", what, "must start with a letter or digit");
	CHECK_INVALID(fabric_name_validate, ".", what, "must start with a letter or digit");
	CHECK_INVALID(fabric_name_validate, "..", what, "must start with a letter or digit");
	CHECK_INVALID(fabric_name_validate, " lab", what, "must start with a letter or digit");
	CHECK_INVALID(fabric_name_validate, "a/b", what, "only letters, digits");
	CHECK_INVALID(fabric_name_validate, "a.b", what, "only letters, digits"); /* no dots */
	CHECK_INVALID(fabric_name_validate, "a b", what, "\"a b\"");
	CHECK_INVALID(fabric_name_validate, "lab ", what, "only letters, digits");
	CHECK_INVALID(fabric_name_validate, "a:b", what, "only letters, digits"); /* alias sep */
	CHECK_INVALID(fabric_name_validate, "a\tb", what, "\"a\\x09b\"");
	CHECK_INVALID(fabric_name_validate, "a\nb", what, "\"a\\x0ab\"");
	CHECK_INVALID(fabric_name_validate, "a\x01", what, "\"a\\x01\"");
	CHECK_INVALID(fabric_name_validate, "a\x7f", what, "\"a\\x7f\"");
	CHECK_INVALID(fabric_name_validate, "caf\xc3\xa9", what, "\"caf\\xc3\\xa9\"");
	CHECK_INVALID(fabric_name_validate, "\xc3\xa9t\xc3\xa9", what, "must start with");
	CHECK_INVALID(fabric_name_validate, "a%sb", what, "\"a%sb\"");
}

static void test_node_names(void)
{
	const char *what = "invalid node name";
	char name[128];

	CHECK_VALID(node_name_validate, "n1");
	CHECK_VALID(node_name_validate, "a");
	CHECK_VALID(node_name_validate, "web.1");
	CHECK_VALID(node_name_validate, "a..b");
	CHECK_VALID(node_name_validate, "a.");
	CHECK_VALID(node_name_validate, "_x");
	CHECK_VALID(node_name_validate, "0-_.Z");
	memset(name, 'n', 63);
	name[63] = '\0';
	CHECK_VALID(node_name_validate, name); /* exactly 63 */

	CHECK_INVALID(node_name_validate, "", what, "empty");
	memset(name, 'n', 64);
	name[64] = '\0';
	CHECK_INVALID(node_name_validate, name, what, "longer than 63 characters");
	memset(name, 'n', 127);
	name[127] = '\0';
	CHECK_INVALID(node_name_validate, name, what, "longer than 63 characters");
	CHECK_INVALID(node_name_validate, ".", what, "must not start with '.'");
	CHECK_INVALID(node_name_validate, "..", what, "must not start with '.'");
	CHECK_INVALID(node_name_validate, ".hidden", what, "must not start with '.'");
	CHECK_INVALID(node_name_validate, "-n", what, "must not start with '-'");
	CHECK_INVALID(node_name_validate, "--help", what, "must not start with '-'");
	CHECK_INVALID(node_name_validate, "a/b", what, "only letters, digits");
	CHECK_INVALID(node_name_validate, "/", what, "only letters, digits");
	CHECK_INVALID(node_name_validate, "../x", what, "must not start with '.'");
	CHECK_INVALID(node_name_validate, "x/..", what, "only letters, digits");
	CHECK_INVALID(node_name_validate, "a b", what, "only letters, digits");
	CHECK_INVALID(node_name_validate, " a", what, "only letters, digits");
	CHECK_INVALID(node_name_validate, "a:b", what, "only letters, digits");
	CHECK_INVALID(node_name_validate, "a\tb", what, "\"a\\x09b\"");
	CHECK_INVALID(node_name_validate, "a\n", what, "\"a\\x0a\"");
	CHECK_INVALID(node_name_validate, "a\rb", what, "\"a\\x0db\"");
	CHECK_INVALID(node_name_validate, "\x1b[31m", what, "\"\\x1b[31m\"");
	CHECK_INVALID(node_name_validate, "n\x7f", what, "\"n\\x7f\"");
	CHECK_INVALID(node_name_validate, "n\xc3\xa9", what, "\"n\\xc3\\xa9\"");
	CHECK_INVALID(node_name_validate, "\xe2\x80\x8b", what, "\"\\xe2\\x80\\x8b\"");
	CHECK_INVALID(node_name_validate, "a*", what, "only letters, digits");
	CHECK_INVALID(node_name_validate, "$(id)", what, "only letters, digits");
	fail_clear();
}

static void test_derived_names(void)
{
	char buf[IFNAMSIZ], alias[128];
	/* Largest node slot of the largest subnet: size - 2. */
	uint32_t max_slot = (1u << (32 - IPAM_MIN_PREFIX)) - 2;

	bridge_name(buf, "lab", 0);
	CHECK_EQ_STR(buf, "lab-c0");
	bridge_name(buf, "lab", 12);
	CHECK_EQ_STR(buf, "lab-c12");
	host_veth_name(buf, "lab", 5);
	CHECK_EQ_STR(buf, "lab-5");
	host_veth_name(buf, "lab", 65534);
	CHECK_EQ_STR(buf, "lab-65534");
	alias_tag(alias, sizeof(alias), "lab", NULL);
	CHECK_EQ_STR(alias, "fabricctl:lab");
	alias_tag(alias, sizeof(alias), "lab", "n1");
	CHECK_EQ_STR(alias, "fabricctl:lab:n1");

	/* The longest names still fit IFNAMSIZ - 1 without truncation. */
	CHECK_EQ_INT(max_slot, 524286);
	fail_clear();
	CHECK_EQ_INT(fabric_name_validate("abcdefgh"), 0);
	host_veth_name(buf, "abcdefgh", max_slot);
	CHECK_EQ_STR(buf, "abcdefgh-524286");
	CHECK(strlen(buf) <= IFNAMSIZ - 1);
	bridge_name(buf, "abcdefgh", 0);
	CHECK_EQ_STR(buf, "abcdefgh-c0");
	CHECK(strlen(buf) <= IFNAMSIZ - 1);

	/* The longest alias: 10 + 8 + 1 + 63 characters. */
	char node[NODE_NAME_MAX + 1], want[128];

	memset(node, 'n', NODE_NAME_MAX);
	node[NODE_NAME_MAX] = '\0';
	snprintf(want, sizeof(want), "fabricctl:abcdefgh:%s", node);
	alias_tag(alias, sizeof(alias), "abcdefgh", node);
	CHECK_EQ_STR(alias, want);
	CHECK_EQ_INT(strlen(alias), 82);

	/* A short buffer truncates, it never overflows. */
	char small[8];

	memset(small, 'X', sizeof(small));
	alias_tag(small, sizeof(small), "lab", "n1");
	CHECK_EQ_STR(small, "fabricc");
}

int main(void)
{
	test_fabric_names();
	test_node_names();
	test_derived_names();
	return unit_summary("test_names");
}
