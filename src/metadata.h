/* metadata: RFC 9728 protected resource metadata for a resource. */
#ifndef MCPAUTH_METADATA_H
#define MCPAUTH_METADATA_H

#include "buf.h"
#include "config.h"

#define METADATA_PREFIX "/.well-known/oauth-protected-resource"
#define METADATA_AS_PATH "/.well-known/oauth-authorization-server"

/*
 * Append the URL of r's metadata to out: its origin, the well-known
 * prefix, then its path (RFC 9728 §3.1 path insertion).
 */
void metadata_url(const struct config_resource *r, struct buf *out);

/*
 * The resource served at a request path under METADATA_PREFIX: the
 * root form for a resource at "/", the path-inserted form otherwise.
 * NULL if none.
 */
const struct config_resource *metadata_find(const struct config *cfg,
    const char *path);

/*
 * The metadata document of r as JSON (resource, authorization_servers,
 * scopes_supported, bearer_methods_supported, resource_name,
 * resource_documentation).  Caller frees; NULL if out of memory.
 */
char *metadata_json(const struct config *cfg, const struct config_resource *r);

#endif
