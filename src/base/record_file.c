// SPDX-License-Identifier: GPL-2.0-only
/* Small records: replaced atomically (temp file + rename), read without following symlinks. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/errors.h"
#include "base/failpoint.h"
#include "base/record_file.h"

int atomic_file_open(struct atomic_file *f, const char *path)
{
	int fd;

	snprintf(f->path, sizeof(f->path), "%s", path);
	snprintf(f->tmp, sizeof(f->tmp), "%s.tmp", path);
	f->out = NULL;
	unlink(f->tmp); /* a leftover of a killed writer; we hold the lock */
	fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail(-errno, "cannot write \"%s\"", f->tmp);
	f->out = fdopen(fd, "w");
	if (!f->out) {
		close(fd);
		unlink(f->tmp);
		return -ENOMEM;
	}
	return 0;
}

int atomic_file_commit(struct atomic_file *f)
{
	int err = 0;

	errno = 0;
	if (fflush(f->out) || ferror(f->out))
		err = errno ? -errno : -EIO;
	if (fclose(f->out) && !err)
		err = errno ? -errno : -EIO;
	f->out = NULL;
	if (err) {
		unlink(f->tmp);
		return fail(err, "cannot write \"%s\"", f->tmp);
	}
	err = failpoint("write record");
	if (err) {
		unlink(f->tmp);
		return err;
	}
	if (rename(f->tmp, f->path) < 0) {
		err = -errno;
		unlink(f->tmp);
		return fail(err, "cannot rename \"%s\" to \"%s\"", f->tmp, f->path);
	}
	return 0;
}

FILE *record_open_read(const char *path, int *err)
{
	/* Non-blocking: a FIFO planted where the record belongs must not hang us. */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat sb;
	FILE *in;

	if (fd < 0) {
		*err = errno == ENOENT ? -ENOENT
		       : errno == ELOOP
			       ? fail_msg(-EPERM, "refusing to read \"%s\": a symlink", path)
			       : fail(-errno, "cannot open \"%s\"", path);
		return NULL;
	}
	if (fstat(fd, &sb) < 0) {
		*err = fail(-errno, "cannot stat \"%s\"", path);
		close(fd);
		return NULL;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_uid != 0 || (sb.st_mode & 077)) {
		*err = fail_msg(-EPERM, "refusing to read \"%s\": %s", path,
				!S_ISREG(sb.st_mode) ? "not a regular file"
				: sb.st_uid != 0     ? "not owned by root"
						     : "readable or writable by others (not 0600)");
		close(fd);
		return NULL;
	}
	in = fdopen(fd, "r");
	if (!in) {
		close(fd);
		*err = -ENOMEM;
	}
	return in;
}
