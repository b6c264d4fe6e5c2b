// SPDX-License-Identifier: GPL-2.0-only
/*
 * fabricctl top: a live full-screen view of a fabric's traffic, like top.
 * Every interval one reading of the pinned counters map (the stats
 * snapshot API, as `stats --watch` uses) is joined with the record,
 * reloaded each time since nodes come and go; keys re-sort and switch
 * between node and cell rows at once, from the last reading.
 */
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/errors.h"
#include "base/timeutil.h"
#include "cli/cmd_common.h"
#include "cli/commands.h"
#include "cli/top_view.h"
#include "kernel/fabric_bpf.h"
#include "stats/observe.h"

#define TOP_MIN_S 0.1
#define TOP_MAX_S 3600

static const char top_help[] =
	"Usage: fabricctl top FABRIC [-d SECONDS]\n"
	"\n"
	"A live full-screen view of FABRIC's traffic, like top(1): one row per node\n"
	"(or per cell) with rx/tx packets/s and bit/s over the last interval, the\n"
	"packets counted since the node was added, the packets the kernel dropped on\n"
	"its link or inside it (DROPS, as `stats --drops` counts them) and its\n"
	"busiest peer (PEER: the node or address it exchanged the most bytes with,\n"
	"from the node pairs `stats --matrix` shows), under a header with the\n"
	"fabric's totals, its nodes and cells, the time and the refresh interval.\n"
	"Counters are read from the fabric's pinned maps, as `fabricctl stats` reads\n"
	"them; rx is what the node received, tx what it transmitted.\n"
	"\n"
	"Options:\n"
	"  -d, --delay SECONDS  refresh interval (default 1, 0.1 to 3600, fractions\n"
	"                       allowed)\n"
	"  -h, --help           show this help.\n"
	"\n"
	"Keys:\n"
	"  b p          sort by bytes (rx+tx, the default) / packets (rx+tx)\n"
	"  r t R T      sort by rx bit/s, tx bit/s, rx packets/s, tx packets/s\n"
	"  n a          sort by name / address (cells: by cell)\n"
	"  d            sort by drops\n"
	"  < >          previous / next sort\n"
	"  c            switch between node rows and cell rows (one per bridge)\n"
	"  Enter        in the cells view: show the nodes of the highlighted cell\n"
	"  Esc          back from a cell's nodes to the cells (also Backspace, c)\n"
	"  arrows, PgUp, PgDn, Home, End   move the highlight or scroll\n"
	"  + -          double / halve the refresh interval\n"
	"  ?            help; q quits\n"
	"\n"
	"top needs a terminal; for a stream of readings use\n"
	"`fabricctl stats FABRIC --watch` (-j: one JSON object per interval).\n"
	"\n"
	"Exit status: 0 when q is pressed, 1 when the fabric cannot be read (or is\n"
	"destroyed while shown) or there is no terminal, 2 on a usage error.\n"
	"\n"
	"Example: fabricctl top lab -d 2\n";

struct top_opts {
	const char *fabric;
	double interval;
};

struct top_run {
	const char *fabric;
	struct fabric_bpf *fb;
	struct stats_snapshot snaps[2];
	int cur;
	struct fabric_state st;
	struct stats_row *nodes, *cells, *in_cell;
	size_t n_nodes, n_cells, n_in_cell;
	struct stats_row total;
	uint32_t sel_cell; /* the highlighted cell, followed across re-sorts */
	struct top_view v;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int top_option(int c, const char *arg, void *ctx)
{
	struct top_opts *o = ctx;
	char *end;

	if (c != 'd')
		return -EUSAGE;
	o->interval = strtod(arg, &end);
	if (end == arg || *end || !isfinite(o->interval) || arg[0] == '-' || arg[0] == '+')
		return fail_usage("invalid --delay \"%s\": not a number of seconds", arg);
	if (o->interval < TOP_MIN_S || o->interval > TOP_MAX_S)
		return fail_usage("invalid --delay \"%s\": must be %g to %d seconds", arg,
				  TOP_MIN_S, TOP_MAX_S);
	return 0;
}

static int parse_args(int argc, char **argv, struct top_opts *o)
{
	static const struct option opts[] = {
		{"delay", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int first, err;

	memset(o, 0, sizeof(*o));
	o->interval = 1.0;
	err = cmd_parse(argc, argv, top_help, "d:", opts, top_option, o, &first);
	if (err)
		return err;
	if (first >= argc)
		return fail_usage("missing FABRIC; see `fabricctl top --help`");
	if (argc - first > 1)
		return fail_usage("top shows one fabric; unexpected \"%s\"", argv[first + 1]);
	o->fabric = argv[first];
	if (cli_out.json)
		return fail_usage(
			"top draws a screen; for JSON use `fabricctl stats %s --watch -j`",
			o->fabric);
	return 0;
}

static void free_rows(struct top_run *t)
{
	free(t->nodes);
	free(t->cells);
	free(t->in_cell);
	t->nodes = t->cells = t->in_cell = NULL;
	t->n_nodes = t->n_cells = t->n_in_cell = 0;
}

/*
 * The drops and busiest peers of @rows. A fabric whose drop or matrix
 * maps are not pinned (made before them, or being repaired) shows "-".
 */
static void read_observe(struct top_run *t, const struct fabric_state *st, struct stats_row *rows,
			 size_t n)
{
	struct fabric_matrix_reading m;

	stats_rows_read_drops(t->fb, rows, n);
	t->v.have_drops = t->fb->drops_fd >= 0;
	t->v.have_peers = !fabric_bpf_read_matrix(t->fb, &m);
	if (t->v.have_peers)
		stats_rows_fill_peers(rows, n, st, &m);
	fabric_matrix_reading_free(&m);
	fail_clear();
}

/* One reading: the counters, the record (reloaded), rows, cells, totals. */
static int take_reading(struct top_run *t, bool first)
{
	struct fabric_state st = {0};
	struct stats_row *rows;
	size_t n;
	int err;

	t->cur ^= 1;
	err = stats_snapshot_take(t->fb, &t->snaps[t->cur]);
	if (err)
		return err;
	err = state_load(t->fabric, &st);
	if (err == -ENOENT)
		return fail_msg(-ENOENT, "fabric \"%s\" is gone", t->fabric);
	if (err)
		return err;
	err = stats_rows_select(&st, NULL, 0, &rows, &n);
	if (err) {
		state_free(&st);
		return err;
	}
	stats_rows_fill(rows, n, &t->snaps[t->cur], first ? NULL : &t->snaps[t->cur ^ 1]);
	read_observe(t, &st, rows, n);
	free_rows(t);
	state_free(&t->st);
	t->st = st; /* the rows point into it */
	t->nodes = rows;
	t->n_nodes = n;
	t->total = stats_rows_total(rows, n);
	err = stats_rows_by_cell(rows, n, &t->cells, &t->n_cells);
	if (!err && n) {
		t->in_cell = malloc(n * sizeof(*t->in_cell));
		if (!t->in_cell)
			err = fail(-ENOMEM, "cannot list the nodes of a cell");
	}
	t->v.st = &t->st;
	t->v.snap = &t->snaps[t->cur];
	t->v.have_rates = !first;
	t->v.total = &t->total;
	t->v.n_cells = (uint32_t)t->n_cells;
	return err;
}

/* Sort the rows of the current view and keep the highlight and scroll in range. */
static void arrange(struct top_run *t)
{
	struct top_view *v = &t->v;
	size_t page = (size_t)top_view_page(LINES);

	if (v->cells) {
		v->rows = t->cells;
		v->n_rows = t->n_cells;
	} else if (v->in_cell) {
		t->n_in_cell = 0;
		for (size_t i = 0; i < t->n_nodes; i++)
			if (t->nodes[i].cell == v->cell)
				t->in_cell[t->n_in_cell++] = t->nodes[i];
		v->rows = t->in_cell;
		v->n_rows = t->n_in_cell;
	} else {
		v->rows = t->nodes;
		v->n_rows = t->n_nodes;
	}
	stats_rows_order((struct stats_row *)v->rows, v->n_rows, v->sort, v->have_rates, 0);
	if (v->cells) {
		v->selected = 0;
		for (size_t i = 0; i < v->n_rows; i++)
			if (v->rows[i].cell == t->sel_cell)
				v->selected = i;
		if (v->selected < v->first)
			v->first = v->selected;
		if (page && v->selected >= v->first + page)
			v->first = v->selected - page + 1;
	}
	if (v->n_rows <= page)
		v->first = 0;
	else if (v->first > v->n_rows - page)
		v->first = v->n_rows - page;
}

/* Move the highlight (cells) or scroll (nodes) by @delta rows. */
static void top_move(struct top_run *t, long delta)
{
	struct top_view *v = &t->v;
	long pos = (long)(v->cells ? v->selected : v->first) + delta;

	if (!v->n_rows)
		return;
	if (pos < 0)
		pos = 0;
	else if (pos >= (long)v->n_rows)
		pos = (long)v->n_rows - 1;
	if (v->cells) {
		v->selected = (size_t)pos;
		t->sel_cell = v->rows[pos].cell;
	} else {
		v->first = (size_t)pos;
	}
}

/* Act on a key; false to quit. */
static bool on_key(struct top_run *t, int key)
{
	struct top_view *v = &t->v;
	long page = top_view_page(LINES);
	enum stats_sort sort;

	v->message = NULL;
	if (v->help) { /* any key closes the help */
		v->help = false;
		return key != 'q' && key != 'Q';
	}
	sort = top_view_sort_key(key);
	if (sort != STATS_SORT_MAX) {
		v->sort = sort;
		return true;
	}
	switch (key) {
	case 'q':
	case 'Q':
		return false;
	case '?':
	case 'h':
		v->help = true;
		break;
	case '<':
	case '>':
		v->sort = top_view_sort_next(v->sort, key == '>' ? 1 : -1);
		break;
	case 'c':
		if (v->cells) {
			v->cells = false;
		} else {
			v->cells = true;
			if (v->in_cell)
				t->sel_cell = v->cell;
			v->in_cell = false;
		}
		v->first = 0;
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (v->cells && v->n_rows) {
			v->cells = false;
			v->in_cell = true;
			v->cell = v->rows[v->selected].cell;
			v->first = 0;
		}
		break;
	case 27: /* Esc */
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (v->in_cell) {
			v->in_cell = false;
			v->cells = true;
			t->sel_cell = v->cell;
			v->first = 0;
		}
		break;
	case KEY_UP:
		top_move(t, -1);
		break;
	case KEY_DOWN:
		top_move(t, 1);
		break;
	case KEY_PPAGE:
		top_move(t, -page);
		break;
	case KEY_NPAGE:
		top_move(t, page);
		break;
	case KEY_HOME:
		top_move(t, -(long)v->n_rows);
		break;
	case KEY_END:
		top_move(t, (long)v->n_rows);
		break;
	case '+':
		v->interval = v->interval * 2 > TOP_MAX_S ? TOP_MAX_S : v->interval * 2;
		break;
	case '-':
		v->interval = v->interval / 2 < TOP_MIN_S ? TOP_MIN_S : v->interval / 2;
		break;
	case KEY_RESIZE:
		break; /* ncurses has the new LINES and COLS: arrange() and draw */
	default:
		v->message = "unknown key: press ? for help";
		break;
	}
	return true;
}

static int run(struct top_run *t)
{
	struct timespec next, now;
	int err, key;

	err = take_reading(t, true);
	next = t->snaps[t->cur].mono;
	timespec_add(&next, t->v.interval);
	while (!err && !interrupted) {
		double wait;

		arrange(t);
		top_view_draw(&t->v);
		now = mono_now();
		wait = timespec_diff(&now, &next);
		if (wait > 0) {
			/* A key, a resize (KEY_RESIZE) or the next reading, whichever is first. */
			timeout((int)(wait * 1000) + 1);
			key = getch();
			if (key != ERR && !on_key(t, key))
				break;
			now = mono_now();
			if (timespec_diff(&now, &next) > 0)
				continue;
		}
		err = take_reading(t, false);
		next = t->snaps[t->cur].mono;
		timespec_add(&next, t->v.interval);
	}
	return err;
}

int cmd_top(int argc, char **argv)
{
	struct top_run t = {0};
	struct sigaction sa = {0};
	struct top_opts o;
	int err;

	err = parse_args(argc, argv, &o);
	if (err)
		return err > 0 ? 0 : err; /* 1: --help was printed */
	cmd_context("top", o.fabric);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return fail(-ENOTTY,
			    "not a terminal: top draws a full screen; for a stream of "
			    "readings use `fabricctl stats %s --watch` (-j for JSON)",
			    o.fabric);
	err = cmd_read_fabric(o.fabric, &t.st);
	if (err)
		return err;
	err = fabric_bpf_open(o.fabric, &t.fb);
	if (err)
		goto out;
	t.fabric = o.fabric;
	t.v.interval = o.interval;
	t.v.sort = STATS_SORT_BYTES;
	/* Before initscr(): ncurses keeps handlers that are not SIG_DFL. */
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	setlocale(LC_ALL, "");
	if (!initscr()) {
		err = fail(-ENOTTY, "cannot start the terminal (TERM=%s)", getenv("TERM"));
		goto out;
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	err = run(&t);
	endwin();
out:
	free_rows(&t);
	stats_snapshot_free(&t.snaps[0]);
	stats_snapshot_free(&t.snaps[1]);
	fabric_bpf_close(t.fb);
	state_free(&t.st);
	return err;
}
