/*
 * tokcache: tokens already verified, so that a repeated token does not
 * pay for its signature again.  Keyed by the token's SHA-256 and the
 * resource whose policy decided it; an entry dies when its issuer's key
 * set changes.  An allow has its time and scopes checked again on every
 * hit (decide_recheck); a refusal by the signature check (a forged or
 * broken signature against a known key) is remembered as such, in at
 * most one way of a set, so it never crowds out allows.  Fixed size:
 * memory is bounded by the entry count, whatever the traffic.
 */
#ifndef MCPAUTH_TOKCACHE_H
#define MCPAUTH_TOKCACHE_H

#include <stddef.h>

#include "decide.h"

/* Room for sub, client_id and scopes in one entry; larger is not cached. */
#define TOKCACHE_STRINGS 480

struct tokcache;

/* A cache of about n entries, or NULL if n is 0 or memory is short. */
struct tokcache *tokcache_new(size_t n);

/* Free c; NULL does nothing. */
void tokcache_free(struct tokcache *c);

/* The cache key of a token (its SHA-256) into h.  0, or -1. */
int tokcache_hash(const char *token, size_t len, unsigned char h[32]);

/*
 * Look up the token whose hash is h for the decision input in.  On a hit
 * fill d as decide would (an allow without claims, or the refusal) and
 * return 1; else return 0.  token must outlive d, as with decide.
 */
int tokcache_get(struct tokcache *c, const struct decide_input *in,
    const unsigned char h[32], const char *token, size_t len,
    struct decision *d);

/*
 * Remember decision d for the token whose hash is h, if it is an allow
 * or a refusal by the signature check; anything else is ignored.  The
 * entry lives while d->generation, the key set generation d was decided
 * with, is current: never longer, even if the set changed meanwhile.
 */
void tokcache_put(struct tokcache *c, const struct decide_input *in,
    const unsigned char h[32], const struct decision *d);

#endif
