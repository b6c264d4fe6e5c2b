// SPDX-License-Identifier: GPL-2.0-only
/*
 * A runtime's attachment in the record (see fabric/attach.h): what makes
 * one valid, how it is found and named, its keyed record lines. Pure, so
 * the record's fuzzer links it; fabric_attach() itself is in attach_add.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "base/hash.h"
#include "fabric/attach.h"

static bool id_char_ok(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '.' || ch == '-';
}

static bool field_ok(const char *s, size_t max)
{
	size_t len = strlen(s);

	if (!len || len > max)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return false;
	return true;
}

int attach_validate(const struct node_cni *who)
{
	const char *id = who->container_id;

	if (!field_ok(id, ATTACH_ID_MAX))
		return fail_msg(-EINVAL, "container id \"%.40s\" is empty, too long or has blanks",
				id);
	for (size_t i = 0; id[i]; i++)
		if (!id_char_ok((unsigned char)id[i]))
			return fail_msg(-EINVAL,
					"container id \"%.40s\": only letters, digits, '_', '.' "
					"and '-' are allowed",
					id);
	if (!field_ok(who->ifname, IFNAMSIZ - 1) || strchr(who->ifname, '/') ||
	    strchr(who->ifname, ':') || !strcmp(who->ifname, ".") || !strcmp(who->ifname, ".."))
		return fail_msg(-EINVAL, "interface name \"%s\" is not a valid link name",
				who->ifname);
	if (who->netns[0] && !field_ok(who->netns, ATTACH_NETNS_MAX))
		return fail_msg(-EINVAL, "namespace path \"%.60s\" is too long or has blanks",
				who->netns);
	if (who->network[0] && !field_ok(who->network, ATTACH_NET_MAX))
		return fail_msg(-EINVAL, "network name \"%.40s\" is too long or has blanks",
				who->network);
	return 0;
}

struct fabric_node *attach_find(struct fabric_state *st, const char *container_id,
				const char *ifname)
{
	for (size_t i = 0; i < st->n_nodes; i++) {
		const struct node_cni *c = st->nodes[i].cni;

		if (c && !strcmp(c->container_id, container_id) && !strcmp(c->ifname, ifname))
			return &st->nodes[i];
	}
	return NULL;
}

static void sanitize(char *s)
{
	for (; *s; s++)
		if (!id_char_ok((unsigned char)*s))
			*s = '_';
}

void attach_node_name(struct fabric_state *st, const struct node_cni *who,
		      char name[NODE_NAME_MAX + 1])
{
	char key[ATTACH_ID_MAX + IFNAMSIZ + 2];

	/* A long id (podman's 64 hex digits) by its first 12, as `podman ps` shows it. */
	int keep = strlen(who->container_id) > ATTACH_ID_SHORT_MAX ? 12 : ATTACH_ID_SHORT_MAX;

	snprintf(name, NODE_NAME_MAX + 1, "%.*s-%s", keep, who->container_id, who->ifname);
	sanitize(name);
	if (name[0] == '.' || name[0] == '-')
		name[0] = '_';
	if (!state_find_node(st, name))
		return;
	snprintf(key, sizeof(key), "%s/%s", who->container_id, who->ifname);
	snprintf(name, NODE_NAME_MAX + 1, "%.12s-%08x-%s", who->container_id, fnv1a32(key),
		 who->ifname);
	sanitize(name);
	if (name[0] == '.' || name[0] == '-')
		name[0] = '_';
}

int attach_key_parse(struct fabric_node *node, const char *key, const char *value)
{
	char *dst;
	size_t max;

	if (!node->cni && !(node->cni = calloc(1, sizeof(*node->cni))))
		return -ENOMEM;
	if (!strcmp(key, "cni.id")) {
		dst = node->cni->container_id;
		max = ATTACH_ID_MAX;
	} else if (!strcmp(key, "cni.if")) {
		dst = node->cni->ifname;
		max = IFNAMSIZ - 1;
	} else if (!strcmp(key, "cni.netns")) {
		dst = node->cni->netns;
		max = ATTACH_NETNS_MAX;
	} else if (!strcmp(key, "cni.net")) {
		dst = node->cni->network;
		max = ATTACH_NET_MAX;
	} else {
		return -EINVAL;
	}
	if (strlen(value) > max)
		return -EINVAL;
	strcpy(dst, value);
	return 0;
}

bool attach_key_format(const struct fabric_node *node, const char *key, char *buf, size_t size)
{
	const char *v = NULL;

	if (!node->cni)
		return false;
	if (!strcmp(key, "cni.id"))
		v = node->cni->container_id;
	else if (!strcmp(key, "cni.if"))
		v = node->cni->ifname;
	else if (!strcmp(key, "cni.netns"))
		v = node->cni->netns;
	else if (!strcmp(key, "cni.net"))
		v = node->cni->network;
	if (!v || !v[0])
		return false;
	snprintf(buf, size, "%s", v);
	return true;
}
