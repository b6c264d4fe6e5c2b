// SPDX-License-Identifier: GPL-2.0-only
/*
 * CHECK and STATUS: read-only. CHECK compares the kernel with the record
 * and the runtime's prevResult, naming the first missing piece; STATUS
 * says whether the fabric can take one more attachment (50 when not).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/errors.h"
#include "cni/cni.h"
#include "fabric/admission.h"
#include "fabric/cell.h"
#include "fabric/check_ctx.h"
#include "fabric/ownership.h"
#include "fabric/tuning.h"
#include "host/limits.h"
#include "kernel/addr.h"
#include "kernel/link.h"
#include "kernel/netns.h"

struct addr_seek {
	int ifindex;
	uint32_t addr;
	unsigned int len;
	bool found;
};

static int addr_seek_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_seek *w = data;
	unsigned int len;
	uint32_t addr;
	int ifindex;

	if (addr_parse(nlh, &addr, &len, &ifindex) == 0 && ifindex == w->ifindex &&
	    addr == w->addr && len == w->len)
		w->found = true;
	return 0;
}

/* Inside the runtime's namespace: the interface (the veth's peer), its address, the route. */
static int check_sandbox(const struct cni_env *env, const struct fabric_state *st,
			 const struct fabric_node *node, const struct link_info *host)
{
	uint32_t gw = cell_gateway_of(st, node->slot);
	struct addr_seek w = {0, ipam_addr_of(&st->ipam, node->slot),
			      ipam_cell_prefix_len(&st->ipam), false};
	char a[INET_ADDRSTRLEN];
	struct link_info in;
	struct nl_sock ns;
	int fd, err;

	fd = open(env->netns, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cni_fail(CNI_ERR_CHECK, "namespace %s is gone", env->netns);
	err = netns_socket(fd, &ns);
	close(fd);
	if (err)
		return cni_fail_core(CNI_ERR_IO, err, "cannot look into the namespace");
	if (link_get_one(&ns, env->ifname, &in) || in.ifindex != host->peer_ifindex) {
		fail_clear();
		nl_close(&ns);
		return cni_fail(CNI_ERR_CHECK,
				"interface %s is missing in %s (or not the peer of %s)",
				env->ifname, env->netns, host->name);
	}
	w.ifindex = in.ifindex;
	addr_dump(&ns);
	err = nl_dump(&ns, addr_seek_cb, &w);
	if (!err && !w.found)
		err = cni_fail(CNI_ERR_CHECK, "address %s/%u is missing on %s",
			       ipv4_addr_format(w.addr, a), w.len, env->ifname);
	else if (err)
		err = cni_fail_core(CNI_ERR_IO, err, "cannot read the addresses");
	if (!err && !(in.flags & IFF_UP))
		err = cni_fail(CNI_ERR_CHECK, "interface %s is down", env->ifname);
	if (!err && check_has_route(&ns, 0, 0, gw) != ROUTE_OURS)
		err = cni_fail(CNI_ERR_CHECK, "the default route via %s is missing in %s",
			       ipv4_addr_format(gw, a), env->netns);
	fail_clear();
	nl_close(&ns);
	return err;
}

int cni_cmd_check(const struct cni_env *env, const struct cni_conf *c)
{
	char want[IPV4_PREFIX_STRLEN + 8], a[INET_ADDRSTRLEN], veth[IFNAMSIZ];
	struct fabric_node *node;
	struct link_info host;
	struct fabric_state st;
	struct nl_sock s;
	bool listed = false;
	int err;

	if (cni_version_cmp(c->version, "0.4.0") < 0)
		return cni_fail(CNI_ERR_VERSION,
				"CHECK needs CNI version 0.4.0 or later (the "
				"request is %s)",
				c->version);
	if (!c->prev.present)
		return cni_fail(CNI_ERR_CONFIG, "CHECK needs a prevResult");
	err = state_load(c->fabric, &st);
	if (err)
		return cni_fail_core(err == -ENOENT ? CNI_ERR_UNKNOWN_CONTAINER : CNI_ERR_IO, err,
				     "cannot read the fabric");
	node = attach_find(&st, env->container_id, env->ifname);
	if (!node || !node_ready(node)) {
		err = cni_fail(CNI_ERR_UNKNOWN_CONTAINER,
			       "fabric \"%s\" has no attachment %s/%s on record", c->fabric,
			       env->container_id, env->ifname);
		goto out;
	}
	snprintf(want, sizeof(want), "%s/%u",
		 ipv4_addr_format(ipam_addr_of(&st.ipam, node->slot), a),
		 ipam_cell_prefix_len(&st.ipam));
	for (size_t i = 0; i < c->prev.n_ips; i++)
		listed |= !strcmp(c->prev.ips[i], want);
	if (!listed) {
		err = cni_fail(CNI_ERR_CHECK, "prevResult does not list the address %s on record",
			       want);
		goto out;
	}
	host_veth_name(veth, st.name, node->slot);
	err = nl_open(&s);
	if (err) {
		err = cni_fail_core(CNI_ERR_IO, err, "netlink");
		goto out;
	}
	if (link_get_one(&s, veth, &host) || !link_is_node_veth(&host, &st, node)) {
		fail_clear();
		err = cni_fail(CNI_ERR_CHECK, "host interface %s is missing or not the fabric's",
			       veth);
	} else if (!(host.flags & IFF_UP)) {
		err = cni_fail(CNI_ERR_CHECK, "host interface %s is down", veth);
	} else {
		err = check_sandbox(env, &st, node, &host);
	}
	nl_close(&s);
out:
	state_free(&st);
	return err;
}

/*
 * Would this host take one more node in cells of @cell_size? Judged, never
 * tuned (STATUS changes nothing): a fabric that tunes raises what it can
 * at ADD, so only what tuning cannot fix counts against it.
 */
static int host_room(uint32_t cell_size, bool tunes)
{
	struct limit_report r;
	struct host_facts f;
	int err = fabric_host_facts(&f);

	if (err)
		return cni_fail_core(CNI_ERR_UNAVAILABLE, err, "cannot read the host's limits");
	limits_judge(&f, f.fabric_nodes + 1, cell_size, &r);
	if (!limits_failed(&r) || (tunes && limits_all_tunable(&r)))
		return 0;
	return cni_fail_core(CNI_ERR_UNAVAILABLE, limits_refuse(&r, f.fabric_nodes + 1),
			     "host limits");
}

int cni_cmd_status(const struct cni_conf *c)
{
	char cidr[IPV4_PREFIX_STRLEN];
	struct fabric_state st;
	int err;

	if (cni_version_cmp(c->version, "1.1.0") < 0)
		return cni_fail(CNI_ERR_VERSION,
				"STATUS needs CNI version 1.1.0 (the request is %s)", c->version);
	err = state_load(c->fabric, &st);
	if (err == -ENOENT) {
		fail_clear();
		/* The first ADD makes it: can this host take a fabric and one node? */
		return host_room(c->cell_size, c->tune);
	}
	if (err)
		return cni_fail_core(CNI_ERR_UNAVAILABLE, err, "cannot read the fabric");
	if (ipam_free_count(&st.ipam) == 0)
		err = cni_fail(CNI_ERR_UNAVAILABLE, "subnet %s of fabric \"%s\" is full (%u nodes)",
			       ipv4_prefix_format(&st.subnet, cidr), st.name,
			       ipam_capacity(&st.ipam));
	else
		err = host_room(st.cell_size, tune_enabled(st.name));
	state_free(&st);
	return err;
}
