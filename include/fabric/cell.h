/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cells: a fabric's nodes are spread over bridges of at most cell_size
 * slots each, so that one broadcast never floods more ports than the
 * kernel's backlog takes and no bridge reaches its 1024-port limit.
 *
 * One cell: the bridge <fabric>-c0 holds the gateway (the subnet's first
 * address) as in the simplest fabric. Several cells: each cell is its own
 * subnet slice, and a router namespace of the fabric's own
 * (".fabricctl-<fabric>", ip_forward=1 there only) has one leg on every
 * cell's bridge holding that cell's gateway. The host keeps an address on
 * c0 (slot 2) and a route to the whole subnet via cell 0's gateway, so it
 * reaches every node; the host itself never forwards.
 */
#ifndef FABRICCTL_FABRIC_CELL_H
#define FABRICCTL_FABRIC_CELL_H

#include "fabric/state.h"
#include "kernel/nl.h"

struct cell_set {
	const struct fabric_state *st;
	struct nl_sock *host;  /* borrowed: the host netns socket */
	struct nl_sock router; /* inside the router netns, opened on demand */
	int *bridge_ifindex;   /* per cell: 0 = not looked up yet */
	bool *made_here;       /* per cell: made through this set (a rollback takes it away) */
};

int cells_init(struct cell_set *c, const struct fabric_state *st, struct nl_sock *host);
void cells_close(struct cell_set *c);

/**
 * cells_bridge() - ifindex of the bridge of cell @cell, making the cell
 * (bridge, addresses, router leg) when it does not exist yet.
 * Returns > 0 or -errno (with the reason recorded).
 */
int cells_bridge(struct cell_set *c, uint32_t cell);

/*
 * Rollback: every cell made through @c that holds no complete node of
 * c->st goes again (its bridge and router leg).
 */
void cells_drop_unused(struct cell_set *c);

/*
 * After a delete: the bridge and router leg of each cell of @cells (@n,
 * repeats allowed; cell 0 never) that holds no complete node of @st now,
 * proven ours by name and birth mark, go in one unregister -- unless a
 * link that is not ours is a port of the bridge (it stays enslaved, and
 * check reports it). 0 or -errno (recorded; what is left is a stray link
 * that check --repair removes).
 */
int cells_drop_emptied(struct nl_sock *host, const struct fabric_state *st, const uint32_t *cells,
		       size_t n);

/* The bridge of @cell if it exists and is ours: ifindex, 0 when missing, or -errno. */
int cells_bridge_lookup(struct cell_set *c, uint32_t cell);

/* Make the router namespace of a fabric of several cells; st->router_ino gets its inode. */
int cells_create_router(struct fabric_state *st);
/* Remove it when it is ours (0 when there is none; -EEXIST, recorded, when it is not ours). */
int cells_delete_router(const char *fabric);

/* The gateway address of @slot's cell. */
uint32_t cell_gateway_of(const struct fabric_state *st, uint32_t slot);
/* The host's address on cell 0's bridge, and its prefix length. */
uint32_t cell_host_addr(const struct fabric_state *st, unsigned int *prefix_len);

/* The MACs a cell's bridge and its router leg's host end are made with. */
void cell_bridge_mac(const struct fabric_state *st, uint32_t cell, uint8_t mac[6]);
void cell_leg_mac(const struct fabric_state *st, uint32_t cell, uint8_t mac[6]);

/* The router's leg into @cell, on the bridge @br_ifindex (the router must exist). */
int cells_make_leg(struct cell_set *c, uint32_t cell, int br_ifindex);
/* A socket inside the router namespace (opened on first use, owned by @c). */
int cells_router_socket(struct cell_set *c, struct nl_sock **out);

#endif
