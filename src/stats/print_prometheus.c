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

/*
 * A scrape of 10,000 nodes is 250,000 samples: each row's labels are
 * written once per direction into a buffer, and every sample is then a few
 * unlocked writes and a hand-made number (fprintf was most of the time).
 */
struct row_labels {
	char text[2][FABRIC_NAME_MAX * 2 + NODE_NAME_MAX * 2 + 96]; /* rx, tx */
	size_t len[2];
};

/* @s with \, " and newline escaped, as a label value; the end of what was written. */
static char *label_value(char *dst, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"' || *s == '\n') {
			*dst++ = '\\';
			*dst++ = *s == '\n' ? 'n' : *s;
		} else {
			*dst++ = *s;
		}
	}
	return dst;
}

static void row_labels_make(struct row_labels *l, const struct fabric_state *st,
			    const struct stats_row *r)
{
	for (int d = 0; d < 2; d++) {
		char *e = l->text[d];

		e = stpcpy(e, "{fabric=\"");
		e = label_value(e, st->name);
		if (st->site)
			e += sprintf(e, "\",site=\"%u", st->site->site);
		e = stpcpy(e, "\",node=\"");
		e = label_value(e, r->node->name);
		e = stpcpy(e, d ? "\",direction=\"tx\"" : "\",direction=\"rx\"");
		l->len[d] = (size_t)(e - l->text[d]);
	}
}

/* NAME LABELS TAIL VALUE\n, TAIL closing the labels ("} " or ",protocol=\"x\"} "). */
static void sample(FILE *out, const char *name, const struct row_labels *l, int dir,
		   const char *tail, uint64_t v)
{
	char num[24];
	int k = (int)sizeof(num);

	num[--k] = '\n';
	do {
		num[--k] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fputs_unlocked(name, out);
	fwrite_unlocked(l->text[dir], 1, l->len[dir], out);
	fputs_unlocked(tail, out);
	fwrite_unlocked(num + k, 1, sizeof(num) - (size_t)k, out);
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
			struct row_labels l;

			row_labels_make(&l, f[k].st, r);
			sample(out, name, &l, 0, "} ", get(&r->c.rx));
			sample(out, name, &l, 1, "} ", get(&r->c.tx));
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
	char tails[FABRIC_PROTO_MAX][32];

	for (int p = 0; p < FABRIC_PROTO_MAX; p++)
		snprintf(tails[p], sizeof(tails[p]), ",protocol=\"%s\"} ", stats_proto_names[p]);
	for (size_t k = 0; k < nf; k++) {
		for (size_t i = 0; i < f[k].n; i++) {
			const struct stats_row *r = &f[k].rows[i];
			struct row_labels l;

			row_labels_make(&l, f[k].st, r);
			for (int d = 0; d < 2; d++) {
				const struct fabric_dir_counters *dc = d ? &r->c.tx : &r->c.rx;

				for (int p = 0; p < FABRIC_PROTO_MAX; p++)
					sample(out, "fabricctl_node_protocol_packets_total", &l, d,
					       tails[p], dc->proto[p]);
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
