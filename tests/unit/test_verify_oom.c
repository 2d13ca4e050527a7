/*
 * An internal failure is not a bad signature: every OpenSSL allocation
 * of a decision is made to fail in turn (crypto_init with a countdown
 * allocator).  Each run must end in an allow (the failure hit nothing
 * that matters) or an internal error with a reason, never a refusal of
 * the token as forged, and an internal error is never cached.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "config.h"
#include "crypto.h"
#include "decide.h"
#include "jwks.h"
#include "keystore.h"
#include "mint.h"
#include "tokcache.h"
#include "arena.h"
#include "tap.h"

#define NOW 1700000000LL

/* Fail the countdown-th OpenSSL allocation from now; -1: never. */
static long countdown = -1;
static int failed;

static int
fail_now(void)
{
	if (countdown < 0 || countdown-- > 0)
		return 0;
	failed = 1;
	return 1;
}

static void *
t_malloc(size_t n)
{
	return fail_now() ? NULL : malloc(n);
}

static void *
t_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : realloc(p, n);
}

struct alg {
	const char *alg, *key;
};

static const struct alg algs[] = {
	{ "ES256", "p256" }, { "ES384", "p384" }, { "RS256", "rsa2048" },
	{ "PS256", "rsa2048" }, { "EdDSA", "ed25519" },
};

static void
run(const struct alg *a)
{
	char err[512], *keys, *set_text, *token, name[160];
	const char *text;
	struct decide_input in = { 0 };
	struct decision d;
	struct config *cfg;
	struct keystore *ks;
	struct tokcache *tc;
	unsigned char h[32];
	mint_key *k;
	jwks *set;
	long n;
	int errors = 0, wrong = 0, allowed = 0;

	if ((k = mint_key_new(a->key)) == NULL)
		bail("mint_key_new");
	keys = keep(mint_jwk(k, "k1", NULL, NULL));
	text = "issuer https://as.example jwks=/dev/null\n"
	    "resource https://mcp.example/mcp\n";
	if ((cfg = config_parse(text, strlen(text), "t.conf", err,
	    sizeof(err))) == NULL)
		bail(err);
	set_text = keep(malloc(strlen(keys) + 16));
	snprintf(set_text, strlen(keys) + 16, "{\"keys\":[%s]}", keys);
	if ((set = jwks_parse(set_text, strlen(set_text), err, sizeof(err)))
	    == NULL)
		bail(err);
	if ((ks = keystore_new(1)) == NULL || (tc = tokcache_new(64)) == NULL)
		bail("keystore_new or tokcache_new");
	keystore_set(ks, 0, set);
	snprintf(name, sizeof(name), "{\"alg\":\"%s\",\"kid\":\"k1\"}", a->alg);
	token = keep(mint_sign(k, a->alg, name, "{\"iss\":\"https://as."
	    "example\",\"aud\":\"https://mcp.example/mcp\",\"exp\":1700003600,"
	    "\"sub\":\"alice\"}", MINT_SIG_OK));
	in.cfg = cfg;
	in.resource = &cfg->resources[0];
	in.keys = ks;
	in.now = NOW;
	/* Warm up: digests and other one-time state are fetched here. */
	decide(&in, token, strlen(token), &d);
	is_int(d.code, DECIDE_ALLOW, a->alg);
	is_str(d.reason, "", a->alg);
	decision_clear(&d);
	if (tokcache_hash(token, strlen(token), h) == -1)
		bail("tokcache_hash");
	for (n = 0; n < 10000; n++) {
		failed = 0;
		countdown = n;
		decide(&in, token, strlen(token), &d);
		countdown = -1;
		ERR_clear_error();
		if (!failed) {
			allowed = d.code == DECIDE_ALLOW;
			decision_clear(&d);
			break;
		}
		if (d.code == DECIDE_ERROR && d.reason[0] != '\0' &&
		    !d.bad_signature) {
			errors++;
			tokcache_put(tc, &in, h, &d);
			decision_clear(&d);
			if (tokcache_get(tc, &in, h, token, strlen(token), &d)) {
				wrong++;
				printf("# allocation %ld: an internal error "
				    "was cached\n", n);
			}
		} else if (d.code != DECIDE_ALLOW) {
			wrong++;
			printf("# allocation %ld failed: code %d, "
			    "bad_signature %d, reason \"%s\"\n", n,
			    (int)d.code, d.bad_signature, d.reason);
		}
		decision_clear(&d);
	}
	snprintf(name, sizeof(name), "%s: every allocation failure is a 500 "
	    "with a reason, never a bad signature, never cached", a->alg);
	is_int(wrong, 0, name);
	snprintf(name, sizeof(name), "%s: allocation failures were injected "
	    "(%d internal errors)", a->alg, errors);
	ok(errors > 0, name);
	snprintf(name, sizeof(name), "%s: allowed once nothing fails", a->alg);
	ok(allowed, name);
	tokcache_free(tc);
	keystore_free(ks);
	config_free(cfg);
	mint_key_free(k);
}

int
main(void)
{
	size_t i;

	/* Before OpenSSL allocates anything. */
	if (crypto_init(t_malloc, t_realloc) == -1)
		bail("crypto_init");
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		run(&algs[i]);
	gc();
	return tap_done();
}
