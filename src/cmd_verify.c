/* mcpauth verify: one token from stdin, the same checks as serve. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "crypto.h"
#include "decide.h"
#include "file.h"
#include "state.h"

/* Read at most this much from stdin; longer is refused as oversize. */
#define STDIN_MAX (DECIDE_MAX_TOKEN + 4096)

static int
print_authinfo(const struct authinfo *ai)
{
	cJSON *o, *scopes;
	const char *s, *e;
	char word[1024];
	char *out;
	size_t n;

	if ((o = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddItemToObject(o, "subject", ai->subject ?
	    cJSON_CreateString(ai->subject) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "client_id", ai->client_id ?
	    cJSON_CreateString(ai->client_id) : cJSON_CreateNull());
	scopes = cJSON_AddArrayToObject(o, "scopes");
	for (s = ai->scopes; scopes != NULL && *s != '\0'; s = e) {
		e = s + strcspn(s, " ");
		n = (size_t)(e - s) < sizeof(word) ? (size_t)(e - s) :
		    sizeof(word) - 1;
		memcpy(word, s, n);
		word[n] = '\0';
		cJSON_AddItemToArray(scopes, cJSON_CreateString(word));
		e += strspn(e, " ");
	}
	cJSON_AddStringToObject(o, "issuer", ai->issuer);
	cJSON_AddStringToObject(o, "audience", ai->audience);
	cJSON_AddNumberToObject(o, "expires_at", (double)ai->expires_at);
	cJSON_AddItemToObject(o, "claims", cJSON_Duplicate(ai->claims, 1));
	out = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (out == NULL)
		return -1;
	printf("%s\n", out);
	free(out);
	return 0;
}

int
cmd_verify(const struct cmd_options *o)
{
	struct decide_input in = { 0 };
	const struct config *cfg;
	struct state *st = NULL;
	struct decision d = { 0 };
	char err[1024], *text = NULL, *tok;
	size_t len = 0;
	int rc = CMD_FAILURE;

	in.now = (long long)time(NULL);
	if ((st = state_load(o->config, in.now, err, sizeof(err))) == NULL) {
		fprintf(stderr, "mcpauth: %s\n", err);
		goto done;
	}
	cfg = state_config(st);
	if (o->resource != NULL) {
		in.resource = config_resource(cfg, o->resource);
		if (in.resource == NULL) {
			fprintf(stderr, "mcpauth: no resource %s in %s\n",
			    o->resource, cfg->file);
			goto done;
		}
	} else if (cfg->nresources == 1) {
		in.resource = &cfg->resources[0];
	} else {
		fprintf(stderr, "mcpauth: %s has %zu resources; choose one "
		    "with --resource URL\n", cfg->file, cfg->nresources);
		goto done;
	}
	if ((text = file_slurp(stdin, STDIN_MAX, &len)) == NULL) {
		fprintf(stderr, "invalid_token: token is longer than %d "
		    "bytes\n", DECIDE_MAX_TOKEN);
		rc = CMD_REFUSED;
		goto done;
	}
	/* Surrounding white space (echo's newline) is not the token. */
	for (tok = text; isspace((unsigned char)*tok); tok++)
		len--;
	while (len > 0 && isspace((unsigned char)tok[len - 1]))
		len--;
	in.cfg = cfg;
	in.keys = state_keys(st);
	in.required = o->scopes != NULL && *o->scopes != '\0' ? o->scopes :
	    NULL;
	switch (decide(&in, tok, len, &d)) {
	case DECIDE_ALLOW:
		rc = print_authinfo(&d.info) == 0 ? CMD_OK : CMD_FAILURE;
		break;
	case DECIDE_INSUFFICIENT_SCOPE:
		rc = CMD_SCOPE;
		break;
	case DECIDE_ERROR:
		rc = CMD_FAILURE;
		break;
	default:
		rc = CMD_REFUSED;
		break;
	}
	if (rc != CMD_OK)
		fprintf(stderr, "%s: %s\n", decide_error_name(d.code),
		    d.reason);
done:
	decision_clear(&d);
	if (text != NULL)
		crypto_cleanse(text, strlen(text));
	free(text);
	state_free(st);
	return rc;
}
