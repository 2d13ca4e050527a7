/*
 * mint: test-only generation of keys, JWKs and JWS tokens (valid and
 * deliberately malformed) on top of OpenSSL 3.  Never linked into mcpauth.
 *
 * Conventions: every returned pointer is malloc'd (or, for mint_key, owned
 * by the caller until mint_key_free) and NULL means failure; nothing is
 * printed.  Input pointers are only read, never retained.
 */
#ifndef MINT_H
#define MINT_H

#include <stddef.h>

typedef struct mint_key mint_key;

/* Generate a fresh key.  type: "rsa1024", "rsa2048", "rsa3072", "rsa4096",
 * "p256", "p384", "p521", "ed25519", "ed448".  Returns NULL for an unknown
 * type or on OpenSSL failure.  Free with mint_key_free. */
mint_key *mint_key_new(const char *type);

/* Load an unencrypted private key PEM (PKCS#8; traditional forms are
 * accepted too).  Returns NULL if the file is unreadable, encrypted, or holds
 * a key type mint_key_new cannot make (e.g. another EC curve). */
mint_key *mint_key_load(const char *pem_path);

/* Write the private key as unencrypted PKCS#8 PEM, replacing the file.
 * Returns 0 on success, -1 on any error. */
int mint_key_save(const mint_key *k, const char *pem_path);

/* Release a key.  mint_key_free(NULL) does nothing. */
void mint_key_free(mint_key *k);

/* Public JWK as a JSON object string (malloc'd, caller frees).  kid/alg/use:
 * NULL omits the member; values are JSON-escaped.
 * RSA: kty,n,e; EC: kty,crv(P-256/P-384/P-521),x,y (fixed-length
 * coordinates); Ed25519/Ed448: kty OKP, crv, x.  NULL on error. */
char *mint_jwk(const mint_key *k, const char *kid, const char *alg, const char *use);

/* Public key as SubjectPublicKeyInfo PEM text (malloc'd, NUL-terminated,
 * caller frees) -- used as an HMAC secret in key-confusion tests.  NULL on
 * error. */
char *mint_pubkey_pem(const mint_key *k);

enum mint_sig {
	MINT_SIG_OK = 0,   /* correct JWS signature (ECDSA as raw r||s fixed length) */
	MINT_SIG_DER,      /* ECDSA only: the DER encoding instead of r||s */
	MINT_SIG_EMPTY,    /* empty signature segment */
	MINT_SIG_ZERO,     /* ECDSA: r=s=0 raw (2*len zero bytes); others: all-zero bytes of correct length */
	MINT_SIG_LONG,     /* correct signature plus one extra byte 0x00 appended */
	MINT_SIG_SHORT,    /* correct signature with last byte removed */
	MINT_SIG_HIGH_S,   /* Ed25519 only: S replaced by S+L (L = group order 2^252+27742317777372353535851937790883648493), little-endian 32 bytes; still < 2^256 */
	MINT_SIG_STRIP0    /* RSA only: sign repeatedly (PSS is randomized; for PKCS1 vary nothing, just return NULL if first byte isn't 0) until the signature's first byte is 0x00, then strip it; give up after 5000 tries and return NULL */
};

/* Sign a compact JWS: b64url(header_json) "." b64url(payload_json) "."
 * b64url(sig).  header_json and payload_json are used byte for byte (not
 * parsed, may be malformed).  alg: RS256/384/512 (PKCS#1 v1.5), PS256/384/512
 * (PSS, salt = hash length, MGF1 with the same hash), ES256/384/512 (raw
 * r||s, halves left-padded to 32/48/66 bytes; the curve must match), EdDSA
 * (Ed25519 or Ed448 by key type).  Returns a malloc'd NUL-terminated token
 * (caller frees), or NULL on error: alg does not fit the key, mode not
 * applicable to alg, or OpenSSL failure (e.g. PS512 with rsa1024). */
char *mint_sign(const mint_key *k, const char *alg, const char *header_json,
		const char *payload_json, enum mint_sig mode);

/* HMAC JWS (HS256/384/512) with an arbitrary secret of len bytes (may be 0).
 * Returns a malloc'd token (caller frees) or NULL on error. */
char *mint_sign_hmac(const void *secret, size_t len, const char *alg,
		     const char *header_json, const char *payload_json);

/* Raw signature over data (for benchmarks: pass the same bytes a JWS signs).
 * Returns the malloc'd signature in JWS form (raw r||s for ECDSA) with
 * *siglen set, caller frees; NULL on error (as for mint_sign). */
unsigned char *mint_sign_raw(const mint_key *k, const char *alg, const void *data,
			     size_t len, size_t *siglen);

/* Unpadded base64url of len bytes; malloc'd NUL-terminated string, caller
 * frees.  NULL on allocation failure (or data NULL with len > 0). */
char *mint_b64url(const void *data, size_t len);

/* The key's EVP_PKEY (as void * to keep OpenSSL headers out of this API),
 * for benchmarks comparing raw OpenSSL verify.  Borrowed: owned by k, valid
 * until mint_key_free(k).  NULL if k is NULL. */
void *mint_key_pkey(const mint_key *k);

#endif /* MINT_H */
