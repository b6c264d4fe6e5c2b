// SPDX-License-Identifier: GPL-2.0-only
/* fabricctl add-node FABRIC NODE... [--ip ADDR] | --count N [--prefix PREFIX] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "base/timeutil.h"
#include "cli/cmd_common.h"
#include "cli/commands.h"
#include "fabric/fabric.h"
#include "fabric/fabric6.h"
#include "kernel/netns.h"

#define MAX_COUNT 1000000
#define LIST_NODES_UP_TO 16 /* more are summarized in one line */

static const char add_help[] =
	"Usage: fabricctl add-node FABRIC NODE [NODE...] [--ip ADDR] [--no-wait]\n"
	"       fabricctl add-node FABRIC --count N [--prefix PREFIX] [--no-wait]\n"
	"\n"
	"Add nodes to FABRIC. Each node is a named network namespace (/run/netns/NODE,\n"
	"exactly as `ip netns add` makes it) holding eth0, the peer of a veth whose host\n"
	"end FABRIC-<slot> is a port of its cell's bridge. eth0 gets the node's address,\n"
	"a MAC derived from it (0e:fb:<address bytes>) and a default route via its\n"
	"cell's gateway; lo is up. The host's limits are judged first for every\n"
	"fabric's nodes plus these (raised with create --tune, else refused with the\n"
	"fix). Nodes are made in netlink batches; each node is atomic: if a step\n"
	"fails, that node's namespace, veth, counters and address are rolled back, and\n"
	"the nodes completed before it are kept.\n"
	"\n"
	"  NODE           1-63 characters: letters, digits, '_', '-', '.', not starting\n"
	"                 with '-' or '.'; must not name an existing namespace\n"
	"  --ip ADDR      the node's address (one NODE only): inside the subnet, not the\n"
	"                 network, gateway or broadcast address, not in use\n"
	"  --ip6 ADDR6    the node's IPv6 address (one NODE only, an IPv6 fabric): its\n"
	"                 cell's /64 with a free node slot as interface identifier; it\n"
	"                 chooses the slot, so the IPv4 address is the same slot's\n"
	"  --count N      add N nodes named PREFIX1, PREFIX2, ... skipping names taken\n"
	"  --prefix PREFIX\n"
	"                 name prefix for --count (default FABRIC-n)\n"
	"  --no-wait      return without waiting for the links to be operationally up\n"
	"                 (by default add-node returns when the nodes pass traffic)\n"
	"\n"
	"With -j: {fabric, added: [{name, address, mac, host_veth, ifindex}], seconds}.\n"
	"\n"
	"Examples:\n"
	"  fabricctl add-node lab web1 web2\n"
	"  fabricctl add-node lab db --ip 10.42.0.100\n"
	"  fabricctl add-node lab --count 500 --prefix client\n";

struct add_opts {
	const char *ip;
	const char *ip6;
	const char *prefix;
	unsigned long count;
	bool wait;
};

static int add_option(int c, const char *arg, void *ctx)
{
	struct add_opts *o = ctx;

	switch (c) {
	case '6':
		o->ip6 = arg;
		return 0;
	case 'i':
		o->ip = arg;
		return 0;
	case 'c':
		return cmd_parse_ulong(arg, "--count", 1, MAX_COUNT, &o->count);
	case 'P':
		o->prefix = arg;
		return 0;
	case 'W':
		o->wait = false;
		return 0;
	}
	return -EUSAGE;
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
		return fail(-ENOMEM, "cannot name %lu nodes", count);
	snprintf(name, sizeof(name), "%s1", prefix);
	if (!prefix[0] || node_name_validate(name) < 0) {
		free(names);
		fail_clear();
		return fail_usage("invalid --prefix \"%s\": \"%s\" is not a valid node name",
				  prefix, name);
	}
	for (unsigned long i = 1; made < count; i++) {
		snprintf(name, sizeof(name), "%s%lu", prefix, i);
		if (strlen(name) > NODE_NAME_MAX) {
			err = fail_usage("--prefix \"%s\" is too long for %lu nodes", prefix,
					 count);
			goto bad;
		}
		if (state_find_node(st, name) || netns_exists(name))
			continue;
		names[made] = strdup(name);
		if (!names[made++]) {
			err = fail(-ENOMEM, "cannot name %lu nodes", count);
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

static void print_added(const struct fabric_state *st, const char *fabric,
			const struct add_result *res, double seconds)
{
	struct printer p;

	if (cli_out.quiet && !cli_out.json)
		return;
	if (!cli_out.json && !res->n_nodes)
		return;
	cli_printer(&p);
	print_open_object(&p, NULL);
	print_string(&p, "fabric", NULL, fabric);
	print_open_array(&p, "added");
	for (size_t i = 0; i < res->n_nodes; i++) {
		const struct added_node *a = &res->nodes[i];
		char addr[INET_ADDRSTRLEN], veth[IFNAMSIZ], mac[18];
		bool listed = res->n_nodes <= LIST_NODES_UP_TO;

		host_veth_name(veth, fabric, a->node.slot);
		print_open_object(&p, NULL);
		print_string(&p, "name", listed ? "added node %s " : NULL, a->node.name);
		print_string(&p, "address", listed ? (st->ipv6 ? "%s" : "%s\n") : NULL,
			     ipv4_addr_format(a->addr, addr));
		if (st->ipv6) {
			struct in6_addr a6 = fabric6_addr_of(st, a->node.slot);
			char t6[INET6_ADDRSTRLEN];

			print_string(&p, "address6", listed ? " %s\n" : NULL,
				     ipv6_addr_format(&a6, t6));
		}
		print_string(&p, "mac", NULL, node_mac_text(a->addr, mac));
		print_string(&p, "host_veth", NULL, veth);
		print_int(&p, "ifindex", NULL, a->node.ifindex);
		print_close_object(&p);
	}
	print_close_array(&p);
	if (res->n_nodes > LIST_NODES_UP_TO)
		print_text(&p, "added %zu nodes to %s (%s .. %s) in ", res->n_nodes, fabric,
			   res->nodes[0].node.name, res->nodes[res->n_nodes - 1].node.name);
	print_double(&p, "seconds", res->n_nodes > LIST_NODES_UP_TO ? "%.2f s\n" : NULL, seconds);
	print_close_object(&p);
	print_end(&p);
}

/*
 * --ip6: the slot its interface identifier names, as the IPv4 address of
 * that slot in *@addr (which must agree with --ip when both are given).
 */
static int add_ip6_slot(struct fabric_state *st, const struct in6_addr *a6, uint32_t *addr)
{
	char t4[INET_ADDRSTRLEN], w4[INET_ADDRSTRLEN], t6[INET6_ADDRSTRLEN];
	uint32_t slot, a4;
	int err = fabric6_slot_of(st, a6, &slot);

	if (err)
		return err;
	a4 = ipam_addr_of(&st->ipam, slot);
	if (*addr && *addr != a4)
		return fail_usage("--ip %s and --ip6 %s are not the same slot (%s goes with %s)",
				  ipv4_addr_format(*addr, t4), ipv6_addr_format(a6, t6), t6,
				  ipv4_addr_format(a4, w4));
	*addr = a4;
	return 0;
}

/* The NODE arguments: valid names, each once. */
static int check_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int err = node_name_validate(names[i]);

		if (err)
			return err;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(names[i], names[j]))
				return fail_usage("node \"%s\" is named twice", names[i]);
	}
	return 0;
}

int cmd_add_node(int argc, char **argv)
{
	static const struct option opts[] = {
		{"ip", required_argument, NULL, 'i'},
		{"count", required_argument, NULL, 'c'},
		{"ip6", required_argument, NULL, '6'},
		{"prefix", required_argument, NULL, 'P'},
		{"no-wait", no_argument, NULL, 'W'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct add_opts o = {.wait = true};
	char default_prefix[FABRIC_NAME_MAX + 4];
	struct add_result res = {0};
	bool names_owned = false;
	struct fabric_state st;
	struct state_lock lock;
	struct timespec start;
	const char *fabric;
	uint32_t addr = 0;
	struct in6_addr addr6;
	char **names;
	size_t n_names;
	int first, err;

	err = cmd_parse(argc, argv, add_help, "", opts, add_option, &o, &first);
	if (err)
		return err > 0 ? 0 : err;
	if (first >= argc)
		return fail_usage("add-node needs a FABRIC; see `fabricctl add-node --help`");
	fabric = argv[first++];
	err = fabric_name_validate(fabric);
	if (err)
		return err;
	cmd_context("add-node", fabric);
	names = argv + first;
	n_names = (size_t)(argc - first);
	if (o.count && n_names)
		return fail_usage("give either NODE names or --count, not both");
	if (!o.count && !n_names)
		return fail_usage("add-node needs NODE names or --count N");
	if (o.prefix && !o.count)
		return fail_usage("--prefix goes with --count");
	if (o.ip && n_names != 1)
		return fail_usage("--ip goes with exactly one NODE");
	if (o.ip && strchr(o.ip, ':'))
		return fail_usage("--ip %s is an IPv6 address: give it with --ip6", o.ip);
	if (o.ip6 && !strchr(o.ip6, ':') && strchr(o.ip6, '.'))
		return fail_usage("--ip6 %s is an IPv4 address: give it with --ip", o.ip6);
	if (o.ip && (err = ipv4_addr_parse(o.ip, &addr)))
		return err;
	if (o.ip6 && n_names != 1)
		return fail_usage("--ip6 goes with exactly one NODE");
	if (o.ip6 && (err = ipv6_addr_parse(o.ip6, &addr6)))
		return fail_wrap(err, "--ip6 %s", o.ip6);
	err = check_names(names, n_names);
	if (err)
		return err;
	err = cmd_open_fabric(fabric, &lock, &st);
	if (err)
		return err;
	if (o.ip6 && (err = add_ip6_slot(&st, &addr6, &addr)))
		goto out;
	if (o.count) {
		if (!o.prefix) {
			snprintf(default_prefix, sizeof(default_prefix), "%s-n", fabric);
			o.prefix = default_prefix;
		}
		if (o.count > ipam_free_count(&st.ipam)) {
			char cidr[IPV4_PREFIX_STRLEN];

			err = fail_msg(-ENOSPC,
				       "subnet %s is full: room for %u nodes, %u free, %lu asked",
				       ipv4_prefix_format(&st.subnet, cidr),
				       ipam_capacity(&st.ipam), ipam_free_count(&st.ipam), o.count);
			goto out;
		}
		err = names_from_count(&st, o.prefix, o.count, &names);
		if (err)
			goto out;
		n_names = o.count;
		names_owned = true;
	}
	start = mono_now();
	cmd_progress_begin("adding", n_names);
	err = fabric_add_nodes(&st, names, n_names, addr, o.wait, &res, cmd_progress, NULL);
	cmd_progress_end();
	/* What was made is reported even when a later node failed. */
	if (!err || res.n_nodes)
		print_added(&st, fabric, &res, seconds_since(&start));
	if (!err && o.wait && res.n_nodes && !res.links_up && !cli_out.quiet)
		fprintf(stderr,
			"fabricctl: add-node %s: warning: some links were not up after 5 s\n",
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
