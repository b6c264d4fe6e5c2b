/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One recorded error per process. The function that fails first says what
 * it was doing and why, naming the objects involved; callers further up
 * add where it happened with fail_wrap(); the front-end prints it once:
 * "fabricctl: <command>: <where>: <what>: <why>".
 */
#ifndef FABRICCTL_BASE_ERRORS_H
#define FABRICCTL_BASE_ERRORS_H

#include <stdarg.h>

/* Exit statuses, as documented in --help. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* Returned (negated) by parsers when the user's input is wrong: exit 2. */
#define EUSAGE 1000
/* Returned (negated) when the command already reported the failure: exit 1, no message. */
#define EREPORTED 1001

/**
 * fail() - record what failed and why; returns @err for "return fail(...)".
 * @err: negative errno (or -EUSAGE); its strerror() is the "why" unless a
 *       more precise reason (netlink extended ack) was set with fail_reason().
 * @fmt: what failed, naming the objects: "cannot create veth \"%s\"".
 *
 * The first call wins: a precise message from below is not overwritten by
 * callers higher up (they use fail_wrap() to add context instead).
 */
int fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Like fail(), for messages that say it all: no strerror() appended. */
int fail_msg(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A usage error (exit 2) with a full message and no errno text. Returns -EUSAGE. */
int fail_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * fail_wrap() - put "<context>: " in front of the recorded message, e.g.
 * "node \"web\"" before "cannot add address 10.42.0.3/23 to eth0: ...".
 * Nothing happens when no error is recorded. Returns @err.
 */
int fail_wrap(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The kernel's extended-ack text, the "why" of the next fail(); cleared by it. */
void fail_reason(const char *reason);

/*
 * A recorded error set aside while later work runs: when that work fails
 * on something that matters more (an earlier node of a batch), its error
 * stands; otherwise fail_unstash() puts the set-aside one back. The
 * recorded error is per thread: a helper thread stashes its own and the
 * thread that reports unstashes it.
 */
struct fail_stash {
	char text[1400];
	int err_usage;
	int have;
};
void fail_stash(struct fail_stash *stash);
void fail_unstash(const struct fail_stash *stash);

/* Drop any recorded error (after an expected, handled failure). */
void fail_clear(void);

/* The recorded message ("where: what: why"), or NULL when none. */
const char *fail_message(void);

/* Was the recorded error a usage error? */
int fail_is_usage(void);

#endif
