/*
 * state: everything a request is decided against (config, key sets,
 * authorization server metadata), reference-counted.  A reload builds a
 * new state and swaps it in; requests in flight finish on the old one.
 */
#ifndef MCPAUTH_STATE_H
#define MCPAUTH_STATE_H

#include <stdatomic.h>
#include <stddef.h>

#include "config.h"
#include "keystore.h"

struct state {
	atomic_int refs;
	struct config *cfg;
	struct keystore *keys;
	char **as_metadata;	/* per issuer: metadata document, or NULL */
};

/* Largest authorization server metadata document accepted. */
#define STATE_MAX_METADATA (256 * 1024)

/*
 * Load the config at path and everything it names.  Returns a state with
 * one reference, or NULL with the reason in err (errlen bytes).
 */
struct state *state_load(const char *path, char *err, size_t errlen);

/* Take a reference (NULL gives NULL). */
struct state *state_ref(struct state *st);

/* Drop a reference; the last frees.  NULL does nothing. */
void state_free(struct state *st);

#endif
