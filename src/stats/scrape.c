// SPDX-License-Identifier: GPL-2.0-only
/*
 * A scrape reads everything afresh (records and pinned maps): fabrics made
 * or destroyed and nodes deleted since the last scrape show at once, and
 * the exporter keeps no state that could drift from the kernel.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "kernel/fabric_bpf.h"
#include "stats/observe.h"
#include "stats/print.h"
#include "stats/scrape.h"

struct scraped {
	struct fabric_state st;
	struct stats_snapshot snap;
	struct stats_row *rows;
	size_t n;
	struct fabric_matrix_reading m;
	struct fabric_drops_reading d;
	bool has_m, has_d;
};

/* Load one fabric and read its counters; -errno when it cannot be shown now. */
static int scrape_one(const char *name, struct scraped *s)
{
	struct fabric_bpf *fb = NULL;
	int err;

	err = state_load(name, &s->st);
	if (err)
		return err;
	if (!s->st.complete) {
		err = -EAGAIN; /* create did not finish: no counters to trust */
		goto out_state;
	}
	err = fabric_bpf_open(name, &fb);
	if (err)
		goto out_state;
	err = stats_snapshot_take(fb, &s->snap);
	/* Without the matrix or drops pins (an older fabric) the node series still go out. */
	s->has_m = !err && !fabric_bpf_read_matrix(fb, &s->m);
	s->has_d = !err && !fabric_bpf_read_drops(fb, &s->d);
	fail_clear();
	fabric_bpf_close(fb);
	if (!err)
		err = stats_rows_select(&s->st, NULL, 0, &s->rows, &s->n);
	if (err) {
		stats_snapshot_free(&s->snap);
		fabric_matrix_reading_free(&s->m);
		fabric_drops_reading_free(&s->d);
		goto out_state;
	}
	stats_rows_fill(s->rows, s->n, &s->snap, NULL);
	if (s->has_d)
		stats_rows_fill_drops(s->rows, s->n, &s->d);
	return 0;
out_state:
	state_free(&s->st);
	return err;
}

/* The fabric names to read: @names, or every fabric on the host now. */
static int scrape_names(char *const *names, size_t n, char (**list)[FABRIC_NAME_MAX + 1],
			size_t *count)
{
	if (!n)
		return state_list(list, count);
	*list = calloc(n, sizeof(**list));
	if (!*list)
		return fail(-ENOMEM, "cannot list the fabrics");
	for (size_t i = 0; i < n; i++)
		snprintf((*list)[i], sizeof((*list)[i]), "%s", names[i]);
	*count = n;
	return 0;
}

static void print_unreadable(FILE *out, size_t unreadable)
{
	fputs("# HELP fabricctl_exporter_fabrics_unreadable Fabrics left out of this scrape: "
	      "create not finished, or record or counters unreadable.\n"
	      "# TYPE fabricctl_exporter_fabrics_unreadable gauge\n",
	      out);
	fprintf(out, "fabricctl_exporter_fabrics_unreadable %zu\n", unreadable);
}

int stats_scrape(char *const *names, size_t n, unsigned int flags, struct text_buf *text)
{
	static size_t last_len; /* this scrape is likely about as long as the last one */
	char(*list)[FABRIC_NAME_MAX + 1] = NULL;
	struct stats_prom_fabric *shown = NULL;
	struct stats_prom_observe *seen = NULL;
	struct scraped *s = NULL;
	size_t count = 0, ok = 0, unreadable = 0;
	FILE *out;
	int err;

	err = scrape_names(names, n, &list, &count);
	if (err)
		return err;
	s = calloc(count ? count : 1, sizeof(*s));
	shown = calloc(count ? count : 1, sizeof(*shown));
	seen = calloc(count ? count : 1, sizeof(*seen));
	if (!s || !shown || !seen) {
		err = fail(-ENOMEM, "cannot read the fabrics");
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		int e = scrape_one(list[i], &s[ok]);

		fail_clear(); /* one fabric's trouble is not the scrape's */
		if (e == -ENOENT)
			continue; /* destroyed since the listing, or named but not there */
		if (e) {
			unreadable++;
			continue;
		}
		shown[ok] = (struct stats_prom_fabric){&s[ok].st, s[ok].rows, s[ok].n};
		seen[ok] = (struct stats_prom_observe){&s[ok].st, s[ok].has_m ? &s[ok].m : NULL,
						       s[ok].has_d ? &s[ok].d : NULL};
		ok++;
	}
	out = text_buf_open(text, last_len + last_len / 8);
	if (!out) {
		err = fail(-errno, "cannot build the scrape");
		goto out;
	}
	stats_print_prometheus_fabrics(out, shown, ok);
	stats_print_prometheus_observe(out, seen, ok, flags & STATS_SCRAPE_PAIRS);
	print_unreadable(out, unreadable);
	if (fclose(out))
		err = fail(-ENOMEM, "cannot build the scrape");
	else
		last_len = text->len;
out:
	for (size_t i = 0; i < ok; i++) {
		free(s[i].rows);
		stats_snapshot_free(&s[i].snap);
		fabric_matrix_reading_free(&s[i].m);
		fabric_drops_reading_free(&s[i].d);
		state_free(&s[i].st);
	}
	free(s);
	free(shown);
	free(seen);
	free(list);
	return err;
}
