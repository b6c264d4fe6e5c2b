// SPDX-License-Identifier: GPL-2.0-only
/* The host's FRR: facts, and vtysh run with an argument vector. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/errors.h"
#include "host/frr.h"

extern char **environ;

static pid_t pid_of(const char *daemon)
{
	char path[64];
	long pid = 0;
	FILE *f;

	snprintf(path, sizeof(path), FRR_RUN "/%s.pid", daemon);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 0 || kill((pid_t)pid, 0))
		pid = 0;
	fclose(f);
	return (pid_t)pid;
}

static bool cmdline_has_netns(pid_t pid)
{
	char path[64], buf[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	for (ssize_t i = 0; i < n;) {
		const char *a = buf + i;

		if (!strcmp(a, "-n") || !strcmp(a, "--vrfwnetns"))
			return true;
		i += (ssize_t)strlen(a) + 1;
	}
	return false;
}

/* zebra's /run/netns, seen through /proc/PID/root (its mount namespace). */
static void zebra_netns_path(pid_t pid, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/%d/root/run/netns", (int)pid);
}

/* Is zebra's /run/netns FRR_NETNS_DIR? Two stats: cheap enough for every probe. */
static bool zebra_scoped(pid_t pid)
{
	struct stat theirs, ours;
	char path[64];

	zebra_netns_path(pid, path, sizeof(path));
	return !stat(path, &theirs) && !stat(FRR_NETNS_DIR, &ours) &&
	       theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino;
}

unsigned int frr_zebra_netns_count(void)
{
	unsigned int n = 0;
	struct dirent *de;
	char path[64];
	pid_t z = pid_of("zebra");
	DIR *d;

	if (z <= 0)
		return 0;
	zebra_netns_path(z, path, sizeof(path));
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

void frr_probe(struct frr_facts *f)
{
	pid_t z;

	memset(f, 0, sizeof(*f));
	f->installed = !access(FRR_SBIN "/zebra", X_OK) && !access(FRR_SBIN "/bgpd", X_OK) &&
		       !access(FRR_VTYSH, X_OK);
	z = pid_of("zebra");
	f->zebra = z > 0;
	f->bgpd = pid_of("bgpd") > 0;
	f->netns_vrf = z > 0 && cmdline_has_netns(z);
	f->scoped = z > 0 && zebra_scoped(z);
}

const char *frr_missing(const struct frr_facts *f)
{
	if (!f->installed)
		return "FRR is not installed (apt-get install frr): a fabric over hosts needs its "
		       "zebra, bgpd and vtysh";
	if (!f->zebra || !f->bgpd)
		return "FRR's zebra and bgpd are not both running (no live pid in " FRR_RUN
		       "/zebra.pid, bgpd.pid): start FRR with bgpd enabled in /etc/frr/daemons";
	if (!f->netns_vrf)
		return "zebra runs without the netns VRF backend: add -n to zebra_options in "
		       "/etc/frr/daemons and restart FRR (the fabric's router namespace is its "
		       "VRF)";
	return NULL;
}

int frr_vtysh(const char *const *args, char **out)
{
	const char *argv[160];
	size_t argc = 0, len = 0, cap = 65536;
	posix_spawn_file_actions_t fa;
	int pipefd[2], status, err;
	char *buf;
	pid_t pid;

	argv[argc++] = FRR_VTYSH;
	while (*args && argc < 159)
		argv[argc++] = *args++;
	argv[argc] = NULL;
	if (out)
		*out = NULL;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	if (pipe2(pipefd, O_CLOEXEC)) {
		free(buf);
		return fail(-errno, "cannot run vtysh");
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	err = posix_spawn(&pid, FRR_VTYSH, &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (err) {
		close(pipefd[0]);
		free(buf);
		return fail(-err, "cannot run " FRR_VTYSH);
	}
	for (;;) {
		ssize_t n;

		if (len + 1 == cap && cap < (1u << 20)) {
			char *b = realloc(buf, cap * 2);

			if (!b)
				break;
			buf = b;
			cap *= 2;
		}
		n = read(pipefd[0], buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		char *nl = strchr(buf, '\n');

		if (nl)
			*nl = 0;
		err = fail_msg(-EIO, "vtysh %s failed: %s", argv[1] ? argv[1] : "",
			       buf[0] ? buf : "no output");
		free(buf);
		return err;
	}
	if (out)
		*out = buf;
	else
		free(buf);
	return 0;
}

void frr_count_established(const char *json, unsigned int *peers, unsigned int *established)
{
	*peers = *established = 0;
	for (const char *p = json; (p = strstr(p, "\"state\":")); p += 8) {
		const char *v = p + 8;

		while (*v == ' ')
			v++;
		(*peers)++;
		if (!strncmp(v, "\"Established\"", 13))
			(*established)++;
	}
}
