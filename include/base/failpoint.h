/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Failpoints: every step that changes the system (a netlink batch sent, a
 * namespace made or removed, a record renamed into place, a pin, a map
 * entry, a sysctl) passes failpoint() first. Inert unless the environment
 * says FABRICCTL_FAILPOINT:
 *
 *   crash@K   the K-th step kills the process (SIGKILL, as kill -9 would)
 *   fail@K    the K-th step fails with EIO (the caller's rollback runs)
 *   list      every step's number and name go to stderr
 *
 * so a test can walk K over every step of a command and check that
 * `check --repair` (or destroy) mends what each crash leaves.
 */
#ifndef FABRICCTL_BASE_FAILPOINT_H
#define FABRICCTL_BASE_FAILPOINT_H

#include <stdbool.h>

/*
 * True when the steps must come in one order from run to run (crash@K,
 * list): work that would overlap on threads is then done in one thread.
 * fail@K leaves threads on: whichever step fails, the rollback must hold.
 */
bool failpoint_ordered(void);

/* 0, or -EIO at the chosen step in "fail" mode (recorded, naming the step). */
int failpoint(const char *step);

#endif
