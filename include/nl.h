/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rtnetlink over libmnl: one socket per network namespace, reused for a
 * whole command; requests are queued into a batch and sent with one
 * sendmsg(), then every ack is collected with the kernel's extended-ack
 * text. Message builders live in link.c.
 */
#ifndef FABRICCTL_NL_H
#define FABRICCTL_NL_H

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <stdint.h>

/*
 * Requests in flight at once. The kernel answers a sendmsg() before it
 * returns, queueing every reply on our socket; more replies than the
 * receive buffer holds are dropped (and their acks waited for forever).
 * 256 GETLINK replies are ~300 KiB, far below the 8 MiB buffer.
 */
#define NL_CHUNK_MSGS 256
#define NL_MSG_MAX 1024 /* the largest request we build (a veth with its peer) */

struct nl_sock {
	struct mnl_socket *mnl;
	uint32_t portid;
	uint32_t seq;       /* seq of the last queued message */
	char *buf;          /* queued messages */
	size_t len, cap;
	size_t queued;      /* number of queued messages */
};

/* One request's outcome: the kernel's errno (0 = done) and ack text. */
struct nl_ack {
	int err;
	char msg[160];
};

/* Called for each data reply (e.g. RTM_NEWLINK) to a queued GET. */
typedef int (*nl_reply_cb)(const struct nlmsghdr *nlh, void *data);

/**
 * nl_open() - a NETLINK_ROUTE socket in the caller's current netns, with
 * extended acks, capped acks, strict checking and a receive buffer large
 * enough for a batch of acks. Returns 0 or -errno.
 */
int nl_open(struct nl_sock *s);
void nl_close(struct nl_sock *s);

/* Queue a new message (NLM_F_REQUEST | NLM_F_ACK | @flags); the queue grows as needed. */
struct nlmsghdr *nl_msg(struct nl_sock *s, uint16_t type, uint16_t flags, size_t hdr_size);
/* Account for the finished message (after its attributes are added). */
void nl_msg_done(struct nl_sock *s, struct nlmsghdr *nlh);

/**
 * nl_flush() - send every queued message, NL_CHUNK_MSGS at a time, and
 * collect their acks (and replies) before sending the next chunk.
 * @acks: array indexed by (seq - first_seq) for seqs in [first_seq, s->seq],
 *        filled with each request's result; may be NULL to stop at the
 *        first error instead (its text is recorded with fail_reason()).
 * @cb: called for each data reply; may be NULL.
 * Returns 0, or the first request's -errno when @acks is NULL.
 */
int nl_flush(struct nl_sock *s, uint32_t first_seq, struct nl_ack *acks, nl_reply_cb cb,
	     void *data);

/* Send a dump request queued as the only message and feed each reply to @cb. */
int nl_dump(struct nl_sock *s, nl_reply_cb cb, void *data);

/* Sequence number the next queued message will get. */
static inline uint32_t nl_next_seq(const struct nl_sock *s)
{
	return s->seq + 1;
}

#endif
