/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fabric's pins under BPF_PIN_ROOT/<fabric>/: their names, and the
 * proof that a pinned object is the one fabricctl made there (its kind,
 * BPF type, key size and the name it was loaded with) before anything is
 * unpinned.
 */
#ifndef FABRICCTL_KERNEL_FABRIC_BPF_PINS_H
#define FABRICCTL_KERNEL_FABRIC_BPF_PINS_H

#include <stdbool.h>
#include <stddef.h>

#define BPF_PIN_ROOT "/sys/fs/bpf/fabricctl"

/* Bit numbers of the pins (fabric_bpf_pins_present() and friends). */
enum fabric_pin {
	FABRIC_PIN_BIT_COUNTERS,
	FABRIC_PIN_BIT_INGRESS,
	FABRIC_PIN_BIT_EGRESS,
	FABRIC_PIN_BIT_MATRIX,
	FABRIC_PIN_BIT_PAIRS,
	FABRIC_PIN_BIT_DROPS,
	FABRIC_PIN_BIT_NETNS,
	FABRIC_PIN_BIT_LINK_DROPS,
	FABRIC_PIN_N
};
#define FABRIC_PINS_ALL ((1u << FABRIC_PIN_N) - 1)

/* BPF_PIN_ROOT/<fabric>[/<name>], refusing a fabric name that escapes: 0 or -errno. */
int fabric_pin_path(char *buf, size_t size, const char *fabric, const char *name);

/*
 * Which pins exist and hold the object fabricctl pins there: bit i for
 * enum fabric_pin i.
 */
unsigned int fabric_bpf_pins_present(const char *fabric);
/* The same bits for pins that hold something else: never unpinned by fabricctl. */
unsigned int fabric_bpf_pins_foreign(const char *fabric);
/* The pin name of bit @i, or NULL. */
const char *fabric_bpf_pin_name(unsigned int i);

/* Unpin what is proven ours (a foreign object under one of our names stays); rmdir. */
void fabric_unpin_all(const char *fabric);
/* Pin @fd as BPF_PIN_ROOT/<fabric>/<name>: 0 or -errno (recorded). */
int fabric_pin_fd(int fd, const char *fabric, const char *name);

/* The map named @name a program uses, as a new fd, or -1. */
int fabric_bpf_prog_map_named(int prog_fd, const char *name);
/* The program of a pinned link, as a new fd, or -1. */
int fabric_bpf_link_prog(int link_fd);
/* Does map @fd have the shape pin bit @bit expects (type, key size)? max_entries or -1. */
int fabric_pin_map_ok(int fd, unsigned int bit);

#endif
