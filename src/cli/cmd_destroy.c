// SPDX-License-Identifier: GPL-2.0-only
/* fabricctl destroy FABRIC */
#include <stdio.h>

#include "base/errors.h"
#include "cli/cmd_common.h"
#include "cli/commands.h"
#include "fabric/fabric.h"

static const char destroy_help[] =
	"Usage: fabricctl destroy FABRIC\n"
	"\n"
	"Remove everything FABRIC made: its links (the bridges and every host veth, in\n"
	"one group delete), its nodes' namespaces (unmounted as a batch; the kernel\n"
	"frees them in the background), its router namespace, its BPF pins, its record,\n"
	"its saved lab (/var/lib/fabricctl/FABRIC.yaml, so that fabricctl@.service\n"
	"does not bring it back), and the host limits it raised (with --tune) put back. Objects "
	"that are not the\n"
	"fabric's own are never touched. Destroying a fabric that does not exist\n"
	"succeeds and says there was nothing to remove.\n"
	"\n"
	"A namespace that holds a link fabricctl did not make, and objects pinned\n"
	"in the fabric's bpffs directory that it did not pin, are left in place:\n"
	"each is named in a warning (\"left alone: ...\") and destroy still\n"
	"succeeds.\n"
	"\n"
	"With -j: {fabric, destroyed, nodes, left}; \"left\" (when anything was left)\n"
	"lists those warnings.\n";

int cmd_destroy(int argc, char **argv)
{
	struct destroy_result r = {0};
	struct printer p;
	int first, err;

	err = cmd_parse_help_only(argc, argv, destroy_help, &first);
	if (err)
		return err > 0 ? 0 : err;
	if (first != argc - 1)
		return fail_usage("destroy takes one FABRIC name; see `fabricctl destroy --help`");
	err = fabric_name_validate(argv[first]);
	if (err)
		return err;
	cmd_context("destroy", argv[first]);
	cmd_progress_begin("removing", 0);
	err = fabric_destroy(argv[first], &r, cmd_progress, NULL);
	cmd_progress_end();
	if (err) {
		notes_free(&r.left);
		return err;
	}
	cmd_print_left(&r.left);
	if (cli_out.quiet && !cli_out.json) {
		notes_free(&r.left);
		return 0;
	}
	cli_printer(&p);
	print_open_object(&p, NULL);
	print_string(
		&p, "fabric",
		r.existed ? "destroyed fabric %s " : "fabric %s does not exist: ", argv[first]);
	print_bool(&p, "destroyed", NULL, r.existed);
	if (r.existed)
		print_text(&p, "(%zu node%s)\n", r.n_nodes, r.n_nodes == 1 ? "" : "s");
	else
		print_text(&p, "nothing to destroy\n");
	print_uint(&p, "nodes", NULL, r.n_nodes);
	cmd_print_left_json(&p, &r.left);
	print_close_object(&p);
	print_end(&p);
	notes_free(&r.left);
	return 0;
}
