#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "metadata.h"
#include "url.h"

enum metadata_route
metadata_route(const char *path)
{
	size_t n = strlen(URL_WELL_KNOWN_RESOURCE);

	if (strncmp(path, URL_WELL_KNOWN_RESOURCE, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/'))
		return METADATA_RESOURCE;
	if (strcmp(path, URL_WELL_KNOWN_OAUTH) == 0)
		return METADATA_AS;
	return METADATA_NONE;
}

int
metadata_url(const struct config_resource *r, struct buf *out)
{
	if (buf_add(out, r->url, url_origin_len(r->url)) == -1 ||
	    buf_str(out, URL_WELL_KNOWN_RESOURCE) == -1 ||
	    buf_str(out, r->path) == -1)
		return -1;
	return 0;
}

const struct config_resource *
metadata_find(const struct config *cfg, const char *path, const char *want,
    int *shared)
{
	const struct config_resource *found = NULL, *r;
	const char *rest;
	size_t i, n = 0;

	*shared = 0;
	if (metadata_route(path) != METADATA_RESOURCE)
		return NULL;
	rest = path + strlen(URL_WELL_KNOWN_RESOURCE);	/* "" or "/..." */
	if (strcmp(rest, "/") == 0)
		rest = "";
	for (i = 0; i < cfg->nresources; i++) {
		r = &cfg->resources[i];
		if (strcmp(r->path, rest) != 0)
			continue;
		n++;
		if (found == NULL || (want != NULL && strcmp(r->url, want) == 0))
			found = r;
	}
	if (n > 1 && (want == NULL || strcmp(found->url, want) != 0)) {
		*shared = 1;
		return NULL;
	}
	return found;
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
			cJSON_AddItemToArray(as, cJSON_CreateString(
			    cfg->issuers[i].templated ?
			    cfg->issuers[i].advertise : cfg->issuers[i].url));
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
