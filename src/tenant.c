/* Templated issuers: {tenantid} filled with the token's own tid. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tenant.h"
#include "url.h"

int
tenant_templated(const char *url)
{
	return strstr(url, TENANT_MARK) != NULL;
}

int
tenant_template_ok(const char *url, const char **why)
{
	const char *m = strstr(url, TENANT_MARK), *path = url_path(url);

	*why = "{tenantid} must appear once, in the URL's path";
	return m != NULL && m >= path &&
	    strstr(m + 1, TENANT_MARK) == NULL;
}

int
tenant_id_valid(const char *tid)
{
	size_t i, n = strlen(tid);

	if (n == 0 || n > TENANT_ID_MAX || strcmp(tid, ".") == 0 ||
	    strcmp(tid, "..") == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)tid[i]) && tid[i] != '-' &&
		    tid[i] != '_' && tid[i] != '.')
			return 0;
	return 1;
}

int
tenant_list_parse(struct config_issuer *is, const char *v, char *err,
    size_t errlen)
{
	const char *s = v, *comma;
	char id[TENANT_ID_MAX + 1];
	char **n;
	size_t len;

	if (strcmp(v, "any") == 0) {
		is->any_tenant = 1;
		return 0;
	}
	for (; s != NULL; s = comma != NULL ? comma + 1 : NULL) {
		comma = strchr(s, ',');
		len = comma != NULL ? (size_t)(comma - s) : strlen(s);
		if (len <= TENANT_ID_MAX) {
			memcpy(id, s, len);
			id[len] = '\0';
		}
		if (len > TENANT_ID_MAX || !tenant_id_valid(id)) {
			snprintf(err, errlen, "tenants= holds \"%.*s\", which "
			    "is not a tenant id (letters, digits, '-', '_', "
			    "'.'; not . or ..)", (int)(len > 64 ? 64 : len), s);
			return -1;
		}
		if ((n = realloc(is->tenants.v, (is->tenants.n + 1) *
		    sizeof(*n))) == NULL)
			goto oom;
		is->tenants.v = n;
		if ((n[is->tenants.n] = strdup(id)) == NULL)
			goto oom;
		is->tenants.n++;
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

/* Is iss the template t with tid in the place of {tenantid}? */
static int
fills(const char *t, const char *tid, const char *iss)
{
	const char *m = strstr(t, TENANT_MARK);
	size_t pre = (size_t)(m - t), n = strlen(tid);

	return strncmp(iss, t, pre) == 0 && strncmp(iss + pre, tid, n) == 0 &&
	    strcmp(iss + pre + n, m + strlen(TENANT_MARK)) == 0;
}

static int
allowed(const struct config_issuer *is, const char *tid)
{
	size_t i;

	if (is->any_tenant)
		return 1;
	for (i = 0; i < is->tenants.n; i++)
		if (strcmp(is->tenants.v[i], tid) == 0)
			return 1;
	return 0;
}

int
tenant_issuer(const struct config *cfg, const char *iss,
    const cJSON *payload, char *why, size_t whylen)
{
	const struct config_issuer *is;
	const char *tid;
	size_t i;
	int templates = 0;

	for (i = 0; i < cfg->nissuers; i++) {
		is = &cfg->issuers[i];
		templates |= is->templated;
		/* A token naming the template itself matches nothing. */
		if (!is->templated && strcmp(is->url, iss) == 0)
			return (int)i;
	}
	if (!templates || (tid = json_string(payload, "tid")) == NULL) {
		snprintf(why, whylen, "issuer \"%.100s\" is not trusted", iss);
		return -1;
	}
	if (!tenant_id_valid(tid)) {
		snprintf(why, whylen, "tid is not a tenant id (letters, "
		    "digits, '-', '_', '.'; not . or ..)");
		return -1;
	}
	for (i = 0; i < cfg->nissuers; i++) {
		is = &cfg->issuers[i];
		if (!is->templated || !fills(is->url, tid, iss))
			continue;
		if (allowed(is, tid))
			return (int)i;
		snprintf(why, whylen, "tenant \"%s\" is not allowed for issuer "
		    "%.100s", tid, is->url);
		return -1;
	}
	snprintf(why, whylen, "issuer \"%.100s\" is not trusted (no issuer, "
	    "nor a template filled with tid \"%s\")", iss, tid);
	return -1;
}

int
tenant_any(const struct config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nissuers; i++)
		if (cfg->issuers[i].templated)
			return 1;
	return 0;
}
