// SPDX-License-Identifier: GPL-2.0-only
/* The fabric record: parsing (strict), the node table, save/load as root. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/errors.h"
#include "fabric/state.h"
#include "unit.h"

/* A node leased through the record's one owner of leases, made "ready" with @ifindex. */
static int add_leased(struct fabric_state *st, const char *name, uint32_t slot, int ifindex)
{
	int err = state_lease(st, name, slot);

	if (!err) {
		st->nodes[st->n_nodes - 1].ifindex = ifindex;
		st->nodes[st->n_nodes - 1].phase = NODE_READY;
	}
	return err;
}

#define HEAD "fabricctl-state 1\nsubnet 10.42.0.0/16\nmtu 1500\ngroup 1178730496\ncell_size 65536\n"

static int parse_text(const char *text, struct fabric_state *st)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	int err;

	if (!in)
		return -errno;
	fail_clear();
	err = state_parse(in, "lab", st);
	fclose(in);
	return err;
}

static bool msg_has(const char *needle)
{
	const char *msg = fail_message();

	if (msg && strstr(msg, needle))
		return true;
	fprintf(stderr, "  message: %s (wanted \"%s\")\n", msg ? msg : "(none)", needle);
	return false;
}

static void test_parse_valid(void)
{
	struct fabric_state st;
	struct fabric_node *n;

	CHECK_EQ_INT(parse_text("fabricctl-state 1\n"
				"subnet 10.42.0.0/16\n"
				"mtu 1400\n"
				"group 1178730496\n"
				"cell_size 65536\n"
				"node 5 n5 12\n"
				"node 2 n2 10\n"
				"node 3 web.1 0\n"
				"node 65534 last 2147483647\n",
				&st),
		     0);
	CHECK(fail_message() == NULL);
	CHECK_EQ_STR(st.name, "lab");
	CHECK_EQ_INT(st.subnet.addr, 0x0a2a0000);
	CHECK_EQ_INT(st.subnet.len, 16);
	CHECK_EQ_INT(st.mtu, 1400);
	CHECK_EQ_INT(st.group, 1178730496u);
	CHECK_EQ_INT(st.n_nodes, 4);
	if (st.n_nodes == 4) {
		/* Slot order. */
		CHECK_EQ_INT(st.nodes[0].slot, 2);
		CHECK_EQ_STR(st.nodes[0].name, "n2");
		CHECK_EQ_INT(st.nodes[0].ifindex, 10);
		CHECK_EQ_INT(st.nodes[1].slot, 3);
		CHECK_EQ_STR(st.nodes[1].name, "web.1");
		CHECK_EQ_INT(st.nodes[1].ifindex, 0);
		CHECK_EQ_INT(st.nodes[2].slot, 5);
		CHECK_EQ_STR(st.nodes[2].name, "n5");
		CHECK_EQ_INT(st.nodes[3].slot, 65534);
		CHECK_EQ_INT(st.nodes[3].ifindex, 2147483647);
	}
	/* Leases are claimed. */
	CHECK_EQ_INT(st.ipam.used, 4);
	CHECK(ipam_slot_used(&st.ipam, 2));
	CHECK(ipam_slot_used(&st.ipam, 3));
	CHECK(!ipam_slot_used(&st.ipam, 4));
	CHECK(ipam_slot_used(&st.ipam, 5));
	CHECK(ipam_slot_used(&st.ipam, 65534));
	CHECK_EQ_INT(ipam_claim_slot(&st.ipam, 5), -EEXIST);
	/* Lookup by name (after the sort). */
	n = state_find_node(&st, "n5");
	CHECK(n && n->slot == 5 && n->ifindex == 12);
	n = state_find_node(&st, "web.1");
	CHECK(n && n->slot == 3);
	CHECK(state_find_node(&st, "n1") == NULL);
	CHECK(state_find_node(&st, "") == NULL);
	CHECK(state_find_node(&st, "n") == NULL);
	state_free(&st);
	CHECK(st.nodes == NULL && st.ipam.bitmap == NULL && st.n_nodes == 0);

	/* No nodes and no final newline is a valid record. */
	CHECK_EQ_INT(
		parse_text(
			"fabricctl-state 1\nsubnet 192.168.1.0/30\nmtu 1500\ngroup 7\ncell_size 4",
			&st),
		0);
	CHECK_EQ_INT(st.n_nodes, 0);
	CHECK_EQ_INT(st.mtu, 1500);
	CHECK_EQ_INT(st.group, 7);
	CHECK_EQ_INT(ipam_capacity(&st.ipam), 1);
	CHECK_EQ_INT(ipam_free_count(&st.ipam), 1);
	state_free(&st);

	/* The header is strict: subnet, mtu, group, in this order, before any node. */
	CHECK_EQ_INT(parse_text("fabricctl-state 1\ngroup 7\nsubnet 192.168.1.0/30", &st),
		     -EBADMSG);
	fail_clear();
	CHECK_EQ_INT(parse_text("fabricctl-state 1\nsubnet 10.1.0.0/24\nnode 2 a 3\n"
				"mtu 9000\ngroup 9\n",
				&st),
		     -EBADMSG);
	fail_clear();
	CHECK_EQ_INT(
		parse_text("fabricctl-state 1\nsubnet 10.1.0.0/24\nmtu 9000\nmtu 9000\ngroup 9\n",
			   &st),
		-EBADMSG);
	fail_clear();

	/* The longest node name (63) and mtu bounds. */
	char text[512], name[NODE_NAME_MAX + 1];

	memset(name, 'x', NODE_NAME_MAX);
	name[NODE_NAME_MAX] = '\0';
	snprintf(text, sizeof(text),
		 "fabricctl-state 1\nsubnet 10.0.0.0/13\nmtu 68\ngroup 1\ncell_size 524288\n"
		 "node 524286 %s 1\n",
		 name);
	CHECK_EQ_INT(parse_text(text, &st), 0);
	CHECK_EQ_INT(st.mtu, 68);
	CHECK(state_find_node(&st, name) != NULL);
	state_free(&st);
	CHECK_EQ_INT(parse_text("fabricctl-state 1\nsubnet 10.0.0.0/16\nmtu 65535\ngroup "
				"1\ncell_size 512\n",
				&st),
		     0);
	CHECK_EQ_INT(st.mtu, 65535);
	state_free(&st);
}

/* Every one of these must be refused as corrupt, leaving nothing allocated. */
static void test_parse_corrupt(void)
{
	char longline[400], longname[128];
	static const char *const cases[] = {
		"",
		"\n",
		"fabricctl-state 2\nsubnet 10.42.0.0/16\ngroup 1\n",
		"fabricctl-state 1 \nsubnet 10.42.0.0/16\ngroup 1\n",
		"fabricctl-state\nsubnet 10.42.0.0/16\ngroup 1\n",
		"subnet 10.42.0.0/16\ngroup 1\n",
		"fabricctl-state 1\n",
		"fabricctl-state 1\ngroup 1\n",		    /* no subnet */
		"fabricctl-state 1\ngroup 1\nnode 2 a 0\n", /* no subnet */
		"fabricctl-state 1\nnode 2 a 0\nsubnet 10.42.0.0/16\ngroup 1\n",
		"fabricctl-state 1\nsubnet 10.42.0.0/16\n",		/* no group */
		"fabricctl-state 1\nsubnet 10.42.0.0/16\nnode 2 a 0\n", /* no group */
		HEAD "subnet 10.42.0.0/16\n",				/* twice */
		"fabricctl-state 1\nsubnet 10.42.0.1/16\ngroup 1\n",	/* host bits */
		"fabricctl-state 1\nsubnet 10.42.0.0/31\ngroup 1\n",
		"fabricctl-state 1\nsubnet 10.42.0.0/16 x\ngroup 1\n",
		"fabricctl-state 1\nsubnet\ngroup 1\n",
		"fabricctl-state 1\nsubnet 10.42.0.0/16\ngroup 0\n",
		"fabricctl-state 1\nsubnet 10.42.0.0/16\ngroup 1 x\n",
		"fabricctl-state 1\nsubnet 10.42.0.0/16\ngroup x\n",
		HEAD "mtu 67\n",
		HEAD "mtu 65536\n",
		HEAD "mtu 1500 1500\n",
		HEAD "mtu\n",
		HEAD "node 2 a 0\nnode 2 b 0\n", /* duplicate slot */
		HEAD "node 2 a 0\nnode 3 a 0\n", /* duplicate name */
		HEAD "node 0 a 0\n",		 /* network */
		HEAD "node 1 a 0\n",		 /* gateway */
		HEAD "node 65535 a 0\n",	 /* broadcast */
		HEAD "node 65536 a 0\n",	 /* outside the subnet */
		HEAD "node 100000 a 0\n",
		HEAD "node -1 a 0\n",
		HEAD "node x a 0\n",
		HEAD "node 2 a/b 0\n", /* bad node names */
		HEAD "node 2 .. 0\n",
		HEAD "node 2 -a 0\n",
		HEAD "node 2 caf\xc3\xa9 0\n",
		HEAD "node 2 a -1\n", /* negative ifindex */
		HEAD "node 2 a x\n",
		HEAD "node 2 a\n",
		HEAD "node 2\n",
		HEAD "node 2 a 0 x\n", /* trailing garbage */
		HEAD "node 2 a 0 0\n",
		HEAD "nodes 2 a 0\n", /* unknown keys */
		HEAD "bogus\n",
		HEAD "\n", /* empty line */
		HEAD " \n",
		HEAD "# comment\n",
		HEAD "fabricctl-state 1\n",
		NULL, /* longline */
		NULL, /* longname */
	};
	size_t n = sizeof(cases) / sizeof(cases[0]);
	const char *text;
	struct fabric_state st;

	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	memcpy(longline, HEAD "node 2 ", strlen(HEAD "node 2 "));
	memset(longname, 'n', 65);
	snprintf(longname + 65, sizeof(longname) - 65, " 0\n");
	char longname_text[256];

	snprintf(longname_text, sizeof(longname_text), HEAD "node 2 %s", longname);

	for (size_t i = 0; i < n; i++) {
		text = cases[i] ? cases[i] : i == n - 2 ? longline : longname_text;
		memset(&st, 0xa5, sizeof(st));
		int err = parse_text(text, &st);

		if (err != -EBADMSG)
			fprintf(stderr, "  case %zu accepted or wrong error: \"%s\"\n", i, text);
		CHECK_EQ_INT(err, -EBADMSG);
		CHECK(msg_has("state record of fabric \"lab\" is corrupt at line"));
		CHECK(!fail_is_usage());
		CHECK(st.nodes == NULL && st.ipam.bitmap == NULL && st.name_index == NULL);
		if (err == 0)
			state_free(&st);
	}

	/* The line number points at the bad line. */
	CHECK_EQ_INT(parse_text(HEAD "node 2 a 0\nnode 3 a/b 0\n", &st), -EBADMSG);
	CHECK(msg_has("corrupt at line 7"));
	CHECK_EQ_INT(parse_text("fabricctl-state 2\n", &st), -EBADMSG);
	CHECK(msg_has("corrupt at line 1"));
	fail_clear();
}

#define HEAD4                                                                                      \
	"fabricctl-state 4\nfabric lab\nsubnet 10.42.0.0/16\nmtu 1500\ngroup 7\ncell_size 256\n"   \
	"status ready\nrouter 0\n"

/* Version 4 names its fabric and ends with the count of its node lines. */
static void test_parse_v4(void)
{
	struct fabric_state st;

	CHECK_EQ_INT(parse_text(HEAD4 "node 3 a 12 99 ready\nend 1\n", &st), 0);
	CHECK_EQ_INT((int)st.n_nodes, 1);
	state_free(&st);
	CHECK_EQ_INT(parse_text(HEAD4 "end 0\n", &st), 0);
	state_free(&st);

	/* Cut at a line end: the end line is missing, so the cut is seen. */
	CHECK_EQ_INT(parse_text(HEAD4 "node 3 a 12 99 ready\n", &st), -EBADMSG);
	CHECK(msg_has("corrupt at line 10"));
	/* A node line lost, or one added after the end. */
	CHECK_EQ_INT(parse_text(HEAD4 "node 3 a 12 99 ready\nend 2\n", &st), -EBADMSG);
	CHECK(msg_has("corrupt at line 10"));
	CHECK_EQ_INT(parse_text(HEAD4 "end 0\nnode 3 a 12 99 ready\n", &st), -EBADMSG);
	CHECK(msg_has("corrupt at line 10"));
	/* Another fabric's record is refused by name, not taken for this one's. */
	CHECK_EQ_INT(parse_text("fabricctl-state 4\nfabric other\nsubnet 10.42.0.0/16\n", &st),
		     -EBADMSG);
	CHECK(msg_has("is the record of fabric \"other\""));
	/* The name line is where v4 has it, nowhere else. */
	CHECK_EQ_INT(parse_text("fabricctl-state 4\nsubnet 10.42.0.0/16\n", &st), -EBADMSG);
	CHECK(msg_has("corrupt at line 2"));
	fail_clear();
}

#define HEAD5                                                                                      \
	"fabricctl-state 5\nfabric lab\nsubnet 10.42.0.0/16\nmtu 1500\ngroup 7\ncell_size 256\n"   \
	"status ready\nrouter 0\n"

/*
 * Version 5 adds keyed lines. A key this fabricctl does not know, a keyed
 * line out of its place, or a keyword of v5 in an older record is
 * corruption: never skipped, so a newer record is not half-understood.
 */
static void test_parse_v5_keys(void)
{
	struct fabric_state st;

	CHECK_EQ_INT(parse_text(HEAD5 "node 3 a 12 99 ready\nend 1\n", &st), 0);
	CHECK_EQ_INT((int)st.n_nodes, 1);
	state_free(&st);
	CHECK_EQ_INT(parse_text(HEAD5 "set no-such-key 1\nend 0\n", &st), -EBADMSG);
	CHECK(msg_has("corrupt at line 9"));
	CHECK_EQ_INT(parse_text(HEAD5 "node 3 a 12 99 ready\nnset 3 no-such-key 1\nend 1\n", &st),
		     -EBADMSG);
	CHECK(msg_has("corrupt at line 10"));
	/* A node's line names the node just above it, and only that one. */
	CHECK_EQ_INT(parse_text(HEAD5 "nset 3 k v\nnode 3 a 12 99 ready\nend 1\n", &st), -EBADMSG);
	CHECK(msg_has("corrupt at line 9"));
	CHECK_EQ_INT(parse_text(HEAD5 "node 3 a 12 99 ready\nnset 4 k v\nend 1\n", &st), -EBADMSG);
	CHECK(msg_has("corrupt at line 10"));
	CHECK_EQ_INT(parse_text(HEAD4 "set k v\nend 0\n", &st), -EBADMSG);
	CHECK(msg_has("corrupt at line 9"));
	fail_clear();
}

/*
 * Numbers are decimal and in range, nothing else: sscanf's %u and %d take
 * a sign and wrap modulo 2^32, so without a strict parser "-1" is a group
 * and slot 4294967298 is slot 2.
 */
static void test_parse_numbers_strict(void)
{
	static const char *const cases[] = {
		"fabricctl-state 1\nsubnet 10.42.0.0/16\ngroup -1\n",
		"fabricctl-state 1\nsubnet 10.42.0.0/16\ngroup 4294967297\n",
		HEAD "mtu 4294968796\n",
		HEAD "mtu -4294965796\n",
		HEAD "node 4294967298 a 0\n",
		HEAD "node -4294967294 a 0\n",
		HEAD "node 2 a 4294967297\n",
	};
	struct fabric_state st;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&st, 0, sizeof(st));
		int err = parse_text(cases[i], &st);

		if (err != -EBADMSG)
			fprintf(stderr,
				"  accepted: \"%s\" (group %u, mtu %u, %zu nodes,"
				" slot %u, ifindex %d)\n",
				cases[i], st.group, st.mtu, st.n_nodes,
				st.n_nodes ? st.nodes[0].slot : 0,
				st.n_nodes ? st.nodes[0].ifindex : 0);
		CHECK_EQ_INT(err, -EBADMSG);
		if (err == 0)
			state_free(&st);
	}
	fail_clear();
}

static void test_node_table(void)
{
	enum { N = 5000 };
	struct ipv4_prefix p = {0x0a2a0000, 16};
	struct fabric_state st;
	char name[32];
	uint32_t bad = 0;

	CHECK_EQ_INT(state_init(&st, "lab", &p, 1500, 42, 0), 0);
	CHECK_EQ_STR(st.name, "lab");
	CHECK_EQ_INT(st.mtu, 1500);
	CHECK_EQ_INT(st.group, 42);
	CHECK(state_find_node(&st, "n0") == NULL);
	for (uint32_t i = 0; i < N; i++) {
		uint32_t slot;

		snprintf(name, sizeof(name), "n%u", i);
		bad += add_leased(&st, name, 0, (int)i + 100) != 0;
		slot = st.nodes[st.n_nodes - 1].slot;
		/* Look up as we go, so the index is grown incrementally too. */
		if (i % 7 == 0) {
			struct fabric_node *n = state_find_node(&st, name);
			bad += !n || n->slot != slot;
		}
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(st.n_nodes, N);
	CHECK_EQ_INT(st.ipam.used, N);
	for (uint32_t i = 0; i < N; i++) {
		struct fabric_node *n;

		snprintf(name, sizeof(name), "n%u", i);
		n = state_find_node(&st, name);
		bad += !n || strcmp(n->name, name) || n->ifindex != (int)i + 100 ||
		       n->slot != i + 2;
	}
	CHECK_EQ_INT(bad, 0);
	CHECK(state_find_node(&st, "n5000") == NULL);

	/* Delete every third node, a lookup between deletes. */
	uint32_t deleted = 0;

	for (uint32_t i = 0; i < N; i += 3) {
		struct fabric_node *n;

		snprintf(name, sizeof(name), "n%u", i);
		n = state_find_node(&st, name);
		if (!n) {
			bad++;
			continue;
		}
		state_del_node(&st, n);
		deleted++;
		bad += state_find_node(&st, name) != NULL;
		bad += ipam_slot_used(&st.ipam, i + 2);
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(st.n_nodes, N - deleted);
	CHECK_EQ_INT(st.ipam.used, N - deleted);
	for (uint32_t i = 0; i < N; i++) {
		struct fabric_node *n;

		snprintf(name, sizeof(name), "n%u", i);
		n = state_find_node(&st, name);
		if (i % 3 == 0)
			bad += n != NULL;
		else
			bad += !n || strcmp(n->name, name) || n->slot != i + 2 ||
			       n->ifindex != (int)i + 100;
	}
	CHECK_EQ_INT(bad, 0);

	/* Re-add a deleted name; delete the first and the last entries. */
	CHECK_EQ_INT(add_leased(&st, "n0", 2, 7), 0);
	CHECK(state_find_node(&st, "n0") && state_find_node(&st, "n0")->ifindex == 7);
	state_del_node(&st, &st.nodes[0]);
	state_del_node(&st, &st.nodes[st.n_nodes - 1]);
	CHECK(state_find_node(&st, "n1") == NULL); /* nodes[0] was n1 */
	CHECK(state_find_node(&st, "n0") == NULL); /* the last was n0 */
	CHECK(state_find_node(&st, "n2") != NULL);
	CHECK_EQ_INT(st.n_nodes, N - deleted - 1);
	state_free(&st);
}

/* Save and load for real under /run/fabricctl: root only. */
static void test_save_load(void)
{
	struct ipv4_prefix p = {0xc0a80000, 24};
	struct fabric_state st, back;
	struct state_lock lock;
	char fabric[FABRIC_NAME_MAX + 1];
	char(*names)[FABRIC_NAME_MAX + 1];
	size_t count;
	bool listed = false;

	if (getuid() != 0) {
		printf("test_state: save/load round trip skipped (not root)\n");
		return;
	}
	snprintf(fabric, sizeof(fabric), "u%u", (unsigned int)getpid() % 10000000);
	fail_clear();
	CHECK(!state_exists(fabric));
	CHECK_EQ_INT(state_lock(fabric, false, &lock), -ENOENT);
	CHECK_EQ_INT(state_lock(fabric, true, &lock), 0);
	CHECK_EQ_INT(state_init(&st, fabric, &p, 1400, 0x4641b000, 0), 0);
	static const struct {
		const char *name;
		uint32_t slot;
		int ifindex;
	} nodes[] = {
		{"z", 200, 9},
		{"a", 2, 0},
		{"web.1", 254, 2147483647},
		{"m", 17, 5},
	};

	for (size_t i = 0; i < 4; i++) {
		uint32_t slot = nodes[i].slot;

		CHECK_EQ_INT(add_leased(&st, nodes[i].name, slot, nodes[i].ifindex), 0);
	}
	CHECK_EQ_INT(state_save(&st), 0);
	CHECK(state_exists(fabric));
	CHECK_EQ_INT(state_list(&names, &count), 0);
	for (size_t i = 0; i < count; i++)
		listed |= !strcmp(names[i], fabric);
	free(names);
	CHECK(listed);

	CHECK_EQ_INT(state_load(fabric, &back), 0);
	CHECK_EQ_STR(back.name, fabric);
	CHECK_EQ_INT(back.subnet.addr, p.addr);
	CHECK_EQ_INT(back.subnet.len, p.len);
	CHECK_EQ_INT(back.mtu, 1400);
	CHECK_EQ_INT(back.group, 0x4641b000);
	CHECK_EQ_INT(back.n_nodes, 4);
	CHECK_EQ_INT(back.ipam.used, 4);
	for (size_t i = 0; i < 4 && back.n_nodes == 4; i++) {
		struct fabric_node *n = state_find_node(&back, nodes[i].name);

		CHECK(n != NULL);
		if (!n)
			continue;
		CHECK_EQ_INT(n->slot, nodes[i].slot);
		CHECK_EQ_INT(n->ifindex, nodes[i].ifindex);
		CHECK(ipam_slot_used(&back.ipam, nodes[i].slot));
	}
	if (back.n_nodes == 4) { /* in slot order */
		CHECK_EQ_INT(back.nodes[0].slot, 2);
		CHECK_EQ_INT(back.nodes[1].slot, 17);
		CHECK_EQ_INT(back.nodes[2].slot, 200);
		CHECK_EQ_INT(back.nodes[3].slot, 254);
	}

	/* Delete one, save again (replacing the record), load again. */
	state_del_node(&back, state_find_node(&back, "z"));
	CHECK_EQ_INT(state_save(&back), 0);
	state_free(&back);
	CHECK_EQ_INT(state_load(fabric, &back), 0);
	CHECK_EQ_INT(back.n_nodes, 3);
	CHECK(state_find_node(&back, "z") == NULL);
	CHECK(!ipam_slot_used(&back.ipam, 200));
	state_free(&back);
	state_free(&st);

	/* A fabric with no nodes (as `create` saves it) round-trips too. */
	CHECK_EQ_INT(state_init(&st, fabric, &p, 1500, 5, 0), 0);
	CHECK_EQ_INT(state_save(&st), 0);
	state_free(&st);
	CHECK_EQ_INT(state_load(fabric, &back), 0);
	CHECK_EQ_INT(back.n_nodes, 0);
	CHECK_EQ_INT(back.group, 5);
	CHECK_EQ_INT(ipam_free_count(&back.ipam), 253);
	state_free(&back);

	state_unlock(&lock);
	CHECK_EQ_INT(lock.fd, -1);
	CHECK_EQ_INT(state_remove(fabric), 0);
	CHECK(!state_exists(fabric));
	CHECK_EQ_INT(state_load(fabric, &back), -ENOENT);
	CHECK(access(STATE_ROOT "/", F_OK) == 0);
	char dir[64];

	snprintf(dir, sizeof(dir), STATE_ROOT "/%s", fabric);
	CHECK(access(dir, F_OK) < 0 && errno == ENOENT);
	CHECK_EQ_INT(state_remove(fabric), 0); /* already gone: fine */
	fail_clear();
}

int main(void)
{
	test_parse_v4();
	test_parse_v5_keys();
	test_parse_valid();
	test_parse_corrupt();
	test_parse_numbers_strict();
	test_node_table();
	test_save_load();
	return unit_summary("test_state");
}
