/* Key set documents: jwks_parse, then a lookup on whatever it built. */
#include "fuzz.h"
#include "jwks.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum jwks_miss miss;
	char err[256], why[256];
	jwks *ks;
	int a;

	if ((ks = jwks_parse((const char *)data, size, err, sizeof(err)))
	    == NULL)
		return 0;
	for (a = 0; a < ALG_COUNT; a++) {
		jwks_find(ks, NULL, (enum alg_id)a, &miss, why, sizeof(why));
		jwks_find(ks, "k1", (enum alg_id)a, &miss, why, sizeof(why));
	}
	jwks_free(ks);
	return 0;
}
