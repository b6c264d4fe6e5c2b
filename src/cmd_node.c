// SPDX-License-Identifier: GPL-2.0-only
/* Commands on nodes: add-node, del-node, exec. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "errors.h"
#include "fabric.h"
#include "host_limits.h"
#include "netns.h"
#include "output.h"
#include "state.h"

#define MAX_COUNT 1000000

static const char add_help[] =
	"Usage: fabricctl add-node FABRIC NODE [NODE...] [--ip ADDR] [--no-wait]\n"
	"       fabricctl add-node FABRIC --count N [--prefix PREFIX] [--no-wait]\n"
	"\n"
	"Add nodes to FABRIC. Each node is a named network namespace (/run/netns/NODE,\n"
	"exactly as `ip netns add` makes it) holding eth0, the peer of a veth whose host\n"
	"end FABRIC-<slot> is a port of the fabric's bridge. eth0 gets the node's\n"
	"address, a MAC derived from it (0e:fb:<address bytes>) and a default route via\n"
	"the gateway; lo is up. Nodes are made in netlink batches; each node is atomic:\n"
	"if a step fails, that node's namespace, veth and address are rolled back, and\n"
	"the nodes completed before it are kept.\n"
	"\n"
	"  NODE           1-63 characters: letters, digits, '_', '-', '.', not starting\n"
	"                 with '-' or '.'; must not name an existing namespace\n"
	"  --ip ADDR      the node's address (one NODE only): inside the subnet, not the\n"
	"                 network, gateway or broadcast address, not in use\n"
	"  --count N      add N nodes named PREFIX1, PREFIX2, ... skipping names taken\n"
	"  --prefix P     name prefix for --count (default FABRIC-n)\n"
	"  --no-wait      return without waiting for the links to be operationally up\n"
	"                 (by default add-node returns when the nodes pass traffic)\n"
	"\n"
	"Examples:\n"
	"  fabricctl add-node lab web1 web2\n"
	"  fabricctl add-node lab db --ip 10.42.0.100\n"
	"  fabricctl add-node lab --count 500 --prefix client\n";

static const char del_help[] =
	"Usage: fabricctl del-node FABRIC NODE [NODE...]\n"
	"       fabricctl del-node FABRIC --all\n"
	"\n"
	"Delete nodes: their veths (moved to a group and deleted in one request), their\n"
	"namespaces (unmounted; the kernel frees them in the background) and their\n"
	"counters. Their addresses become free for later nodes. Every NODE must belong\n"
	"to FABRIC, or nothing is deleted.\n";

static const char exec_help[] =
	"Usage: fabricctl exec FABRIC NODE [--] COMMAND [ARG...]\n"
	"\n"
	"Run COMMAND inside NODE's network namespace with /sys remounted for it, like\n"
	"`ip netns exec NODE COMMAND`. The exit status is COMMAND's.\n"
	"\n"
	"Example: fabricctl exec lab web1 -- ping -c1 10.42.0.3\n";

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void show_progress(size_t done, size_t total, void *data)
{
	(void)total;
	(void)data;
	progress_update(done);
}

/* PREFIX1, PREFIX2, ...: the first @count numbers whose names are free. */
static int names_from_count(struct fabric_state *st, const char *prefix, unsigned long count,
			    char ***out)
{
	char **names = calloc(count, sizeof(*names));
	char name[NODE_NAME_MAX + 16];
	unsigned long made = 0;
	int err;

	if (!names)
		return -ENOMEM;
	snprintf(name, sizeof(name), "%s1", prefix);
	err = node_name_validate(name);
	if (err) {
		free(names);
		fail_clear();
		return fail_usage("invalid --prefix \"%s\": \"%s\" is not a valid node name", prefix,
				  name);
	}
	for (unsigned long i = 1; made < count; i++) {
		snprintf(name, sizeof(name), "%s%lu", prefix, i);
		if (strlen(name) > NODE_NAME_MAX) {
			err = fail_usage("--prefix \"%s\" is too long for %lu nodes", prefix, count);
			goto bad;
		}
		if (state_find_node(st, name) || netns_exists(name))
			continue;
		names[made] = strdup(name);
		if (!names[made++]) {
			err = -ENOMEM;
			goto bad;
		}
	}
	*out = names;
	return 0;
bad:
	for (unsigned long i = 0; i < made; i++)
		free(names[i]);
	free(names);
	return err;
}

static int print_added(const char *fabric, const struct add_result *res, double seconds)
{
	if (json_output) {
		struct json_writer w;

		json_init(&w, stdout, pretty_output);
		json_object_start(&w);
		json_kv_string(&w, "fabric", fabric);
		json_key(&w, "added");
		json_array_start(&w);
		for (size_t i = 0; i < res->n_nodes; i++) {
			const struct added_node *a = &res->nodes[i];
			char addr[INET_ADDRSTRLEN], veth[IFNAMSIZ], mac_text[18];

			node_mac_text(a->addr, mac_text);
			host_veth_name(veth, fabric, a->node.slot);
			json_object_start(&w);
			json_kv_string(&w, "name", a->node.name);
			json_kv_string(&w, "address", ipv4_addr_format(a->addr, addr));
			json_kv_string(&w, "mac", mac_text);
			json_kv_string(&w, "host_veth", veth);
			json_kv_int(&w, "ifindex", a->node.ifindex);
			json_object_end(&w);
		}
		json_array_end(&w);
		json_kv_double(&w, "seconds", seconds);
		json_object_end(&w);
		json_finish(&w);
	} else if (!quiet_output && res->n_nodes) {
		char addr[INET_ADDRSTRLEN];

		if (res->n_nodes <= 16) {
			for (size_t i = 0; i < res->n_nodes; i++)
				printf("added node %s %s\n", res->nodes[i].node.name,
				       ipv4_addr_format(res->nodes[i].addr, addr));
		} else {
			printf("added %zu nodes to %s (%s .. %s) in %.2f s\n", res->n_nodes, fabric,
			       res->nodes[0].node.name, res->nodes[res->n_nodes - 1].node.name,
			       seconds);
		}
	}
	return 0;
}

int cmd_add_node(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ip", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "prefix", required_argument, NULL, 'P' },
		{ "no-wait", no_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *ip_text = NULL, *prefix = NULL;
	unsigned long count = 0;
	bool wait = true;
	char default_prefix[FABRIC_NAME_MAX + 4];
	char **names = NULL;
	size_t n_names = 0;
	bool names_owned = false;
	uint32_t addr = 0;
	struct state_lock lock;
	struct fabric_state st;
	struct add_result res = { 0 };
	struct timespec start;
	const char *fabric;
	char *end;
	int c, err;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			ip_text = optarg;
			break;
		case 'c':
			errno = 0;
			count = strtoul(optarg, &end, 10);
			if (errno || *end || optarg[0] < '0' || optarg[0] > '9' || count == 0 ||
			    count > MAX_COUNT)
				return fail_usage("invalid --count \"%s\": expected 1-%d", optarg,
						  MAX_COUNT);
			break;
		case 'P':
			prefix = optarg;
			break;
		case 'W':
			wait = false;
			break;
		case 'h':
			fputs(add_help, stdout);
			return 0;
		default:
			return fail_usage("%s \"%s\"; see `fabricctl add-node --help`",
					  c == ':' ? "missing value for" : "unknown option",
					  argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return fail_usage("add-node needs a FABRIC; see `fabricctl add-node --help`");
	fabric = argv[optind++];
	err = fabric_name_validate(fabric);
	if (err)
		return err;
	cmd_context("add-node", fabric);
	names = argv + optind;
	n_names = (size_t)(argc - optind);
	if (count && n_names)
		return fail_usage("give either NODE names or --count, not both");
	if (!count && !n_names)
		return fail_usage("add-node needs NODE names or --count N");
	if (prefix && !count)
		return fail_usage("--prefix goes with --count");
	if (ip_text && n_names != 1)
		return fail_usage("--ip goes with exactly one NODE");
	if (ip_text && (err = ipv4_addr_parse(ip_text, &addr)))
		return err;
	for (size_t i = 0; i < n_names; i++) {
		err = node_name_validate(names[i]);
		if (err)
			return err;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(names[i], names[j]))
				return fail_usage("node \"%s\" is named twice", names[i]);
	}
	err = cmd_open_fabric(fabric, &lock, &st);
	if (err)
		return err;
	if (count) {
		if (!prefix) {
			snprintf(default_prefix, sizeof(default_prefix), "%s-n", fabric);
			prefix = default_prefix;
		}
		if (count > ipam_free_count(&st.ipam)) {
			char cidr[32];
			err = fail_msg(-ENOSPC, "subnet %s is full: room for %u nodes, %u free, %lu asked",
				   ipv4_prefix_format(&st.subnet, cidr), ipam_capacity(&st.ipam),
				   ipam_free_count(&st.ipam), count);
			goto out;
		}
		err = names_from_count(&st, prefix, count, &names);
		if (err)
			goto out;
		n_names = count;
		names_owned = true;
	}
	/* The host's limits, judged for every fabric's nodes plus these: raised
	 * when the fabric was created with --tune, otherwise a refusal naming
	 * the sysctls to change -- before anything is made. */
	{
		struct limit_report lr;
		uint64_t total;

		err = limits_check_adding(n_names, st.cell_size, &lr, &total);
		if (!err && tune_enabled(fabric))
			err = tune_apply(fabric, &lr);
		else if (!err && limits_failed(&lr))
			err = limits_refuse(&lr, total);
		if (err)
			goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	progress_begin("adding", n_names);
	err = fabric_add_nodes(&st, names, n_names, addr, wait, &res, show_progress, NULL);
	progress_end();
	/* What was made is reported even when a later node failed. */
	if (!err || res.n_nodes)
		print_added(fabric, &res, seconds_since(&start));
	if (!err && wait && res.n_nodes && !res.links_up && !quiet_output)
		fprintf(stderr, "fabricctl: add-node %s: warning: some links were not up after 5 s\n",
			fabric);
	add_result_free(&res);
out:
	if (names_owned) {
		for (size_t i = 0; i < n_names; i++)
			free(names[i]);
		free(names);
	}
	state_free(&st);
	state_unlock(&lock);
	return err;
}

int cmd_del_node(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct fabric_node **nodes = NULL;
	struct state_lock lock;
	struct fabric_state st;
	struct timespec start;
	bool all = false;
	const char *fabric;
	char **names;
	size_t n;
	int c, err;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			all = true;
			break;
		case 'h':
			fputs(del_help, stdout);
			return 0;
		default:
			return fail_usage("unknown option \"%s\"; see `fabricctl del-node --help`",
					  argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return fail_usage("del-node needs a FABRIC; see `fabricctl del-node --help`");
	fabric = argv[optind++];
	err = fabric_name_validate(fabric);
	if (err)
		return err;
	cmd_context("del-node", fabric);
	names = argv + optind;
	n = (size_t)(argc - optind);
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
	if (!nodes) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		nodes[i] = all ? &st.nodes[i] : state_find_node(&st, names[i]);
		if (!nodes[i]) {
			err = fail_msg(-ENOENT, "node \"%s\" is not in fabric \"%s\"", names[i], fabric);
			goto out;
		}
		for (size_t j = 0; j < i && !all; j++)
			if (nodes[j] == nodes[i]) {
				err = fail_usage("node \"%s\" is named twice", names[i]);
				goto out;
			}
	}
	/* Names for the report, before the records go. */
	char **deleted = calloc(n + 1, sizeof(*deleted));
	if (!deleted) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		deleted[i] = strdup(nodes[i]->name);
	clock_gettime(CLOCK_MONOTONIC, &start);
	progress_begin("deleting", n);
	err = fabric_del_nodes(&st, nodes, n);
	progress_end();
	if (!err) {
		if (json_output) {
			struct json_writer w;

			json_init(&w, stdout, pretty_output);
			json_object_start(&w);
			json_kv_string(&w, "fabric", fabric);
			json_key(&w, "deleted");
			json_array_start(&w);
			for (size_t i = 0; i < n; i++)
				json_string(&w, deleted[i] ? deleted[i] : "");
			json_array_end(&w);
			json_kv_double(&w, "seconds", seconds_since(&start));
			json_object_end(&w);
			json_finish(&w);
		} else if (!quiet_output) {
			if (n == 1)
				printf("deleted node %s\n", deleted[0]);
			else
				printf("deleted %zu nodes from %s in %.2f s\n", n, fabric,
				       seconds_since(&start));
		}
	}
	for (size_t i = 0; i < n; i++)
		free(deleted[i]);
	free(deleted);
out:
	free(nodes);
	state_free(&st);
	state_unlock(&lock);
	return err;
}

int cmd_exec(int argc, char **argv)
{
	struct fabric_state st;
	const char *fabric, *node;
	int err, first = 3;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(exec_help, stdout);
		return 0;
	}
	if (argc < 4 || (argc == 4 && !strcmp(argv[3], "--")))
		return fail_usage("exec needs FABRIC NODE COMMAND; see `fabricctl exec --help`");
	fabric = argv[1];
	node = argv[2];
	if (!strcmp(argv[3], "--"))
		first = 4;
	err = fabric_name_validate(fabric);
	if (err)
		return err;
	err = node_name_validate(node);
	if (err)
		return err;
	cmd_context("exec", fabric);
	err = state_load(fabric, &st);
	if (err == -ENOENT)
		return fail_msg(-ENOENT, "fabric \"%s\" does not exist", fabric);
	if (err)
		return err;
	if (!state_find_node(&st, node)) {
		state_free(&st);
		return fail_msg(-ENOENT, "node \"%s\" is not in fabric \"%s\"", node, fabric);
	}
	state_free(&st);
	fflush(stdout);
	return netns_exec(node, argv + first);
}
