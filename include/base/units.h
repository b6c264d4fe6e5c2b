/* SPDX-License-Identifier: GPL-2.0-only */
/* Numbers for people: "1.5 KiB", "12.3 Mbit/s". */
#ifndef FABRICCTL_BASE_UNITS_H
#define FABRICCTL_BASE_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Binary units: "0 B", "1.5 KiB", "3.0 MiB"; returns @buf. */
char *format_bytes(uint64_t bytes, char *buf, size_t size);
/* SI units after a space, as network rates are: "950 bit/s", "12.3 Mbit/s"; "" unit for counts. */
char *format_rate(double value, const char *unit, char *buf, size_t size);

#endif
