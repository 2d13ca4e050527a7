/* alg: the JWS algorithms mcpauth verifies (RFC 7518, RFC 8037). */
#ifndef MCPAUTH_ALG_H
#define MCPAUTH_ALG_H

enum alg_id {
	ALG_RS256, ALG_RS384, ALG_RS512,
	ALG_PS256, ALG_PS384, ALG_PS512,
	ALG_ES256, ALG_ES384, ALG_ES512,
	ALG_EDDSA,
	ALG_COUNT
};

/* Key families an algorithm needs. */
enum alg_kty { ALG_KTY_RSA, ALG_KTY_EC, ALG_KTY_OKP, ALG_KTY_COUNT };

/* A set of algorithms, one bit per enum alg_id. */
#define ALG_BIT(a) (1u << (a))
#define ALG_ALL ((1u << ALG_COUNT) - 1)

/* The algorithm named exactly (case-sensitive) name, or -1. */
int alg_from_name(const char *name);

/* The JWS name of a; never NULL for a valid id. */
const char *alg_name(enum alg_id a);

/* The key family a needs. */
enum alg_kty alg_kty(enum alg_id a);

/*
 * The JWK "crv" a needs ("P-256", "P-384", "P-521", "Ed25519"), or NULL
 * for RSA algorithms.
 */
const char *alg_crv(enum alg_id a);

/* Digest bits (256, 384, 512) for RSA and ECDSA; 0 for EdDSA. */
int alg_hash_bits(enum alg_id a);

#endif
