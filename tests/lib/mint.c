/* Test-only key/JWK/JWS minting on top of OpenSSL 3.  Contracts in mint.h. */
#include "mint.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

enum kind { K_RSA, K_EC, K_OKP };

struct mint_key {
	EVP_PKEY *pkey;
	enum kind kind;
	const char *crv; /* JWK "crv" for EC/OKP keys, NULL for RSA */
	size_t clen;     /* EC coordinate or OKP public key length in bytes */
};

/* ---- growable string: errors are sticky so callers check once at the end */

struct sb {
	char *p;
	size_t len, cap;
	int oom;
};

static void sb_add(struct sb *b, const void *s, size_t n)
{
	if (b->oom)
		return;
	if (n > SIZE_MAX / 2 - b->len) {
		b->oom = 1;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(p = realloc(b->p, cap))) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_str(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void sb_b64(struct sb *b, const unsigned char *d, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

	for (size_t i = 0; i < n; i += 3) {
		size_t left = n - i;
		uint32_t v = (uint32_t)d[i] << 16;
		char out[4];

		if (left > 1)
			v |= (uint32_t)d[i + 1] << 8;
		if (left > 2)
			v |= d[i + 2];
		out[0] = tab[v >> 18 & 63];
		out[1] = tab[v >> 12 & 63];
		out[2] = tab[v >> 6 & 63];
		out[3] = tab[v & 63];
		/* unpadded: 1 byte -> 2 chars, 2 -> 3, 3 -> 4 */
		sb_add(b, out, left > 2 ? 4 : left + 1);
	}
}

/* Append a JSON string literal; escapes only what JSON requires. */
static void sb_json(struct sb *b, const char *s)
{
	sb_add(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			sb_add(b, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof esc, "\\u%04x", c);
			sb_add(b, esc, 6);
		} else {
			sb_add(b, s, 1);
		}
	}
	sb_add(b, "\"", 1);
}

/* ,"name":"value" -- value NULL omits the member */
static void sb_member(struct sb *b, const char *name, const char *value)
{
	if (!value)
		return;
	sb_add(b, ",", 1);
	sb_json(b, name);
	sb_add(b, ":", 1);
	sb_json(b, value);
}

static void sb_member_b64(struct sb *b, const char *name, const unsigned char *d, size_t n)
{
	sb_add(b, ",", 1);
	sb_json(b, name);
	sb_add(b, ":\"", 2);
	sb_b64(b, d, n);
	sb_add(b, "\"", 1);
}

/* Hand over the string (never NULL unless allocation failed). */
static char *sb_done(struct sb *b)
{
	sb_add(b, "", 0);
	if (b->oom) {
		free(b->p);
		return NULL;
	}
	return b->p;
}

char *mint_b64url(const void *data, size_t len)
{
	struct sb b = {0};

	if (!data && len)
		return NULL;
	sb_b64(&b, data, len);
	return sb_done(&b);
}

/* ---- keys */

static const struct curve {
	const char *ossl, *nist; /* OpenSSL may report either group name */
	size_t clen;
} curves[] = {
	{"prime256v1", "P-256", 32},
	{"secp384r1", "P-384", 48},
	{"secp521r1", "P-521", 66},
};

/* Classify pkey into a mint_key; takes ownership of pkey (freed on error). */
static mint_key *wrap(EVP_PKEY *pkey)
{
	mint_key *k;
	char group[64];
	size_t i;

	if (!pkey)
		return NULL;
	if (!(k = calloc(1, sizeof *k))) {
		EVP_PKEY_free(pkey);
		return NULL;
	}
	k->pkey = pkey;
	if (EVP_PKEY_is_a(pkey, "RSA") || EVP_PKEY_is_a(pkey, "RSA-PSS")) {
		k->kind = K_RSA;
		return k;
	}
	if (EVP_PKEY_is_a(pkey, "ED25519") || EVP_PKEY_is_a(pkey, "ED448")) {
		int ed448 = EVP_PKEY_is_a(pkey, "ED448");

		k->kind = K_OKP;
		k->crv = ed448 ? "Ed448" : "Ed25519";
		k->clen = ed448 ? 57 : 32;
		return k;
	}
	if (EVP_PKEY_is_a(pkey, "EC") &&
	    EVP_PKEY_get_group_name(pkey, group, sizeof group, NULL) == 1) {
		for (i = 0; i < sizeof curves / sizeof curves[0]; i++) {
			if (strcmp(group, curves[i].ossl) == 0 ||
			    strcmp(group, curves[i].nist) == 0) {
				k->kind = K_EC;
				k->crv = curves[i].nist;
				k->clen = curves[i].clen;
				return k;
			}
		}
	}
	mint_key_free(k); /* a type mint does not know how to use */
	return NULL;
}

mint_key *mint_key_new(const char *type)
{
	static const struct {
		const char *name, *ossl, *group;
		size_t bits;
	} types[] = {
		{"rsa1024", "RSA", NULL, 1024}, {"rsa2048", "RSA", NULL, 2048},
		{"rsa3072", "RSA", NULL, 3072}, {"rsa4096", "RSA", NULL, 4096},
		{"p256", "EC", "P-256", 0},     {"p384", "EC", "P-384", 0},
		{"p521", "EC", "P-521", 0},     {"ed25519", "ED25519", NULL, 0},
		{"ed448", "ED448", NULL, 0},
	};

	for (size_t i = 0; type && i < sizeof types / sizeof types[0]; i++) {
		if (strcmp(type, types[i].name) != 0)
			continue;
		/* EVP_PKEY_Q_keygen's variadic argument depends on the type */
		if (types[i].bits)
			return wrap(EVP_PKEY_Q_keygen(NULL, NULL, "RSA", types[i].bits));
		if (types[i].group)
			return wrap(EVP_PKEY_Q_keygen(NULL, NULL, "EC", types[i].group));
		return wrap(EVP_PKEY_Q_keygen(NULL, NULL, types[i].ossl));
	}
	return NULL;
}

/* Refuse passphrases instead of letting OpenSSL prompt on the terminal. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return -1;
}

mint_key *mint_key_load(const char *pem_path)
{
	EVP_PKEY *pkey;
	FILE *f;

	if (!pem_path || !(f = fopen(pem_path, "r")))
		return NULL;
	pkey = PEM_read_PrivateKey(f, NULL, no_passphrase, NULL);
	fclose(f);
	return wrap(pkey);
}

int mint_key_save(const mint_key *k, const char *pem_path)
{
	FILE *f;
	int ok;

	if (!k || !pem_path || !(f = fopen(pem_path, "w")))
		return -1;
	/* OpenSSL 3 writes PKCS#8 ("BEGIN PRIVATE KEY") here */
	ok = PEM_write_PrivateKey(f, k->pkey, NULL, NULL, 0, NULL, NULL) == 1;
	if (fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

void mint_key_free(mint_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

void *mint_key_pkey(const mint_key *k)
{
	return k ? k->pkey : NULL;
}

/* Append a big-endian BIGNUM parameter: minimal length if pad == 0 (RSA
 * n/e), else left-padded to exactly pad bytes (EC coordinates). */
static int member_bn(struct sb *b, const EVP_PKEY *pkey, const char *param,
		     const char *name, size_t pad)
{
	BIGNUM *bn = NULL;
	unsigned char *buf = NULL;
	int n = -1;

	if (EVP_PKEY_get_bn_param(pkey, param, &bn) == 1) {
		size_t len = pad ? pad : (size_t)BN_num_bytes(bn);

		if ((buf = malloc(len ? len : 1)))
			n = pad ? BN_bn2binpad(bn, buf, (int)pad) : BN_bn2bin(bn, buf);
		if (n >= 0)
			sb_member_b64(b, name, buf, (size_t)n);
	}
	free(buf);
	BN_free(bn);
	return n >= 0 ? 0 : -1;
}

char *mint_jwk(const mint_key *k, const char *kid, const char *alg, const char *use)
{
	struct sb b = {0};
	int rc = 0;

	if (!k)
		return NULL;
	if (k->kind == K_RSA) {
		sb_str(&b, "{\"kty\":\"RSA\"");
		rc |= member_bn(&b, k->pkey, OSSL_PKEY_PARAM_RSA_N, "n", 0);
		rc |= member_bn(&b, k->pkey, OSSL_PKEY_PARAM_RSA_E, "e", 0);
	} else if (k->kind == K_EC) {
		sb_str(&b, "{\"kty\":\"EC\"");
		sb_member(&b, "crv", k->crv);
		rc |= member_bn(&b, k->pkey, OSSL_PKEY_PARAM_EC_PUB_X, "x", k->clen);
		rc |= member_bn(&b, k->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, "y", k->clen);
	} else {
		unsigned char pub[57];
		size_t n = sizeof pub;

		sb_str(&b, "{\"kty\":\"OKP\"");
		sb_member(&b, "crv", k->crv);
		if (EVP_PKEY_get_raw_public_key(k->pkey, pub, &n) == 1)
			sb_member_b64(&b, "x", pub, n);
		else
			rc = -1;
	}
	sb_member(&b, "kid", kid);
	sb_member(&b, "alg", alg);
	sb_member(&b, "use", use);
	sb_add(&b, "}", 1);
	if (rc) {
		free(b.p);
		return NULL;
	}
	return sb_done(&b);
}

char *mint_pubkey_pem(const mint_key *k)
{
	BIO *bio;
	char *data, *out = NULL;
	long n;

	if (!k || !(bio = BIO_new(BIO_s_mem())))
		return NULL;
	if (PEM_write_bio_PUBKEY(bio, k->pkey) == 1 &&
	    (n = BIO_get_mem_data(bio, &data)) > 0 && (out = malloc((size_t)n + 1))) {
		memcpy(out, data, (size_t)n);
		out[n] = '\0';
	}
	BIO_free(bio);
	return out;
}

/* ---- signing */

static const struct alg {
	const char *name;
	enum kind kind;
	const EVP_MD *(*md)(void); /* NULL for EdDSA (hashes internally) */
	int pss;
	size_t clen; /* ECDSA: required curve coordinate length */
} algs[] = {
	{"RS256", K_RSA, EVP_sha256, 0, 0},  {"RS384", K_RSA, EVP_sha384, 0, 0},
	{"RS512", K_RSA, EVP_sha512, 0, 0},  {"PS256", K_RSA, EVP_sha256, 1, 0},
	{"PS384", K_RSA, EVP_sha384, 1, 0},  {"PS512", K_RSA, EVP_sha512, 1, 0},
	{"ES256", K_EC, EVP_sha256, 0, 32},  {"ES384", K_EC, EVP_sha384, 0, 48},
	{"ES512", K_EC, EVP_sha512, 0, 66},  {"EdDSA", K_OKP, NULL, 0, 0},
};

/* The algorithm entry for name, or NULL if unknown or it does not fit k. */
static const struct alg *find_alg(const mint_key *k, const char *name)
{
	for (size_t i = 0; k && name && i < sizeof algs / sizeof algs[0]; i++)
		if (strcmp(name, algs[i].name) == 0)
			return algs[i].kind == k->kind &&
			       (k->kind != K_EC || algs[i].clen == k->clen) ? &algs[i] : NULL;
	return NULL;
}

/* OpenSSL's own signature encoding (DER for ECDSA); malloc'd. */
static unsigned char *sign_native(const mint_key *k, const struct alg *a,
				  const void *data, size_t len, size_t *siglen)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char *sig = NULL;
	int max = EVP_PKEY_get_size(k->pkey); /* upper bound for any scheme */
	int ok;

	ok = mctx && max > 0 && (sig = malloc((size_t)max)) &&
	     EVP_DigestSignInit(mctx, &pctx, a->md ? a->md() : NULL, NULL, k->pkey) == 1;
	if (ok && a->pss)
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
		     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
		     EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, a->md()) == 1;
	*siglen = (size_t)max;
	ok = ok && EVP_DigestSign(mctx, sig, siglen,
				  len ? data : (const void *)"", len) == 1;
	EVP_MD_CTX_free(mctx);
	if (!ok) {
		free(sig);
		return NULL;
	}
	return sig;
}

/* ECDSA DER SEQUENCE{r,s} -> JWS r||s with each half padded to clen. */
static unsigned char *der_to_raw(const unsigned char *der, size_t derlen,
				 size_t clen, size_t *outlen)
{
	const unsigned char *p = der;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)derlen);
	unsigned char *raw = NULL;
	const BIGNUM *r, *s;

	if (es && (raw = malloc(2 * clen))) {
		ECDSA_SIG_get0(es, &r, &s);
		if (BN_bn2binpad(r, raw, (int)clen) < 0 ||
		    BN_bn2binpad(s, raw + clen, (int)clen) < 0) {
			free(raw);
			raw = NULL;
		}
	}
	ECDSA_SIG_free(es);
	*outlen = 2 * clen;
	return raw;
}

/* Signature in JWS form for an already-validated alg. */
static unsigned char *sign_jws(const mint_key *k, const struct alg *a,
			       const void *data, size_t len, size_t *siglen)
{
	unsigned char *der, *raw;
	size_t derlen;

	if (a->kind != K_EC)
		return sign_native(k, a, data, len, siglen);
	if (!(der = sign_native(k, a, data, len, &derlen)))
		return NULL;
	raw = der_to_raw(der, derlen, k->clen, siglen);
	free(der);
	return raw;
}

unsigned char *mint_sign_raw(const mint_key *k, const char *alg, const void *data,
			     size_t len, size_t *siglen)
{
	const struct alg *a = find_alg(k, alg);

	if (!a || !siglen || (!data && len))
		return NULL;
	return sign_jws(k, a, data, len, siglen);
}

/* b64url(h) "." b64url(p) -- the JWS signing input. */
static void signing_input(struct sb *b, const char *h, const char *p)
{
	sb_b64(b, (const unsigned char *)h, strlen(h));
	sb_add(b, ".", 1);
	sb_b64(b, (const unsigned char *)p, strlen(p));
}

/* Append "." b64url(sig) and hand over the token; frees sig. */
static char *finish(struct sb *b, unsigned char *sig, size_t siglen)
{
	sb_add(b, ".", 1);
	sb_b64(b, sig, siglen);
	free(sig);
	return sb_done(b);
}

/* RSA signature whose first byte is 0x00, with that byte removed.  Only PSS
 * is randomized, so PKCS#1 v1.5 gets a single attempt. */
static unsigned char *sign_strip0(const mint_key *k, const struct alg *a,
				  const void *data, size_t len, size_t *siglen)
{
	for (int i = 0; i < (a->pss ? 5000 : 1); i++) {
		unsigned char *sig = sign_native(k, a, data, len, siglen);

		if (!sig)
			return NULL;
		if (*siglen > 0 && sig[0] == 0) {
			memmove(sig, sig + 1, --*siglen);
			return sig;
		}
		free(sig);
	}
	return NULL;
}

/* Ed25519 group order L, little-endian (RFC 8032). */
static const unsigned char ed25519_l[32] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
	0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
	0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10,
};

char *mint_sign(const mint_key *k, const char *alg, const char *header_json,
		const char *payload_json, enum mint_sig mode)
{
	const struct alg *a = find_alg(k, alg);
	struct sb b = {0};
	unsigned char *sig, *grown;
	size_t n;
	unsigned carry = 0;

	if (!a || !header_json || !payload_json)
		return NULL;
	/* reject modes that make no sense for this alg before doing any work */
	if ((mode == MINT_SIG_DER && a->kind != K_EC) ||
	    (mode == MINT_SIG_HIGH_S && (a->kind != K_OKP || k->clen != 32)) ||
	    (mode == MINT_SIG_STRIP0 && a->kind != K_RSA) ||
	    (unsigned)mode > MINT_SIG_STRIP0)
		return NULL;
	signing_input(&b, header_json, payload_json);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	if (mode == MINT_SIG_DER)
		sig = sign_native(k, a, b.p, b.len, &n);
	else if (mode == MINT_SIG_STRIP0)
		sig = sign_strip0(k, a, b.p, b.len, &n);
	else
		sig = sign_jws(k, a, b.p, b.len, &n);
	if (!sig) {
		free(b.p);
		return NULL;
	}
	switch (mode) {
	case MINT_SIG_EMPTY:
		n = 0;
		break;
	case MINT_SIG_ZERO: /* a real signature's length, so only content is wrong */
		memset(sig, 0, n);
		break;
	case MINT_SIG_LONG:
		if (!(grown = realloc(sig, n + 1))) {
			free(sig);
			free(b.p);
			return NULL;
		}
		sig = grown;
		sig[n++] = 0;
		break;
	case MINT_SIG_SHORT:
		n--;
		break;
	case MINT_SIG_HIGH_S: /* S < L < 2^253, so S + L never overflows 32 bytes */
		for (size_t i = 0; i < 32; i++) {
			carry += (unsigned)sig[32 + i] + ed25519_l[i];
			sig[32 + i] = (unsigned char)carry;
			carry >>= 8;
		}
		break;
	default:
		break;
	}
	return finish(&b, sig, n);
}

char *mint_sign_hmac(const void *secret, size_t len, const char *alg,
		     const char *header_json, const char *payload_json)
{
	static const struct {
		const char *name;
		const EVP_MD *(*md)(void);
	} hs[] = {{"HS256", EVP_sha256}, {"HS384", EVP_sha384}, {"HS512", EVP_sha512}};
	const EVP_MD *md = NULL;
	unsigned char *mac;
	unsigned int maclen = 0;
	struct sb b = {0};

	for (size_t i = 0; alg && i < sizeof hs / sizeof hs[0]; i++)
		if (strcmp(alg, hs[i].name) == 0)
			md = hs[i].md();
	if (!md || !header_json || !payload_json || (!secret && len) || len > INT_MAX)
		return NULL;
	signing_input(&b, header_json, payload_json);
	if (b.oom || !(mac = malloc(EVP_MAX_MD_SIZE))) {
		free(b.p);
		return NULL;
	}
	/* pass a non-NULL key even when empty: some OpenSSL versions reject NULL */
	if (!HMAC(md, len ? secret : "", (int)len, (const unsigned char *)b.p, b.len,
		  mac, &maclen)) {
		free(mac);
		free(b.p);
		return NULL;
	}
	return finish(&b, mac, maclen);
}
