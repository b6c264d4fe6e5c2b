// SPDX-License-Identifier: GPL-2.0-only
/*
 * The single recorded error of this thread (the main thread's is printed
 * once by the front-end). Thread-local, so a helper thread records its own
 * and hands it over with fail_stash() / fail_unstash().
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/errors.h"

#define ERROR_TEXT_MAX sizeof(((struct fail_stash *)0)->text)

static _Thread_local char error_text[ERROR_TEXT_MAX];
static _Thread_local char pending_reason[512];
static _Thread_local bool recorded;
static _Thread_local bool recorded_usage;

/* Record "what: why"; @with_errno adds strerror(@err) when no ack text is pending. */
static int record(int err, bool with_errno, const char *fmt, va_list ap)
{
	char what[768];
	int code = err < 0 ? -err : err;

	if (recorded)
		return err;
	vsnprintf(what, sizeof(what), fmt, ap);
	if (pending_reason[0])
		snprintf(error_text, sizeof(error_text), "%s: %s", what, pending_reason);
	else if (code == EUSAGE || code == EREPORTED || !with_errno)
		snprintf(error_text, sizeof(error_text), "%s", what);
	else
		snprintf(error_text, sizeof(error_text), "%s: %s", what, strerror(code));
	pending_reason[0] = '\0';
	recorded = true;
	recorded_usage = code == EUSAGE;
	return err;
}

int fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = record(err, true, fmt, ap);
	va_end(ap);
	return err;
}

int fail_msg(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = record(err, false, fmt, ap);
	va_end(ap);
	return err;
}

int fail_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(-EUSAGE, false, fmt, ap);
	va_end(ap);
	return -EUSAGE;
}

int fail_wrap(int err, const char *fmt, ...)
{
	char where[256];
	size_t wl, keep;
	va_list ap;

	if (!recorded)
		return err;
	va_start(ap, fmt);
	vsnprintf(where, sizeof(where), fmt, ap);
	va_end(ap);
	/* "where: " in front; the tail of a very long message gives way. */
	wl = strlen(where);
	keep = strlen(error_text);
	if (wl + 2 + keep + 1 > sizeof(error_text))
		keep = sizeof(error_text) - wl - 3;
	memmove(error_text + wl + 2, error_text, keep);
	error_text[wl + 2 + keep] = '\0';
	memcpy(error_text, where, wl);
	error_text[wl] = ':';
	error_text[wl + 1] = ' ';
	return err;
}

void fail_reason(const char *reason)
{
	size_t n;

	snprintf(pending_reason, sizeof(pending_reason), "%s", reason ? reason : "");
	/* The kernel's ack text ends with no punctuation; drop a trailing newline. */
	n = strlen(pending_reason);
	if (n && pending_reason[n - 1] == '\n')
		pending_reason[n - 1] = '\0';
}

void fail_stash(struct fail_stash *stash)
{
	stash->have = recorded;
	stash->err_usage = recorded_usage;
	memcpy(stash->text, error_text, sizeof(stash->text));
	fail_clear();
}

void fail_unstash(const struct fail_stash *stash)
{
	if (recorded || !stash->have)
		return;
	memcpy(error_text, stash->text, sizeof(error_text));
	recorded = true;
	recorded_usage = stash->err_usage;
}

void fail_clear(void)
{
	recorded = false;
	recorded_usage = false;
	error_text[0] = '\0';
	pending_reason[0] = '\0';
}

const char *fail_message(void)
{
	return recorded ? error_text : NULL;
}

int fail_is_usage(void)
{
	return recorded && recorded_usage;
}
