// SPDX-License-Identifier: GPL-2.0-only
/* Human units: binary for sizes, SI for rates. */
#include <stdio.h>

#include "base/units.h"

/*
 * @value in steps of @step through the unit @prefixes, then @unit: "%.0f"
 * in the first unit, "%.1f" above it, with a space before the unit when
 * there is one. Moves up a unit where the value would print as "1000.0 k"
 * or "1024.0 KiB".
 */
static char *format_scaled(double value, const char *const *prefixes, int n, double step,
			   const char *unit, char *buf, size_t size)
{
	int u = 0;

	while (u < n - 1 && (u == 0 ? value >= step : value >= step - 0.05)) {
		value /= step;
		u++;
	}
	snprintf(buf, size, u ? "%.1f%s%s%s" : "%.0f%s%s%s", value,
		 prefixes[u][0] || unit[0] ? " " : "", prefixes[u], unit);
	return buf;
}

char *format_bytes(uint64_t bytes, char *buf, size_t size)
{
	static const char *const prefixes[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};

	return format_scaled((double)bytes, prefixes, 6, 1024.0, "B", buf, size);
}

char *format_rate(double value, const char *unit, char *buf, size_t size)
{
	static const char *const prefixes[] = {"", "k", "M", "G", "T", "P"};

	return format_scaled(value, prefixes, 6, 1000.0, unit, buf, size);
}
