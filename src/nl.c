// SPDX-License-Identifier: GPL-2.0-only
/* rtnetlink socket, batched sends, one receive loop for acks and ext-acks. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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
	s->seq = (uint32_t)getpid() << 12; /* distinct per process, for reading traces */
	s->buf = malloc(NL_BATCH_BYTES);
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

static int nl_send_queued(struct nl_sock *s)
{
	size_t off = 0;

	while (off < s->len) {
		ssize_t n = mnl_socket_sendto(s->mnl, s->buf + off, s->len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail(-errno, "cannot send to netlink");
		}
		off += (size_t)n;
	}
	s->len = 0;
	s->queued = 0;
	return 0;
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

int nl_flush(struct nl_sock *s, uint32_t first_seq, struct nl_ack *acks, nl_reply_cb cb,
	     void *data)
{
	char rbuf[64 * 1024];
	uint32_t last_seq = s->seq;
	uint32_t pending;
	int first_err = 0;
	int err;

	if (s->queued == 0 && s->len == 0)
		return 0;
	pending = last_seq - first_seq + 1;
	err = nl_send_queued(s);
	if (err)
		return err;
	while (pending > 0) {
		ssize_t n = mnl_socket_recvfrom(s->mnl, rbuf, sizeof(rbuf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail(-errno, "cannot receive from netlink");
		}
		for (const struct nlmsghdr *nlh = (const struct nlmsghdr *)rbuf; mnl_nlmsg_ok(nlh, (int)n);
		     nlh = mnl_nlmsg_next(nlh, (int *)&n)) {
			if (nlh->nlmsg_seq < first_seq || nlh->nlmsg_seq > last_seq)
				continue; /* a stale reply from an earlier, failed batch */
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
				struct nl_ack tmp, *ack = acks ? &acks[nlh->nlmsg_seq - first_seq] : &tmp;

				ack->err = e->error;
				nl_ext_ack_text(nlh, ack->msg, sizeof(ack->msg));
				if (e->error && !first_err) {
					first_err = e->error;
					if (!acks)
						fail_reason(ack->msg[0] ? ack->msg : NULL);
				}
				pending--;
			} else if (nlh->nlmsg_type >= NLMSG_MIN_TYPE && cb) {
				err = cb(nlh, data);
				if (err && !first_err)
					first_err = err;
			}
		}
	}
	return acks ? 0 : first_err;
}

struct nlmsghdr *nl_msg(struct nl_sock *s, uint16_t type, uint16_t flags, size_t hdr_size)
{
	struct nlmsghdr *nlh;

	/* Leave room for the largest message we build (a veth with its peer). */
	if (s->len + 1024 > NL_BATCH_BYTES)
		nl_send_queued(s);
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
	int err = nl_send_queued(s);

	if (err)
		return err;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(s->mnl, rbuf, sizeof(rbuf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail(-errno, "cannot receive from netlink");
		}
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
