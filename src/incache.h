/*
 * incache: introspection answers already obtained (SPEC §12), so that a
 * repeated opaque token does not call the authorization server again.
 * Keyed by the token's SHA-256, never the token; each entry holds the
 * answer as it came and the second it ends.  Fixed number of entries
 * (token_cache_entries); answers larger than INCACHE_BODY_MAX are not
 * kept.  An inactive answer only takes a way of a set that no active
 * answer needs, so a flood of unknown tokens cannot evict active ones.
 */
#ifndef MCPAUTH_INCACHE_H
#define MCPAUTH_INCACHE_H

#include <stddef.h>

/* Largest answer kept, in bytes. */
#define INCACHE_BODY_MAX 8192

struct incache;

/* A cache of about n entries, or NULL if n is 0 or memory is short. */
struct incache *incache_new(size_t n);

/* Free c; NULL does nothing. */
void incache_free(struct incache *c);

/*
 * The answer kept for hash h, if it has not ended at now: returns a copy
 * the caller frees (*len bytes, NUL-terminated), else NULL.
 */
char *incache_get(struct incache *c, const unsigned char h[32],
    long long now, size_t *len);

/*
 * Keep body (len bytes), the answer for hash h, until the second until;
 * active says whether it is an active token's.  Does nothing if c is
 * NULL, until <= now, body is too large or memory is short.
 */
void incache_put(struct incache *c, const unsigned char h[32],
    const char *body, size_t len, long long until, int active,
    long long now);

#endif
