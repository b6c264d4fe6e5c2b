// SPDX-License-Identifier: GPL-2.0-only
/* Sites: blocks of the subnet, the site of an address, the VNI, the IPAM kept to a block. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "fabric/site.h"
#include "fabric/site_frr.h"
#include "fabric/state.h"
#include "unit.h"

static struct ipv4_prefix prefix(const char *text)
{
	struct ipv4_prefix p = {0, 0};

	fail_clear();
	CHECK_EQ_INT(ipv4_prefix_parse(text, &p), 0);
	return p;
}

static void test_blocks(void)
{
	struct ipv4_prefix net = prefix("10.42.0.0/16"), b;
	char buf[IPV4_PREFIX_STRLEN];

	site_block(&net, 1, &b);
	CHECK_EQ_STR(ipv4_prefix_format(&b, buf), "10.42.16.0/20");
	site_block(&net, 2, &b);
	CHECK_EQ_STR(ipv4_prefix_format(&b, buf), "10.42.32.0/20");
	site_block(&net, 15, &b);
	CHECK_EQ_STR(ipv4_prefix_format(&b, buf), "10.42.240.0/20");
	CHECK_EQ_INT(site_of_addr(&net, prefix("10.42.33.7/32").addr), 2);
	CHECK_EQ_INT(site_of_addr(&net, prefix("10.42.0.2/32").addr), 0);
	CHECK_EQ_INT(site_of_addr(&net, prefix("10.42.255.254/32").addr), 15);
	/* the same VNI on every host, in range */
	CHECK_EQ_INT(site_vni_of("lab"), site_vni_of("lab"));
	CHECK(site_vni_of("lab") >= 4096 && site_vni_of("lab") <= 16777215);
}

static void test_validate(void)
{
	struct ipv4_prefix net = prefix("10.42.0.0/16");
	struct site_conf sc = {.site = 2, .hold = 9, .n_peers = 1};

	sc.underlay = prefix("10.254.0.2/32").addr;
	sc.peers[0] = prefix("10.254.0.1/32").addr;
	CHECK_EQ_INT(site_conf_validate(&sc, &net, 512), 0);
	CHECK_EQ_INT(site_conf_validate(&sc, &net, 1024), 0);
	sc.site = 16;
	CHECK(site_conf_validate(&sc, &net, 512) < 0);
	sc.site = 2;
	CHECK(site_conf_validate(&sc, &net, 1024) == 0);
	net = prefix("10.42.0.0/20"); /* blocks of 256: a 512 cell does not fit */
	CHECK(site_conf_validate(&sc, &net, 512) < 0);
	net = prefix("10.42.0.0/16");
	sc.peers[0] = sc.underlay;
	CHECK(site_conf_validate(&sc, &net, 512) < 0);
	sc.peers[0] = prefix("10.254.0.1/32").addr;
	sc.underlay = prefix("10.42.1.1/32").addr; /* inside the fabric */
	CHECK(site_conf_validate(&sc, &net, 512) < 0);
	fail_clear();
}

static void test_ipam_kept_to_block(void)
{
	struct ipv4_prefix net = prefix("10.42.0.0/16"), b;
	struct fabric_state st;
	uint32_t slot;

	CHECK_EQ_INT(state_init(&st, "lab", &net, 1450, 7, 512), 0);
	st.site = calloc(1, sizeof(*st.site));
	st.site->site = 3;
	site_restrict_ipam(&st);
	site_block(&net, 3, &b);
	for (int i = 0; i < 5000; i++) {
		if (ipam_alloc_slot(&st.ipam, &slot))
			break;
		CHECK(ipv4_prefix_contains(&b, ipam_addr_of(&st.ipam, slot)));
	}
	/* 8 cells of 512 in the block, 509 nodes each */
	CHECK_EQ_INT(st.ipam.used, 8 * 509);
	CHECK_EQ_INT(ipam_claim_slot(&st.ipam, 5), -EINVAL); /* cell 0: local block */
	state_free(&st);
}

/* zebra's `show interface vrf V brief`, as FRR 8.4 prints it (a VRF name
 * of 16+ characters runs into the addresses) */
static void test_zebra_knows(void)
{
	const char *brief = "Interface       Status  VRF             Addresses\n"
			    "---------       ------  ---             ---------\n"
			    "c0              up      .fabricctl-t9423610.213.0.1/23\n"
			    "c16             up      .fabricctl-t94236\n"
			    "c160            up      .fabricctl-t94236 10.213.160.1/23\n"
			    "fab-vx          up      .fabricctl-t94236\n";

	CHECK(site_frr_knows(brief, "c0", NULL));
	CHECK(site_frr_knows(brief, "c0", "10.213.0.1"));
	CHECK(!site_frr_knows(brief, "c0", "10.213.0.11"));
	CHECK(site_frr_knows(brief, "c16", NULL));
	CHECK(!site_frr_knows(brief, "c16", "10.213.16.1"));  /* known, address not */
	CHECK(!site_frr_knows(brief, "c16", "10.213.160.1")); /* c160's, not c16's */
	CHECK(site_frr_knows(brief, "c160", "10.213.160.1"));
	CHECK(!site_frr_knows(brief, "c1", NULL));
	CHECK(!site_frr_knows(brief, "c24", NULL));
	CHECK(!site_frr_knows("", "c0", NULL));
	/* the last line without its newline */
	CHECK(site_frr_knows("c8              up      x 10.1.16.1/23", "c8", "10.1.16.1"));
	CHECK(!site_frr_knows("c8              up      x", "c9", NULL));
}

int main(void)
{
	test_zebra_knows();
	test_blocks();
	test_validate();
	test_ipam_kept_to_block();
	fail_clear();
	return unit_summary("test_site");
}
