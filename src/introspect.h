/*
 * introspect: opaque tokens and RFC 7662 introspection (SPEC §12), the
 * parts without I/O: what is an opaque token, the request sent for one,
 * and the decision on the authorization server's answer.
 */
#ifndef MCPAUTH_INTROSPECT_H
#define MCPAUTH_INTROSPECT_H

#include <stddef.h>

#include "decide.h"
#include "inconf.h"

/* Largest introspection response accepted, in bytes. */
#define INTROSPECT_MAX_BYTES 65536

/*
 * 1 if the len bytes at tok are not a JWS compact serialization (three
 * segments of base64url characters), else 0.
 */
int introspect_is_opaque(const char *tok, size_t len);

/*
 * The form body for tok: token and token_type_hint, and client_id and
 * client_secret with client_secret_post.  Returns a string the caller
 * wipes (crypto_cleanse, *len bytes) and frees, or NULL if memory is
 * short.
 */
char *introspect_body(const struct inconf *c, const char *tok, size_t len,
    size_t *blen);

/*
 * The Authorization value of client_secret_basic: "Basic " and the
 * base64 of the form-encoded id, ':' and form-encoded secret (RFC 6749
 * §2.3.1).  The caller wipes and frees it; NULL if memory is short.
 */
char *introspect_basic(const struct inconf *c);

/*
 * Whether a response may be kept, and until when: -1 if body is not an
 * answer at all (not a JSON object with a boolean "active"; never
 * cached), else the second at which the cached answer ends: for an
 * active token min(exp, now + cache_max), for an inactive one
 * now + negative; *active says which.
 */
long long introspect_until(const char *body, size_t len, long long now,
    long long cache_max, long long negative, int *active);

/*
 * Decide on the introspection response body (len bytes) that issuer
 * (an index of in->cfg) gave for a token, as decide() does for a JWT:
 * d->code DECIDE_ERROR if the body is not an answer, a refusal that names
 * the check, or an allow whose claims (X-Auth-Claims) are the body,
 * base64url.  d is released with decision_clear.  Returns d->code.
 */
enum decide_code introspect_decide(const struct decide_input *in,
    int issuer, const char *body, size_t len, struct decision *d);

#endif
