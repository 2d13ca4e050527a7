/*
 * refresh: how each issuer's key set and metadata are obtained and kept
 * fresh (SPEC §9): from files, or fetched (directly or by discovery),
 * warm-started from cache_dir, refreshed on max-age, on an unknown kid
 * at most once per jwks_min_refresh, retried with backoff after a
 * failure.  Fetches run in one refresher thread, never in a request; a
 * new key set is swapped into the keystore whole.
 */
#ifndef MCPAUTH_REFRESH_H
#define MCPAUTH_REFRESH_H

#include <stddef.h>

#include "config.h"
#include "keystore.h"

/* Longest wait between retries of an issuer that keeps failing. */
#define REFRESH_MAX_BACKOFF 60
/* Refresh interval when the key set response has no max-age. */
#define REFRESH_DEFAULT_MAX_AGE 3600

struct refresh;

/* Runtime for cfg's issuers, filling keys.  NULL if out of memory. */
struct refresh *refresh_new(const struct config *cfg, struct keystore *keys);

/* Free r; NULL does nothing. */
void refresh_free(struct refresh *r);

/*
 * Obtain what every issuer needs, now: files are read (an unreadable or
 * invalid file is an error: returns -1 with err set); fetched sets come
 * from cache_dir when fresh there, else over the network, and a failure
 * is only logged (the issuer answers 500 until a retry succeeds).
 */
int refresh_start(struct refresh *r, long long now, char *err,
    size_t errlen);

/* Do whatever fetches are due.  For the refresher thread only. */
void refresh_tick(struct refresh *r, long long now);

/* Note from a request that issuer i's key set lacked a key id. */
void refresh_want(struct refresh *r, size_t i);

/*
 * A copy of issuer i's authorization server metadata (caller frees), or
 * NULL if none is known.
 */
char *refresh_metadata(struct refresh *r, size_t i);

/* 1 if issuer i has a key set. */
int refresh_has_keys(struct refresh *r, size_t i);

#endif
