/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One Prometheus scrape: every fabric (or the named ones) read at this
 * moment -- record and pinned counters map -- as one exposition text.
 */
#ifndef FABRICCTL_STATS_SCRAPE_H
#define FABRICCTL_STATS_SCRAPE_H

#include <stddef.h>

#include "base/text_buf.h"

/*
 * Read the fabrics @names (@n of them; 0: every fabric there is now) and
 * print their counters, cell matrix and drops in the Prometheus text format
 * into @out (emptied first; its buffer is reused and grown: the caller frees
 * out->p). A fabric that is gone, not finished or unreadable is left
 * out and counted in fabricctl_exporter_fabrics_unreadable; named fabrics
 * that do not exist are simply absent. 0 or -errno (out of memory).
 */
int stats_scrape(char *const *names, size_t n, unsigned int flags, struct text_buf *out);

/*
 * @flags: node-pair series (fabricctl_pair_packets_total, up to
 * FABRIC_PAIRS_MAX per fabric) besides the per-node and per-cell ones.
 */
#define STATS_SCRAPE_PAIRS 1u

#endif
