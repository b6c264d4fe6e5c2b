// SPDX-License-Identifier: GPL-2.0-only
/* fabricctl apply FILE [--dry-run] */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/errors.h"
#include "base/timeutil.h"
#include "cli/cmd_common.h"
#include "cli/commands.h"
#include "lab/lab.h"
#include "lab/spec.h"

static const char apply_help[] =
	"Usage: fabricctl apply FILE [--dry-run]\n"
	"\n"
	"Make the running fabric what the lab FILE (YAML or JSON) describes: compare\n"
	"the file with the fabric's record and with the impairments the kernel has in\n"
	"force, print the plan (fabric to create, nodes to add and delete, impairments\n"
	"to set, change and clear, changes that cannot be made in place), then carry it\n"
	"out with the batched paths of create, add-node, del-node and impair. Nodes\n"
	"the file keeps are not touched. Applying the same file again changes nothing.\n"
	"A bad file is refused as FILE:LINE:COLUMN: message before anything changes; a\n"
	"plan with a change that cannot be made in place (subnet, mtu, cell-size,\n"
	"tune, a kept node's ip) is refused whole. The applied fabric is saved as\n"
	"/var/lib/fabricctl/FABRIC.yaml (in export form) for fabricctl@.service.\n"
	"\n"
	"  --dry-run   print the plan only\n"
	"\n"
	"With -j: {fabric, file, dry_run, plan: {create, add, delete, impair: [{action,\n"
	"impair, nodes}], refused}, result: {added, deleted, impaired, cleared,\n"
	"seconds} or null}. The file's keys are in fabricctl(8) and\n"
	"docs/fabric.schema.json.\n";

#define NAMES_SHOWN 6

struct apply_args {
	bool dry_run;
};

static int apply_option(int c, const char *arg, void *ctx)
{
	struct apply_args *a = ctx;

	(void)arg;
	if (c != 'n')
		return -EUSAGE;
	a->dry_run = true;
	return 0;
}

/* A list of node names: all of them in JSON, the first few and a count in text. */
static void print_names(struct printer *p, const char *key, const char *const *names, size_t n)
{
	if (p->json) {
		json_key(&p->jw, key);
		json_array_start(&p->jw);
		for (size_t i = 0; i < n; i++)
			json_string(&p->jw, names[i]);
		json_array_end(&p->jw);
		return;
	}
	for (size_t i = 0; i < n && i < NAMES_SHOWN; i++)
		fprintf(p->out, " %s", names[i]);
	if (n > NAMES_SHOWN)
		fprintf(p->out, " ... (%zu more)", n - NAMES_SHOWN);
	fputc('\n', p->out);
}

static const char *action_key(enum lab_impair_action a)
{
	return a == LAB_IMPAIR_SET ? "set" : a == LAB_IMPAIR_CHANGE ? "change" : "clear";
}

static void print_plan(struct printer *p, const struct lab_spec *w, const struct lab_plan *plan)
{
	const char **add = calloc(plan->n_add + 1, sizeof(*add));
	char imp[256];

	print_open_object(p, "plan");
	print_string(p, NULL, "plan for fabric %s", w->fabric);
	print_string(p, NULL, " (%s):\n", w->file);
	print_bool(p, "create", plan->create ? "  create the fabric\n" : NULL, plan->create);
	for (size_t i = 0; add && i < plan->n_add; i++)
		add[i] = w->nodes[plan->add[i]].name;
	if (plan->n_add || p->json) {
		print_uint(p, NULL, "  add %s nodes:", plan->n_add);
		print_names(p, "add", add, add ? plan->n_add : 0);
	}
	if (plan->n_del || p->json) {
		print_uint(p, NULL, "  delete %s nodes:", plan->n_del);
		print_names(p, "delete", plan->del, plan->n_del);
	}
	print_open_array(p, "impair");
	for (size_t i = 0; i < plan->n_steps; i++) {
		const struct lab_impair_step *s = &plan->steps[i];

		print_open_object(p, NULL);
		print_string(p, "action", "  %s", action_key(s->action));
		print_uint(p, NULL, " %s nodes", s->n);
		print_string(p, "impair", " (%s):",
			     lab_impair_text(&w->impairs[s->impair].p, imp, sizeof(imp), false));
		print_names(p, "nodes", s->names, s->n);
		print_close_object(p);
	}
	print_close_array(p);
	print_open_array(p, "refused");
	for (size_t i = 0; i < plan->refused.n; i++) {
		if (p->json)
			json_string(&p->jw, plan->refused.text[i]);
		else
			fprintf(p->out, "  refused: %s\n", plan->refused.text[i]);
	}
	print_close_array(p);
	print_bool(p, "empty", lab_plan_empty(plan) ? "  nothing to change\n" : NULL,
		   lab_plan_empty(plan));
	print_close_object(p);
	free(add);
}

static void print_result(struct printer *p, const struct lab_result *r, double seconds)
{
	print_open_object(p, "result");
	print_uint(p, "added", "applied: %s added,", r->added);
	print_uint(p, "deleted", " %s deleted,", r->deleted);
	print_uint(p, "impaired", " %s impaired,", r->impaired);
	print_uint(p, "cleared", " %s cleared", r->cleared);
	print_double(p, "seconds", " in %.3f s\n", seconds);
	print_close_object(p);
}

static void on_step(size_t step, size_t total, const char *what, void *data)
{
	(void)data;
	if (!cli_out.quiet && !cli_out.json) {
		printf("step %zu of %zu: %s\n", step, total, what);
		fflush(stdout);
	}
}

static int apply_run(const char *file, bool dry_run)
{
	struct lab_result res = {0};
	struct lab_have have = {0};
	struct fabric_state st = {0};
	struct lab_plan plan;
	struct state_lock lock = {-1};
	struct lab_spec w;
	struct printer p;
	bool locked = false, quiet;
	struct timespec t0;
	int err;

	err = lab_spec_read(file, &w);
	if (err)
		return err;
	cmd_context("apply", w.fabric);
	err = lab_spec_supported(&w);
	if (err) {
		lab_spec_free(&w);
		return err;
	}
	t0 = mono_now();
	if (state_exists(w.fabric)) {
		err = cmd_open_fabric(w.fabric, &lock, &st);
		locked = !err;
		if (!err)
			err = lab_have_read(&st, &w, &have);
	}
	if (!err)
		err = lab_plan_make(&w, &have, &plan);
	if (err)
		goto out;
	/* -q: no plan and no result, only errors. */
	quiet = cli_out.quiet && !cli_out.json;
	cli_printer(&p);
	if (quiet)
		p.out = fopen("/dev/null", "w");
	if (!p.out) {
		err = fail(-errno, "cannot open /dev/null");
		lab_plan_free(&plan);
		goto out;
	}
	print_open_object(&p, NULL);
	print_string(&p, "fabric", NULL, w.fabric);
	print_string(&p, "file", NULL, file);
	print_bool(&p, "dry_run", NULL, dry_run);
	print_plan(&p, &w, &plan);
	if (plan.refused.n) {
		err = fail_msg(-EPERM,
			       "%zu change(s) cannot be made in place (listed above); nothing was "
			       "changed",
			       plan.refused.n);
	} else if (!dry_run) {
		fflush(p.out);
		cmd_progress_begin("adding", plan.n_add);
		err = lab_execute(&w, &plan, &st, &lock, &res, on_step, cmd_progress, NULL);
		cmd_progress_end();
		locked = locked || plan.create;
		if (plan.create && err && res.step == 1)
			locked = false; /* create failed: nothing to unlock */
	}
	if (!err && !dry_run)
		print_result(&p, &res, seconds_since(&t0));
	else
		print_null(&p, "result", NULL);
	print_close_object(&p);
	print_end(&p);
	if (quiet)
		fclose(p.out);
	lab_plan_free(&plan);
out:
	lab_have_free(&have);
	state_free(&st);
	if (locked)
		state_unlock(&lock);
	lab_spec_free(&w);
	return err;
}

int cmd_apply(int argc, char **argv)
{
	static const struct option opts[] = {
		{"dry-run", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct apply_args a = {0};
	int first, err;

	err = cmd_parse(argc, argv, apply_help, "", opts, apply_option, &a, &first);
	if (err)
		return err > 0 ? 0 : err;
	if (first != argc - 1)
		return fail_usage("apply takes one FILE; see `fabricctl apply --help`");
	cmd_context("apply", NULL);
	return apply_run(argv[first], a.dry_run);
}
