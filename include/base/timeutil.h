/* SPDX-License-Identifier: GPL-2.0-only */
/* Clocks: monotonic for durations and deadlines, real time for reports. */
#ifndef FABRICCTL_BASE_TIMEUTIL_H
#define FABRICCTL_BASE_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC now, in milliseconds. */
int64_t mono_ms(void);
/* CLOCK_MONOTONIC now. */
struct timespec mono_now(void);
/* @b - @a in seconds. */
double timespec_diff(const struct timespec *a, const struct timespec *b);
/* Seconds since @t0 (CLOCK_MONOTONIC). */
double seconds_since(const struct timespec *t0);
/* @t += @seconds. */
void timespec_add(struct timespec *t, double seconds);
/* Milliseconds since the epoch of @ts (CLOCK_REALTIME). */
uint64_t timespec_epoch_ms(const struct timespec *ts);
/* RFC 3339 UTC with milliseconds: "2026-12-04T02:46:27.123Z"; returns @buf. */
char *format_rfc3339(const struct timespec *ts, char *buf, size_t size);

#endif
