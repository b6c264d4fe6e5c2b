// SPDX-License-Identifier: GPL-2.0-only
/*
 * fabricctl: a fabric of network namespaces on one host, counted in eBPF.
 * main() strips the global options, checks privileges, dispatches through
 * the command table and is the one place that prints an error.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "commands.h"
#include "errors.h"
#include "output.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const struct cmd commands[] = {
	{ "create", cmd_create, "make a fabric: a bridge, a subnet, the counting program", true },
	{ "add-node", cmd_add_node, "add namespaces (nodes) to a fabric", true },
	{ "del-node", cmd_del_node, "delete nodes from a fabric", true },
	{ "destroy", cmd_destroy, "remove a fabric and everything it made", true },
	{ "list", cmd_list, "list fabrics", true },
	{ "show", cmd_show, "show a fabric's nodes", true },
	{ "stats", cmd_stats, "per-node traffic counters (table, JSON, Prometheus, rates)", true },
	{ "exec", cmd_exec, "run a command inside a node", true },
	{ "check", cmd_check, "compare a fabric's record with the kernel; --repair mends it", true },
	{ "doctor", cmd_doctor, "check this host's limits for a fabric of N nodes", true },
	{ "help", cmd_help, "this help", false },
	{ "version", cmd_version, "print the version", false },
	{ NULL, NULL, NULL, false },
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: fabricctl [OPTIONS] COMMAND [ARGS...]\n"
		"\n"
		"Build a layer-2 fabric of many network namespaces (\"nodes\") on this host,\n"
		"each attached to the fabric's bridge by one veth pair, with addresses from\n"
		"the fabric's subnet and every node's traffic counted by an eBPF tc program.\n"
		"Nodes are ordinary named namespaces: `ip netns exec NODE ...` works on them.\n"
		"\n"
		"Commands:\n");
	for (const struct cmd *c = commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fprintf(out,
		"\n"
		"Options (anywhere before \"--\"):\n"
		"  -j, --json      JSON output (errors too: {\"error\": \"...\"} on stdout)\n"
		"  -p, --pretty    indented JSON (implies --json)\n"
		"  -q, --quiet     no progress or summary lines\n"
		"  -V, --version   print the version and exit\n"
		"  -h, --help      this help; `fabricctl COMMAND --help` for a command's\n"
		"\n"
		"Exit status: 0 success, 1 failure, 2 usage error.\n"
		"Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_BPF). State lives in /run/fabricctl,\n"
		"BPF pins in /sys/fs/bpf/fabricctl; both vanish at reboot, like the fabric.\n"
		"\n"
		"Example:\n"
		"  fabricctl create lab --subnet 10.42.0.0/16\n"
		"  fabricctl add-node lab --count 100\n"
		"  fabricctl exec lab lab-n1 -- ping -c1 10.42.0.3\n"
		"  fabricctl stats lab\n"
		"  fabricctl destroy lab\n");
}

static int cmd_help(int argc, char **argv)
{
	if (argc > 1) {
		for (const struct cmd *c = commands; c->name; c++) {
			if (!strcmp(c->name, argv[1])) {
				char *help_argv[] = { argv[1], (char *)"--help", NULL };
				return c->func(2, help_argv);
			}
		}
		return fail_usage("unknown command \"%s\"; see `fabricctl help`", argv[1]);
	}
	usage(stdout);
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("fabricctl %s\n", FABRICCTL_VERSION);
	return 0;
}

/* Effective CAP_NET_ADMIN and CAP_SYS_ADMIN (namespaces, mounts). */
static bool has_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data) < 0)
		return geteuid() == 0;
	return (data[0].effective & (1u << CAP_NET_ADMIN)) &&
	       (data[0].effective & (1u << CAP_SYS_ADMIN));
}

/* Remove global options from argv (before "--"); returns the new argc or -EUSAGE. */
static int strip_global_options(int argc, char **argv, bool *want_help, bool *want_version)
{
	int out = 1;
	bool in_exec = false, seen_cmd = false;

	for (int i = 1; i < argc; i++) {
		char *a = argv[i];

		if (!in_exec && !strcmp(a, "--")) {
			/* keep "--" and everything after it */
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!in_exec && (!strcmp(a, "-j") || !strcmp(a, "--json"))) {
			json_output = true;
		} else if (!in_exec && (!strcmp(a, "-p") || !strcmp(a, "--pretty"))) {
			json_output = pretty_output = true;
		} else if (!in_exec && (!strcmp(a, "-q") || !strcmp(a, "--quiet"))) {
			quiet_output = true;
		} else if (!seen_cmd && (!strcmp(a, "-V") || !strcmp(a, "--version"))) {
			*want_version = true;
		} else if (!seen_cmd && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
			*want_help = true;
		} else if (!seen_cmd && a[0] == '-') {
			return fail_usage("unknown option \"%s\"; see `fabricctl --help`", a);
		} else {
			if (!seen_cmd && !strcmp(a, "exec"))
				in_exec = true; /* the node's command keeps its options */
			seen_cmd = true;
			argv[out++] = a;
		}
	}
	argv[out] = NULL;
	return out;
}

static void print_error(void)
{
	const char *msg = fail_message();
	char line[1600];

	if (!msg)
		msg = "failed";
	if (fail_context()[0])
		snprintf(line, sizeof(line), "%s: %s", fail_context(), msg);
	else
		snprintf(line, sizeof(line), "%s", msg);
	if (json_output) {
		printf("{\"error\":");
		json_escape(stdout, line);
		printf("}\n");
	} else {
		fprintf(stderr, "fabricctl: %s\n", line);
	}
}

int main(int argc, char **argv)
{
	bool want_help = false, want_version = false;
	const struct cmd *cmd = NULL;
	int ret;

	argc = strip_global_options(argc, argv, &want_help, &want_version);
	if (argc < 0) {
		print_error();
		return EXIT_USAGE;
	}
	if (want_version)
		return cmd_version(0, NULL), EXIT_OK;
	if (want_help || argc < 2) {
		usage(argc < 2 && !want_help ? stderr : stdout);
		return want_help ? EXIT_OK : EXIT_USAGE;
	}
	for (const struct cmd *c = commands; c->name; c++)
		if (!strcmp(c->name, argv[1]))
			cmd = c;
	if (!cmd) {
		fail_usage("unknown command \"%s\"; see `fabricctl help`", argv[1]);
		print_error();
		return EXIT_USAGE;
	}
	cmd_context(cmd->name, NULL);
	/* "--help" needs no privileges; everything else is checked first. */
	bool asks_help = false;
	for (int i = 2; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			asks_help = true;
	if (cmd->needs_root && !asks_help && !has_privileges()) {
		fail_msg(-EPERM, "needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_BPF)");
		print_error();
		return EXIT_FAIL;
	}
	ret = cmd->func(argc - 1, argv + 1);
	fflush(stdout);
	if (ret == 0)
		return EXIT_OK;
	if (ret == -EREPORTED)
		return EXIT_FAIL;
	print_error();
	return fail_is_usage() || ret == -EUSAGE ? EXIT_USAGE : EXIT_FAIL;
}
