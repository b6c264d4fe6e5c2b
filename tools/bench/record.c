// SPDX-License-Identifier: GPL-2.0-only
/*
 * Micro-benchmark of the fabric record at 1000, 10,000 and 100,000 nodes:
 * lease (address + name index), find by name, one save, one load, and the
 * batch delete of every node, each as nanoseconds per node. Flat columns
 * mean the per-node cost does not grow with the fabric (issue #11). The
 * record goes to STATE_ROOT/<name>/ under the fabric's lock and is removed
 * at the end; no kernel object is made.
 *
 *   build/bench-record [FABRIC]        (root: STATE_ROOT is /run/fabricctl)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/errors.h"
#include "base/ipv4.h"
#include "fabric/state.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int run(const char *fabric, size_t n)
{
	struct ipv4_prefix subnet;
	struct fabric_state st, back;
	struct fabric_node **all;
	double t0, lease, find, save, load, del;
	char name[32];
	int err;

	if (ipv4_prefix_parse("10.128.0.0/14", &subnet) ||
	    state_init(&st, fabric, &subnet, 1500, 1, 512))
		return -1;
	t0 = now_ns();
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "n%zu", i);
		err = state_lease(&st, name, 0);
		if (err)
			return err;
		st.nodes[st.n_nodes - 1].phase = NODE_READY;
	}
	lease = now_ns() - t0;
	t0 = now_ns();
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "n%zu", (i * 7919) % n);
		if (!state_find_node(&st, name))
			return -2;
	}
	find = now_ns() - t0;
	t0 = now_ns();
	err = state_save(&st);
	save = now_ns() - t0;
	if (err)
		return err;
	t0 = now_ns();
	err = state_load(fabric, &back);
	load = now_ns() - t0;
	if (err)
		return err;
	if (back.n_nodes != n)
		return -3;
	state_free(&back);
	all = malloc(n * sizeof(*all));
	if (!all)
		return -4;
	for (size_t i = 0; i < n; i++)
		all[i] = &st.nodes[i];
	t0 = now_ns();
	err = state_del_nodes(&st, all, n);
	del = now_ns() - t0;
	free(all);
	if (err || st.n_nodes)
		return err ? err : -5;
	printf("%7zu %10.0f %10.0f %10.0f %10.0f %10.0f\n", n, lease / n, find / n, save / n,
	       load / n, del / n);
	state_free(&st);
	return 0;
}

int main(int argc, char **argv)
{
	const char *fabric = argc > 1 ? argv[1] : "benchrec";
	static const size_t sizes[] = {1000, 10000, 100000};
	struct state_lock lock;
	int err;

	if (state_lock(fabric, true, &lock)) {
		fprintf(stderr, "bench-record: %s\n", fail_message());
		return 1;
	}
	printf("ns per node:\n%7s %10s %10s %10s %10s %10s\n", "nodes", "lease", "find", "save",
	       "load", "delete");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		err = run(fabric, sizes[i]);
		if (err) {
			fprintf(stderr, "bench-record: %zu nodes: error %d %s\n", sizes[i], err,
				fail_message());
			break;
		}
	}
	state_remove(fabric);
	state_unlock(&lock);
	return err ? 1 : 0;
}
