// SPDX-License-Identifier: GPL-2.0-only
/* fabricctl impair FABRIC NODE... [--delay T ...] | --clear | --show */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/errors.h"
#include "cli/cmd_common.h"
#include "cli/commands.h"
#include "fabric/fabric.h"
#include "fabric/impair.h"

static const char impair_help[] =
	"Usage: fabricctl impair FABRIC NODE... [--delay T] [--jitter T] [--loss P%]\n"
	"                        [--rate R] [--corrupt P%] [--duplicate P%] [--reorder P%]\n"
	"       fabricctl impair FABRIC NODE... --clear\n"
	"       fabricctl impair FABRIC NODE... --show\n"
	"\n"
	"Impair the links of nodes with netem (a rate alone, on a kernel without\n"
	"netem, with tbf): the same settings on the host veth's\n"
	"egress (what the node receives) and on the node's eth0 egress (what it sends),\n"
	"so --delay 20ms adds 40 ms to every round trip with the node. Counting goes on:\n"
	"netem is the root qdisc, the counting filters stay on clsact. Settings replace\n"
	"the node's earlier ones as a whole; options not given are off.\n"
	"\n"
	"  --delay T        added latency: 20ms, 300us, 1s\n"
	"  --jitter T       random variation of the delay (needs --delay)\n"
	"  --loss P%        packets dropped at random, e.g. 0.5%\n"
	"  --rate R         rate limit: 20mbit, 1gbit, 500kbit, 2mbps (bytes); netem's\n"
	"                   own, or a tbf (10 ms bucket, 100 ms queue) without netem\n"
	"  --corrupt P%     packets with a flipped bit\n"
	"  --duplicate P%   packets sent twice\n"
	"  --reorder P%     packets sent at once, ahead of delayed ones (needs --delay)\n"
	"  --clear          remove the impairment of the nodes\n"
	"  --show           read the nodes' impairment back from the kernel\n"
	"\n"
	"Every NODE must belong to FABRIC, or nothing changes; a failure puts every\n"
	"link back as it was. With -j, --show gives [{node, host, inside}], each side\n"
	"null or {qdisc, delay_us, jitter_us, loss, corrupt, duplicate, reorder, rate_bps}\n"
	"(percentages and bits per second).\n";

enum {
	OPT_DELAY = 256,
	OPT_JITTER,
	OPT_LOSS,
	OPT_RATE,
	OPT_CORRUPT,
	OPT_DUP,
	OPT_REORDER,
	OPT_CLEAR,
	OPT_SHOW
};

struct impair_args {
	struct netem_params p;
	bool any, clear, show;
};

static int impair_option(int c, const char *arg, void *ctx)
{
	struct impair_args *a = ctx;

	a->any |= c < OPT_CLEAR;
	switch (c) {
	case OPT_DELAY:
		return impair_parse_time(arg, "--delay", &a->p.delay_ns);
	case OPT_JITTER:
		return impair_parse_time(arg, "--jitter", &a->p.jitter_ns);
	case OPT_LOSS:
		return impair_parse_percent(arg, "--loss", &a->p.loss);
	case OPT_RATE:
		return impair_parse_rate(arg, &a->p.rate_Bps);
	case OPT_CORRUPT:
		return impair_parse_percent(arg, "--corrupt", &a->p.corrupt);
	case OPT_DUP:
		return impair_parse_percent(arg, "--duplicate", &a->p.duplicate);
	case OPT_REORDER:
		return impair_parse_percent(arg, "--reorder", &a->p.reorder);
	case OPT_CLEAR:
		a->clear = true;
		return 0;
	case OPT_SHOW:
		a->show = true;
		return 0;
	}
	return -EUSAGE;
}

static void print_side(struct printer *p, const char *key, bool set, bool tbf,
		       const struct netem_params *q)
{
	if (!set) {
		print_null(p, key, "none");
		return;
	}
	print_open_object(p, key);
	print_string(p, "qdisc", "%s: ", tbf ? "tbf" : "netem");
	print_double(p, "delay_us", NULL, q->delay_ns / 1e3);
	print_double(p, "jitter_us", NULL, q->jitter_ns / 1e3);
	print_text(p, "delay %g ms jitter %g ms", q->delay_ns / 1e6, q->jitter_ns / 1e6);
	print_double(p, "loss", " loss %g%%", impair_percent(q->loss));
	print_double(p, "corrupt", " corrupt %g%%", impair_percent(q->corrupt));
	print_double(p, "duplicate", " duplicate %g%%", impair_percent(q->duplicate));
	print_double(p, "reorder", " reorder %g%%", impair_percent(q->reorder));
	print_uint(p, "rate_bps", " rate %s bit/s", q->rate_Bps * 8);
	print_close_object(p);
}

static void print_show(struct fabric_node **nodes, size_t n, const struct impair_view *v)
{
	struct printer p;

	cli_printer(&p);
	print_open_array(&p, NULL);
	for (size_t i = 0; i < n; i++) {
		print_open_object(&p, NULL);
		print_string(&p, "node", "%s\n", nodes[i]->name);
		print_text(&p, "  host veth egress (to the node): ");
		print_side(&p, "host", v[i].host_set, v[i].host_tbf, &v[i].host);
		print_text(&p, "\n  eth0 egress (from the node):    ");
		print_side(&p, "inside", v[i].inside_set, v[i].inside_tbf, &v[i].inside);
		print_text(&p, "\n");
		print_close_object(&p);
	}
	print_close_array(&p);
	print_end(&p);
}

static void print_done(const char *fabric, size_t n, bool clear)
{
	struct printer p;

	if (cli_out.quiet && !cli_out.json)
		return;
	cli_printer(&p);
	print_open_object(&p, NULL);
	print_string(&p, "fabric", NULL, fabric);
	print_uint(&p, "nodes",
		   clear ? "cleared the impairment of %s nodes\n" : "impaired %s nodes\n", n);
	print_bool(&p, "cleared", NULL, clear);
	print_close_object(&p);
	print_end(&p);
}

/* The nodes named, each once, every one in the fabric. */
static int find_nodes(struct fabric_state *st, char **names, size_t n, struct fabric_node **nodes)
{
	for (size_t i = 0; i < n; i++) {
		nodes[i] = state_find_node(st, names[i]);
		if (!nodes[i])
			return fail_msg(-ENOENT, "node \"%s\" is not in fabric \"%s\"", names[i],
					st->name);
		for (size_t j = 0; j < i; j++)
			if (nodes[j] == nodes[i])
				return fail_usage("node \"%s\" is named twice", names[i]);
	}
	return 0;
}

static int impair_run(struct impair_args *a, const char *fabric, char **names, size_t n)
{
	struct fabric_node **nodes = calloc(n + 1, sizeof(*nodes));
	struct impair_view *views = calloc(n + 1, sizeof(*views));
	struct state_lock lock;
	struct fabric_state st;
	int err;

	if (!nodes || !views) {
		free(nodes);
		free(views);
		return fail(-ENOMEM, "cannot impair %zu nodes", n);
	}
	err = a->show ? cmd_read_fabric(fabric, &st) : cmd_open_fabric(fabric, &lock, &st);
	if (err)
		goto out_free;
	err = find_nodes(&st, names, n, nodes);
	if (!err && a->show)
		err = fabric_impair_read(&st, nodes, n, NULL, views);
	else if (!err)
		err = fabric_impair_set(&st, nodes, n,
					a->clear ? &(struct netem_params){0} : &a->p);
	if (!err && a->show)
		print_show(nodes, n, views);
	else if (!err)
		print_done(fabric, n, a->clear);
	state_free(&st);
	if (!a->show)
		state_unlock(&lock);
out_free:
	free(views);
	free(nodes);
	return err;
}

int cmd_impair(int argc, char **argv)
{
	static const struct option opts[] = {
		{"delay", required_argument, NULL, OPT_DELAY},
		{"jitter", required_argument, NULL, OPT_JITTER},
		{"loss", required_argument, NULL, OPT_LOSS},
		{"rate", required_argument, NULL, OPT_RATE},
		{"corrupt", required_argument, NULL, OPT_CORRUPT},
		{"duplicate", required_argument, NULL, OPT_DUP},
		{"reorder", required_argument, NULL, OPT_REORDER},
		{"clear", no_argument, NULL, OPT_CLEAR},
		{"show", no_argument, NULL, OPT_SHOW},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct impair_args a = {0};
	const char *fabric;
	int first, err;

	err = cmd_parse(argc, argv, impair_help, "", opts, impair_option, &a, &first);
	if (err)
		return err > 0 ? 0 : err;
	if (first + 1 >= argc)
		return fail_usage("impair needs a FABRIC and NODEs; see `fabricctl impair --help`");
	if (a.any + a.clear + a.show != 1)
		return fail_usage("impair needs settings, --clear or --show (one of them)");
	err = impair_params_check(&a.p);
	if (err)
		return err;
	if (netem_params_empty(&a.p) && a.any)
		return fail_usage(
			"impair settings of all zero: use --clear to remove an impairment");
	fabric = argv[first++];
	err = fabric_name_validate(fabric);
	if (err)
		return err;
	cmd_context("impair", fabric);
	for (int i = first; i < argc; i++) {
		err = node_name_validate(argv[i]);
		if (err)
			return err;
	}
	return impair_run(&a, fabric, argv + first, (size_t)(argc - first));
}
