/*
 * inclient: deciding on an opaque token by introspection (SPEC §12):
 * from the answer cache, else by one call to the introspection endpoint,
 * with at most introspection_concurrency calls in flight per process.
 * The authorization server failing in any way is a 500, never cached.
 */
#ifndef MCPAUTH_INCLIENT_H
#define MCPAUTH_INCLIENT_H

#include <stddef.h>

#include "config.h"
#include "decide.h"
#include "refresh.h"

/* The limit of one introspection call, and of the wait to start one. */
#define INCLIENT_TIMEOUT_MS 2000

struct inclient;

/*
 * The introspection client of cfg (which must have an introspect line),
 * finding the endpoint in r's metadata unless endpoint= is set.  cfg and
 * r must outlive it.  NULL if memory is short.
 */
struct inclient *inclient_new(const struct config *cfg, struct refresh *r);

/* Free ic, wiping its credentials; NULL does nothing. */
void inclient_free(struct inclient *ic);

/*
 * Decide on the opaque token tok (len bytes) as decide() does on a JWT;
 * *cached is set to 1 when the answer came from the cache.  d is
 * released with decision_clear.  Returns d->code.
 */
enum decide_code inclient_decide(struct inclient *ic,
    const struct decide_input *in, const char *tok, size_t len,
    struct decision *d, int *cached);

#endif
