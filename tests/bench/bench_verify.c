/*
 * bench_verify [ALG...]: the cost of a full decision on a fresh token
 * against OpenSSL's raw signature check with the same key, per algorithm
 * (every one, or those named).
 * Rounds of the two alternate and medians are reported, so a noisy
 * machine slows both alike.  CPU time of this thread is measured.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "b64url.h"
#include "decide.h"
#include "jwks.h"
#include "keystore.h"
#include "mint.h"
#include "cputime.h"

#define NTOKENS 64
#define ROUNDS 5
#define NOW 1700000000LL

static const struct {
	const char *alg, *key, *md;
} cases[] = {
	{ "RS256", "rsa2048", "SHA256" }, { "RS384", "rsa2048", "SHA384" },
	{ "RS512", "rsa2048", "SHA512" }, { "PS256", "rsa2048", "SHA256" },
	{ "PS384", "rsa2048", "SHA384" }, { "PS512", "rsa2048", "SHA512" },
	{ "ES256", "p256", "SHA256" }, { "ES384", "p384", "SHA384" },
	{ "ES512", "p521", "SHA512" }, { "EdDSA", "ed25519", NULL },
};

struct token {
	char *jws;
	size_t signed_len;		/* "header.payload" */
	unsigned char sig[1024];	/* DER for ECDSA, as OpenSSL wants */
	size_t siglen;
};

/* The JWS signature of t in the form EVP_DigestVerify takes. */
static void
raw_sig(struct token *t, int ecdsa)
{
	const char *s = strrchr(t->jws, '.') + 1;
	unsigned char raw[1024], *p = t->sig;
	long n = b64url_decode(s, strlen(s), raw, sizeof(raw));
	ECDSA_SIG *es;

	t->signed_len = (size_t)(s - 1 - t->jws);
	if (!ecdsa) {
		memcpy(t->sig, raw, (size_t)n);
		t->siglen = (size_t)n;
		return;
	}
	es = ECDSA_SIG_new();
	ECDSA_SIG_set0(es, BN_bin2bn(raw, (int)n / 2, NULL),
	    BN_bin2bn(raw + n / 2, (int)n / 2, NULL));
	t->siglen = (size_t)i2d_ECDSA_SIG(es, &p);
	ECDSA_SIG_free(es);
}

/* OpenSSL alone: one fresh context per check, as a caller would. */
static int
raw_verify(EVP_PKEY *pkey, const EVP_MD *md, int pss, const struct token *t)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx;
	int ok;

	EVP_DigestVerifyInit(ctx, &pctx, md, NULL, pkey);
	if (pss) {
		EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
		EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
	}
	ok = EVP_DigestVerify(ctx, t->sig, t->siglen,
	    (const unsigned char *)t->jws, t->signed_len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* 1 if alg was asked for on the command line (or nothing was). */
static int
wanted(int argc, char **argv, const char *alg)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], alg) == 0)
			return 1;
	return argc < 2;
}

int
main(int argc, char **argv)
{
	static struct token toks[NTOKENS];
	double full[ROUNDS], raw[ROUNDS], t0, f, r;
	const char *conf = "issuer https://as.example jwks=x\n"
	    "resource https://mcp.example/mcp\nrequired_scopes read\n";
	char err[256], payload[512], header[64], jwks_text[4096];
	struct decide_input in;
	struct decision d;
	size_t c, i, iters;
	int round, bad = 0;

	printf("%-6s %12s %12s %8s %12s\n", "alg", "decision_us",
	    "openssl_us", "ratio", "overhead_us");
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		if (!wanted(argc, argv, cases[c].alg))
			continue;
		mint_key *k = mint_key_new(cases[c].key);
		char *jwk = mint_jwk(k, "k1", NULL, "sig");
		struct config *cfg = config_parse(conf, strlen(conf), "bench",
		    err, sizeof(err));
		struct keystore *store = keystore_new(1);
		EVP_MD *md = cases[c].md ? EVP_MD_fetch(NULL, cases[c].md,
		    NULL) : NULL;
		int pss = cases[c].alg[0] == 'P', ec = cases[c].alg[0] == 'E' &&
		    cases[c].alg[1] == 'S';

		snprintf(jwks_text, sizeof(jwks_text), "{\"keys\":[%s]}", jwk);
		keystore_set(store, 0, jwks_parse(jwks_text, strlen(jwks_text),
		    err, sizeof(err)));
		snprintf(header, sizeof(header),
		    "{\"alg\":\"%s\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}",
		    cases[c].alg);
		for (i = 0; i < NTOKENS; i++) {
			/* A realistic access token: distinct jti per token. */
			snprintf(payload, sizeof(payload), "{\"iss\":"
			    "\"https://as.example\",\"sub\":\"user-%zu\","
			    "\"aud\":\"https://mcp.example/mcp\",\"exp\":%lld,"
			    "\"iat\":%lld,\"nbf\":%lld,\"jti\":\"%zu-%zu\","
			    "\"client_id\":\"bench-client\","
			    "\"scope\":\"read write tools:call\"}", i,
			    NOW + 3600, NOW, NOW, c, i);
			toks[i].jws = mint_sign(k, cases[c].alg, header,
			    payload, MINT_SIG_OK);
			raw_sig(&toks[i], ec);
		}
		in = (struct decide_input){ cfg, &cfg->resources[0], store,
		    NULL, NOW, NULL };
		/* Enough checks for about 0.2 s of the slower side. */
		t0 = cpu_now();
		for (i = 0; i < NTOKENS; i++)
			bad += !raw_verify(mint_key_pkey(k), md, pss, &toks[i]);
		iters = (size_t)(0.2 / ((cpu_now() - t0) / NTOKENS)) + NTOKENS;
		for (round = 0; round < ROUNDS; round++) {
			t0 = cpu_now();
			for (i = 0; i < iters; i++) {
				const struct token *t = &toks[i % NTOKENS];
				bad += decide(&in, t->jws, strlen(t->jws), &d)
				    != DECIDE_ALLOW;
				decision_clear(&d);
			}
			full[round] = (cpu_now() - t0) / (double)iters;
			t0 = cpu_now();
			for (i = 0; i < iters; i++)
				bad += !raw_verify(mint_key_pkey(k), md, pss,
				    &toks[i % NTOKENS]);
			raw[round] = (cpu_now() - t0) / (double)iters;
		}
		qsort(full, ROUNDS, sizeof(double), cmp_double);
		qsort(raw, ROUNDS, sizeof(double), cmp_double);
		f = full[ROUNDS / 2] * 1e6;
		r = raw[ROUNDS / 2] * 1e6;
		printf("%-6s %12.2f %12.2f %8.3f %12.2f\n", cases[c].alg, f, r,
		    f / r, f - r);
		for (i = 0; i < NTOKENS; i++)
			free(toks[i].jws);
		EVP_MD_free(md);
		keystore_free(store);
		config_free(cfg);
		free(jwk);
		mint_key_free(k);
	}
	if (bad != 0) {
		fprintf(stderr, "bench_verify: %d checks failed\n", bad);
		return 1;
	}
	printf("# %d rounds of each, alternating; medians of thread CPU time."
	    "\n# ratio = full decision / OpenSSL verify with the same key.\n",
	    ROUNDS);
	return 0;
}
