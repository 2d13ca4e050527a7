#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jwks.h"
#include "keystore.h"
#include "metrics.h"
#include "monitor.h"

enum monitor_route
monitor_route(const struct config *cfg, const char *path)
{
	if (cfg->metrics_path != NULL && strcmp(path, cfg->metrics_path) == 0)
		return MONITOR_METRICS;
	if (cfg->health_path != NULL && strcmp(path, cfg->health_path) == 0)
		return MONITOR_HEALTH;
	return MONITOR_NONE;
}

static int
failed(struct response *r)
{
	response_free(r);
	response_init(r, 500);
	response_header(r, "Cache-Control", "no-store");
	return 500;
}

static int
metrics(const struct state *st, long long now, struct response *r)
{
	const struct config *cfg = state_config(st);
	const char **iss;
	struct buf out;
	size_t i;
	int rc;

	if ((iss = calloc(cfg->nissuers + 1, sizeof(*iss))) == NULL)
		return failed(r);
	for (i = 0; i < cfg->nissuers; i++)
		iss[i] = cfg->issuers[i].url;
	buf_init(&out, RESPONSE_MAX_BODY);
	rc = metrics_render(&out, iss, cfg->nissuers, now);
	free(iss);
	if (rc == -1) {
		buf_free(&out);
		return failed(r);
	}
	response_header(r, "Content-Type", "text/plain; version=0.0.4; "
	    "charset=utf-8");
	response_header(r, "Cache-Control", "no-store");
	response_body(r, out.p);
	buf_free(&out);
	return 200;
}

/* Add a, b and c as one reason; -1 when out of memory. */
static int
reason(cJSON *reasons, const char *a, const char *b, const char *c)
{
	char msg[1024];

	snprintf(msg, sizeof(msg), "%s%s%s", a, b, c);
	return cJSON_AddItemToArray(reasons, cJSON_CreateString(msg)) ? 0 : -1;
}

static int
health(const struct state *st, struct response *r)
{
	const struct config *cfg = state_config(st);
	cJSON *o = cJSON_CreateObject(), *reasons = cJSON_CreateArray();
	char *text = NULL;
	size_t i;
	jwks *ks;
	int ok;

	if (o == NULL || reasons == NULL)
		goto fail;
	for (i = 0; i < cfg->nissuers; i++) {
		if ((ks = keystore_get(state_keys(st), i, NULL)) != NULL) {
			jwks_free(ks);
			continue;
		}
		if (reason(reasons, "issuer ", cfg->issuers[i].url,
		    ": no key set was ever obtained") == -1)
			goto fail;
	}
	if (cfg->introspect != NULL && metrics_introspection_failing() &&
	    reason(reasons, "introspection: the last call got no answer",
	    "", "") == -1)
		goto fail;
	ok = cJSON_GetArraySize(reasons) == 0;
	if (cJSON_AddStringToObject(o, "status", ok ? "ok" : "unavailable")
	    == NULL)
		goto fail;
	if (!ok) {
		cJSON_AddItemToObject(o, "reasons", reasons);
		reasons = NULL;
	}
	if ((text = cJSON_PrintUnformatted(o)) == NULL)
		goto fail;
	response_init(r, ok ? 200 : 503);
	response_header(r, "Content-Type", "application/json");
	response_header(r, "Cache-Control", "no-store");
	response_body(r, text);
	free(text);
	cJSON_Delete(o);
	cJSON_Delete(reasons);
	return r->status;
fail:
	cJSON_Delete(o);
	cJSON_Delete(reasons);
	return failed(r);
}

int
monitor_answer(const struct state *st, enum monitor_route m, long long now,
    struct response *r)
{
	if (m == MONITOR_HEALTH)
		return health(st, r);
	response_init(r, 200);
	return metrics(st, now, r);
}
