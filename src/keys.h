/* keys: filling a keystore with each configured issuer's key set. */
#ifndef MCPAUTH_KEYS_H
#define MCPAUTH_KEYS_H

#include <stddef.h>

#include "config.h"
#include "keystore.h"

/*
 * Load the key set of cfg's issuer i into slot i of store, from the file
 * its jwks= names.  Returns 0, or -1 with "issuer URL: reason" in err
 * (errlen bytes); the slot is then left as it was.
 */
int keys_load(const struct config *cfg, size_t i, struct keystore *store,
    char *err, size_t errlen);

/*
 * A new store with every issuer's key set loaded, or NULL with the first
 * failure in err.
 */
struct keystore *keys_load_all(const struct config *cfg, char *err,
    size_t errlen);

#endif
