// SPDX-License-Identifier: GPL-2.0-only
/* Admission of new nodes against the host's limits, the one place it is decided. */
#include "fabric/admission.h"
#include "fabric/fabric6.h"
#include "fabric/state.h"
#include "fabric/tuning.h"

int fabric_host_facts(struct host_facts *f)
{
	int err = host_facts_read(f);

	if (err)
		return err;
	err = state_count_all(&f->fabrics, &f->fabric_nodes);
	if (!err)
		err = fabric6_count_nodes(NULL, &f->fabric_nodes6, NULL);
	return err;
}

int fabric_admit(const char *fabric, uint64_t n_new, uint32_t cell_size)
{
	struct limit_report r;
	struct host_facts f;
	uint64_t total;
	bool v6 = false;
	int err = fabric_host_facts(&f);

	if (err)
		return err;
	total = f.fabric_nodes + n_new;
	limits_judge(&f, total, cell_size, &r);
	if (fabric6_count_nodes(fabric, &f.fabric_nodes6, &v6) == 0)
		limits_judge_ipv6(&f, f.fabric_nodes6 + (v6 ? n_new : 0), &r);
	if (tune_enabled(fabric))
		return tune_apply(fabric, &r);
	return limits_failed(&r) ? limits_refuse(&r, total) : 0;
}
