// SPDX-License-Identifier: GPL-2.0-only
/* doctor: this host's limits, judged for a fabric size, with the fixes. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "errors.h"
#include "host_limits.h"
#include "output.h"

#define DOCTOR_DEFAULT_NODES 1000
#define DOCTOR_DEFAULT_CELL 512
#define DOCTOR_MAX_NODES (1u << 24)
#define DOCTOR_MIN_CELL 64
#define DOCTOR_MAX_CELL (1u << 19)

static const char doctor_help[] =
	"Usage: fabricctl doctor [--nodes N] [--cell-size S]\n"
	"\n"
	"Read the limits of this host that decide how far fabrics can grow, judge them\n"
	"for N nodes in total (all fabrics together) in cells of S slots, and say what\n"
	"will fail and the exact command that fixes each problem. Nothing is changed.\n"
	"\n"
	"  --nodes N       nodes in total, existing ones included (default 1000)\n"
	"  --cell-size S   slots per cell, a power of two from 64 to 524288 (default\n"
	"                  512): a cell's bridge holds S-3 nodes and one router leg\n"
	"\n"
	"Limits (LIMIT column; with -j the \"name\" key):\n"
	"  bridge_ports                       ports of a cell's bridge; the kernel takes\n"
	"                                     1024 (more fail with \"exchange full\")\n"
	"  net.core.netdev_max_backlog        one ARP broadcast is queued once per port\n"
	"                                     of its cell on one CPU: below the port\n"
	"                                     count part of every flood is dropped;\n"
	"                                     needed: ports + 64\n"
	"  net.ipv4.neigh.default.gc_thresh3  ARP entries of all namespaces together:\n"
	"                                     2 per node + 256; beyond it \"neighbor\n"
	"                                     table overflow\" and lost packets\n"
	"  net.ipv4.neigh.default.gc_thresh2  2 per node + 128; above it idle entries\n"
	"                                     are evicted every 5 s and re-resolved\n"
	"  net.ipv4.neigh.default.gc_thresh1  shown only: never needs raising\n"
	"  net.ipv6.neigh.default.gc_thresh3  fabric links carry no IPv6; warns only\n"
	"                                     when the host's own table is near it\n"
	"  user.max_net_namespaces            one per node, one router per fabric, and\n"
	"                                     the host's other named namespaces\n"
	"  rlimit_nofile                      fabricctl's own open files (batches of 64)\n"
	"  mem_available_kib                  kernel memory of the nodes still to make,\n"
	"                                     384 KiB each: fails above 80% of\n"
	"                                     MemAvailable, warns above 50%\n"
	"  bpffs, bpf_prog_load, btf          where counters are pinned; whether BPF\n"
	"                                     loads; kernel BTF\n"
	"  forward_policy                     a forward chain with policy drop (nftables\n"
	"                                     ip/inet/bridge, or legacy iptables) drops\n"
	"                                     bridged fabric traffic when\n"
	"  net.bridge.bridge-nf-call-iptables is 1 (br_netfilter loaded)\n"
	"  net.ipv4.ip_forward                shown only: fabricctl never changes it\n"
	"\n"
	"STATUS is ok, warn (works, worth knowing) or fail (this size will fail or\n"
	"misbehave); the fix is printed under each item that is not ok. Sysctls marked\n"
	"tunable are the ones `fabricctl create --tune` raises for its fabric,\n"
	"recording the previous values, which `destroy` puts back.\n"
	"\n"
	"With -j: {\"nodes\": N, \"cell_size\": S, \"ok\": BOOL, \"tunable\": BOOL,\n"
	"\"limits\": [{\"name\", \"current\", \"needed\", \"status\", \"tunable\", \"what\",\n"
	"\"fix\"}]} where \"tunable\" at the top says `create --tune` fixes every failure.\n"
	"\n"
	"Exit status: 0 when nothing fails, 1 when something does, 2 usage error.\n"
	"\n"
	"Example: fabricctl doctor --nodes 10000\n";

/* Items whose value is yes/no rather than a number. */
static bool is_flag(const char *name)
{
	return !strcmp(name, "bpffs") || !strcmp(name, "bpf_prog_load") || !strcmp(name, "btf") ||
	       !strcmp(name, "forward_policy");
}

static int parse_count(const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (text[0] < '0' || text[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static void print_value(char *buf, size_t size, const struct host_limit *l, uint64_t v, bool needed)
{
	if (!strcmp(l->name, "forward_policy"))
		snprintf(buf, size, "%s", v ? "accept" : "drop");
	else if (is_flag(l->name))
		snprintf(buf, size, "%s", v ? "yes" : "no");
	else if (needed && v == 0)
		snprintf(buf, size, "-");
	else if (!strcmp(l->name, "mem_available_kib"))
		format_bytes(v * 1024, buf, size);
	else
		snprintf(buf, size, "%" PRIu64, v);
}

static void print_table(const struct limit_report *r)
{
	printf("%-35s %10s %10s  %s\n", "LIMIT", "CURRENT", "NEEDED", "STATUS");
	for (size_t i = 0; i < r->n; i++) {
		const struct host_limit *l = &r->items[i];
		char cur[32], need[32];

		print_value(cur, sizeof(cur), l, l->current, false);
		print_value(need, sizeof(need), l, l->needed, true);
		printf("%-35s %10s %10s  %s%s\n", l->name, cur, need,
		       limit_severity_name(l->severity),
		       l->severity != LIMIT_OK && l->tunable ? " (tunable)" : "");
		if (l->severity == LIMIT_OK)
			continue;
		printf("    %s\n", l->what);
		if (l->fix[0])
			printf("    fix: %s\n", l->fix);
	}
}

static void print_json(const struct limit_report *r, uint64_t nodes, uint32_t cell_size)
{
	struct json_writer w;

	json_init(&w, stdout, pretty_output);
	json_object_start(&w);
	json_kv_uint(&w, "nodes", nodes);
	json_kv_uint(&w, "cell_size", cell_size);
	json_kv_bool(&w, "ok", !limits_failed(r));
	json_kv_bool(&w, "tunable", limits_all_tunable(r));
	json_key(&w, "limits");
	json_array_start(&w);
	for (size_t i = 0; i < r->n; i++) {
		const struct host_limit *l = &r->items[i];

		json_object_start(&w);
		json_kv_string(&w, "name", l->name);
		json_kv_uint(&w, "current", l->current);
		json_kv_uint(&w, "needed", l->needed);
		json_kv_string(&w, "status", limit_severity_name(l->severity));
		json_kv_bool(&w, "tunable", l->tunable);
		json_kv_string(&w, "what", l->what);
		json_kv_string(&w, "fix", l->fix);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_object_end(&w);
	json_finish(&w);
}

int cmd_doctor(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nodes", required_argument, NULL, 'n' },
		{ "cell-size", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	uint64_t nodes = DOCTOR_DEFAULT_NODES, cell = DOCTOR_DEFAULT_CELL;
	struct limit_report r;
	size_t fails = 0, tunable = 0;
	int c, err;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_count(optarg, 1, DOCTOR_MAX_NODES, &nodes))
				return fail_usage("invalid node count \"%s\": expected 1-%u",
						  optarg, DOCTOR_MAX_NODES);
			break;
		case 'c':
			if (parse_count(optarg, DOCTOR_MIN_CELL, DOCTOR_MAX_CELL, &cell) ||
			    (cell & (cell - 1)))
				return fail_usage("invalid cell size \"%s\": expected a "
						  "power of two from %u to %u",
						  optarg, DOCTOR_MIN_CELL, DOCTOR_MAX_CELL);
			break;
		case 'h':
			fputs(doctor_help, stdout);
			return 0;
		default:
			return fail_usage("%s \"%s\"; see `fabricctl doctor --help`",
					  c == ':' ? "missing value for" : "unknown option",
					  argv[optind - 1]);
		}
	}
	if (optind != argc)
		return fail_usage("doctor takes no arguments; see `fabricctl doctor --help`");

	err = limits_check(nodes, (uint32_t)cell, &r);
	if (err)
		return err;
	for (size_t i = 0; i < r.n; i++) {
		if (r.items[i].severity != LIMIT_FAIL)
			continue;
		fails++;
		tunable += r.items[i].tunable;
	}
	if (json_output) {
		print_json(&r, nodes, (uint32_t)cell);
	} else {
		print_table(&r);
		if (!fails)
			printf("\nthis host can run %" PRIu64 " nodes in cells of %" PRIu64 "\n",
			       nodes, cell);
		else if (tunable == fails)
			printf("\n%" PRIu64 " nodes will fail: %zu problem%s; fixes above, or "
			       "`fabricctl create --tune` fixes them all\n",
			       nodes, fails, fails == 1 ? "" : "s");
		else if (tunable)
			printf("\n%" PRIu64 " nodes will fail: %zu problem%s; fixes above "
			       "(`fabricctl create --tune` fixes %zu of them)\n",
			       nodes, fails, fails == 1 ? "" : "s", tunable);
		else
			printf("\n%" PRIu64 " nodes will fail: %zu problem%s; fixes above "
			       "(none that `fabricctl create --tune` can make)\n",
			       nodes, fails, fails == 1 ? "" : "s");
	}
	if (!fails)
		return 0;
	/* With -j the report is the whole answer (one JSON document). */
	if (json_output)
		return -EREPORTED;
	return fail_msg(-ERANGE, "%" PRIu64 " nodes will fail on this host: %zu problem%s", nodes,
			fails, fails == 1 ? "" : "s");
}
