// SPDX-License-Identifier: GPL-2.0-only
/*
 * fabricctl stats: read the fabric's pinned counters map (one batched pass
 * per refresh), join it with the record's nodes, print a table, JSON,
 * Prometheus text, or rates between readings (--watch).
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "base/errors.h"
#include "base/timeutil.h"
#include "cli/cmd_common.h"
#include "cli/commands.h"
#include "fabric/impair.h"
#include "kernel/fabric_bpf.h"
#include "lab/plan.h"
#include "stats/observe.h"
#include "stats/print.h"

#define WATCH_MIN_S 0.1
#define WATCH_MAX_S 86400
#define SCREEN_CHROME_LINES 4 /* header, column titles, TOTAL, the cursor's line */

static const char stats_help[] =
	"Usage: fabricctl stats FABRIC [NODE...] [-j | --prometheus]\n"
	"                       [--sort FIELD] [--top N]\n"
	"       fabricctl stats FABRIC [NODE...] --watch [SECONDS] [--count N]\n"
	"                       [--sort FIELD] [--top N] [-j]\n"
	"       fabricctl stats FABRIC --matrix [--top N] [-j]\n"
	"       fabricctl stats FABRIC [NODE...] --drops [-j]\n"
	"\n"
	"Show the traffic of the nodes of FABRIC, as counted in the kernel by the\n"
	"fabric's eBPF program on the host end of every node's veth. Directions are\n"
	"the node's own: rx is what the node received, tx what it transmitted.\n"
	"Counting starts when a node is added; a node deleted and added again starts\n"
	"from zero. Counters are read straight from the pinned map (no daemon): one\n"
	"batched read of the whole map per refresh.\n"
	"\n"
	"With NODE arguments, only those nodes are shown (and totalled).\n"
	"\n"
	"Output:\n"
	"  (default)          a table: node, address, cell (the node's bridge is\n"
	"                     FABRIC-c<CELL>), rx/tx packets, rx/tx bytes in human\n"
	"                     units, and a TOTAL row.\n"
	"  -j, --json         JSON with every counter, the node's \"cell\", the\n"
	"                     per-protocol breakdown and the time of the reading\n"
	"                     (\"time\", RFC 3339 UTC, and \"timestamp_ms\",\n"
	"                     milliseconds since the epoch). -p pretty-prints.\n"
	"                     Each node's \"impair\" is the impairment in force on\n"
	"                     its host veth (\"rate 20mbit\", as show -j says) or null.\n"
	"  -m, --matrix       the traffic matrix, counted in the kernel on every node's\n"
	"                     transmit hook: packets and bytes the nodes of each cell\n"
	"                     (rows) sent to each cell (columns, by arithmetic on the\n"
	"                     IPv4 destination: slot = address - network, cell =\n"
	"                     slot / cell size), outside the fabric's subnet, or not\n"
	"                     as IPv4 (ARP, IPv6); exact, and each row sums to what\n"
	"                     the cell's nodes transmitted. Then the busiest node\n"
	"                     pairs: the kernel keeps the 4096 most recently active\n"
	"                     (an LRU); evicted pairs still count in the matrix.\n"
	"                     --top N shows the N busiest pairs.\n"
	"  -d, --drops        packets the kernel dropped on each node's host veth or\n"
	"                     inside its namespace, by the kernel's drop reason (the\n"
	"                     kfree_skb tracepoint; names from the running kernel's\n"
	"                     BTF, e.g. NO_SOCKET, NETFILTER_DROP, CPU_BACKLOG,\n"
	"                     NEIGH_FAILED). Kernels before 5.17 give no reason:\n"
	"                     drops are counted as UNKNOWN.\n"
	"  -P, --prometheus   Prometheus text exposition format, for node_exporter's\n"
	"                     textfile collector: counters fabricctl_node_*_total with\n"
	"                     labels fabric, node, direction (and protocol), bytes in\n"
	"                     bytes; fabricctl_node_info (value 1) adds each node's\n"
	"                     address, cell and ifindex as labels; the cell matrix and\n"
	"                     the drops as the exporter serves them.\n"
	"\n"
	"Options:\n"
	"  -s, --sort FIELD   order of the rows: address (default), name, rx_packets,\n"
	"                     tx_packets, rx_bytes, tx_bytes, packets (rx+tx), bytes\n"
	"                     (rx+tx) or drops. Counts sort from the largest. With\n"
	"                     --watch they sort by rate (drops: by count), and the\n"
	"                     default is bytes (the busiest).\n"
	"  -t, --top N        show only the first N rows (sorted by bytes unless --sort\n"
	"                     is given). The TOTAL row still covers every node shown\n"
	"                     before the cut. With NODE arguments and no --sort, rows\n"
	"                     keep the order given.\n"
	"  -w, --watch [SECONDS]\n"
	"                     read every SECONDS (default 1, fractions allowed) and show\n"
	"                     rates: packets/s and bits/s per node and in total. On a\n"
	"                     terminal the screen is redrawn in place like top; piped,\n"
	"                     one block per interval is printed (one JSON document per\n"
	"                     line with -j; -p is ignored there). Ctrl-C stops.\n"
	"  -c, --count N      with --watch, stop after N intervals.\n"
	"  -h, --help         show this help.\n"
	"\n"
	"Counters (per node and direction): packets, bytes (Ethernet header\n"
	"included, as in the veth's own statistics), broadcast and multicast packets,\n"
	"and packets by protocol: arp, ipv4, ipv6 and other split every packet by\n"
	"ethertype; icmp, icmpv6, tcp and udp count IPv4/IPv6 packets by their\n"
	"upper-layer protocol.\n"
	"\n"
	"Exit status: 0 on success, 1 when the fabric, a node or its counters cannot\n"
	"be read, 2 on a usage error.\n"
	"\n"
	"Examples:\n"
	"  fabricctl stats lab\n"
	"  fabricctl stats lab node1 node2 -j | jq '.nodes[].rx.packets'\n"
	"  fabricctl stats lab --prometheus > /var/lib/node_exporter/fabric_lab.prom\n"
	"  fabricctl stats lab --watch 2 --top 20\n"
	"  fabricctl stats lab --matrix --top 10\n"
	"  fabricctl stats lab --drops -j | jq '.drops[] | select(.reason == \"NO_SOCKET\")'\n";

enum out_format { OUT_TABLE, OUT_JSON, OUT_PROMETHEUS };
enum stats_view { VIEW_NODES, VIEW_MATRIX, VIEW_DROPS };

struct stats_opts {
	const char *fabric;
	char **nodes; /* NODE... filter, or none for all */
	size_t n_nodes;
	enum out_format format;
	enum stats_view view;
	enum stats_sort sort;
	bool sort_set, prometheus, count_set;
	unsigned long top; /* 0: all */
	bool watch;
	double interval;     /* seconds */
	unsigned long count; /* intervals; 0: until interrupted */
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static bool looks_like_interval(const char *text)
{
	char *end;
	double v;

	if (!text || !((text[0] >= '0' && text[0] <= '9') || text[0] == '.'))
		return false;
	v = strtod(text, &end);
	return !*end && isfinite(v);
}

static int parse_interval(const char *text, double *out)
{
	if (!looks_like_interval(text))
		return fail_usage("invalid --watch interval \"%s\": not a number of seconds", text);
	*out = strtod(text, NULL);
	if (*out < WATCH_MIN_S || *out > WATCH_MAX_S)
		return fail_usage("invalid --watch interval \"%s\": must be %g to %d seconds", text,
				  WATCH_MIN_S, WATCH_MAX_S);
	return 0;
}

static int parse_sort(const char *text, enum stats_sort *out)
{
	for (int i = 0; i < STATS_SORT_MAX; i++) {
		if (!strcmp(text, stats_sort_names[i])) {
			*out = (enum stats_sort)i;
			return 0;
		}
	}
	return fail_usage("invalid --sort field \"%s\": expected address, name, rx_packets, "
			  "tx_packets, rx_bytes, tx_bytes, packets, bytes or drops",
			  text);
}

/*
 * "--watch [SECONDS]": the interval is an optional, separate argument, and
 * getopt only takes "--watch=2". Rewrite "--watch 2" / "-w 2" as
 * "--watch=2" (in @buf) before parsing; a node named like a number must
 * then come before --watch.
 */
static char **join_watch_interval(int argc, char **argv, int *new_argc, char *buf, size_t size)
{
	char **out = calloc((size_t)argc + 1, sizeof(*out));
	bool joined = false;
	int n = 0;

	if (!out)
		return NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				out[n++] = argv[i++];
			break;
		}
		if (!joined && (!strcmp(argv[i], "--watch") || !strcmp(argv[i], "-w")) &&
		    i + 1 < argc && looks_like_interval(argv[i + 1]) &&
		    (size_t)snprintf(buf, size, "--watch=%s", argv[i + 1]) < size) {
			out[n++] = buf;
			joined = true;
			i++;
			continue;
		}
		out[n++] = argv[i];
	}
	*new_argc = n;
	return out;
}

static int stats_option(int c, const char *arg, void *ctx)
{
	struct stats_opts *o = ctx;
	int err;

	switch (c) {
	case 'P':
		o->prometheus = true;
		return 0;
	case 'm':
	case 'd':
		if (o->view != VIEW_NODES)
			return fail_usage("--matrix and --drops exclude each other");
		o->view = c == 'm' ? VIEW_MATRIX : VIEW_DROPS;
		return 0;
	case 's':
		err = parse_sort(arg, &o->sort);
		o->sort_set = !err;
		return err;
	case 't':
		return cmd_parse_ulong(arg, "--top", 1, (unsigned long)-1, &o->top);
	case 'w':
		o->watch = true;
		return arg ? parse_interval(arg, &o->interval) : 0;
	case 'c':
		o->count_set = true;
		return cmd_parse_ulong(arg, "--count", 1, (unsigned long)-1, &o->count);
	}
	return -EUSAGE;
}

static int parse_args(int argc, char **argv, struct stats_opts *o)
{
	static const struct option opts[] = {
		{"prometheus", no_argument, NULL, 'P'},
		{"matrix", no_argument, NULL, 'm'},
		{"drops", no_argument, NULL, 'd'},
		{"sort", required_argument, NULL, 's'},
		{"top", required_argument, NULL, 't'},
		{"watch", optional_argument, NULL, 'w'},
		{"count", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int first, err;

	memset(o, 0, sizeof(*o));
	o->interval = 1.0;
	err = cmd_parse(argc, argv, stats_help, "Pmds:t:w::c:", opts, stats_option, o, &first);
	if (err)
		return err;
	if (o->count_set && !o->watch)
		return fail_usage("--count needs --watch");
	if (o->prometheus && cli_out.json)
		return fail_usage("-j and --prometheus exclude each other");
	if (o->prometheus && o->watch)
		return fail_usage("--prometheus and --watch exclude each other");
	if (o->view != VIEW_NODES && (o->prometheus || o->watch || o->sort_set))
		return fail_usage("--%s takes neither --prometheus, --watch nor --sort",
				  o->view == VIEW_MATRIX ? "matrix" : "drops");
	o->format = o->prometheus ? OUT_PROMETHEUS : cli_out.json ? OUT_JSON : OUT_TABLE;
	/* getopt moved the operands to the end: FABRIC, then NODE... */
	if (first >= argc)
		return fail_usage("missing FABRIC; see `fabricctl stats --help`");
	o->fabric = argv[first++];
	o->nodes = &argv[first];
	o->n_nodes = (size_t)(argc - first);
	if (o->view == VIEW_MATRIX && o->n_nodes)
		return fail_usage("--matrix takes no NODE: it covers the whole fabric");
	return 0;
}

/* Order the rows as asked; returns how many to show. */
static size_t order_rows(struct stats_row *rows, size_t n, const struct stats_opts *o, bool rates)
{
	enum stats_sort sort = o->sort;

	if (!o->sort_set && (o->watch || o->top))
		sort = STATS_SORT_BYTES;
	/* NODE arguments without --sort keep the order given. */
	if (!o->sort_set && sort == STATS_SORT_ADDRESS && o->n_nodes)
		return o->top && o->top < n ? o->top : n;
	return stats_rows_order(rows, n, sort, rates, o->top);
}

/* Sleep until @deadline (CLOCK_MONOTONIC); false when interrupted by a signal. */
static bool sleep_until(const struct timespec *deadline)
{
	while (!interrupted) {
		int err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline, NULL);

		if (!err)
			return true;
		if (err != EINTR)
			return false;
	}
	return false;
}

/* One frame of --watch: on a terminal redrawn in place, one screen at most. */
static void print_frame(const struct fabric_state *st, const struct stats_row *rows, size_t n,
			size_t shown, const struct stats_snapshot *snap, const struct stats_opts *o,
			bool tty, unsigned long frames)
{
	struct printer p;

	print_start(&p, stdout, cli_out.json, false);
	if (tty) {
		struct winsize ws;

		if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row > SCREEN_CHROME_LINES &&
		    shown > (size_t)ws.ws_row - SCREEN_CHROME_LINES)
			shown = ws.ws_row - SCREEN_CHROME_LINES;
		fputs("\033[H", stdout);
		stats_print_rates(&p, st, rows, n, shown, snap, o->interval, "\033[K\n");
		fputs("\033[J", stdout);
	} else {
		if (frames && !cli_out.json)
			putchar('\n');
		stats_print_rates(&p, st, rows, n, shown, snap, o->interval, "\n");
	}
	print_end(&p);
}

static int watch(struct fabric_bpf *fb, const struct stats_opts *o)
{
	bool tty = !cli_out.json && isatty(STDOUT_FILENO);
	struct stats_snapshot snaps[2] = {0};
	struct sigaction sa = {0};
	unsigned long frames = 0;
	struct timespec next;
	int cur = 0, err;

	sa.sa_handler = on_signal; /* no SA_RESTART: the sleep must end */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (tty)
		fputs("\033[?25l\033[H\033[2J", stdout); /* hide the cursor, clear */
	err = stats_snapshot_take(fb, &snaps[cur]);
	next = snaps[cur].mono;
	while (!err) {
		struct fabric_state st = {0};
		struct stats_row *rows;
		size_t n, shown;

		timespec_add(&next, o->interval);
		if (!sleep_until(&next))
			break;
		cur ^= 1;
		err = stats_snapshot_take(fb, &snaps[cur]);
		if (err)
			break;
		/* Reloaded each time: nodes come and go while we watch. */
		err = state_load(o->fabric, &st);
		if (err) {
			if (err == -ENOENT)
				err = fail_msg(-ENOENT, "fabric \"%s\" is gone", o->fabric);
			break;
		}
		err = stats_rows_select(&st, o->nodes, o->n_nodes, &rows, &n);
		if (err) {
			state_free(&st);
			break;
		}
		stats_rows_fill(rows, n, &snaps[cur], &snaps[cur ^ 1]);
		if (o->sort == STATS_SORT_DROPS)
			stats_rows_read_drops(fb, rows, n);
		shown = order_rows(rows, n, o, true);
		print_frame(&st, rows, n, shown, &snaps[cur], o, tty, frames);
		free(rows);
		state_free(&st);
		if (++frames == o->count)
			break;
	}
	if (tty)
		fputs("\033[?25h", stdout); /* the cursor back */
	fflush(stdout);
	stats_snapshot_free(&snaps[0]);
	stats_snapshot_free(&snaps[1]);
	return err;
}

static int show_matrix(struct fabric_bpf *fb, const struct fabric_state *st,
		       const struct stats_opts *o)
{
	struct fabric_matrix_reading m;
	struct timespec now;
	struct printer p;
	int err;

	err = fabric_bpf_read_matrix(fb, &m);
	if (err)
		return err;
	clock_gettime(CLOCK_REALTIME, &now);
	cli_printer(&p);
	stats_print_matrix(&p, st, &m, &now, o->top);
	print_end(&p);
	fabric_matrix_reading_free(&m);
	return 0;
}

static int show_drops(struct fabric_bpf *fb, const struct fabric_state *st,
		      const struct stats_opts *o)
{
	struct fabric_drops_reading d;
	struct timespec now;
	struct printer p;
	int err;

	err = fabric_bpf_read_drops(fb, &d);
	if (err)
		return err;
	clock_gettime(CLOCK_REALTIME, &now);
	cli_printer(&p);
	stats_print_drops(&p, st, &d, stats_drop_reasons(), o->nodes, o->n_nodes, &now);
	print_end(&p);
	fabric_drops_reading_free(&d);
	return 0;
}

#define IMPAIR_TEXT_MAX 256 /* as show's */

/*
 * JSON's "impair" of each row: the impairment in force on its host veth,
 * from one qdisc dump (as show -j reads it). *texts is malloc'd; a failed
 * read leaves the rows without the key.
 */
static void read_impairs(const struct fabric_state *st, struct stats_row *rows, size_t n,
			 char (**texts)[IMPAIR_TEXT_MAX])
{
	struct impair_view *imps = calloc(st->n_nodes + 1, sizeof(*imps));

	*texts = calloc(n + 1, sizeof(**texts));
	if (!imps || !*texts || fabric_impair_read_hosts(st, imps)) {
		fail_clear();
		free(imps);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct impair_view *v = &imps[rows[i].node - st->nodes];

		if (v->host_set)
			lab_impair_text(&v->host, (*texts)[i], IMPAIR_TEXT_MAX, false);
		rows[i].impair = (*texts)[i];
	}
	free(imps);
}

static int show_once(struct fabric_bpf *fb, const struct fabric_state *st,
		     const struct stats_opts *o)
{
	char(*impairs)[IMPAIR_TEXT_MAX] = NULL;
	struct stats_snapshot snap = {0};
	struct stats_row *rows;
	struct printer p;
	size_t n, shown;
	int err;

	err = stats_snapshot_take(fb, &snap);
	if (!err)
		err = stats_rows_select(st, o->nodes, o->n_nodes, &rows, &n);
	if (err)
		goto out;
	stats_rows_fill(rows, n, &snap, NULL);
	stats_rows_read_drops(fb, rows, n);
	if (o->format == OUT_JSON)
		read_impairs(st, rows, n, &impairs);
	shown = order_rows(rows, n, o, false);
	if (o->format == OUT_PROMETHEUS) {
		struct fabric_matrix_reading m;
		struct fabric_drops_reading d;
		bool has_m = !fabric_bpf_read_matrix(fb, &m),
		     has_d = !fabric_bpf_read_drops(fb, &d);
		struct stats_prom_observe obs = {st, has_m ? &m : NULL, has_d ? &d : NULL};

		fail_clear(); /* an older fabric without them: the node series still go out */
		stats_print_prometheus(stdout, st, rows, shown);
		stats_print_prometheus_observe(stdout, &obs, 1, false);
		fabric_matrix_reading_free(&m);
		fabric_drops_reading_free(&d);
	} else {
		cli_printer(&p);
		stats_print_counters(&p, st, rows, n, shown, &snap);
		print_end(&p);
	}
	free(rows);
	free(impairs);
out:
	stats_snapshot_free(&snap);
	return err;
}

int cmd_stats(int argc, char **argv)
{
	struct fabric_state st = {0};
	struct fabric_bpf *fb = NULL;
	struct stats_opts o;
	char watch_arg[64];
	char **args;
	int nargs, err;

	args = join_watch_interval(argc, argv, &nargs, watch_arg, sizeof(watch_arg));
	if (!args)
		return fail(-ENOMEM, "cannot parse the arguments");
	err = parse_args(nargs, args, &o);
	if (err) {
		err = err > 0 ? 0 : err; /* 1: --help was printed */
		goto out_args;
	}
	cmd_context("stats", o.fabric);
	err = cmd_read_fabric(o.fabric, &st);
	if (err)
		goto out_args;
	/* Unknown NODE arguments are reported before anything is read. */
	for (size_t i = 0; i < o.n_nodes; i++) {
		if (!state_find_node(&st, o.nodes[i])) {
			err = fail_msg(-ENOENT, "no node \"%s\" in fabric \"%s\"", o.nodes[i],
				       o.fabric);
			goto out_state;
		}
	}
	err = fabric_bpf_open(o.fabric, &fb);
	if (err)
		goto out_state;
	if (o.view == VIEW_MATRIX)
		err = show_matrix(fb, &st, &o);
	else if (o.view == VIEW_DROPS)
		err = show_drops(fb, &st, &o);
	else
		err = o.watch ? watch(fb, &o) : show_once(fb, &st, &o);
	fabric_bpf_close(fb);
out_state:
	state_free(&st);
out_args:
	free(args);
	return err;
}
