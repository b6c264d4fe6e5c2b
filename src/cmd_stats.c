// SPDX-License-Identifier: GPL-2.0-only
/*
 * fabricctl stats: read the fabric's pinned counters map (one batched pass
 * per refresh), join it with the state record's nodes, print a table, JSON,
 * Prometheus text, or rates between readings (--watch).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "bpf_loader.h"
#include "commands.h"
#include "errors.h"
#include "fabric_counters.h"
#include "ipam.h"
#include "names.h"
#include "output.h"
#include "state.h"

static const char *const proto_names[FABRIC_PROTO_MAX] = {
	[FABRIC_PROTO_ARP] = "arp",	  [FABRIC_PROTO_IPV4] = "ipv4",
	[FABRIC_PROTO_IPV6] = "ipv6",	  [FABRIC_PROTO_ICMP] = "icmp",
	[FABRIC_PROTO_ICMPV6] = "icmpv6", [FABRIC_PROTO_TCP] = "tcp",
	[FABRIC_PROTO_UDP] = "udp",	  [FABRIC_PROTO_OTHER] = "other",
};

enum sort_field {
	SORT_ADDRESS, /* slot order: the default without --watch */
	SORT_NAME,
	SORT_RX_PACKETS,
	SORT_TX_PACKETS,
	SORT_RX_BYTES,
	SORT_TX_BYTES,
	SORT_PACKETS,
	SORT_BYTES, /* rx + tx: "busiest", the default with --watch or --top */
};

static const char *const sort_names[] = {
	[SORT_ADDRESS] = "address",	  [SORT_NAME] = "name",
	[SORT_RX_PACKETS] = "rx_packets", [SORT_TX_PACKETS] = "tx_packets",
	[SORT_RX_BYTES] = "rx_bytes",	  [SORT_TX_BYTES] = "tx_bytes",
	[SORT_PACKETS] = "packets",	  [SORT_BYTES] = "bytes",
};

enum out_format { OUT_TABLE, OUT_JSON, OUT_PROMETHEUS };

struct stats_opts {
	const char *fabric;
	char **nodes; /* NODE... filter, or none for all */
	int n_nodes;
	enum out_format format;
	enum sort_field sort;
	bool sort_set;
	unsigned long top; /* 0: all */
	bool watch;
	double interval; /* seconds */
	unsigned long count; /* intervals; 0: until interrupted */
};

struct row {
	const struct fabric_node *node;
	uint32_t addr;
	uint32_t cell; /* the cell (bridge <fabric>-c<N>) the node is in */
	bool counting; /* the node has a counters entry */
	struct fabric_counters c;
	/* --watch: per second over the last interval */
	double rx_pps, tx_pps, rx_bps, tx_bps;
};

/* The map's entries, sorted by ifindex for the join. */
struct entry_index {
	uint32_t ifindex;
	uint32_t i;
};

struct snapshot {
	struct fabric_bpf_reading r;
	struct entry_index *idx;
	size_t idx_cap;
	struct timespec mono; /* when read, for rates */
	struct timespec real; /* when read, for the output */
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void print_help(void)
{
	fputs("Usage: fabricctl stats FABRIC [NODE...] [-j | --prometheus]\n"
	      "                       [--sort FIELD] [--top N]\n"
	      "       fabricctl stats FABRIC [NODE...] --watch [SECONDS] [--count N]\n"
	      "                       [--sort FIELD] [--top N] [-j]\n"
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
	      "      --prometheus   Prometheus text exposition format, for node_exporter's\n"
	      "                     textfile collector: counters fabricctl_node_*_total with\n"
	      "                     labels fabric, node, direction (and protocol), bytes in\n"
	      "                     bytes; fabricctl_node_info (value 1) adds each node's\n"
	      "                     address, cell and ifindex as labels.\n"
	      "\n"
	      "Options:\n"
	      "  -s, --sort FIELD   order of the rows: address (default), name, rx_packets,\n"
	      "                     tx_packets, rx_bytes, tx_bytes, packets (rx+tx) or bytes\n"
	      "                     (rx+tx). Counts sort from the largest. With --watch they\n"
	      "                     sort by rate, and the default is bytes (the busiest).\n"
	      "  -t, --top N        show only the first N rows (sorted by bytes unless --sort\n"
	      "                     is given). The TOTAL row still covers every node shown\n"
	      "                     before the cut.\n"
	      "  -w, --watch [SECONDS]\n"
	      "                     read every SECONDS (default 1, fractions allowed) and show\n"
	      "                     rates: packets/s and bits/s per node and in total. On a\n"
	      "                     terminal the screen is redrawn in place like top; piped,\n"
	      "                     one block per interval is printed (one JSON document per\n"
	      "                     line with -j). Ctrl-C stops.\n"
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
	      "  fabricctl stats lab --watch 2 --top 20\n",
	      stdout);
}

static int parse_ulong(const char *text, const char *what, unsigned long *out)
{
	char *end;

	errno = 0;
	if (text[0] < '0' || text[0] > '9')
		return fail_usage("invalid %s \"%s\": not a number", what, text);
	*out = strtoul(text, &end, 10);
	if (errno || *end)
		return fail_usage("invalid %s \"%s\": not a number", what, text);
	return 0;
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
	if (*out < 0.1 || *out > 86400)
		return fail_usage("invalid --watch interval \"%s\": must be 0.1 to 86400 seconds",
				  text);
	return 0;
}

static int parse_sort(const char *text, enum sort_field *out)
{
	for (size_t i = 0; i < sizeof(sort_names) / sizeof(sort_names[0]); i++) {
		if (!strcmp(text, sort_names[i])) {
			*out = (enum sort_field)i;
			return 0;
		}
	}
	return fail_usage("invalid --sort field \"%s\": expected address, name, rx_packets, "
			  "tx_packets, rx_bytes, tx_bytes, packets or bytes",
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
	char **out = calloc(argc + 1, sizeof(*out));
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

static int parse_args(int argc, char **argv, struct stats_opts *o)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"pretty", no_argument, NULL, 'p'},
		{"prometheus", no_argument, NULL, 'P'},
		{"sort", required_argument, NULL, 's'},
		{"top", required_argument, NULL, 't'},
		{"watch", optional_argument, NULL, 'w'},
		{"count", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{},
	};
	bool count_set = false, prometheus = false;
	int opt, err;

	memset(o, 0, sizeof(*o));
	o->interval = 1.0;
	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":jpPs:t:w::c:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json_output = true;
			break;
		case 'p':
			json_output = pretty_output = true;
			break;
		case 'P':
			prometheus = true;
			break;
		case 's':
			err = parse_sort(optarg, &o->sort);
			if (err)
				return err;
			o->sort_set = true;
			break;
		case 't':
			err = parse_ulong(optarg, "--top", &o->top);
			if (err)
				return err;
			if (!o->top)
				return fail_usage("invalid --top \"%s\": must be at least 1",
						  optarg);
			break;
		case 'w':
			o->watch = true;
			if (optarg) {
				err = parse_interval(optarg, &o->interval);
				if (err)
					return err;
			}
			break;
		case 'c':
			err = parse_ulong(optarg, "--count", &o->count);
			if (err)
				return err;
			if (!o->count)
				return fail_usage("invalid --count \"%s\": must be at least 1",
						  optarg);
			count_set = true;
			break;
		case 'h':
			print_help();
			return 1;
		case ':':
			return fail_usage(
				"option \"%s\" needs an argument (see \"fabricctl stats --help\")",
				argv[optind - 1]);
		default:
			return fail_usage("unknown option \"%s\" (see \"fabricctl stats --help\")",
					  argv[optind - 1]);
		}
	}
	if (count_set && !o->watch)
		return fail_usage("--count needs --watch");
	if (prometheus && json_output)
		return fail_usage("-j and --prometheus exclude each other");
	if (prometheus && o->watch)
		return fail_usage("--prometheus and --watch exclude each other");
	o->format = prometheus ? OUT_PROMETHEUS : json_output ? OUT_JSON : OUT_TABLE;

	/* getopt moved the operands to the end: FABRIC, then NODE... */
	if (optind < argc)
		o->fabric = argv[optind++];
	o->nodes = &argv[optind];
	o->n_nodes = argc - optind;
	if (!o->fabric)
		return fail_usage("missing FABRIC (see \"fabricctl stats --help\")");
	return 0;
}

/* ---- reading and joining ---- */

static int cmp_entry(const void *a, const void *b)
{
	const struct entry_index *x = a, *y = b;

	return x->ifindex < y->ifindex ? -1 : x->ifindex > y->ifindex;
}

static int snapshot_take(struct fabric_bpf *fb, struct snapshot *s)
{
	int err;

	err = fabric_bpf_read(fb, &s->r);
	clock_gettime(CLOCK_MONOTONIC, &s->mono);
	clock_gettime(CLOCK_REALTIME, &s->real);
	if (err)
		return err;
	if (s->r.n > s->idx_cap) {
		struct entry_index *idx = realloc(s->idx, s->r.n * sizeof(*idx));

		if (!idx)
			return fail(-ENOMEM, "cannot read the counters");
		s->idx = idx;
		s->idx_cap = s->r.n;
	}
	for (size_t i = 0; i < s->r.n; i++)
		s->idx[i] = (struct entry_index){s->r.ifindex[i], (uint32_t)i};
	qsort(s->idx, s->r.n, sizeof(*s->idx), cmp_entry);
	return 0;
}

static const struct fabric_counters *snapshot_find(const struct snapshot *s, int ifindex)
{
	struct entry_index key = {(uint32_t)ifindex, 0}, *e;

	if (ifindex <= 0 || !s->r.n)
		return NULL;
	e = bsearch(&key, s->idx, s->r.n, sizeof(*s->idx), cmp_entry);
	return e ? &s->r.counters[e->i] : NULL;
}

static void snapshot_free(struct snapshot *s)
{
	fabric_bpf_reading_free(&s->r);
	free(s->idx);
	memset(s, 0, sizeof(*s));
}

/* The rows to show: every node, or the NODE arguments in their order. */
static int rows_select(struct fabric_state *st, const struct stats_opts *o, struct row **rows,
		       size_t *n_rows)
{
	size_t n = o->n_nodes ? (size_t)o->n_nodes : st->n_nodes;
	struct row *r = calloc(n ? n : 1, sizeof(*r));

	if (!r)
		return fail(-ENOMEM, "cannot list the nodes of fabric \"%s\"", st->name);
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		const struct fabric_node *node;

		if (o->n_nodes) {
			node = state_find_node(st, o->nodes[i]);
			if (!node || node->ifindex <= 0) {
				free(r);
				return fail_msg(-ENOENT, "no node \"%s\" in fabric \"%s\"",
						o->nodes[i], st->name);
			}
		} else {
			node = &st->nodes[i];
			/* Leased but being made, or being deleted: not a node to show. */
			if (node->ifindex <= 0)
				continue;
		}
		r[m].node = node;
		r[m].addr = ipam_addr_of(&st->ipam, node->slot);
		r[m].cell = ipam_cell_of(&st->ipam, node->slot);
		m++;
	}
	*rows = r;
	*n_rows = m;
	return 0;
}

static void rows_fill(struct row *rows, size_t n, const struct snapshot *cur,
		      const struct snapshot *prev)
{
	double dt = 0;

	if (prev)
		dt = (double)(cur->mono.tv_sec - prev->mono.tv_sec) +
		     (double)(cur->mono.tv_nsec - prev->mono.tv_nsec) / 1e9;
	for (size_t i = 0; i < n; i++) {
		const struct fabric_counters *c = snapshot_find(cur, rows[i].node->ifindex);
		const struct fabric_counters *p;
		struct fabric_counters zero = {};

		rows[i].counting = c != NULL;
		rows[i].c = c ? *c : zero;
		if (!prev || dt <= 0)
			continue;
		p = snapshot_find(prev, rows[i].node->ifindex);
		/* A node re-added under the same ifindex restarts from zero. */
		if (!p || p->rx.packets > rows[i].c.rx.packets ||
		    p->tx.packets > rows[i].c.tx.packets)
			p = &zero;
		rows[i].rx_pps = (double)(rows[i].c.rx.packets - p->rx.packets) / dt;
		rows[i].tx_pps = (double)(rows[i].c.tx.packets - p->tx.packets) / dt;
		rows[i].rx_bps = (double)(rows[i].c.rx.bytes - p->rx.bytes) * 8 / dt;
		rows[i].tx_bps = (double)(rows[i].c.tx.bytes - p->tx.bytes) * 8 / dt;
	}
}

static void dir_add(struct fabric_dir_counters *sum, const struct fabric_dir_counters *d)
{
	sum->packets += d->packets;
	sum->bytes += d->bytes;
	sum->broadcast += d->broadcast;
	sum->multicast += d->multicast;
	for (int p = 0; p < FABRIC_PROTO_MAX; p++)
		sum->proto[p] += d->proto[p];
}

static struct row rows_total(const struct row *rows, size_t n)
{
	struct row t = {};

	for (size_t i = 0; i < n; i++) {
		dir_add(&t.c.rx, &rows[i].c.rx);
		dir_add(&t.c.tx, &rows[i].c.tx);
		t.rx_pps += rows[i].rx_pps;
		t.tx_pps += rows[i].tx_pps;
		t.rx_bps += rows[i].rx_bps;
		t.tx_bps += rows[i].tx_bps;
	}
	return t;
}

/* ---- ordering ---- */

struct sort_ctx {
	enum sort_field field;
	bool rates;
};

static double row_value(const struct row *r, enum sort_field f, bool rates)
{
	switch (f) {
	case SORT_RX_PACKETS:
		return rates ? r->rx_pps : (double)r->c.rx.packets;
	case SORT_TX_PACKETS:
		return rates ? r->tx_pps : (double)r->c.tx.packets;
	case SORT_RX_BYTES:
		return rates ? r->rx_bps : (double)r->c.rx.bytes;
	case SORT_TX_BYTES:
		return rates ? r->tx_bps : (double)r->c.tx.bytes;
	case SORT_PACKETS:
		return rates ? r->rx_pps + r->tx_pps : (double)(r->c.rx.packets + r->c.tx.packets);
	case SORT_BYTES:
		return rates ? r->rx_bps + r->tx_bps : (double)(r->c.rx.bytes + r->c.tx.bytes);
	default:
		return 0;
	}
}

static int cmp_row(const void *a, const void *b, void *arg)
{
	const struct row *x = a, *y = b;
	const struct sort_ctx *ctx = arg;
	double vx, vy;

	switch (ctx->field) {
	case SORT_NAME:
		return strcmp(x->node->name, y->node->name);
	case SORT_ADDRESS:
		break;
	default:
		vx = row_value(x, ctx->field, ctx->rates);
		vy = row_value(y, ctx->field, ctx->rates);
		if (vx != vy)
			return vx > vy ? -1 : 1; /* largest first */
		break;
	}
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Sort, then cut to --top. Returns the number of rows to show. */
static size_t rows_order(struct row *rows, size_t n, const struct stats_opts *o, bool rates)
{
	struct sort_ctx ctx = {o->sort, rates};

	if (!o->sort_set && (o->watch || o->top))
		ctx.field = SORT_BYTES;
	if (ctx.field != SORT_ADDRESS || o->n_nodes == 0)
		qsort_r(rows, n, sizeof(*rows), cmp_row, &ctx);
	return o->top && o->top < n ? o->top : n;
}

/* ---- output ---- */

static void format_time(const struct timespec *ts, char *buf, size_t size)
{
	struct tm tm;
	size_t len;

	gmtime_r(&ts->tv_sec, &tm);
	len = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + len, size - len, ".%03uZ", (unsigned int)(ts->tv_nsec / 1000000) % 1000);
}

static uint64_t timestamp_ms(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000 + (uint64_t)ts->tv_nsec / 1000000;
}

static void json_dir(struct json_writer *w, const char *key, const struct fabric_dir_counters *d)
{
	json_key(w, key);
	json_object_start(w);
	json_kv_uint(w, "packets", d->packets);
	json_kv_uint(w, "bytes", d->bytes);
	json_kv_uint(w, "broadcast", d->broadcast);
	json_kv_uint(w, "multicast", d->multicast);
	json_key(w, "protocols");
	json_object_start(w);
	for (int p = 0; p < FABRIC_PROTO_MAX; p++)
		json_kv_uint(w, proto_names[p], d->proto[p]);
	json_object_end(w);
	json_object_end(w);
}

static void json_rates(struct json_writer *w, const char *key, double pps, double bps,
		       const struct fabric_dir_counters *d)
{
	json_key(w, key);
	json_object_start(w);
	json_kv_double(w, "packets_per_second", pps);
	json_kv_double(w, "bits_per_second", bps);
	json_kv_uint(w, "packets", d->packets);
	json_kv_uint(w, "bytes", d->bytes);
	json_object_end(w);
}

static void print_json(const struct fabric_state *st, const struct row *rows, size_t n,
		       size_t shown, const struct snapshot *s, double interval)
{
	struct row total = rows_total(rows, n);
	struct json_writer w;
	char when[40], addr[INET_ADDRSTRLEN];

	format_time(&s->real, when, sizeof(when));
	json_init(&w, stdout, pretty_output && interval == 0);
	json_object_start(&w);
	json_kv_string(&w, "fabric", st->name);
	json_kv_string(&w, "time", when);
	json_kv_uint(&w, "timestamp_ms", timestamp_ms(&s->real));
	if (interval > 0)
		json_kv_double(&w, "interval", interval);
	json_key(&w, "nodes");
	json_array_start(&w);
	for (size_t i = 0; i < shown; i++) {
		const struct row *r = &rows[i];

		json_object_start(&w);
		json_kv_string(&w, "name", r->node->name);
		json_kv_string(&w, "address", ipv4_addr_format(r->addr, addr));
		json_kv_uint(&w, "cell", r->cell);
		json_kv_int(&w, "ifindex", r->node->ifindex);
		json_kv_bool(&w, "counting", r->counting);
		if (interval > 0) {
			json_rates(&w, "rx", r->rx_pps, r->rx_bps, &r->c.rx);
			json_rates(&w, "tx", r->tx_pps, r->tx_bps, &r->c.tx);
		} else {
			json_dir(&w, "rx", &r->c.rx);
			json_dir(&w, "tx", &r->c.tx);
		}
		json_object_end(&w);
	}
	json_array_end(&w);
	json_key(&w, "total");
	json_object_start(&w);
	json_kv_uint(&w, "nodes", n);
	if (interval > 0) {
		json_rates(&w, "rx", total.rx_pps, total.rx_bps, &total.c.rx);
		json_rates(&w, "tx", total.tx_pps, total.tx_bps, &total.c.tx);
	} else {
		json_dir(&w, "rx", &total.c.rx);
		json_dir(&w, "tx", &total.c.tx);
	}
	json_object_end(&w);
	json_object_end(&w);
	json_finish(&w);
}

/* Label values: backslash, double quote and newline are escaped. */
static void prom_label(const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			printf("\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", stdout);
		else
			putchar(*s);
	}
}

static void prom_labels(const char *fabric, const struct row *r, const char *dir)
{
	fputs("{fabric=\"", stdout);
	prom_label(fabric);
	fputs("\",node=\"", stdout);
	prom_label(r->node->name);
	printf("\",direction=\"%s\"", dir);
}

typedef uint64_t (*dir_getter)(const struct fabric_dir_counters *d);

static uint64_t get_packets(const struct fabric_dir_counters *d)
{
	return d->packets;
}

static uint64_t get_bytes(const struct fabric_dir_counters *d)
{
	return d->bytes;
}

static uint64_t get_broadcast(const struct fabric_dir_counters *d)
{
	return d->broadcast;
}

static uint64_t get_multicast(const struct fabric_dir_counters *d)
{
	return d->multicast;
}

static void print_prometheus(const struct fabric_state *st, const struct row *rows, size_t n)
{
	static const struct {
		const char *name, *help;
		dir_getter get;
	} metrics[] = {
		{"fabricctl_node_packets_total",
		 "Packets on the node's veth; direction rx = received by the node, tx = sent by "
		 "it.",
		 get_packets},
		{"fabricctl_node_bytes_total",
		 "Bytes on the node's veth, Ethernet header included; direction as seen by the "
		 "node.",
		 get_bytes},
		{"fabricctl_node_broadcast_packets_total",
		 "Broadcast packets on the node's veth; direction as seen by the node.",
		 get_broadcast},
		{"fabricctl_node_multicast_packets_total",
		 "Multicast (not broadcast) packets on the node's veth; direction as seen by the "
		 "node.",
		 get_multicast},
	};
	char addr[INET_ADDRSTRLEN];

	puts("# HELP fabricctl_node_info Nodes of the fabric: address, cell and host veth index "
	     "(value 1).");
	puts("# TYPE fabricctl_node_info gauge");
	for (size_t i = 0; i < n; i++) {
		fputs("fabricctl_node_info{fabric=\"", stdout);
		prom_label(st->name);
		fputs("\",node=\"", stdout);
		prom_label(rows[i].node->name);
		printf("\",address=\"%s\",cell=\"%" PRIu32 "\",ifindex=\"%d\"} 1\n",
		       ipv4_addr_format(rows[i].addr, addr), rows[i].cell, rows[i].node->ifindex);
	}
	for (size_t m = 0; m < sizeof(metrics) / sizeof(metrics[0]); m++) {
		printf("# HELP %s %s\n# TYPE %s counter\n", metrics[m].name, metrics[m].help,
		       metrics[m].name);
		for (size_t i = 0; i < n; i++) {
			fputs(metrics[m].name, stdout);
			prom_labels(st->name, &rows[i], "rx");
			printf("} %" PRIu64 "\n", metrics[m].get(&rows[i].c.rx));
			fputs(metrics[m].name, stdout);
			prom_labels(st->name, &rows[i], "tx");
			printf("} %" PRIu64 "\n", metrics[m].get(&rows[i].c.tx));
		}
	}
	puts("# HELP fabricctl_node_protocol_packets_total Packets on the node's veth by protocol: "
	     "arp, ipv4, ipv6, other by ethertype; icmp, icmpv6, tcp, udp by IP protocol.");
	puts("# TYPE fabricctl_node_protocol_packets_total counter");
	for (size_t i = 0; i < n; i++) {
		for (int d = 0; d < 2; d++) {
			const struct fabric_dir_counters *dc = d ? &rows[i].c.tx : &rows[i].c.rx;

			for (int p = 0; p < FABRIC_PROTO_MAX; p++) {
				fputs("fabricctl_node_protocol_packets_total", stdout);
				prom_labels(st->name, &rows[i], d ? "tx" : "rx");
				printf(",protocol=\"%s\"} %" PRIu64 "\n", proto_names[p],
				       (uint64_t)dc->proto[p]);
			}
		}
	}
	fflush(stdout);
}

static int name_width(const struct row *rows, size_t n)
{
	int w = 5; /* "TOTAL" */

	for (size_t i = 0; i < n; i++) {
		int len = (int)strlen(rows[i].node->name);

		if (len > w)
			w = len;
	}
	return w;
}

static void print_table(const struct row *rows, size_t n, size_t shown)
{
	struct row total = rows_total(rows, n);
	int w = name_width(rows, shown);
	char addr[INET_ADDRSTRLEN], rb[32], tb[32];

	printf("%-*s  %-15s  %4s  %12s  %12s  %10s  %10s\n", w, "NODE", "ADDRESS", "CELL",
	       "RX PACKETS", "TX PACKETS", "RX BYTES", "TX BYTES");
	for (size_t i = 0; i < shown; i++) {
		const struct row *r = &rows[i];

		if (!r->counting) {
			printf("%-*s  %-15s  %4" PRIu32 "  %12s  %12s  %10s  %10s\n", w,
			       r->node->name, ipv4_addr_format(r->addr, addr), r->cell, "-", "-",
			       "-", "-");
			continue;
		}
		printf("%-*s  %-15s  %4" PRIu32 "  %12" PRIu64 "  %12" PRIu64 "  %10s  %10s\n", w,
		       r->node->name, ipv4_addr_format(r->addr, addr), r->cell,
		       (uint64_t)r->c.rx.packets, (uint64_t)r->c.tx.packets,
		       format_bytes(r->c.rx.bytes, rb, sizeof(rb)),
		       format_bytes(r->c.tx.bytes, tb, sizeof(tb)));
	}
	snprintf(addr, sizeof(addr), "%zu node%s", n, n == 1 ? "" : "s");
	printf("%-*s  %-15s  %4s  %12" PRIu64 "  %12" PRIu64 "  %10s  %10s\n", w, "TOTAL", addr, "",
	       (uint64_t)total.c.rx.packets, (uint64_t)total.c.tx.packets,
	       format_bytes(total.c.rx.bytes, rb, sizeof(rb)),
	       format_bytes(total.c.tx.bytes, tb, sizeof(tb)));
	fflush(stdout);
}

/* "12.3 Mbit/s"-style rates (SI, as network rates are). */
static char *format_rate(double v, const char *unit, char *buf, size_t size)
{
	static const char *const prefix[] = {"", "k", "M", "G", "T"};
	int p = 0;

	while (v >= 1000 && p < 4) {
		v /= 1000;
		p++;
	}
	snprintf(buf, size, p ? "%.1f %s%s" : "%.0f %s%s", v, prefix[p], unit);
	return buf;
}

/* One frame of --watch. @eol is "\033[K\n" on a terminal (clear the line's tail). */
static void print_rates(const struct fabric_state *st, const struct row *rows, size_t n,
			size_t shown, const struct snapshot *s, double interval, const char *eol)
{
	struct row total = rows_total(rows, n);
	int w = name_width(rows, shown);
	char when[40], addr[INET_ADDRSTRLEN], a[32], b[32], c[32], d[32];

	format_time(&s->real, when, sizeof(when));
	printf("fabric %s  %s  every %gs  %zu node%s%s", st->name, when, interval, n,
	       n == 1 ? "" : "s", eol);
	printf("%-*s  %-15s  %4s  %12s  %12s  %14s  %14s%s", w, "NODE", "ADDRESS", "CELL",
	       "RX PKT/S", "TX PKT/S", "RX BIT/S", "TX BIT/S", eol);
	for (size_t i = 0; i < shown; i++) {
		const struct row *r = &rows[i];

		printf("%-*s  %-15s  %4" PRIu32 "  %12s  %12s  %14s  %14s%s", w, r->node->name,
		       ipv4_addr_format(r->addr, addr), r->cell,
		       format_rate(r->rx_pps, "", a, sizeof(a)),
		       format_rate(r->tx_pps, "", b, sizeof(b)),
		       format_rate(r->rx_bps, "bit/s", c, sizeof(c)),
		       format_rate(r->tx_bps, "bit/s", d, sizeof(d)), eol);
	}
	printf("%-*s  %-15s  %4s  %12s  %12s  %14s  %14s%s", w, "TOTAL", "", "",
	       format_rate(total.rx_pps, "", a, sizeof(a)),
	       format_rate(total.tx_pps, "", b, sizeof(b)),
	       format_rate(total.rx_bps, "bit/s", c, sizeof(c)),
	       format_rate(total.tx_bps, "bit/s", d, sizeof(d)), eol);
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

static void timespec_add(struct timespec *t, double seconds)
{
	long long ns = (long long)t->tv_nsec + (long long)llround(seconds * 1e9);

	t->tv_sec += ns / 1000000000LL;
	t->tv_nsec = ns % 1000000000LL;
}

static int watch(struct fabric_bpf *fb, const struct stats_opts *o)
{
	bool tty = !json_output && isatty(STDOUT_FILENO);
	const char *eol = tty ? "\033[K\n" : "\n";
	struct snapshot snaps[2] = {};
	struct sigaction sa = {};
	struct timespec next;
	unsigned long frames = 0;
	int cur = 0, err;

	sa.sa_handler = on_signal; /* no SA_RESTART: the sleep must end */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (tty)
		fputs("\033[?25l\033[H\033[2J", stdout); /* hide the cursor, clear */

	err = snapshot_take(fb, &snaps[cur]);
	next = snaps[cur].mono;
	while (!err) {
		struct fabric_state st = {};
		struct row *rows;
		size_t n, shown;

		timespec_add(&next, o->interval);
		if (!sleep_until(&next))
			break;
		cur ^= 1;
		err = snapshot_take(fb, &snaps[cur]);
		if (err)
			break;
		/* Reloaded each time: nodes come and go while we watch. */
		err = state_load(o->fabric, &st);
		if (err) {
			if (err == -ENOENT)
				err = fail_msg(-ENOENT, "fabric \"%s\" is gone", o->fabric);
			break;
		}
		err = rows_select(&st, o, &rows, &n);
		if (err) {
			state_free(&st);
			break;
		}
		rows_fill(rows, n, &snaps[cur], &snaps[cur ^ 1]);
		shown = rows_order(rows, n, o, true);
		if (tty) {
			struct winsize ws;

			/* Keep the frame on one screen: header, column titles, TOTAL. */
			if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row > 4 &&
			    shown > (size_t)ws.ws_row - 4)
				shown = ws.ws_row - 4;
			fputs("\033[H", stdout);
			print_rates(&st, rows, n, shown, &snaps[cur], o->interval, eol);
			fputs("\033[J", stdout);
			fflush(stdout);
		} else if (json_output) {
			print_json(&st, rows, n, shown, &snaps[cur], o->interval);
		} else {
			if (frames)
				putchar('\n');
			print_rates(&st, rows, n, shown, &snaps[cur], o->interval, eol);
			fflush(stdout);
		}
		free(rows);
		state_free(&st);
		if (++frames == o->count)
			break;
	}
	if (tty)
		fputs("\033[?25h", stdout); /* the cursor back */
	fflush(stdout);
	snapshot_free(&snaps[0]);
	snapshot_free(&snaps[1]);
	return err;
}

static int show_once(struct fabric_bpf *fb, struct fabric_state *st, const struct stats_opts *o)
{
	struct snapshot s = {};
	struct row *rows;
	size_t n, shown;
	int err;

	err = snapshot_take(fb, &s);
	if (err)
		goto out;
	err = rows_select(st, o, &rows, &n);
	if (err)
		goto out;
	rows_fill(rows, n, &s, NULL);
	shown = rows_order(rows, n, o, false);
	switch (o->format) {
	case OUT_JSON:
		print_json(st, rows, n, shown, &s, 0);
		break;
	case OUT_PROMETHEUS:
		print_prometheus(st, rows, shown);
		break;
	case OUT_TABLE:
		print_table(rows, n, shown);
		break;
	}
	free(rows);
out:
	snapshot_free(&s);
	return err;
}

int cmd_stats(int argc, char **argv)
{
	struct fabric_state st = {};
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
	err = fabric_name_validate(o.fabric);
	if (err)
		goto out_args;
	err = state_load(o.fabric, &st);
	if (err) {
		if (err == -ENOENT)
			err = fail_msg(-ENOENT, "fabric \"%s\" does not exist", o.fabric);
		goto out_args;
	}
	/* Unknown NODE arguments are reported before anything is read. */
	for (int i = 0; i < o.n_nodes; i++) {
		if (!state_find_node(&st, o.nodes[i])) {
			err = fail_msg(-ENOENT, "no node \"%s\" in fabric \"%s\"", o.nodes[i],
				       o.fabric);
			goto out_state;
		}
	}
	err = fabric_bpf_open(o.fabric, &fb);
	if (err)
		goto out_state;
	err = o.watch ? watch(fb, &o) : show_once(fb, &st, &o);
	fabric_bpf_close(fb);
out_state:
	state_free(&st);
out_args:
	free(args);
	return err;
}
