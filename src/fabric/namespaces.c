// SPDX-License-Identifier: GPL-2.0-only
/*
 * Namespaces found by their mark rather than by the record, and deletion
 * that leaves a namespace holding someone else's link (deleting the
 * namespace would delete that link, and a veth's peer elsewhere with it).
 */
#include <dirent.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/array.h"
#include "base/errors.h"
#include "fabric/names.h"
#include "fabric/namespaces.h"
#include "fabric/ownership.h"
#include "kernel/link.h"
#include "kernel/netns.h"

/*
 * A link fabricctl made inside a namespace of its own but did not tag: a
 * node's eth0 cut short before its tag, or a router end of a leg made by
 * a fabricctl that did not tag those. Untagged, with the MAC fabricctl
 * gives the holder of an address.
 */
static bool born_inside(const struct link_info *li)
{
	return !li->alias[0] && li->mac[0] == 0x0e && li->mac[1] == MAC_HOLDER;
}

int netns_foreign_links(const char *name, const char *fabric, char first[IFNAMSIZ])
{
	char tag[ALIAS_TAG_MAX];
	struct link_list links = {0};
	struct nl_sock s;
	size_t len;
	int fd, err, n = 0;

	first[0] = '\0';
	fd = netns_open(name);
	if (fd < 0)
		return fd;
	err = netns_socket(fd, &s);
	close(fd);
	if (err)
		return err;
	err = link_dump_all(&s, &links);
	nl_close(&s);
	if (err)
		return fail(err, "cannot list the links of namespace \"%s\"", name);
	alias_tag(tag, sizeof(tag), fabric, NULL);
	len = strlen(tag);
	for (size_t i = 0; i < links.n; i++) {
		const struct link_info *li = &links.links[i];

		if (!strcmp(li->name, "lo") ||
		    (!strncmp(li->alias, tag, len) && (!li->alias[len] || li->alias[len] == ':')) ||
		    born_inside(li))
			continue;
		if (!n++)
			snprintf(first, IFNAMSIZ, "%s", li->name);
	}
	link_list_free(&links);
	return n;
}

int marked_netns_find(const char *fabric, bool (*skip)(const char *name, void *data), void *data,
		      struct marked_netns **out, size_t *n)
{
	char prefix[ALIAS_TAG_MAX], alias[LINK_ALIAS_MAX];
	struct marked_netns *found = NULL;
	size_t cap = 0, plen;
	struct dirent *de;
	DIR *dir;
	int err = 0;

	*out = NULL;
	*n = 0;
	node_alias(prefix, sizeof(prefix), fabric, "");
	plen = strlen(prefix);
	dir = opendir(NETNS_RUN_DIR);
	if (!dir)
		return errno == ENOENT ? 0 : fail(-errno, "cannot read \"%s\"", NETNS_RUN_DIR);
	while ((de = readdir(dir))) {
		const char *mark;
		bool router;

		if (de->d_name[0] == '.' && (!de->d_name[1] || !strcmp(de->d_name, "..")))
			continue;
		if (skip && skip(de->d_name, data))
			continue;
		if (netns_lo_alias(de->d_name, alias, sizeof(alias)) < 0) {
			fail_clear(); /* unreadable, or a placeholder: not claimed */
			continue;
		}
		if (strncmp(alias, prefix, plen))
			continue;
		mark = alias + plen;
		router = !strcmp(mark, ROUTER_TAG);
		if (!router && node_name_validate(mark) < 0) {
			fail_clear();
			continue;
		}
		if (ARRAY_RESERVE(found, cap, *n)) {
			err = fail(-ENOMEM, "cannot list the namespaces of fabric \"%s\"", fabric);
			break;
		}
		snprintf(found[*n].name, sizeof(found[*n].name), "%s", de->d_name);
		snprintf(found[*n].node, sizeof(found[*n].node), "%s", router ? "" : mark);
		found[(*n)++].router = router;
	}
	closedir(dir);
	if (err) {
		free(found);
		*n = 0;
		return err;
	}
	*out = found;
	return 0;
}

int fabric_netns_delete(const char *fabric, const char *const *names, size_t n, struct notes *left,
			fabric_progress_cb progress, void *data)
{
	const char **doomed = calloc(n + 1, sizeof(*doomed));
	struct fail_stash unknown = {0};
	int err, unknown_err = 0;
	size_t m = 0;

	if (!doomed)
		return fail(-ENOMEM, "cannot delete %zu namespaces", n);
	for (size_t i = 0; i < n; i++) {
		char first[IFNAMSIZ];
		uint64_t ino;
		int k;

		if (netns_inode(names[i], &ino) == -ENOTTY) {
			fail_clear(); /* the placeholder a crash left: nothing inside */
			doomed[m++] = names[i];
			continue;
		}
		k = netns_foreign_links(names[i], fabric, first);

		if (k == 0) {
			doomed[m++] = names[i];
		} else if (k > 0) {
			notes_add(left,
				  "namespace \"%s\" holds \"%s\"%s, which fabricctl did not make: "
				  "left alone (delete it with `ip netns del %s`)",
				  names[i], first, k > 1 ? " and more links" : "", names[i]);
		} else if (k == -ENOENT) {
			fail_clear(); /* gone meanwhile */
		} else if (!unknown_err) {
			fail_wrap(k, "namespace \"%s\"", names[i]);
			fail_stash(&unknown); /* reported once the others are done */
			unknown_err = -EIO;
		} else {
			fail_clear();
		}
	}
	err = netns_delete_many(doomed, m, progress, data);
	free(doomed);
	if (!err && unknown_err) {
		fail_unstash(&unknown);
		err = unknown_err;
	}
	return err;
}
