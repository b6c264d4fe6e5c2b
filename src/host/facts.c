// SPDX-License-Identifier: GPL-2.0-only
/* Reading the host's facts: /proc, /sys, rlimits and two kernel probes. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "host/facts.h"
#include "kernel/bpf_probe.h"
#include "kernel/sysctl.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

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

int host_facts_read(struct host_facts *f)
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
	f->ip6_route_max_size = sysctl_value("net.ipv6.route.max_size");
	f->max_net_namespaces = sysctl_value("user.max_net_namespaces");
	f->named_netns = count_dir("/run/netns");
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		f->nofile_soft = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : rl.rlim_cur;
		f->nofile_hard = rl.rlim_max == RLIM_INFINITY ? UINT64_MAX : rl.rlim_max;
	}
	f->mem_available_kib = meminfo_kib("MemAvailable");
	if (stat("/sys/fs/bpf", &sb) < 0 || !S_ISDIR(sb.st_mode))
		f->bpffs = -1;
	else
		f->bpffs = statfs("/sys/fs/bpf", &sfs) == 0 && (uint32_t)sfs.f_type == BPF_FS_MAGIC;
	f->bpf_load = bpf_probe_load();
	f->btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	f->bridge_nf_call_iptables = (int)sysctl_value("net.bridge.bridge-nf-call-iptables");
	f->forward = nf_forward_policy(f->forward_chain, sizeof(f->forward_chain));
	f->ip_forward = (int)sysctl_value("net.ipv4.ip_forward");
	return 0;
}
