/*
 * metrics: counters for Prometheus (SPEC §14), process-wide, surviving
 * reloads.  The decision path takes no lock: each thread counts in its
 * own slot (registered once, on its first count) and a scrape sums the
 * slots.  Key set fetches and reloads, off the decision path, go through
 * a mutex.
 */
#ifndef MCPAUTH_METRICS_H
#define MCPAUTH_METRICS_H

#include "buf.h"

/*
 * Count decisions, token cache lookups and introspection calls (on),
 * or not (off, the default: no metrics_path).
 */
void metrics_enable(int on);

/* One decision: its HTTP status, error code (NULL: none), duration. */
void metrics_decision(int status, const char *error, long us);

/* A token cache lookup: hit (1) or miss (0). */
void metrics_token_cache(int hit);

/* An introspection call: answered (1) or not (0), and its duration. */
void metrics_introspection(int answered, long us);

/*
 * A key set fetch of issuer iss: ok (1) or failed (0).  metrics_keyset
 * records that iss has a key set obtained at time now (fetched, read from
 * a file or the cache).
 */
void metrics_fetch(const char *iss, int ok);
void metrics_keyset(const char *iss, long long now);

/* A reload: ok (1) or failed (0). */
void metrics_reload(int ok);

/*
 * When iss last obtained a key set (metrics_keyset), or -1 if never.
 */
long long metrics_keyset_time(const char *iss);

/*
 * The introspection endpoint's last call got no answer (and none
 * answered since): 1, else 0.
 */
int metrics_introspection_failing(void);

/*
 * Append the Prometheus text format (0.0.4) to out: every counter, then
 * the key set age of each of the nissuers issuers at time now.
 * Returns 0, or -1 if out is full.
 */
int metrics_render(struct buf *out, const char *const *issuers,
    size_t nissuers, long long now) BUF_MUST_CHECK;

#endif
