// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fabric record's text: small, strict, rewritten whole and atomically
 * (write temp, rename) under the fabric's flock.
 *
 *   fabricctl-state 5
 *   fabric lab                    the fabric's name: another fabric's record is refused
 *   subnet 10.42.0.0/16
 *   mtu 1500
 *   group 1178730496
 *   cell_size 512
 *   status ready                  creating: create has not finished
 *   router <netns inode>          0: no router namespace (one cell)
 *   attach <tc|tcx>               how the counting program is attached (v5; before: tc)
 *   node <slot> <name> <host ifindex> <netns inode> <adding|ready|deleting>
 *   end <number of node lines>    a record cut anywhere, even at a line end, is refused
 *
 * Versions 1 to 3 (no name or end line; before 3 no status, router or node
 * identity, and a node was "adding" while its ifindex was 0) are read; a
 * version this fabricctl does not know is refused by name, never guessed at.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "base/record_file.h"
#include "fabric/state.h"

#define STATE_MAGIC_PREFIX "fabricctl-state "
#define STATE_VERSION 5
#define STATE_VERSION_MIN 1
#define STATE_LINE_MAX 256
#define STATE_FIELDS_MAX 6

static const char *const phase_names[] = {
	[NODE_ADDING] = "adding",
	[NODE_READY] = "ready",
	[NODE_DELETING] = "deleting",
};

const char *const fabric_attach_names[FABRIC_ATTACH_MAX] = {
	[FABRIC_ATTACH_TC] = "tc",
	[FABRIC_ATTACH_TCX] = "tcx",
};

int fabric_attach_parse(const char *text, enum fabric_attach *out)
{
	for (int i = 0; i < FABRIC_ATTACH_MAX; i++) {
		if (!strcmp(text, fabric_attach_names[i])) {
			*out = (enum fabric_attach)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *node_phase_name(enum node_phase p)
{
	return phase_names[p];
}

static int slot_cmp(const void *a, const void *b)
{
	const struct fabric_node *x = a, *y = b;

	return (x->slot > y->slot) - (x->slot < y->slot);
}

/* Digits only, no sign, no leading zeros, at most @max: 0 or -EINVAL. */
static int parse_u64(const char *text, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*text || (text[0] == '0' && text[1]))
		return -EINVAL;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9' || v > (max - (uint64_t)(*p - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return 0;
}

static int parse_u32(const char *text, uint32_t max, uint32_t *out)
{
	uint64_t v;
	int err = parse_u64(text, max, &v);

	if (!err)
		*out = (uint32_t)v;
	return err;
}

/* Split @line at single spaces into at most @max fields; returns the count or -1. */
static int split_fields(char *line, char **fields, int max)
{
	int n = 0;

	for (char *p = line;;) {
		if (n == max || *p == ' ' || *p == '\0')
			return -1; /* too many, doubled or trailing spaces, empty line */
		fields[n++] = p;
		p = strchr(p, ' ');
		if (!p)
			return n;
		*p++ = '\0';
	}
}

static int parse_phase(const char *text, enum node_phase *out)
{
	for (size_t i = 0; i < sizeof(phase_names) / sizeof(phase_names[0]); i++) {
		if (!strcmp(text, phase_names[i])) {
			*out = (enum node_phase)i;
			return 0;
		}
	}
	return -EINVAL;
}

struct header {
	struct ipv4_prefix subnet;
	uint32_t mtu, group, cell_size;
	bool complete;
	uint64_t router_ino;
	enum fabric_attach attach;
};

/* Header lines after the magic: v4 has the name first; v3 added status and router. */
static unsigned int header_lines(unsigned int version)
{
	return version >= 5 ? 8 : version >= 4 ? 7 : version >= 3 ? 6 : 4;
}

/*
 * Header line @i (0-based after the magic) of a record of @version, of
 * fabric @fabric. 0, -EINVAL, or -EBADMSG (recorded) when it is another
 * fabric's record.
 */
static int parse_header_line(unsigned int i, unsigned int version, char **f, int nf,
			     const char *fabric, struct header *h)
{
	static const char *const keys[] = {"subnet", "mtu",    "group", "cell_size",
					   "status", "router", "attach"};

	if (version >= 4) {
		if (i == 0) {
			if (nf != 2 || strcmp(f[0], "fabric"))
				return -EINVAL;
			if (strcmp(f[1], fabric))
				return fail_msg(
					-EBADMSG,
					"the state record of fabric \"%s\" is the record of "
					"fabric \"%.64s\" (copied by hand?): not used",
					fabric, f[1]);
			return 0;
		}
		i--;
	}
	if (nf != 2 || i >= (version >= 5 ? 7u : version >= 3 ? 6u : 4u) || strcmp(f[0], keys[i]))
		return -EINVAL;
	switch (i) {
	case 0:
		if (fabric_subnet_parse(f[1], &h->subnet) < 0) {
			fail_clear();
			return -EINVAL;
		}
		return 0;
	case 1:
		return parse_u32(f[1], 65535, &h->mtu) || h->mtu < 68 ? -EINVAL : 0;
	case 2:
		return parse_u32(f[1], UINT32_MAX, &h->group) || h->group == 0 ? -EINVAL : 0;
	case 3:
		return parse_u32(f[1], UINT32_MAX, &h->cell_size);
	case 4:
		if (strcmp(f[1], "ready") && strcmp(f[1], "creating"))
			return -EINVAL;
		h->complete = !strcmp(f[1], "ready");
		return 0;
	case 5:
		return parse_u64(f[1], UINT64_MAX, &h->router_ino);
	default:
		return fabric_attach_parse(f[1], &h->attach);
	}
}

/* A node line of a record of @version into @st. 0, -EINVAL or -ENOMEM. */
static int parse_node_line(unsigned int version, char **f, int nf, struct fabric_state *st)
{
	uint64_t ino = 0;
	uint32_t slot, ifindex;
	enum node_phase phase;
	struct fabric_node *node;

	if (nf != (version >= 3 ? 6 : 4) || strcmp(f[0], "node") ||
	    parse_u32(f[1], UINT32_MAX, &slot) || parse_u32(f[3], INT32_MAX, &ifindex))
		return -EINVAL;
	if (version >= 3) {
		if (parse_u64(f[4], UINT64_MAX, &ino) || parse_phase(f[5], &phase))
			return -EINVAL;
	} else {
		phase = ifindex ? NODE_READY : NODE_ADDING;
	}
	if (node_name_validate(f[2]) < 0) {
		fail_clear();
		return -EINVAL;
	}
	if (state_find_node(st, f[2]))
		return -EINVAL;
	switch (slot ? state_lease(st, f[2], slot) : -EINVAL) {
	case 0:
		break;
	case -ENOMEM:
		return -ENOMEM;
	default:
		return -EINVAL; /* not a node slot, or taken twice */
	}
	node = &st->nodes[st->n_nodes - 1];
	node->ifindex = (int)ifindex;
	node->netns_ino = ino;
	node->phase = phase;
	return 0;
}

/*
 * The record is strict: the magic line, the header lines once each and in
 * their order, then node lines. Anything else is corruption, reported with
 * its line number rather than guessed at.
 */
int state_parse(FILE *in, const char *fabric, struct fabric_state *st)
{
	unsigned int lineno = 0, version = 0, n_header;
	struct header h = {.complete = true};
	bool ended = false;
	char line[STATE_LINE_MAX];
	int err = 0;

	memset(st, 0, sizeof(*st));
	while (fgets(line, sizeof(line), in)) {
		char *f[STATE_FIELDS_MAX];
		int nf;

		lineno++;
		if (!strchr(line, '\n') && !feof(in))
			goto corrupt; /* longer than any valid line */
		line[strcspn(line, "\n")] = '\0';
		if (lineno == 1) {
			if (strncmp(line, STATE_MAGIC_PREFIX, strlen(STATE_MAGIC_PREFIX)) ||
			    parse_u32(line + strlen(STATE_MAGIC_PREFIX), UINT32_MAX, &version))
				goto corrupt;
			if (version < STATE_VERSION_MIN || version > STATE_VERSION) {
				err = fail_msg(
					-EPROTO,
					"state record of fabric \"%s\" has format version %u; "
					"this fabricctl reads versions %d to %d (use the "
					"fabricctl that made it)",
					fabric, version, STATE_VERSION_MIN, STATE_VERSION);
				goto out;
			}
			continue;
		}
		n_header = header_lines(version);
		nf = split_fields(line, f, STATE_FIELDS_MAX);
		if (nf < 2 || ended)
			goto corrupt;
		if (lineno - 2 < n_header) {
			err = parse_header_line(lineno - 2, version, f, nf, fabric, &h);
			if (err == -EBADMSG)
				goto out;
			if (err)
				goto corrupt;
			if (lineno - 2 == n_header - 1) {
				if (state_init(st, fabric, &h.subnet, h.mtu, h.group, h.cell_size) <
					    0 ||
				    st->cell_size != h.cell_size)
					goto corrupt;
				st->complete = h.complete;
				st->router_ino = h.router_ino;
				st->attach = h.attach;
			}
			continue;
		}
		if (version >= 4 && nf == 2 && !strcmp(f[0], "end")) {
			uint32_t n;

			if (parse_u32(f[1], UINT32_MAX, &n) || n != st->n_nodes)
				goto corrupt;
			ended = true;
			continue;
		}
		err = parse_node_line(version, f, nf, st);
		if (err == -ENOMEM)
			goto out;
		if (err)
			goto corrupt;
	}
	if (lineno < 1 + header_lines(version))
		goto corrupt;
	if (version >= 4 && !ended) {
		lineno++; /* the line that is missing */
		goto corrupt;
	}
	if (st->n_nodes)
		qsort(st->nodes, st->n_nodes, sizeof(*st->nodes), slot_cmp);
	free(st->name_index);
	st->name_index = NULL;
	return 0;
corrupt:
	err = fail_msg(
		-EBADMSG,
		"state record of fabric \"%s\" is corrupt at line %u (`fabricctl destroy %s` "
		"removes the fabric by its marks)",
		fabric, lineno, fabric);
out:
	state_free(st);
	return err;
}

int state_load(const char *fabric, struct fabric_state *st)
{
	char path[256];
	FILE *in;
	int err;

	err = state_dir_check(fabric);
	if (err)
		return err;
	state_file_path(path, sizeof(path), fabric, "state");
	in = record_open_read(path, &err);
	if (!in)
		return err;
	err = state_parse(in, fabric, st);
	fclose(in);
	return err;
}

int state_save(const struct fabric_state *st)
{
	char path[256], cidr[IPV4_PREFIX_STRLEN];
	struct fabric_node *sorted;
	struct atomic_file f;
	int err;

	state_file_path(path, sizeof(path), st->name, "state");
	/* Sorted by slot so the record reads like `show`. */
	sorted = malloc(st->n_nodes * sizeof(*sorted) + 1);
	if (!sorted)
		return fail(-ENOMEM, "cannot write the record of fabric \"%s\"", st->name);
	if (st->n_nodes) {
		memcpy(sorted, st->nodes, st->n_nodes * sizeof(*sorted));
		qsort(sorted, st->n_nodes, sizeof(*sorted), slot_cmp);
	}
	err = atomic_file_open(&f, path);
	if (err)
		goto out;
	fprintf(f.out,
		STATE_MAGIC_PREFIX "%d\nfabric %s\nsubnet %s\nmtu %u\ngroup %" PRIu32
				   "\ncell_size %" PRIu32 "\nstatus %s\nrouter %" PRIu64
				   "\nattach %s\n",
		STATE_VERSION, st->name, ipv4_prefix_format(&st->subnet, cidr), st->mtu, st->group,
		st->cell_size, st->complete ? "ready" : "creating", st->router_ino,
		fabric_attach_names[st->attach]);
	for (size_t i = 0; i < st->n_nodes; i++)
		fprintf(f.out, "node %u %s %d %" PRIu64 " %s\n", sorted[i].slot, sorted[i].name,
			sorted[i].ifindex, sorted[i].netns_ino, phase_names[sorted[i].phase]);
	fprintf(f.out, "end %zu\n", st->n_nodes);
	err = atomic_file_commit(&f);
out:
	free(sorted);
	return err;
}
