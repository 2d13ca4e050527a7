/* mcpauth check-config: parse, load every key set, print the policy. */
#include <stdio.h>

#include "cmd.h"
#include "config.h"
#include "keys.h"

int
cmd_check_config(const struct cmd_options *o)
{
	struct keystore *store = NULL;
	struct config *cfg;
	char err[512];
	size_t i;
	jwks *set;
	int rc = CMD_REFUSED;

	if ((cfg = config_load(o->config, err, sizeof(err))) == NULL) {
		fprintf(stderr, "mcpauth: %s\n", err);
		return CMD_REFUSED;
	}
	if ((store = keys_load_all(cfg, err, sizeof(err))) == NULL) {
		fprintf(stderr, "mcpauth: %s\n", err);
		goto done;
	}
	config_print(cfg, stdout);
	for (i = 0; i < cfg->nissuers; i++) {
		set = keystore_get(store, i);
		printf("# issuer %s: %zu keys usable, %zu skipped\n",
		    cfg->issuers[i].url, jwks_count(set), jwks_skipped(set));
		jwks_free(set);
	}
	rc = CMD_OK;
done:
	keystore_free(store);
	config_free(cfg);
	return rc;
}
