/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One error context per process: the function that fails says what it was
 * doing (with the names involved), main() prints it once as
 * "fabricctl: <command ctx>: <what>: <why>".
 */
#ifndef FABRICCTL_ERRORS_H
#define FABRICCTL_ERRORS_H

#include <stdarg.h>

/* Exit statuses, as documented in --help. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* Returned (negated) by parsers when the user's input is wrong: exit 2. */
#define EUSAGE 1000
/* Returned (negated) when the command already reported the failure: exit 1, no message. */
#define EREPORTED 1001

/**
 * fail() - record what failed and why, return @err for "return fail(...)".
 * @err: negative errno (or -EUSAGE); its strerror() is the "why" unless
 *       a more precise reason (netlink extended ack) was set with fail_reason().
 * @fmt: what failed, naming the objects: "cannot create veth \"%s\"".
 *
 * The first call wins: callers higher up do not overwrite a precise
 * message from below. Returns @err.
 */
int fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Like fail(), for messages that say it all: no strerror() appended. */
int fail_msg(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A usage error (exit 2) with a full message and no errno text. */
int fail_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The kernel's extended-ack text for the next fail(); cleared by it. */
void fail_reason(const char *reason);

/* Drop any recorded error (after an expected, handled failure). */
void fail_clear(void);

/* The recorded message ("what: why"), or NULL when none. */
const char *fail_message(void);

/* "add-node lab": the command and fabric, set by cmd_context(); "" if none. */
const char *fail_context(void);

/* Was the last recorded error a usage error? */
int fail_is_usage(void);

#endif
