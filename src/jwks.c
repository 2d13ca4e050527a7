/* Key sets: parsed once, shared read-only between threads. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "json.h"
#include "jwks.h"

/* Largest decoded key parameter: an 8192-bit modulus. */
#define PARAM_MAX (CRYPTO_RSA_MAX_BITS / 8 + 1)

struct jwk {
	char *kid;		/* NULL if absent */
	char *alg;		/* NULL if absent */
	int sig_use;		/* use absent or "sig" */
	crypto_key *key;
};

struct jwks {
	atomic_int refs;
	size_t n, skipped;
	struct jwk keys[];
};

/* Indexed by enum alg_kty. */
static const char *const kty_names[] = {
	[ALG_KTY_RSA] = "RSA", [ALG_KTY_EC] = "EC", [ALG_KTY_OKP] = "OKP",
};
_Static_assert(sizeof(kty_names) / sizeof(kty_names[0]) == ALG_KTY_COUNT,
    "one name for each key family");

/* Decode the base64url member name of jwk into out; -1 if absent/bad. */
static long
param(const cJSON *jwk, const char *name, unsigned char *out)
{
	const char *s = json_string(jwk, name);

	if (s == NULL)
		return -1;
	return b64url_decode(s, strlen(s), out, PARAM_MAX);
}

/* The crypto key of one JWK, or NULL with *why set. */
static crypto_key *
jwk_key(const cJSON *jwk, const char **why)
{
	unsigned char a[PARAM_MAX], b[PARAM_MAX];
	const char *kty = json_string(jwk, "kty"), *crv;
	long alen, blen;

	*why = "malformed key parameters";
	if (kty == NULL) {
		*why = "JWK has no kty";
		return NULL;
	}
	if (strcmp(kty, "RSA") == 0) {
		if ((alen = param(jwk, "n", a)) <= 0 ||
		    (blen = param(jwk, "e", b)) <= 0)
			return NULL;
		return crypto_key_rsa(a, (size_t)alen, b, (size_t)blen, why);
	}
	crv = json_string(jwk, "crv");
	if (strcmp(kty, "EC") == 0 && crv != NULL) {
		if ((alen = param(jwk, "x", a)) < 0 ||
		    (blen = param(jwk, "y", b)) < 0)
			return NULL;
		return crypto_key_ec(crv, a, (size_t)alen, b, (size_t)blen,
		    why);
	}
	if (strcmp(kty, "OKP") == 0 && crv != NULL &&
	    strcmp(crv, "Ed25519") == 0) {
		if ((alen = param(jwk, "x", a)) < 0)
			return NULL;
		return crypto_key_ed25519(a, (size_t)alen, why);
	}
	*why = "unsupported key type or curve";
	return NULL;
}

/* cJSON_HasObjectItem ignores case; JOSE member names do not. */
static int
has(const cJSON *obj, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(obj, name) != NULL;
}

static char *
dup_or_null(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

jwks *
jwks_parse(const char *text, size_t len, char *err, size_t errlen)
{
	const cJSON *keys, *jwk;
	cJSON *doc = NULL;
	const char *why = NULL, *use;
	jwks *ks = NULL;
	struct jwk *k;
	int n;

	if ((doc = json_parse(text, len, JWKS_MAX_BYTES, JSON_MAX_DEPTH,
	    &why)) == NULL) {
		snprintf(err, errlen, "key set: %s", why);
		goto fail;
	}
	keys = cJSON_GetObjectItemCaseSensitive(doc, "keys");
	if (!cJSON_IsObject(doc) || !cJSON_IsArray(keys)) {
		snprintf(err, errlen, "key set has no \"keys\" array");
		goto fail;
	}
	if ((n = cJSON_GetArraySize(keys)) > JWKS_MAX_KEYS) {
		snprintf(err, errlen, "key set has %d keys, more than %d", n,
		    JWKS_MAX_KEYS);
		goto fail;
	}
	if ((ks = calloc(1, sizeof(*ks) + (size_t)n * sizeof(ks->keys[0])))
	    == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	atomic_init(&ks->refs, 1);
	cJSON_ArrayForEach(jwk, keys) {
		k = &ks->keys[ks->n];
		if (!cJSON_IsObject(jwk) || (k->key = jwk_key(jwk, &why))
		    == NULL) {
			ks->skipped++;
			continue;
		}
		use = json_string(jwk, "use");
		k->sig_use = !has(jwk, "use") ||
		    (use != NULL && strcmp(use, "sig") == 0);
		if ((has(jwk, "kid") &&
		    (k->kid = dup_or_null(json_string(jwk, "kid"))) == NULL) ||
		    (has(jwk, "alg") &&
		    (k->alg = dup_or_null(json_string(jwk, "alg"))) == NULL)) {
			/* A kid or alg that is not a string: unusable. */
			free(k->kid);
			crypto_key_free(k->key);
			memset(k, 0, sizeof(*k));
			ks->skipped++;
			continue;
		}
		ks->n++;
	}
	if (ks->n == 0) {
		snprintf(err, errlen, "key set has no usable key (%zu skipped)",
		    ks->skipped);
		goto fail;
	}
	cJSON_Delete(doc);
	return ks;
fail:
	jwks_free(ks);
	cJSON_Delete(doc);
	return NULL;
}

jwks *
jwks_ref(jwks *ks)
{
	if (ks != NULL)
		atomic_fetch_add(&ks->refs, 1);
	return ks;
}

void
jwks_free(jwks *ks)
{
	size_t i;

	if (ks == NULL || atomic_fetch_sub(&ks->refs, 1) != 1)
		return;
	for (i = 0; i < ks->n; i++) {
		free(ks->keys[i].kid);
		free(ks->keys[i].alg);
		crypto_key_free(ks->keys[i].key);
	}
	free(ks);
}

size_t
jwks_count(const jwks *ks)
{
	return ks->n;
}

size_t
jwks_skipped(const jwks *ks)
{
	return ks->skipped;
}

/* NULL if k may verify alg, else why not. */
static const char *
unfit(const struct jwk *k, enum alg_id alg)
{
	const char *crv = alg_crv(alg);

	if (crypto_key_kty(k->key) != alg_kty(alg))
		return "is of another key type";
	if (crv != NULL && strcmp(crv, crypto_key_crv(k->key)) != 0)
		return "is on another curve";
	if (k->alg != NULL && strcmp(k->alg, alg_name(alg)) != 0)
		return "is for another algorithm";
	if (!k->sig_use)
		return "is not for signatures";
	return NULL;
}

const crypto_key *
jwks_find(const jwks *ks, const char *kid, enum alg_id alg,
    enum jwks_miss *miss, char *why, size_t whylen)
{
	const struct jwk *found = NULL;
	const char *no = NULL;
	size_t i, fits = 0;

	for (i = 0; i < ks->n; i++) {
		const struct jwk *k = &ks->keys[i];

		if (kid != NULL && (k->kid == NULL || strcmp(k->kid, kid) != 0))
			continue;
		if ((no = unfit(k, alg)) != NULL && kid != NULL) {
			*miss = JWKS_UNFIT;
			snprintf(why, whylen, "key \"%s\" %s (%s key, token "
			    "alg %s)", kid, no,
			    kty_names[crypto_key_kty(k->key)], alg_name(alg));
			continue;
		}
		if (no == NULL) {
			found = k;
			fits++;
		}
	}
	if (fits == 1 || (kid != NULL && found != NULL)) {
		/* An unfit key seen on the way leaves no reason behind. */
		*miss = JWKS_FOUND;
		why[0] = '\0';
		return found->key;
	}
	if (kid != NULL) {
		if (no == NULL) {
			*miss = JWKS_UNKNOWN;
			snprintf(why, whylen, "no key with kid \"%s\"", kid);
		}
	} else if (fits == 0) {
		*miss = JWKS_UNKNOWN;
		snprintf(why, whylen, "no key fits alg %s", alg_name(alg));
	} else {
		*miss = JWKS_UNFIT;
		snprintf(why, whylen, "token has no kid and %zu keys fit "
		    "alg %s", fits, alg_name(alg));
	}
	return NULL;
}
