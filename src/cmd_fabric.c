// SPDX-License-Identifier: GPL-2.0-only
/* Commands on whole fabrics: create, destroy, list, show. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "cell.h"
#include "errors.h"
#include "fabric.h"
#include "host_limits.h"
#include "link.h"
#include "nl.h"
#include "output.h"
#include "state.h"

static const char create_help[] =
	"Usage: fabricctl create FABRIC [--subnet CIDR] [--mtu N] [--cell-size N]\n"
	"\n"
	"Make fabric FABRIC: a bridge FABRIC-c0 (up, STP off, no forward delay), the\n"
	"eBPF counting program loaded once and pinned under /sys/fs/bpf/fabricctl/FABRIC,\n"
	"and the fabric's record in /run/fabricctl/FABRIC. Nothing is left behind if\n"
	"any step fails.\n"
	"\n"
	"Nodes fill cells of --cell-size addresses in order, one bridge FABRIC-c<N> per\n"
	"cell, so that a broadcast never floods more ports than the kernel's backlog\n"
	"takes (net.core.netdev_max_backlog, 1000 by default) and no bridge nears its\n"
	"1024-port limit. A subnet no larger than one cell is one plain bridge whose\n"
	"address (the subnet's first) is the nodes' gateway. With several cells, each\n"
	"cell is its own slice of the subnet, the router namespace .fabricctl-FABRIC\n"
	"(IP forwarding on there only; never on the host) holds every cell's gateway\n"
	"(the slice's first address), and the host keeps the subnet's third address on\n"
	"FABRIC-c0 with a route to the whole subnet through the router.\n"
	"\n"
	"  FABRIC         1-8 characters: letters, digits, '_' or '-', starting with a\n"
	"                 letter or digit (links are named FABRIC-c0, FABRIC-<slot>)\n"
	"  --subnet CIDR  the nodes' IPv4 subnet, /13 to /30, no host bits set; it must\n"
	"                 not overlap another fabric or an address or route of the host.\n"
	"                 Default: a free 10.x.0.0/16 chosen from the fabric's name.\n"
	"  --mtu N        MTU of the bridge and every veth (68-65535, default 1500)\n"
	"  --cell-size N  addresses per cell: a power of two from 64 to 1024\n"
	"                 (default 512: 509 nodes per bridge)\n"
	"  --tune         let fabricctl raise the host limits this fabric outgrows\n"
	"                 (neighbour table gc_thresh, netdev_max_backlog,\n"
	"                 user.max_net_namespaces) as nodes are added; the previous\n"
	"                 values are recorded and put back by destroy. Without it,\n"
	"                 add-node refuses a size the host cannot serve and prints the\n"
	"                 exact sysctl to change (see `fabricctl doctor`).\n"
	"\n"
	"Example: fabricctl create lab --subnet 10.42.0.0/16\n";

static const char destroy_help[] =
	"Usage: fabricctl destroy FABRIC\n"
	"\n"
	"Remove everything FABRIC made: its links (the bridge and every host veth, in\n"
	"one group delete), its nodes' namespaces (unmounted as a batch; the kernel\n"
	"frees them in the background), its BPF pins and its record. Objects that are\n"
	"not the fabric's own are never touched. Destroying a fabric that does not\n"
	"exist succeeds and says there was nothing to remove.\n";

static const char list_help[] =
	"Usage: fabricctl list\n"
	"\n"
	"List fabrics: name, subnet, gateway, bridge, MTU, node count.\n"
	"With -j: an array of {name, subnet, gateway, bridge, mtu, nodes}.\n";

static const char show_help[] =
	"Usage: fabricctl show FABRIC\n"
	"\n"
	"Show FABRIC and its nodes: name, address, MAC, host veth, its ifindex and\n"
	"its state as the kernel reports it now (up, down, or missing).\n"
	"With -j: {name, subnet, gateway, bridge, mtu, nodes: [{name, address,\n"
	"prefix_len, mac, host_veth, ifindex, state}]}.\n";

/* Parse options common to every command: only --help (-h) here. */
static int parse_help_only(int argc, char **argv, const char *help, int *first_arg)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(help, stdout);
			return 1;
		}
		return fail_usage("unknown option \"%s\"; see `fabricctl %s --help`", argv[optind - 1],
				  argv[0]);
	}
	*first_arg = optind;
	return 0;
}

int cmd_open_fabric(const char *fabric, struct state_lock *lock, struct fabric_state *st)
{
	int err = fabric_name_validate(fabric);

	if (err)
		return err;
	err = state_lock(fabric, false, lock);
	if (err == -ENOENT)
		return fail_msg(-ENOENT, "fabric \"%s\" does not exist", fabric);
	if (err)
		return err;
	err = state_load(fabric, st);
	if (err) {
		state_unlock(lock);
		return err == -ENOENT ? fail_msg(-ENOENT, "fabric \"%s\" does not exist", fabric) : err;
	}
	return 0;
}

/* Cells holding nodes (cell 0 always exists). */
static uint32_t fabric_cells_in_use(const struct fabric_state *st)
{
	uint32_t cells = 1;

	for (size_t i = 0; i < st->n_nodes; i++)
		if (ipam_cell_of(&st->ipam, st->nodes[i].slot) + 1 > cells)
			cells = ipam_cell_of(&st->ipam, st->nodes[i].slot) + 1;
	return cells;
}

static void print_fabric_fields(struct json_writer *w, const struct fabric_state *st)
{
	char cidr[32], gw[INET_ADDRSTRLEN], br[IFNAMSIZ];

	bridge_name(br, st->name, 0);
	json_kv_string(w, "name", st->name);
	json_kv_string(w, "subnet", ipv4_prefix_format(&st->subnet, cidr));
	json_kv_string(w, "gateway", ipv4_addr_format(ipam_addr_of(&st->ipam, IPAM_GATEWAY_SLOT), gw));
	json_kv_string(w, "bridge", br);
	json_kv_uint(w, "mtu", st->mtu);
	json_kv_uint(w, "cell_size", st->cell_size);
	json_kv_uint(w, "cells", fabric_cells_in_use(st));
}

int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "subnet", required_argument, NULL, 's' },
		{ "mtu", required_argument, NULL, 'm' },
		{ "cell-size", required_argument, NULL, 'c' },
		{ "tune", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	unsigned long cell_size = CELL_DEFAULT_SIZE;
	bool tune = false;
	struct ipv4_prefix subnet;
	bool have_subnet = false;
	unsigned long mtu = FABRIC_DEFAULT_MTU;
	struct fabric_state st;
	char *end;
	int c, err;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			err = ipv4_prefix_parse(optarg, &subnet);
			if (err)
				return err;
			have_subnet = true;
			break;
		case 'm':
			errno = 0;
			mtu = strtoul(optarg, &end, 10);
			if (errno || *end || optarg[0] < '0' || optarg[0] > '9' || mtu < 68 ||
			    mtu > 65535)
				return fail_usage("invalid MTU \"%s\": expected 68-65535", optarg);
			break;
		case 'c':
			errno = 0;
			cell_size = strtoul(optarg, &end, 10);
			if (errno || *end || optarg[0] < '0' || optarg[0] > '9' ||
			    cell_size < IPAM_MIN_CELL || cell_size > 1024 ||
			    (cell_size & (cell_size - 1)))
				return fail_usage("invalid --cell-size \"%s\": expected a power of two from %d to 1024",
						  optarg, IPAM_MIN_CELL);
			break;
		case 't':
			tune = true;
			break;
		case 'h':
			fputs(create_help, stdout);
			return 0;
		default:
			return fail_usage("%s \"%s\"; see `fabricctl create --help`",
					  c == ':' ? "missing value for" : "unknown option",
					  argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return fail_usage("create takes one FABRIC name; see `fabricctl create --help`");
	err = fabric_name_validate(argv[optind]);
	if (err)
		return err;
	cmd_context("create", argv[optind]);
	err = fabric_create(argv[optind], have_subnet ? &subnet : NULL, (unsigned int)mtu,
			    (uint32_t)cell_size, &st);
	if (err)
		return err;
	if (tune && (err = tune_enable(st.name))) {
		bool existed;
		size_t n;

		fabric_destroy(st.name, &existed, &n);
		state_free(&st);
		return err;
	}
	if (json_output) {
		struct json_writer w;

		json_init(&w, stdout, pretty_output);
		json_object_start(&w);
		print_fabric_fields(&w, &st);
		json_object_end(&w);
		json_finish(&w);
	} else if (!quiet_output) {
		char cidr[32], gw[INET_ADDRSTRLEN], br[IFNAMSIZ], router[64];

		bridge_name(br, st.name, 0);
		router_netns_name(router, sizeof(router), st.name);
		ipv4_prefix_format(&st.subnet, cidr);
		ipv4_addr_format(ipam_addr_of(&st.ipam, IPAM_GATEWAY_SLOT), gw);
		if (ipam_multi_cell(&st.ipam))
			printf("created fabric %s: subnet %s in %u cells of %u addresses, gateways on "
			       "router %s (%s for cell 0), room for %u nodes\n",
			       st.name, cidr, ipam_n_cells(&st.ipam), st.cell_size, router, gw,
			       ipam_capacity(&st.ipam));
		else
			printf("created fabric %s: subnet %s, gateway %s on bridge %s, room for %u nodes\n",
			       st.name, cidr, gw, br, ipam_capacity(&st.ipam));
	}
	state_free(&st);
	return 0;
}

int cmd_destroy(int argc, char **argv)
{
	bool existed;
	size_t n_nodes;
	int first, err;

	err = parse_help_only(argc, argv, destroy_help, &first);
	if (err)
		return err > 0 ? 0 : err;
	if (first != argc - 1)
		return fail_usage("destroy takes one FABRIC name; see `fabricctl destroy --help`");
	err = fabric_name_validate(argv[first]);
	if (err)
		return err;
	cmd_context("destroy", argv[first]);
	progress_begin("destroying", 0); /* sized once the record is read */
	err = fabric_destroy(argv[first], &existed, &n_nodes);
	progress_end();
	if (err)
		return err;
	if (json_output) {
		struct json_writer w;

		json_init(&w, stdout, pretty_output);
		json_object_start(&w);
		json_kv_string(&w, "fabric", argv[first]);
		json_kv_bool(&w, "destroyed", existed);
		json_kv_uint(&w, "nodes", n_nodes);
		json_object_end(&w);
		json_finish(&w);
	} else if (!quiet_output) {
		if (existed)
			printf("destroyed fabric %s (%zu node%s)\n", argv[first], n_nodes,
			       n_nodes == 1 ? "" : "s");
		else
			printf("fabric %s does not exist: nothing to destroy\n", argv[first]);
	}
	return 0;
}

int cmd_list(int argc, char **argv)
{
	char (*names)[FABRIC_NAME_MAX + 1];
	struct json_writer w;
	size_t count;
	int first, err;

	err = parse_help_only(argc, argv, list_help, &first);
	if (err)
		return err > 0 ? 0 : err;
	if (first != argc)
		return fail_usage("list takes no arguments");
	err = state_list(&names, &count);
	if (err)
		return err;
	json_init(&w, stdout, pretty_output);
	if (json_output)
		json_array_start(&w);
	else if (count)
		printf("%-9s %-18s %-15s %-12s %5s %7s\n", "NAME", "SUBNET", "GATEWAY", "BRIDGE",
		       "MTU", "NODES");
	for (size_t i = 0; i < count; i++) {
		struct fabric_state st;
		char cidr[32], gw[INET_ADDRSTRLEN], br[IFNAMSIZ];

		/* A reader takes no lock: records are replaced atomically. */
		if (state_load(names[i], &st) < 0) {
			fail_clear();
			continue;
		}
		if (json_output) {
			json_object_start(&w);
			print_fabric_fields(&w, &st);
			json_kv_uint(&w, "nodes", st.n_nodes);
			json_object_end(&w);
		} else {
			bridge_name(br, st.name, 0);
			printf("%-9s %-18s %-15s %-12s %5u %7zu\n", st.name,
			       ipv4_prefix_format(&st.subnet, cidr),
			       ipv4_addr_format(ipam_addr_of(&st.ipam, IPAM_GATEWAY_SLOT), gw), br,
			       st.mtu, st.n_nodes);
		}
		state_free(&st);
	}
	if (json_output) {
		json_array_end(&w);
		json_finish(&w);
	}
	free(names);
	return 0;
}

static int link_cmp(const void *a, const void *b)
{
	const struct link_info *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static const char *node_link_state(const struct link_list *l, const struct fabric_state *st,
				   const struct fabric_node *node)
{
	struct link_info key = { .ifindex = node->ifindex };
	const struct link_info *li;
	char name[IFNAMSIZ];

	li = node->ifindex > 0 ? bsearch(&key, l->links, l->n, sizeof(key), link_cmp) : NULL;
	host_veth_name(name, st->name, node->slot);
	if (!li || strcmp(li->name, name))
		return "missing";
	return li->operstate == LINK_OPER_UP ? "up" : "down";
}

int cmd_show(int argc, char **argv)
{
	struct link_list links = { 0 };
	struct fabric_state st;
	struct json_writer w;
	struct nl_sock s;
	int first, err;

	err = parse_help_only(argc, argv, show_help, &first);
	if (err)
		return err > 0 ? 0 : err;
	if (first != argc - 1)
		return fail_usage("show takes one FABRIC name; see `fabricctl show --help`");
	cmd_context("show", argv[first]);
	err = fabric_name_validate(argv[first]);
	if (err)
		return err;
	err = state_load(argv[first], &st);
	if (err == -ENOENT)
		return fail_msg(-ENOENT, "fabric \"%s\" does not exist", argv[first]);
	if (err)
		return err;
	/* One dump of the host's links tells every node's state. */
	err = nl_open(&s);
	if (!err) {
		err = link_dump_all(&s, &links);
		nl_close(&s);
	}
	if (err) {
		state_free(&st);
		free(links.links);
		return fail(err, "cannot list the host's links");
	}
	qsort(links.links, links.n, sizeof(*links.links), link_cmp);
	/*
	 * Readers take no lock, so read the record again after the dump: a node
	 * shown must be complete in both reads. One deleted meanwhile (marked
	 * incomplete first) or added meanwhile (complete only at the end) is
	 * left out instead of being shown as "missing".
	 */
	struct fabric_state again;
	bool have_again = state_load(argv[first], &again) == 0;
	fail_clear();

	json_init(&w, stdout, pretty_output);
	if (json_output) {
		json_object_start(&w);
		print_fabric_fields(&w, &st);
		json_key(&w, "nodes");
		json_array_start(&w);
	} else {
		char cidr[32], gw[INET_ADDRSTRLEN];

		printf("fabric %s: subnet %s, gateway %s, mtu %u, %zu node%s in %u cell%s of %u addresses\n",
		       st.name, ipv4_prefix_format(&st.subnet, cidr),
		       ipv4_addr_format(ipam_addr_of(&st.ipam, IPAM_GATEWAY_SLOT), gw), st.mtu,
		       st.n_nodes, st.n_nodes == 1 ? "" : "s", fabric_cells_in_use(&st),
		       fabric_cells_in_use(&st) == 1 ? "" : "s", st.cell_size);
		if (st.n_nodes)
			printf("%-20s %-18s %-17s %4s %-14s %7s %s\n", "NODE", "ADDRESS", "MAC",
			       "CELL", "HOST-VETH", "IFINDEX", "STATE");
	}
	for (size_t i = 0; i < st.n_nodes; i++) {
		const struct fabric_node *node = &st.nodes[i];
		uint32_t addr = ipam_addr_of(&st.ipam, node->slot);

		/* Leased but still being made, or being deleted: not a node to show. */
		if (node->ifindex <= 0)
			continue;
		if (have_again) {
			const struct fabric_node *now = state_find_node(&again, node->name);

			if (!now || now->ifindex != node->ifindex)
				continue;
		}
		char a[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN], mac_text[18], veth[IFNAMSIZ], cidr[40];

		node_mac_text(addr, mac_text);
		host_veth_name(veth, st.name, node->slot);
		ipv4_addr_format(addr, a);
		if (json_output) {
			json_object_start(&w);
			json_kv_string(&w, "name", node->name);
			json_kv_string(&w, "address", a);
			json_kv_uint(&w, "prefix_len", ipam_cell_prefix_len(&st.ipam));
			json_kv_uint(&w, "cell", ipam_cell_of(&st.ipam, node->slot));
			json_kv_string(&w, "gateway", ipv4_addr_format(cell_gateway_of(&st, node->slot), gw));
			json_kv_string(&w, "mac", mac_text);
			json_kv_string(&w, "host_veth", veth);
			json_kv_int(&w, "ifindex", node->ifindex);
			json_kv_string(&w, "state", node_link_state(&links, &st, node));
			json_object_end(&w);
		} else {
			snprintf(cidr, sizeof(cidr), "%s/%u", a, ipam_cell_prefix_len(&st.ipam));
			printf("%-20s %-18s %-17s %4u %-14s %7d %s\n", node->name, cidr, mac_text,
			       ipam_cell_of(&st.ipam, node->slot), veth, node->ifindex,
			       node_link_state(&links, &st, node));
		}
	}
	if (json_output) {
		json_array_end(&w);
		json_object_end(&w);
		json_finish(&w);
	}
	free(links.links);
	if (have_again)
		state_free(&again);
	state_free(&st);
	return 0;
}
