// SPDX-License-Identifier: GPL-2.0-only
/*
 * A tuned fabric's record of the host limits it raised: the value each
 * sysctl had before fabricctl touched it and the value it set, kept in the
 * fabric's directory ("tuned"), so destroy can put the host back -- unless
 * another tuned fabric still needs the raised values (it inherits the
 * record), or someone changed the value since (then it is theirs).
 * The one owner of tuning: fabric_create() enables it, fabric_admit()
 * raises, fabric_destroy() restores.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/errors.h"
#include "base/record_file.h"
#include "fabric/state.h"
#include "fabric/tuning.h"
#include "kernel/sysctl.h"

#define TUNE_FILE "tuned"
#define TUNE_LOCK_NAME ".tune.lock"
#define TUNE_MAX 32

struct tune_entry {
	char name[64];
	uint64_t previous, applied;
};

struct tune_record {
	struct tune_entry e[TUNE_MAX];
	size_t n;
};

/* The record's path, in the fabric's checked private directory. */
static int tune_path(char *buf, size_t size, const char *fabric)
{
	return state_path(fabric, TUNE_FILE, buf, size);
}

/* Read a record: -ENOENT when the fabric was not tuned. */
static int tune_load(const char *fabric, struct tune_record *rec)
{
	char path[256], line[160];
	FILE *in;
	int err;

	memset(rec, 0, sizeof(*rec));
	err = tune_path(path, sizeof(path), fabric);
	if (err)
		return err;
	in = record_open_read(path, &err);
	if (!in)
		return err;
	while (fgets(line, sizeof(line), in)) {
		struct tune_entry *t = &rec->e[rec->n];
		char name[64];
		unsigned long long prev, applied;

		if (sscanf(line, "%63s %llu %llu", name, &prev, &applied) != 3 ||
		    strchr(name, '/') || rec->n == TUNE_MAX) {
			fclose(in);
			return fail_msg(-EBADMSG, "\"%s\" is corrupt", path);
		}
		snprintf(t->name, sizeof(t->name), "%s", name);
		t->previous = prev;
		t->applied = applied;
		rec->n++;
	}
	fclose(in);
	return 0;
}

/* Replace the record atomically (see record_file.h). */
static int tune_save(const char *fabric, const struct tune_record *rec)
{
	struct atomic_file f;
	char path[256];
	int err;

	err = tune_path(path, sizeof(path), fabric);
	if (!err)
		err = atomic_file_open(&f, path);
	if (err)
		return err;
	for (size_t i = 0; i < rec->n; i++)
		fprintf(f.out, "%s %" PRIu64 " %" PRIu64 "\n", rec->e[i].name, rec->e[i].previous,
			rec->e[i].applied);
	return atomic_file_commit(&f);
}

static struct tune_entry *tune_find(struct tune_record *rec, const char *name)
{
	for (size_t i = 0; i < rec->n; i++)
		if (!strcmp(rec->e[i].name, name))
			return &rec->e[i];
	return NULL;
}

/* One lock for every fabric's record: tuning is a host-wide affair. */
static int tune_lock(struct state_lock *lock)
{
	return state_lock_root(TUNE_LOCK_NAME, lock);
}

bool tune_enabled(const char *fabric)
{
	char path[256];
	struct stat sb;

	if (tune_path(path, sizeof(path), fabric)) {
		fail_clear(); /* not a fabric of ours: not tuned */
		return false;
	}
	return lstat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

int tune_enable(const char *fabric)
{
	struct tune_record rec = {0};
	struct state_lock lock;
	int err;

	if (tune_enabled(fabric))
		return 0;
	err = tune_lock(&lock);
	if (err)
		return err;
	err = tune_save(fabric, &rec);
	state_unlock(&lock);
	return err;
}

/*
 * What a limit is raised to: what is needed and an eighth more, so that a
 * fabric growing node by node (a runtime's ADDs through fabricctl-cni)
 * writes the sysctls and the record once per eighth, not on every node.
 */
static uint64_t tune_target(uint64_t needed)
{
	return needed + needed / 8;
}

int tune_apply(const char *fabric, const struct limit_report *r)
{
	struct tune_record rec;
	struct host_limit raise[LIMITS_MAX];
	size_t n_raise = 0;
	struct state_lock lock;
	int err;

	err = tune_lock(&lock);
	if (err)
		return err;
	err = tune_load(fabric, &rec);
	if (err == -ENOENT)
		err = 0; /* tune_apply() without tune_enable(): the record starts here */
	if (err)
		goto out;
	for (size_t i = 0; i < r->n; i++) {
		const struct host_limit *l = &r->items[i];
		struct tune_entry *t;
		int64_t now;

		if (!l->tunable || l->severity == LIMIT_OK)
			continue;
		/* Read again: the report may be older than the last change. */
		err = sysctl_read(l->name, &now);
		if (err) {
			err = fail(err, "cannot read %s", l->name);
			goto out;
		}
		if (now >= 0 && (uint64_t)now >= l->needed)
			continue;
		t = tune_find(&rec, l->name);
		if (!t) {
			if (rec.n == TUNE_MAX) {
				err = fail_msg(-E2BIG, "too many tuned limits for fabric \"%s\"",
					       fabric);
				goto out;
			}
			t = &rec.e[rec.n++];
			snprintf(t->name, sizeof(t->name), "%s", l->name);
			t->previous = (uint64_t)now; /* the first value we saw is kept */
		}
		t->applied = tune_target(l->needed);
		raise[n_raise] = *l;
		raise[n_raise++].needed = t->applied;
	}
	if (!n_raise)
		goto out;
	/* Record first: a crash after this still knows what to put back. */
	err = tune_save(fabric, &rec);
	for (size_t i = 0; !err && i < n_raise; i++)
		err = sysctl_write(raise[i].name, raise[i].needed);
out:
	state_unlock(&lock);
	return err;
}

/* Another fabric with a tuned record than @fabric: the first one by name. */
static bool other_tuned_fabric(const char *fabric, char *other, size_t size)
{
	char(*names)[FABRIC_NAME_MAX + 1];
	size_t count;
	bool found = false;

	if (state_list(&names, &count) < 0) {
		fail_clear();
		return false;
	}
	for (size_t i = 0; i < count && !found; i++) {
		if (strcmp(names[i], fabric) && tune_enabled(names[i])) {
			snprintf(other, size, "%s", names[i]);
			found = true;
		}
	}
	free(names);
	return found;
}

/*
 * Hand our record to a fabric still tuned: it restores when it goes. Where
 * it raised a limit after us, its "previous" is our "applied": the value
 * before fabricctl is ours.
 */
static int tune_hand_over(const struct tune_record *ours, const char *heir)
{
	struct tune_record rec;
	int err = tune_load(heir, &rec);

	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	for (size_t i = 0; i < ours->n; i++) {
		struct tune_entry *t = tune_find(&rec, ours->e[i].name);

		if (!t) {
			if (rec.n == TUNE_MAX)
				return fail_msg(-E2BIG, "too many tuned limits for fabric \"%s\"",
						heir);
			rec.e[rec.n++] = ours->e[i];
		} else if (t->previous == ours->e[i].applied) {
			/* The heir raised after us: the value before us is the host's. */
			t->previous = ours->e[i].previous;
		} else if (t->applied == ours->e[i].previous) {
			/* We raised after the heir: it now owns our value, to restore from. */
			t->applied = ours->e[i].applied;
		}
	}
	return tune_save(heir, &rec);
}

int tune_restore(const char *fabric)
{
	struct tune_record rec;
	char path[256], heir[FABRIC_NAME_MAX + 1];
	struct state_lock lock;
	int err;

	err = tune_lock(&lock);
	if (err)
		return err;
	err = tune_load(fabric, &rec);
	if (err == -ENOENT) {
		err = 0;
		goto out;
	}
	if (err)
		goto out;
	if (other_tuned_fabric(fabric, heir, sizeof(heir))) {
		err = tune_hand_over(&rec, heir);
	} else {
		for (size_t i = 0; i < rec.n && !err; i++) {
			int64_t now;

			/* Changed since by someone else: theirs now, left alone. */
			if (sysctl_read(rec.e[i].name, &now) || now < 0 ||
			    (uint64_t)now != rec.e[i].applied)
				continue;
			err = sysctl_write(rec.e[i].name, rec.e[i].previous);
		}
	}
	if (err)
		goto out;
	err = tune_path(path, sizeof(path), fabric);
	if (!err && unlink(path) < 0 && errno != ENOENT)
		err = fail(-errno, "cannot remove \"%s\"", path);
	if (!err && state_path(fabric, TUNE_FILE ".tmp", path, sizeof(path)) == 0)
		unlink(path);
out:
	state_unlock(&lock);
	return err;
}
