// SPDX-License-Identifier: GPL-2.0-only
/*
 * Drop reason names from the running kernel's BTF. The values of enum
 * skb_drop_reason are renumbered between kernels (reasons are added in the
 * middle), so a number is only meaningful with the names of the kernel that
 * counted it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "base/errors.h"
#include "kernel/drop_reasons.h"

#define REASON_PREFIX "SKB_DROP_REASON_"
/* Reasons above this are subsystem-encoded (mac80211, OVS): not named here. */
#define REASON_MAX_NAMED 4096

/* kfree_skb's tracepoint type: void *ctx, skb, location, reason, ... */
static bool tracepoint_has_reason(const struct btf *btf)
{
	const struct btf_type *t;
	__s32 id;

	id = btf__find_by_name_kind(btf, "btf_trace_kfree_skb", BTF_KIND_TYPEDEF);
	if (id < 0)
		return false;
	t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type); /* pointer */
	if (!t || !btf_is_ptr(t))
		return false;
	t = btf__type_by_id(btf, t->type);
	return t && btf_is_func_proto(t) && btf_vlen(t) >= 4;
}

bool kfree_skb_has_reason(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	bool has;

	if (!btf)
		return false;
	has = tracepoint_has_reason(btf);
	btf__free(btf);
	return has;
}

int drop_reasons_load(struct drop_reasons *r)
{
	const struct btf_type *t;
	const struct btf_enum *e;
	struct btf *btf;
	int err = 0;
	__s32 id;

	memset(r, 0, sizeof(*r));
	btf = btf__load_vmlinux_btf();
	if (!btf)
		return fail(-errno ? -errno : -ENOENT,
			    "cannot read the kernel's BTF (/sys/kernel/btf/vmlinux) for drop "
			    "reason names");
	r->tracepoint_has_reason = tracepoint_has_reason(btf);
	id = btf__find_by_name_kind(btf, "skb_drop_reason", BTF_KIND_ENUM);
	if (id < 0)
		goto out; /* no reasons on this kernel: counted without */
	t = btf__type_by_id(btf, id);
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++)
		if (e[i].val >= 0 && e[i].val < REASON_MAX_NAMED && (size_t)e[i].val >= r->n)
			r->n = (size_t)e[i].val + 1;
	r->names = calloc(r->n ? r->n : 1, sizeof(*r->names));
	if (!r->names) {
		err = fail(-ENOMEM, "cannot read the kernel's drop reasons");
		goto out;
	}
	for (int i = 0; i < btf_vlen(t); i++) {
		const char *name = btf__name_by_offset(btf, e[i].name_off);

		if (e[i].val < 0 || e[i].val >= REASON_MAX_NAMED || !name)
			continue;
		if (!strncmp(name, REASON_PREFIX, strlen(REASON_PREFIX)))
			name += strlen(REASON_PREFIX);
		free(r->names[e[i].val]);
		r->names[e[i].val] = strdup(name);
	}
out:
	btf__free(btf);
	if (err)
		drop_reasons_free(r);
	return err;
}

void drop_reasons_free(struct drop_reasons *r)
{
	for (size_t i = 0; r->names && i < r->n; i++)
		free(r->names[i]);
	free(r->names);
	memset(r, 0, sizeof(*r));
}

const char *drop_reason_name(const struct drop_reasons *r, unsigned int reason)
{
	return reason < r->n ? r->names[reason] : NULL;
}
