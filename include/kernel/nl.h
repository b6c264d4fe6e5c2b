/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rtnetlink over libmnl: one socket per network namespace, reused for a
 * whole command. Requests are queued into a batch, each with a label that
 * says what it does ("add address 10.42.0.3/23 to eth0"); nl_flush() sends
 * the batch with as few sendmsg() calls as the receive buffer allows and
 * collects every ack with the kernel's extended-ack text, so a failure is
 * reported as "cannot <label>: <the kernel's reason>".
 */
#ifndef FABRICCTL_KERNEL_NL_H
#define FABRICCTL_KERNEL_NL_H

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Requests in flight at once. The kernel answers a sendmsg() before it
 * returns, queueing every reply on our socket; more replies than the
 * receive buffer holds are dropped (and their acks waited for forever).
 * 256 GETLINK replies are ~300 KiB, far below the 8 MiB buffer.
 */
#define NL_CHUNK_MSGS 256
#define NL_MSG_MAX 1024 /* the largest request we build (a veth with its peer) */
#define NL_LABEL_MAX 96 /* "create veth \"lab-123456\" with eth0 in its namespace" */
#define NL_ACK_TEXT_MAX 160

/* One request's outcome: the kernel's errno (0 = done) and its ack text. */
struct nl_ack {
	int err;
	char msg[NL_ACK_TEXT_MAX];
};

/* A queued request: what it does, for the error that names it. */
struct nl_request {
	char label[NL_LABEL_MAX];
	struct nl_ack ack;
};

struct nl_sock {
	struct mnl_socket *mnl;
	uint32_t portid;
	uint32_t seq;	    /* seq of the last queued message */
	uint32_t first_seq; /* seq of the batch's first request */
	char *buf;	    /* queued messages */
	size_t len, cap;
	struct nl_request *reqs; /* one per queued request, in order */
	size_t queued, reqs_cap;
	int queue_err;	   /* -ENOMEM when a request could not be queued */
	int results_valid; /* reqs[] hold the last flush's acks */
	/* The last nl_dump() was interrupted by a change (NLM_F_DUMP_INTR): its
	 * view may miss objects; a reader that must be exact dumps again. */
	bool dump_intr;
};

/* Called for each data reply (e.g. RTM_NEWLINK) to a queued GET. */
typedef int (*nl_reply_cb)(const struct nlmsghdr *nlh, void *data);

/**
 * nl_open() - a NETLINK_ROUTE socket in the caller's current netns, with
 * extended acks, capped acks, strict checking and a receive buffer large
 * enough for a batch of acks. Returns 0 or -errno (recorded).
 */
int nl_open(struct nl_sock *s);
void nl_close(struct nl_sock *s);

/*
 * Queue a new message (NLM_F_REQUEST | NLM_F_ACK | @flags) with a family
 * header of @hdr_size bytes. Never fails: when memory runs out the request
 * is dropped, and the next nl_flush() reports -ENOMEM without sending.
 */
struct nlmsghdr *nl_msg(struct nl_sock *s, uint16_t type, uint16_t flags, size_t hdr_size);
/* Account for the finished message and label it (printf-style); returns its seq. */
uint32_t nl_msg_done(struct nl_sock *s, struct nlmsghdr *nlh, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Relabel the last queued request: callers know the names builders do not. */
void nl_label(struct nl_sock *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * nl_flush() - send every queued request, NL_CHUNK_MSGS at a time, and
 * collect each one's ack (and data replies, fed to @cb) before sending the
 * next chunk. Request errors are kept per request (nl_result(),
 * nl_check(), nl_first_error()); only a failure to talk to the kernel is
 * returned (and recorded). @cb may be NULL.
 */
int nl_flush(struct nl_sock *s, nl_reply_cb cb, void *data);

/* nl_flush(), then the first failed request's error (recorded with its label). */
int nl_run(struct nl_sock *s, nl_reply_cb cb, void *data);

/* The outcome of request @seq of the last flush. */
const struct nl_ack *nl_result(const struct nl_sock *s, uint32_t seq);
/* 0, or request @seq's error recorded as "cannot <label>: <reason>". */
int nl_check(const struct nl_sock *s, uint32_t seq);
/* The first failed request of the last flush, recorded like nl_check(); 0 if none. */
int nl_first_error(const struct nl_sock *s);

/* Send a dump request queued as the only message and feed each reply to @cb. */
int nl_dump(struct nl_sock *s, nl_reply_cb cb, void *data);

/* Sequence number the next queued message will get. */
static inline uint32_t nl_next_seq(const struct nl_sock *s)
{
	return s->seq + 1;
}

/*
 * Attribute tables: tb[type] for every valid attribute up to @max
 * (tb has @max + 1 entries, zeroed by the caller). 0 or -EINVAL.
 */
int nl_parse_attrs(const struct nlmsghdr *nlh, size_t hdr_size, const struct nlattr **tb,
		   unsigned int max);
int nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb, unsigned int max);

#endif
