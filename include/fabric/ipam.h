/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IPv4 address management by slot: slot i of subnet N/p is address N + i.
 * The subnet is cut into cells of cell_size slots (a power of two); in
 * every cell, offset 0 is the cell's network, offset 1 its gateway and the
 * last offset its broadcast. A fabric of one cell is the plain case: slot 1
 * is the gateway on the bridge. In a fabric of several cells, slot 2 (in
 * cell 0) is also reserved: it is the host's address on the first bridge.
 * A bitmap (reserved slots pre-marked) and a rotating cursor make
 * allocation O(1) amortised (64 slots per word test), filling cells in order.
 */
#ifndef FABRICCTL_FABRIC_IPAM_H
#define FABRICCTL_FABRIC_IPAM_H

#include <stdbool.h>
#include <stdint.h>

#include "base/ipv4.h"

#define IPAM_MIN_PREFIX 13 /* 2^19 slots: "<fabric>-<slot>" still fits IFNAMSIZ */
#define IPAM_MAX_PREFIX 30
#define IPAM_GATEWAY_SLOT 1 /* offset of a cell's gateway */
#define IPAM_HOST_SLOT 2    /* the host's address, when there are several cells */
/* Cells: a power of two of slots, one bridge each (see cell.h). */
#define CELL_SIZE_MIN 64   /* "<fabric>-c<cell>" fits IFNAMSIZ for a /13 */
#define CELL_SIZE_MAX 1024 /* LIMITS_BR_MAX_PORTS: a bridge takes 1024 ports */
/* 509 nodes + router leg per bridge: one ARP broadcast stays well inside
 * the default netdev_max_backlog (1000). */
#define CELL_DEFAULT_SIZE 512

struct ipam {
	struct ipv4_prefix subnet;
	uint32_t n_slots;	   /* 2^(32-len) */
	uint32_t cell_size;	   /* slots per cell, a power of two <= n_slots */
	uint32_t used;		   /* node slots in use */
	uint32_t cursor;	   /* where the next search starts */
	uint32_t node_lo, node_hi; /* node slots only in [lo, hi) when hi != 0 (a site's block) */
	uint64_t *bitmap;
};

/**
 * fabric_subnet_parse() - a fabric's subnet: "A.B.C.D/LEN" as
 * ipv4_prefix_parse() takes it, with LEN from /IPAM_MIN_PREFIX to
 * /IPAM_MAX_PREFIX. Returns 0 or -EUSAGE with the reason recorded.
 */
int fabric_subnet_parse(const char *text, struct ipv4_prefix *out);
/*
 * A cell size: a power of two from CELL_SIZE_MIN to CELL_SIZE_MAX, the one
 * rule for every front-end. @what names the setting in the error
 * ("--cell-size"). 0 or -EUSAGE.
 */
int cell_size_parse(const char *text, const char *what, uint32_t *out);

/* @cell_size 0 or >= the subnet's size means one cell. 0 or -EINVAL. */
int ipam_init(struct ipam *ipam, const struct ipv4_prefix *subnet, uint32_t cell_size);
void ipam_free(struct ipam *ipam);
/* Number of slots nodes can ever use (size - network - gateway - broadcast). */
uint32_t ipam_capacity(const struct ipam *ipam);
uint32_t ipam_free_count(const struct ipam *ipam);
/* Allocate the next free node slot: 0 and *slot, or -ENOSPC. */
int ipam_alloc_slot(struct ipam *ipam, uint32_t *slot);
/* Claim a given slot: 0, -EEXIST if taken, -EINVAL if not a node slot. */
int ipam_claim_slot(struct ipam *ipam, uint32_t slot);
/* Address -> slot: 0 or -EINVAL when outside the subnet. */
int ipam_slot_of(const struct ipam *ipam, uint32_t addr, uint32_t *slot);
bool ipam_slot_is_node(const struct ipam *ipam, uint32_t slot);
bool ipam_slot_used(const struct ipam *ipam, uint32_t slot);
void ipam_release_slot(struct ipam *ipam, uint32_t slot);
uint32_t ipam_addr_of(const struct ipam *ipam, uint32_t slot);

static inline bool ipam_multi_cell(const struct ipam *ipam)
{
	return ipam->cell_size < ipam->n_slots;
}

static inline uint32_t ipam_n_cells(const struct ipam *ipam)
{
	return ipam->n_slots / ipam->cell_size;
}

static inline uint32_t ipam_cell_of(const struct ipam *ipam, uint32_t slot)
{
	return slot / ipam->cell_size;
}

/* Prefix length the nodes of a cell see (the cell's, not the fabric's). */
unsigned int ipam_cell_prefix_len(const struct ipam *ipam);
/* Slot of cell @cell's gateway. */
uint32_t ipam_cell_gateway_slot(const struct ipam *ipam, uint32_t cell);

#endif
