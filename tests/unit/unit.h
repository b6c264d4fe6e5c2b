/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A tiny assertion harness for the unit tests: every CHECK counts, a failed
 * one prints file:line and the values, and main() ends with
 * "return unit_summary("test_x");" (exit 0 only if nothing failed).
 */
#ifndef FABRICCTL_UNIT_H
#define FABRICCTL_UNIT_H

#include <stdio.h>
#include <string.h>

static unsigned int unit_checks __attribute__((unused));
static unsigned int unit_failed __attribute__((unused));

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		unit_checks++;                                                                     \
		if (!(cond)) {                                                                     \
			unit_failed++;                                                             \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);   \
		}                                                                                  \
	} while (0)

/* Both sides are compared as long long: fine for every int and uint32_t. */
#define CHECK_EQ_INT(a, b)                                                                         \
	do {                                                                                       \
		long long unit_a_ = (long long)(a), unit_b_ = (long long)(b);                      \
		unit_checks++;                                                                     \
		if (unit_a_ != unit_b_) {                                                          \
			unit_failed++;                                                             \
			fprintf(stderr, "%s:%d: CHECK_EQ_INT(%s, %s): %lld != %lld\n", __FILE__,   \
				__LINE__, #a, #b, unit_a_, unit_b_);                               \
		}                                                                                  \
	} while (0)

#define CHECK_EQ_STR(a, b)                                                                         \
	do {                                                                                       \
		const char *unit_a_ = (a), *unit_b_ = (b);                                         \
		unit_checks++;                                                                     \
		if (!unit_a_ || !unit_b_ || strcmp(unit_a_, unit_b_)) {                            \
			unit_failed++;                                                             \
			fprintf(stderr, "%s:%d: CHECK_EQ_STR(%s, %s): \"%s\" != \"%s\"\n",         \
				__FILE__, __LINE__, #a, #b, unit_a_ ? unit_a_ : "(null)",          \
				unit_b_ ? unit_b_ : "(null)");                                     \
		}                                                                                  \
	} while (0)

static inline __attribute__((unused)) int unit_summary(const char *name)
{
	printf("%s: %u checks, %u failed\n", name, unit_checks, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif
