// SPDX-License-Identifier: GPL-2.0-only
/* fabricctl export FABRIC */
#include <stdio.h>

#include "base/errors.h"
#include "cli/cmd_common.h"
#include "cli/commands.h"
#include "lab/lab.h"

static const char export_help[] =
	"Usage: fabricctl export FABRIC\n"
	"\n"
	"Print the running FABRIC as a lab file (YAML) that `fabricctl apply` accepts\n"
	"and finds nothing to change in: the subnet, mtu, cell size and tuning, every\n"
	"node with its address, grouped by the impairment the kernel has in force on\n"
	"its link (read back from the qdiscs, not from any file).\n";

int cmd_export(int argc, char **argv)
{
	struct fabric_state st;
	struct lab_have have;
	int first, err;

	err = cmd_parse_help_only(argc, argv, export_help, &first);
	if (err)
		return err > 0 ? 0 : err;
	if (first != argc - 1)
		return fail_usage("export takes one FABRIC name; see `fabricctl export --help`");
	cmd_context("export", argv[first]);
	err = cmd_read_fabric(argv[first], &st);
	if (err)
		return err;
	err = lab_have_read(&st, NULL, &have);
	if (!err) {
		err = lab_export_write(stdout, &st, &have);
		lab_have_free(&have);
	}
	state_free(&st);
	return err;
}
