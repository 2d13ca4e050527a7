/*
 * Introspection answers: introspect_until and introspect_decide on any
 * bytes, with their contracts checked: garbage is never kept and is a
 * 500; an allow is active, unexpired and carries the answer as claims.
 */
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "config.h"
#include "fuzz.h"
#include "introspect.h"
#include "keystore.h"

#define NOW 1700000000LL

static struct config *cfg;
static struct keystore *keys;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char text[] = "issuer https://as.example jwks=/dev/null\n"
	    "resource https://mcp.example/mcp\nrequired_scopes read\n";
	char err[256];

	(void)argc;
	(void)argv;
	cfg = config_parse(text, strlen(text), "/f.conf", err, sizeof(err));
	keys = keystore_new(1);
	if (cfg == NULL || keys == NULL)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decide_input in = { 0 };
	const char *body = (const char *)data;
	struct decision d;
	long long until;
	int active = -1;

	in.cfg = cfg;
	in.resource = &cfg->resources[0];
	in.keys = keys;
	in.now = NOW;
	until = introspect_until(body, size, NOW, 60, 5, &active);
	if (until != -1 && (active < 0 || active > 1 ||
	    until > NOW + 60 || (!active && until != NOW + 5)))
		abort();
	introspect_decide(&in, 0, body, size, &d);
	if ((d.code == DECIDE_ERROR) != (until == -1))
		abort();		/* garbage, and only garbage, is a 500 */
	if (d.code == DECIDE_ALLOW && (!active ||
	    d.info.expires_at + 60 <= NOW || d.info.audience == NULL ||
	    d.info.payload_len != strlen(d.info.payload) ||
	    d.info.payload_len + 1 != B64URL_ENCODED_SIZE(size) -
	    (size % 3 ? 3 - size % 3 : 0)))
		abort();
	if (d.code != DECIDE_ALLOW && d.reason[0] == '\0')
		abort();
	decision_clear(&d);
	return 0;
}
