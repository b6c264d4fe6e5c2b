/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rtnetlink link requests: each queues one labelled request on an nl_sock
 * and returns its sequence number, so the caller can match the ack to the
 * object it names. Nothing is sent until nl_flush()/nl_run().
 */
#ifndef FABRICCTL_KERNEL_LINK_H
#define FABRICCTL_KERNEL_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/nl.h"

#define ETH_ALEN_FABRIC 6
/* IF_OPER_UP of <linux/if.h>, which cannot be included beside <net/if.h>. */
#define LINK_OPER_UP 6
#define LINK_ALIAS_MAX 128 /* IFALIASZ is 256; ours are far shorter */

struct link_spec {
	const char *name;
	int ifindex;	    /* 0: kernel's choice; a veth's peer takes one only with its main's */
	const uint8_t *mac; /* NULL: kernel's choice */
	unsigned int mtu;   /* 0: default */
	uint32_t group;	    /* 0: default group */
	int master;	    /* ifindex, 0: none */
	bool up;
};

/* What we read back from an RTM_NEWLINK reply. */
struct link_info {
	int ifindex;
	char name[IFNAMSIZ];
	unsigned int flags; /* IFF_* */
	uint8_t operstate;  /* IF_OPER_* */
	int master;
	int peer_ifindex; /* IFLA_LINK: a veth's peer, in the peer's netns */
	uint32_t group;
	unsigned int mtu;
	uint8_t mac[ETH_ALEN_FABRIC];
	char alias[LINK_ALIAS_MAX];
	char kind[16];
};

/* A bridge with STP off and no forward delay, so ports forward at once. */
uint32_t link_create_bridge(struct nl_sock *s, const struct link_spec *br);
/*
 * A veth pair in ONE message: the host end per @host, the peer named
 * @peer->name created directly in the netns @netns_fd (never moved). Both
 * ends get one rx and one tx queue: without the count, veth registers one
 * per CPU and then shrinks to one, paying an RCU grace period per end.
 */
uint32_t link_create_veth(struct nl_sock *s, const struct link_spec *host,
			  const struct link_spec *peer, int netns_fd);
/*
 * RTM_SETLINK by index: ifalias (not accepted at creation time) and, with
 * @no_ipv6_ll, IPv6 address generation mode "none" (no link-local address,
 * hence no DAD, router solicitation or MLD report flooded by the bridge).
 * By index, never by name: a name may belong to a link that is not ours.
 */
uint32_t link_set_tag(struct nl_sock *s, int ifindex, const char *alias, bool no_ipv6_ll);
/* RTM_SETLINK by index: administratively up. */
uint32_t link_set_up(struct nl_sock *s, int ifindex);
/* RTM_SETLINK by index: enslave to @master. */
uint32_t link_set_master(struct nl_sock *s, int ifindex, int master);
/* RTM_SETLINK by index: rename to @name (the link must be down). */
uint32_t link_set_name(struct nl_sock *s, int ifindex, const char *name);
/* RTM_SETLINK by index: administratively down. */
uint32_t link_set_down(struct nl_sock *s, int ifindex);
/* RTM_SETLINK by index: move to interface group @group. */
uint32_t link_set_group(struct nl_sock *s, int ifindex, uint32_t group);
/* RTM_GETLINK by name (the reply goes to the flush callback). */
uint32_t link_get(struct nl_sock *s, const char *name);
/* RTM_GETLINK by index. */
uint32_t link_get_index(struct nl_sock *s, int ifindex);
/* RTM_GETLINK dump of every link (for nl_dump()). */
uint32_t link_dump(struct nl_sock *s);
/* RTM_DELLINK by index. */
uint32_t link_del(struct nl_sock *s, int ifindex);
/* RTM_DELLINK of every link in group @group: one unregister for all. */
uint32_t link_del_group(struct nl_sock *s, uint32_t group);

/* @ifindex's name (of this namespace) into @buf, or "ifindex N"; returns @buf. */
const char *link_name_of(int ifindex, char buf[IFNAMSIZ]);

/* Is @ifindex taken in the caller's namespace (or cannot that be told)? */
bool link_index_used(int ifindex);

/* IPv6 off on a host link (its disable_ipv6 sysctl): 0 or -errno. */
int link_disable_ipv6(const char *ifname);

/* Every link of the socket's namespace, from one dump. */
struct link_list {
	struct link_info *links;
	size_t n, cap;
};

int link_dump_all(struct nl_sock *s, struct link_list *out);
void link_list_free(struct link_list *l);

/* Read one link by name now: 0, -ENODEV, or -errno. */
int link_get_one(struct nl_sock *s, const char *name, struct link_info *info);

/* Parse an RTM_NEWLINK message; 0 or -EINVAL. */
int link_info_parse(const struct nlmsghdr *nlh, struct link_info *out);

#endif
