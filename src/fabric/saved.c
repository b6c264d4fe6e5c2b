// SPDX-License-Identifier: GPL-2.0-only
/* The saved lab of a fabric under /var/lib/fabricctl. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "base/errors.h"
#include "fabric/saved.h"
#include "fabric/state.h"

void saved_path(char *buf, size_t size, const char *fabric)
{
	snprintf(buf, size, SAVED_ROOT "/%s.yaml", fabric);
}

int saved_open(const char *fabric, struct atomic_file *f)
{
	char path[256];
	int err;

	err = state_private_dir(SAVED_ROOT);
	if (err)
		return err;
	saved_path(path, sizeof(path), fabric);
	return atomic_file_open(f, path);
}

int saved_remove(const char *fabric)
{
	char path[256];
	int err;

	if (access(SAVED_ROOT, F_OK) < 0 && errno == ENOENT)
		return 0; /* nothing was ever saved; do not make the directory */
	err = state_private_dir(SAVED_ROOT);
	if (err)
		return err;
	saved_path(path, sizeof(path), fabric);
	if (unlink(path) < 0 && errno != ENOENT)
		return fail(-errno, "cannot remove \"%s\"", path);
	return 0;
}
