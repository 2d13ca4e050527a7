/* Public-key signature checks with OpenSSL 3. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "crypto.h"

struct crypto_key {
	EVP_PKEY *pkey;
	enum alg_kty kty;
	const char *crv;	/* static: "P-256", ..., "Ed25519" */
	size_t siglen;
	BIGNUM *order;		/* EC only: the group order n */
	/*
	 * Per algorithm that fits the key, a verify context made at load
	 * time and only ever copied: EVP_DigestVerifyInit fetches the
	 * signature algorithm and digest again on every call.  Read-only
	 * after key_new, so many threads may copy it at once.
	 */
	EVP_MD_CTX *tmpl[ALG_COUNT];
};

static const struct {
	const char *crv, *group;
	size_t len;
} curves[] = {
	{ "P-256", "prime256v1", 32 },
	{ "P-384", "secp384r1", 48 },
	{ "P-521", "secp521r1", 66 },
};

/*
 * OpenSSL reports an allocation failure during a signature check as an
 * invalid signature (EVP_DigestVerify returns 0).  Its allocations go
 * through these wrappers, which note a failure for the calling thread.
 */
static void *(*alloc_fn)(size_t) = malloc;
static void *(*realloc_fn)(void *, size_t) = realloc;
static _Thread_local int alloc_failed;

static void *
wrap_malloc(size_t n, const char *file, int line)
{
	void *p = alloc_fn(n);

	(void)file;
	(void)line;
	if (p == NULL && n > 0)
		alloc_failed = 1;
	return p;
}

static void *
wrap_realloc(void *old, size_t n, const char *file, int line)
{
	void *p = realloc_fn(old, n);

	(void)file;
	(void)line;
	if (p == NULL && n > 0)
		alloc_failed = 1;
	return p;
}

static void
wrap_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	free(p);
}

int
crypto_init(void *(*m)(size_t), void *(*r)(void *, size_t))
{
	if (m != NULL)
		alloc_fn = m;
	if (r != NULL)
		realloc_fn = r;
	return CRYPTO_set_mem_functions(wrap_malloc, wrap_realloc, wrap_free)
	    ? 0 : -1;
}

/* Digests fetched once: an implicit fetch per verify costs microseconds. */
static EVP_MD *md256, *md384, *md512;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void
fetch_digests(void)
{
	md256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	md384 = EVP_MD_fetch(NULL, "SHA384", NULL);
	md512 = EVP_MD_fetch(NULL, "SHA512", NULL);
}

/* The digest alg hashes with; NULL for EdDSA (or if the fetch failed). */
static const EVP_MD *
alg_md(enum alg_id alg)
{
	pthread_once(&md_once, fetch_digests);
	switch (alg_hash_bits(alg)) {
	case 256: return md256;
	case 384: return md384;
	case 512: return md512;
	}
	return NULL;
}

/* A verify context for alg with pkey, to be copied per check; or NULL. */
static EVP_MD_CTX *
prepare(EVP_PKEY *pkey, enum alg_id alg)
{
	const EVP_MD *md = alg_md(alg);
	EVP_PKEY_CTX *pctx = NULL;
	EVP_MD_CTX *mctx;

	if ((alg_hash_bits(alg) != 0 && md == NULL) ||
	    (mctx = EVP_MD_CTX_new()) == NULL)
		return NULL;
	if (EVP_DigestVerifyInit(mctx, &pctx, md, NULL, pkey) <= 0)
		goto fail;
	if (alg == ALG_PS256 || alg == ALG_PS384 || alg == ALG_PS512) {
		/* RFC 7518 §3.5: MGF1 with the same hash, salt = hash length. */
		if (EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PSS_PADDING) <= 0 ||
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
		    RSA_PSS_SALTLEN_DIGEST) <= 0)
			goto fail;
	}
	return mctx;
fail:
	EVP_MD_CTX_free(mctx);
	return NULL;
}

/* The key's templates freed; the EVP_PKEY stays. */
static void
unprepare(crypto_key *k)
{
	size_t a;

	for (a = 0; a < ALG_COUNT; a++) {
		EVP_MD_CTX_free(k->tmpl[a]);
		k->tmpl[a] = NULL;
	}
}

/*
 * A key owning pkey, with a template for every algorithm that fits it.
 * NULL if out of memory; pkey is then still the caller's.
 */
static crypto_key *
key_new(EVP_PKEY *pkey, enum alg_kty kty, const char *crv, size_t siglen)
{
	crypto_key *k;
	int a;

	if ((k = calloc(1, sizeof(*k))) == NULL)
		return NULL;
	for (a = 0; a < ALG_COUNT; a++) {
		if (alg_kty((enum alg_id)a) != kty ||
		    (alg_crv((enum alg_id)a) != NULL &&
		    strcmp(alg_crv((enum alg_id)a), crv) != 0))
			continue;
		if ((k->tmpl[a] = prepare(pkey, (enum alg_id)a)) == NULL) {
			unprepare(k);
			free(k);
			return NULL;
		}
	}
	k->pkey = pkey;
	k->kty = kty;
	k->crv = crv;
	k->siglen = siglen;
	return k;
}

/* Build a public EVP_PKEY of type name from params. */
static EVP_PKEY *
from_params(const char *name, OSSL_PARAM_BLD *bld)
{
	EVP_PKEY_CTX *ctx = NULL, *check = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY *pkey = NULL;

	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto fail;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, name, NULL)) == NULL)
		goto fail;
	if (EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		goto fail;
	if ((check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL ||
	    EVP_PKEY_public_check(check) <= 0)
		goto fail;
	EVP_PKEY_CTX_free(check);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pkey;
fail:
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(check);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return NULL;
}

crypto_key *
crypto_key_rsa(const unsigned char *n, size_t nlen, const unsigned char *e,
    size_t elen, const char **why)
{
	OSSL_PARAM_BLD *bld = NULL;
	BIGNUM *bn = NULL, *be = NULL;
	EVP_PKEY *pkey = NULL;
	crypto_key *k = NULL;
	int bits;

	if ((bn = BN_bin2bn(n, (int)nlen, NULL)) == NULL ||
	    (be = BN_bin2bn(e, (int)elen, NULL)) == NULL) {
		*why = "out of memory";
		goto done;
	}
	bits = BN_num_bits(bn);
	if (bits < CRYPTO_RSA_MIN_BITS) {
		*why = "RSA key shorter than 2048 bits";
		goto done;
	}
	if (bits > CRYPTO_RSA_MAX_BITS) {
		*why = "RSA key longer than 8192 bits";
		goto done;
	}
	if (!BN_is_odd(be) || BN_num_bits(be) < 2 || BN_num_bits(be) > 64) {
		*why = "RSA exponent is not a reasonable odd number";
		goto done;
	}
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) ||
	    (pkey = from_params("RSA", bld)) == NULL) {
		*why = "invalid RSA key";
		goto done;
	}
	if ((k = key_new(pkey, ALG_KTY_RSA, NULL,
	    (size_t)EVP_PKEY_get_size(pkey))) == NULL) {
		EVP_PKEY_free(pkey);
		*why = "out of memory";
	}
done:
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	return k;
}

crypto_key *
crypto_key_ec(const char *crv, const unsigned char *x, size_t xlen,
    const unsigned char *y, size_t ylen, const char **why)
{
	unsigned char pt[1 + 2 * 66];
	OSSL_PARAM_BLD *bld = NULL;
	EC_GROUP *group = NULL;
	EVP_PKEY *pkey = NULL;
	crypto_key *k = NULL;
	size_t i, len;

	for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (strcmp(curves[i].crv, crv) == 0)
			break;
	if (i == sizeof(curves) / sizeof(curves[0])) {
		*why = "unsupported EC curve";
		return NULL;
	}
	len = curves[i].len;
	if (xlen != len || ylen != len) {
		*why = "EC coordinate has the wrong length for its curve";
		return NULL;
	}
	pt[0] = 0x04;	/* uncompressed point */
	memcpy(pt + 1, x, len);
	memcpy(pt + 1 + len, y, len);
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    curves[i].group, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    pt, 1 + 2 * len) ||
	    (pkey = from_params("EC", bld)) == NULL) {
		*why = "invalid EC key (point not on the curve?)";
		goto fail;
	}
	if ((group = EC_GROUP_new_by_curve_name(OBJ_sn2nid(curves[i].group)))
	    == NULL || (k = key_new(pkey, ALG_KTY_EC, curves[i].crv, 2 * len))
	    == NULL || (k->order = BN_dup(EC_GROUP_get0_order(group))) == NULL) {
		*why = "out of memory";
		goto fail;
	}
	EC_GROUP_free(group);
	OSSL_PARAM_BLD_free(bld);
	return k;
fail:
	if (k != NULL)
		crypto_key_free(k);
	else
		EVP_PKEY_free(pkey);
	EC_GROUP_free(group);
	OSSL_PARAM_BLD_free(bld);
	return NULL;
}

crypto_key *
crypto_key_ed25519(const unsigned char *x, size_t xlen, const char **why)
{
	EVP_PKEY *pkey;
	crypto_key *k;

	if (xlen != 32) {
		*why = "Ed25519 key is not 32 bytes";
		return NULL;
	}
	if ((pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x,
	    xlen)) == NULL) {
		*why = "invalid Ed25519 key";
		return NULL;
	}
	if ((k = key_new(pkey, ALG_KTY_OKP, "Ed25519", 64)) == NULL) {
		EVP_PKEY_free(pkey);
		*why = "out of memory";
	}
	return k;
}

void
crypto_key_free(crypto_key *k)
{
	if (k == NULL)
		return;
	unprepare(k);
	EVP_PKEY_free(k->pkey);
	BN_free(k->order);
	free(k);
}

enum alg_kty
crypto_key_kty(const crypto_key *k)
{
	return k->kty;
}

const char *
crypto_key_crv(const crypto_key *k)
{
	return k->crv;
}

size_t
crypto_key_sig_len(const crypto_key *k)
{
	return k->siglen;
}

/* 1 if 0 < v < order. */
static int
in_range(const BIGNUM *v, const BIGNUM *order)
{
	return !BN_is_zero(v) && BN_cmp(v, order) < 0;
}

/*
 * JWS ECDSA signatures are raw r||s; OpenSSL wants DER.  Returns the DER
 * length; 0 if r or s lies outside [1, n-1] (a bad signature); -1 on an
 * internal error.  *why is set unless the length is returned.
 */
static int
ecdsa_to_der(const crypto_key *k, const unsigned char *sig, size_t siglen,
    unsigned char *der, size_t dermax, const char **why)
{
	ECDSA_SIG *es = NULL;
	BIGNUM *r, *s;
	unsigned char *p = der;
	size_t half = siglen / 2;
	int len = -1, n;

	*why = "out of memory";
	r = BN_bin2bn(sig, (int)half, NULL);
	s = BN_bin2bn(sig + half, (int)half, NULL);
	if (r == NULL || s == NULL || (es = ECDSA_SIG_new()) == NULL)
		goto done;
	if (!in_range(r, k->order) || !in_range(s, k->order)) {
		*why = "ECDSA r or s is zero or not below the group order";
		len = 0;
		goto done;
	}
	if (!ECDSA_SIG_set0(es, r, s))
		goto done;
	r = s = NULL;	/* owned by es now */
	if ((n = i2d_ECDSA_SIG(es, NULL)) <= 0 || (size_t)n > dermax) {
		*why = "ECDSA signature could not be encoded";
		goto done;
	}
	if ((len = i2d_ECDSA_SIG(es, &p)) <= 0) {
		*why = "ECDSA signature could not be encoded";
		len = -1;
	}
done:
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return len;
}

/* Ed25519 group order L, little-endian (RFC 8032 §5.1). */
static const unsigned char ed25519_l[32] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
	0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
};

/* 1 if the little-endian S is below L (a canonical signature). */
static int
ed25519_s_ok(const unsigned char *s)
{
	int i;

	for (i = 31; i >= 0; i--) {
		if (s[i] < ed25519_l[i])
			return 1;
		if (s[i] > ed25519_l[i])
			return 0;
	}
	return 0;
}

/*
 * The checks made before OpenSSL sees the signature, and its ECDSA form:
 * the signature to verify is then at *sig, *siglen bytes (der holds it
 * for ECDSA).  1 to go on, else crypto_verify's 0 or -1 with *why.
 */
static int
precheck(const crypto_key *k, enum alg_id alg, const unsigned char **sig,
    size_t *siglen, unsigned char *der, size_t dermax, const char **why)
{
	int derlen;

	if (alg_kty(alg) != k->kty || (alg_crv(alg) != NULL &&
	    strcmp(alg_crv(alg), k->crv) != 0)) {
		*why = "key does not fit the algorithm";
		return 0;
	}
	if (*siglen != k->siglen) {
		*why = *siglen == 0 ? "signature is empty" :
		    "signature has the wrong length for the key";
		return 0;
	}
	if (k->kty == ALG_KTY_EC) {
		if ((derlen = ecdsa_to_der(k, *sig, *siglen, der, dermax, why))
		    <= 0)
			return derlen;
		*sig = der;
		*siglen = (size_t)derlen;
	} else if (k->kty == ALG_KTY_OKP && !ed25519_s_ok(*sig + 32)) {
		*why = "Ed25519 S is not below the group order";
		return 0;
	}
	return 1;
}

int
crypto_verify(const crypto_key *k, enum alg_id alg, const unsigned char *data,
    size_t len, const unsigned char *sig, size_t siglen, const char **why)
{
	unsigned char der[2 * 66 + 16];
	EVP_MD_CTX *mctx = NULL;
	int rc;

	alloc_failed = 0;
	if ((rc = precheck(k, alg, &sig, &siglen, der, sizeof(der), why)) != 1)
		return rc;
	rc = -1;
	if (k->tmpl[alg] == NULL || (mctx = EVP_MD_CTX_new()) == NULL ||
	    !EVP_MD_CTX_copy_ex(mctx, k->tmpl[alg])) {
		*why = "signature check could not start";
		goto done;
	}
	/* One check per copy: no need for OpenSSL to keep it reusable. */
	EVP_MD_CTX_set_flags(mctx, EVP_MD_CTX_FLAG_FINALISE);
	/* 1 valid, 0 not; anything else is OpenSSL failing, not the token. */
	switch (EVP_DigestVerify(mctx, sig, siglen, data, len)) {
	case 1:
		rc = 1;
		break;
	case 0:
		*why = "signature verification failed";
		rc = 0;
		break;
	default:
		*why = "signature check failed inside OpenSSL";
		break;
	}
done:
	EVP_MD_CTX_free(mctx);
	if (rc != 1 && alloc_failed) {
		*why = "out of memory in the signature check";
		rc = -1;
	}
	return rc;
}

int
crypto_sha256(const void *data, size_t len, unsigned char out[32])
{
	pthread_once(&md_once, fetch_digests);
	return md256 != NULL && EVP_Digest(data, len, out, NULL, md256, NULL)
	    == 1 ? 0 : -1;
}

int
crypto_memeq(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

void
crypto_cleanse(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}
