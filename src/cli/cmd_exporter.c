// SPDX-License-Identifier: GPL-2.0-only
/*
 * fabricctl exporter: a Prometheus endpoint. libmicrohttpd serves HTTP (no
 * hand-written parser); every scrape of /metrics reads the records and the
 * pinned maps afresh, so the exporter holds no state between scrapes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/errors.h"
#include "cli/cmd_common.h"
#include "cli/commands.h"
#include "fabric/names.h"
#include "stats/scrape.h"

#define DEFAULT_LISTEN "127.0.0.1:9464"
#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

static const char exporter_help[] =
	"Usage: fabricctl exporter [--listen ADDRESS:PORT] [--allow-remote] [--pairs]\n"
	"                          [FABRIC...]\n"
	"\n"
	"Serve the traffic counters of every fabric (or of the FABRICs named) to\n"
	"Prometheus at http://ADDRESS:PORT/metrics, until SIGTERM or SIGINT. Each\n"
	"scrape reads the fabrics' records and pinned counters maps at that moment:\n"
	"fabrics created or destroyed and nodes added or deleted while the exporter\n"
	"runs appear or disappear at the next scrape. A named FABRIC that does not\n"
	"exist is absent until it is created. Any other path answers 404.\n"
	"\n"
	"Metrics (the families of `fabricctl stats --prometheus`, per node, labels\n"
	"fabric, node, direction as seen by the node, and protocol):\n"
	"  fabricctl_node_packets_total, fabricctl_node_bytes_total,\n"
	"  fabricctl_node_broadcast_packets_total,\n"
	"  fabricctl_node_multicast_packets_total,\n"
	"  fabricctl_node_protocol_packets_total, fabricctl_node_info (value 1, with\n"
	"  address, cell, ifindex), and fabricctl_exporter_fabrics_unreadable (fabrics\n"
	"  left out of a scrape: create not finished, or unreadable).\n"
	"  fabricctl_node_drops_total (labels node, where = host_veth or node, and the\n"
	"  kernel's drop reason); the cell matrix (`stats --matrix`):\n"
	"  fabricctl_matrix_packets_total and fabricctl_matrix_bytes_total, labels\n"
	"  from_cell and to (c<N>, outside, non_ipv4), cells that carried traffic only.\n"
	"  Series stay per node and per cell by default; node pairs only with --pairs.\n"
	"\n"
	"Options:\n"
	"  -l, --listen ADDRESS:PORT\n"
	"                     where to listen (default " DEFAULT_LISTEN "); an IPv6\n"
	"                     address is written [ADDRESS]:PORT.\n"
	"  --allow-remote     allow a non-loopback ADDRESS. Without it the exporter\n"
	"                     refuses one: the counters show the fabric's traffic to\n"
	"                     anyone who can reach the port.\n"
	"  --pairs            also fabricctl_pair_packets_total{from,to}: the node pairs\n"
	"                     the kernel keeps (up to 4096 per fabric, the busiest\n"
	"                     recent ones).\n"
	"  -h, --help         show this help.\n"
	"\n"
	"Exit status: 0 when stopped by a signal, 1 when it cannot listen, 2 on a\n"
	"usage error.\n"
	"\n"
	"Examples:\n"
	"  fabricctl exporter\n"
	"  fabricctl exporter --listen 127.0.0.1:9500 lab\n"
	"  curl -s http://127.0.0.1:9464/metrics | grep fabricctl_node_packets_total\n";

struct exporter_opts {
	struct sockaddr_storage addr;
	socklen_t addr_len;
	bool allow_remote;
	bool pairs;
	const char *listen;
	char **fabrics;
	size_t n_fabrics;
};

/* "A.B.C.D:PORT" or "[IPV6]:PORT" into @o->addr. */
static int parse_listen(const char *text, struct exporter_opts *o)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(text, ':');
	unsigned long port;
	size_t hlen;

	if (!colon || colon == text)
		return fail_usage("invalid --listen \"%s\": expected ADDRESS:PORT", text);
	hlen = (size_t)(colon - text);
	if (hlen >= sizeof(host))
		return fail_usage("invalid --listen \"%s\": address too long", text);
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	if (cmd_parse_ulong(colon + 1, "--listen port", 1, 65535, &port))
		return -EUSAGE;
	memset(&o->addr, 0, sizeof(o->addr));
	if (host[0] == '[' && hlen > 2 && host[hlen - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&o->addr;

		host[hlen - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			return fail_usage("invalid --listen \"%s\": bad IPv6 address", text);
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		o->addr_len = sizeof(*a6);
		return 0;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)&o->addr;

	if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
		return fail_usage(
			"invalid --listen \"%s\": bad IPv4 address (IPv6: [ADDRESS]:PORT)", text);
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	o->addr_len = sizeof(*a4);
	return 0;
}

static bool is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
}

enum { OPT_ALLOW_REMOTE = 256, OPT_PAIRS };

static int exporter_option(int c, const char *arg, void *ctx)
{
	struct exporter_opts *o = ctx;

	switch (c) {
	case 'l':
		o->listen = arg;
		return 0;
	case OPT_ALLOW_REMOTE:
		o->allow_remote = true;
		return 0;
	case OPT_PAIRS:
		o->pairs = true;
		return 0;
	}
	return -EUSAGE;
}

static int parse_args(int argc, char **argv, struct exporter_opts *o)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"allow-remote", no_argument, NULL, OPT_ALLOW_REMOTE},
		{"pairs", no_argument, NULL, OPT_PAIRS},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int first, err;

	memset(o, 0, sizeof(*o));
	o->listen = DEFAULT_LISTEN;
	err = cmd_parse(argc, argv, exporter_help, "l:", opts, exporter_option, o, &first);
	if (err)
		return err;
	err = parse_listen(o->listen, o);
	if (err)
		return err;
	if (!is_loopback(&o->addr) && !o->allow_remote)
		return fail_usage("refusing to listen on %s, which is not a loopback address: "
				  "the counters would be open to the network; add "
				  "--allow-remote if that is meant",
				  o->listen);
	o->fabrics = &argv[first];
	o->n_fabrics = (size_t)(argc - first);
	for (size_t i = 0; i < o->n_fabrics; i++) {
		err = fabric_name_validate(o->fabrics[i]);
		if (err)
			return err;
	}
	return 0;
}

static enum MHD_Result queue_text(struct MHD_Connection *conn, unsigned int status, char *text,
				  size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, text, mode);
	enum MHD_Result ret;

	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, PROM_CONTENT_TYPE);
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* One request: GET or HEAD /metrics is a scrape; anything else is refused. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_size, void **req_cls)
{
	const struct exporter_opts *o = cls;
	static char not_found[] = "not found: the metrics are at /metrics\n";
	static char bad_method[] = "only GET and HEAD\n";
	struct text_buf text = {0};

	(void)version;
	(void)upload_data;
	(void)upload_size;
	(void)req_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return queue_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, bad_method,
				  sizeof(bad_method) - 1, MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/metrics"))
		return queue_text(conn, MHD_HTTP_NOT_FOUND, not_found, sizeof(not_found) - 1,
				  MHD_RESPMEM_PERSISTENT);
	if (stats_scrape(o->fabrics, o->n_fabrics, o->pairs ? STATS_SCRAPE_PAIRS : 0, &text)) {
		static char failed[] = "scrape failed\n";

		fprintf(stderr, "fabricctl exporter: %s\n",
			fail_message() ? fail_message() : "scrape failed");
		fail_clear();
		free(text.p);
		return queue_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, failed, sizeof(failed) - 1,
				  MHD_RESPMEM_PERSISTENT);
	}
	return queue_text(conn, MHD_HTTP_OK, text.p, text.len, MHD_RESPMEM_MUST_FREE);
}

/* The listening socket, bound here so that the error says why (in use, no such address). */
static int listen_on(const struct exporter_opts *o, int *out)
{
	int one = 1, fd, err;

	fd = socket(o->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(-errno, "cannot listen on %s", o->listen);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&o->addr, o->addr_len) || listen(fd, 64)) {
		err = -errno;
		close(fd);
		return fail(err, "cannot listen on %s", o->listen);
	}
	*out = fd;
	return 0;
}

int cmd_exporter(int argc, char **argv)
{
	struct exporter_opts o;
	struct MHD_Daemon *d;
	sigset_t stop;
	int fd = -1, err, sig;

	err = parse_args(argc, argv, &o);
	if (err)
		return err > 0 ? 0 : err; /* 1: --help was printed */
	cmd_context("exporter", NULL);
	err = listen_on(&o, &fd);
	if (err)
		return err;
	/*
	 * A scrape of 10,000 nodes is a 25 MB text, made and freed every time.
	 * Served from the heap and kept there after free, the next scrape
	 * writes into pages already mapped; as mmap'd blocks they would come
	 * back unmapped and fault again page by page (a third of a scrape).
	 * The price: the exporter keeps its largest scrape's memory.
	 */
	mallopt(M_MMAP_THRESHOLD, 256 << 20);
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	/* Blocked before the server's thread starts, so only sigwait() below sees them. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
			     on_request, &o, MHD_OPTION_LISTEN_SOCKET, fd,
			     MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
	if (!d) {
		close(fd);
		pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
		return fail(-EIO, "cannot start the HTTP server on %s", o.listen);
	}
	if (!cli_out.quiet)
		fprintf(stderr, "fabricctl exporter: serving http://%s/metrics\n", o.listen);
	while (sigwait(&stop, &sig))
		;
	MHD_stop_daemon(d);
	pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
	return 0;
}
