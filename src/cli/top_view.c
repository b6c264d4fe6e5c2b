// SPDX-License-Identifier: GPL-2.0-only
/*
 * fabricctl top's screen: header, column titles, rows, help. Every frame
 * is drawn whole into ncurses' virtual screen after erase(); refresh()
 * then sends the terminal only the cells that changed, so nothing flickers.
 */
#include <arpa/inet.h>
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/ipv4.h"
#include "base/units.h"
#include "cli/top_view.h"

#define HEADER_LINES 4 /* title, totals, view and sort, blank */
#define NAME_MIN 8
#define NAME_MAX_WIDTH 24

enum { VIEW_NODES = 1, VIEW_CELLS = 2 };

/*
 * One column: its title, width, the views it appears in, the sort it
 * shows (STATS_SORT_MAX: none) and how a row's value is written.
 */
struct top_column {
	const char *title;
	int width; /* 0: the name column, sized to the names */
	bool left; /* left-aligned (else right) */
	unsigned int views;
	enum stats_sort sort;
	void (*format)(const struct top_view *v, const struct stats_row *r, char *buf, size_t size);
};

static void fmt_name(const struct top_view *v, const struct stats_row *r, char *buf, size_t size)
{
	if (r->node)
		snprintf(buf, size, "%s", r->node->name);
	else
		snprintf(buf, size, "%s-c%u", v->st->name, r->cell);
}

static void fmt_address(const struct top_view *v, const struct stats_row *r, char *buf, size_t size)
{
	char a[INET_ADDRSTRLEN];

	(void)v;
	snprintf(buf, size, "%s", ipv4_addr_format(r->addr, a));
}

static void fmt_cell(const struct top_view *v, const struct stats_row *r, char *buf, size_t size)
{
	(void)v;
	snprintf(buf, size, "%u", r->cell);
}

static void fmt_nodes(const struct top_view *v, const struct stats_row *r, char *buf, size_t size)
{
	(void)v;
	snprintf(buf, size, "%u", r->nodes);
}

static void rate(const struct top_view *v, double value, const char *unit, char *buf, size_t size)
{
	if (!v->have_rates)
		snprintf(buf, size, "-");
	else
		format_rate(value, unit, buf, size);
}

static void fmt_rx_pps(const struct top_view *v, const struct stats_row *r, char *buf, size_t size)
{
	rate(v, r->rx_pps, "", buf, size);
}

static void fmt_tx_pps(const struct top_view *v, const struct stats_row *r, char *buf, size_t size)
{
	rate(v, r->tx_pps, "", buf, size);
}

static void fmt_rx_bps(const struct top_view *v, const struct stats_row *r, char *buf, size_t size)
{
	rate(v, r->rx_bps, "bit/s", buf, size);
}

static void fmt_tx_bps(const struct top_view *v, const struct stats_row *r, char *buf, size_t size)
{
	rate(v, r->tx_bps, "bit/s", buf, size);
}

static void fmt_rx_packets(const struct top_view *v, const struct stats_row *r, char *buf,
			   size_t size)
{
	(void)v;
	snprintf(buf, size, "%llu", (unsigned long long)r->c.rx.packets);
}

static void fmt_tx_packets(const struct top_view *v, const struct stats_row *r, char *buf,
			   size_t size)
{
	(void)v;
	snprintf(buf, size, "%llu", (unsigned long long)r->c.tx.packets);
}

static void fmt_drops(const struct top_view *v, const struct stats_row *r, char *buf, size_t size)
{
	if (!v->have_drops)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%llu", (unsigned long long)r->drops);
}

/* The busiest peer: a node by name, else its address (a gateway, the broadcast). */
static void fmt_peer(const struct top_view *v, const struct stats_row *r, char *buf, size_t size)
{
	char a[INET_ADDRSTRLEN];

	if (!v->have_peers || !r->peer_addr)
		snprintf(buf, size, "-");
	else if (r->peer)
		snprintf(buf, size, "%s", r->peer->name);
	else
		snprintf(buf, size, "%s", ipv4_addr_format(r->peer_addr, a));
}

static const struct top_column columns[] = {
	{"NAME", 0, true, VIEW_NODES | VIEW_CELLS, STATS_SORT_NAME, fmt_name},
	{"ADDRESS", 15, true, VIEW_NODES, STATS_SORT_ADDRESS, fmt_address},
	{"CELL", 5, false, VIEW_NODES | VIEW_CELLS, STATS_SORT_MAX, fmt_cell},
	{"NODES", 6, false, VIEW_CELLS, STATS_SORT_MAX, fmt_nodes},
	{"RX PPS", 9, false, VIEW_NODES | VIEW_CELLS, STATS_SORT_RX_PACKETS, fmt_rx_pps},
	{"TX PPS", 9, false, VIEW_NODES | VIEW_CELLS, STATS_SORT_TX_PACKETS, fmt_tx_pps},
	{"RX BIT/S", 13, false, VIEW_NODES | VIEW_CELLS, STATS_SORT_RX_BYTES, fmt_rx_bps},
	{"TX BIT/S", 13, false, VIEW_NODES | VIEW_CELLS, STATS_SORT_TX_BYTES, fmt_tx_bps},
	{"DROPS", 8, false, VIEW_NODES | VIEW_CELLS, STATS_SORT_DROPS, fmt_drops},
	{"PEER", 16, true, VIEW_NODES, STATS_SORT_MAX, fmt_peer},
	/* the totals since the node was added last: the first cut on a narrow screen */
	{"RX PKTS", 12, false, VIEW_NODES | VIEW_CELLS, STATS_SORT_MAX, fmt_rx_packets},
	{"TX PKTS", 12, false, VIEW_NODES | VIEW_CELLS, STATS_SORT_MAX, fmt_tx_packets},
};
#define N_COLUMNS (sizeof(columns) / sizeof(columns[0]))

/* The sorts a key selects, in the order '<' and '>' step through them. */
static const struct {
	int key;
	enum stats_sort sort;
	const char *label;
} sort_keys[] = {
	{'b', STATS_SORT_BYTES, "bytes (rx+tx bit/s)"},
	{'p', STATS_SORT_PACKETS, "packets (rx+tx pps)"},
	{'r', STATS_SORT_RX_BYTES, "rx bit/s"},
	{'t', STATS_SORT_TX_BYTES, "tx bit/s"},
	{'R', STATS_SORT_RX_PACKETS, "rx pps"},
	{'T', STATS_SORT_TX_PACKETS, "tx pps"},
	{'n', STATS_SORT_NAME, "name"},
	{'a', STATS_SORT_ADDRESS, "address"},
	{'d', STATS_SORT_DROPS, "drops"},
};
#define N_SORT_KEYS (sizeof(sort_keys) / sizeof(sort_keys[0]))

static const char *const help_lines[] = {
	"fabricctl top: keys",
	"",
	"  b   sort by bytes, rx + tx (the default: busiest first)",
	"  p   sort by packets, rx + tx",
	"  r/t sort by rx / tx bit/s",
	"  R/T sort by rx / tx packets/s",
	"  n   sort by name        a   sort by address (cells: by cell)",
	"  d   sort by drops",
	"  < > previous / next sort",
	"  c   nodes <-> cells: one row per cell (bridge FABRIC-c<N>)",
	"  Enter  in the cells view: the nodes of the highlighted cell",
	"  Esc, Backspace, c   back from a cell's nodes to the cells",
	"  Up Down PgUp PgDn Home End   move (cells) or scroll (nodes)",
	"  + -  refresh interval x2 / /2 (0.1 s to 1 h)",
	"  ?   this help (any key closes it)      q   quit",
	"",
	"Rates are per second over the last interval, as counted by the fabric's",
	"eBPF program on each node's host veth; rx is what the node received.",
	"DROPS: packets the kernel dropped on the node's link or inside it.",
	"PEER: the node (or address) it exchanged the most bytes with.",
};

enum stats_sort top_view_sort_key(int key)
{
	for (size_t i = 0; i < N_SORT_KEYS; i++)
		if (sort_keys[i].key == key)
			return sort_keys[i].sort;
	return STATS_SORT_MAX;
}

enum stats_sort top_view_sort_next(enum stats_sort sort, int step)
{
	size_t i = 0;

	while (i < N_SORT_KEYS && sort_keys[i].sort != sort)
		i++;
	if (i == N_SORT_KEYS)
		return sort_keys[0].sort;
	return sort_keys[(i + N_SORT_KEYS + (size_t)step) % N_SORT_KEYS].sort;
}

static const char *sort_label(enum stats_sort sort)
{
	for (size_t i = 0; i < N_SORT_KEYS; i++)
		if (sort_keys[i].sort == sort)
			return sort_keys[i].label;
	return "?";
}

int top_view_page(int lines)
{
	int page = lines - HEADER_LINES - 1; /* the column titles */

	return page > 0 ? page : 0;
}

static void draw_header(const struct top_view *v)
{
	char when[16], a[IPV4_PREFIX_STRLEN + 32], b[32], c[32], d[32];
	struct tm tm;
	time_t t = v->snap->real.tv_sec;

	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	attron(A_BOLD);
	mvprintw(0, 0, "fabricctl top %s", v->st->name);
	attroff(A_BOLD);
	printw("  %s  every %g s  %u nodes  %u cells  subnet ", when, v->interval, v->total->nodes,
	       v->n_cells);
	printw("%s", ipv4_prefix_format(&v->st->subnet, a));
	if (v->have_rates) {
		format_rate(v->total->rx_pps, "", a, sizeof(a));
		format_rate(v->total->rx_bps, "bit/s", b, sizeof(b));
		format_rate(v->total->tx_pps, "", c, sizeof(c));
		format_rate(v->total->tx_bps, "bit/s", d, sizeof(d));
		mvprintw(1, 0, "total  rx %s pps  %s   tx %s pps  %s", a, b, c, d);
	} else {
		mvprintw(1, 0, "total  (rates after the first interval)");
	}
	if (v->cells)
		mvprintw(2, 0, "view: cells (Enter: a cell's nodes)");
	else if (v->in_cell)
		mvprintw(2, 0, "view: nodes of cell %u (Esc: back to cells)", v->cell);
	else
		mvprintw(2, 0, "view: nodes");
	printw("   sort: %s   ? help  q quit", sort_label(v->sort));
	if (v->message)
		mvprintw(3, 0, "%s", v->message);
}

/* Width of the name column: the longest name shown, within bounds. */
static int name_width(const struct top_view *v, size_t first, size_t last)
{
	int w = NAME_MIN;
	char buf[128];

	for (size_t i = first; i < last; i++) {
		fmt_name(v, &v->rows[i], buf, sizeof(buf));
		if ((int)strlen(buf) > w)
			w = (int)strlen(buf);
	}
	return w > NAME_MAX_WIDTH ? NAME_MAX_WIDTH : w;
}

static void draw_cell(int y, int x, int width, bool left, const char *text)
{
	int len = (int)strlen(text);

	if (len > width)
		len = width; /* cut, never wrap */
	mvprintw(y, left ? x : x + width - len, "%.*s", len, text);
}

static void draw_rows(const struct top_view *v)
{
	unsigned int view = v->cells ? VIEW_CELLS : VIEW_NODES;
	int page = top_view_page(LINES), y = HEADER_LINES, x;
	size_t last = v->first + (size_t)page;
	int nw;

	if (last > v->n_rows)
		last = v->n_rows;
	nw = name_width(v, v->first, last);
	attron(A_REVERSE);
	mvhline(y, 0, ' ', COLS);
	x = 0;
	for (size_t c = 0; c < N_COLUMNS; c++) {
		int w = columns[c].width ? columns[c].width : nw;

		if (!(columns[c].views & view))
			continue;
		if (x + w > COLS)
			break;
		if (columns[c].sort == v->sort)
			attron(A_BOLD);
		draw_cell(y, x, w, columns[c].left, columns[c].title);
		attroff(A_BOLD);
		x += w + 1;
	}
	attroff(A_REVERSE);
	for (size_t i = v->first; i < last; i++) {
		const struct stats_row *r = &v->rows[i];
		char buf[128];

		y++;
		x = 0;
		if (v->cells && i == v->selected) {
			attron(A_REVERSE);
			mvhline(y, 0, ' ', COLS);
		}
		for (size_t c = 0; c < N_COLUMNS; c++) {
			int w = columns[c].width ? columns[c].width : nw;

			if (!(columns[c].views & view))
				continue;
			if (x + w > COLS)
				break;
			columns[c].format(v, r, buf, sizeof(buf));
			draw_cell(y, x, w, columns[c].left, buf);
			x += w + 1;
		}
		attroff(A_REVERSE);
	}
	if (!v->n_rows)
		mvprintw(y + 1, 0, v->in_cell ? "(no nodes in cell %u)" : "(no nodes)", v->cell);
}

static void draw_help(void)
{
	for (size_t i = 0; i < sizeof(help_lines) / sizeof(help_lines[0]); i++) {
		if ((int)i + HEADER_LINES >= LINES)
			break;
		mvprintw(HEADER_LINES + (int)i, 0, "%s", help_lines[i]);
	}
}

void top_view_draw(const struct top_view *v)
{
	erase(); /* the virtual screen only: no clear is sent to the terminal */
	draw_header(v);
	if (v->help)
		draw_help();
	else
		draw_rows(v);
	refresh();
}
