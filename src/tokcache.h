/*
 * tokcache: verified tokens, so that a repeated token does not pay for
 * its signature again.  Keyed by the token's SHA-256 and the resource
 * whose policy accepted it; an entry also dies when its issuer's key set
 * changes.  Time and scopes are checked again on every hit (by the
 * caller, with decide_recheck).  Fixed size: memory is bounded by the
 * entry count, whatever the traffic.
 */
#ifndef MCPAUTH_TOKCACHE_H
#define MCPAUTH_TOKCACHE_H

#include <stddef.h>

#include "decide.h"

/* Room for sub, client_id and scopes in one entry; larger is not cached. */
#define TOKCACHE_STRINGS 480

struct tokcache;

/* A cache of n entries, or NULL if n is 0 or memory is short. */
struct tokcache *tokcache_new(size_t n);

/* Free c; NULL does nothing. */
void tokcache_free(struct tokcache *c);

/*
 * Look token up for the decision input in.  On a hit, fill d (as decide
 * would for an allow, without claims) and return 1; else return 0.
 */
int tokcache_get(struct tokcache *c, const struct decide_input *in,
    const char *token, size_t len, struct decision *d);

/* Remember an allow decision d for token under in's resource. */
void tokcache_put(struct tokcache *c, const struct decide_input *in,
    const char *token, size_t len, const struct decision *d);

#endif
