// SPDX-License-Identifier: GPL-2.0-only
/*
 * fabric destroy: every link the fabric made in one group delete (after
 * proving the group holds nothing that is not ours), then whatever carries
 * our tag elsewhere, the router, the namespaces, the pins, the tuned host
 * limits and the record.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/errors.h"
#include "fabric/cell.h"
#include "fabric/fabric.h"
#include "fabric/link_delete.h"
#include "fabric/tuning.h"
#include "kernel/fabric_bpf.h"
#include "kernel/link.h"
#include "kernel/netns.h"

static bool in_groups(const struct link_info *li, const struct fabric_state *st)
{
	return li->group == st->group || li->group == doomed_group(st);
}

/* The group delete (when the groups hold only ours), then what carries our tag elsewhere. */
static int delete_links(struct nl_sock *s, const char *name, const struct fabric_state *st,
			const struct link_list *links, bool *existed)
{
	bool foreign_in_group = false;
	size_t queued = 0;
	int err;

	for (size_t i = 0; i < links->n; i++) {
		bool mine = alias_is_ours(links->links[i].alias, name);

		if (mine)
			*existed = true;
		if (st && !mine && in_groups(&links->links[i], st))
			foreign_in_group = true;
	}
	if (st && !foreign_in_group) {
		/* One unregister for the whole fabric, bridge included. */
		uint32_t first = link_del_group(s, st->group);

		nl_label(s, "delete the links of fabric \"%s\"", name);
		link_del_group(s, doomed_group(st));
		err = nl_flush(s, NULL, NULL);
		if (!err && nl_result(s, first)->err != -ENODEV)
			err = nl_check(s, first);
		if (err)
			return err;
	}
	for (size_t i = 0; i < links->n; i++) {
		if (!alias_is_ours(links->links[i].alias, name))
			continue;
		if (st && !foreign_in_group && in_groups(&links->links[i], st))
			continue;
		link_del(s, links->links[i].ifindex);
		queued++;
	}
	if (queued)
		nl_flush(s, NULL, NULL); /* gone meanwhile is fine */
	return 0;
}

int fabric_destroy(const char *name, bool *existed, size_t *n_nodes, fabric_progress_cb progress,
		   void *data)
{
	struct state_lock global, lock = {-1};
	struct link_list links = {0};
	struct fabric_state st;
	bool have_state = false;
	struct nl_sock s;
	int err;

	*existed = false;
	*n_nodes = 0;
	err = state_lock_global(&global);
	if (err)
		return err;
	err = state_lock(name, false, &lock);
	if (err == 0) {
		err = state_load(name, &st);
		if (err)
			goto out_lock;
		have_state = true;
		*existed = true;
		*n_nodes = st.n_nodes;
	} else if (err != -ENOENT) {
		goto out_global;
	}
	err = nl_open(&s);
	if (err)
		goto out_state;
	/* One dump: every link tagged as ours (even from a crashed create with
	 * no record), and proof that the group holds nothing else. */
	err = link_dump_all(&s, &links);
	if (err) {
		err = fail(err, "cannot list the host's links");
		goto out_nl;
	}
	/* Before the links go: nothing counts a dying node. Pins that are not
	 * ours stay (and are said to stay), the rest of the fabric goes. */
	if (fabric_bpf_remove(name) < 0)
		fail_clear();
	err = delete_links(&s, name, have_state ? &st : NULL, &links, existed);
	if (err)
		goto out_nl;
	cells_delete_router(name);
	if (have_state && st.n_nodes) {
		const char **ns_names = malloc(st.n_nodes * sizeof(*ns_names));

		if (!ns_names) {
			err = fail(-ENOMEM, "cannot destroy fabric \"%s\"", name);
			goto out_nl;
		}
		for (size_t i = 0; i < st.n_nodes; i++)
			ns_names[i] = st.nodes[i].name;
		err = netns_delete_many(ns_names, st.n_nodes, progress, data);
		free(ns_names);
	}
	if (!err && (have_state || access(STATE_ROOT, F_OK) == 0)) {
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
out_nl:
	link_list_free(&links);
	nl_close(&s);
out_state:
	if (have_state)
		state_free(&st);
out_lock:
	state_unlock(&lock);
out_global:
	state_unlock(&global);
	return err;
}
