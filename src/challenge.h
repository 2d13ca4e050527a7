/*
 * challenge: the WWW-Authenticate value of a 401 or 403 (RFC 6750 §3,
 * RFC 9728 §5.1, SPEC §7).
 */
#ifndef MCPAUTH_CHALLENGE_H
#define MCPAUTH_CHALLENGE_H

#include "buf.h"

/*
 * Append the Bearer challenge to out: error NULL means no credentials,
 * so the challenge carries no error (RFC 6750 §3.1); scopes "" leaves
 * scope out.  Quotes and backslashes in values are escaped, bytes
 * outside printable ASCII dropped.  Returns 0, or -1 if it does not fit
 * in out (which then must not be used).
 */
int challenge_build(struct buf *out, const char *metadata_url,
    const char *scopes, const char *error, const char *why) BUF_MUST_CHECK;

#endif
