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
#ifndef FABRICCTL_IPAM_H
#define FABRICCTL_IPAM_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#define IPAM_MIN_PREFIX 13 /* 2^19 slots: "<fabric>-<slot>" still fits IFNAMSIZ */
#define IPAM_MAX_PREFIX 30
#define IPAM_GATEWAY_SLOT 1 /* offset of a cell's gateway */
#define IPAM_HOST_SLOT 2    /* the host's address, when there are several cells */
#define IPAM_MIN_CELL 64    /* "<fabric>-c<cell>" fits IFNAMSIZ for /13 */

struct ipv4_prefix {
	uint32_t addr; /* network address, host byte order */
	unsigned int len;
};

struct ipam {
	struct ipv4_prefix subnet;
	uint32_t n_slots; /* 2^(32-len) */
	uint32_t cell_size; /* slots per cell, a power of two <= n_slots */
	uint32_t used;    /* node slots in use */
	uint32_t cursor;  /* where the next search starts */
	uint64_t *bitmap;
};

/**
 * ipv4_prefix_parse() - parse "A.B.C.D/LEN" strictly (no host bits set).
 * Returns 0 or -EUSAGE with the reason recorded by fail_usage().
 */
int ipv4_prefix_parse(const char *text, struct ipv4_prefix *out);
/* Parse a dotted quad into host byte order. 0 or -EUSAGE. */
int ipv4_addr_parse(const char *text, uint32_t *out);
/* Format into buf (>= INET_ADDRSTRLEN); returns buf. */
char *ipv4_addr_format(uint32_t addr, char *buf);
/* "A.B.C.D/LEN" into buf (>= 19 bytes); returns buf. */
char *ipv4_prefix_format(const struct ipv4_prefix *p, char *buf);
bool ipv4_prefix_overlaps(const struct ipv4_prefix *a, const struct ipv4_prefix *b);
bool ipv4_prefix_contains(const struct ipv4_prefix *p, uint32_t addr);

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
