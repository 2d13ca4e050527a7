/*
 * crypto: public keys and signature checks.  The only file that includes
 * OpenSSL headers; everything else sees opaque keys and byte strings.
 */
#ifndef MCPAUTH_CRYPTO_H
#define MCPAUTH_CRYPTO_H

#include <stddef.h>

#include "alg.h"

/* Smallest and largest RSA modulus accepted, in bits. */
#define CRYPTO_RSA_MIN_BITS 2048
#define CRYPTO_RSA_MAX_BITS 8192

/*
 * A public key with a verify context prepared for every algorithm that
 * fits it, so that a check copies one instead of OpenSSL fetching the
 * signature algorithm and digest again.  Immutable once built.
 */
typedef struct crypto_key crypto_key;

/*
 * Route OpenSSL's allocations through mcpauth, so that crypto_verify can
 * tell OpenSSL running out of memory (an internal error) from a bad
 * signature: OpenSSL reports both alike.  Call it first in main, before
 * anything uses OpenSSL.  m and r replace malloc and realloc (tests
 * inject failures with them); NULL keeps the C library's.  Returns 0, or
 * -1 if OpenSSL has already allocated.  Without it, an allocation that
 * fails inside OpenSSL may be reported as a bad signature.
 */
int crypto_init(void *(*m)(size_t), void *(*r)(void *, size_t));

/*
 * Build a public key from big-endian RSA modulus n and exponent e.
 * Returns a key the caller frees with crypto_key_free, or NULL with *why
 * set to a static reason (too small, even exponent, ...).
 */
crypto_key *crypto_key_rsa(const unsigned char *n, size_t nlen,
    const unsigned char *e, size_t elen, const char **why);

/*
 * Build an EC public key on curve crv ("P-256", "P-384", "P-521") from
 * its coordinates, each exactly the curve's byte length.  The point must
 * be on the curve.  Returns a key or NULL with *why set.
 */
crypto_key *crypto_key_ec(const char *crv, const unsigned char *x,
    size_t xlen, const unsigned char *y, size_t ylen, const char **why);

/* Build an Ed25519 public key from its 32 bytes.  NULL with *why set. */
crypto_key *crypto_key_ed25519(const unsigned char *x, size_t xlen,
    const char **why);

/* Free k; NULL does nothing. */
void crypto_key_free(crypto_key *k);

/* The family of k, and the curve name for EC and OKP keys (else NULL). */
enum alg_kty crypto_key_kty(const crypto_key *k);
const char *crypto_key_crv(const crypto_key *k);

/* The exact length a JWS signature by k has (RSA: the modulus length). */
size_t crypto_key_sig_len(const crypto_key *k);

/*
 * Check the JWS signature sig over data with key k and algorithm alg.
 * The signature must be exactly crypto_key_sig_len(k) bytes; ECDSA r and
 * s must lie in [1, n-1], Ed25519 S below the group order.  Returns 1 if
 * valid, 0 if not (with *why set), -1 on an internal error such as memory
 * running out (*why set): a -1 says nothing about the token.
 * Safe to call from many threads on one key.
 */
int crypto_verify(const crypto_key *k, enum alg_id alg,
    const unsigned char *data, size_t len, const unsigned char *sig,
    size_t siglen, const char **why);

/* The SHA-256 of len bytes at data into out.  0, or -1 on error. */
int crypto_sha256(const void *data, size_t len, unsigned char out[32]);

/* 1 if the n bytes at a and b are equal, in constant time. */
int crypto_memeq(const void *a, const void *b, size_t n);

/* Overwrite n bytes at p with zeros in a way the compiler keeps. */
void crypto_cleanse(void *p, size_t n);

#endif
