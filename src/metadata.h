/* metadata: RFC 9728 protected resource metadata for a resource. */
#ifndef MCPAUTH_METADATA_H
#define MCPAUTH_METADATA_H

#include "buf.h"
#include "config.h"

/* What a request path asks for (SPEC §6): only the exact forms route. */
enum metadata_route {
	METADATA_NONE,		/* anything else: a decision */
	METADATA_RESOURCE,	/* URL_WELL_KNOWN_RESOURCE[/<path>] */
	METADATA_AS		/* exactly URL_WELL_KNOWN_OAUTH */
};

/* Route a request path. */
enum metadata_route metadata_route(const char *path);

/*
 * Append the URL of r's metadata to out: its origin, the well-known
 * prefix, then its path (RFC 9728 §3.1 path insertion).  0, or -1 if it
 * does not fit in out.
 */
int metadata_url(const struct config_resource *r, struct buf *out)
    BUF_MUST_CHECK;

/*
 * The resource whose metadata is served at path, a METADATA_RESOURCE
 * path: the root form for a resource at "/", the path-inserted form
 * otherwise.  Resources on several hosts may share a path: then the one
 * named by want (the web server's MCPAUTH_RESOURCE; NULL if unset) is
 * chosen, never one by the request's Host, which the client picks.
 * NULL if none, with *shared set to 1 if several resources have the
 * path but want names none of them (a configuration error), else 0.
 */
const struct config_resource *metadata_find(const struct config *cfg,
    const char *path, const char *want, int *shared);

/*
 * The metadata document of r as JSON (resource, authorization_servers,
 * scopes_supported, bearer_methods_supported, resource_name,
 * resource_documentation).  Caller frees; NULL if out of memory.
 */
char *metadata_json(const struct config *cfg, const struct config_resource *r);

#endif
