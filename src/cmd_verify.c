/* mcpauth verify: one token from stdin, the same checks as serve. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "claims.h"
#include "cmd.h"
#include "crypto.h"
#include "decide.h"
#include "fetch.h"
#include "file.h"
#include "json.h"
#include "mcphdr.h"
#include "state.h"
#include "words.h"

/* Read at most this much from stdin; longer is refused as oversize. */
#define STDIN_MAX (DECIDE_MAX_TOKEN + 4096)

/*
 * The claim_header lines (§13) as serve would send them to an app (in
 * the responder role), before percent-encoding; left out ones omitted.
 */
static void
add_claim_headers(cJSON *o, const struct config_resource *res,
    const struct decision *d)
{
	const struct claims_headers *h = res->headers;
	struct buf name, value;
	const char *why;
	cJSON *hs;
	size_t i;

	if (h == NULL || (hs = cJSON_AddObjectToObject(o, "headers")) == NULL)
		return;
	for (i = 0; i < claims_headers_count(h); i++) {
		buf_init(&name, CLAIMS_NAME_MAX + 32);
		buf_init(&value, CLAIMS_VALUE_MAX);
		if (claims_header_render(h, i, d->claims, 0, &name, &value,
		    &why) == 1)
			cJSON_AddStringToObject(hs, name.p, value.p);
		buf_free(&name);
		buf_free(&value);
	}
}

static int
print_authinfo(const struct config_resource *res, const struct decision *d)
{
	const struct authinfo *ai = &d->info;
	cJSON *o, *scopes;
	const char *s, *w;
	char *out, *claims;
	size_t n;

	if ((claims = decide_claims_json(d)) == NULL)
		return -1;
	if ((o = cJSON_CreateObject()) == NULL) {
		free(claims);
		return -1;
	}
	cJSON_AddItemToObject(o, "subject", ai->subject ?
	    cJSON_CreateString(ai->subject) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "client_id", ai->client_id ?
	    cJSON_CreateString(ai->client_id) : cJSON_CreateNull());
	scopes = cJSON_AddArrayToObject(o, "scopes");
	for (s = ai->scopes; scopes != NULL &&
	    (w = words_next(&s, &n)) != NULL;)
		cJSON_AddItemToArray(scopes, json_string_n(w, n));
	cJSON_AddStringToObject(o, "issuer", ai->issuer);
	cJSON_AddStringToObject(o, "audience", ai->audience);
	cJSON_AddNumberToObject(o, "expires_at", (double)ai->expires_at);
	cJSON_AddItemToObject(o, "claims", cJSON_Parse(claims));
	free(claims);
	add_claim_headers(o, res, d);
	out = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (out == NULL)
		return -1;
	printf("%s\n", out);
	free(out);
	return 0;
}

/* The resource to decide for: --resource, or the only one; NULL (said). */
static const struct config_resource *
choose_resource(const struct config *cfg, const char *url)
{
	const struct config_resource *res;

	if (url != NULL) {
		if ((res = config_resource(cfg, url)) == NULL)
			fprintf(stderr, "mcpauth: no resource %s in %s\n", url,
			    cfg->file);
		return res;
	}
	if (cfg->nresources == 1)
		return &cfg->resources[0];
	fprintf(stderr, "mcpauth: %s has %zu resources; choose one with "
	    "--resource URL\n", cfg->file, cfg->nresources);
	return NULL;
}

int
cmd_verify(const struct cmd_options *o)
{
	struct decide_input in = { 0 };
	const struct config *cfg;
	const char *why;
	struct mcphdr *op = NULL;
	struct buf need;
	struct state *st = NULL;
	struct decision d = { 0 };
	char err[1024], *text = NULL, *tok;
	size_t len = 0;
	int rc = CMD_FAILURE, cached = 0;

	buf_init(&need, 8192);
	in.now = (long long)time(NULL);
	if ((st = state_load(o->config, in.now, err, sizeof(err))) == NULL) {
		fprintf(stderr, "mcpauth: %s\n", err);
		goto done;
	}
	cfg = state_config(st);
	if ((in.resource = choose_resource(cfg, o->resource)) == NULL)
		goto done;
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
	/* The scopes serve would require, with the --mcp-* operation's. */
	if ((op = malloc(sizeof(*op))) != NULL)
		mcphdr_parse(o->mcp_version, o->mcp_method, o->mcp_name, op);
	if (op == NULL || decide_required_scopes(in.resource, o->scopes, op,
	    &need, &why) == -1) {
		fprintf(stderr, "mcpauth: %s\n", op ? why : "out of memory");
		goto done;
	}
	in.required = need.p;
	rc = decide_outcome(state_decide(st, &in, tok, len, &d,
	    &cached))->exit_status;
	fetch_thread_done();
	if (d.code == DECIDE_ALLOW && print_authinfo(in.resource, &d) == -1) {
		fprintf(stderr, "mcpauth: out of memory\n");
		rc = CMD_FAILURE;
	} else if (rc != CMD_OK) {
		fprintf(stderr, "%s: %s\n", decide_error_name(d.code),
		    d.reason);
	}
done:
	decision_clear(&d);
	if (text != NULL)
		crypto_cleanse(text, strlen(text));
	free(text);
	free(op);
	buf_free(&need);
	state_free(st);
	return rc;
}
