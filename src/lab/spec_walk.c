// SPDX-License-Identifier: GPL-2.0-only
/* The lab file's values: typed reads of libyaml nodes, each error located. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/errors.h"
#include "lab/spec_walk.h"

struct lab_pos walk_pos(const yaml_node_t *n)
{
	return (struct lab_pos){(unsigned int)n->start_mark.line + 1,
				(unsigned int)n->start_mark.column + 1};
}

int lab_error_at(const struct lab_spec *s, struct lab_pos pos, int err)
{
	if (!pos.line)
		return fail_wrap(err, "%s", s->file);
	return fail_wrap(err, "%s:%u:%u", s->file, pos.line, pos.col);
}

/* A usage error at @n: "FILE:LINE:COL: message". */
int walk_bad(struct walk *w, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail_usage("%s", msg);
	return lab_error_at(w->s, walk_pos(n), -EUSAGE);
}

const char *walk_type(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return "a scalar";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

const char *walk_text(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* A scalar holding text (any style), at most @max bytes, no NUL inside. */
int walk_string(struct walk *w, const yaml_node_t *n, const char *key, size_t max, const char **out)
{
	if (n->type != YAML_SCALAR_NODE)
		return walk_bad(w, n, "%s: expected a string, found %s", key, walk_type(n));
	if (n->data.scalar.length > max || strlen(walk_text(n)) != n->data.scalar.length)
		return walk_bad(w, n, "%s: a string of at most %zu characters expected", key, max);
	*out = walk_text(n);
	return 0;
}

bool walk_plain(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* A plain decimal integer from @min to @max (a quoted "1500" is a string, refused). */
int walk_uint(struct walk *w, const yaml_node_t *n, const char *key, unsigned long min,
	      unsigned long max, unsigned long *out)
{
	const char *t = walk_plain(n) ? walk_text(n) : NULL;
	unsigned long v = 0;

	if (!t || !t[0] || strspn(t, "0123456789") != strlen(t) || strlen(t) > 10 ||
	    (t[0] == '0' && t[1]))
		return walk_bad(
			w, n, "%s: expected a whole number, found %s%s%s%s", key,
			n->type == YAML_SCALAR_NODE ? "\"" : walk_type(n),
			n->type == YAML_SCALAR_NODE ? walk_text(n) : "",
			n->type == YAML_SCALAR_NODE ? "\"" : "",
			n->type == YAML_SCALAR_NODE && !walk_plain(n) ? " (quoted: a string)" : "");
	for (; *t; t++)
		v = v * 10 + (unsigned long)(*t - '0');
	if (v < min || v > max)
		return walk_bad(w, n, "%s: %lu is out of range (%lu to %lu)", key, v, min, max);
	*out = v;
	return 0;
}

int walk_bool(struct walk *w, const yaml_node_t *n, const char *key, bool *out)
{
	const char *t = walk_plain(n) ? walk_text(n) : "";

	if (!strcmp(t, "true") || !strcmp(t, "yes") || !strcmp(t, "on"))
		*out = true;
	else if (!strcmp(t, "false") || !strcmp(t, "no") || !strcmp(t, "off"))
		*out = false;
	else
		return walk_bad(w, n, "%s: expected true or false", key);
	return 0;
}

bool walk_null(const yaml_node_t *n)
{
	const char *t = walk_plain(n) ? walk_text(n) : NULL;

	return t && (!t[0] || !strcmp(t, "~") || !strcmp(t, "null"));
}

/* Call @on_key(key text, value) for each pair of mapping @n, refusing duplicate keys. */
typedef int (*pair_cb)(struct walk *w, const char *key, const yaml_node_t *k, const yaml_node_t *v,
		       void *ctx);

int walk_pairs(struct walk *w, const yaml_node_t *n, const char *what, pair_cb cb, void *ctx)
{
	if (n->type != YAML_MAPPING_NODE)
		return walk_bad(w, n, "%s: expected a mapping, found %s", what, walk_type(n));
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		const yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
		const yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
		int err;

		if (!k || !v || k->type != YAML_SCALAR_NODE)
			return walk_bad(w, k ? k : n, "%s: a key must be a string", what);
		for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
			const yaml_node_t *k2 = yaml_document_get_node(w->doc, q->key);

			if (k2 && k2->type == YAML_SCALAR_NODE &&
			    !strcmp(walk_text(k2), walk_text(k)))
				return walk_bad(w, k, "%s: key \"%s\" given twice", what,
						walk_text(k));
		}
		err = cb(w, walk_text(k), k, v, ctx);
		if (err)
			return err;
	}
	return 0;
}

int walk_unknown(struct walk *w, const yaml_node_t *k, const char *what, const char *keys)
{
	return walk_bad(w, k, "%s: unknown key \"%.64s\" (known: %s)", what, walk_text(k), keys);
}
