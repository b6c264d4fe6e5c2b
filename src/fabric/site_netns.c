// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fabric's router namespace as FRR's zebra sees it: a second name,
 * FRR_NETNS_DIR/.fabricctl-<fabric>, bound from /run/netns. It pins the
 * router namespace, so destroy takes it away before the router; it is
 * removed only when the namespace behind it carries the fabric's router
 * mark on lo (or is no namespace at all: a file left by a crash).
 */
#include <errno.h>
#include <stdio.h>

#include "base/errors.h"
#include "base/notes.h"
#include "fabric/names.h"
#include "fabric/ownership.h"
#include "fabric/site.h"
#include "host/frr.h"
#include "kernel/netns.h"

static void frr_view_path(char *buf, size_t size, const char *fabric)
{
	char name[64];

	router_netns_name(name, sizeof(name), fabric);
	snprintf(buf, size, FRR_NETNS_DIR "/%s", name);
}

/* Whose is the file at @path: the fabric's router, absent, or not provably ours. */
static enum netns_owner view_owner(const char *fabric, const char *path)
{
	char tag[ALIAS_TAG_MAX];

	router_alias(tag, sizeof(tag), fabric);
	return netns_file_owner(path, tag);
}

bool site_netns_ok(const char *fabric)
{
	char path[sizeof(FRR_NETNS_DIR) + 80], name[64];
	uint64_t seen, router;

	frr_view_path(path, sizeof(path), fabric);
	router_netns_name(name, sizeof(name), fabric);
	return netns_inode_at(path, &seen) == 0 && netns_inode(name, &router) == 0 &&
	       seen == router;
}

int site_netns_add(const char *fabric)
{
	char path[sizeof(FRR_NETNS_DIR) + 80], name[64];
	int err;

	if (site_netns_ok(fabric))
		return 0;
	err = netns_dir_prepare(FRR_NETNS_DIR);
	if (err)
		return err;
	frr_view_path(path, sizeof(path), fabric);
	switch (view_owner(fabric, path)) {
	case NETNS_ABSENT:
		break;
	case NETNS_OURS: /* an older router of the same name (remade by repair) */
	case NETNS_PLACEHOLDER:
		err = netns_unbind_at(path);
		if (err)
			return err;
		break;
	case NETNS_FOREIGN:
		return fail_msg(-EEXIST,
				"\"%s\" is not fabric \"%s\"'s router namespace: left alone", path,
				fabric);
	default:
		return fail_wrap(-EIO, "cannot show the router to FRR");
	}
	router_netns_name(name, sizeof(name), fabric);
	return netns_bind_at(name, path);
}

int site_netns_remove(const char *fabric, struct notes *left)
{
	char path[sizeof(FRR_NETNS_DIR) + 80];

	frr_view_path(path, sizeof(path), fabric);
	switch (view_owner(fabric, path)) {
	case NETNS_ABSENT:
		return 0;
	case NETNS_OURS:
	case NETNS_PLACEHOLDER:
		return netns_unbind_at(path);
	case NETNS_FOREIGN:
		notes_add(left,
			  "\"%s\" holds a namespace that is not fabric \"%s\"'s router: left "
			  "alone",
			  path, fabric);
		return 0;
	default:
		return fail_wrap(-EIO, "cannot remove FRR's view of the router");
	}
}
