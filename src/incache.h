/*
 * incache: introspection answers already obtained (SPEC §12), so that a
 * repeated opaque token does not call the authorization server again.
 * Keyed by the token's SHA-256, never the token; each entry holds the
 * answer as it came, the second it ends, and the allow it gave for the
 * last resource that asked, so that a hit need not parse it again.  Fixed number of entries
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
 * What is kept for hash h, if its answer has not ended at now: what
 * incache_note kept for key (*snap set to 1) if it did, else the answer
 * (*snap 0), and in *until the second the answer ends.  Returns a copy
 * the caller frees (*len bytes, NUL-terminated), else NULL.
 */
char *incache_get(struct incache *c, const unsigned char h[32],
    long long now, const void *key, size_t *len, int *snap,
    long long *until);

/*
 * Keep blob (len bytes), what the answer for hash h decided for key, with
 * that answer and as long as it (nothing if it is gone); it replaces what
 * was kept for another key.
 */
void incache_note(struct incache *c, const unsigned char h[32],
    const void *key, const void *blob, size_t len);

/*
 * Keep body (len bytes), the answer for hash h, until the second until;
 * active says whether it is an active token's.  Does nothing if c is
 * NULL, until <= now, body is too large or memory is short.
 */
void incache_put(struct incache *c, const unsigned char h[32],
    const char *body, size_t len, long long until, int active,
    long long now);

#endif
