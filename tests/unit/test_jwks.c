/*
 * Key sets (RFC 7517) as jwks.c parses them, the keys crypto.c builds
 * from their parameters, and the choice of a key for a token (SPEC §8).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "crypto.h"
#include "json.h"
#include "jwks.h"
#include "keystore.h"
#include "mint.h"
#include "arena.h"
#include "tap.h"

static mint_key *rsa, *rsa3072, *rsa1024, *p256, *p384, *p521, *ed, *ed448;

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *
fmt(const char *f, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, f);
	n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	if (n < 0)
		bail("vsnprintf");
	s = keep(malloc((size_t)n + 1));
	va_start(ap, f);
	vsnprintf(s, (size_t)n + 1, f, ap);
	va_end(ap);
	return s;
}

static const char *
label(const char *name, const char *what)
{
	return fmt("%s: %s", name, what);
}

static char *
jwk(const mint_key *k, const char *kid, const char *alg, const char *use)
{
	return keep(mint_jwk(k, kid, alg, use));
}

/* {"keys":[a, b, ...]} of n JWK texts. */
static char *
set_of(size_t n, ...)
{
	const char *s = "{\"keys\":[";
	va_list ap;
	size_t i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		s = fmt("%s%s%s", s, i > 0 ? "," : "", va_arg(ap, const char *));
	va_end(ap);
	return fmt("%s]}", s);
}

static jwks *
parse(const char *text, char *err, size_t errlen)
{
	return jwks_parse(text, strlen(text), err, errlen);
}

/* Parse text expecting a set of count usable keys and skipped others. */
static void
parses(const char *name, const char *text, size_t count, size_t skipped)
{
	char err[256] = "";
	jwks *ks = parse(text, err, sizeof(err));

	if (!ok(ks != NULL, label(name, "parsed"))) {
		printf("#   error: %s\n", err);
		return;
	}
	is_int((long long)jwks_count(ks), (long long)count,
	    label(name, "usable keys"));
	is_int((long long)jwks_skipped(ks), (long long)skipped,
	    label(name, "skipped keys"));
	jwks_free(ks);
}

/* Parse len bytes of text expecting NULL and exactly this reason. */
static void
refused_n(const char *name, const char *text, size_t len, const char *reason)
{
	char err[256] = "";
	jwks *ks = jwks_parse(text, len, err, sizeof(err));

	ok(ks == NULL, label(name, "refused"));
	is_str(err, reason, label(name, "reason"));
	jwks_free(ks);
}

static void
refused(const char *name, const char *text, const char *reason)
{
	refused_n(name, text, strlen(text), reason);
}

/* ---- raw key parameters, to build broken JWKs */

/* The decoded base64url member name of a JWK text; *len its length. */
static unsigned char *
param(const char *jwk_text, const char *name, size_t *len)
{
	unsigned char *out = keep(malloc(2048));
	const char *why;
	cJSON *v;
	long n;

	if ((v = json_parse(jwk_text, strlen(jwk_text), 65536, 8, &why))
	    == NULL)
		bail(why);
	n = b64url_decode(json_string(v, name), strlen(json_string(v, name)),
	    out, 2048);
	cJSON_Delete(v);
	if (n < 0)
		bail("param: bad base64url");
	*len = (size_t)n;
	return out;
}

static char *
b64(const void *data, size_t len)
{
	return keep(mint_b64url(data, len));
}

/* An EC JWK of crv with these coordinates. */
static char *
ec_jwk(const char *kid, const char *crv, const unsigned char *x, size_t xlen,
    const unsigned char *y, size_t ylen)
{
	return fmt("{\"kty\":\"EC\",\"kid\":\"%s\",\"crv\":\"%s\",\"x\":\"%s\","
	    "\"y\":\"%s\"}", kid, crv, b64(x, xlen), b64(y, ylen));
}

/* ---- parsing */

static const struct {
	const char *type, *alg, *crv;
	enum alg_kty kty;
	size_t siglen;
	mint_key **key;
} types[] = {
	{ "RSA 2048", "RS256", NULL, ALG_KTY_RSA, 256, &rsa },
	{ "RSA 3072", "PS512", NULL, ALG_KTY_RSA, 384, &rsa3072 },
	{ "EC P-256", "ES256", "P-256", ALG_KTY_EC, 64, &p256 },
	{ "EC P-384", "ES384", "P-384", ALG_KTY_EC, 96, &p384 },
	{ "EC P-521", "ES512", "P-521", ALG_KTY_EC, 132, &p521 },
	{ "OKP Ed25519", "EdDSA", "Ed25519", ALG_KTY_OKP, 64, &ed },
};
#define NTYPES (sizeof(types) / sizeof(types[0]))

static void
test_parse_each_type(void)
{
	const crypto_key *k;
	enum jwks_miss miss;
	char err[256], why[256];
	const char *name;
	jwks *ks;
	size_t i;

	for (i = 0; i < NTYPES; i++) {
		name = fmt("parse %s", types[i].type);
		ks = parse(set_of(1, jwk(*types[i].key, "k", types[i].alg,
		    "sig")), err, sizeof(err));
		if (!ok(ks != NULL, label(name, "parsed"))) {
			printf("#   error: %s\n", err);
			continue;
		}
		is_int((long long)jwks_count(ks), 1, label(name, "one key"));
		is_int((long long)jwks_skipped(ks), 0, label(name, "none skipped"));
		why[0] = '\0';
		k = jwks_find(ks, "k", (enum alg_id)alg_from_name(types[i].alg),
		    &miss, why, sizeof(why));
		ok(k != NULL && miss == JWKS_FOUND, label(name, "found by kid"));
		if (k != NULL) {
			is_int(crypto_key_kty(k), types[i].kty,
			    label(name, "kty"));
			is_str(crypto_key_crv(k), types[i].crv,
			    label(name, "crv"));
			is_int((long long)crypto_key_sig_len(k),
			    (long long)types[i].siglen,
			    label(name, "signature length"));
		}
		jwks_free(ks);
	}
	parses("every type in one set", set_of(6, jwk(rsa, "1", NULL, NULL),
	    jwk(rsa3072, "2", NULL, NULL), jwk(p256, "3", NULL, NULL),
	    jwk(p384, "4", NULL, NULL), jwk(p521, "5", NULL, NULL),
	    jwk(ed, "6", NULL, NULL)), 6, 0);
	parses("unknown members are ignored", set_of(1,
	    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHO"
	    "g7hcvPapiMlrwIaaPcHURo\",\"key_ops\":[\"verify\"],"
	    "\"x5t\":\"abc\",\"ext\":true}"), 1, 0);
	parses("document members besides keys are ignored",
	    fmt("{\"issuer\":\"x\",\"keys\":[%s]}", jwk(ed, NULL, NULL, NULL)),
	    1, 0);
}

/* JWKs jwks_parse must skip (and count), each with a good key beside. */
static void
test_skipped(void)
{
	unsigned char *x, *y, *bad;
	size_t xlen, ylen, i, n;
	const char *ec = jwk(p256, "ec", NULL, NULL), *good;
	const char *cases[32][2];

	x = param(ec, "x", &xlen);
	y = param(ec, "y", &ylen);
	n = 0;
	cases[n][0] = "RSA 1024";
	cases[n++][1] = jwk(rsa1024, "small", NULL, NULL);
	cases[n][0] = "Ed448";
	cases[n++][1] = jwk(ed448, "ed448", NULL, NULL);
	cases[n][0] = "oct";
	cases[n++][1] = "{\"kty\":\"oct\",\"kid\":\"hmac\",\"k\":\"c2VjcmV0\"}";
	/* mint_jwk gives "{..."; the member goes in front of the rest. */
	cases[n][0] = "kid that is a number";
	cases[n++][1] = fmt("{\"kid\":7,%s", jwk(rsa3072, NULL, NULL, NULL) + 1);
	cases[n][0] = "kid that is null";
	cases[n++][1] = fmt("{\"kid\":null,%s", jwk(p384, NULL, NULL, NULL) + 1);
	cases[n][0] = "alg that is a number";
	cases[n++][1] = fmt("{\"alg\":256,%s", jwk(p384, "p", NULL, NULL) + 1);
	cases[n][0] = "entry that is a number";
	cases[n++][1] = "42";
	cases[n][0] = "entry that is a string";
	cases[n++][1] = "\"key\"";
	cases[n][0] = "entry that is an array";
	cases[n++][1] = "[]";
	cases[n][0] = "no kty";
	cases[n++][1] = fmt("{\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}",
	    b64(x, xlen), b64(y, ylen));
	cases[n][0] = "kty in lower case";
	cases[n++][1] = fmt("{\"kty\":\"ec\",\"crv\":\"P-256\",\"x\":\"%s\","
	    "\"y\":\"%s\"}", b64(x, xlen), b64(y, ylen));
	cases[n][0] = "EC x one byte short";
	cases[n++][1] = ec_jwk("short", "P-256", x + 1, xlen - 1, y, ylen);
	bad = keep(calloc(1, 67));
	memcpy(bad + 1, y, ylen);
	cases[n][0] = "EC y with a leading zero byte added";
	cases[n++][1] = ec_jwk("long", "P-256", x, xlen, bad, ylen + 1);
	bad = keep(malloc(ylen));
	memcpy(bad, y, ylen);
	bad[ylen - 1] ^= 0x01;
	cases[n][0] = "EC point not on the curve (y flipped)";
	cases[n++][1] = ec_jwk("off", "P-256", x, xlen, bad, ylen);
	cases[n][0] = "EC x and y swapped";
	cases[n++][1] = ec_jwk("swap", "P-256", y, ylen, x, xlen);
	cases[n][0] = "EC P-256 coordinates labelled P-384";
	cases[n++][1] = ec_jwk("crv", "P-384", x, xlen, y, ylen);
	cases[n][0] = "EC curve secp256k1";
	cases[n++][1] = ec_jwk("k1", "secp256k1", x, xlen, y, ylen);
	cases[n][0] = "EC without crv";
	cases[n++][1] = fmt("{\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}",
	    b64(x, xlen), b64(y, ylen));
	cases[n][0] = "EC without y";
	cases[n++][1] = fmt("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\"}",
	    b64(x, xlen));
	cases[n][0] = "EC x not base64url";
	cases[n++][1] = fmt("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s=\","
	    "\"y\":\"%s\"}", b64(x, xlen), b64(y, ylen));
	cases[n][0] = "RSA without e";
	cases[n++][1] = fmt("{\"kty\":\"RSA\",\"n\":\"%s\"}",
	    b64(param(jwk(rsa, NULL, NULL, NULL), "n", &xlen), xlen));
	cases[n][0] = "RSA with an even exponent";
	cases[n++][1] = fmt("{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"AQA\"}",
	    b64(param(jwk(rsa, NULL, NULL, NULL), "n", &xlen), xlen));
	cases[n][0] = "RSA with exponent 1";
	cases[n++][1] = fmt("{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"AQ\"}",
	    b64(param(jwk(rsa, NULL, NULL, NULL), "n", &xlen), xlen));
	cases[n][0] = "RSA n with '+'";
	cases[n++][1] = "{\"kty\":\"RSA\",\"n\":\"ab+d\",\"e\":\"AQAB\"}";
	cases[n][0] = "OKP X25519";
	cases[n++][1] = "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"hSDwCYkwp1R0i"
	    "33ctD73Wg2_Og0mOBr066SpjqqbTmo\"}";
	cases[n][0] = "Ed25519 x of 31 bytes";
	cases[n++][1] = fmt("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\"}",
	    b64(x, 31));

	good = jwk(ed, "good", NULL, NULL);
	for (i = 0; i < n; i++)
		parses(fmt("skip %s", cases[i][0]), set_of(2, cases[i][1], good),
		    1, 1);
	/* All of them at once, around two good keys. */
	{
		const char *s = fmt("{\"keys\":[%s", good);

		for (i = 0; i < n; i++)
			s = fmt("%s,%s", s, cases[i][1]);
		parses("every skipped kind in one set",
		    fmt("%s,%s]}", s, jwk(rsa, "r", NULL, NULL)), 2, n);
	}
}

static void
test_no_usable_key(void)
{
	refused("only an oct key",
	    "{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]}",
	    "key set has no usable key (1 skipped)");
	refused("empty keys array", "{\"keys\":[]}",
	    "key set has no usable key (0 skipped)");
	{
		const char *s = set_of(3, jwk(rsa1024, "a", NULL, NULL),
		    jwk(ed448, "b", NULL, NULL), "{}");

		refused("three unusable keys", s,
		    "key set has no usable key (3 skipped)");
	}
}

#define NO_KEYS "key set has no \"keys\" array"

/* Documents that are not key sets; @ stands for a good JWK. */
static const struct {
	const char *name, *text, *reason;
} not_sets[] = {
	{ "an array", "[]", NO_KEYS },
	{ "a string", "\"keys\"", NO_KEYS },
	{ "an empty object", "{}", NO_KEYS },
	{ "keys that is an object", "{\"keys\":{}}", NO_KEYS },
	{ "keys that is null", "{\"keys\":null}", NO_KEYS },
	{ "Keys in another case", "{\"Keys\":[@]}", NO_KEYS },
	{ "a key set inside an array", "[{\"keys\":[@]}]", NO_KEYS },
	{ "malformed JSON", "{\"keys\":[", "key set: malformed JSON" },
	{ "empty text", "", "key set: malformed JSON" },
	{ "trailing data", "{\"keys\":[@]} x", "key set: malformed JSON" },
	{ "two keys members", "{\"keys\":[@],\"keys\":[@]}",
	    "key set: duplicate member name in JSON object" },
};

/* text with each @ replaced by key. */
static const char *
with_key(const char *text, const char *key)
{
	const char *s = "", *at;

	while ((at = strchr(text, '@')) != NULL) {
		s = fmt("%s%.*s%s", s, (int)(at - text), text, key);
		text = at + 1;
	}
	return fmt("%s%s", s, text);
}

static void
test_not_a_key_set(void)
{
	const char *good = jwk(ed, "ed", NULL, NULL), *s;
	char *nul;
	int i;

	for (i = 0; i < (int)(sizeof(not_sets) / sizeof(not_sets[0])); i++)
		refused(not_sets[i].name, with_key(not_sets[i].text, good),
		    not_sets[i].reason);
	s = fmt("{\"keys\":[{\"kid\":\"b\",%s]}", jwk(ed, "a", NULL, NULL) + 1);
	refused("a JWK with two kid members", s,
	    "key set: duplicate member name in JSON object");
	nul = fmt("{\"keys\":[%s],\"a\":\"x?y\"}", good);
	*strchr(nul, '?') = '\0';
	refused_n("a NUL byte in a string", nul, strlen(nul) + 5,
	    "key set: JSON text contains a NUL byte");

	/* Nesting: the document is level 1, keys 2, a JWK 3. */
	s = "1";
	for (i = 0; i < 29; i++)
		s = fmt("[%s]", s);
	parses("nested 32 levels", fmt("{\"keys\":[%s,{\"x\":%s}]}", good, s),
	    1, 1);
	s = fmt("{\"keys\":[%s,{\"x\":[%s]}]}", good, s);
	refused("nested 33 levels", s,
	    "key set: JSON nests too deeply");

	/* Size. */
	s = fmt("{\"keys\":[%s],\"pad\":\"%0*d\"}", good,
	    (int)(JWKS_MAX_BYTES - strlen(good) - 20), 0);
	if (strlen(s) != JWKS_MAX_BYTES)
		bail("size arithmetic");
	parses("a document of exactly 256 KiB", s, 1, 0);
	s = fmt("{\"keys\":[%s],\"pad\":\"%0*d\"}", good,
	    (int)(JWKS_MAX_BYTES - strlen(good) - 19), 0);
	refused("a document of 256 KiB + 1", s,
	    "key set: JSON text is too large");
}

static void
test_max_keys(void)
{
	const char *good = jwk(ed, "ed", NULL, NULL), *s;
	int i;

	s = fmt("{\"keys\":[%s", good);
	for (i = 1; i < JWKS_MAX_KEYS; i++)
		s = fmt("%s,{\"kty\":\"oct\",\"k\":\"AA\",\"kid\":\"o%d\"}", s, i);
	parses("64 keys", fmt("%s]}", s), 1, 63);
	s = fmt("%s,{\"kty\":\"oct\",\"k\":\"AA\",\"kid\":\"last\"}]}", s);
	refused("65 keys", s, "key set has 65 keys, more than 64");

	s = fmt("{\"keys\":[%s", jwk(p256, "0", NULL, NULL));
	for (i = 1; i < JWKS_MAX_KEYS; i++)
		s = fmt("%s,%s", s, jwk(p256, fmt("%d", i), NULL, NULL));
	parses("64 usable keys", fmt("%s]}", s), 64, 0);
}

/* The reasons crypto.c gives for keys jwks_parse skips. */
static void
test_key_reasons(void)
{
	const char *ec = jwk(p256, "ec", NULL, NULL), *why;
	unsigned char *x, *y, *n, e_even[] = { 1, 0 }, e[] = { 1, 0, 1 };
	size_t xlen, ylen, nlen;
	crypto_key *k;

	x = param(ec, "x", &xlen);
	y = param(ec, "y", &ylen);

	why = NULL;
	k = crypto_key_ec("P-256", x, xlen, y, ylen, &why);
	ok(k != NULL, "crypto_key_ec: the mint key is valid");
	crypto_key_free(k);

	why = NULL;
	k = crypto_key_ec("P-256", x + 1, xlen - 1, y, ylen, &why);
	ok(k == NULL, "crypto_key_ec: x of 31 bytes refused");
	is_str(why, "EC coordinate has the wrong length for its curve",
	    "crypto_key_ec: x of 31 bytes reason");
	crypto_key_free(k);

	why = NULL;
	k = crypto_key_ec("P-384", x, xlen, y, ylen, &why);
	ok(k == NULL, "crypto_key_ec: P-256 point as P-384 refused");
	is_str(why, "EC coordinate has the wrong length for its curve",
	    "crypto_key_ec: P-256 point as P-384 reason");
	crypto_key_free(k);

	y[ylen - 1] ^= 0x01;
	why = NULL;
	k = crypto_key_ec("P-256", x, xlen, y, ylen, &why);
	ok(k == NULL, "crypto_key_ec: y flipped refused");
	is_str(why, "invalid EC key (point not on the curve?)",
	    "crypto_key_ec: y flipped reason");
	crypto_key_free(k);

	why = NULL;
	k = crypto_key_ec("P-192", x, 24, y, 24, &why);
	ok(k == NULL, "crypto_key_ec: P-192 refused");
	is_str(why, "unsupported EC curve", "crypto_key_ec: P-192 reason");
	crypto_key_free(k);

	why = NULL;
	k = crypto_key_ed25519(x, 31, &why);
	ok(k == NULL, "crypto_key_ed25519: 31 bytes refused");
	is_str(why, "Ed25519 key is not 32 bytes",
	    "crypto_key_ed25519: 31 bytes reason");
	crypto_key_free(k);

	n = param(jwk(rsa1024, NULL, NULL, NULL), "n", &nlen);
	why = NULL;
	k = crypto_key_rsa(n, nlen, e, sizeof(e), &why);
	ok(k == NULL, "crypto_key_rsa: 1024 bits refused");
	is_str(why, "RSA key shorter than 2048 bits",
	    "crypto_key_rsa: 1024 bits reason");
	crypto_key_free(k);

	n = param(jwk(rsa, NULL, NULL, NULL), "n", &nlen);
	why = NULL;
	k = crypto_key_rsa(n, nlen, e_even, sizeof(e_even), &why);
	ok(k == NULL, "crypto_key_rsa: even exponent refused");
	is_str(why, "RSA exponent is not a reasonable odd number",
	    "crypto_key_rsa: even exponent reason");
	crypto_key_free(k);

	why = NULL;
	k = crypto_key_rsa(n, nlen, e, sizeof(e), &why);
	ok(k != NULL && crypto_key_sig_len(k) == 256,
	    "crypto_key_rsa: the 2048-bit mint key is valid");
	crypto_key_free(k);
}

/* ---- choosing a key */

static jwks *find_set;

/* jwks_find with kid (may be NULL) and alg: check the outcome. */
static const crypto_key *
find(const char *name, const char *kid, const char *alg,
    enum jwks_miss want, const char *reason)
{
	const crypto_key *k;
	enum jwks_miss miss = (enum jwks_miss)-1;
	char why[256] = "";

	k = jwks_find(find_set, kid, (enum alg_id)alg_from_name(alg), &miss,
	    why, sizeof(why));
	is_int(miss, want, label(name, "miss"));
	ok((k != NULL) == (want == JWKS_FOUND), label(name, "key"));
	if (want != JWKS_FOUND)
		is_str(why, reason, label(name, "reason"));
	return k;
}

/*
 * One jwks_find per row against the set built for it: a found key is
 * told by its signature length and curve, a miss by its kind and reason.
 */
struct find_case {
	const char *name, *kid, *alg;
	enum jwks_miss miss;
	size_t siglen;		/* JWKS_FOUND */
	const char *crv;	/* JWKS_FOUND: the key's curve, or NULL */
	const char *reason;	/* a miss */
};

#define FOUND(siglen, crv) JWKS_FOUND, siglen, crv, NULL
#define MISS(m, reason) m, 0, NULL, reason

/*
 * a: RSA-2048; b: P-256; c: RSA-3072 for PS256 only; d: Ed25519 for
 * encryption; no kid: P-384; e: RSA-2048 with use "Sig".
 */
static const struct find_case six[] = {
	{ "kid a, RS256", "a", "RS256", FOUND(256, NULL) },
	{ "kid a, PS512", "a", "PS512", FOUND(256, NULL) },
	{ "kid b, ES256", "b", "ES256", FOUND(64, "P-256") },
	{ "kid c, PS256", "c", "PS256", FOUND(384, NULL) },
	{ "unknown kid", "nope", "RS256",
	    MISS(JWKS_UNKNOWN, "no key with kid \"nope\"") },
	{ "kid in another case", "A", "RS256",
	    MISS(JWKS_UNKNOWN, "no key with kid \"A\"") },
	{ "empty kid", "", "RS256", MISS(JWKS_UNKNOWN, "no key with kid \"\"") },
	{ "kid b (EC) for RS256", "b", "RS256", MISS(JWKS_UNFIT,
	    "key \"b\" is of another key type (EC key, token alg RS256)") },
	{ "kid a (RSA) for EdDSA", "a", "EdDSA", MISS(JWKS_UNFIT,
	    "key \"a\" is of another key type (RSA key, token alg EdDSA)") },
	{ "kid b (P-256) for ES512", "b", "ES512", MISS(JWKS_UNFIT,
	    "key \"b\" is on another curve (EC key, token alg ES512)") },
	{ "kid c (alg PS256) for RS256", "c", "RS256", MISS(JWKS_UNFIT,
	    "key \"c\" is for another algorithm (RSA key, token alg RS256)") },
	{ "kid d (use enc) for EdDSA", "d", "EdDSA", MISS(JWKS_UNFIT,
	    "key \"d\" is not for signatures (OKP key, token alg EdDSA)") },
	{ "kid e (use Sig) for RS256", "e", "RS256", MISS(JWKS_UNFIT,
	    "key \"e\" is not for signatures (RSA key, token alg RS256)") },
	{ "no kid, ES384: the one P-384 key", NULL, "ES384", FOUND(96, "P-384") },
	{ "no kid, ES256: the one P-256 key (it has a kid)", NULL, "ES256",
	    FOUND(64, "P-256") },
	{ "no kid, RS256: c is for PS256, e not for sig", NULL, "RS256",
	    FOUND(256, NULL) },
	{ "no kid, PS256: a and c fit", NULL, "PS256", MISS(JWKS_UNFIT,
	    "token has no kid and 2 keys fit alg PS256") },
	{ "no kid, EdDSA: the Ed25519 key is for enc", NULL, "EdDSA",
	    MISS(JWKS_UNKNOWN, "no key fits alg EdDSA") },
	{ "no kid, ES512: no P-521 key", NULL, "ES512",
	    MISS(JWKS_UNKNOWN, "no key fits alg ES512") },
}, enc_first[] = {
	/* One kid on two keys: the one that fits is chosen, either order. */
	{ "shared kid, enc key first", "k", "RS256", FOUND(256, NULL) },
}, enc_last[] = {
	{ "shared kid, enc key last", "k", "RS256", FOUND(256, NULL) },
}, ec_rsa[] = {
	{ "shared kid, EC and RSA, RS256", "k", "RS256", FOUND(256, NULL) },
	{ "shared kid, EC and RSA, ES256", "k", "ES256", FOUND(64, "P-256") },
	{ "shared kid, EC and RSA, EdDSA", "k", "EdDSA", MISS(JWKS_UNFIT,
	    "key \"k\" is of another key type (RSA key, token alg EdDSA)") },
}, use_number[] = {
	/* A use that is not a string makes the key unusable for signing. */
	{ "use that is a number", "u", "RS256", MISS(JWKS_UNFIT,
	    "key \"u\" is not for signatures (RSA key, token alg RS256)") },
};

/* Parse text and run each of the n cases against it. */
static void
find_cases(const char *text, size_t nkeys, const struct find_case *c,
    size_t n)
{
	const crypto_key *k;
	char err[256];
	size_t i;

	if ((find_set = parse(text, err, sizeof(err))) == NULL)
		bail(err);
	is_int((long long)jwks_count(find_set), (long long)nkeys,
	    label(c[0].name, "keys in the set"));
	for (i = 0; i < n; i++) {
		k = find(c[i].name, c[i].kid, c[i].alg, c[i].miss, c[i].reason);
		if (c[i].miss == JWKS_FOUND)
			ok(k != NULL && crypto_key_sig_len(k) == c[i].siglen &&
			    (c[i].crv == NULL ? crypto_key_crv(k) == NULL :
			    crypto_key_crv(k) != NULL &&
			    strcmp(crypto_key_crv(k), c[i].crv) == 0),
			    label(c[i].name, "which key"));
	}
	jwks_free(find_set);
	find_set = NULL;
}

#define FIND_CASES(text, nkeys, c) \
	find_cases(text, nkeys, c, sizeof(c) / sizeof(c[0]))

static void
test_find(void)
{
	FIND_CASES(set_of(6, jwk(rsa, "a", NULL, NULL),
	    jwk(p256, "b", NULL, "sig"), jwk(rsa3072, "c", "PS256", NULL),
	    jwk(ed, "d", NULL, "enc"), jwk(p384, NULL, NULL, NULL),
	    jwk(rsa, "e", NULL, "Sig")), 6, six);
	FIND_CASES(set_of(2, jwk(rsa3072, "k", NULL, "enc"),
	    jwk(rsa, "k", NULL, "sig")), 2, enc_first);
	FIND_CASES(set_of(2, jwk(rsa, "k", NULL, "sig"),
	    jwk(rsa3072, "k", NULL, "enc")), 2, enc_last);
	FIND_CASES(set_of(2, jwk(p256, "k", NULL, NULL),
	    jwk(rsa, "k", NULL, NULL)), 2, ec_rsa);
	FIND_CASES(set_of(2, fmt("{\"use\":1,%s", jwk(rsa, "u", NULL,
	    NULL) + 1), jwk(ed, "ed", NULL, NULL)), 2, use_number);
}

/* ---- sharing */

static void
test_refcount(void)
{
	struct keystore *store;
	char err[256];
	jwks *ks, *r, *got;

	ks = parse(set_of(1, jwk(ed, "ed", NULL, NULL)), err, sizeof(err));
	if (ks == NULL)
		bail(err);
	r = jwks_ref(ks);
	ok(r == ks, "jwks_ref returns the same set");
	jwks_free(ks);
	is_int((long long)jwks_count(r), 1,
	    "after one of two frees the set is intact");
	jwks_free(r);
	ok(jwks_ref(NULL) == NULL, "jwks_ref(NULL) is NULL");
	jwks_free(NULL);
	ok(1, "jwks_free(NULL) does nothing");

	/* A reader's reference outlives the store and a replacement. */
	store = keystore_new(1);
	ok(keystore_get(store, 0, NULL) == NULL, "empty slot gives NULL");
	keystore_set(store, 0, parse(set_of(1, jwk(p256, "old", NULL, NULL)),
	    err, sizeof(err)));
	got = keystore_get(store, 0, NULL);
	keystore_set(store, 0, parse(set_of(1, jwk(p384, "new", NULL, NULL)),
	    err, sizeof(err)));
	keystore_free(store);
	{
		enum jwks_miss miss;
		char why[128];

		ok(got != NULL && jwks_find(got, "old", ALG_ES256, &miss, why,
		    sizeof(why)) != NULL,
		    "a replaced set stays usable while referenced");
	}
	jwks_free(got);
}

int
main(void)
{
	static void (*const tests[])(void) = {
		test_parse_each_type, test_skipped, test_no_usable_key,
		test_not_a_key_set, test_max_keys, test_key_reasons, test_find,
		test_refcount,
	};
	size_t i;

	if ((rsa = mint_key_new("rsa2048")) == NULL ||
	    (rsa3072 = mint_key_new("rsa3072")) == NULL ||
	    (rsa1024 = mint_key_new("rsa1024")) == NULL ||
	    (p256 = mint_key_new("p256")) == NULL ||
	    (p384 = mint_key_new("p384")) == NULL ||
	    (p521 = mint_key_new("p521")) == NULL ||
	    (ed = mint_key_new("ed25519")) == NULL ||
	    (ed448 = mint_key_new("ed448")) == NULL)
		bail("mint_key_new");
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		tests[i]();
		gc();
	}
	free(arena);
	mint_key_free(rsa);
	mint_key_free(rsa3072);
	mint_key_free(rsa1024);
	mint_key_free(p256);
	mint_key_free(p384);
	mint_key_free(p521);
	mint_key_free(ed);
	mint_key_free(ed448);
	return tap_done();
}
