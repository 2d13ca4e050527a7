/*
 * state: everything a request is decided against (config, key sets,
 * metadata), reference-counted.  A reload builds a new state and swaps
 * it in; requests in flight finish on the old one.
 */
#ifndef MCPAUTH_STATE_H
#define MCPAUTH_STATE_H

#include <stddef.h>

#include "config.h"
#include "inclient.h"
#include "keystore.h"
#include "refresh.h"
#include "tokcache.h"

struct state;

/*
 * Load the config at path and obtain what it names (SPEC §9: a fetch
 * failure is logged and retried later, a bad file is an error).  Returns
 * a state with one reference, or NULL with the reason in err.
 */
struct state *state_load(const char *path, long long now, char *err,
    size_t errlen);

/*
 * As state_load, to replace prev (which is only read), but without the
 * network: files are read, issuers whose source did not change keep
 * prev's key sets and metadata, and what is still missing is left to the
 * refresher (refresh_tick on the new state's state_refresh).
 */
struct state *state_reload(struct state *prev, const char *path,
    char *err, size_t errlen);

/* Take a reference (NULL gives NULL). */
struct state *state_ref(struct state *st);

/* Drop a reference; the last frees.  NULL does nothing. */
void state_free(struct state *st);

/* What st holds; valid while the caller holds a reference to st. */
const struct config *state_config(const struct state *st);
struct keystore *state_keys(const struct state *st);
struct refresh *state_refresh(const struct state *st);
/* NULL when token_cache_entries is 0. */
struct tokcache *state_tokens(const struct state *st);
/* NULL when the configuration has no introspect line. */
struct inclient *state_introspection(const struct state *st);

/*
 * Decide on tok for in, whatever its kind: an opaque token by
 * introspection when st has an introspect line, anything else by
 * decide() (SPEC §12).  *cached is set to 1 for an answer from a cache
 * (only introspection answers; JWTs are cached by the caller).
 */
enum decide_code state_decide(const struct state *st,
    const struct decide_input *in, const char *tok, size_t len,
    struct decision *d, int *cached);

#endif
