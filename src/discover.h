/*
 * discover: fetch and check an authorization server's metadata (RFC 8414,
 * OpenID Connect Discovery) in the order SPEC §4 gives.
 */
#ifndef MCPAUTH_DISCOVER_H
#define MCPAUTH_DISCOVER_H

#include <stddef.h>

#include "config.h"

/* Largest metadata document accepted. */
#define DISCOVER_MAX_BYTES (256 * 1024)

/*
 * The well-known URLs to try for issuer with type, in order, as one
 * string per element of urls (at most 3, caller frees each).  Returns
 * how many.
 */
int discover_urls(const char *issuer, enum config_issuer_type type,
    char *urls[3]);

/*
 * Check that text is metadata for issuer: a JSON object whose "issuer"
 * equals it exactly, with a "jwks_uri" URL (https unless allow_http)
 * unless need_jwks is 0 (then jwks_uri is neither needed nor checked).
 * Returns 0 and sets *jwks_uri (caller frees; NULL if absent and not
 * needed), or -1 with the reason in err.
 */
int discover_check(const char *issuer, const char *text, size_t len,
    int need_jwks, int allow_http, char **jwks_uri, char *err,
    size_t errlen);

/*
 * Fetch metadata for is: from its metadata= URL if set, else from the
 * well-known URLs of its type, first one that passes discover_check.
 * Returns the document (caller frees; *len set), its max-age (as
 * fetch_get gives it) in *max_age unless max_age is NULL, and *jwks_uri,
 * or NULL with every failure listed in err.  Strings from the document
 * appear in err quoted and escaped (log_quote).
 */
char *discover(const struct config_issuer *is, int allow_http, size_t *len,
    long *max_age, char **jwks_uri, char *err, size_t errlen);

#endif
