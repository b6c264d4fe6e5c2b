// SPDX-License-Identifier: GPL-2.0-only
/* rtnetlink socket, labelled batches, one receive loop for acks and ext-acks. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/array.h"
#include "base/errors.h"
#include "base/failpoint.h"
#include "kernel/nl.h"

#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

#define NL_RCVBUF (8 << 20)
#define NL_RECV_TIMEOUT_S 60
#define NL_BUF_START (64 * 1024)

int nl_open(struct nl_sock *s)
{
	int one = 1, rcvbuf = NL_RCVBUF, fd;
	struct timeval tv = {.tv_sec = NL_RECV_TIMEOUT_S};

	memset(s, 0, sizeof(*s));
	s->mnl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!s->mnl)
		return fail(-errno, "cannot open a netlink socket");
	fd = mnl_socket_get_fd(s->mnl);
	/* Older kernels lack some options; acks still work without them. */
	mnl_socket_setsockopt(s->mnl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s->mnl, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s->mnl, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (mnl_socket_bind(s->mnl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		nl_close(s);
		return fail(err, "cannot bind a netlink socket");
	}
	s->portid = mnl_socket_get_portid(s->mnl);
	/* A reply lost to a bug must not hang us: no answer in 60 s is an error. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	s->cap = NL_BUF_START;
	s->buf = malloc(s->cap);
	if (!s->buf) {
		nl_close(s);
		return fail(-ENOMEM, "cannot open a netlink socket");
	}
	return 0;
}

void nl_close(struct nl_sock *s)
{
	if (s->mnl)
		mnl_socket_close(s->mnl);
	free(s->buf);
	free(s->reqs);
	memset(s, 0, sizeof(*s));
}

static void queue_reset(struct nl_sock *s)
{
	s->len = 0;
	s->queued = 0;
	s->queue_err = 0;
}

/* Room for one more message and its label; false when memory ran out. */
static bool queue_reserve(struct nl_sock *s)
{
	if (s->len + NL_MSG_MAX > s->cap) {
		char *grown = realloc(s->buf, s->cap * 2);

		if (!grown)
			return false;
		s->buf = grown;
		s->cap *= 2;
	}
	return ARRAY_RESERVE(s->reqs, s->reqs_cap, s->queued) == 0;
}

/* A scratch message for a request that could not be queued: built, never sent. */
static char scratch_msg[NL_MSG_MAX] __attribute__((aligned(8)));

struct nlmsghdr *nl_msg(struct nl_sock *s, uint16_t type, uint16_t flags, size_t hdr_size)
{
	struct nlmsghdr *nlh;

	if (s->results_valid) {
		/* The last flush's outcomes give way to a new batch. */
		s->results_valid = 0;
		queue_reset(s);
	}
	if (s->queue_err || !queue_reserve(s)) {
		s->queue_err = -ENOMEM;
		nlh = mnl_nlmsg_put_header(scratch_msg);
	} else {
		nlh = mnl_nlmsg_put_header(s->buf + s->len);
	}
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++s->seq;
	if (s->queued == 0)
		s->first_seq = nlh->nlmsg_seq;
	mnl_nlmsg_put_extra_header(nlh, hdr_size);
	return nlh;
}

static void label_last(struct nl_sock *s, const char *fmt, va_list ap)
{
	if (s->queue_err || s->queued == 0)
		return;
	vsnprintf(s->reqs[s->queued - 1].label, NL_LABEL_MAX, fmt, ap);
}

uint32_t nl_msg_done(struct nl_sock *s, struct nlmsghdr *nlh, const char *fmt, ...)
{
	va_list ap;

	if (s->queue_err)
		return nlh->nlmsg_seq;
	s->len += NLMSG_ALIGN(nlh->nlmsg_len);
	memset(&s->reqs[s->queued].ack, 0, sizeof(s->reqs[0].ack));
	s->queued++;
	va_start(ap, fmt);
	label_last(s, fmt, ap);
	va_end(ap);
	return nlh->nlmsg_seq;
}

void nl_label(struct nl_sock *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	label_last(s, fmt, ap);
	va_end(ap);
}

static int nl_send(struct nl_sock *s, const char *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = mnl_socket_sendto(s->mnl, buf + off, len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail(-errno, "cannot send to netlink");
		}
		off += (size_t)n;
	}
	return 0;
}

/* One datagram into @buf; *len its length. */
static int nl_recv(struct nl_sock *s, char *buf, size_t size, int *len)
{
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(s->mnl, buf, size);

		if (n >= 0) {
			*len = (int)n; /* a datagram fits the 64 KiB buffer */
			return 0;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return fail(-ETIMEDOUT, "no answer from netlink in %d s",
				    NL_RECV_TIMEOUT_S);
		return fail(-errno, "cannot receive from netlink");
	}
}

/* Pull the kernel's extended-ack message out of an NLMSG_ERROR. */
static void nl_ext_ack_text(const struct nlmsghdr *nlh, char *out, size_t size)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t off = sizeof(*e);

	out[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (MNL_NLMSG_HDRLEN + off > nlh->nlmsg_len)
		return;
	mnl_attr_for_each_payload ((void *)((const char *)e + off),
				   nlh->nlmsg_len - MNL_NLMSG_HDRLEN - off) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(out, size, "%s", mnl_attr_get_str(attr));
	}
}

/* Receive until every request with a seq in [lo, hi] is acked. */
static int nl_collect(struct nl_sock *s, uint32_t lo, uint32_t hi, nl_reply_cb cb, void *data)
{
	char rbuf[64 * 1024] __attribute__((aligned(8)));
	uint32_t pending = hi - lo + 1;
	int len, err;

	while (pending > 0) {
		err = nl_recv(s, rbuf, sizeof(rbuf), &len);
		if (err)
			return err;
		for (const struct nlmsghdr *nlh = (const struct nlmsghdr *)rbuf;
		     mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq < lo || nlh->nlmsg_seq > hi)
				continue; /* a stale reply from an earlier, failed batch */
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
				struct nl_ack *ack = &s->reqs[nlh->nlmsg_seq - s->first_seq].ack;

				ack->err = e->error;
				nl_ext_ack_text(nlh, ack->msg, sizeof(ack->msg));
				pending--;
			} else if (nlh->nlmsg_type >= NLMSG_MIN_TYPE && cb) {
				cb(nlh,
				   data); /* a reply it cannot use is not a request's failure */
			}
		}
	}
	return 0;
}

int nl_flush(struct nl_sock *s, nl_reply_cb cb, void *data)
{
	const char *chunk = s->buf, *end = s->buf + s->len;
	int err = 0;

	if (s->results_valid) {
		queue_reset(s); /* nothing queued since the last flush */
		return 0;
	}
	if (s->queue_err) {
		queue_reset(s);
		return fail(-ENOMEM, "cannot queue a netlink request");
	}
	while (chunk < end) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)chunk;
		uint32_t lo = nlh->nlmsg_seq, hi = lo;
		const char *p = chunk;

		/* At most NL_CHUNK_MSGS requests in flight: their replies fit. */
		for (size_t k = 0; k < NL_CHUNK_MSGS && p < end; k++) {
			nlh = (const struct nlmsghdr *)p;
			hi = nlh->nlmsg_seq;
			p += NLMSG_ALIGN(nlh->nlmsg_len);
		}
		err = failpoint("netlink batch");
		if (!err)
			err = nl_send(s, chunk, (size_t)(p - chunk));
		if (!err)
			err = nl_collect(s, lo, hi, cb, data);
		if (err) {
			/* Unanswered requests count as failed, never as done. */
			for (uint32_t q = lo; q <= s->seq; q++)
				if (q - s->first_seq < s->queued &&
				    !s->reqs[q - s->first_seq].ack.err)
					s->reqs[q - s->first_seq].ack.err = err;
			break;
		}
		chunk = p;
	}
	s->len = 0;
	s->results_valid = 1;
	return err;
}

const struct nl_ack *nl_result(const struct nl_sock *s, uint32_t seq)
{
	static const struct nl_ack unknown = {-EINVAL, ""};

	if (!s->results_valid || seq - s->first_seq >= s->queued)
		return &unknown;
	return &s->reqs[seq - s->first_seq].ack;
}

static int record_request_error(const struct nl_request *r)
{
	if (r->ack.msg[0])
		fail_reason(r->ack.msg);
	return fail(r->ack.err, "cannot %s", r->label[0] ? r->label : "complete a netlink request");
}

int nl_check(const struct nl_sock *s, uint32_t seq)
{
	if (!s->results_valid || seq - s->first_seq >= s->queued)
		return fail(-EINVAL, "no netlink request %u in the last batch", seq);
	if (!s->reqs[seq - s->first_seq].ack.err)
		return 0;
	return record_request_error(&s->reqs[seq - s->first_seq]);
}

int nl_first_error(const struct nl_sock *s)
{
	if (!s->results_valid)
		return 0;
	for (size_t i = 0; i < s->queued; i++)
		if (s->reqs[i].ack.err)
			return record_request_error(&s->reqs[i]);
	return 0;
}

int nl_run(struct nl_sock *s, nl_reply_cb cb, void *data)
{
	int err = nl_flush(s, cb, data);

	return err ? err : nl_first_error(s);
}

int nl_dump(struct nl_sock *s, nl_reply_cb cb, void *data)
{
	char rbuf[64 * 1024] __attribute__((aligned(8)));
	uint32_t seq = s->seq;
	int first_err = 0, len, err;

	if (s->queue_err) {
		queue_reset(s);
		return fail(-ENOMEM, "cannot queue a netlink request");
	}
	err = nl_send(s, s->buf, s->len);
	queue_reset(s);
	s->results_valid = 0;
	s->dump_intr = false;
	if (err)
		return err;
	for (;;) {
		err = nl_recv(s, rbuf, sizeof(rbuf), &len);
		if (err)
			return err;
		for (const struct nlmsghdr *nlh = (const struct nlmsghdr *)rbuf;
		     mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				s->dump_intr = true;
			if (nlh->nlmsg_type == NLMSG_DONE)
				return first_err;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
				char msg[NL_ACK_TEXT_MAX];

				if (!e->error)
					return first_err; /* the ack after DONE */
				nl_ext_ack_text(nlh, msg, sizeof(msg));
				fail_reason(msg[0] ? msg : NULL);
				return e->error;
			}
			if (!first_err) {
				err = cb(nlh, data);
				if (err)
					first_err = err;
			}
		}
	}
}

struct attr_table {
	const struct nlattr **tb;
	unsigned int max;
};

static int attr_table_cb(const struct nlattr *attr, void *data)
{
	const struct attr_table *t = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type <= t->max)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

int nl_parse_attrs(const struct nlmsghdr *nlh, size_t hdr_size, const struct nlattr **tb,
		   unsigned int max)
{
	struct attr_table t = {tb, max};

	return mnl_attr_parse(nlh, (unsigned int)hdr_size, attr_table_cb, &t) < 0 ? -EINVAL : 0;
}

int nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb, unsigned int max)
{
	struct attr_table t = {tb, max};

	return mnl_attr_parse_nested(nest, attr_table_cb, &t) < 0 ? -EINVAL : 0;
}
