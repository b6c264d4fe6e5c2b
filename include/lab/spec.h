/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A lab file: the fabric a user wants, read from YAML (or JSON, which is
 * YAML) with libyaml. Every key is checked and every problem is refused
 * as "FILE:LINE:COLUMN: message" before anything is done. Node ranges
 * ({count, name: "edge%d"}) are expanded here, so the spec is flat: one
 * entry per node, each with its own impairment (a group's, or the
 * defaults', or none).
 */
#ifndef FABRICCTL_LAB_SPEC_H
#define FABRICCTL_LAB_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ipv4.h"
#include "fabric/names.h"
#include "kernel/netem.h"

#define LAB_NODES_MAX 1000000 /* a sanity bound on a file's nodes */
#define LAB_FILE_MAX (64u << 20)

/* Where a value is in the file, 1-based (0: not in the file). */
struct lab_pos {
	unsigned int line, col;
};

struct lab_node {
	char name[NODE_NAME_MAX + 1];
	uint32_t addr;	    /* host order; 0: any free address */
	size_t impair;	    /* index into lab_spec.impairs; 0 is "none" */
	struct lab_pos pos; /* of the node's name */
};

/* An impairment as written (impairs[0] is the empty one). */
struct lab_impair {
	struct netem_params p;
	struct lab_pos pos;
};

struct lab_spec {
	char file[256]; /* for messages */
	char fabric[FABRIC_NAME_MAX + 1];
	bool has_subnet, has_mtu, has_cell_size, has_tune;
	struct ipv4_prefix subnet;
	unsigned int mtu;
	uint32_t cell_size;
	bool tune;
	struct lab_pos subnet_pos, mtu_pos, cell_size_pos, tune_pos;
	struct lab_node *nodes; /* in file order */
	size_t n_nodes, cap_nodes;
	struct lab_impair *impairs;
	size_t n_impairs, cap_impairs;
};

/* Read @path (at most LAB_FILE_MAX bytes): 0, or -EUSAGE / -errno (recorded). */
int lab_spec_read(const char *path, struct lab_spec *out);
/* Parse @len bytes at @buf named @file in messages: 0 or -EUSAGE (recorded). */
int lab_spec_parse(const char *file, const char *buf, size_t len, struct lab_spec *out);
void lab_spec_free(struct lab_spec *s);

/* "FILE:LINE:COL: " in front of the recorded error (or "FILE: " with no position). */
int lab_error_at(const struct lab_spec *s, struct lab_pos pos, int err);

#endif
