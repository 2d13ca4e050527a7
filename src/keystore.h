/*
 * keystore: the current key set of each configured issuer.  Readers take
 * a reference and use it without a lock; a writer swaps in a whole new
 * set.  The lock guards only the pointer, never a fetch or a parse, so a
 * refresh never blocks requests that use keys already known.
 */
#ifndef MCPAUTH_KEYSTORE_H
#define MCPAUTH_KEYSTORE_H

#include <stddef.h>

#include "jwks.h"

struct keystore;

/* A store with n empty slots, or NULL if out of memory. */
struct keystore *keystore_new(size_t n);

/* Free the store and drop its references; NULL does nothing. */
void keystore_free(struct keystore *ks);

/*
 * A new reference to slot i's key set (release it with jwks_free), or
 * NULL if none was ever set.
 */
jwks *keystore_get(struct keystore *ks, size_t i);

/* Put set (the caller's reference moves into the store) in slot i. */
void keystore_set(struct keystore *ks, size_t i, jwks *set);

/* How many times slot i has been set: changes whenever its set does. */
unsigned long keystore_generation(struct keystore *ks, size_t i);

#endif
