/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Typed reads of the nodes of a lab file's libyaml document, for the
 * grammar in spec.c: each refuses a wrong type or value as a usage error
 * located "FILE:LINE:COL" at the node. Internal to the lab layer.
 */
#ifndef FABRICCTL_LAB_SPEC_WALK_H
#define FABRICCTL_LAB_SPEC_WALK_H

#include <stdbool.h>
#include <yaml.h>

#include "lab/spec.h"

struct walk {
	struct lab_spec *s;
	yaml_document_t *doc;
};

struct lab_pos walk_pos(const yaml_node_t *n);
/* A usage error at @n: "FILE:LINE:COL: message". Returns -EUSAGE. */
int walk_bad(struct walk *w, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "a scalar", "a list", "a mapping". */
const char *walk_type(const yaml_node_t *n);
/* A scalar's text. */
const char *walk_text(const yaml_node_t *n);
/* Is @n a plain (unquoted) scalar? */
bool walk_plain(const yaml_node_t *n);
/* null, ~ or nothing. */
bool walk_null(const yaml_node_t *n);
/* A scalar holding text (any style) of at most @max bytes. */
int walk_string(struct walk *w, const yaml_node_t *n, const char *key, size_t max,
		const char **out);
/* A plain decimal integer from @min to @max (a quoted one is a string: refused). */
int walk_uint(struct walk *w, const yaml_node_t *n, const char *key, unsigned long min,
	      unsigned long max, unsigned long *out);
/* true/false (yes/no, on/off), plain. */
int walk_bool(struct walk *w, const yaml_node_t *n, const char *key, bool *out);

/* Called for each pair of a mapping with the key's text. */
typedef int (*pair_cb)(struct walk *w, const char *key, const yaml_node_t *k, const yaml_node_t *v,
		       void *ctx);
/* @cb for each pair of mapping @n (@what names it), refusing a duplicate key. */
int walk_pairs(struct walk *w, const yaml_node_t *n, const char *what, pair_cb cb, void *ctx);
/* "unknown key" at @k, listing the @keys @what knows. */
int walk_unknown(struct walk *w, const yaml_node_t *k, const char *what, const char *keys);

#endif
