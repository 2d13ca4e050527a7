/*
 * keystore: the current key set of each configured issuer.  Readers take
 * a reference and use it without a lock; a writer swaps in a whole new
 * set.  The lock guards only the pointer, never a fetch or a parse, so a
 * refresh never blocks requests that use keys already known.
 *
 * Each slot counts generations: a new one starts whenever its keys
 * change, and whatever was decided with a set (the token cache) is valid
 * only while its generation is current.  Generation 0 is an empty slot.
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
 * NULL if none was ever set, and in *generation (if not NULL) the
 * generation of that very set, read in the same step.
 */
jwks *keystore_get(struct keystore *ks, size_t i, unsigned long *generation);

/* Put set (the caller's reference moves into the store) in slot i: a new
 * generation. */
void keystore_set(struct keystore *ks, size_t i, jwks *set);

/*
 * As keystore_set, for a set whose content (a canonical form of it) has
 * the SHA-256 digest: if slot i already holds that content, set is
 * dropped and the generation stays.  Returns 1 if the set changed, 0 if
 * not.
 */
int keystore_update(struct keystore *ks, size_t i, jwks *set,
    const unsigned char digest[32]);

/* Put slot j of src (its set and content digest, if any) in slot i of
 * dst, as keystore_update does; nothing if slot j is empty. */
void keystore_copy(struct keystore *dst, size_t i, struct keystore *src,
    size_t j);

/* The current generation of slot i. */
unsigned long keystore_generation(struct keystore *ks, size_t i);

#endif
