#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "metadata.h"

void
metadata_url(const struct config_resource *r, struct buf *out)
{
	const char *host = strstr(r->url, "://") + 3;
	size_t origin = (size_t)(host - r->url) + strcspn(host, "/");

	buf_add(out, r->url, origin);
	buf_str(out, METADATA_PREFIX);
	buf_str(out, r->path);
}

const struct config_resource *
metadata_find(const struct config *cfg, const char *path)
{
	size_t plen = strlen(METADATA_PREFIX), i;
	const char *rest;

	if (strncmp(path, METADATA_PREFIX, plen) != 0)
		return NULL;
	rest = path + plen;	/* "" or "/<resource path>" */
	if (strcmp(rest, "/") == 0)
		rest = "";
	for (i = 0; i < cfg->nresources; i++)
		if (strcmp(cfg->resources[i].path, rest) == 0)
			return &cfg->resources[i];
	return NULL;
}

static void
add_list(cJSON *o, const char *name, char *const *v, size_t n)
{
	cJSON *a;
	size_t i;

	if (n == 0 || (a = cJSON_AddArrayToObject(o, name)) == NULL)
		return;
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
}

char *
metadata_json(const struct config *cfg, const struct config_resource *r)
{
	char bearer[] = "header", *methods[] = { bearer }, *out;
	cJSON *o, *as;
	size_t i;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	cJSON_AddStringToObject(o, "resource", r->url);
	if ((as = cJSON_AddArrayToObject(o, "authorization_servers")) != NULL)
		for (i = 0; i < cfg->nissuers; i++)
			cJSON_AddItemToArray(as,
			    cJSON_CreateString(cfg->issuers[i].url));
	add_list(o, "scopes_supported", r->scopes_supported.v,
	    r->scopes_supported.n);
	add_list(o, "bearer_methods_supported", methods, 1);
	if (r->name != NULL)
		cJSON_AddStringToObject(o, "resource_name", r->name);
	if (r->documentation != NULL)
		cJSON_AddStringToObject(o, "resource_documentation",
		    r->documentation);
	out = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return out;
}
