// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the plugin answers, through the project's JSON writer: the ADD
 * result (host interface without sandbox, the container's with sandbox
 * and MAC, the address, the default route via the cell's gateway) in the
 * format of the request's version, typed errors, the version list.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/errors.h"
#include "base/json_writer.h"
#include "cni/cni.h"
#include "fabric/cell.h"

static struct {
	int code;
	char msg[512];
	char details[1024];
} cni_err;

int cni_fail(int code, const char *fmt, ...)
{
	va_list ap;

	if (cni_err.code)
		return -1; /* the first error says it */
	cni_err.code = code;
	va_start(ap, fmt);
	vsnprintf(cni_err.msg, sizeof(cni_err.msg), fmt, ap);
	va_end(ap);
	return -1;
}

int cni_fail_core(int code, int err, const char *what)
{
	const char *why = fail_message();

	if (!why)
		why = strerror(err < 0 ? -err : err);
	cni_fail(code, "%s: %s", what, why);
	fail_clear();
	return -1;
}

int cni_error_code(void)
{
	return cni_err.code;
}

const char *cni_error_msg(void)
{
	return cni_err.msg;
}

const char *cni_error_details(void)
{
	return cni_err.details;
}

void cni_write_error(FILE *out, const char *version)
{
	struct json_writer w;

	json_init(&w, out, true);
	json_object_start(&w);
	json_kv_string(&w, "cniVersion",
		       version && cni_version_supported(version) ? version : CNI_SPEC_VERSION);
	json_kv_uint(&w, "code", (uint64_t)cni_err.code);
	json_kv_string(&w, "msg", cni_err.msg);
	if (cni_err.details[0])
		json_kv_string(&w, "details", cni_err.details);
	json_object_end(&w);
	json_finish(&w);
}

void cni_write_versions(FILE *out, const char *version)
{
	struct json_writer w;

	json_init(&w, out, true);
	json_object_start(&w);
	json_kv_string(&w, "cniVersion",
		       version && cni_version_supported(version) ? version : CNI_SPEC_VERSION);
	json_key(&w, "supportedVersions");
	json_array_start(&w);
	for (size_t i = 0; cni_versions[i]; i++)
		json_string(&w, cni_versions[i]);
	json_array_end(&w);
	json_object_end(&w);
	json_finish(&w);
}

static void write_interface(struct json_writer *w, const char *name, const char *mac,
			    const char *sandbox, unsigned int mtu, bool new_format)
{
	json_object_start(w);
	json_kv_string(w, "name", name);
	json_kv_string(w, "mac", mac);
	if (new_format)
		json_kv_uint(w, "mtu", mtu);
	if (sandbox)
		json_kv_string(w, "sandbox", sandbox);
	json_object_end(w);
}

void cni_write_result(FILE *out, const char *version, const struct fabric_state *st,
		      const struct fabric_node *node)
{
	uint32_t addr = ipam_addr_of(&st->ipam, node->slot);
	uint32_t gw = cell_gateway_of(st, node->slot);
	char host_if[IFNAMSIZ], a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN], mac[18], hmac[18],
		cidr[IPV4_PREFIX_STRLEN + 4];
	bool v1 = cni_version_cmp(version, "1.0.0") >= 0;
	bool v11 = cni_version_cmp(version, "1.1.0") >= 0;
	struct json_writer w;
	uint8_t m[6];

	host_veth_name(host_if, st->name, node->slot);
	node_mac_text(addr, mac);
	fabric_mac(m, MAC_HOST_END, addr);
	snprintf(hmac, sizeof(hmac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
		 m[5]);
	snprintf(cidr, sizeof(cidr), "%s/%u", ipv4_addr_format(addr, a),
		 ipam_cell_prefix_len(&st->ipam));
	ipv4_addr_format(gw, g);

	json_init(&w, out, true);
	json_object_start(&w);
	json_kv_string(&w, "cniVersion", version);
	json_key(&w, "interfaces");
	json_array_start(&w);
	write_interface(&w, host_if, hmac, NULL, st->mtu, v11);
	write_interface(&w, node->cni->ifname, mac, node->cni->netns, st->mtu, v11);
	json_array_end(&w);
	json_key(&w, "ips");
	json_array_start(&w);
	json_object_start(&w);
	if (!v1)
		json_kv_string(&w, "version", "4");
	json_kv_string(&w, "address", cidr);
	json_kv_string(&w, "gateway", g);
	json_kv_uint(&w, "interface", 1);
	json_object_end(&w);
	json_array_end(&w);
	json_key(&w, "routes");
	json_array_start(&w);
	json_object_start(&w);
	json_kv_string(&w, "dst", "0.0.0.0/0");
	json_kv_string(&w, "gw", g);
	json_object_end(&w);
	json_array_end(&w);
	json_key(&w, "dns");
	json_object_start(&w);
	json_object_end(&w);
	json_object_end(&w);
	json_finish(&w);
}
