// SPDX-License-Identifier: GPL-2.0-only
/*
 * fabricctl-cni: main. Reads the request (environment and stdin), answers
 * on stdout (a result, nothing, or a typed error with exit status 1), as
 * the CNI spec says. VERSION is answered before anything else is read or
 * touched: podman asks it of every plugin on every command.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/errors.h"
#include "cni/cni.h"

#define STDIN_MAX (1 << 20)

static char *read_stdin(void)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	while (buf) {
		ssize_t r;

		if (n + 1 >= cap) {
			char *more = cap < STDIN_MAX ? realloc(buf, cap * 2) : NULL;

			if (!more) {
				free(buf);
				return NULL;
			}
			buf = more;
			cap *= 2;
		}
		r = read(0, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (buf)
		buf[n] = '\0';
	return buf;
}

static const char *env_or_null(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] ? v : NULL;
}

/* The variables @command needs: 0 or -1 (error 4 recorded). */
static int env_check(const struct cni_env *env)
{
	bool attach = !strcmp(env->command, "ADD") || !strcmp(env->command, "DEL") ||
		      !strcmp(env->command, "CHECK");

	if (!attach)
		return 0;
	if (!env->container_id)
		return cni_fail(CNI_ERR_ENV, "CNI_CONTAINERID is not set");
	if (!env->ifname)
		return cni_fail(CNI_ERR_ENV, "CNI_IFNAME is not set");
	if (!env->netns && strcmp(env->command, "DEL"))
		return cni_fail(CNI_ERR_ENV, "CNI_NETNS is not set");
	return 0;
}

static void usage(void)
{
	fputs("fabricctl-cni: the CNI plugin of fabricctl (CNI " CNI_SPEC_VERSION
	      ", also 0.3.0, 0.3.1, 0.4.0, 1.0.0).\n"
	      "Container runtimes run it with CNI_COMMAND=ADD|DEL|CHECK|STATUS|GC|VERSION "
	      "and a configuration on stdin;\nsee fabricctl-cni(8).\n",
	      stderr);
}

int main(int argc, char **argv)
{
	struct cni_env env = {
		.command = env_or_null("CNI_COMMAND"),
		.container_id = env_or_null("CNI_CONTAINERID"),
		.netns = env_or_null("CNI_NETNS"),
		.ifname = env_or_null("CNI_IFNAME"),
		.args = env_or_null("CNI_ARGS"),
		.path = env_or_null("CNI_PATH"),
	};
	struct cni_conf conf = {0};
	char *text = NULL;
	int err = -1;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
			 !strcmp(argv[1], "--version"))) {
		if (!strcmp(argv[1], "--version"))
			printf("fabricctl-cni %s (CNI %s)\n", FABRICCTL_VERSION, CNI_SPEC_VERSION);
		else
			usage();
		return 0;
	}
	if (!env.command) {
		cni_fail(CNI_ERR_ENV, "CNI_COMMAND is not set (fabricctl-cni is run by a "
				      "container runtime; see fabricctl-cni(8))");
		goto answer;
	}
	text = read_stdin();
	if (!text) {
		cni_fail(CNI_ERR_IO, "cannot read the configuration from stdin");
		goto answer;
	}
	if (!strcmp(env.command, "VERSION")) {
		/* No side effects: only the version the runtime speaks, if it says one. */
		if (cni_conf_parse(text, &conf, false) == 0 || cni_error_code() != CNI_ERR_DECODE) {
			cni_write_versions(stdout, conf.version[0] ? conf.version : NULL);
			err = 0;
		}
		goto answer;
	}
	if (cni_conf_parse(text, &conf, true) || env_check(&env))
		goto answer;
	if (!strcmp(env.command, "ADD"))
		err = cni_cmd_add(&env, &conf, stdout);
	else if (!strcmp(env.command, "DEL"))
		err = cni_cmd_del(&env, &conf);
	else if (!strcmp(env.command, "CHECK"))
		err = cni_cmd_check(&env, &conf);
	else if (!strcmp(env.command, "STATUS"))
		err = cni_cmd_status(&conf);
	else if (!strcmp(env.command, "GC"))
		err = cni_cmd_gc(&conf);
	else
		cni_fail(CNI_ERR_ENV, "unknown CNI_COMMAND \"%s\"", env.command);
answer:
	if (err) {
		cni_write_error(stdout, conf.version[0] ? conf.version : NULL);
		fprintf(stderr, "fabricctl-cni: %s\n", cni_error_msg());
	}
	cni_conf_free(&conf);
	free(text);
	return err ? 1 : 0;
}
