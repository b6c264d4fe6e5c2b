// SPDX-License-Identifier: GPL-2.0-only
/* fabricctl del-node FABRIC NODE... | --all */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "base/timeutil.h"
#include "cli/cmd_common.h"
#include "cli/commands.h"
#include "fabric/fabric.h"

static const char del_help[] =
	"Usage: fabricctl del-node FABRIC NODE [NODE...]\n"
	"       fabricctl del-node FABRIC --all\n"
	"\n"
	"Delete nodes: their veths (moved to a group and deleted in one request), their\n"
	"namespaces (unmounted; the kernel frees them in the background) and their\n"
	"counters. Their addresses become free for later nodes. Every NODE must belong\n"
	"to FABRIC, or nothing is deleted.\n"
	"\n"
	"A node's namespace that holds a link fabricctl did not make is left in\n"
	"place (the node still leaves the fabric), with a warning naming it.\n"
	"\n"
	"With -j: {fabric, deleted: [NODE...], seconds, left}; \"left\" lists those\n"
	"warnings when there are any.\n";

static int del_option(int c, const char *arg, void *ctx)
{
	(void)arg;
	if (c != 'a')
		return -EUSAGE;
	*(bool *)ctx = true;
	return 0;
}

/* The nodes named (or all), each once, every one in the fabric. */
static int find_nodes(struct fabric_state *st, char **names, size_t n, bool all,
		      struct fabric_node **nodes)
{
	for (size_t i = 0; i < n; i++) {
		nodes[i] = all ? &st->nodes[i] : state_find_node(st, names[i]);
		if (!nodes[i])
			return fail_msg(-ENOENT, "node \"%s\" is not in fabric \"%s\"", names[i],
					st->name);
		for (size_t j = 0; j < i && !all; j++)
			if (nodes[j] == nodes[i])
				return fail_usage("node \"%s\" is named twice", names[i]);
	}
	return 0;
}

static void print_deleted(const char *fabric, char **deleted, size_t n, double seconds,
			  const struct notes *left)
{
	struct printer p;

	cmd_print_left(left);
	if (cli_out.quiet && !cli_out.json)
		return;
	cli_printer(&p);
	print_open_object(&p, NULL);
	print_string(&p, "fabric", NULL, fabric);
	print_open_array(&p, "deleted");
	for (size_t i = 0; i < n && p.json; i++)
		json_string(&p.jw, deleted[i] ? deleted[i] : "");
	print_close_array(&p);
	if (n == 1)
		print_text(&p, "deleted node %s\n", deleted[0] ? deleted[0] : "");
	else
		print_text(&p, "deleted %zu nodes from %s in ", n, fabric);
	print_double(&p, "seconds", n == 1 ? NULL : "%.2f s\n", seconds);
	cmd_print_left_json(&p, left);
	print_close_object(&p);
	print_end(&p);
}

int cmd_del_node(int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct fabric_node **nodes = NULL;
	struct notes left = {0};
	char **deleted = NULL;
	struct state_lock lock;
	struct fabric_state st;
	struct timespec start;
	const char *fabric;
	bool all = false;
	char **names;
	int first, err;
	size_t n;

	err = cmd_parse(argc, argv, del_help, "", opts, del_option, &all, &first);
	if (err)
		return err > 0 ? 0 : err;
	if (first >= argc)
		return fail_usage("del-node needs a FABRIC; see `fabricctl del-node --help`");
	fabric = argv[first++];
	err = fabric_name_validate(fabric);
	if (err)
		return err;
	cmd_context("del-node", fabric);
	names = argv + first;
	n = (size_t)(argc - first);
	if (all == (n > 0))
		return fail_usage("del-node needs NODE names or --all (not both)");
	for (size_t i = 0; i < n; i++) {
		err = node_name_validate(names[i]);
		if (err)
			return err;
	}
	err = cmd_open_fabric(fabric, &lock, &st);
	if (err)
		return err;
	if (all)
		n = st.n_nodes;
	nodes = calloc(n + 1, sizeof(*nodes));
	deleted = calloc(n + 1, sizeof(*deleted));
	if (!nodes || !deleted) {
		err = fail(-ENOMEM, "cannot delete %zu nodes", n);
		goto out;
	}
	err = find_nodes(&st, names, n, all, nodes);
	if (err)
		goto out;
	/* Names for the report, before the records go. */
	for (size_t i = 0; i < n; i++)
		deleted[i] = strdup(nodes[i]->name);
	start = mono_now();
	cmd_progress_begin("deleting", n);
	err = fabric_del_nodes(&st, nodes, n, &left, cmd_progress, NULL);
	cmd_progress_end();
	if (!err)
		print_deleted(fabric, deleted, n, seconds_since(&start), &left);
	notes_free(&left);
	for (size_t i = 0; i < n; i++)
		free(deleted[i]);
out:
	free(deleted);
	free(nodes);
	state_free(&st);
	state_unlock(&lock);
	return err;
}
