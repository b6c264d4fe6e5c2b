// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host limits: read the facts (sysctls, rlimits, meminfo, bpffs, BPF, the
 * forward hook's policy), judge them for a fabric size, and raise the
 * tunable ones only for fabrics made with --tune, recording what was there
 * before so destroy can put it back.
 *
 * The rules (limits_judge), for N nodes in cells of S slots:
 *  - a cell's bridge holds min(N, S - 3) node ports + 1 router leg; the
 *    kernel takes BR_MAX_PORTS = 1024;
 *  - one broadcast (ARP) is flooded to every port of the cell at once, all
 *    queued on one CPU's backlog: netdev_max_backlog below the port count
 *    drops part of every flood (nodes become silently unreachable); we
 *    want the ports plus a margin of 64 for the other traffic of that CPU;
 *  - the ARP table is one for all namespaces: 2 entries per node (the node's
 *    for its gateway, the gateway's for the node) + 256 for the host and
 *    node-to-node traffic. gc_thresh3 is the hard limit ("neighbor table
 *    overflow"): FAIL. Above gc_thresh2, entries idle for 5 s are evicted on
 *    every new entry, so a fabric that outgrows it re-ARPs constantly: WARN.
 *    gc_thresh1 only says below how many entries the periodic GC rests;
 *    idle entries it removes are re-resolved by one ARP: never needed;
 *  - fabric links carry no IPv6, so the IPv6 table does not grow with N;
 *  - every node is a network namespace, plus one router per fabric;
 *  - LIMITS_NODE_KIB of kernel memory per node not made yet.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>      /* glibc's before the linux/ headers, which defer to them */
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/bpf.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "atomic_file.h"
#include "errors.h"
#include "host_limits.h"
#include "state.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

#define ARP_MARGIN 256     /* host entries and node-to-node traffic */
#define ARP_SOFT_MARGIN 128
#define BACKLOG_MARGIN 64  /* the CPU's other traffic during a flood */
#define TUNE_FILE "tuned"
#define TUNE_LOCK STATE_ROOT "/.tune.lock"
#define TUNE_MAX 32

/* ------------------------------------------------------------ reading */

static void sysctl_path(char *buf, size_t size, const char *name)
{
	size_t i = (size_t)snprintf(buf, size, "/proc/sys/");

	for (const char *p = name; *p && i + 1 < size; p++)
		buf[i++] = *p == '.' ? '/' : *p;
	buf[i] = '\0';
}

/* A numeric sysctl: 0 and *v, or -errno. */
static int sysctl_read(const char *name, int64_t *v)
{
	char path[192], text[64], *end;
	ssize_t len;
	int fd;

	sysctl_path(path, sizeof(path), name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (len <= 0)
		return len < 0 ? -errno : -EIO;
	text[len] = '\0';
	errno = 0;
	*v = strtoll(text, &end, 10);
	if (errno || end == text || (*end && *end != '\n'))
		return -EINVAL;
	return 0;
}

static int64_t sysctl_value(const char *name)
{
	int64_t v;

	return sysctl_read(name, &v) ? -1 : v;
}

static int sysctl_write(const char *name, uint64_t v)
{
	char path[192], text[32];
	int fd, len;

	sysctl_path(path, sizeof(path), name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(-errno, "cannot open \"%s\"", path);
	len = snprintf(text, sizeof(text), "%" PRIu64 "\n", v);
	if (write(fd, text, (size_t)len) != len) {
		int err = -errno;

		close(fd);
		return fail(err ? err : -EIO, "cannot set %s to %" PRIu64, name, v);
	}
	close(fd);
	return 0;
}

/* The "entries" column of /proc/net/stat/<table> (hex, the same on every line). */
static uint64_t neigh_entries(const char *table)
{
	char path[64], line[512];
	unsigned long long v = 0;
	FILE *in;

	snprintf(path, sizeof(path), "/proc/net/stat/%s", table);
	in = fopen(path, "re");
	if (!in)
		return 0;
	if (fgets(line, sizeof(line), in) && fgets(line, sizeof(line), in))
		v = strtoull(line, NULL, 16);
	fclose(in);
	return v;
}

static uint64_t meminfo_kib(const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	unsigned long long v = 0;
	FILE *in = fopen("/proc/meminfo", "re");

	if (!in)
		return 0;
	while (fgets(line, sizeof(line), in)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtoull(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(in);
	return v;
}

static uint64_t count_dir(const char *path)
{
	struct dirent *de;
	uint64_t n = 0;
	DIR *dir = opendir(path);

	if (!dir)
		return 0;
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/* Fabrics and their recorded nodes: what of N exists already. */
static void count_fabric_nodes(struct host_facts *f)
{
	char (*names)[FABRIC_NAME_MAX + 1];
	size_t count;

	if (state_list(&names, &count) < 0) {
		fail_clear();
		return;
	}
	f->fabrics = count;
	for (size_t i = 0; i < count; i++) {
		struct fabric_state st;

		if (state_load(names[i], &st) < 0) {
			fail_clear();
			continue;
		}
		f->fabric_nodes += st.n_nodes;
		state_free(&st);
	}
	free(names);
}

/* Can this process load BPF at all? "r0 = 0; exit" as a socket filter. */
static int probe_bpf(void)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = 2;
	attr.license = (uint64_t)(uintptr_t)"GPL";
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

struct nft_scan {
	enum forward_policy policy;
	char *chain;
	size_t chain_size;
};

static const char *nfproto_name(uint8_t family)
{
	switch (family) {
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_BRIDGE:
		return "bridge";
	default:
		return NULL;
	}
}

static int nft_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, NFTA_CHAIN_MAX) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

static int nft_hook_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, NFTA_HOOK_MAX) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

/* One chain of the dump: a base chain at the forward hook with policy drop? */
static int nft_chain_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[NFTA_CHAIN_MAX + 1] = { 0 };
	const struct nlattr *hook[NFTA_HOOK_MAX + 1] = { 0 };
	struct nft_scan *scan = data;
	const char *family = nfproto_name(nfg->nfgen_family);

	/* ip, inet and bridge chains all see bridged IPv4 (with br_netfilter). */
	if (!family)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*nfg), nft_attr_cb, tb) < 0 || !tb[NFTA_CHAIN_HOOK])
		return MNL_CB_OK;
	if (mnl_attr_parse_nested(tb[NFTA_CHAIN_HOOK], nft_hook_cb, hook) < 0 ||
	    !hook[NFTA_HOOK_HOOKNUM] ||
	    ntohl(mnl_attr_get_u32(hook[NFTA_HOOK_HOOKNUM])) != NF_INET_FORWARD)
		return MNL_CB_OK;
	if (scan->policy == FORWARD_NONE)
		scan->policy = FORWARD_ACCEPT;
	if (tb[NFTA_CHAIN_POLICY] && ntohl(mnl_attr_get_u32(tb[NFTA_CHAIN_POLICY])) == NF_DROP &&
	    scan->policy != FORWARD_DROP) {
		scan->policy = FORWARD_DROP;
		snprintf(scan->chain, scan->chain_size, "nft %s %s %s", family,
			 tb[NFTA_CHAIN_TABLE] ? mnl_attr_get_str(tb[NFTA_CHAIN_TABLE]) : "?",
			 tb[NFTA_CHAIN_NAME] ? mnl_attr_get_str(tb[NFTA_CHAIN_NAME]) : "?");
	}
	return MNL_CB_OK;
}

/* nftables: dump every chain (all families) over nfnetlink. */
static enum forward_policy nft_forward_policy(char *chain, size_t size)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 2];
	struct nft_scan scan = { FORWARD_NONE, chain, size };
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	uint32_t seq = 1, portid;
	ssize_t len;
	int ret = 0;

	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl)
		return FORWARD_UNKNOWN;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(nl);
		return FORWARD_UNKNOWN;
	}
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETCHAIN;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = NFPROTO_UNSPEC;
	nfg->version = NFNETLINK_V0;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		mnl_socket_close(nl);
		return FORWARD_UNKNOWN;
	}
	while ((len = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		ret = mnl_cb_run(buf, (size_t)len, seq, portid, nft_chain_cb, &scan);
		if (ret <= 0)
			break;
	}
	mnl_socket_close(nl);
	/* nf_tables not loaded: the dump fails, and nothing of it can drop. */
	if (len < 0 || (ret < 0 && errno != ENOENT && errno != EAFNOSUPPORT))
		return scan.policy == FORWARD_NONE ? FORWARD_UNKNOWN : scan.policy;
	return scan.policy;
}

static bool legacy_filter_loaded(void)
{
	char line[64];
	bool found = false;
	FILE *in = fopen("/proc/net/ip_tables_names", "re");

	if (!in)
		return false;
	while (fgets(line, sizeof(line), in))
		if (!strcmp(line, "filter\n"))
			found = true;
	fclose(in);
	return found;
}

/*
 * Legacy iptables: the built-in FORWARD chain's policy is the standard
 * target of the entry at its underflow offset. Asked only when the filter
 * table exists: asking would load iptable_filter otherwise.
 */
static enum forward_policy legacy_forward_policy(void)
{
	struct ipt_getinfo info = { .name = "filter" };
	struct ipt_get_entries *entries = NULL;
	socklen_t len = sizeof(info);
	enum forward_policy policy = FORWARD_UNKNOWN;
	int fd;

	if (!legacy_filter_loaded())
		return FORWARD_NONE;
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		return FORWARD_UNKNOWN;
	if (getsockopt(fd, SOL_IP, IPT_SO_GET_INFO, &info, &len) < 0 ||
	    !(info.valid_hooks & (1u << NF_INET_FORWARD)))
		goto out;
	len = (socklen_t)(sizeof(*entries) + info.size);
	entries = calloc(1, len);
	if (!entries)
		goto out;
	snprintf(entries->name, sizeof(entries->name), "filter");
	entries->size = info.size;
	if (getsockopt(fd, SOL_IP, IPT_SO_GET_ENTRIES, entries, &len) < 0)
		goto out;
	unsigned int off = info.underflow[NF_INET_FORWARD];
	if (off + sizeof(struct ipt_entry) + sizeof(struct xt_standard_target) > info.size)
		goto out;
	const struct ipt_entry *e = (const void *)((const char *)entries->entrytable + off);
	const struct xt_standard_target *t = (const void *)((const char *)e + e->target_offset);

	if (e->target_offset + sizeof(*t) > info.size - off)
		goto out;
	policy = t->verdict == -NF_DROP - 1 ? FORWARD_DROP : FORWARD_ACCEPT;
out:
	free(entries);
	close(fd);
	return policy;
}

static void read_forward_policy(struct host_facts *f)
{
	enum forward_policy legacy = legacy_forward_policy();

	f->forward = nft_forward_policy(f->forward_chain, sizeof(f->forward_chain));
	if (legacy == FORWARD_DROP) {
		f->forward = FORWARD_DROP;
		snprintf(f->forward_chain, sizeof(f->forward_chain),
			 "iptables-legacy filter FORWARD");
	} else if (legacy == FORWARD_UNKNOWN && f->forward != FORWARD_DROP) {
		f->forward = FORWARD_UNKNOWN;
	} else if (legacy == FORWARD_ACCEPT && f->forward == FORWARD_NONE) {
		f->forward = FORWARD_ACCEPT;
	}
}

int limits_read_facts(struct host_facts *f)
{
	static const char *const arp[3] = {
		"net.ipv4.neigh.default.gc_thresh1",
		"net.ipv4.neigh.default.gc_thresh2",
		"net.ipv4.neigh.default.gc_thresh3",
	};
	static const char *const nd[3] = {
		"net.ipv6.neigh.default.gc_thresh1",
		"net.ipv6.neigh.default.gc_thresh2",
		"net.ipv6.neigh.default.gc_thresh3",
	};
	struct rlimit rl;
	struct statfs sfs;
	struct stat sb;

	memset(f, 0, sizeof(*f));
	f->netdev_max_backlog = sysctl_value("net.core.netdev_max_backlog");
	for (int i = 0; i < 3; i++) {
		f->arp_gc_thresh[i] = sysctl_value(arp[i]);
		f->nd_gc_thresh[i] = sysctl_value(nd[i]);
	}
	f->arp_entries = neigh_entries("arp_cache");
	f->nd_entries = neigh_entries("ndisc_cache");
	f->max_net_namespaces = sysctl_value("user.max_net_namespaces");
	f->named_netns = count_dir("/run/netns");
	count_fabric_nodes(f);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		f->nofile_soft = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : rl.rlim_cur;
		f->nofile_hard = rl.rlim_max == RLIM_INFINITY ? UINT64_MAX : rl.rlim_max;
	}
	f->mem_available_kib = meminfo_kib("MemAvailable");
	if (stat("/sys/fs/bpf", &sb) < 0 || !S_ISDIR(sb.st_mode))
		f->bpffs = -1;
	else
		f->bpffs = statfs("/sys/fs/bpf", &sfs) == 0 && (uint32_t)sfs.f_type == BPF_FS_MAGIC;
	f->bpf_load = probe_bpf();
	f->btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	f->bridge_nf_call_iptables = (int)sysctl_value("net.bridge.bridge-nf-call-iptables");
	read_forward_policy(f);
	f->ip_forward = (int)sysctl_value("net.ipv4.ip_forward");
	return 0;
}

/* ------------------------------------------------------------ judging */

static struct host_limit *add_item(struct limit_report *r, const char *name, uint64_t current,
				   uint64_t needed, enum limit_severity sev, bool tunable)
{
	struct host_limit *l;

	if (r->n == LIMITS_MAX)
		return NULL;
	l = &r->items[r->n++];
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->current = current;
	l->needed = needed;
	l->severity = sev;
	l->tunable = tunable;
	return l;
}

static void item_text(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void item_text(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

#define WHAT(l, ...) do { if (l) item_text((l)->what, sizeof((l)->what), __VA_ARGS__); } while (0)
#define FIX(l, ...) do { if (l) item_text((l)->fix, sizeof((l)->fix), __VA_ARGS__); } while (0)

/* A sysctl item: FAIL/WARN below @needed (per @sev_low), the fix sets @needed. */
static struct host_limit *sysctl_item(struct limit_report *r, const char *name, int64_t current,
				      uint64_t needed, enum limit_severity sev_low)
{
	struct host_limit *l;

	if (current < 0) {
		l = add_item(r, name, 0, needed, LIMIT_WARN, false);
		WHAT(l, "cannot read /proc/sys for %s", name);
		return l;
	}
	l = add_item(r, name, (uint64_t)current, needed,
		     (uint64_t)current < needed ? sev_low : LIMIT_OK, true);
	if (l && l->severity != LIMIT_OK)
		FIX(l, "sysctl -w %s=%" PRIu64, name, needed);
	return l;
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

void limits_judge(const struct host_facts *f, uint64_t n_nodes, uint32_t cell_size,
		  struct limit_report *r)
{
	uint64_t cell_nodes = cell_size > 3 ? cell_size - 3 : 1;
	uint64_t per_cell = n_nodes < cell_nodes ? n_nodes : cell_nodes;
	uint64_t ports = per_cell + 1; /* + the router leg (the gateway, in one cell) */
	uint64_t cells = n_nodes ? div_up(n_nodes, cell_nodes) : 0;
	struct host_limit *l;
	uint64_t need;

	memset(r, 0, sizeof(*r));

	/* Bridge ports: a kernel constant, fixed only by smaller cells. */
	l = add_item(r, "bridge_ports", LIMITS_BR_MAX_PORTS, ports,
		     ports > LIMITS_BR_MAX_PORTS ? LIMIT_FAIL : LIMIT_OK, false);
	WHAT(l, "a cell's bridge takes %" PRIu64 " ports (%" PRIu64 " cell%s); the kernel takes %u",
	     ports, cells, cells == 1 ? "" : "s", LIMITS_BR_MAX_PORTS);
	if (l && l->severity == LIMIT_FAIL)
		FIX(l, "fabricctl create FABRIC --cell-size 512");

	/* Backlog: one flood per broadcast, all on one CPU. */
	need = ports + BACKLOG_MARGIN;
	l = sysctl_item(r, "net.core.netdev_max_backlog", f->netdev_max_backlog, need, LIMIT_WARN);
	if (l && f->netdev_max_backlog >= 0 && (uint64_t)f->netdev_max_backlog < ports)
		l->severity = LIMIT_FAIL;
	if (l && f->netdev_max_backlog >= 0)
		WHAT(l, "one ARP broadcast is queued %" PRIu64 " times on one CPU; %s",
		     ports, l->severity == LIMIT_FAIL ? "the rest of the flood is dropped" :
			    l->severity == LIMIT_WARN ? "little room for other traffic" :
			    "fits with room to spare");

	/* IPv4 neighbour table, global across namespaces. */
	need = 2 * n_nodes + ARP_MARGIN;
	l = sysctl_item(r, "net.ipv4.neigh.default.gc_thresh3", f->arp_gc_thresh[2], need,
			LIMIT_FAIL);
	if (l && f->arp_gc_thresh[2] >= 0)
		WHAT(l, "hard limit of ARP entries in all namespaces: 2 per node + %d (%" PRIu64
		     " in use now)%s", ARP_MARGIN, f->arp_entries,
		     l->severity == LIMIT_FAIL ? "; beyond it \"neighbor table overflow\"" : "");
	need = 2 * n_nodes + ARP_SOFT_MARGIN;
	l = sysctl_item(r, "net.ipv4.neigh.default.gc_thresh2", f->arp_gc_thresh[1], need,
			LIMIT_WARN);
	if (l && f->arp_gc_thresh[1] >= 0)
		WHAT(l, "soft limit: above it, ARP entries idle for 5 s are evicted and "
			"re-resolved");
	l = add_item(r, "net.ipv4.neigh.default.gc_thresh1",
		     f->arp_gc_thresh[0] < 0 ? 0 : (uint64_t)f->arp_gc_thresh[0], 0, LIMIT_OK,
		     false);
	WHAT(l, "below it the periodic GC rests; entries it removes cost one ARP: "
		"no need to raise");

	/* IPv6: fabric links carry none. */
	l = add_item(r, "net.ipv6.neigh.default.gc_thresh3",
		     f->nd_gc_thresh[2] < 0 ? 0 : (uint64_t)f->nd_gc_thresh[2], 0, LIMIT_OK, false);
	if (l && f->nd_gc_thresh[2] >= 0 &&
	    f->nd_entries + ARP_SOFT_MARGIN > (uint64_t)f->nd_gc_thresh[2]) {
		l->severity = LIMIT_WARN;
		l->needed = f->nd_entries + ARP_SOFT_MARGIN;
		WHAT(l, "fabric links carry no IPv6, but the host already holds %" PRIu64
		     " IPv6 neighbours", f->nd_entries);
		FIX(l, "sysctl -w net.ipv6.neigh.default.gc_thresh3=%" PRIu64, l->needed);
	} else {
		WHAT(l, "fabric links carry no IPv6: the IPv6 table does not grow with the fabric "
		     "(%" PRIu64 " entries now)", f->nd_entries);
	}

	/* Namespaces: every node, one router per fabric, the host's others. */
	uint64_t other_netns =
		f->named_netns > f->fabric_nodes ? f->named_netns - f->fabric_nodes : 0;
	need = n_nodes + other_netns + (f->fabrics ? f->fabrics : 1);
	l = sysctl_item(r, "user.max_net_namespaces", f->max_net_namespaces, need, LIMIT_FAIL);
	if (l && f->max_net_namespaces >= 0)
		WHAT(l, "one namespace per node and per fabric router, besides %" PRIu64
		     " other named namespaces", other_netns);

	/* Our own file descriptors. */
	l = add_item(r, "rlimit_nofile", f->nofile_soft, LIMITS_NOFILE_NEEDED,
		     f->nofile_soft < LIMITS_NOFILE_NEEDED ? LIMIT_WARN : LIMIT_OK, false);
	WHAT(l, "fabricctl holds namespace files open for a batch of 64 nodes at a time");
	if (l && l->severity != LIMIT_OK)
		FIX(l, "ulimit -n %u", f->nofile_hard >= 1024 ? 1024 : LIMITS_NOFILE_NEEDED);

	/* Kernel memory for the nodes not made yet. */
	uint64_t to_make = n_nodes > f->fabric_nodes ? n_nodes - f->fabric_nodes : 0;
	need = to_make * LIMITS_NODE_KIB;
	enum limit_severity sev = LIMIT_OK;
	if (need * 10 > f->mem_available_kib * 8)
		sev = LIMIT_FAIL;
	else if (need * 2 > f->mem_available_kib)
		sev = LIMIT_WARN;
	l = add_item(r, "mem_available_kib", f->mem_available_kib, need, sev, false);
	WHAT(l, "%" PRIu64 " more node%s at %u KiB of kernel memory each%s", to_make,
	     to_make == 1 ? "" : "s", LIMITS_NODE_KIB,
	     sev == LIMIT_FAIL ? ": more than 80% of MemAvailable" :
	     sev == LIMIT_WARN ? ": more than half of MemAvailable" : "");
	if (sev == LIMIT_FAIL)
		FIX(l, "free memory, or stay at %" PRIu64 " nodes in total (80%% of MemAvailable)",
		    f->fabric_nodes + f->mem_available_kib * 8 / 10 / LIMITS_NODE_KIB);

	/* BPF. */
	l = add_item(r, "bpffs", f->bpffs == 1, 1,
		     f->bpffs == 1 ? LIMIT_OK : f->bpffs == 0 ? LIMIT_WARN : LIMIT_FAIL, false);
	WHAT(l, "%s", f->bpffs == 1 ? "bpffs is mounted at /sys/fs/bpf" :
		      f->bpffs == 0 ? "bpffs is not mounted at /sys/fs/bpf; create mounts it" :
				      "no /sys/fs/bpf directory to pin the counters in");
	if (l && f->bpffs == 0)
		FIX(l, "mount -t bpf bpf /sys/fs/bpf");
	else if (l && f->bpffs < 0)
		FIX(l, "mount -t sysfs sysfs /sys");

	l = add_item(r, "bpf_prog_load", f->bpf_load == 0, 1,
		     f->bpf_load == 0 ? LIMIT_OK : LIMIT_FAIL, false);
	if (f->bpf_load == 0)
		WHAT(l, "a BPF program loads");
	else
		WHAT(l, "loading a BPF program fails: %s", strerror(-f->bpf_load));
	if (l && f->bpf_load == -EPERM)
		FIX(l, "run as root (CAP_BPF, CAP_NET_ADMIN), or "
		       "sysctl -w kernel.unprivileged_bpf_disabled=0");
	else if (l && f->bpf_load)
		FIX(l, "use a kernel built with CONFIG_BPF_SYSCALL");

	l = add_item(r, "btf", f->btf, 1, f->btf ? LIMIT_OK : LIMIT_WARN, false);
	WHAT(l, "%s", f->btf ? "kernel BTF at /sys/kernel/btf/vmlinux" :
			       "no /sys/kernel/btf/vmlinux: BPF error messages are less precise");
	if (l && !f->btf)
		FIX(l, "use a kernel built with CONFIG_DEBUG_INFO_BTF");

	/* Bridged traffic through the host's netfilter. */
	bool nf = f->bridge_nf_call_iptables == 1;
	if (f->forward == FORWARD_DROP) {
		/* A bridge-family chain drops even without br_netfilter. */
		bool bridge_chain = !strncmp(f->forward_chain, "nft bridge", 10);

		sev = nf || bridge_chain ? LIMIT_FAIL : LIMIT_OK;
	} else if (f->forward == FORWARD_UNKNOWN) {
		sev = nf ? LIMIT_WARN : LIMIT_OK;
	} else {
		sev = LIMIT_OK;
	}
	l = add_item(r, "forward_policy", f->forward != FORWARD_DROP, 1, sev, false);
	if (f->forward == FORWARD_DROP)
		WHAT(l, "%s has policy drop%s", f->forward_chain,
		     sev == LIMIT_FAIL ? ": bridged fabric traffic is dropped" :
					 " (bridged traffic does not pass it)");
	else if (f->forward == FORWARD_UNKNOWN)
		WHAT(l, "cannot read the host's FORWARD policy; a drop there breaks the fabric");
	else
		WHAT(l, "no forward chain drops by policy");
	if (l && sev != LIMIT_OK && !strncmp(f->forward_chain, "nft ", 4) &&
	    strcmp(f->forward_chain, "nft ip filter FORWARD"))
		/* A native nft chain: host veths and bridges are all FABRIC-*. */
		FIX(l, "nft insert rule %s iifname \"FABRIC-*\" accept", f->forward_chain + 4);
	else if (l && sev != LIMIT_OK)
		FIX(l, "iptables -I FORWARD -m physdev --physdev-is-bridged -j ACCEPT");

	l = add_item(r, "net.bridge.bridge-nf-call-iptables",
		     f->bridge_nf_call_iptables < 0 ? 0 : (uint64_t)f->bridge_nf_call_iptables, 0,
		     LIMIT_OK, false);
	if (f->bridge_nf_call_iptables < 0)
		WHAT(l, "br_netfilter is not loaded: bridged traffic skips iptables");
	else if (nf)
		WHAT(l, "bridged fabric traffic passes iptables FORWARD "
			"(slower; rules there apply)");
	else
		WHAT(l, "bridged traffic skips iptables");
	if (l && nf && sev != LIMIT_OK)
		FIX(l, "sysctl -w net.bridge.bridge-nf-call-iptables=0");

	l = add_item(r, "net.ipv4.ip_forward", f->ip_forward < 0 ? 0 : (uint64_t)f->ip_forward, 0,
		     LIMIT_OK, false);
	WHAT(l, "the host's own forwarding: fabricctl never changes it; cells route in the "
		"fabric's router namespace");
}

int limits_check(uint64_t n_nodes, uint32_t cell_size, struct limit_report *r)
{
	struct host_facts f;
	int err = limits_read_facts(&f);

	if (err)
		return err;
	limits_judge(&f, n_nodes, cell_size, r);
	return 0;
}

int limits_check_adding(uint64_t n_new, uint32_t cell_size, struct limit_report *r,
			uint64_t *n_total)
{
	struct host_facts f;
	int err = limits_read_facts(&f);

	if (err)
		return err;
	if (n_total)
		*n_total = f.fabric_nodes + n_new;
	limits_judge(&f, f.fabric_nodes + n_new, cell_size, r);
	return 0;
}

int limits_refuse(const struct limit_report *r, uint64_t n_total)
{
	char text[1200];
	size_t len = 0;

	for (size_t i = 0; i < r->n && len < sizeof(text); i++) {
		const struct host_limit *l = &r->items[i];

		if (l->severity != LIMIT_FAIL)
			continue;
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"%s%s is %" PRIu64 ", needs %" PRIu64 " (`%s`)",
					len ? "; " : "", l->name, l->current, l->needed,
					l->fix[0] ? l->fix : "no fix");
	}
	return fail_msg(-ERANGE,
			"%" PRIu64 " nodes in all would overrun this host's limits: %s; create "
			"the fabric with --tune to raise the sysctls, or see `fabricctl doctor "
			"--nodes %" PRIu64 "`",
			n_total, text, n_total);
}

bool limits_failed(const struct limit_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].severity == LIMIT_FAIL)
			return true;
	return false;
}

bool limits_all_tunable(const struct limit_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].severity == LIMIT_FAIL && !r->items[i].tunable)
			return false;
	return true;
}

const struct host_limit *limits_find(const struct limit_report *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->items[i].name, name))
			return &r->items[i];
	return NULL;
}

const char *limit_severity_name(enum limit_severity s)
{
	return s == LIMIT_FAIL ? "fail" : s == LIMIT_WARN ? "warn" : "ok";
}

/* ------------------------------------------------------------- tuning */

struct tune_entry {
	char name[64];
	uint64_t previous, applied;
};

struct tune_record {
	struct tune_entry e[TUNE_MAX];
	size_t n;
};

static void tune_path(char *buf, size_t size, const char *fabric, const char *suffix)
{
	snprintf(buf, size, STATE_ROOT "/%s/" TUNE_FILE "%s", fabric, suffix);
}

/* Read a record: -ENOENT when the fabric was not tuned. */
static int tune_load(const char *fabric, struct tune_record *rec)
{
	char path[256], line[160];
	FILE *in;
	int err;

	memset(rec, 0, sizeof(*rec));
	tune_path(path, sizeof(path), fabric, "");
	in = record_open_read(path, &err);
	if (!in)
		return err;
	while (fgets(line, sizeof(line), in)) {
		struct tune_entry *t = &rec->e[rec->n];
		char name[64];
		unsigned long long prev, applied;

		if (sscanf(line, "%63s %llu %llu", name, &prev, &applied) != 3 ||
		    strchr(name, '/') || rec->n == TUNE_MAX) {
			fclose(in);
			return fail_msg(-EBADMSG, "\"%s\" is corrupt", path);
		}
		snprintf(t->name, sizeof(t->name), "%s", name);
		t->previous = prev;
		t->applied = applied;
		rec->n++;
	}
	fclose(in);
	return 0;
}

/* Replace the record atomically (see atomic_file.h). */
static int tune_save(const char *fabric, const struct tune_record *rec)
{
	struct atomic_file f;
	char path[256];
	int err;

	tune_path(path, sizeof(path), fabric, "");
	err = atomic_file_open(&f, path);
	if (err)
		return err;
	for (size_t i = 0; i < rec->n; i++)
		fprintf(f.out, "%s %" PRIu64 " %" PRIu64 "\n", rec->e[i].name, rec->e[i].previous,
			rec->e[i].applied);
	return atomic_file_commit(&f);
}

static struct tune_entry *tune_find(struct tune_record *rec, const char *name)
{
	for (size_t i = 0; i < rec->n; i++)
		if (!strcmp(rec->e[i].name, name))
			return &rec->e[i];
	return NULL;
}

/* One lock for every fabric's record: tuning is a host-wide affair. */
static int tune_lock(void)
{
	int fd, err = state_root_prepare();

	if (err)
		return err;
	fd = open(TUNE_LOCK, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail(-errno, "cannot open \"%s\"", TUNE_LOCK);
	if (flock(fd, LOCK_EX) < 0) {
		err = -errno;
		close(fd);
		return fail(err, "cannot lock \"%s\"", TUNE_LOCK);
	}
	return fd;
}

bool tune_enabled(const char *fabric)
{
	char path[256];
	struct stat sb;

	tune_path(path, sizeof(path), fabric, "");
	return lstat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

int tune_enable(const char *fabric)
{
	struct tune_record rec = { 0 };
	int fd, err;

	if (tune_enabled(fabric))
		return 0;
	fd = tune_lock();
	if (fd < 0)
		return fd;
	err = tune_save(fabric, &rec);
	close(fd);
	return err;
}

int tune_apply(const char *fabric, const struct limit_report *r)
{
	struct tune_record rec;
	struct host_limit raise[LIMITS_MAX];
	size_t n_raise = 0;
	int fd, err;

	fd = tune_lock();
	if (fd < 0)
		return fd;
	err = tune_load(fabric, &rec);
	if (err == -ENOENT)
		err = 0; /* tune_apply() without tune_enable(): the record starts here */
	if (err)
		goto out;
	for (size_t i = 0; i < r->n; i++) {
		const struct host_limit *l = &r->items[i];
		struct tune_entry *t;
		int64_t now;

		if (!l->tunable || l->severity == LIMIT_OK)
			continue;
		/* Read again: the report may be older than the last change. */
		err = sysctl_read(l->name, &now);
		if (err) {
			err = fail(err, "cannot read %s", l->name);
			goto out;
		}
		if (now >= 0 && (uint64_t)now >= l->needed)
			continue;
		t = tune_find(&rec, l->name);
		if (!t) {
			if (rec.n == TUNE_MAX) {
				err = fail_msg(-E2BIG, "too many tuned limits for fabric \"%s\"",
					       fabric);
				goto out;
			}
			t = &rec.e[rec.n++];
			snprintf(t->name, sizeof(t->name), "%s", l->name);
			t->previous = (uint64_t)now; /* the first value we saw is kept */
		}
		t->applied = l->needed;
		raise[n_raise++] = *l;
	}
	if (!n_raise)
		goto out;
	/* Record first: a crash after this still knows what to put back. */
	err = tune_save(fabric, &rec);
	for (size_t i = 0; !err && i < n_raise; i++)
		err = sysctl_write(raise[i].name, raise[i].needed);
out:
	close(fd);
	return err;
}

/* Other fabrics' names with a tuned record, except @fabric: the first one. */
static bool other_tuned_fabric(const char *fabric, char *other, size_t size)
{
	struct dirent *de;
	bool found = false;
	DIR *dir = opendir(STATE_ROOT);

	if (!dir)
		return false;
	while (!found && (de = readdir(dir))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, fabric) ||
		    strlen(de->d_name) > FABRIC_NAME_MAX || !tune_enabled(de->d_name))
			continue;
		snprintf(other, size, "%s", de->d_name);
		found = true;
	}
	closedir(dir);
	return found;
}

/*
 * Hand our record to a fabric still tuned: it restores when it goes. Where
 * it raised a limit after us, its "previous" is our "applied": the value
 * before fabricctl is ours.
 */
static int tune_hand_over(const struct tune_record *ours, const char *heir)
{
	struct tune_record rec;
	int err = tune_load(heir, &rec);

	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	for (size_t i = 0; i < ours->n; i++) {
		struct tune_entry *t = tune_find(&rec, ours->e[i].name);

		if (!t) {
			if (rec.n == TUNE_MAX)
				return fail_msg(-E2BIG,
						"too many tuned limits for fabric \"%s\"", heir);
			rec.e[rec.n++] = ours->e[i];
		} else if (t->previous == ours->e[i].applied) {
			/* The heir raised after us: the value before us is the host's. */
			t->previous = ours->e[i].previous;
		} else if (t->applied == ours->e[i].previous) {
			/* We raised after the heir: it now owns our value, to restore from. */
			t->applied = ours->e[i].applied;
		}
	}
	return tune_save(heir, &rec);
}

int tune_restore(const char *fabric)
{
	struct tune_record rec;
	char path[256], heir[FABRIC_NAME_MAX + 1];
	int fd, err;

	fd = tune_lock();
	if (fd < 0)
		return fd;
	err = tune_load(fabric, &rec);
	if (err == -ENOENT) {
		err = 0;
		goto out;
	}
	if (err)
		goto out;
	if (other_tuned_fabric(fabric, heir, sizeof(heir))) {
		err = tune_hand_over(&rec, heir);
	} else {
		for (size_t i = 0; i < rec.n && !err; i++) {
			int64_t now;

			/* Changed since by someone else: theirs now, left alone. */
			if (sysctl_read(rec.e[i].name, &now) || now < 0 ||
			    (uint64_t)now != rec.e[i].applied)
				continue;
			err = sysctl_write(rec.e[i].name, rec.e[i].previous);
		}
	}
	if (err)
		goto out;
	tune_path(path, sizeof(path), fabric, "");
	if (unlink(path) < 0 && errno != ENOENT)
		err = fail(-errno, "cannot remove \"%s\"", path);
	tune_path(path, sizeof(path), fabric, ".tmp");
	unlink(path);
out:
	close(fd);
	return err;
}
