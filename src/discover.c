#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "discover.h"
#include "fetch.h"
#include "json.h"
#include "log.h"
#include "url.h"

static char *
join3(const char *a, size_t alen, const char *b, const char *c)
{
	size_t n = alen + strlen(b) + strlen(c) + 1;
	char *s;

	if ((s = malloc(n)) != NULL)
		snprintf(s, n, "%.*s%s%s", (int)alen, a, b, c);
	return s;
}

int
discover_urls(const char *issuer, enum config_issuer_type type,
    char *urls[3])
{
	static const char oauth[] = URL_WELL_KNOWN_OAUTH;
	static const char oidc[] = URL_WELL_KNOWN_OIDC;
	size_t origin = url_origin_len(issuer), len = strlen(issuer);
	char path[2048];
	int n = 0;

	/* RFC 8414 §3.1: a terminating '/' goes before insertion. */
	while (len > origin && issuer[len - 1] == '/')
		len--;
	snprintf(path, sizeof(path), "%.*s", (int)(len - origin),
	    issuer + origin);
	if (type == CONFIG_OAUTH || type == CONFIG_AUTO)
		urls[n++] = join3(issuer, origin, oauth, path);
	if (type == CONFIG_AUTO && path[0] != '\0')
		urls[n++] = join3(issuer, origin, oidc, path);
	if (type == CONFIG_OIDC || type == CONFIG_AUTO)
		urls[n++] = join3(issuer, len, oidc, "");
	return n;
}

/* 1 if s has no spaces, quotes or control bytes: it is fetched and
 * logged as it is. */
static int
plain(const char *s)
{
	const unsigned char *c = (const unsigned char *)s;

	for (; *c != '\0'; c++)
		if (*c <= ' ' || *c >= 0x7f || *c == '"' || *c == '\\')
			return 0;
	return 1;
}

int
discover_check(const char *issuer, const char *text, size_t len,
    int need_jwks, int allow_http, char **jwks_uri, char *err,
    size_t errlen)
{
	const char *why, *iss, *ju;
	char q1[256], q2[256];
	cJSON *doc;
	int rc = -1;

	*jwks_uri = NULL;
	if ((doc = json_parse(text, len, DISCOVER_MAX_BYTES, JSON_MAX_DEPTH,
	    &why)) == NULL) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	if (!cJSON_IsObject(doc)) {
		snprintf(err, errlen, "not a JSON object");
		goto done;
	}
	if ((iss = json_string(doc, "issuer")) == NULL) {
		snprintf(err, errlen, "no issuer member");
		goto done;
	}
	if (strcmp(iss, issuer) != 0) {
		snprintf(err, errlen, "issuer is %s, expected %s exactly",
		    log_quote(iss, q1, sizeof(q1)),
		    log_quote(issuer, q2, sizeof(q2)));
		goto done;
	}
	ju = json_string(doc, "jwks_uri");
	/* Only a jwks_uri that will be fetched must be https. */
	if (ju != NULL && need_jwks && !url_fetch_allowed(ju, allow_http)) {
		snprintf(err, errlen, "jwks_uri %s is not an https URL",
		    log_quote(ju, q1, sizeof(q1)));
		goto done;
	}
	if (ju != NULL && need_jwks && !plain(ju)) {
		snprintf(err, errlen, "jwks_uri %s is not a URL",
		    log_quote(ju, q1, sizeof(q1)));
		goto done;
	}
	if (ju == NULL && need_jwks) {
		snprintf(err, errlen, "no jwks_uri");
		goto done;
	}
	if (ju != NULL && (*jwks_uri = strdup(ju)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	rc = 0;
done:
	cJSON_Delete(doc);
	return rc;
}

char *
discover(const struct config_issuer *is, int allow_http, size_t *len,
    long *max_age, char **jwks_uri, char *err, size_t errlen)
{
	struct fetch_result res;
	char *urls[3] = { NULL }, why[256], *doc = NULL;
	struct buf tried;
	int n, i, cut = 0;	/* reasons left out of err for its length */

	buf_init(&tried, 4096);
	if (is->metadata != NULL) {
		n = 1;
		urls[0] = strdup(is->metadata);
	} else {
		n = discover_urls(is->url, is->type, urls);
	}
	for (i = 0; i < n && doc == NULL; i++) {
		if (urls[i] == NULL)
			continue;
		if (fetch_get(urls[i], DISCOVER_MAX_BYTES, allow_http, &res)
		    == -1) {
			cut |= buf_printf(&tried, "%s%s", i ? "; " : "",
			    res.err);
			continue;
		}
		if (discover_check(is->url, res.body, res.len, is->jwks == NULL,
		    allow_http, jwks_uri, why, sizeof(why)) == -1) {
			cut |= buf_printf(&tried, "%s%s: %s", i ? "; " : "",
			    urls[i], why);
			free(res.body);
			continue;
		}
		doc = res.body;
		*len = res.len;
		if (max_age != NULL)
			*max_age = res.max_age;
	}
	if (doc == NULL)
		snprintf(err, errlen, "no usable metadata for issuer %s (%s%s)",
		    is->url, tried.p ? tried.p : "nothing to try",
		    cut ? "; ..." : "");
	for (i = 0; i < 3; i++)
		free(urls[i]);
	buf_free(&tried);
	return doc;
}
