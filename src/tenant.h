/*
 * tenant: templated issuers of multi-tenant providers (SPEC §13).  An
 * issuer URL holding {tenantid} stands for every URL with a tenant id,
 * the token's own tid claim, in its place.
 */
#ifndef MCPAUTH_TENANT_H
#define MCPAUTH_TENANT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "config.h"

#define TENANT_MARK "{tenantid}"
/* Longest tenant id. */
#define TENANT_ID_MAX 128

/* Does url hold {tenantid}? */
int tenant_templated(const char *url);

/*
 * Is url a usable template: {tenantid} once, in the path (after the
 * host)?  1, or 0 with *why.
 */
int tenant_template_ok(const char *url, const char **why);

/*
 * Is tid a tenant id: 1 to TENANT_ID_MAX letters, digits, '-', '_' and
 * '.', other than "." and ".."?
 */
int tenant_id_valid(const char *tid);

/*
 * Parse the value of tenants= ("any", or IDs separated by ',') into is.
 * Returns 0, or -1 with why in err.
 */
int tenant_list_parse(struct config_issuer *is, const char *v, char *err,
    size_t errlen);

/* Does cfg have a templated issuer? */
int tenant_any(const struct config *cfg);

/*
 * The index of the configured issuer of a token whose iss is iss, with
 * payload its claims: an issuer configured as exactly iss (never a
 * template), else a templated issuer that, with the token's tid in place
 * of {tenantid}, is iss and allows that tenant.  -1 with why otherwise.
 */
int tenant_issuer(const struct config *cfg, const char *iss,
    const cJSON *payload, char *why, size_t whylen);

#endif
