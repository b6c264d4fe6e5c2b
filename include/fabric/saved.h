/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The last applied lab of each fabric, kept across reboots (the fabric
 * itself lives in /run and the kernel): SAVED_ROOT/<fabric>.yaml, in a
 * private directory (0700, root, never a symlink), the file 0600,
 * replaced atomically. fabricctl@.service re-applies it at boot; destroy
 * removes it.
 */
#ifndef FABRICCTL_FABRIC_SAVED_H
#define FABRICCTL_FABRIC_SAVED_H

#include <stddef.h>

#include "base/record_file.h"

#define SAVED_ROOT "/var/lib/fabricctl"

/* SAVED_ROOT/<fabric>.yaml into @buf. */
void saved_path(char *buf, size_t size, const char *fabric);
/* Start replacing @fabric's saved lab (the directory made or checked): 0 or -errno. */
int saved_open(const char *fabric, struct atomic_file *f);
/* Remove @fabric's saved lab: 0 (also when there was none) or -errno (recorded). */
int saved_remove(const char *fabric);

#endif
