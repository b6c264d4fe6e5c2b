// SPDX-License-Identifier: GPL-2.0-only
/* fabricctl create FABRIC [--subnet CIDR] [--ipv6 ...] [--mtu N] [--cell-size N] [--tune]
 * [--attach]
 * [--site N ...] */
#include <errno.h>
#include <stdio.h>

#include "base/errors.h"
#include "cli/cmd_common.h"
#include "cli/commands.h"
#include "cli/fabric_print.h"
#include "fabric/fabric.h"
#include "fabric/fabric6.h"
#include "fabric/site.h"

static const char create_help[] =
	"Usage: fabricctl create FABRIC [--subnet CIDR] [--ipv6] [--subnet6 CIDR6] [--ipv6-only]\n"
	"                        [--mtu N] [--cell-size N] [--tune] [--attach tc|tcx]\n"
	"           [--site N --underlay ADDR [--bgp-peer ADDR]... [--bgp-hold S] [--asn N]]\n"
	"\n"
	"Make fabric FABRIC: its first cell's bridge FABRIC-c0 (up, STP off, no forward\n"
	"delay), the eBPF counting program loaded once and pinned under\n"
	"/sys/fs/bpf/fabricctl/FABRIC, and the fabric's record in /run/fabricctl/FABRIC.\n"
	"Nothing is left behind if any step fails.\n"
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
	"  --ipv6         dual-stack: every node also gets an IPv6 address, usable at\n"
	"                 once (no duplicate address detection), from a unique-local\n"
	"                 /48 derived from the fabric's name (fd00::/8, RFC 4193)\n"
	"  --subnet6 CIDR6  dual-stack with this IPv6 prefix (implies --ipv6): /64 or\n"
	"                 shorter, one /64 per cell, overlapping no other fabric and no\n"
	"                 IPv6 address or route of the host. Node of slot S in cell C:\n"
	"                 the prefix with C in the last bits of its /64, S as interface\n"
	"                 identifier (lab-7 = PREFIX::7 beside 10.x.0.7)\n"
	"  --ipv6-only    no IPv4 address on any node, bridge or router (implies --ipv6);\n"
	"                 the IPv4 subnet still numbers the slots\n"
	"  --mtu N        MTU of the bridge and every veth (68-65535, default 1500)\n"
	"  --cell-size N  addresses per cell: a power of two from 64 to 1024\n"
	"                 (default 512: 509 nodes per bridge)\n"
	"  --tune         let fabricctl raise the host limits this fabric outgrows\n"
	"                 (neighbour table gc_thresh, netdev_max_backlog,\n"
	"                 user.max_net_namespaces) as nodes are added; the previous\n"
	"                 values are recorded and put back by destroy. Without it,\n"
	"                 add-node refuses a size the host cannot serve and prints the\n"
	"                 exact sysctl to change (see `fabricctl doctor`).\n"
	"  --attach tc|tcx  how the counting program sits on each node's host veth:\n"
	"                 tc = clsact qdiscs on shared tc blocks with cls_bpf filters\n"
	"                 (any kernel); tcx = BPF links (Linux 6.6+), pinned under\n"
	"                 /sys/fs/bpf/fabricctl/FABRIC/tcx. Default: tc (measured\n"
	"                 faster to add nodes; see the README), or $FABRICCTL_ATTACH.\n"
	"\n"
	"One fabric over several hosts (each host runs FRR, zebra with -n):\n"
	"  --site N       this host's share of the fabric, 1-15: the subnet is cut in 16\n"
	"                 blocks; block 0 stays local on every host (cell 0, the host's\n"
	"                 address), block N holds this host's nodes. Needs --subnet,\n"
	"                 the same on every host.\n"
	"  --underlay ADDR  this host's address on the underlay (the VXLAN endpoint);\n"
	"                 the node MTU defaults to that device's MTU - 50\n"
	"  --bgp-peer ADDR  another host's underlay address (repeat for each; eBGP EVPN)\n"
	"  --bgp-hold S   BGP hold time in seconds (default 9, keepalive S/3)\n"
	"  --asn N        this host's BGP AS (default 4200000000 + N)\n"
	"\n"
	"With -j: the new fabric as `fabricctl list -j` shows it.\n"
	"\n"
	"Example: fabricctl create lab --subnet 10.42.0.0/16\n";

struct create_opts {
	struct ipv4_prefix subnet;
	bool have_subnet;
	unsigned long mtu;
	uint32_t cell_size;
	bool tune;
	int attach;
	struct fabric6_opts v6;
	struct site_conf site;
	bool mtu_given;
};

static int create_option(int c, const char *arg, void *ctx)
{
	struct create_opts *o = ctx;
	unsigned long v;
	int err;

	switch (c) {
	case 's':
		err = fabric_subnet_parse(arg, &o->subnet);
		o->have_subnet = !err;
		return err;
	case 'm':
		o->mtu_given = true;
		return cmd_parse_ulong(arg, "MTU", FABRIC_MTU_MIN, FABRIC_MTU_MAX, &o->mtu);
	case 'c':
		return cell_size_parse(arg, "--cell-size", &o->cell_size);
	case 't':
		o->tune = true;
		return 0;
	case 'a': {
		enum fabric_attach a;

		if (fabric_attach_parse(arg, &a))
			return fail_usage("invalid --attach \"%s\": expected tc or tcx", arg);
		o->attach = (int)a;
		return 0;
	}
	case '6':
		o->v6.enable = true;
		return 0;
	case 'S':
		o->v6.enable = true;
		err = ipv6_prefix_parse(arg, &o->v6.prefix);
		if (err)
			return fail_wrap(err, "--subnet6 %s", arg);
		o->v6.have_prefix = true;
		return 0;
	case 'O':
		o->v6.enable = o->v6.only = true;
		return 0;
	case 'i':
		err = cmd_parse_ulong(arg, "--site", 1, SITE_MAX, &v);
		o->site.site = (unsigned int)v;
		return err;
	case 'U':
		return ipv4_addr_parse(arg, &o->site.underlay);
	case 'P':
		if (o->site.n_peers == SITE_PEERS_MAX)
			return fail_usage("at most %d --bgp-peer", SITE_PEERS_MAX);
		return ipv4_addr_parse(arg, &o->site.peers[o->site.n_peers++]);
	case 'H':
		err = cmd_parse_ulong(arg, "--bgp-hold", 3, 65535, &v);
		o->site.hold = (unsigned int)v;
		return err;
	case 'A':
		err = cmd_parse_ulong(arg, "--asn", 1, 4294967294ul, &v);
		o->site.asn = (uint32_t)v;
		return err;
	}
	return -EUSAGE;
}

int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{"subnet", required_argument, NULL, 's'},
		{"mtu", required_argument, NULL, 'm'},
		{"cell-size", required_argument, NULL, 'c'},
		{"tune", no_argument, NULL, 't'},
		{"attach", required_argument, NULL, 'a'},
		{"ipv6", no_argument, NULL, '6'},
		{"subnet6", required_argument, NULL, 'S'},
		{"ipv6-only", no_argument, NULL, 'O'},
		{"site", required_argument, NULL, 'i'},
		{"underlay", required_argument, NULL, 'U'},
		{"bgp-peer", required_argument, NULL, 'P'},
		{"bgp-hold", required_argument, NULL, 'H'},
		{"asn", required_argument, NULL, 'A'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct create_opts o = {
		.mtu = FABRIC_DEFAULT_MTU,
		.cell_size = CELL_DEFAULT_SIZE,
		.attach = FABRIC_ATTACH_AUTO,
	};
	struct fabric_state st;
	int first, err;

	err = cmd_parse(argc, argv, create_help, "", opts, create_option, &o, &first);
	if (err)
		return err > 0 ? 0 : err;
	if (first != argc - 1)
		return fail_usage("create takes one FABRIC name; see `fabricctl create --help`");
	err = fabric_name_validate(argv[first]);
	if (err)
		return err;
	cmd_context("create", argv[first]);
	if (o.site.site || o.site.underlay || o.site.n_peers || o.site.asn || o.site.hold) {
		if (!o.site.site)
			return fail_usage(
				"--underlay, --bgp-peer, --bgp-hold and --asn go with --site");
		if (o.v6.enable)
			return fail_usage("--site makes an IPv4 fabric: --ipv6, --subnet6 and "
					  "--ipv6-only do not go with it yet");
		o.site.vni = site_vni_of(argv[first]);
		if (!o.site.asn)
			o.site.asn = SITE_ASN_BASE + o.site.site;
		if (!o.site.hold)
			o.site.hold = SITE_DEFAULT_HOLD;
		err = fabric_create_site(argv[first], o.have_subnet ? &o.subnet : NULL,
					 o.mtu_given ? (unsigned int)o.mtu : 0, o.cell_size, o.tune,
					 o.attach, &o.site, &st);
	} else {
		err = fabric_create6(argv[first], o.have_subnet ? &o.subnet : NULL, &o.v6,
				     (unsigned int)o.mtu, o.cell_size, o.tune, o.attach, &st);
	}
	if (err)
		return err;
	if (cli_out.json) {
		struct printer p;

		cli_printer(&p);
		print_open_object(&p, NULL);
		print_fabric_fields(&p, &st, false);
		print_close_object(&p);
		print_end(&p);
	} else if (!cli_out.quiet) {
		print_created(&st);
	}
	state_free(&st);
	return 0;
}
