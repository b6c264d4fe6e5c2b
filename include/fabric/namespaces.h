/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fabric's namespaces beyond what the record names: the ones that
 * carry its mark under any name (a node namespace renamed by hand, one a
 * cut record forgot, a renamed router), and the rule for deleting one that
 * is proven ours: never while it holds a link fabricctl did not make.
 */
#ifndef FABRICCTL_FABRIC_NAMESPACES_H
#define FABRICCTL_FABRIC_NAMESPACES_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/notes.h"
#include "fabric/fabric.h"

/*
 * Links in the namespace @name that fabricctl did not make (lo aside, and
 * links tagged as @fabric's): 0, how many (the first one's name in
 * @first), or -errno when the namespace cannot be read.
 */
int netns_foreign_links(const char *name, const char *fabric, char first[IFNAMSIZ]);

/* A namespace in /run/netns whose lo carries one of the fabric's marks. */
struct marked_netns {
	char name[NAME_MAX + 1];
	char node[NAME_MAX + 1]; /* the node its mark names; "" for the router */
	bool router;
};

/*
 * marked_netns_find() - every namespace of /run/netns marked as @fabric's,
 * but those @skip (may be NULL) passes over by name (the ones the caller
 * already knows). Namespaces that cannot be read are not ours to claim:
 * passed over. *@out is malloc'd (free() it).
 */
int marked_netns_find(const char *fabric, bool (*skip)(const char *name, void *data), void *data,
		      struct marked_netns **out, size_t *n);

/*
 * fabric_netns_delete() - delete the namespaces @names, each proven
 * @fabric's by the caller, but those holding a link fabricctl did not
 * make: left alone and said so in @left. Returns 0 or the first error.
 */
int fabric_netns_delete(const char *fabric, const char *const *names, size_t n, struct notes *left,
			fabric_progress_cb progress, void *data);

#endif
