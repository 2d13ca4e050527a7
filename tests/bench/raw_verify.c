/*
 * raw_verify: OpenSSL's own cost of checking a JWS signature, as a caller
 * would do it (fresh EVP_MD_CTX, EVP_DigestVerifyInit + EVP_DigestVerify
 * over "header.payload"), the same measure as bench_verify's openssl_us.
 * The service benchmark divides its per-decision CPU by this.
 *
 *   raw_verify KEY.pem RS256|ES256 TOKENFILE [SECONDS]
 *
 * Signatures are decoded beforehand (ES256 to DER, as OpenSSL wants).
 * Prints "alg=RS256 verify_us=15.10 verifies=N": the median of 5 rounds
 * of this thread's CPU time, about SECONDS (default 1) in all.
 * Exit 1 if any signature fails or on error, 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#define MAXTOK 4096
#define ROUNDS 5

struct tok {
	char *signed_part;
	size_t signed_len;
	unsigned char sig[512];
	size_t siglen;
};

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Unpadded base64url into out; the length, or -1. */
static long
b64url(const char *s, size_t n, unsigned char *out, size_t max)
{
	unsigned long v = 0;
	size_t i, o = 0;
	int bits = 0;

	for (i = 0; i < n; i++) {
		const char c = s[i];
		int d = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ?
		    c - 'a' + 26 : c >= '0' && c <= '9' ? c - '0' + 52 :
		    c == '-' ? 62 : c == '_' ? 63 : -1;

		if (d < 0)
			return -1;
		v = (v << 6 | (unsigned long)d) & 0xffffff;
		if ((bits += 6) >= 8) {
			bits -= 8;
			if (o == max)
				return -1;
			out[o++] = (unsigned char)(v >> bits);
		}
	}
	return (long)o;
}

static int
load_tok(struct tok *t, char *line, int ecdsa)
{
	char *dot = strrchr(line, '.');
	unsigned char raw[512], *p = t->sig;
	ECDSA_SIG *es;
	long n;

	if (dot == NULL || (n = b64url(dot + 1, strlen(dot + 1), raw,
	    sizeof(raw))) <= 0)
		return -1;
	t->signed_part = line;
	t->signed_len = (size_t)(dot - line);
	if (!ecdsa) {
		memcpy(t->sig, raw, (size_t)n);
		t->siglen = (size_t)n;
		return 0;
	}
	es = ECDSA_SIG_new();
	if (es == NULL || ECDSA_SIG_set0(es, BN_bin2bn(raw, (int)n / 2, NULL),
	    BN_bin2bn(raw + n / 2, (int)n / 2, NULL)) != 1)
		return -1;
	t->siglen = (size_t)i2d_ECDSA_SIG(es, &p);
	ECDSA_SIG_free(es);
	return 0;
}

static int
verify(EVP_PKEY *pkey, const EVP_MD *md, const struct tok *t)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	ok = ctx != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, md, NULL, pkey) == 1 &&
	    EVP_DigestVerify(ctx, t->sig, t->siglen,
	    (const unsigned char *)t->signed_part, t->signed_len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

int
main(int argc, char **argv)
{
	static struct tok toks[MAXTOK];
	static char line[20000];
	double r[ROUNDS], t0, secs = argc > 4 ? atof(argv[4]) : 1.0;
	size_t n = 0, i, iters;
	EVP_PKEY *pkey;
	EVP_MD *md;
	FILE *f;
	int ecdsa, bad = 0, round;

	if (argc < 4 || argc > 5 || (strcmp(argv[2], "RS256") != 0 &&
	    strcmp(argv[2], "ES256") != 0) || secs <= 0)
		return fprintf(stderr, "usage: raw_verify KEY.pem RS256|ES256 "
		    "TOKENFILE [SECONDS]\n"), 2;
	ecdsa = argv[2][0] == 'E';
	if ((f = fopen(argv[1], "r")) == NULL ||
	    (pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL)) == NULL)
		return fprintf(stderr, "raw_verify: cannot load %s\n",
		    argv[1]), 1;
	fclose(f);
	md = EVP_MD_fetch(NULL, "SHA256", NULL);
	if ((f = fopen(argv[3], "r")) == NULL)
		return fprintf(stderr, "raw_verify: cannot read %s\n",
		    argv[3]), 1;
	while (n < MAXTOK && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (load_tok(&toks[n], strdup(line), ecdsa) == -1)
			return fprintf(stderr, "raw_verify: bad token on "
			    "line %zu\n", n + 1), 1;
		n++;
	}
	fclose(f);
	if (n == 0)
		return fprintf(stderr, "raw_verify: no tokens\n"), 1;
	/* Calibrate: enough verifies for secs / ROUNDS each round. */
	t0 = cpu_now();
	for (i = 0; i < n; i++)
		bad += !verify(pkey, md, &toks[i]);
	iters = (size_t)(secs / ROUNDS / ((cpu_now() - t0) / (double)n)) + 1;
	for (round = 0; round < ROUNDS; round++) {
		t0 = cpu_now();
		for (i = 0; i < iters; i++)
			bad += !verify(pkey, md, &toks[i % n]);
		r[round] = (cpu_now() - t0) / (double)iters;
	}
	qsort(r, ROUNDS, sizeof(double), cmp_double);
	if (bad) {
		fprintf(stderr, "raw_verify: %d signatures failed\n", bad);
		return 1;
	}
	printf("alg=%s verify_us=%.2f verifies=%zu\n", argv[2],
	    r[ROUNDS / 2] * 1e6, iters * ROUNDS);
	EVP_MD_free(md);
	EVP_PKEY_free(pkey);
	return 0;
}
