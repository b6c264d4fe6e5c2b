// SPDX-License-Identifier: GPL-2.0-only
/* The values of `impair` options, in tc's units. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "fabric/impair.h"

struct unit {
	const char *name;
	double factor;
};

/* A non-negative finite number followed by one of @units: 0 or -EINVAL. */
static int number_unit(const char *text, const struct unit *units, double *out)
{
	char *end;
	double v;

	if (!text[0] || !strchr("0123456789.", text[0]))
		return -EINVAL;
	errno = 0;
	v = strtod(text, &end);
	if (errno || end == text || !isfinite(v) || v < 0)
		return -EINVAL;
	for (const struct unit *u = units; u->name; u++)
		if (!strcmp(end, u->name)) {
			*out = v * u->factor;
			return 0;
		}
	return -EINVAL;
}

int impair_parse_time(const char *text, const char *what, uint64_t *ns)
{
	static const struct unit units[] = {
		{"ns", 1},     {"us", 1e3}, {"usec", 1e3}, {"ms", 1e6},
		{"msec", 1e6}, {"s", 1e9},  {"sec", 1e9},  {NULL, 0},
	};
	double v;

	if (number_unit(text, units, &v) || v > 3600e9)
		return fail_usage("%s \"%s\" is not a time (e.g. 20ms, 300us, 1s; at most 1 hour)",
				  what, text);
	*ns = (uint64_t)llround(v);
	return 0;
}

int impair_parse_percent(const char *text, const char *what, uint32_t *prob)
{
	static const struct unit units[] = {{"%", 1}, {NULL, 0}};
	double v;

	if (number_unit(text, units, &v) || v > 100)
		return fail_usage("%s \"%s\" is not a percentage from 0%% to 100%% (e.g. 0.5%%)",
				  what, text);
	*prob = (uint32_t)llround(v / 100.0 * UINT32_MAX);
	return 0;
}

double impair_percent(uint32_t prob)
{
	return prob * 100.0 / UINT32_MAX;
}

int impair_parse_rate(const char *text, uint64_t *bytes_per_s)
{
	/* tc's units: bit-based are bits per second, bps-based bytes per second. */
	static const struct unit units[] = {
		{"bit", 1 / 8.0},   {"kbit", 1e3 / 8}, {"mbit", 1e6 / 8}, {"gbit", 1e9 / 8},
		{"tbit", 1e12 / 8}, {"bps", 1},	       {"kbps", 1e3},	  {"mbps", 1e6},
		{"gbps", 1e9},	    {NULL, 0},
	};
	double v;

	if (number_unit(text, units, &v) || v < 1 || v > 1e13)
		return fail_usage("rate \"%s\" is not a rate (e.g. 20mbit, 1gbit, 500kbit, 2mbps)",
				  text);
	*bytes_per_s = (uint64_t)llround(v);
	return 0;
}

int impair_params_check(const struct netem_params *p)
{
	if (p->jitter_ns && !p->delay_ns)
		return fail_usage("--jitter needs a --delay to vary");
	if (p->jitter_ns > p->delay_ns)
		return fail_usage("--jitter must not be larger than --delay");
	if (p->reorder && !p->delay_ns)
		return fail_usage("--reorder needs a --delay (reordered packets skip it)");
	return 0;
}
