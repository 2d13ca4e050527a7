/*
 * One decision: split, parse and check the header, find the key, verify
 * the signature, then check the claims and scopes.  Every refusal names
 * the check that failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alg.h"
#include "b64url.h"
#include "claims.h"
#include "cmd.h"
#include "crypto.h"
#include "decide.h"
#include "json.h"
#include "mcpop.h"
#include "scopeset.h"
#include "tenant.h"
#include "words.h"

#define SEG_MAX B64URL_DECODED_MAX(DECIDE_MAX_TOKEN)
#define SIG_MAX (CRYPTO_RSA_MAX_BITS / 8 + 2)

/* Header members that would let a token bring its own key. */
static const char *const key_members[] = { "jwk", "jku", "x5u", "x5c" };

/* Indexed by enum decide_code. */
static const struct decide_outcome outcomes[] = {
	[DECIDE_UNSET] = { 500, "server_error", CMD_FAILURE },
	[DECIDE_ALLOW] = { 200, "ok", CMD_OK },
	[DECIDE_INVALID_REQUEST] = { 401, "invalid_request", CMD_REFUSED },
	[DECIDE_INVALID_TOKEN] = { 401, "invalid_token", CMD_REFUSED },
	[DECIDE_INSUFFICIENT_SCOPE] = { 403, "insufficient_scope", CMD_SCOPE },
	[DECIDE_CLAIM_REFUSED] = { 403, "insufficient_scope", CMD_SCOPE },
	[DECIDE_ERROR] = { 500, "server_error", CMD_FAILURE },
};
_Static_assert(sizeof(outcomes) / sizeof(outcomes[0]) == DECIDE_NCODES,
    "one outcome for each decide_code");

/*
 * The checks below return 0 when passed, or -1 with d->code and
 * d->reason set by refuse().  Passing a check never allows by itself.
 */
static int refuse(struct decision *, enum decide_code, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
refuse(struct decision *d, enum decide_code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->reason, sizeof(d->reason), fmt, ap);
	va_end(ap);
	d->code = code;
	return -1;
}

/* Decode one segment and parse it as a JSON object; NULL with *why. */
static cJSON *
segment_json(const char *seg, size_t len, unsigned char *buf,
    const char **why)
{
	cJSON *v;
	long n;

	if ((n = b64url_decode(seg, len, buf, SEG_MAX)) < 0) {
		*why = "not valid base64url";
		return NULL;
	}
	if ((v = json_parse((const char *)buf, (size_t)n, SEG_MAX,
	    JSON_MAX_DEPTH, why)) == NULL)
		return NULL;
	if (!cJSON_IsObject(v)) {
		*why = "not a JSON object";
		cJSON_Delete(v);
		return NULL;
	}
	return v;
}

/* A media type without a leading "application/", any case. */
static const char *
media_type(const char *t)
{
	return strncasecmp(t, "application/", 12) == 0 ? t + 12 : t;
}

static int
check_header(const struct decide_input *in, const cJSON *h,
    struct decision *d, int *alg)
{
	const struct config_resource *r = in->resource;
	const cJSON *crit, *kid;
	const char *name, *typ;
	size_t i;

	if ((name = json_string(h, "alg")) == NULL)
		return refuse(d, DECIDE_INVALID_TOKEN,
		    "header has no alg string");
	if (strcasecmp(name, "none") == 0)
		return refuse(d, DECIDE_INVALID_TOKEN,
		    "alg \"%.20s\" (unsigned token) is refused", name);
	if ((*alg = alg_from_name(name)) < 0 ||
	    (r->algorithms & ALG_BIT(*alg)) == 0)
		return refuse(d, DECIDE_INVALID_TOKEN,
		    "algorithm \"%.20s\" is not allowed", name);
	for (i = 0; i < sizeof(key_members) / sizeof(key_members[0]); i++)
		if (cJSON_GetObjectItemCaseSensitive(h, key_members[i]) != NULL)
			return refuse(d, DECIDE_INVALID_TOKEN, "header names "
			    "a key (%s); keys come only from the issuer's key "
			    "set", key_members[i]);
	/* No extension is understood, so any crit is refused (RFC 7515). */
	if ((crit = cJSON_GetObjectItemCaseSensitive(h, "crit")) != NULL)
		return refuse(d, DECIDE_INVALID_TOKEN,
		    "header crit names an unsupported extension");
	/*
	 * RFC 7797: b64 changes what is signed and is only valid with crit;
	 * a verifier that ignored it could be shown a different payload.
	 */
	if (cJSON_GetObjectItemCaseSensitive(h, "b64") != NULL)
		return refuse(d, DECIDE_INVALID_TOKEN, "header b64 (RFC 7797 "
		    "unencoded payload) is not supported");
	kid = cJSON_GetObjectItemCaseSensitive(h, "kid");
	if (kid != NULL && !cJSON_IsString(kid))
		return refuse(d, DECIDE_INVALID_TOKEN, "kid is not a string");
	if (r->require_typ != NULL) {
		typ = json_string(h, "typ");
		if (typ == NULL || strcasecmp(media_type(typ),
		    media_type(r->require_typ)) != 0)
			return refuse(d, DECIDE_INVALID_TOKEN, "typ is not %s",
			    r->require_typ);
	}
	return 0;
}

/* Check a NumericDate claim: absent (*present 0), valid, or refused. */
static int
date_claim(const cJSON *p, const char *name, long long *out, int *present,
    struct decision *d)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, name);

	*present = v != NULL;
	if (v != NULL && json_date(v, out) == -1)
		return refuse(d, DECIDE_INVALID_TOKEN,
		    "%s is not a number in [0, 2^53)", name);
	return 0;
}

static int
check_time(const struct decide_input *in, const cJSON *p, struct decision *d)
{
	long long exp, nbf, iat, lee = in->resource->leeway, now = in->now;
	int has;

	if (date_claim(p, "exp", &exp, &has, d) == -1)
		return -1;
	if (!has)
		return refuse(d, DECIDE_INVALID_TOKEN, "token has no exp");
	if (now >= exp + lee)
		return refuse(d, DECIDE_INVALID_TOKEN, "token expired at %lld "
		    "(now %lld, leeway %lld)", exp, now, lee);
	if (date_claim(p, "nbf", &nbf, &has, d) == -1)
		return -1;
	if (has && nbf > now + lee)
		return refuse(d, DECIDE_INVALID_TOKEN, "token not valid before "
		    "%lld (now %lld, leeway %lld)", nbf, now, lee);
	if (date_claim(p, "iat", &iat, &has, d) == -1)
		return -1;
	if (has && iat > now + lee)
		return refuse(d, DECIDE_INVALID_TOKEN, "token issued in the "
		    "future at %lld (now %lld, leeway %lld)", iat, now, lee);
	d->info.expires_at = exp;
	return 0;
}

/* The accepted audience equal to s, or NULL. */
static const char *
accepted(const struct config_resource *r, const char *s)
{
	size_t i;

	for (i = 0; i < r->audience.n; i++)
		if (strcmp(r->audience.v[i], s) == 0)
			return r->audience.v[i];
	return NULL;
}

/* One audience claim: a string or an array of strings. */
static int
audience_claim(const struct decide_input *in, const char *name,
    const cJSON *aud, struct decision *d)
{
	const cJSON *e;

	if (cJSON_IsString(aud)) {
		if (d->info.audience == NULL)
			d->info.audience = accepted(in->resource,
			    aud->valuestring);
	} else if (cJSON_IsArray(aud)) {
		cJSON_ArrayForEach(e, aud) {
			if (!cJSON_IsString(e))
				return refuse(d, DECIDE_INVALID_TOKEN,
				    "%.40s holds a value that is not a string",
				    name);
			if (d->info.audience == NULL)
				d->info.audience = accepted(in->resource,
				    e->valuestring);
		}
	} else {
		return refuse(d, DECIDE_INVALID_TOKEN, "%.40s is neither a "
		    "string nor an array of strings", name);
	}
	return 0;
}

/* The audience claims (§13, default aud): one holds an accepted value. */
static int
check_audience(const struct decide_input *in, const cJSON *p,
    struct decision *d)
{
	const struct config_list *names = &in->resource->audience_claims;
	const cJSON *aud;
	size_t i, found = 0;

	for (i = 0; i < names->n; i++) {
		if ((aud = claims_find(p, names->v[i])) == NULL)
			continue;
		found++;
		if (audience_claim(in, names->v[i], aud, d) == -1)
			return -1;
	}
	if (found == 0)
		return refuse(d, DECIDE_INVALID_TOKEN, "token has no %.40s",
		    names->n ? names->v[0] : "aud");
	if (d->info.audience == NULL && names->n == 1)
		return refuse(d, DECIDE_INVALID_TOKEN, "%.40s does not contain "
		    "%s", names->v[0], in->resource->audience.v[0]);
	if (d->info.audience == NULL)
		return refuse(d, DECIDE_INVALID_TOKEN, "no audience claim "
		    "contains %s", in->resource->audience.v[0]);
	return 0;
}

/* Add the words of list to the granted scopes, each once (a union). */
static int
add_scopes(struct decision *d, size_t *len, const char *list)
{
	const char *w;
	size_t n;

	while ((w = words_next(&list, &n)) != NULL)
		if (!words_has(d->info.scopes, w, n) &&
		    words_add(&d->info.scopes, len, w, n) == -1)
			return refuse(d, DECIDE_ERROR, "out of memory");
	return 0;
}

/* One scope claim (name) into the granted scopes; §7's forms. */
static int
scope_claim(const char *name, const cJSON *v, int array_ok,
    struct decision *d, size_t *len)
{
	const cJSON *e;

	if (cJSON_IsString(v)) {
		if (add_scopes(d, len, v->valuestring) == -1)
			return -1;
	} else if (cJSON_IsArray(v) && array_ok) {
		cJSON_ArrayForEach(e, v) {
			if (!cJSON_IsString(e) || strchr(e->valuestring, ' '))
				return refuse(d, DECIDE_INVALID_TOKEN, "%.40s "
				    "holds a value that is not a scope", name);
			if (add_scopes(d, len, e->valuestring) == -1)
				return -1;
		}
	} else {
		return refuse(d, DECIDE_INVALID_TOKEN, "%.40s is not %s", name,
		    array_ok ? "a string or an array of strings" : "a string");
	}
	return 0;
}

/*
 * Granted scopes: the union of the scope_claims (§13), else scope
 * (string), else scp or scopes (array or string).
 */
static int
collect_scopes(const struct decide_input *in, const cJSON *p,
    struct decision *d)
{
	static const char *const names[] = { "scope", "scp", "scopes" };
	const struct config_list *l = &in->resource->scope_claims;
	const cJSON *v = NULL;
	size_t i, len = 0;

	if ((d->info.scopes = calloc(1, 1)) == NULL)
		return refuse(d, DECIDE_ERROR, "out of memory");
	for (i = 0; i < l->n; i++)
		if ((v = claims_find(p, l->v[i])) != NULL &&
		    scope_claim(l->v[i], v, 1, d, &len) == -1)
			return -1;
	if (l->n > 0)
		return 0;
	for (i = 0; i < 3 && v == NULL; i++)
		v = cJSON_GetObjectItemCaseSensitive(p, names[i]);
	return v == NULL ? 0 : scope_claim(names[i - 1], v, i > 1, d, &len);
}

/* Add w to the missing scopes unless the granted ones hold it (§11). */
static int
need(struct decision *d, const struct scopeset *im, size_t *len,
    const char *w, size_t n)
{
	if (scopeset_holds(im, d->info.scopes, w, n) ||
	    words_add(&d->missing, len, w, n) == 0)
		return 0;
	return refuse(d, DECIDE_ERROR, "out of memory");
}

static int
check_scopes(const struct decide_input *in, struct decision *d)
{
	const struct config_list *l = &in->resource->required_scopes;
	const struct scopeset *im = in->resource->implies;	/* §11 */
	const char *req = in->required, *w;
	size_t i, n, len = 0;

	if (req != NULL) {
		while ((w = words_next(&req, &n)) != NULL)
			if (need(d, im, &len, w, n) == -1)
				return -1;
	} else {
		for (i = 0; i < l->n; i++)
			if (need(d, im, &len, l->v[i], strlen(l->v[i])) == -1)
				return -1;
	}
	if (d->missing != NULL)
		return refuse(d, DECIDE_INSUFFICIENT_SCOPE, "token lacks "
		    "scope %s", d->missing);
	return 0;
}

/*
 * sub and the client id claims must be strings when present; the client
 * id is the first of client_id, azp, appid, cid (§13).
 */
static int
check_identity(const cJSON *p, struct decision *d)
{
	static const char *const names[] = { "sub", "client_id", "azp",
		"appid", "cid" };
	const cJSON *v;
	size_t i;

	for (i = 0; i < 5; i++) {
		v = cJSON_GetObjectItemCaseSensitive(p, names[i]);
		if (v != NULL && !cJSON_IsString(v))
			return refuse(d, DECIDE_INVALID_TOKEN,
			    "%s is not a string", names[i]);
	}
	d->info.subject = json_string(p, "sub");
	for (i = 1; i < 5 && d->info.client_id == NULL; i++)
		d->info.client_id = json_string(p, names[i]);
	return 0;
}

/*
 * Find the key and check the signature over "header.payload".  Only a
 * signature that the check itself found wrong is a bad signature: an
 * internal failure (memory, OpenSSL) is DECIDE_ERROR and never cached.
 */
static int
check_signature(const struct decide_input *in, int issuer, const cJSON *h,
    enum alg_id alg, const char *token, size_t signed_len, const char *sig,
    size_t siglen, struct decision *d)
{
	unsigned char raw[SIG_MAX];
	const crypto_key *key;
	enum jwks_miss miss;
	const char *why;
	jwks *set;
	long n;
	int ok, rc = -1;

	if ((set = keystore_get(in->keys, (size_t)issuer, &d->generation))
	    == NULL)
		return refuse(d, DECIDE_ERROR, "no key set could be obtained "
		    "for issuer %s", in->cfg->issuers[issuer].url);
	key = jwks_find(set, json_string(h, "kid"), alg, &miss, d->reason,
	    sizeof(d->reason));
	if (key == NULL) {
		if (miss == JWKS_UNKNOWN)
			d->refresh_issuer = issuer;
		d->code = DECIDE_INVALID_TOKEN;	/* reason by jwks_find */
		goto done;
	}
	if ((n = b64url_decode(sig, siglen, raw, sizeof(raw))) < 0) {
		refuse(d, DECIDE_INVALID_TOKEN, siglen > SIG_MAX * 4 / 3 ?
		    "signature has the wrong length for the key" :
		    "signature is not valid base64url");
		goto done;
	}
	why = "signature check failed";
	ok = crypto_verify(key, alg, (const unsigned char *)token, signed_len,
	    raw, (size_t)n, &why);
	if (ok == 1)
		rc = 0;
	else
		refuse(d, ok == 0 ? DECIDE_INVALID_TOKEN : DECIDE_ERROR, "%s",
		    why);
	d->bad_signature = ok == 0;
done:
	jwks_free(set);
	return rc;
}

int
decide_required_scopes(const struct config_resource *res,
    const char *override, const struct mcphdr *h, struct buf *out,
    const char **why)
{
	struct buf base;
	size_t i;
	int rc = -1;

	buf_init(&base, out->max);
	*why = "the required scopes are too long";
	if (override != NULL && *override != '\0') {
		if (words_union(&base, override) == -1)
			goto done;
	} else {
		if (words_union(&base, "") == -1)
			goto done;
		for (i = 0; i < res->required_scopes.n; i++)
			if (words_union(&base, res->required_scopes.v[i]) == -1)
				goto done;
	}
	rc = mcpop_required(res->ops, base.p, h, out, why);
done:
	buf_free(&base);
	return rc;
}

enum decide_code
decide(const struct decide_input *in, const char *token, size_t len,
    struct decision *d)
{
	unsigned char buf[SEG_MAX];
	const char *dot1, *dot2, *why, *iss;
	cJSON *header = NULL, *payload = NULL;
	int alg = -1, issuer = -1;
	size_t dots = 0, i;

	memset(d, 0, sizeof(*d));
	d->refresh_issuer = -1;
	d->issuer = -1;
	if (len > DECIDE_MAX_TOKEN) {
		refuse(d, DECIDE_INVALID_TOKEN, "token is longer than %d "
		    "bytes", DECIDE_MAX_TOKEN);
		return d->code;
	}
	for (i = 0; i < len; i++)
		dots += token[i] == '.';
	if (dots != 2) {
		refuse(d, DECIDE_INVALID_TOKEN, "token has %zu segments, a JWS "
		    "has 3", dots + 1);
		return d->code;
	}
	dot1 = memchr(token, '.', len);
	dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token));
	if ((header = segment_json(token, (size_t)(dot1 - token), buf, &why))
	    == NULL) {
		refuse(d, DECIDE_INVALID_TOKEN, "header: %s", why);
		goto done;
	}
	if (check_header(in, header, d, &alg) == -1)
		goto done;
	if ((payload = segment_json(dot1 + 1, (size_t)(dot2 - dot1 - 1), buf,
	    &why)) == NULL) {
		refuse(d, DECIDE_INVALID_TOKEN, "payload: %s", why);
		goto done;
	}
	if ((iss = json_string(payload, "iss")) == NULL) {
		refuse(d, DECIDE_INVALID_TOKEN, "token has no iss string");
		goto done;
	}
	if ((issuer = tenant_issuer(in->cfg, iss, payload, d->reason,
	    sizeof(d->reason))) < 0) {
		d->code = DECIDE_INVALID_TOKEN;	/* reason by tenant_issuer */
		goto done;
	}
	d->issuer = issuer;
	if (check_signature(in, issuer, header, (enum alg_id)alg, token,
	    (size_t)(dot2 - token), dot2 + 1, len - (size_t)(dot2 + 1 - token),
	    d) == -1)
		goto done;
	decide_payload(in, issuer, payload, d);
	payload = NULL;
	if (d->claims != NULL) {
		d->info.payload = dot1 + 1;
		d->info.payload_len = (size_t)(dot2 - dot1 - 1);
	}
done:
	cJSON_Delete(header);
	cJSON_Delete(payload);
	return d->code;
}

/* RFC 9449 / RFC 8705: a sender-constrained token is never a bearer's. */
static int
check_bearer(const cJSON *p, struct decision *d)
{
	if (cJSON_GetObjectItemCaseSensitive(p, "cnf") != NULL)
		return refuse(d, DECIDE_INVALID_TOKEN, "token is "
		    "sender-constrained (cnf); it cannot be used as a bearer "
		    "token");
	return 0;
}

/* The issuer reported: a templated one's is the token's own iss. */
static const char *
issuer_of(const struct decide_input *in, int issuer, const cJSON *p)
{
	const char *iss;

	if (in->cfg->issuers[issuer].templated &&
	    (iss = json_string(p, "iss")) != NULL)
		return iss;
	return in->cfg->issuers[issuer].url;
}

/* The resource's claim rules, then the location's (§13). */
static int
check_claims(const struct decide_input *in, const cJSON *p,
    struct decision *d)
{
	if (claims_rules_hold(in->resource->rules, p, d->reason,
	    sizeof(d->reason)) && claims_rules_hold(in->extra, p, d->reason,
	    sizeof(d->reason)))
		return 0;
	d->code = DECIDE_CLAIM_REFUSED;
	return -1;
}

enum decide_code
decide_payload(const struct decide_input *in, int issuer, cJSON *payload,
    struct decision *d)
{
	d->issuer = issuer;
	d->claims = payload;
	if (check_bearer(payload, d) == -1 ||
	    check_time(in, payload, d) == -1 ||
	    check_audience(in, payload, d) == -1 ||
	    check_identity(payload, d) == -1 ||
	    collect_scopes(in, payload, d) == -1)
		goto done;
	d->info.issuer = issuer_of(in, issuer, payload);
	if (check_scopes(in, d) == 0 && check_claims(in, payload, d) == 0)
		d->code = DECIDE_ALLOW;	/* the one place a token is allowed */
done:
	if (d->code != DECIDE_ALLOW && d->code != DECIDE_INSUFFICIENT_SCOPE &&
	    d->code != DECIDE_CLAIM_REFUSED) {
		/* Only a valid token's identity is kept (403 logs it too). */
		free(d->info.scopes);
		cJSON_Delete(d->claims);
		d->claims = NULL;
		memset(&d->info, 0, sizeof(d->info));
	}
	return d->code;
}

enum decide_code
decide_recheck(const struct decide_input *in, struct decision *d)
{
	long long lee = in->resource->leeway;

	if (in->now >= d->info.expires_at + lee) {
		refuse(d, DECIDE_INVALID_TOKEN, "token expired at %lld (now "
		    "%lld, leeway %lld)", d->info.expires_at, in->now, lee);
		return d->code;
	}
	free(d->missing);
	d->missing = NULL;
	if (check_scopes(in, d) == -1)
		return d->code;
	if (decide_need_claims(in) && d->claims == NULL &&
	    (d->claims = decide_parse_payload(d->info.payload,
	    d->info.payload_len)) == NULL) {
		refuse(d, DECIDE_ERROR, "the claims of a remembered token "
		    "cannot be read again");
		return d->code;
	}
	if (d->claims != NULL)
		d->info.issuer = issuer_of(in, d->issuer, d->claims);
	if (check_claims(in, d->claims, d) == 0)
		d->code = DECIDE_ALLOW;	/* a remembered allow, checked again */
	return d->code;
}

void
decision_clear(struct decision *d)
{
	free(d->store);
	free(d->missing);
	free(d->info.scopes);
	cJSON_Delete(d->claims);
	memset(d, 0, sizeof(*d));
	d->refresh_issuer = -1;
	d->issuer = -1;
}

int
decide_need_claims(const struct decide_input *in)
{
	return in->resource->rules != NULL || in->extra != NULL ||
	    in->resource->headers != NULL ||
	    tenant_any(in->cfg);
}

cJSON *
decide_parse_payload(const char *seg, size_t len)
{
	size_t max = B64URL_DECODED_MAX(len);
	unsigned char *buf;
	const char *why;
	cJSON *v = NULL;
	long n;

	/* A token's payload, or a kept introspection answer (64 KiB). */
	if (seg == NULL || len > 128 * 1024 || (buf = malloc(max)) == NULL)
		return NULL;
	if ((n = b64url_decode(seg, len, buf, max)) >= 0 &&
	    (v = json_parse((const char *)buf, (size_t)n, max,
	    JSON_MAX_DEPTH, &why)) != NULL && !cJSON_IsObject(v)) {
		cJSON_Delete(v);
		v = NULL;
	}
	free(buf);
	return v;
}

char *
decide_claims_json(const struct decision *d)
{
	return d->claims != NULL ? cJSON_PrintUnformatted(d->claims) : NULL;
}

const struct decide_outcome *
decide_outcome(enum decide_code c)
{
	return (unsigned)c < DECIDE_NCODES ? &outcomes[c] :
	    &outcomes[DECIDE_ERROR];
}

const char *
decide_error_name(enum decide_code c)
{
	return decide_outcome(c)->error;
}
