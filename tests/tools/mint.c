/* mint: command-line front end to tests/lib/mint for shell tests and demos.
 * Errors go to stderr with exit 1; bad usage prints the usage with exit 2. */
#include "mint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

static const char usage_text[] =
	"usage:\n"
	"  mint keygen TYPE OUT.pem\n"
	"      TYPE: rsa1024 rsa2048 rsa3072 rsa4096 p256 p384 p521 ed25519 ed448\n"
	"  mint jwk KEY.pem [--kid K] [--alg A] [--use U]\n"
	"  mint jwks KEY.pem[,kid[,alg[,use]]] ...     empty fields are omitted\n"
	"  mint sign KEY.pem ALG HEADER_JSON PAYLOAD_JSON\n"
	"           [--sig ok|der|empty|zero|long|short|high-s|strip0]\n"
	"  mint many KEY.pem ALG N HEADER_JSON PAYLOAD_TEMPLATE [START]\n"
	"      N tokens, one a line, for indices START.. (default 0); every %d in\n"
	"      PAYLOAD_TEMPLATE is replaced by the index\n"
	"  mint hmac SECRET_FILE ALG HEADER_JSON PAYLOAD_JSON\n"
	"  mint pubpem KEY.pem\n"
	"  mint b64url STRING\n"
	"ALG: RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA\n"
	"     (hmac: HS256 HS384 HS512)\n";

static int usage(void)
{
	fputs(usage_text, stderr);
	return 2;
}

/* Report a failure, with OpenSSL's reasons when it left any. */
static int fail(const char *what, const char *arg)
{
	fprintf(stderr, "mint: %s: %s\n", what, arg);
	ERR_print_errors_fp(stderr);
	return 1;
}

static mint_key *load(const char *path)
{
	mint_key *k = mint_key_load(path);

	if (!k)
		fail("cannot load private key (unencrypted PEM of a supported type)", path);
	return k;
}

/* Print s plus a newline and free it; NULL means the library failed. */
static int emit(char *s, const char *what, const char *arg)
{
	if (!s)
		return fail(what, arg);
	puts(s);
	free(s);
	return 0;
}

/* Whole file as bytes; malloc'd (never NULL on success, even if empty). */
static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL, *p;
	size_t cap = 0, n;

	*len = 0;
	if (!f)
		return NULL;
	do {
		if (*len == cap) {
			cap = cap ? cap * 2 : 4096;
			if (!(p = realloc(buf, cap))) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int cmd_keygen(int argc, char **argv)
{
	mint_key *k;
	int rc = 0;

	if (argc != 4)
		return usage();
	if (!(k = mint_key_new(argv[2])))
		return fail("cannot generate key of type", argv[2]);
	if (mint_key_save(k, argv[3]) != 0)
		rc = fail("cannot write", argv[3]);
	mint_key_free(k);
	return rc;
}

static int cmd_jwk(int argc, char **argv)
{
	const char *kid = NULL, *alg = NULL, *use = NULL;
	mint_key *k;
	int rc;

	if (argc < 3)
		return usage();
	/* options only after the key, each with a value */
	for (int i = 3; i < argc; i += 2) {
		const char **dst = strcmp(argv[i], "--kid") == 0 ? &kid
				 : strcmp(argv[i], "--alg") == 0 ? &alg
				 : strcmp(argv[i], "--use") == 0 ? &use : NULL;

		if (!dst || i + 1 >= argc)
			return usage();
		*dst = argv[i + 1];
	}
	if (!(k = load(argv[2])))
		return 1;
	rc = emit(mint_jwk(k, kid, alg, use), "cannot build JWK for", argv[2]);
	mint_key_free(k);
	return rc;
}

/* One jwks argument "path[,kid[,alg[,use]]]" -> malloc'd JWK, NULL on error
 * (*bad set for a malformed spec, which is a usage error). */
static char *spec_jwk(const char *spec, int *bad)
{
	char *copy = strdup(spec), *field[4] = {NULL, NULL, NULL, NULL}, *p, *jwk = NULL;
	int nf = 0;
	mint_key *k;

	if (!copy)
		return NULL;
	for (p = copy; p && !*bad; nf++) {
		char *comma = strchr(p, ',');

		if (nf == 4) { /* more than four fields */
			*bad = 1;
			break;
		}
		if (comma)
			*comma = '\0';
		field[nf] = *p ? p : NULL; /* empty field: member omitted */
		p = comma ? comma + 1 : NULL;
	}
	if (!field[0])
		*bad = 1;
	if (!*bad && (k = load(field[0]))) {
		if (!(jwk = mint_jwk(k, field[1], field[2], field[3])))
			fail("cannot build JWK for", field[0]);
		mint_key_free(k);
	}
	free(copy);
	return jwk;
}

static int cmd_jwks(int argc, char **argv)
{
	int n = argc - 2, rc = 0;
	char **jwk = calloc((size_t)n + 1, sizeof *jwk);

	if (!jwk)
		return fail("out of memory", "jwks");
	/* build every key first so a failure leaves stdout empty */
	for (int i = 0; i < n && rc == 0; i++) {
		int bad = 0;

		if (!(jwk[i] = spec_jwk(argv[i + 2], &bad)))
			rc = bad ? usage() : 1;
	}
	if (rc == 0) {
		/* no keys at all gives {"keys":[]}, handy for negative tests */
		fputs("{\"keys\":[", stdout);
		for (int i = 0; i < n; i++)
			printf("%s%s", i ? "," : "", jwk[i]);
		puts("]}");
	}
	for (int i = 0; i < n; i++)
		free(jwk[i]);
	free(jwk);
	return rc;
}

static int cmd_sign(int argc, char **argv)
{
	static const struct {
		const char *name;
		enum mint_sig mode;
	} modes[] = {
		{"ok", MINT_SIG_OK},       {"der", MINT_SIG_DER},
		{"empty", MINT_SIG_EMPTY}, {"zero", MINT_SIG_ZERO},
		{"long", MINT_SIG_LONG},   {"short", MINT_SIG_SHORT},
		{"high-s", MINT_SIG_HIGH_S}, {"strip0", MINT_SIG_STRIP0},
	};
	enum mint_sig mode = MINT_SIG_OK;
	mint_key *k;
	int rc, found = 0;

	if (argc == 8 && strcmp(argv[6], "--sig") == 0) {
		for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
			if (strcmp(argv[7], modes[i].name) == 0) {
				mode = modes[i].mode;
				found = 1;
			}
		if (!found)
			return usage();
	} else if (argc != 6) {
		return usage();
	}
	if (!(k = load(argv[2])))
		return 1;
	rc = emit(mint_sign(k, argv[3], argv[4], argv[5], mode),
		  "cannot sign (alg must fit the key and --sig mode the alg)", argv[3]);
	mint_key_free(k);
	return rc;
}

/* Decimal count or index for "many": digits only, at most 10^9. */
static int parse_index(const char *s, long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	*out = strtol(s, &end, 10);
	return *end || *out > 1000000000L ? -1 : 0;
}

/* The template with every "%d" replaced by index; malloc'd, NULL if out of memory. */
static char *expand(const char *tmpl, long index)
{
	char num[24], *out, *o;
	size_t nlen, hits = 0;
	const char *p;

	nlen = (size_t)snprintf(num, sizeof num, "%ld", index);
	for (p = tmpl; (p = strstr(p, "%d")); p += 2)
		hits++;
	if (!(out = malloc(strlen(tmpl) + hits * nlen + 1)))
		return NULL;
	for (o = out, p = tmpl; *p;) {
		if (p[0] == '%' && p[1] == 'd') {
			memcpy(o, num, nlen);
			o += nlen;
			p += 2;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

/* Many tokens from one key load: for benchmarks that need distinct tokens. */
static int cmd_many(int argc, char **argv)
{
	static char obuf[1 << 16];
	long n, start = 0;
	mint_key *k;
	int rc = 0;

	if ((argc != 7 && argc != 8) || parse_index(argv[4], &n) < 0 ||
	    (argc == 8 && parse_index(argv[7], &start) < 0))
		return usage();
	if (!(k = load(argv[2])))
		return 1;
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	for (long i = start; i < start + n && rc == 0; i++) {
		char *payload = expand(argv[6], i), *tok;

		if (!payload) {
			rc = fail("out of memory", "many");
			break;
		}
		tok = mint_sign(k, argv[3], argv[5], payload, MINT_SIG_OK);
		free(payload);
		if (!tok) {
			rc = fail("cannot sign (alg must fit the key)", argv[3]);
			break;
		}
		fputs(tok, stdout);
		putchar('\n');
		free(tok);
	}
	mint_key_free(k);
	return rc;
}

static int cmd_hmac(int argc, char **argv)
{
	unsigned char *secret;
	size_t len;
	int rc;

	if (argc != 6)
		return usage();
	if (!(secret = read_all(argv[2], &len)))
		return fail("cannot read secret file", argv[2]);
	rc = emit(mint_sign_hmac(secret, len, argv[3], argv[4], argv[5]),
		  "cannot sign (alg must be HS256, HS384 or HS512)", argv[3]);
	free(secret);
	return rc;
}

static int cmd_pubpem(int argc, char **argv)
{
	mint_key *k;
	char *pem;

	if (argc != 3)
		return usage();
	if (!(k = load(argv[2])))
		return 1;
	pem = mint_pubkey_pem(k);
	mint_key_free(k);
	if (!pem)
		return fail("cannot export public key of", argv[2]);
	fputs(pem, stdout); /* PEM text already ends in a newline */
	free(pem);
	return 0;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(argv[1], "keygen") == 0)
		rc = cmd_keygen(argc, argv);
	else if (strcmp(argv[1], "jwk") == 0)
		rc = cmd_jwk(argc, argv);
	else if (strcmp(argv[1], "jwks") == 0)
		rc = cmd_jwks(argc, argv);
	else if (strcmp(argv[1], "sign") == 0)
		rc = cmd_sign(argc, argv);
	else if (strcmp(argv[1], "many") == 0)
		rc = cmd_many(argc, argv);
	else if (strcmp(argv[1], "hmac") == 0)
		rc = cmd_hmac(argc, argv);
	else if (strcmp(argv[1], "pubpem") == 0)
		rc = cmd_pubpem(argc, argv);
	else if (strcmp(argv[1], "b64url") == 0 && argc == 3)
		rc = emit(mint_b64url(argv[2], strlen(argv[2])), "out of memory", "b64url");
	else
		return usage();
	/* a token silently truncated by a full disk or closed pipe must not pass */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("mint: write error on stdout\n", stderr);
		return 1;
	}
	return rc;
}
