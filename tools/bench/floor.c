// SPDX-License-Identifier: GPL-2.0-only
/*
 * The setup floor for tools/bench/run.sh: only the kernel work of a bridge
 * fabric, in one process, with raw syscalls and libmnl. No state, no IPAM, no
 * rollback, no waiting for carrier: what is left is what any tool has to pay.
 *
 * Per node: a named netns made as `ip netns add` makes it (unshare + bind
 * mount on /run/netns/NAME); a rtnetlink socket opened while inside it; ONE
 * RTM_NEWLINK in the host creating the veth with its peer directly in the
 * netns as eth0 (IFLA_NET_NS_FD in VETH_INFO_PEER), enslaved and up; and ONE
 * sendmsg inside the netns carrying address, eth0 up, lo up, default route.
 * Like fabricctl, it keeps IPv6 off the fabric (disable_ipv6 on the bridge and
 * host ends before they go up, address generation "none" on eth0): every
 * IPv6 device would add a multicast route and send MLD, DAD and router
 * solicitations that the bridge floods to all of its ports.
 * Teardown unmounts and unlinks the namespace files (the kernel removes the
 * veths with them, asynchronously) and deletes the bridge.
 *
 * Usage: floor setup|teardown N PREFIX SUBNET_BASE  (e.g. 200 bl 10.224)
 * Names: bridge PREFIX-br, netns PREFIXi, host veth PREFIXi-h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#define NETNS_RUN_DIR "/run/netns"

static char buf[8192];
static unsigned int seq;

static void die(const char *what, const char *name, int err)
{
	fprintf(stderr, "floor: %s \"%s\": %s\n", what, name, strerror(err));
	exit(1);
}

/* Send @len bytes holding @count requests, each with NLM_F_ACK; 0 or -errno of the first error. */
static int talk(struct mnl_socket *nl, const void *req, size_t len, unsigned int count)
{
	char rbuf[8192];
	int first_err = 0;

	if (mnl_socket_sendto(nl, req, len) < 0)
		return -errno;
	while (count) {
		ssize_t n = mnl_socket_recvfrom(nl, rbuf, sizeof(rbuf));
		if (n < 0)
			return -errno;
		int left = (int)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)rbuf; mnl_nlmsg_ok(h, left);
		     h = mnl_nlmsg_next(h, &left)) {
			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);
			if (e->error && !first_err)
				first_err = e->error;
			count--;
		}
	}
	return first_err;
}

static struct nlmsghdr *put_req(char *at, int type, int flags)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(at);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h->nlmsg_seq = ++seq;
	return h;
}

static struct ifinfomsg *put_ifi(struct nlmsghdr *h, int index, unsigned int flags)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	ifi->ifi_flags = flags;
	ifi->ifi_change = flags;
	return ifi;
}

static void put_addr(char *at, int index, uint32_t addr)
{
	struct nlmsghdr *h = put_req(at, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 16;
	ifa->ifa_index = index;
	mnl_attr_put_u32(h, IFA_LOCAL, addr);
	mnl_attr_put_u32(h, IFA_ADDRESS, addr);
}

/* disable_ipv6 on a host link before it goes up; fine when the host has no IPv6 */
static void disable_ipv6(const char *ifname)
{
	char path[96];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return;
		die("cannot open", path, errno);
	}
	if (write(fd, "1", 1) != 1)
		die("cannot write", path, errno);
	close(fd);
}

static void put_up(char *at, int index)
{
	put_ifi(put_req(at, RTM_NEWLINK, 0), index, IFF_UP);
}

static struct mnl_socket *rtnl_open(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("cannot open", "rtnetlink", errno);
	return nl;
}

/* The /run/netns mount point, shared, as iproute2 prepares it. */
static void netns_dir_prepare(void)
{
	if (mkdir(NETNS_RUN_DIR, 0755) && errno != EEXIST)
		die("cannot create", NETNS_RUN_DIR, errno);
	if (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) == 0)
		return;
	if (errno != EINVAL)
		die("cannot make shared", NETNS_RUN_DIR, errno);
	if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL) ||
	    mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL))
		die("cannot bind-mount", NETNS_RUN_DIR, errno);
}

static int setup(unsigned long n, const char *prefix, uint32_t base)
{
	char name[IFNAMSIZ], host[IFNAMSIZ], path[64], br[IFNAMSIZ];
	uint32_t gw = htonl(base | 1);
	struct mnl_socket *nl = rtnl_open();
	int host_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int err, br_index;

	if (host_ns < 0)
		die("cannot open", "/proc/self/ns/net", errno);
	netns_dir_prepare();

	snprintf(br, sizeof(br), "%s-br", prefix);
	{
		struct nlmsghdr *h = put_req(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
		put_ifi(h, 0, 0);
		mnl_attr_put_strz(h, IFLA_IFNAME, br);
		struct nlattr *li = mnl_attr_nest_start(h, IFLA_LINKINFO);
		mnl_attr_put_strz(h, IFLA_INFO_KIND, "bridge");
		mnl_attr_nest_end(h, li);
		if ((err = talk(nl, buf, h->nlmsg_len, 1)))
			die("cannot create bridge", br, -err);
	}
	br_index = (int)if_nametoindex(br);
	if (!br_index)
		die("cannot find", br, errno);
	disable_ipv6(br);
	{
		size_t len;

		put_addr(buf, br_index, gw);
		len = ((struct nlmsghdr *)buf)->nlmsg_len;
		put_up(buf + len, br_index);
		len += ((struct nlmsghdr *)(buf + len))->nlmsg_len;
		if ((err = talk(nl, buf, len, 2)))
			die("cannot configure bridge", br, -err);
	}

	for (unsigned long i = 1; i <= n; i++) {
		uint32_t addr = htonl(base + (uint32_t)i + 1);
		struct mnl_socket *inner;
		int fd, ns_fd;

		snprintf(name, sizeof(name), "%s%lu", prefix, i);
		snprintf(host, sizeof(host), "%s%lu-h", prefix, i);
		snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", name);

		/* ip netns add: an empty file, a new netns, a bind mount onto the file */
		fd = open(path, O_RDONLY | O_CREAT | O_EXCL, 0);
		if (fd < 0)
			die("cannot create namespace file", path, errno);
		close(fd);
		if (unshare(CLONE_NEWNET))
			die("cannot create namespace", name, errno);
		if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL))
			die("cannot bind-mount namespace", path, errno);
		ns_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (ns_fd < 0)
			die("cannot open", path, errno);
		inner = rtnl_open(); /* a socket belongs to the netns it was made in */
		if (setns(host_ns, CLONE_NEWNET))
			die("cannot return to the host namespace from", name, errno);

		/* one RTM_NEWLINK: host end enslaved, peer eth0 made inside */
		struct nlmsghdr *h = put_req(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
		put_ifi(h, 0, 0);
		mnl_attr_put_strz(h, IFLA_IFNAME, host);
		mnl_attr_put_u32(h, IFLA_MASTER, (uint32_t)br_index);
		struct nlattr *li = mnl_attr_nest_start(h, IFLA_LINKINFO);
		mnl_attr_put_strz(h, IFLA_INFO_KIND, "veth");
		struct nlattr *data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
		struct nlattr *peer = mnl_attr_nest_start(h, VETH_INFO_PEER);
		/* the peer's ifinfomsg; index 2 in a fresh netns (lo is 1) */
		struct ifinfomsg *pifi = mnl_nlmsg_put_extra_header(h, sizeof(*pifi));
		memset(pifi, 0, sizeof(*pifi));
		pifi->ifi_index = 2;
		mnl_attr_put_strz(h, IFLA_IFNAME, "eth0");
		mnl_attr_put_u32(h, IFLA_NET_NS_FD, (uint32_t)ns_fd);
		mnl_attr_nest_end(h, peer);
		mnl_attr_nest_end(h, data);
		mnl_attr_nest_end(h, li);
		if ((err = talk(nl, buf, h->nlmsg_len, 1)))
			die("cannot create veth", host, -err);
		close(ns_fd);
		disable_ipv6(host);
		h = put_req(buf, RTM_NEWLINK, 0);
		put_ifi(h, 0, IFF_UP);
		mnl_attr_put_strz(h, IFLA_IFNAME, host); /* found by name */
		if ((err = talk(nl, buf, h->nlmsg_len, 1)))
			die("cannot set up", host, -err);

		/* one sendmsg inside the netns: no IPv6 address generation on
		 * eth0, address, eth0 up, lo up, default route */
		char *p = buf;
		h = put_req(p, RTM_NEWLINK, 0);
		put_ifi(h, 2, 0);
		struct nlattr *af = mnl_attr_nest_start(h, IFLA_AF_SPEC);
		struct nlattr *in6 = mnl_attr_nest_start(h, AF_INET6);
		mnl_attr_put_u8(h, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
		mnl_attr_nest_end(h, in6);
		mnl_attr_nest_end(h, af);
		p += h->nlmsg_len;
		put_addr(p, 2, addr);
		p += ((struct nlmsghdr *)p)->nlmsg_len;
		put_up(p, 2);
		p += ((struct nlmsghdr *)p)->nlmsg_len;
		put_up(p, 1);
		p += ((struct nlmsghdr *)p)->nlmsg_len;
		h = put_req(p, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
		struct rtmsg *rt = mnl_nlmsg_put_extra_header(h, sizeof(*rt));
		rt->rtm_family = AF_INET;
		rt->rtm_table = RT_TABLE_MAIN;
		rt->rtm_protocol = RTPROT_BOOT;
		rt->rtm_scope = RT_SCOPE_UNIVERSE;
		rt->rtm_type = RTN_UNICAST;
		mnl_attr_put_u32(h, RTA_GATEWAY, gw);
		mnl_attr_put_u32(h, RTA_OIF, 2);
		p += h->nlmsg_len;
		if ((err = talk(inner, buf, (size_t)(p - buf), 5)))
			die("cannot configure eth0 in", name, -err);
		mnl_socket_close(inner);
	}
	mnl_socket_close(nl);
	close(host_ns);
	return 0;
}

static int teardown(unsigned long n, const char *prefix)
{
	char path[64], br[IFNAMSIZ];
	int rc = 0;

	for (unsigned long i = 1; i <= n; i++) {
		snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s%lu", prefix, i);
		if (umount2(path, MNT_DETACH) && errno != ENOENT && errno != EINVAL)
			rc = 1, fprintf(stderr, "floor: cannot unmount \"%s\": %s\n", path,
					strerror(errno));
		if (unlink(path) && errno != ENOENT)
			rc = 1,
			fprintf(stderr, "floor: cannot remove \"%s\": %s\n", path, strerror(errno));
	}
	snprintf(br, sizeof(br), "%s-br", prefix);
	int index = (int)if_nametoindex(br);
	if (index) {
		struct mnl_socket *nl = rtnl_open();
		struct nlmsghdr *h = put_req(buf, RTM_DELLINK, 0);
		put_ifi(h, index, 0);
		int err = talk(nl, buf, h->nlmsg_len, 1);
		if (err)
			rc = 1,
			fprintf(stderr, "floor: cannot delete \"%s\": %s\n", br, strerror(-err));
		mnl_socket_close(nl);
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct in_addr a;
	char cidr[32];
	char *end;
	unsigned long n;

	if (argc != 5 || (strcmp(argv[1], "setup") && strcmp(argv[1], "teardown"))) {
		fprintf(stderr,
			"usage: floor setup|teardown N PREFIX SUBNET_BASE (e.g. 200 bl 10.224)\n");
		return 2;
	}
	n = strtoul(argv[2], &end, 10);
	snprintf(cidr, sizeof(cidr), "%s.0.0", argv[4]);
	if (*end || n < 1 || n > 65000 || strlen(argv[3]) > 8 || !inet_aton(cidr, &a)) {
		fprintf(stderr, "floor: bad arguments\n");
		return 2;
	}
	if (!strcmp(argv[1], "setup"))
		return setup(n, argv[3], ntohl(a.s_addr));
	return teardown(n, argv[3]);
}
