// SPDX-License-Identifier: GPL-2.0-only
/*
 * fabric destroy: every link the fabric made (found by its tag in one
 * dump) in one group delete, the router and the nodes' namespaces that are
 * proven ours, the pins, the tuned host limits and the record. Works from
 * the kernel's tags alone when the record is gone or broken; anything that
 * is not the fabric's is left where it is.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/array.h"
#include "base/errors.h"
#include "base/timeutil.h"
#include "fabric/cell.h"
#include "fabric/fabric.h"
#include "fabric/site.h"
#include "fabric/link_delete.h"
#include "fabric/namespaces.h"
#include "fabric/names.h"
#include "fabric/ownership.h"
#include "fabric/saved.h"
#include "fabric/tuning.h"
#include "kernel/fabric_bpf.h"
#include "kernel/link.h"
#include "kernel/netns.h"
#include "kernel/sysfs_link.h"

#define VETHS_GONE_STALL_MS 2000 /* no veth went for this long: the rest are held */
#define VETHS_GONE_POLL_US 5000

/*
 * Every link tagged as the fabric's: the whole live group in one request
 * when it holds nothing else, the rest (or all, when a foreign link sits in
 * the group) through a scratch group.
 */
static int delete_links(struct nl_sock *s, const char *name, const struct fabric_state *st,
			const struct link_list *links, bool *existed)
{
	bool foreign_in_group = false, group_deleted = false;
	int *rest = calloc(links->n + 1, sizeof(*rest));
	size_t n_rest = 0;
	int err = 0;

	if (!rest)
		return fail(-ENOMEM, "cannot destroy fabric \"%s\"", name);
	for (size_t i = 0; i < links->n; i++) {
		bool mine = st ? link_is_fabric_link(&links->links[i], st)
			       : link_is_fabrics(&links->links[i], name);

		*existed |= mine;
		if (st && !mine && links->links[i].group == st->group)
			foreign_in_group = true;
	}
	if (st && !foreign_in_group) {
		/* One unregister for the whole fabric, bridges included. */
		uint32_t seq = link_del_group(s, st->group);

		nl_label(s, "delete the links of fabric \"%s\"", name);
		err = nl_flush(s, NULL, NULL);
		if (!err && nl_result(s, seq)->err != -ENODEV)
			err = nl_check(s, seq);
		group_deleted = !err;
	}
	for (size_t i = 0; !err && i < links->n; i++) {
		const struct link_info *li = &links->links[i];

		bool mine = st ? link_is_fabric_link(li, st) : link_is_fabrics(li, name);

		if (mine && !(group_deleted && li->group == st->group))
			rest[n_rest++] = li->ifindex;
	}
	if (!err)
		err = fabric_links_delete(s, rest, n_rest);
	free(rest);
	return err;
}

/*
 * Is @node's host veth alive, with its recorded index and its tag? Read
 * from sysfs (no netlink message, whose every fill would scan the host's
 * namespace ids); false when sysfs cannot tell, and then the namespace is
 * proven by its mark instead.
 */
static bool veth_alive(const struct fabric_state *st, const struct fabric_node *node)
{
	char veth[IFNAMSIZ], tag[ALIAS_TAG_MAX], alias[LINK_ALIAS_MAX];

	if (node->ifindex <= 0)
		return false;
	host_veth_name(veth, st->name, node->slot);
	if (sysfs_link_ifindex(veth) != node->ifindex ||
	    sysfs_link_read(veth, "ifalias", alias, sizeof(alias)) < 0)
		return false;
	node_alias(tag, sizeof(tag), st->name, node->name);
	return !strcmp(alias, tag) && sysfs_link_ifindex(veth) == node->ifindex;
}

/* With a record: each node's namespace, when it is proven the node's. */
static int delete_node_namespaces(const struct fabric_state *st, struct notes *left,
				  fabric_progress_cb progress, void *data)
{
	const char **names = calloc(st->n_nodes + 1, sizeof(*names));
	struct fail_stash unknown = {0};
	int err, unknown_err = 0;
	size_t m = 0;

	if (!names)
		return fail(-ENOMEM, "cannot destroy fabric \"%s\"", st->name);
	for (size_t i = 0; i < st->n_nodes; i++) {
		const struct fabric_node *node = &st->nodes[i];
		enum netns_owner o = node_netns_owner(st, node, veth_alive(st, node));

		if (o == NETNS_OURS || o == NETNS_PLACEHOLDER)
			names[m++] = node->name;
		if (o == NETNS_UNKNOWN && !unknown_err) {
			fail_stash(&unknown); /* the record stays: destroy again finishes */
			unknown_err = -EIO;
		}
	}
	err = fabric_netns_delete(st->name, names, m, left, progress, data);
	free(names);
	if (!err && unknown_err) {
		fail_unstash(&unknown);
		err = unknown_err;
	}
	return err;
}

/* Does sysfs show this namespace's links? Cell 0's bridge tells, by its ifindex. */
static bool sysfs_shows_us(struct nl_sock *s, const struct fabric_state *st)
{
	char br[IFNAMSIZ];
	struct link_info li;

	bridge_name(br, st->name, 0);
	if (link_get_one(s, br, &li) < 0) {
		fail_clear();
		return false;
	}
	return sysfs_link_ifindex(br) == li.ifindex;
}

/*
 * The nodes' namespaces are unmounted: the kernel frees them in batches
 * and their veths with them, both ends at once, faster than deleting the
 * veths one by one. Wait for that while it makes progress; a veth whose
 * namespace someone still holds is deleted with the rest of the links.
 */
static void wait_veths_gone(struct nl_sock *s, const struct fabric_state *st)
{
	int64_t last_progress = mono_ms();

	if (!st->n_nodes || !sysfs_shows_us(s, st))
		return;
	for (size_t i = 0; i < st->n_nodes; i++) {
		char veth[IFNAMSIZ];

		host_veth_name(veth, st->name, st->nodes[i].slot);
		while (st->nodes[i].ifindex > 0 &&
		       sysfs_link_ifindex(veth) == st->nodes[i].ifindex) {
			if (mono_ms() - last_progress > VETHS_GONE_STALL_MS)
				return;
			usleep(VETHS_GONE_POLL_US);
		}
		last_progress = mono_ms();
	}
}

/* Names already left alone (they hold someone else's link): not looked at twice. */
static bool already_left(const char *name, void *data)
{
	const struct notes *left = data;
	char quoted[NAME_MAX + 4];

	snprintf(quoted, sizeof(quoted), "\"%s\"", name);
	for (size_t i = 0; i < left->n; i++)
		if (strstr(left->text[i], quoted))
			return true;
	return false;
}

/*
 * Whatever carries the fabric's mark under any name: nodes the record does
 * not name (or all of them, without a record), namespaces renamed by hand,
 * a renamed router. *@n_nodes: how many of them were nodes.
 */
static int delete_marked_namespaces(const char *fabric, struct notes *left, size_t *n_nodes)
{
	struct marked_netns *found;
	const char **names;
	size_t n;
	int err;

	*n_nodes = 0;
	err = marked_netns_find(fabric, already_left, left, &found, &n);
	if (err)
		return err;
	names = calloc(n + 1, sizeof(*names));
	if (!names) {
		free(found);
		return fail(-ENOMEM, "cannot destroy fabric \"%s\"", fabric);
	}
	for (size_t i = 0; i < n; i++) {
		names[i] = found[i].name;
		*n_nodes += !found[i].router;
	}
	err = fabric_netns_delete(fabric, names, n, left, NULL, NULL);
	free(names);
	free(found);
	return err;
}

int fabric_destroy(const char *name, struct destroy_result *r, fabric_progress_cb progress,
		   void *data)
{
	bool *existed = &r->existed;
	size_t *n_nodes = &r->n_nodes, n_marked = 0;
	struct state_lock global, lock = {-1};
	struct link_list links = {0};
	bool have_state = false, have_dir;
	struct fail_stash pins_why = {0};
	struct fabric_state st;
	struct nl_sock s;
	int err, pins_err = 0, view_err;

	*existed = false;
	*n_nodes = 0;
	err = state_lock_global(&global);
	if (err)
		return err;
	have_dir = state_dir_check(name) == 0;
	fail_clear();
	err = state_lock(name, false, &lock);
	if (err == 0) {
		/* A record that cannot be read is not trusted: the tags decide. */
		have_state = state_load(name, &st) == 0;
		fail_clear();
	} else if (err != -ENOENT) {
		goto out_global;
	}
	*existed = have_state || have_dir;
	if (have_state)
		*n_nodes = st.n_nodes;
	err = nl_open(&s);
	if (err)
		goto out_state;
	if (have_state && st.site) /* a fabric over hosts: its FRR fragment first */
		site_before_destroy(&st, &r->left);
	/*
	 * Before the links go: nothing counts a dying node. Pins that are not
	 * ours stay; pins of ours that cannot be removed are reported at the
	 * end (destroy again removes them), after the rest of the fabric went.
	 */
	pins_err = fabric_bpf_remove(name);
	if (pins_err == -ENOTEMPTY) {
		/* Someone else's pins in our directory: left alone, and said so. */
		notes_add(&r->left, "%s", fail_message());
		fail_clear();
		pins_err = 0;
	}
	fail_stash(&pins_why);
	/* FRR's name for the router pins it: it goes before, with a record or without. */
	view_err = site_netns_remove(name, &r->left);
	if (view_err && !pins_err) {
		fail_stash(&pins_why); /* the record stays: destroy again finishes */
		pins_err = view_err;
	}
	fail_clear();
	/*
	 * Namespaces first, links after: unmounted namespaces die in the
	 * kernel's batches and take their veths (and the router's legs) with
	 * them; what is left of the fabric's links is then a short list.
	 */
	switch (router_netns_owner(name)) {
	case NETNS_ABSENT:
		break;
	case NETNS_FOREIGN:
		break; /* not ours: left alone */
	case NETNS_UNKNOWN:
		if (!pins_err) {
			fail_stash(&pins_why); /* the record stays: destroy again finishes */
			pins_err = -EIO;
		}
		break;
	default: {
		char router[64];
		const char *names[1] = {router};

		*existed = true;
		router_netns_name(router, sizeof(router), name);
		if (fabric_netns_delete(name, names, 1, &r->left, NULL, NULL) < 0 && !pins_err) {
			/* Reported at the end; destroy again finishes it. */
			fail_stash(&pins_why);
			pins_err = -EIO;
		}
	}
	}
	fail_clear();
	if (have_state)
		err = delete_node_namespaces(&st, &r->left, progress, data);
	/* With a record or without: what carries our mark under another name. */
	if (!err)
		err = delete_marked_namespaces(name, &r->left, &n_marked);
	*existed |= n_marked > 0;
	*n_nodes += n_marked;
	if (!err && have_state)
		wait_veths_gone(&s, &st);
	if (!err) {
		err = link_dump_all(&s, &links);
		if (err)
			err = fail(err, "cannot list the host's links");
	}
	if (!err)
		err = delete_links(&s, name, have_state ? &st : NULL, &links, existed);
	if (!err && pins_err) {
		/* The record stays: destroy again finishes the pins or the router. */
		fail_unstash(&pins_why);
		err = pins_err;
	}
	if (!err && have_state && st.site)
		site_after_destroy(&st);
	if (!err) {
		/* The saved lab goes first: a reboot must not bring back what was destroyed. */
		err = saved_remove(name);
	}
	if (!err && have_dir) {
		/* Host limits back as they were, before the record (and its
		 * directory, which holds the tuning record) goes. */
		err = tune_restore(name);
		if (err == -ENOENT)
			err = 0; /* no directory: nothing was tuned */
		if (!err) {
			err = state_remove(name);
			if (err == -ENOENT)
				err = 0;
		}
	}
	link_list_free(&links);
	nl_close(&s);
out_state:
	if (have_state)
		state_free(&st);
	state_unlock(&lock);
out_global:
	state_unlock(&global);
	return err;
}
