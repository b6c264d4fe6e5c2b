// SPDX-License-Identifier: GPL-2.0-only
/* A runtime's attachments in the record (cni.* keyed lines), their names and keys. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "fabric/attach.h"
#include "fabric/state.h"
#include "unit.h"

#define HEAD5                                                                                      \
	"fabricctl-state 5\nfabric lab\nsubnet 10.42.0.0/16\nmtu 1500\ngroup 1178730496\n"         \
	"cell_size 512\nstatus ready\nrouter 0\n"

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

static void test_record(void)
{
	struct fabric_state st;
	struct fabric_node *n;
	char buf[256];

	CHECK_EQ_INT(parse_text(HEAD5 "node 3 web-eth0 12 99 ready\n"
				      "nset 3 cni.id web\nnset 3 cni.if eth0\n"
				      "nset 3 cni.netns /proc/42/ns/net\nnset 3 cni.net lab\n"
				      "node 4 plain 13 100 ready\nend 2\n",
				&st),
		     0);
	CHECK_EQ_INT((int)st.n_nodes, 2);
	n = attach_find(&st, "web", "eth0");
	CHECK(n != NULL);
	if (n) {
		CHECK_EQ_STR(n->name, "web-eth0");
		CHECK_EQ_STR(n->cni->netns, "/proc/42/ns/net");
		CHECK_EQ_STR(n->cni->network, "lab");
		CHECK(attach_key_format(n, "cni.id", buf, sizeof(buf)));
		CHECK_EQ_STR(buf, "web");
	}
	CHECK(attach_find(&st, "web", "eth1") == NULL);
	CHECK(state_find_node(&st, "plain")->cni == NULL);
	CHECK(!attach_key_format(state_find_node(&st, "plain"), "cni.id", buf, sizeof(buf)));
	/* Deleting frees the attachment (ASan builds see a leak otherwise). */
	state_del_node(&st, n);
	CHECK(attach_find(&st, "web", "eth0") == NULL);
	state_free(&st);

	/* Each key once per node, and a value that fits. */
	CHECK_EQ_INT(parse_text(HEAD5
				"node 3 a 12 99 ready\nnset 3 cni.id x\nnset 3 cni.id y\nend 1\n",
				&st),
		     -EBADMSG);
	CHECK_EQ_INT(parse_text(HEAD5 "node 3 a 12 99 ready\nnset 3 cni.if "
				      "waytoolonganame0\nend 1\n",
				&st),
		     -EBADMSG);
	fail_clear();
}

static void test_names(void)
{
	struct fabric_state st;
	struct node_cni who = {.container_id = "default-web", .ifname = "eth0"};
	char name[NODE_NAME_MAX + 1];

	CHECK_EQ_INT(parse_text(HEAD5 "node 3 default-web-eth0 12 99 ready\nend 1\n", &st), 0);
	snprintf(who.container_id, sizeof(who.container_id), "%s", "default-db");
	attach_node_name(&st, &who, name);
	CHECK_EQ_STR(name, "default-db-eth0");
	/* Taken: a hash of the whole key keeps it unique. */
	snprintf(who.container_id, sizeof(who.container_id), "%s", "default-web");
	attach_node_name(&st, &who, name);
	CHECK(strncmp(name, "default-web-", 12) == 0 && strcmp(name, "default-web-eth0") != 0);
	CHECK_EQ_INT(node_name_validate(name), 0);
	/* podman's 64 hex digits: the first 12, as `podman ps` shows them. */
	snprintf(who.container_id, sizeof(who.container_id), "%s",
		 "47542f9275bfffa99722b310912f0de473c24d33aa0f81935b9231c121ffecf0");
	attach_node_name(&st, &who, name);
	CHECK_EQ_STR(name, "47542f9275bf-eth0");
	/* An ifname outside the node charset: still a valid node name. */
	snprintf(who.ifname, sizeof(who.ifname), "%s", "net@1");
	attach_node_name(&st, &who, name);
	CHECK_EQ_INT(node_name_validate(name), 0);
	state_free(&st);
	fail_clear();
}

static void test_validate(void)
{
	struct node_cni ok = {.container_id = "abc", .ifname = "eth0", .netns = "/proc/1/ns/net"};
	struct node_cni bad = ok;

	CHECK_EQ_INT(attach_validate(&ok), 0);
	snprintf(bad.container_id, sizeof(bad.container_id), "%s", "a b");
	CHECK(attach_validate(&bad) < 0);
	bad = ok;
	snprintf(bad.ifname, sizeof(bad.ifname), "%s", "a/b");
	CHECK(attach_validate(&bad) < 0);
	bad = ok;
	snprintf(bad.netns, sizeof(bad.netns), "%s", "/run/netns/a b");
	CHECK(attach_validate(&bad) < 0);
	bad = ok;
	bad.container_id[0] = '\0';
	CHECK(attach_validate(&bad) < 0);
	fail_clear();
}

int main(void)
{
	test_record();
	test_names();
	test_validate();
	return unit_summary("test_attach");
}
