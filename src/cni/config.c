// SPDX-License-Identifier: GPL-2.0-only
/*
 * The plugin's configuration (stdin), strictly: every key is known and of
 * its type, or the request is refused with error 7 naming it. The standard
 * keys a runtime adds (cniVersion, name, type, args, capabilities,
 * runtimeConfig, prevResult, cni.dev/valid-attachments) are known.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "cni/cni.h"
#include "fabric/fabric.h"
#include "fabric/ipam.h"

const char *const cni_versions[] = {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0", NULL};

bool cni_version_supported(const char *v)
{
	for (size_t i = 0; cni_versions[i]; i++)
		if (!strcmp(v, cni_versions[i]))
			return true;
	return false;
}

int cni_version_cmp(const char *a, const char *b)
{
	unsigned int x[3] = {0}, y[3] = {0};

	sscanf(a, "%u.%u.%u", &x[0], &x[1], &x[2]);
	sscanf(b, "%u.%u.%u", &y[0], &y[1], &y[2]);
	for (int i = 0; i < 3; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

static int want_string(struct json_object *v, const char *key, char *buf, size_t size)
{
	const char *s;

	if (!json_object_is_type(v, json_type_string))
		return cni_fail(CNI_ERR_CONFIG, "configuration key \"%s\" must be a string", key);
	s = json_object_get_string(v);
	if (strlen(s) >= size)
		return cni_fail(CNI_ERR_CONFIG, "configuration key \"%s\" is too long", key);
	snprintf(buf, size, "%s", s);
	return 0;
}

static int want_int(struct json_object *v, const char *key, int64_t min, int64_t max, int64_t *out)
{
	if (!json_object_is_type(v, json_type_int))
		return cni_fail(CNI_ERR_CONFIG, "configuration key \"%s\" must be an integer", key);
	*out = json_object_get_int64(v);
	if (*out < min || *out > max)
		return cni_fail(CNI_ERR_CONFIG,
				"configuration key \"%s\": %lld is not in %lld..%lld", key,
				(long long)*out, (long long)min, (long long)max);
	return 0;
}

static int want_object(struct json_object *v, const char *key)
{
	if (!json_object_is_type(v, json_type_object))
		return cni_fail(CNI_ERR_CONFIG, "configuration key \"%s\" must be an object", key);
	return 0;
}

/* prevResult: the addresses are what CHECK compares; the rest is the runtime's. */
static int parse_prev(struct json_object *v, struct cni_prev *p)
{
	struct json_object *ips, *ip, *addr;

	if (want_object(v, "prevResult"))
		return -1;
	p->present = true;
	if (!json_object_object_get_ex(v, "ips", &ips))
		return 0;
	if (!json_object_is_type(ips, json_type_array))
		return cni_fail(CNI_ERR_CONFIG, "prevResult.ips must be an array");
	for (size_t i = 0; i < json_object_array_length(ips); i++) {
		ip = json_object_array_get_idx(ips, i);
		if (!json_object_is_type(ip, json_type_object) ||
		    !json_object_object_get_ex(ip, "address", &addr) ||
		    !json_object_is_type(addr, json_type_string))
			return cni_fail(CNI_ERR_CONFIG, "prevResult.ips[%zu] has no address", i);
		if (p->n_ips < CNI_PREV_IPS_MAX)
			snprintf(p->ips[p->n_ips++], sizeof(p->ips[0]), "%s",
				 json_object_get_string(addr));
	}
	return 0;
}

static int parse_valid(struct json_object *v, struct cni_conf *c)
{
	size_t n;

	if (!json_object_is_type(v, json_type_array))
		return cni_fail(CNI_ERR_CONFIG, "cni.dev/valid-attachments must be an array");
	n = json_object_array_length(v);
	c->have_valid = true;
	c->valid = calloc(n + 1, sizeof(*c->valid));
	if (!c->valid)
		return cni_fail(CNI_ERR_IO, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct json_object *a = json_object_array_get_idx(v, i), *id, *ifn;

		if (!json_object_is_type(a, json_type_object) ||
		    !json_object_object_get_ex(a, "containerID", &id) ||
		    !json_object_object_get_ex(a, "ifname", &ifn) ||
		    !json_object_is_type(id, json_type_string) ||
		    !json_object_is_type(ifn, json_type_string))
			return cni_fail(CNI_ERR_CONFIG,
					"cni.dev/valid-attachments[%zu] needs string containerID "
					"and ifname",
					i);
		snprintf(c->valid[c->n_valid].container_id, sizeof(c->valid[0].container_id), "%s",
			 json_object_get_string(id));
		snprintf(c->valid[c->n_valid].ifname, sizeof(c->valid[0].ifname), "%s",
			 json_object_get_string(ifn));
		c->n_valid++;
	}
	return 0;
}

static int parse_key(const char *key, struct json_object *v, struct cni_conf *c, bool *seen_fabric)
{
	char text[64];
	int64_t n;

	if (!strcmp(key, "cniVersion"))
		return want_string(v, key, c->version, sizeof(c->version));
	if (!strcmp(key, "name"))
		return want_string(v, key, c->name, sizeof(c->name));
	if (!strcmp(key, "type"))
		return want_string(v, key, text, sizeof(text));
	if (!strcmp(key, "args") || !strcmp(key, "capabilities") || !strcmp(key, "runtimeConfig"))
		return want_object(v, key);
	if (!strcmp(key, "prevResult"))
		return parse_prev(v, &c->prev);
	if (!strcmp(key, "cni.dev/valid-attachments"))
		return parse_valid(v, c);
	if (!strcmp(key, "fabric")) {
		if (want_string(v, key, text, sizeof(text)))
			return -1;
		if (fabric_name_validate(text) || strlen(text) > FABRIC_NAME_MAX)
			return cni_fail_core(CNI_ERR_CONFIG, -EINVAL,
					     "configuration key \"fabric\"");
		snprintf(c->fabric, sizeof(c->fabric), "%s", text);
		*seen_fabric = true;
		return 0;
	}
	if (!strcmp(key, "subnet")) {
		if (want_string(v, key, text, sizeof(text)))
			return -1;
		if (fabric_subnet_parse(text, &c->subnet))
			return cni_fail_core(CNI_ERR_CONFIG, -EINVAL,
					     "configuration key \"subnet\"");
		c->have_subnet = true;
		return 0;
	}
	if (!strcmp(key, "mtu")) {
		if (want_int(v, key, FABRIC_MTU_MIN, FABRIC_MTU_MAX, &n))
			return -1;
		c->mtu = (unsigned int)n;
		return 0;
	}
	if (!strcmp(key, "tune")) {
		if (!json_object_is_type(v, json_type_boolean))
			return cni_fail(CNI_ERR_CONFIG,
					"configuration key \"tune\" must be a boolean");
		c->tune = json_object_get_boolean(v);
		return 0;
	}
	if (!strcmp(key, "cellSize")) {
		if (want_int(v, key, 0, UINT32_MAX, &n))
			return -1;
		snprintf(text, sizeof(text), "%lld", (long long)n);
		if (cell_size_parse(text, "cellSize", &c->cell_size))
			return cni_fail_core(CNI_ERR_CONFIG, -EINVAL,
					     "configuration key \"cellSize\"");
		return 0;
	}
	return cni_fail(CNI_ERR_CONFIG, "unknown configuration key \"%s\"", key);
}

int cni_conf_parse(const char *text, struct cni_conf *c, bool need_fabric)
{
	enum json_tokener_error jerr = json_tokener_success;
	struct json_object *root;
	bool seen_fabric = false;
	int err = 0;

	memset(c, 0, sizeof(*c));
	c->mtu = FABRIC_DEFAULT_MTU;
	c->cell_size = CELL_DEFAULT_SIZE;
	root = json_tokener_parse_verbose(text, &jerr);
	if (!root)
		return cni_fail(CNI_ERR_DECODE, "the configuration is not JSON: %s",
				json_tokener_error_desc(jerr));
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return cni_fail(CNI_ERR_DECODE, "the configuration is not a JSON object");
	}
	json_object_object_foreach(root, key, val)
	{
		if ((err = parse_key(key, val, c, &seen_fabric)))
			break;
	}
	json_object_put(root);
	if (err)
		return err;
	if (!c->version[0])
		return cni_fail(CNI_ERR_CONFIG, "the configuration has no cniVersion");
	if (!cni_version_supported(c->version))
		return cni_fail(CNI_ERR_VERSION,
				"CNI version %s is not supported (0.3.0, 0.3.1, 0.4.0, 1.0.0, "
				"1.1.0 are)",
				c->version);
	if (need_fabric && !c->name[0])
		return cni_fail(CNI_ERR_CONFIG, "the configuration has no network name");
	if (need_fabric && !seen_fabric)
		return cni_fail(CNI_ERR_CONFIG, "the configuration has no \"fabric\" key");
	return 0;
}

void cni_conf_free(struct cni_conf *c)
{
	free(c->valid);
	c->valid = NULL;
}
