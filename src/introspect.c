#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "b64url.h"
#include "crypto.h"
#include "introspect.h"
#include "json.h"
#include "url.h"

int
introspect_is_opaque(const char *tok, size_t len)
{
	size_t i, dots = 0;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)tok[i];
		if (c == '.')
			dots++;
		else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 1;
	}
	return dots != 2;
}

/* Append "name=" and the form encoding of n bytes at v to out at *o. */
static void
field(char *out, size_t *o, const char *name, const char *v, size_t n)
{
	size_t l = strlen(name);

	memcpy(out + *o, name, l);
	*o += l;
	*o += url_form_encode(v, n, out + *o);
}

char *
introspect_body(const struct inconf *c, const char *tok, size_t len,
    size_t *blen)
{
	static const char hint[] = "&token_type_hint=access_token";
	size_t idl = strlen(c->client_id), o = 0, max;
	char *b;

	/* Sized once: a grown buffer would leave copies of the secret. */
	max = sizeof("token=") + URL_FORM_MAX(len) + sizeof(hint);
	if (c->auth == INCONF_POST)
		max += sizeof("&client_id=") + URL_FORM_MAX(idl) +
		    sizeof("&client_secret=") + URL_FORM_MAX(c->secret_len);
	if ((b = malloc(max)) == NULL)
		return NULL;
	field(b, &o, "token=", tok, len);
	memcpy(b + o, hint, sizeof(hint));
	o += sizeof(hint) - 1;
	if (c->auth == INCONF_POST) {
		field(b, &o, "&client_id=", c->client_id, idl);
		field(b, &o, "&client_secret=", c->secret, c->secret_len);
	}
	*blen = o;
	return b;
}

char *
introspect_basic(const struct inconf *c)
{
	size_t idl = strlen(c->client_id), n = 0, max;
	char *pair, *out = NULL;

	max = URL_FORM_MAX(idl) + URL_FORM_MAX(c->secret_len);
	if ((pair = malloc(max)) == NULL)
		return NULL;
	n = url_form_encode(c->client_id, idl, pair);
	pair[n++] = ':';
	n += url_form_encode(c->secret, c->secret_len, pair + n);
	if ((out = malloc(6 + B64STD_ENCODED_SIZE(n))) != NULL) {
		memcpy(out, "Basic ", 6);
		b64std_encode((const unsigned char *)pair, n, out + 6,
		    B64STD_ENCODED_SIZE(n));
	}
	crypto_cleanse(pair, max);
	free(pair);
	return out;
}

/* The response as a JSON object with a boolean "active", or NULL. */
static cJSON *
parse(const char *body, size_t len, const char **why)
{
	cJSON *r;

	if ((r = json_parse(body, len, INTROSPECT_MAX_BYTES, JSON_MAX_DEPTH,
	    why)) == NULL)
		return NULL;
	if (!cJSON_IsObject(r))
		*why = "not a JSON object";
	else if (!cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(r, "active")))
		*why = "no boolean \"active\"";
	else
		return r;
	cJSON_Delete(r);
	return NULL;
}

long long
introspect_until(const char *body, size_t len, long long now,
    long long cache_max, long long negative, int *active)
{
	long long until = -1, exp;
	const char *why;
	cJSON *r;

	if ((r = parse(body, len, &why)) == NULL)
		return -1;
	*active = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "active"));
	if (!*active)
		until = now + negative;
	else {
		until = now + cache_max;
		/* An exp that is not a date is refused on every use anyway. */
		if (json_date(cJSON_GetObjectItemCaseSensitive(r, "exp"), &exp)
		    == 0 && exp < until)
			until = exp;
	}
	cJSON_Delete(r);
	return until;
}

static enum decide_code invalid(struct decision *, cJSON *, const char *,
    ...) __attribute__((format(printf, 3, 4)));

/* Refuse d as invalid_token for the reason given, freeing r. */
static enum decide_code
invalid(struct decision *d, cJSON *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->reason, sizeof(d->reason), fmt, ap);
	va_end(ap);
	cJSON_Delete(r);
	d->code = DECIDE_INVALID_TOKEN;
	return d->code;
}

enum decide_code
introspect_decide(const struct decide_input *in, int issuer,
    const char *body, size_t len, struct decision *d)
{
	const char *why, *iss, *tt;
	const cJSON *v;
	cJSON *r;
	size_t n;

	memset(d, 0, sizeof(*d));
	d->refresh_issuer = -1;
	d->issuer = -1;
	if ((r = parse(body, len, &why)) == NULL) {
		snprintf(d->reason, sizeof(d->reason), "introspection "
		    "response: %s", why);
		d->code = DECIDE_ERROR;
		return d->code;
	}
	iss = in->cfg->issuers[issuer].url;
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "active")))
		return invalid(d, r, "token is not active (introspection by "
		    "%s)", iss);
	v = cJSON_GetObjectItemCaseSensitive(r, "iss");
	if (v != NULL && (!cJSON_IsString(v) || strcmp(v->valuestring, iss)))
		return invalid(d, r, "introspection names another issuer than "
		    "%s", iss);
	/* A DPoP token says so twice (token_type DPoP, cnf): decide_payload
	 * names the cnf, the reason that holds for every kind. */
	v = cJSON_GetObjectItemCaseSensitive(r, "token_type");
	tt = cJSON_IsString(v) ? v->valuestring : "(not a string)";
	if (v != NULL && strcasecmp(tt, "Bearer") != 0 &&
	    cJSON_GetObjectItemCaseSensitive(r, "cnf") == NULL)
		return invalid(d, r, "token_type is \"%.40s\", not Bearer",
		    tt);
	if (decide_payload(in, issuer, r, d) != DECIDE_ALLOW &&
	    d->code != DECIDE_INSUFFICIENT_SCOPE)
		return d->code;
	/* X-Auth-Claims: the answer as it came, base64url. */
	n = B64URL_ENCODED_SIZE(len);
	if ((d->store = malloc(n)) == NULL) {
		decision_clear(d);
		snprintf(d->reason, sizeof(d->reason), "out of memory");
		d->code = DECIDE_ERROR;
		return d->code;
	}
	d->info.payload_len = (size_t)b64url_encode((const unsigned char *)body,
	    len, d->store, n);
	d->info.payload = d->store;
	return d->code;
}
