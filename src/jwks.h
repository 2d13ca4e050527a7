/*
 * jwks: an immutable, reference-counted JSON Web Key Set (RFC 7517) of
 * verification keys, and the choice of the key for a token (SPEC §8).
 */
#ifndef MCPAUTH_JWKS_H
#define MCPAUTH_JWKS_H

#include <stddef.h>

#include "alg.h"
#include "crypto.h"

/* Largest key set document and most keys accepted. */
#define JWKS_MAX_BYTES (256 * 1024)
#define JWKS_MAX_KEYS 64

typedef struct jwks jwks;

/*
 * Parse a JWKS document.  Keys of unsupported types (oct, Ed448, RSA
 * under 2048 bits, ...) are skipped and counted; a document that is not
 * a JWKS, or has no usable key, is an error.  Returns a set holding one
 * reference, or NULL with a reason in err (errlen bytes).
 */
jwks *jwks_parse(const char *text, size_t len, char *err, size_t errlen);

/* Take another reference to ks (NULL gives NULL). */
jwks *jwks_ref(jwks *ks);

/* Drop one reference; the last one frees the set.  NULL does nothing. */
void jwks_free(jwks *ks);

/* Usable keys, and skipped JWKs, in the set. */
size_t jwks_count(const jwks *ks);
size_t jwks_skipped(const jwks *ks);

enum jwks_miss {
	JWKS_FOUND,
	JWKS_UNKNOWN,	/* no key with that kid (or none fits): refresh may help */
	JWKS_UNFIT	/* keys exist but none may be used with this token */
};

/*
 * Choose the key for a token with header kid (NULL if absent) and alg.
 * With a kid, the key with that kid that fits alg; without, the only key
 * that fits alg.  A key fits when its kty/crv suit alg, its alg (if any)
 * equals alg and its use (if any) is "sig".  Returns the key (owned by
 * ks) and sets *miss to JWKS_FOUND, or returns NULL, sets *miss and
 * writes a reason to why (whylen bytes).
 */
const crypto_key *jwks_find(const jwks *ks, const char *kid, enum alg_id alg,
    enum jwks_miss *miss, char *why, size_t whylen);

#endif
