/*
 * refresh: how each issuer's key set and metadata are obtained and kept
 * fresh (SPEC §9): from files, or fetched (directly or by discovery),
 * warm-started from cache_dir or carried over from the state a reload
 * replaces, refreshed on max-age (at most a day), on an unknown kid at
 * most once per jwks_min_refresh, retried with backoff after a failure.
 * Fetched metadata ages like a key set, and is discovered again sooner
 * when its jwks_uri keeps failing or no longer has the kids tokens name.
 * Fetches run only in refresh_tick, never in a request or a reload; a
 * new key set is swapped into the keystore whole.
 */
#ifndef MCPAUTH_REFRESH_H
#define MCPAUTH_REFRESH_H

#include <stddef.h>

#include "config.h"
#include "keystore.h"

/* Longest wait between retries of an issuer that keeps failing. */
#define REFRESH_MAX_BACKOFF 60
/* Refresh interval of a document whose response has no max-age. */
#define REFRESH_DEFAULT_MAX_AGE 3600
/* Key set fetches failing in a row before metadata is discovered again. */
#define REFRESH_REDISCOVER_FAILURES 3

struct refresh;

/* Runtime for cfg's issuers, filling keys.  NULL if out of memory. */
struct refresh *refresh_new(const struct config *cfg, struct keystore *keys);

/* Free r; NULL does nothing. */
void refresh_free(struct refresh *r);

/*
 * Obtain, without the network, what each issuer has: files are read (an
 * unreadable or invalid file is an error: returns -1 with err set); an
 * issuer whose source (URL, type, metadata=, jwks=, insecure_http) is
 * the same in prev (a running refresh, or NULL) keeps prev's metadata,
 * key set and timers; others start from cache_dir.  What is still
 * missing is fetched by refresh_tick.  prev is only read.
 */
int refresh_load(struct refresh *r, struct refresh *prev, char *err,
    size_t errlen);

/* Do whatever fetches are due.  One thread at a time. */
void refresh_tick(struct refresh *r, long long now);

/* Note from a request that issuer i's key set lacked a key id. */
void refresh_want(struct refresh *r, size_t i);

/*
 * A copy of issuer i's authorization server metadata (caller frees), or
 * NULL if none is known.
 */
char *refresh_metadata(struct refresh *r, size_t i);

#endif
