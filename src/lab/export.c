// SPDX-License-Identifier: GPL-2.0-only
/* A running fabric written as a lab file that apply accepts as it is. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/errors.h"
#include "fabric/saved.h"
#include "lab/lab.h"

/* The distinct impairments of @h's nodes; grp[i] is node i's (0: none). */
static int group_nodes(const struct lab_have *h, size_t *grp, const struct netem_params **dist,
		       size_t *n_dist)
{
	*n_dist = 1;
	for (size_t i = 0; i < h->n_nodes; i++) {
		size_t g = 0;

		if (h->nodes[i].impaired) {
			for (g = 1; g < *n_dist; g++)
				if (lab_impair_equal(dist[g], &h->nodes[i].p))
					break;
			if (g == *n_dist)
				dist[(*n_dist)++] = &h->nodes[i].p;
		}
		grp[i] = g;
	}
	return 0;
}

int lab_export_write(FILE *out, const struct fabric_state *st, const struct lab_have *h)
{
	const struct netem_params **dist = calloc(h->n_nodes + 2, sizeof(*dist));
	size_t *grp = calloc(h->n_nodes + 1, sizeof(*grp));
	uint32_t one_cell = st->subnet.len ? 1u << (32 - st->subnet.len) : 0;
	char pfx[IPV4_PREFIX_STRLEN], addr[INET_ADDRSTRLEN], imp[512];
	size_t n_dist;

	if (!dist || !grp) {
		free(dist);
		free(grp);
		return fail(-ENOMEM, "cannot export fabric \"%s\"", st->name);
	}
	group_nodes(h, grp, dist, &n_dist);
	fprintf(out,
		"# fabric \"%s\", exported by fabricctl " FABRICCTL_VERSION ": applying this file\n"
		"# to the running fabric changes nothing.\n",
		st->name);
	fprintf(out, "fabric: \"%s\"\n", st->name);
	fprintf(out, "subnet: %s\n", ipv4_prefix_format(&st->subnet, pfx));
	fprintf(out, "mtu: %u\n", st->mtu);
	if (st->cell_size < one_cell)
		fprintf(out, "cell-size: %u\n", st->cell_size);
	fprintf(out, "tune: %s\n", h->tune ? "true" : "false");
	fprintf(out, "groups:%s\n", h->n_nodes ? "" : " []");
	for (size_t g = 0; g < n_dist; g++) {
		bool any = false;

		for (size_t i = 0; i < h->n_nodes && !any; i++)
			any = grp[i] == g;
		if (!any)
			continue;
		if (g)
			fprintf(out, "  - name: impaired%zu\n    impair: %s\n", g,
				lab_impair_text(dist[g], imp, sizeof(imp), true));
		else
			fprintf(out, "  - name: plain\n");
		fprintf(out, "    nodes:\n");
		for (size_t i = 0; i < h->n_nodes; i++)
			if (grp[i] == g)
				fprintf(out, "      - {name: \"%s\", ip: %s}\n", h->nodes[i].name,
					ipv4_addr_format(h->nodes[i].addr, addr));
	}
	free(dist);
	free(grp);
	if (fflush(out) || ferror(out))
		return fail(-EIO, "cannot write the lab of fabric \"%s\"", st->name);
	return 0;
}

int lab_save(const struct fabric_state *st, const struct lab_have *h)
{
	struct atomic_file f;
	int err;

	err = saved_open(st->name, &f);
	if (err)
		return fail_wrap(err, "cannot save the applied lab");
	err = lab_export_write(f.out, st, h);
	if (err) {
		fclose(f.out);
		unlink(f.tmp);
		return err;
	}
	return atomic_file_commit(&f);
}
