/* mcpauth check-config: parse, obtain every key set, print the policy. */
#include <stdio.h>
#include <time.h>

#include "cmd.h"
#include "state.h"

int
cmd_check_config(const struct cmd_options *o)
{
	const struct config *cfg;
	struct state *st;
	char err[1024];
	size_t i;
	jwks *set;
	int rc = CMD_OK;

	if ((st = state_load(o->config, (long long)time(NULL), err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "mcpauth: %s\n", err);
		return CMD_REFUSED;
	}
	cfg = state_config(st);
	config_print(cfg, stdout);
	for (i = 0; i < cfg->nissuers; i++) {
		if ((set = keystore_get(state_keys(st), i, NULL)) == NULL) {
			printf("# issuer %s: no key set could be obtained\n",
			    cfg->issuers[i].url);
			rc = CMD_REFUSED;
			continue;
		}
		printf("# issuer %s: %zu keys usable, %zu skipped\n",
		    cfg->issuers[i].url, jwks_count(set), jwks_skipped(set));
		jwks_free(set);
	}
	state_free(st);
	return rc;
}
