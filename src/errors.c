// SPDX-License-Identifier: GPL-2.0-only
/* The single recorded error of this process, printed once by main(). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "errors.h"

static char error_text[1400];
static char pending_reason[512];
static int recorded;
static int recorded_usage;
static char context[128];

void cmd_context(const char *cmd, const char *fabric)
{
	snprintf(context, sizeof(context), "%s%s%s", cmd, fabric ? " " : "", fabric ? fabric : "");
}

const char *fail_context(void)
{
	return context;
}

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
	else if (code == EUSAGE || !with_errno)
		snprintf(error_text, sizeof(error_text), "%s", what);
	else
		snprintf(error_text, sizeof(error_text), "%s: %s", what, strerror(code));
	pending_reason[0] = '\0';
	recorded = 1;
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

	if (recorded)
		return -EUSAGE;
	va_start(ap, fmt);
	vsnprintf(error_text, sizeof(error_text), fmt, ap);
	va_end(ap);
	recorded = 1;
	recorded_usage = 1;
	return -EUSAGE;
}

void fail_reason(const char *reason)
{
	snprintf(pending_reason, sizeof(pending_reason), "%s", reason ? reason : "");
	/* The kernel's ack text ends with no punctuation; drop a trailing newline. */
	size_t n = strlen(pending_reason);
	if (n && pending_reason[n - 1] == '\n')
		pending_reason[n - 1] = '\0';
}

void fail_clear(void)
{
	recorded = 0;
	recorded_usage = 0;
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
