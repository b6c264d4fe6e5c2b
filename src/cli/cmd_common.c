// SPDX-License-Identifier: GPL-2.0-only
/* Helpers every command shares: options, context, opening a fabric, progress. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/errors.h"
#include "base/timeutil.h"
#include "cli/cmd_common.h"

#define PROGRESS_MIN_ITEMS 256
#define PROGRESS_REDRAW_S 0.1

struct cli_output cli_out;

static char context[128];

void cli_printer(struct printer *p)
{
	print_start(p, stdout, cli_out.json, cli_out.pretty);
}

void cmd_context(const char *cmd, const char *fabric)
{
	snprintf(context, sizeof(context), "%s%s%s", cmd, fabric ? " " : "", fabric ? fabric : "");
}

const char *cmd_context_text(void)
{
	return context;
}

int cmd_parse(int argc, char **argv, const char *help, const char *shortopts,
	      const struct option *opts, cmd_option_cb on_option, void *ctx, int *first)
{
	char optstring[64];
	int c, err;

	/* ':' first: a missing value is reported as ':', not '?'. */
	snprintf(optstring, sizeof(optstring), ":h%s", shortopts);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(help, stdout);
			return 1;
		case ':':
			return fail_usage("missing value for \"%s\"; see `fabricctl %s --help`",
					  argv[optind - 1], argv[0]);
		case '?':
			return fail_usage("unknown option \"%s\"; see `fabricctl %s --help`",
					  argv[optind - 1], argv[0]);
		default:
			err = on_option ? on_option(c, optarg, ctx) : -EUSAGE;
			if (err)
				return err;
		}
	}
	*first = optind;
	return 0;
}

int cmd_parse_help_only(int argc, char **argv, const char *help, int *first)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0}};

	return cmd_parse(argc, argv, help, "", opts, NULL, NULL, first);
}

int cmd_parse_ulong(const char *text, const char *what, unsigned long min, unsigned long max,
		    unsigned long *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || text[0] < '0' || text[0] > '9' || (text[0] == '0' && text[1]) ||
	    v < min || v > max)
		return fail_usage("invalid %s \"%s\": expected %lu-%lu", what, text, min, max);
	*out = v;
	return 0;
}

int cmd_open_fabric(const char *fabric, struct state_lock *lock, struct fabric_state *st)
{
	int err = fabric_name_validate(fabric);

	if (err)
		return err;
	err = state_lock(fabric, false, lock);
	if (err == -ENOENT)
		return fail_msg(-ENOENT, "fabric \"%s\" does not exist", fabric);
	if (err)
		return err;
	err = state_load(fabric, st);
	if (err) {
		state_unlock(lock);
		return err == -ENOENT ? fail_msg(-ENOENT, "fabric \"%s\" does not exist", fabric)
				      : err;
	}
	return 0;
}

int cmd_read_fabric(const char *fabric, struct fabric_state *st)
{
	int err = fabric_name_validate(fabric);

	if (err)
		return err;
	err = state_load(fabric, st);
	if (err == -ENOENT)
		return fail_msg(-ENOENT, "fabric \"%s\" does not exist", fabric);
	return err;
}

static struct {
	bool on;
	const char *verb;
	struct timespec start, last;
} progress;

void cmd_progress_begin(const char *verb, size_t total)
{
	progress.on = total >= PROGRESS_MIN_ITEMS && !cli_out.quiet && !cli_out.json &&
		      isatty(STDERR_FILENO);
	progress.verb = verb;
	progress.start = mono_now();
	progress.last = progress.start;
}

void cmd_progress(size_t done, size_t total, void *data)
{
	struct timespec now;
	double t, rate;

	(void)data;
	if (!progress.on || total < PROGRESS_MIN_ITEMS)
		return;
	now = mono_now();
	if (done < total && timespec_diff(&progress.last, &now) < PROGRESS_REDRAW_S)
		return; /* ten redraws a second are plenty */
	progress.last = now;
	t = timespec_diff(&progress.start, &now);
	rate = t > 0 ? (double)done / t : 0;
	fprintf(stderr, "\r%s nodes: %zu/%zu  %.0f/s  ETA %.0f s   \033[K", progress.verb, done,
		total, rate, rate > 0 ? (double)(total - done) / rate : 0);
	fflush(stderr);
}

void cmd_progress_end(void)
{
	if (progress.on)
		fputs("\r\033[K", stderr);
	progress.on = false;
}

void cmd_print_left(const struct notes *left)
{
	for (size_t i = 0; i < left->n; i++)
		fprintf(stderr, "fabricctl: %s: left alone: %s\n", context, left->text[i]);
}

void cmd_print_left_json(struct printer *p, const struct notes *left)
{
	if (!left->n)
		return;
	print_open_array(p, "left");
	for (size_t i = 0; i < left->n; i++)
		print_string(p, NULL, NULL, left->text[i]);
	print_close_array(p);
}
