// SPDX-License-Identifier: GPL-2.0-only
/*
 * The matrix and drops printers on readings made by hand: column names,
 * JSON of the non-zero cells only, pairs named after the record's nodes
 * (or by address), drops joined by ifindex with reasons by name, per-node
 * drop totals; the program's plan from a fabric; doctor's drop advice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/print.h"
#include "fabric/blocks.h"
#include "host/drop_advice.h"
#include "stats/observe.h"
#include "unit.h"

/* A /24 in cells of 64: a (slot 3, cell 0), b (slot 70, cell 1). */
static void make_fabric(struct fabric_state *st)
{
	struct ipv4_prefix p = {(10u << 24) | (9u << 16) | (8u << 8), 24};

	CHECK_EQ_INT(state_init(st, "lab", &p, 1500, 7, 64), 0);
	CHECK_EQ_INT(state_lease(st, "a", 3), 0);
	st->nodes[st->n_nodes - 1].ifindex = 11;
	st->nodes[st->n_nodes - 1].phase = NODE_READY;
	CHECK_EQ_INT(state_lease(st, "b", 70), 0);
	st->nodes[st->n_nodes - 1].ifindex = 12;
	st->nodes[st->n_nodes - 1].phase = NODE_READY;
}

static char *render(bool json, void (*fn)(struct printer *, void *), void *arg)
{
	struct printer p;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	print_start(&p, out, json, false);
	fn(&p, arg);
	print_end(&p);
	fclose(out);
	return buf;
}

struct matrix_case {
	struct fabric_state *st;
	struct fabric_matrix_reading *m;
};

static void matrix_fn(struct printer *p, void *arg)
{
	struct matrix_case *c = arg;
	struct timespec t = {0};

	stats_print_matrix(p, c->st, c->m, &t, 0);
}

static void test_matrix(void)
{
	struct fabric_state st = {0};
	struct fabric_flow_counters cells[4 * 6] = {0};
	struct fabric_pair_key keys[2] = {{3, 70}, {70, 65}};
	struct fabric_flow_counters pairs[2] = {{5, 490}, {2, 196}};
	struct fabric_matrix_reading m = {4, cells, 2, keys, pairs};
	struct matrix_case c = {&st, &m};
	char *text, *json;

	make_fabric(&st);
	cells[0 * 6 + 1] = (struct fabric_flow_counters){5, 490}; /* c0 -> c1 */
	cells[1 * 6 + FABRIC_MATRIX_OUTSIDE(4)] = (struct fabric_flow_counters){1, 60};
	cells[1 * 6 + FABRIC_MATRIX_NON_IP(4)] = (struct fabric_flow_counters){3, 126};
	json = render(true, matrix_fn, &c);
	CHECK(strstr(json,
		     "{\"from_cell\":0,\"to\":\"c1\",\"to_cell\":1,\"packets\":5,\"bytes\":490}"));
	CHECK(strstr(json, "{\"from_cell\":1,\"to\":\"outside\",\"packets\":1,\"bytes\":60}"));
	CHECK(strstr(json, "{\"from_cell\":1,\"to\":\"non_ipv4\",\"packets\":3,\"bytes\":126}"));
	CHECK(!strstr(json, "\"from_cell\":2")); /* zero cells are left out */
	CHECK(strstr(json, "\"from\":\"a\",\"from_address\":\"10.9.8.3\",\"to\":\"b\""));
	/* Slot 65 is cell 1's gateway: no node, named by address. */
	CHECK(strstr(json, "\"to\":null,\"to_address\":\"10.9.8.65\""));
	CHECK(strstr(json, "\"pairs_max\":4096"));
	text = render(false, matrix_fn, &c);
	/* Cells 2 and 3 carried nothing: left out of the text tables. */
	CHECK(strstr(text, "PACKETS          c0         c1    outside   non_ipv4\n"));
	CHECK(strstr(text, "\nc1                0          0          1          3\n"));
	free(json);
	free(text);
	state_free(&st);
}

struct drops_case {
	struct fabric_state *st;
	struct fabric_drops_reading *d;
	struct drop_reasons *r;
};

static void drops_fn(struct printer *p, void *arg)
{
	struct drops_case *c = arg;
	struct timespec t = {0};

	stats_print_drops(p, c->st, c->d, c->r, NULL, 0, &t);
}

static void test_drops(void)
{
	struct fabric_state st = {0};
	struct fabric_drop_key keys[3] = {
		{12, 3, FABRIC_DROP_IN_NODE, 0},
		{11, FABRIC_DROP_REASON_UNKNOWN, FABRIC_DROP_HOST_VETH, 0},
		{99, 3, FABRIC_DROP_IN_NODE, 0}, /* a node deleted since */
	};
	__u64 packets[3] = {7, 2, 100};
	struct fabric_drops_reading d = {3, keys, packets};
	char *names[4] = {NULL, NULL, NULL, (char *)"NO_SOCKET"};
	struct drop_reasons r = {true, names, 4};
	struct drops_case c = {&st, &d, &r};
	struct stats_row rows[2] = {0};
	char *json, num[16];

	make_fabric(&st);
	json = render(true, drops_fn, &c);
	CHECK(strstr(json, "{\"node\":\"b\",\"where\":\"node\",\"reason\":\"NO_SOCKET\","
			   "\"reason_code\":3,\"packets\":7}"));
	CHECK(strstr(json, "{\"node\":\"a\",\"where\":\"host_veth\",\"reason\":\"UNKNOWN\""));
	CHECK(strstr(json, "\"total\":9}"));
	CHECK_EQ_STR(stats_drop_reason(&r, 2, num, sizeof(num)), "2");
	rows[0].node = &st.nodes[0];
	rows[1].node = &st.nodes[1];
	stats_rows_fill_drops(rows, 2, &d);
	CHECK_EQ_INT(rows[0].drops, 2);
	CHECK_EQ_INT(rows[1].drops, 7);
	free(json);
	state_free(&st);
}

static void test_params(void)
{
	struct fabric_state st = {0};
	struct fabric_bpf_params p;

	make_fabric(&st);
	fabric_bpf_params_of(&st, &p);
	CHECK_EQ_INT(p.net4, (10u << 24) | (9u << 16) | (8u << 8));
	CHECK_EQ_INT(p.n_slots, 256);
	CHECK_EQ_INT(p.cell_size, 64);
	state_free(&st);
	/* One cell: the whole subnet. */
	fabric_bpf_params_init(&p, 253, 0x0a000000, 256, 0);
	CHECK_EQ_INT(p.cell_size, 256);
}

static void test_advice(void)
{
	CHECK(drop_advice_find("CPU_BACKLOG") &&
	      strstr(drop_advice_find("CPU_BACKLOG")->fix, "netdev_max_backlog"));
	CHECK(drop_advice_find("NEIGH_CREATEFAIL") &&
	      strstr(drop_advice_find("NEIGH_CREATEFAIL")->fix, "gc_thresh3"));
	CHECK(drop_advice_find("NO_SOCKET") == NULL);
}

int main(void)
{
	test_matrix();
	test_drops();
	test_params();
	test_advice();
	return unit_summary("test_observe");
}
