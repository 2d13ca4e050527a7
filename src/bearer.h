/*
 * bearer: the token in an HTTP Authorization value (RFC 6750 §2.1,
 * SPEC §7).  The scheme is matched without regard to case; the token
 * must be one RFC 6750 b64token, with nothing after it but blanks.
 */
#ifndef MCPAUTH_BEARER_H
#define MCPAUTH_BEARER_H

#include <stddef.h>

enum bearer_result {
	BEARER_NONE,	/* no credentials, or another scheme (Basic, ...) */
	BEARER_BAD,	/* Bearer, but malformed: invalid_request */
	BEARER_TOKEN	/* a token */
};

/*
 * Find the bearer token in the Authorization value h (NUL-terminated;
 * NULL or "" is no credentials).  BEARER_TOKEN: *tok points into h and
 * *len is its length.  BEARER_BAD: *why is set to a static reason.
 * BEARER_NONE: nothing is set.
 */
enum bearer_result bearer_parse(const char *h, const char **tok, size_t *len,
    const char **why);

#endif
