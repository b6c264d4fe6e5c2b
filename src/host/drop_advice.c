// SPDX-License-Identifier: GPL-2.0-only
/* Drop reasons that mean "the host is too small for this fabric", with the fix. */
#include <stddef.h>
#include <string.h>

#include "host/drop_advice.h"

static const struct drop_advice advice[] = {
	{"CPU_BACKLOG", "net.core.netdev_max_backlog",
	 "a CPU's input backlog overflowed: a broadcast flooded to more ports of a cell than "
	 "net.core.netdev_max_backlog holds",
	 "sysctl -w net.core.netdev_max_backlog=<ports of the largest cell + 64> (`fabricctl "
	 "doctor --nodes N` shows it; `create --tune` sets it), or smaller cells (--cell-size)"},
	{"NEIGH_CREATEFAIL", "net.ipv4.neigh.default.gc_thresh3",
	 "the neighbour table (one for all namespaces) is full: \"neighbor table overflow\"",
	 "sysctl -w net.ipv4.neigh.default.gc_thresh3=<2 per node + 256> and gc_thresh2=<2 per "
	 "node + 128> (`create --tune` sets both)"},
	{"NEIGH_QUEUEFULL", "net.ipv4.neigh.default.unres_qlen_bytes",
	 "packets waiting for ARP resolution overflowed the neighbour's queue",
	 "sysctl -w net.ipv4.neigh.default.unres_qlen_bytes=<larger>; many nodes sending to "
	 "one unresolved address at once also fill it"},
	{"NEIGH_FAILED", "net.ipv4.neigh.default.gc_thresh3",
	 "ARP resolution failed: with a full neighbour table entries are evicted before they "
	 "resolve (otherwise: the destination does not answer)",
	 "check `fabricctl doctor --nodes N` for gc_thresh3; raise it (`create --tune`)"},
	{"SOCKET_RCVBUFF", "net.core.rmem_default",
	 "a socket's receive buffer was full: the receiver is slower than its senders",
	 "sysctl -w net.core.rmem_default=<larger> net.core.rmem_max=<larger>, or a "
	 "larger SO_RCVBUF in the receiving program"},
};

const struct drop_advice *drop_advice_find(const char *reason)
{
	for (size_t i = 0; i < sizeof(advice) / sizeof(advice[0]); i++)
		if (!strcmp(advice[i].reason, reason))
			return &advice[i];
	return NULL;
}
