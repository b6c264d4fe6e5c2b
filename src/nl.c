// SPDX-License-Identifier: GPL-2.0-only
/* rtnetlink socket, batched sends, one receive loop for acks and ext-acks. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "errors.h"
#include "nl.h"

#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

int nl_open(struct nl_sock *s)
{
	int one = 1, rcvbuf = 8 << 20;

	memset(s, 0, sizeof(*s));
	s->mnl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!s->mnl)
		return fail(-errno, "cannot open a netlink socket");
	/* Older kernels lack some options; acks still work without them. */
	mnl_socket_setsockopt(s->mnl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s->mnl, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s->mnl, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	if (setsockopt(mnl_socket_get_fd(s->mnl), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) < 0)
		setsockopt(mnl_socket_get_fd(s->mnl), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (mnl_socket_bind(s->mnl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;
		mnl_socket_close(s->mnl);
		s->mnl = NULL;
		return fail(err, "cannot bind a netlink socket");
	}
	s->portid = mnl_socket_get_portid(s->mnl);
	/* A reply lost to a bug must not hang us: no answer in 60 s is an error. */
	struct timeval tv = { .tv_sec = 60 };
	setsockopt(mnl_socket_get_fd(s->mnl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	s->cap = 64 * 1024;
	s->buf = malloc(s->cap);
	if (!s->buf) {
		nl_close(s);
		return -ENOMEM;
	}
	return 0;
}

void nl_close(struct nl_sock *s)
{
	if (s->mnl)
		mnl_socket_close(s->mnl);
	free(s->buf);
	memset(s, 0, sizeof(*s));
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

static int nl_recv(struct nl_sock *s, char *buf, size_t size, ssize_t *n)
{
	for (;;) {
		*n = mnl_socket_recvfrom(s->mnl, buf, size);
		if (*n >= 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return fail(-ETIMEDOUT, "no answer from netlink in 60 s");
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
	mnl_attr_for_each_payload((void *)((const char *)e + off), nlh->nlmsg_len - MNL_NLMSG_HDRLEN - off) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(out, size, "%s", mnl_attr_get_str(attr));
	}
}

/* Receive until every request in [lo, hi] is acked. */
static int nl_collect(struct nl_sock *s, uint32_t first_seq, uint32_t lo, uint32_t hi,
		      struct nl_ack *acks, nl_reply_cb cb, void *data, int *first_err)
{
	char rbuf[64 * 1024];
	uint32_t pending = hi - lo + 1;
	int err;

	while (pending > 0) {
		ssize_t n;

		err = nl_recv(s, rbuf, sizeof(rbuf), &n);
		if (err)
			return err;
		for (const struct nlmsghdr *nlh = (const struct nlmsghdr *)rbuf; mnl_nlmsg_ok(nlh, (int)n);
		     nlh = mnl_nlmsg_next(nlh, (int *)&n)) {
			if (nlh->nlmsg_seq < lo || nlh->nlmsg_seq > hi)
				continue; /* a stale reply from an earlier, failed batch */
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
				struct nl_ack tmp, *ack = acks ? &acks[nlh->nlmsg_seq - first_seq] : &tmp;

				ack->err = e->error;
				nl_ext_ack_text(nlh, ack->msg, sizeof(ack->msg));
				if (e->error && !*first_err) {
					*first_err = e->error;
					if (!acks)
						fail_reason(ack->msg[0] ? ack->msg : NULL);
				}
				pending--;
			} else if (nlh->nlmsg_type >= NLMSG_MIN_TYPE && cb) {
				err = cb(nlh, data);
				if (err && !*first_err)
					*first_err = err;
			}
		}
	}
	return 0;
}

int nl_flush(struct nl_sock *s, uint32_t first_seq, struct nl_ack *acks, nl_reply_cb cb,
	     void *data)
{
	const char *chunk = s->buf, *end = s->buf + s->len;
	int first_err = 0;
	int err = 0;

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
		err = nl_send(s, chunk, (size_t)(p - chunk));
		if (!err)
			err = nl_collect(s, first_seq, lo, hi, acks, cb, data, &first_err);
		if (err)
			break;
		chunk = p;
	}
	s->len = 0;
	s->queued = 0;
	if (err)
		return err;
	return acks ? 0 : first_err;
}

struct nlmsghdr *nl_msg(struct nl_sock *s, uint16_t type, uint16_t flags, size_t hdr_size)
{
	struct nlmsghdr *nlh;

	if (s->len + NL_MSG_MAX > s->cap) {
		char *grown = realloc(s->buf, s->cap * 2);

		if (!grown)
			abort(); /* a few KiB per node: out of memory is not recoverable here */
		s->buf = grown;
		s->cap *= 2;
	}
	nlh = mnl_nlmsg_put_header(s->buf + s->len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++s->seq;
	mnl_nlmsg_put_extra_header(nlh, hdr_size);
	return nlh;
}

void nl_msg_done(struct nl_sock *s, struct nlmsghdr *nlh)
{
	s->len += NLMSG_ALIGN(nlh->nlmsg_len);
	s->queued++;
}

int nl_dump(struct nl_sock *s, nl_reply_cb cb, void *data)
{
	char rbuf[64 * 1024];
	uint32_t seq = s->seq;
	int first_err = 0;
	int err = nl_send(s, s->buf, s->len);

	s->len = 0;
	s->queued = 0;
	if (err)
		return err;
	for (;;) {
		ssize_t n;

		err = nl_recv(s, rbuf, sizeof(rbuf), &n);
		if (err)
			return err;
		for (const struct nlmsghdr *nlh = (const struct nlmsghdr *)rbuf; mnl_nlmsg_ok(nlh, (int)n);
		     nlh = mnl_nlmsg_next(nlh, (int *)&n)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE)
				return first_err;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
				char msg[160];

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
