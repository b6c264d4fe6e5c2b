// SPDX-License-Identifier: GPL-2.0-only
/* Time arithmetic, in one place. */
#include <math.h>
#include <stdio.h>

#include "base/timeutil.h"

struct timespec mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

int64_t mono_ms(void)
{
	struct timespec ts = mono_now();

	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double timespec_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

double seconds_since(const struct timespec *t0)
{
	struct timespec now = mono_now();

	return timespec_diff(t0, &now);
}

void timespec_add(struct timespec *t, double seconds)
{
	long long ns = (long long)t->tv_nsec + llround(seconds * 1e9);

	t->tv_sec += ns / 1000000000LL;
	t->tv_nsec = ns % 1000000000LL;
}

uint64_t timespec_epoch_ms(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000 + (uint64_t)ts->tv_nsec / 1000000;
}

char *format_rfc3339(const struct timespec *ts, char *buf, size_t size)
{
	struct tm tm;
	size_t len;

	gmtime_r(&ts->tv_sec, &tm);
	len = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + len, size - len, ".%03uZ", (unsigned int)(ts->tv_nsec / 1000000) % 1000);
	return buf;
}
