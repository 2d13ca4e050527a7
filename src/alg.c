/* The algorithm table: one row per JWS algorithm. */
#include <string.h>

#include "alg.h"

static const struct {
	const char *name;
	enum alg_kty kty;
	const char *crv;
	int hash;
} algs[] = {
	[ALG_RS256] = { "RS256", ALG_KTY_RSA, NULL, 256 },
	[ALG_RS384] = { "RS384", ALG_KTY_RSA, NULL, 384 },
	[ALG_RS512] = { "RS512", ALG_KTY_RSA, NULL, 512 },
	[ALG_PS256] = { "PS256", ALG_KTY_RSA, NULL, 256 },
	[ALG_PS384] = { "PS384", ALG_KTY_RSA, NULL, 384 },
	[ALG_PS512] = { "PS512", ALG_KTY_RSA, NULL, 512 },
	[ALG_ES256] = { "ES256", ALG_KTY_EC, "P-256", 256 },
	[ALG_ES384] = { "ES384", ALG_KTY_EC, "P-384", 384 },
	[ALG_ES512] = { "ES512", ALG_KTY_EC, "P-521", 512 },
	[ALG_EDDSA] = { "EdDSA", ALG_KTY_OKP, "Ed25519", 0 },
};
_Static_assert(sizeof(algs) / sizeof(algs[0]) == ALG_COUNT,
    "one row for each alg_id");
_Static_assert(ALG_COUNT <= 32, "an ALG_BIT set fits an unsigned int");

int
alg_from_name(const char *name)
{
	int i;

	for (i = 0; i < ALG_COUNT; i++)
		if (strcmp(algs[i].name, name) == 0)
			return i;
	return -1;
}

const char *
alg_name(enum alg_id a)
{
	return algs[a].name;
}

enum alg_kty
alg_kty(enum alg_id a)
{
	return algs[a].kty;
}

const char *
alg_crv(enum alg_id a)
{
	return algs[a].crv;
}

int
alg_hash_bits(enum alg_id a)
{
	return algs[a].hash;
}
