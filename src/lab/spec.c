// SPDX-License-Identifier: GPL-2.0-only
/*
 * The lab file's grammar, walked over libyaml's document tree (which keeps
 * every node's position): one function per mapping, each key checked
 * against its table, each value against its type.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "base/array.h"
#include "base/errors.h"
#include "fabric/fabric.h"
#include "fabric/impair.h"
#include "fabric/ipam.h"
#include "lab/spec.h"
#include "lab/spec_walk.h"

/* ---- impair: {delay, jitter, loss, rate, corrupt, duplicate, reorder} ---- */

static int impair_pair(struct walk *w, const char *key, const yaml_node_t *k, const yaml_node_t *v,
		       void *ctx)
{
	struct netem_params *p = ctx;
	const char *t;
	int err;

	if (strcmp(key, "delay") && strcmp(key, "jitter") && strcmp(key, "loss") &&
	    strcmp(key, "rate") && strcmp(key, "corrupt") && strcmp(key, "duplicate") &&
	    strcmp(key, "reorder"))
		return walk_unknown(w, k, "impair",
				    "delay, jitter, loss, rate, corrupt, duplicate, reorder");
	err = walk_string(w, v, key, 64, &t);
	if (err)
		return err;
	if (!strcmp(key, "delay"))
		err = impair_parse_time(t, "delay", &p->delay_ns);
	else if (!strcmp(key, "jitter"))
		err = impair_parse_time(t, "jitter", &p->jitter_ns);
	else if (!strcmp(key, "loss"))
		err = impair_parse_percent(t, "loss", &p->loss);
	else if (!strcmp(key, "corrupt"))
		err = impair_parse_percent(t, "corrupt", &p->corrupt);
	else if (!strcmp(key, "duplicate"))
		err = impair_parse_percent(t, "duplicate", &p->duplicate);
	else if (!strcmp(key, "reorder"))
		err = impair_parse_percent(t, "reorder", &p->reorder);
	else
		err = impair_parse_rate(t, &p->rate_Bps);
	return err ? lab_error_at(w->s, walk_pos(v), err) : 0;
}

/* An impairment mapping (or null / {} for none): its index in s->impairs. */
static int parse_impair(struct walk *w, const yaml_node_t *n, size_t *index)
{
	struct lab_spec *s = w->s;
	struct netem_params p = {0};
	int err;

	if (!walk_null(n)) {
		err = walk_pairs(w, n, "impair", impair_pair, &p);
		if (err)
			return err;
		err = impair_params_check(&p);
		if (err)
			return lab_error_at(s, walk_pos(n), err);
	}
	if (netem_params_empty(&p)) {
		*index = 0;
		return 0;
	}
	if (ARRAY_RESERVE(s->impairs, s->cap_impairs, s->n_impairs))
		return fail(-ENOMEM, "cannot read %s", s->file);
	s->impairs[s->n_impairs] = (struct lab_impair){p, walk_pos(n)};
	*index = s->n_impairs++;
	return 0;
}

/* ---- nodes ---- */

static int add_node(struct walk *w, const yaml_node_t *at, const char *name, uint32_t addr,
		    size_t impair)
{
	struct lab_spec *s = w->s;
	struct lab_node *nd;
	int err;

	if (s->n_nodes >= LAB_NODES_MAX)
		return walk_bad(w, at, "more than %d nodes", LAB_NODES_MAX);
	err = node_name_validate(name);
	if (err)
		return lab_error_at(s, walk_pos(at), err);
	if (ARRAY_RESERVE(s->nodes, s->cap_nodes, s->n_nodes))
		return fail(-ENOMEM, "cannot read %s", s->file);
	nd = &s->nodes[s->n_nodes++];
	memset(nd, 0, sizeof(*nd));
	snprintf(nd->name, sizeof(nd->name), "%s", name);
	nd->addr = addr;
	nd->impair = impair;
	nd->pos = walk_pos(at);
	return 0;
}

struct node_obj {
	const yaml_node_t *name, *ip;
};

static int node_pair(struct walk *w, const char *key, const yaml_node_t *k, const yaml_node_t *v,
		     void *ctx)
{
	struct node_obj *o = ctx;

	if (!strcmp(key, "name"))
		o->name = v;
	else if (!strcmp(key, "ip"))
		o->ip = v;
	else
		return walk_unknown(w, k, "node", "name, ip");
	return 0;
}

/* One item of a node list: "web1" or {name: web1, ip: 10.42.0.100}. */
static int parse_node_item(struct walk *w, const yaml_node_t *n, size_t impair)
{
	struct node_obj o = {0};
	const char *name, *ip;
	uint32_t addr = 0;
	int err;

	if (n->type == YAML_SCALAR_NODE) {
		err = walk_string(w, n, "node", NODE_NAME_MAX, &name);
		return err ? err : add_node(w, n, name, 0, impair);
	}
	err = walk_pairs(w, n, "node", node_pair, &o);
	if (err)
		return err;
	if (!o.name)
		return walk_bad(w, n, "node: \"name\" is missing");
	err = walk_string(w, o.name, "name", NODE_NAME_MAX, &name);
	if (!err && o.ip) {
		err = walk_string(w, o.ip, "ip", 64, &ip);
		if (!err && ipv4_addr_parse(ip, &addr))
			err = lab_error_at(w->s, walk_pos(o.ip), -EUSAGE);
	}
	return err ? err : add_node(w, o.name, name, addr, impair);
}

struct range {
	const yaml_node_t *count, *name, *start;
};

static int range_pair(struct walk *w, const char *key, const yaml_node_t *k, const yaml_node_t *v,
		      void *ctx)
{
	struct range *r = ctx;

	if (!strcmp(key, "count"))
		r->count = v;
	else if (!strcmp(key, "name"))
		r->name = v;
	else if (!strcmp(key, "start"))
		r->start = v;
	else
		return walk_unknown(w, k, "nodes", "count, name, start");
	return 0;
}

/* {count: N, name: "edge%d", start: 1}: edge1 .. edgeN. */
static int parse_range(struct walk *w, const yaml_node_t *n, size_t impair)
{
	unsigned long count, start = 1;
	struct range r = {0};
	const char *pat, *pct;
	char name[NODE_NAME_MAX + 2];
	int err;

	err = walk_pairs(w, n, "nodes", range_pair, &r);
	if (err)
		return err;
	if (!r.count || !r.name)
		return walk_bad(w, n,
				"nodes: a range needs \"count\" and \"name\" (e.g. {count: 10, "
				"name: \"edge%%d\"})");
	err = walk_uint(w, r.count, "count", 1, LAB_NODES_MAX, &count);
	if (!err && r.start)
		err = walk_uint(w, r.start, "start", 0, 100000000, &start);
	if (!err)
		err = walk_string(w, r.name, "name", NODE_NAME_MAX, &pat);
	if (err)
		return err;
	pct = strchr(pat, '%');
	if (!pct || pct[1] != 'd' || strchr(pct + 1, '%'))
		return walk_bad(w, r.name,
				"name: a range's name needs one %%d where the number goes "
				"(e.g. \"edge%%d\")");
	for (unsigned long i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "%.*s%lu%s", (int)(pct - pat), pat, start + i,
			 pct + 2);
		err = add_node(w, r.name, name, 0, impair);
		if (err)
			return err;
	}
	return 0;
}

static int parse_nodes(struct walk *w, const yaml_node_t *n, size_t impair)
{
	int err;

	if (n->type == YAML_MAPPING_NODE)
		return parse_range(w, n, impair);
	if (n->type != YAML_SEQUENCE_NODE)
		return walk_bad(w, n,
				"nodes: expected a list of names or a range {count, name}, "
				"found %s",
				walk_type(n));
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top;
	     i++) {
		err = parse_node_item(w, yaml_document_get_node(w->doc, *i), impair);
		if (err)
			return err;
	}
	return 0;
}

/* ---- groups ---- */

struct group {
	const yaml_node_t *name, *nodes, *impair;
};

static int group_pair(struct walk *w, const char *key, const yaml_node_t *k, const yaml_node_t *v,
		      void *ctx)
{
	struct group *g = ctx;

	if (!strcmp(key, "name"))
		g->name = v;
	else if (!strcmp(key, "nodes"))
		g->nodes = v;
	else if (!strcmp(key, "impair"))
		g->impair = v;
	else
		return walk_unknown(w, k, "group", "name, nodes, impair");
	return 0;
}

static int parse_groups(struct walk *w, const yaml_node_t *n, size_t default_impair)
{
	const yaml_node_item_t *items;
	size_t count;

	if (n->type != YAML_SEQUENCE_NODE)
		return walk_bad(w, n, "groups: expected a list, found %s", walk_type(n));
	items = n->data.sequence.items.start;
	count = (size_t)(n->data.sequence.items.top - items);
	for (size_t i = 0; i < count; i++) {
		const yaml_node_t *gn = yaml_document_get_node(w->doc, items[i]);
		size_t impair = default_impair;
		struct group g = {0};
		const char *name;
		int err;

		err = walk_pairs(w, gn, "group", group_pair, &g);
		if (err)
			return err;
		if (!g.name)
			return walk_bad(w, gn, "group: \"name\" is missing");
		err = walk_string(w, g.name, "name", 64, &name);
		if (err)
			return err;
		for (size_t j = 0; j < i; j++) {
			const yaml_node_t *other = yaml_document_get_node(w->doc, items[j]);

			for (yaml_node_pair_t *p = other->data.mapping.pairs.start;
			     p < other->data.mapping.pairs.top; p++) {
				const yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
				const yaml_node_t *v = yaml_document_get_node(w->doc, p->value);

				if (!strcmp(walk_text(k), "name") && v->type == YAML_SCALAR_NODE &&
				    !strcmp(walk_text(v), name))
					return walk_bad(w, g.name, "group \"%s\" given twice",
							name);
			}
		}
		if (g.impair) {
			err = parse_impair(w, g.impair, &impair);
			if (err)
				return err;
		}
		if (g.nodes) {
			err = parse_nodes(w, g.nodes, impair);
			if (err)
				return err;
		}
	}
	return 0;
}

/* ---- the top ---- */

struct top {
	const yaml_node_t *fabric, *defaults, *groups;
};

static int defaults_pair(struct walk *w, const char *key, const yaml_node_t *k,
			 const yaml_node_t *v, void *ctx)
{
	const yaml_node_t **impair = ctx;

	if (strcmp(key, "impair"))
		return walk_unknown(w, k, "defaults", "impair");
	*impair = v;
	return 0;
}

static int top_pair(struct walk *w, const char *key, const yaml_node_t *k, const yaml_node_t *v,
		    void *ctx)
{
	struct lab_spec *s = w->s;
	struct top *t = ctx;
	unsigned long u;
	const char *str;
	int err;

	if (!strcmp(key, "fabric")) {
		t->fabric = v;
	} else if (!strcmp(key, "subnet")) {
		err = walk_string(w, v, key, 64, &str);
		if (!err && fabric_subnet_parse(str, &s->subnet))
			err = lab_error_at(s, walk_pos(v), -EUSAGE);
		s->has_subnet = true;
		s->subnet_pos = walk_pos(v);
		return err;
	} else if (!strcmp(key, "mtu")) {
		err = walk_uint(w, v, key, FABRIC_MTU_MIN, FABRIC_MTU_MAX, &u);
		s->mtu = (unsigned int)u;
		s->has_mtu = true;
		s->mtu_pos = walk_pos(v);
		return err;
	} else if (!strcmp(key, "cell-size")) {
		err = walk_uint(w, v, key, 1, 1u << 20, &u);
		if (!err && cell_size_parse(walk_text(v), key, &s->cell_size))
			err = lab_error_at(s, walk_pos(v), -EUSAGE);
		s->has_cell_size = true;
		s->cell_size_pos = walk_pos(v);
		return err;
	} else if (!strcmp(key, "tune")) {
		s->has_tune = true;
		s->tune_pos = walk_pos(v);
		return walk_bool(w, v, key, &s->tune);
	} else if (!strcmp(key, "defaults")) {
		t->defaults = v;
	} else if (!strcmp(key, "groups")) {
		t->groups = v;
	} else {
		return walk_unknown(w, k, "file",
				    "fabric, subnet, mtu, cell-size, tune, defaults, groups");
	}
	return 0;
}

static int addr_cmp(const void *a, const void *b)
{
	const struct lab_node *x = *(struct lab_node *const *)a, *y = *(struct lab_node *const *)b;

	if (x->addr != y->addr)
		return (x->addr > y->addr) - (x->addr < y->addr);
	return (x > y) - (x < y);
}

static int name_cmp(const void *a, const void *b)
{
	const struct lab_node *x = *(struct lab_node *const *)a, *y = *(struct lab_node *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x > y) - (x < y);
}

/* No node named twice, no address given twice: the second one is refused. */
static int check_unique(struct walk *w)
{
	struct lab_spec *s = w->s;
	struct lab_node **by = calloc(s->n_nodes + 1, sizeof(*by));
	int err = 0;

	if (!by)
		return fail(-ENOMEM, "cannot read %s", s->file);
	for (size_t i = 0; i < s->n_nodes; i++)
		by[i] = &s->nodes[i];
	qsort(by, s->n_nodes, sizeof(*by), name_cmp);
	for (size_t i = 1; i < s->n_nodes && !err; i++)
		if (!strcmp(by[i]->name, by[i - 1]->name)) {
			fail_usage("node \"%s\" given twice (first at line %u)", by[i]->name,
				   by[i - 1]->pos.line);
			err = lab_error_at(s, by[i]->pos, -EUSAGE);
		}
	for (size_t i = 0; i < s->n_nodes && !err; i++) {
		struct lab_node *nd = &s->nodes[i];

		if (nd->addr && s->has_subnet && !ipv4_prefix_contains(&s->subnet, nd->addr)) {
			char a[INET_ADDRSTRLEN];

			fail_usage("node \"%s\": ip %s is not in the subnet", nd->name,
				   ipv4_addr_format(nd->addr, a));
			err = lab_error_at(s, nd->pos, -EUSAGE);
		}
	}
	qsort(by, s->n_nodes, sizeof(*by), addr_cmp);
	for (size_t i = 1; i < s->n_nodes && !err; i++)
		if (by[i]->addr && by[i]->addr == by[i - 1]->addr) {
			fail_usage("node \"%s\": ip given twice (also node \"%s\")", by[i]->name,
				   by[i - 1]->name);
			err = lab_error_at(s, by[i]->pos, -EUSAGE);
		}
	free(by);
	return err;
}

static int parse_root(struct walk *w, const yaml_node_t *root)
{
	const yaml_node_t *def_impair = NULL;
	struct lab_spec *s = w->s;
	struct top t = {0};
	size_t impair = 0;
	const char *name;
	int err;

	err = walk_pairs(w, root, "file", top_pair, &t);
	if (err)
		return err;
	if (!t.fabric)
		return walk_bad(w, root, "\"fabric\" (the fabric's name) is missing");
	err = walk_string(w, t.fabric, "fabric", 64, &name);
	if (!err && fabric_name_validate(name))
		err = lab_error_at(s, walk_pos(t.fabric), -EUSAGE);
	if (err)
		return err;
	snprintf(s->fabric, sizeof(s->fabric), "%s", name);
	if (t.defaults) {
		err = walk_pairs(w, t.defaults, "defaults", defaults_pair, &def_impair);
		if (!err && def_impair)
			err = parse_impair(w, def_impair, &impair);
		if (err)
			return err;
	}
	if (t.groups && !walk_null(t.groups)) {
		err = parse_groups(w, t.groups, impair);
		if (err)
			return err;
	}
	return check_unique(w);
}

int lab_spec_parse(const char *file, const char *buf, size_t len, struct lab_spec *out)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	struct walk w = {out, &doc};
	int err;

	memset(out, 0, sizeof(*out));
	snprintf(out->file, sizeof(out->file), "%s", file);
	/* impairs[0]: none. */
	if (ARRAY_RESERVE(out->impairs, out->cap_impairs, 0))
		return fail(-ENOMEM, "cannot read %s", file);
	out->impairs[0] = (struct lab_impair){0};
	out->n_impairs = 1;
	if (!yaml_parser_initialize(&parser))
		return fail(-ENOMEM, "cannot read %s", file);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		fail_usage("%s:%zu:%zu: %s%s%s", file, parser.problem_mark.line + 1,
			   parser.problem_mark.column + 1, parser.problem ? parser.problem : "",
			   parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		lab_spec_free(out);
		return -EUSAGE;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root)
		err = fail_usage("%s:1:1: the file is empty", file);
	else
		err = parse_root(&w, root);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (err)
		lab_spec_free(out);
	return err;
}

int lab_spec_read(const char *path, struct lab_spec *out)
{
	struct stat sb;
	char *buf;
	ssize_t got = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(-errno, "cannot open \"%s\"", path);
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size > LAB_FILE_MAX) {
		close(fd);
		return fail_usage("\"%s\" is not a regular file of at most %u MiB", path,
				  LAB_FILE_MAX >> 20);
	}
	buf = malloc((size_t)sb.st_size + 1);
	if (!buf) {
		close(fd);
		return fail(-ENOMEM, "cannot read \"%s\"", path);
	}
	while (got < sb.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)(sb.st_size - got));

		if (r <= 0) {
			err = r < 0 ? -errno : -EIO;
			close(fd);
			free(buf);
			return fail(err, "cannot read \"%s\"", path);
		}
		got += r;
	}
	close(fd);
	err = lab_spec_parse(path, buf, (size_t)got, out);
	free(buf);
	return err;
}

void lab_spec_free(struct lab_spec *s)
{
	free(s->nodes);
	free(s->impairs);
	s->nodes = NULL;
	s->impairs = NULL;
	s->n_nodes = s->cap_nodes = s->n_impairs = s->cap_impairs = 0;
}
