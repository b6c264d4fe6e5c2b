// SPDX-License-Identifier: GPL-2.0-only
/* Prometheus text exposition of a fabric's counters (the format promtool checks). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fabric/fabric6.h"
#include "fabric/site.h"
#include "stats/print.h"

void stats_prom_label(FILE *out, const char *s)
{
	/* Runs without a character to escape go out in one write (names rarely have any). */
	while (*s) {
		size_t run = strcspn(s, "\\\"\n");

		if (run)
			fwrite(s, 1, run, out);
		s += run;
		if (!*s)
			break;
		fputs(*s == '\n' ? "\\n" : *s == '"' ? "\\\"" : "\\\\", out);
		s++;
	}
}

/* ,site="N" for a fabric over hosts (create --site): one exporter per host, one label. */
static void prom_site(FILE *out, const struct fabric_state *st)
{
	if (st->site)
		fprintf(out, "\",site=\"%u", st->site->site);
}

static void prom_labels(FILE *out, const struct fabric_state *st, const struct stats_row *r,
			const char *dir)
{
	fputs("{fabric=\"", out);
	stats_prom_label(out, st->name);
	prom_site(out, st);
	fputs("\",node=\"", out);
	stats_prom_label(out, r->node->name);
	fprintf(out, "\",direction=\"%s\"", dir);
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

/* One family: HELP, TYPE, then its samples for every fabric (a family's lines stay together). */
static void print_dir_family(FILE *out, const char *name, const char *help, dir_getter get,
			     const struct stats_prom_fabric *f, size_t nf)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
	for (size_t k = 0; k < nf; k++) {
		for (size_t i = 0; i < f[k].n; i++) {
			const struct stats_row *r = &f[k].rows[i];

			fputs(name, out);
			prom_labels(out, f[k].st, r, "rx");
			fprintf(out, "} %" PRIu64 "\n", get(&r->c.rx));
			fputs(name, out);
			prom_labels(out, f[k].st, r, "tx");
			fprintf(out, "} %" PRIu64 "\n", get(&r->c.tx));
		}
	}
}

static void print_info_family(FILE *out, const struct stats_prom_fabric *f, size_t nf)
{
	char addr[INET_ADDRSTRLEN];

	fputs("# HELP fabricctl_node_info Nodes of the fabric: address, cell and host veth index "
	      "(value 1).\n",
	      out);
	fputs("# TYPE fabricctl_node_info gauge\n", out);
	for (size_t k = 0; k < nf; k++) {
		for (size_t i = 0; i < f[k].n; i++) {
			const struct stats_row *r = &f[k].rows[i];

			fputs("fabricctl_node_info{fabric=\"", out);
			stats_prom_label(out, f[k].st->name);
			prom_site(out, f[k].st);
			fputs("\",node=\"", out);
			stats_prom_label(out, r->node->name);
			fprintf(out, "\",address=\"%s\",", ipv4_addr_format(r->addr, addr));
			if (f[k].st->ipv6) {
				struct in6_addr a6 = fabric6_addr_of(f[k].st, r->node->slot);
				char t6[INET6_ADDRSTRLEN];

				fprintf(out, "address6=\"%s\",", ipv6_addr_format(&a6, t6));
			}
			fprintf(out, "cell=\"%" PRIu32 "\",ifindex=\"%d\"} 1\n", r->cell,
				r->node->ifindex);
		}
	}
}

static void print_protocol_family(FILE *out, const struct stats_prom_fabric *f, size_t nf)
{
	fputs("# HELP fabricctl_node_protocol_packets_total Packets on the node's veth by "
	      "protocol: "
	      "arp, ipv4, ipv6, other by ethertype; icmp, icmpv6, tcp, udp by IP protocol.\n",
	      out);
	fputs("# TYPE fabricctl_node_protocol_packets_total counter\n", out);
	for (size_t k = 0; k < nf; k++) {
		for (size_t i = 0; i < f[k].n; i++) {
			const struct stats_row *r = &f[k].rows[i];

			for (int d = 0; d < 2; d++) {
				const struct fabric_dir_counters *dc = d ? &r->c.tx : &r->c.rx;

				for (int p = 0; p < FABRIC_PROTO_MAX; p++) {
					fputs("fabricctl_node_protocol_packets_total", out);
					prom_labels(out, f[k].st, r, d ? "tx" : "rx");
					fprintf(out, ",protocol=\"%s\"} %" PRIu64 "\n",
						stats_proto_names[p], (uint64_t)dc->proto[p]);
				}
			}
		}
	}
}

void stats_print_prometheus_fabrics(FILE *out, const struct stats_prom_fabric *f, size_t nf)
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

	print_info_family(out, f, nf);
	for (size_t m = 0; m < sizeof(metrics) / sizeof(metrics[0]); m++)
		print_dir_family(out, metrics[m].name, metrics[m].help, metrics[m].get, f, nf);
	print_protocol_family(out, f, nf);
	fflush(out);
}

void stats_print_prometheus(FILE *out, const struct fabric_state *st, const struct stats_row *rows,
			    size_t n)
{
	const struct stats_prom_fabric f = {st, rows, n};

	stats_print_prometheus_fabrics(out, &f, 1);
}
