/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small records replaced whole: written to "<path>.tmp" (0600, never
 * following a symlink), then renamed over <path>. A reader, or a process
 * killed halfway, sees the old record or the new one, never half of one.
 * No fsync: fabricctl's records live on /run (tmpfs) with the fabrics they
 * describe, which do not survive a reboot either.
 */
#ifndef FABRICCTL_BASE_RECORD_FILE_H
#define FABRICCTL_BASE_RECORD_FILE_H

#include <stdio.h>

struct atomic_file {
	FILE *out; /* write the record here */
	char path[256];
	char tmp[272];
};

/* Start replacing @path: 0 or -errno (recorded with fail()). */
int atomic_file_open(struct atomic_file *f, const char *path);
/* Rename the written record into place: 0 or -errno (recorded). */
int atomic_file_commit(struct atomic_file *f);

/*
 * Open a record for reading, never through a symlink and never blocking:
 * only a regular file owned by root with no permission for others (0600)
 * is read. The stream, or NULL with *err = -ENOENT (no record, not
 * recorded as an error) or -errno (recorded, naming what is wrong).
 */
FILE *record_open_read(const char *path, int *err);

#endif
