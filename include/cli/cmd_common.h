/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every command shares: the global output options, the error
 * context ("add-node lab"), option parsing with the same messages
 * everywhere, opening a fabric, and the progress line.
 */
#ifndef FABRICCTL_CLI_CMD_COMMON_H
#define FABRICCTL_CLI_CMD_COMMON_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/notes.h"
#include "base/print.h"
#include "fabric/state.h"

/* Set by main() from -j, -p, -q. */
struct cli_output {
	bool json;   /* -j/--json */
	bool pretty; /* -p/--pretty (implies json) */
	bool quiet;  /* -q/--quiet */
};
extern struct cli_output cli_out;

/* A printer on stdout in the output form the user asked for. */
void cli_printer(struct printer *p);

/* The command and fabric of the error message: "add-node lab". */
void cmd_context(const char *cmd, const char *fabric);
const char *cmd_context_text(void);

/* Called for each option @c (its value in @arg, NULL if none); 0 or -EUSAGE. */
typedef int (*cmd_option_cb)(int c, const char *arg, void *ctx);

/**
 * cmd_parse() - getopt_long over @argv with the short options @shortopts
 * ("" for none; -h is always there) and @opts (which must hold
 * {"help", no_argument, NULL, 'h'}): --help prints @help and returns 1;
 * a missing value or an unknown option is a usage error naming it and
 * the command's --help; every other option goes to @on_option. *first is
 * the index of the first operand. Returns 0, 1 or -EUSAGE.
 */
int cmd_parse(int argc, char **argv, const char *help, const char *shortopts,
	      const struct option *opts, cmd_option_cb on_option, void *ctx, int *first);

/* cmd_parse() for commands whose only option is --help. */
int cmd_parse_help_only(int argc, char **argv, const char *help, int *first);

/* A decimal number from @min to @max, no sign, no leading zeros: 0 or -EUSAGE naming @what. */
int cmd_parse_ulong(const char *text, const char *what, unsigned long min, unsigned long max,
		    unsigned long *out);

/* Validate @fabric's name, lock it and load its record ("does not exist" is an error). */
int cmd_open_fabric(const char *fabric, struct state_lock *lock, struct fabric_state *st);
/* Load @fabric's record without the lock, for readers. */
int cmd_read_fabric(const char *fabric, struct fabric_state *st);

/*
 * A progress line for long bulk work: count, rate and ETA, redrawn on
 * stderr when it is a terminal (never with -q or -j, never for fewer than
 * 256 items). Pass cmd_progress as a fabric_progress_cb.
 */
void cmd_progress_begin(const char *verb, size_t total);
void cmd_progress(size_t done, size_t total, void *data);
void cmd_progress_end(void);

/*
 * What a command left in place because it is not (only) the fabric's:
 * one warning line each on stderr ("fabricctl: destroy lab: left alone:
 * ..."), and as the JSON array "left" of the command's object.
 */
void cmd_print_left(const struct notes *left);
void cmd_print_left_json(struct printer *p, const struct notes *left);

#endif
