// SPDX-License-Identifier: GPL-2.0-only
/*
 * fabricctl: fabrics of network namespaces on one host, counted in eBPF.
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

#include "base/errors.h"
#include "base/json_writer.h"
#include "cli/cmd_common.h"
#include "cli/commands.h"
#include "kernel/sysctl.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const struct cmd commands[] = {
	{"create", cmd_create, "make a fabric: its first cell, a subnet, the counting program",
	 true},
	{"add-node", cmd_add_node, "add namespaces (nodes) to a fabric", true},
	{"del-node", cmd_del_node, "delete nodes from a fabric", true},
	{"destroy", cmd_destroy, "remove a fabric and everything it made", true},
	{"list", cmd_list, "list fabrics", true},
	{"show", cmd_show, "show a fabric's nodes", true},
	{"stats", cmd_stats, "per-node traffic counters (table, JSON, Prometheus, rates)", true},
	{"impair", cmd_impair, "delay, loss and rate-limit nodes' links (netem, tbf)", true},
	{"apply", cmd_apply, "make a fabric what a lab file (YAML, JSON) describes", true},
	{"export", cmd_export, "print a running fabric as a lab file for apply", true},
	{"top", cmd_top, "a live full-screen view of a fabric's traffic, like top", true},
	{"exporter", cmd_exporter, "serve every fabric's counters to Prometheus at /metrics", true},
	{"exec", cmd_exec, "run a command inside a node", true},
	{"check", cmd_check, "compare a fabric's record with the kernel; --repair mends it", true},
	{"doctor", cmd_doctor, "check this host's limits for a fabric of N nodes", true},
	{"help", cmd_help, "this help, or a command's: help COMMAND", false},
	{"version", cmd_version, "print the version", false},
	{NULL, NULL, NULL, false},
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: fabricctl [OPTIONS] COMMAND [ARGS...]\n"
		"\n"
		"Build fabrics of many network namespaces (\"nodes\") on this host: each node\n"
		"is attached by one veth pair to its cell's bridge, gets an address from the\n"
		"fabric's subnet, and has its traffic counted by an eBPF tc program. Cells of\n"
		"a large fabric are joined by a router namespace of the fabric's own. Nodes\n"
		"are ordinary named namespaces: `ip netns exec NODE ...` works on them.\n"
		"\n"
		"Commands:\n");
	for (const struct cmd *c = commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fprintf(out,
		"\n"
		"Options (anywhere before the command's \"--\"; for exec, before its COMMAND):\n"
		"  -j, --json      JSON output (errors too: {\"error\": \"...\"} on stdout)\n"
		"  -p, --pretty    indented JSON (implies --json)\n"
		"  -q, --quiet     no progress or summary lines\n"
		"  -V, --version   print the version and exit\n"
		"  -h, --help      this help; `fabricctl COMMAND --help` for a command's\n"
		"\n"
		"Exit status: 0 success, 1 failure, 2 usage error.\n"
		"Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_BPF). State lives in "
		"/run/fabricctl,\n"
		"BPF pins in /sys/fs/bpf/fabricctl; both vanish at reboot, like the fabric.\n"
		"\n"
		"Example:\n"
		"  fabricctl create lab --subnet 10.42.0.0/16\n"
		"  fabricctl add-node lab --count 100\n"
		"  fabricctl exec lab lab-n1 -- ping -c1 10.42.0.3\n"
		"  fabricctl stats lab\n"
		"  fabricctl destroy lab\n");
}

static const struct cmd *find_command(const char *name)
{
	for (const struct cmd *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static int cmd_help(int argc, char **argv)
{
	const struct cmd *c;

	if (argc > 2)
		return fail_usage("help takes at most one COMMAND; see `fabricctl help`");
	if (argc == 1) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		puts("Usage: fabricctl help [COMMAND]\n\n"
		     "Print the usage (the commands and the global options), or COMMAND's help\n"
		     "as `fabricctl COMMAND --help` prints it.");
		return 0;
	}
	c = find_command(argv[1]);
	if (!c)
		return fail_usage("unknown command \"%s\"; see `fabricctl help`", argv[1]);
	if (c->func == cmd_help) {
		usage(stdout);
		return 0;
	}
	char *help_argv[] = {argv[1], (char *)"--help", NULL};
	return c->func(2, help_argv);
}

static int cmd_version(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		puts("Usage: fabricctl version\n\nPrint fabricctl's version (with -j: "
		     "{\"version\": \"...\"}).");
		return 0;
	}
	if (argc > 1)
		return fail_usage("version takes no arguments");
	if (cli_out.json) {
		struct printer p;

		cli_printer(&p);
		print_open_object(&p, NULL);
		print_string(&p, "version", NULL, FABRICCTL_VERSION);
		print_close_object(&p);
		print_end(&p);
	} else {
		printf("fabricctl %s\n", FABRICCTL_VERSION);
	}
	return 0;
}

/*
 * Effective CAP_NET_ADMIN, CAP_SYS_ADMIN (namespaces, mounts) and CAP_BPF
 * (loading and pinning; kernels before 5.8 know no CAP_BPF and ask for
 * CAP_SYS_ADMIN instead).
 */
static bool has_privileges(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {0};
	int64_t last_cap = -1;
	bool bpf;

	if (syscall(SYS_capget, &hdr, data) < 0)
		return geteuid() == 0;
	if (sysctl_read("kernel.cap_last_cap", &last_cap) < 0)
		last_cap = -1;
	bpf = last_cap < CAP_BPF || (data[CAP_BPF / 32].effective & (1u << (CAP_BPF % 32)));
	return (data[0].effective & (1u << CAP_NET_ADMIN)) &&
	       (data[0].effective & (1u << CAP_SYS_ADMIN)) && bpf;
}

static bool is_global_option(const char *a)
{
	return !strcmp(a, "-j") || !strcmp(a, "--json") || !strcmp(a, "-p") ||
	       !strcmp(a, "--pretty") || !strcmp(a, "-q") || !strcmp(a, "--quiet");
}

/*
 * Remove the global options from argv: anywhere before "--", except that
 * for exec everything from the node's COMMAND on is the command's own
 * (exec FABRIC NODE [--] COMMAND...). Returns the new argc or -EUSAGE.
 */
static int strip_global_options(int argc, char **argv, bool *want_help, bool *want_version)
{
	int out = 1, operands = 0;
	bool seen_cmd = false, is_exec = false;

	for (int i = 1; i < argc; i++) {
		char *a = argv[i];

		if (!strcmp(a, "--") || (is_exec && operands == 2 && a[0] != '-')) {
			/* keep "--" (or exec's COMMAND) and everything after it */
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if (is_global_option(a)) {
			if (a[1] == 'j' || !strcmp(a, "--json"))
				cli_out.json = true;
			else if (a[1] == 'p' || !strcmp(a, "--pretty"))
				cli_out.json = cli_out.pretty = true;
			else
				cli_out.quiet = true;
			continue;
		}
		if (!seen_cmd && (!strcmp(a, "-V") || !strcmp(a, "--version"))) {
			*want_version = true;
		} else if (!seen_cmd && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
			*want_help = true;
		} else if (!seen_cmd && a[0] == '-') {
			return fail_usage("unknown option \"%s\"; see `fabricctl --help`", a);
		} else {
			if (!seen_cmd)
				is_exec = !strcmp(a, "exec");
			else if (a[0] != '-')
				operands++;
			seen_cmd = true;
			argv[out++] = a;
		}
	}
	argv[out] = NULL;
	return out;
}

/* Does the command's own argument list ask for --help (before "--", or exec's COMMAND)? */
static bool asks_help(const struct cmd *cmd, int argc, char **argv)
{
	if (cmd->func == cmd_exec)
		return argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"));
	for (int i = 2; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

static void print_error(void)
{
	const char *msg = fail_message();
	char line[1600];

	if (!msg)
		msg = "failed";
	if (cmd_context_text()[0])
		snprintf(line, sizeof(line), "%s: %s", cmd_context_text(), msg);
	else
		snprintf(line, sizeof(line), "%s", msg);
	if (cli_out.json) {
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
	const struct cmd *cmd;
	int ret;

	argc = strip_global_options(argc, argv, &want_help, &want_version);
	if (argc < 0) {
		print_error();
		return EXIT_USAGE;
	}
	if (want_version)
		return cmd_version(1, argv), EXIT_OK;
	if (!want_help && argc < 2 && cli_out.json) {
		fail_usage("no command; see `fabricctl --help`");
		print_error();
		return EXIT_USAGE;
	}
	if (want_help || argc < 2) {
		usage(argc < 2 && !want_help ? stderr : stdout);
		return want_help ? EXIT_OK : EXIT_USAGE;
	}
	cmd = find_command(argv[1]);
	if (!cmd) {
		fail_usage("unknown command \"%s\"; see `fabricctl help`", argv[1]);
		print_error();
		return EXIT_USAGE;
	}
	cmd_context(cmd->name, NULL);
	/* "--help" needs no privileges; everything else is checked first. */
	if (cmd->needs_root && !asks_help(cmd, argc, argv) && !has_privileges()) {
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
