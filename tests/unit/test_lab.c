// SPDX-License-Identifier: GPL-2.0-only
/*
 * The lab layer's pure parts: the file's grammar (located errors, ranges,
 * impairments, JSON as YAML), the planner (empty when nothing differs,
 * one step per distinct impairment, refusals located), the text of an
 * impairment reading back exactly, and the tbf sizes.
 */
#include <errno.h>
#include <string.h>

#include "base/errors.h"
#include "fabric/impair.h"
#include "kernel/tbf.h"
#include "lab/plan.h"
#include "lab/spec.h"
#include "unit.h"

static int parse(const char *text, struct lab_spec *s)
{
	fail_clear();
	return lab_spec_parse("t.yaml", text, strlen(text), s);
}

/* The recorded error starts with @where. */
static void check_error(const char *text, const char *where)
{
	struct lab_spec s;

	CHECK_EQ_INT(parse(text, &s), -EUSAGE);
	CHECK(fail_message() && !strncmp(fail_message(), where, strlen(where)));
	if (fail_message() && strncmp(fail_message(), where, strlen(where)))
		fprintf(stderr, "  got: %s\n  want: %s...\n", fail_message(), where);
}

static void test_parse(void)
{
	struct lab_spec s;

	CHECK_EQ_INT(parse("fabric: lab\n"
			   "subnet: 10.42.0.0/16\n"
			   "mtu: 1500\n"
			   "cell-size: 512\n"
			   "tune: true\n"
			   "defaults:\n"
			   "  impair: {delay: 2ms}\n"
			   "groups:\n"
			   "  - name: edge\n"
			   "    nodes: {count: 2000, name: \"edge%d\"}\n"
			   "    impair: {delay: 20ms, jitter: 2ms, loss: 0.5%, rate: 100mbit}\n"
			   "  - name: core\n"
			   "    nodes: [db1, {name: web1, ip: 10.42.0.100}]\n",
			   &s),
		     0);
	CHECK_EQ_STR(s.fabric, "lab");
	CHECK(s.has_subnet && s.subnet.len == 16 && s.mtu == 1500 && s.cell_size == 512 && s.tune);
	CHECK_EQ_INT(s.n_nodes, 2002);
	CHECK_EQ_STR(s.nodes[0].name, "edge1");
	CHECK_EQ_STR(s.nodes[1999].name, "edge2000");
	CHECK_EQ_STR(s.nodes[2001].name, "web1");
	CHECK_EQ_INT(s.nodes[2001].addr, (10u << 24 | 42u << 16 | 100));
	CHECK_EQ_INT(s.nodes[2001].pos.line, 13);
	/* edge: its own impairment; core: the defaults'. */
	CHECK_EQ_INT(s.impairs[s.nodes[0].impair].p.delay_ns, 20000000);
	CHECK_EQ_INT(s.impairs[s.nodes[0].impair].p.rate_Bps, 12500000);
	CHECK_EQ_INT(s.impairs[s.nodes[2000].impair].p.delay_ns, 2000000);
	CHECK_EQ_INT(s.impairs[s.nodes[2000].impair].p.rate_Bps, 0);
	lab_spec_free(&s);

	/* JSON is YAML; start moves the range; {} is no impairment. */
	CHECK_EQ_INT(parse("{\"fabric\": \"j\", \"groups\": [{\"name\": \"a\", \"impair\": {},"
			   " \"nodes\": {\"count\": 2, \"name\": \"n%d-x\", \"start\": 0}}]}",
			   &s),
		     0);
	CHECK_EQ_INT(s.n_nodes, 2);
	CHECK_EQ_STR(s.nodes[0].name, "n0-x");
	CHECK_EQ_STR(s.nodes[1].name, "n1-x");
	CHECK_EQ_INT(s.nodes[1].impair, 0);
	lab_spec_free(&s);

	check_error("fabric: a\nmtu: 1500x\n", "t.yaml:2:6: mtu: expected a whole number");
	check_error("fabric: a\nmtu: 1500\nmtu: 9000\n",
		    "t.yaml:3:1: file: key \"mtu\" given twice");
	check_error("fabric: a\ngroups:\n  - {name: g}\n  - {name: g}\n",
		    "t.yaml:4:12: group \"g\" given twice");
	check_error("fabric: a\ngroups:\n  - {name: g, nodes: [x, {name: y, ip: 10.0.0.1}]}\n"
		    "subnet: 10.1.0.0/16\n",
		    "t.yaml:3:33: node \"y\": ip 10.0.0.1 is not in the subnet");
	check_error("fabric: a\ngroups:\n  - {name: g, nodes: {count: 0, name: x%d}}\n",
		    "t.yaml:3:30: count: 0 is out of range");
	check_error("fabric: a\ngroups:\n  - {name: g, nodes: {count: 2, name: x%d%d}}\n",
		    "t.yaml:3:39: name: a range's name needs one %d");
	check_error("fabric: a\ngroups:\n  - {name: g, impair: {delay: 1ms, jitter: 2ms}}\n",
		    "t.yaml:3:23: --jitter must not be larger");
	check_error("", "t.yaml:1:1: the file is empty");
	check_error("fabric: [a\n", "t.yaml:2:1: ");
	fail_clear();
}

static void test_plan(void)
{
	struct lab_have_node hn[3] = {
		{.name = "a", .addr = 10u << 24 | 5, .ready = true},
		{.name = "b", .addr = 10u << 24 | 6, .ready = true, .impaired = true},
		{.name = "old", .addr = 10u << 24 | 7, .ready = true},
	};
	struct lab_have have = {.exists = true,
				.subnet = {10u << 24, 24},
				.mtu = 1500,
				.cell_size = 256,
				.nodes = hn,
				.n_nodes = 3};
	struct lab_plan p;
	struct lab_spec s;

	CHECK_EQ_INT(parse("fabric: f\nsubnet: 10.0.0.0/24\ncell-size: 512\ngroups:\n"
			   "  - {name: g, nodes: [a, new], impair: {rate: 20mbit}}\n"
			   "  - {name: h, nodes: [b]}\n",
			   &s),
		     0);
	hn[1].p.rate_Bps = 1000;
	CHECK_EQ_INT(lab_plan_make(&s, &have, &p), 0);
	CHECK(!p.create && !p.refused.n); /* 512 >= a /24: the one cell it has */
	CHECK_EQ_INT(p.n_add, 1);
	CHECK_EQ_STR(s.nodes[p.add[0]].name, "new");
	CHECK_EQ_INT(p.n_del, 1);
	CHECK_EQ_STR(p.del[0], "old");
	/* a and new share one set step; b is cleared. */
	CHECK_EQ_INT(p.n_steps, 2);
	CHECK_EQ_INT(p.steps[0].action, LAB_IMPAIR_SET);
	CHECK_EQ_INT(p.steps[0].n, 2);
	CHECK_EQ_INT(p.steps[1].action, LAB_IMPAIR_CLEAR);
	CHECK_EQ_STR(p.steps[1].names[0], "b");
	lab_plan_free(&p);

	/* What the plan asks for, in force: an empty plan. */
	hn[0].impaired = true;
	hn[0].p = s.impairs[s.nodes[0].impair].p;
	hn[1].impaired = false;
	hn[2].name = "new";
	hn[2].impaired = true;
	hn[2].p = hn[0].p;
	CHECK_EQ_INT(lab_plan_make(&s, &have, &p), 0);
	CHECK(lab_plan_empty(&p));
	lab_plan_free(&p);

	/* Half an impairment (the sides differ): changed. */
	hn[2].sides_differ = true;
	CHECK_EQ_INT(lab_plan_make(&s, &have, &p), 0);
	CHECK(p.n_steps == 1 && p.steps[0].action == LAB_IMPAIR_CHANGE && p.steps[0].n == 1);
	lab_plan_free(&p);
	lab_spec_free(&s);

	/* Refused: subnet and a kept node's address, each located. */
	CHECK_EQ_INT(parse("fabric: f\nsubnet: 10.0.1.0/24\ngroups:\n"
			   "  - {name: g, nodes: [{name: a, ip: 10.0.1.9}]}\n",
			   &s),
		     0);
	CHECK_EQ_INT(lab_plan_make(&s, &have, &p), 0);
	CHECK_EQ_INT(p.refused.n, 2);
	CHECK(!strncmp(p.refused.text[0], "t.yaml:2:9: subnet: the fabric has 10.0.0.0/24", 46));
	CHECK(!strncmp(p.refused.text[1], "t.yaml:4:30: node \"a\" has ip 10.0.0.5", 37));
	CHECK(!lab_plan_empty(&p));
	lab_plan_free(&p);
	lab_spec_free(&s);
}

static void test_text(void)
{
	struct netem_params p = {.delay_ns = 20000000, .jitter_ns = 1500, .rate_Bps = 12500000};
	struct netem_params back = {0};
	char buf[256];

	CHECK(impair_parse_percent("0.5%", "loss", &p.loss) == 0);
	CHECK_EQ_STR(lab_impair_text(&p, buf, sizeof(buf), false),
		     "delay 20ms jitter 1500ns loss 0.5% rate 100mbit");
	CHECK_EQ_STR(lab_impair_text(&p, buf, sizeof(buf), true),
		     "{delay: 20ms, jitter: 1500ns, loss: 0.5%, rate: 100mbit}");
	CHECK_EQ_STR(lab_impair_text(&back, buf, sizeof(buf), false), "none");
	/* Every percentage reads back as the same probability. */
	for (uint32_t prob = 1; prob < UINT32_MAX / 2; prob = prob * 3 + 7) {
		struct netem_params q = {.loss = prob};
		uint32_t again;

		lab_impair_text(&q, buf, sizeof(buf), false);
		CHECK(impair_parse_percent(buf + strlen("loss "), "loss", &again) == 0);
		CHECK_EQ_INT(again, prob);
	}
}

static void test_tbf(void)
{
	struct tbf_sizes z = tbf_sizes_for(2500000, 1500);

	CHECK_EQ_INT(z.burst, 128 * 1024); /* 10 ms = 25000 B < the 128 KiB floor */
	CHECK_EQ_INT(z.limit, 128 * 1024 + 250000);
	z = tbf_sizes_for(1250000000, 9000); /* 10 gbit: 10 ms is 12.5 MB */
	CHECK_EQ_INT(z.burst, 12500000);
}

int main(void)
{
	test_parse();
	test_plan();
	test_text();
	test_tbf();
	return unit_summary("test_lab");
}
