/*
 * Token to decision: decide() on arbitrary bytes, against a key set with
 * RSA, EC and Ed25519 keys made at start.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "fuzz.h"
#include "jwks.h"
#include "mint.h"

static struct config *cfg;
static struct keystore *keys;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char conf[] = "issuer https://as.example jwks=/dev/null\n"
	    "resource https://mcp.example/mcp\nrequired_scopes read\n"
	    "require_typ at+jwt\n";
	static const char *types[] = { "rsa2048", "p256", "ed25519" };
	char text[8192], err[256], *jwk;
	size_t i, o;
	jwks *set;

	(void)argc;
	(void)argv;
	cfg = config_parse(conf, strlen(conf), "fuzz", err, sizeof(err));
	keys = keystore_new(1);
	o = (size_t)snprintf(text, sizeof(text), "{\"keys\":[");
	for (i = 0; i < 3; i++) {
		mint_key *k = mint_key_new(types[i]);
		char kid[8];

		snprintf(kid, sizeof(kid), "k%zu", i + 1);
		jwk = mint_jwk(k, kid, NULL, "sig");
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%s%s",
		    i ? "," : "", jwk);
		free(jwk);
		mint_key_free(k);
	}
	snprintf(text + o, sizeof(text) - o, "]}");
	if (cfg == NULL || (set = jwks_parse(text, strlen(text), err,
	    sizeof(err))) == NULL)
		abort();
	keystore_set(keys, 0, set);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decide_input in = { cfg, &cfg->resources[0], keys, NULL,
	    1700000000LL, NULL };
	struct decision d;

	decide(&in, (const char *)data, size, &d);
	if (d.code == DECIDE_ALLOW || d.code == DECIDE_INSUFFICIENT_SCOPE)
		decide_recheck(&in, &d);
	decision_clear(&d);
	return 0;
}
