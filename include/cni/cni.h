/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fabricctl-cni: the CNI plugin front-end (spec 1.1.0 and the versions
 * runtimes still send: 0.3.0, 0.3.1, 0.4.0, 1.0.0). The runtime's request
 * is the environment (CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME,
 * CNI_ARGS, CNI_PATH) and a JSON configuration on stdin; the answer is a
 * result or a typed error on stdout in the request's version.
 */
#ifndef FABRICCTL_CNI_CNI_H
#define FABRICCTL_CNI_CNI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/ipv4.h"
#include "fabric/attach.h"
#include "fabric/names.h"
#include "fabric/state.h"

#define CNI_SPEC_VERSION "1.1.0"
#define CNI_PREV_IPS_MAX 8

/* Error codes of the spec; 100 and up are the plugin's own. */
enum cni_code {
	CNI_ERR_VERSION = 1,
	CNI_ERR_FIELD = 2,
	CNI_ERR_UNKNOWN_CONTAINER = 3,
	CNI_ERR_ENV = 4,
	CNI_ERR_IO = 5,
	CNI_ERR_DECODE = 6,
	CNI_ERR_CONFIG = 7,
	CNI_ERR_TRY_AGAIN = 11,
	CNI_ERR_UNAVAILABLE = 50,
	CNI_ERR_LIMITED = 51,
	CNI_ERR_CHECK = 100, /* CHECK found the kernel unlike the result */
};

struct cni_ref {
	char container_id[ATTACH_ID_MAX + 1];
	char ifname[IFNAMSIZ];
};

/* What the plugin reads of a prevResult. */
struct cni_prev {
	bool present;
	char ips[CNI_PREV_IPS_MAX][IPV4_PREFIX_STRLEN + 8]; /* "A.B.C.D/LEN" */
	size_t n_ips;
};

struct cni_conf {
	char version[16];
	char name[ATTACH_NET_MAX + 1];
	char fabric[FABRIC_NAME_MAX + 1];
	bool have_subnet;
	struct ipv4_prefix subnet;
	unsigned int mtu;
	uint32_t cell_size;
	bool tune; /* the fabric raises the host limits it outgrows (create --tune) */
	struct cni_prev prev;
	bool have_valid; /* cni.dev/valid-attachments (GC) */
	struct cni_ref *valid;
	size_t n_valid;
};

struct cni_env {
	const char *command, *container_id, *netns, *ifname, *args, *path;
};

/* Record error @code with a message (printf-style); returns -1 for "return cni_fail(...)". */
int cni_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, the message being the core's recorded one behind @what. */
int cni_fail_core(int code, int err, const char *what);
int cni_error_code(void);
const char *cni_error_msg(void);
const char *cni_error_details(void);

/* Supported versions, oldest first, NULL-ended. */
extern const char *const cni_versions[];
bool cni_version_supported(const char *v);
/* <0, 0, >0 as @a is older, the same as, newer than @b ("0.4.0" < "1.0.0"). */
int cni_version_cmp(const char *a, const char *b);

/*
 * Parse the configuration @text: 0, or -1 with the error recorded (6: not
 * JSON; 7: an unknown key, a wrong type or value; 1: a version this
 * plugin does not speak). @need_fabric: the fabric keys must be there
 * (not for VERSION).
 */
int cni_conf_parse(const char *text, struct cni_conf *c, bool need_fabric);
void cni_conf_free(struct cni_conf *c);

/* The ADD result of @node in the format of @version. */
void cni_write_result(FILE *out, const char *version, const struct fabric_state *st,
		      const struct fabric_node *node);
/* The recorded error in the format of @version. */
void cni_write_error(FILE *out, const char *version);
void cni_write_versions(FILE *out, const char *version);

int cni_cmd_add(const struct cni_env *env, const struct cni_conf *c, FILE *out);
int cni_cmd_del(const struct cni_env *env, const struct cni_conf *c);
int cni_cmd_check(const struct cni_env *env, const struct cni_conf *c);
int cni_cmd_status(const struct cni_conf *c);
int cni_cmd_gc(const struct cni_conf *c);

/* The fabric of @c, locked and loaded (made first when @create and it does not exist).
 * 0; 1 when it does not exist (not made); or -1 with the error recorded. */
int cni_open_fabric(const struct cni_conf *c, bool create, struct state_lock *lock,
		    struct fabric_state *st);

#endif
