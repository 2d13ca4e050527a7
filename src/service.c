/* Routing, metadata endpoints and the HTTP form of each decision. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bearer.h"
#include "decide.h"
#include "json.h"
#include "log.h"
#include "mcpop.h"
#include "metadata.h"
#include "response.h"
#include "service.h"

/* Longest request path looked at. */
#define PATH_MAX_LEN 4096
/* Longest list of required scopes, from the file or the web server. */
#define SCOPES_MAX 8192
/* Longest AUTH_CLAIMS value: Apache's 8190-byte line less the name. */
#define AUTHORIZER_MAX_CLAIMS 8160

static const char *
param(const struct request *req, const char *name)
{
	return req->param(req, name);
}

/* A parameter, with an empty value counting as absent. */
static const char *
param_set(const struct request *req, const char *name)
{
	const char *v = req->param(req, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static void
cors(struct response *r)
{
	response_header(r, "Access-Control-Allow-Origin", "*");
}

/* {"error": e, "error_description": d} with the JSON content type. */
static void
json_error(struct response *r, const char *e, const char *d)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	cJSON_AddStringToObject(o, "error", e);
	cJSON_AddStringToObject(o, "error_description", d);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	response_header(r, "Content-Type", "application/json");
	response_body(r, s != NULL ? s : "{}");
	free(s);
}

/* Metadata is public and cacheable, and readable from any origin. */
static void
json_document(struct response *r, const char *doc)
{
	response_header(r, "Content-Type", "application/json");
	response_header(r, "Cache-Control", "public, max-age=3600");
	cors(r);
	response_body(r, doc);
}

static int
metadata_endpoint(const struct state *st, const struct request *req,
    const char *path, struct response *r)
{
	const char *method = param(req, "REQUEST_METHOD");
	const struct config_resource *res;
	char msg[PATH_MAX_LEN + 64];
	char *doc;

	if (method != NULL && strcmp(method, "OPTIONS") == 0) {
		response_init(r, 204);
		cors(r);
		response_header(r, "Access-Control-Allow-Methods",
		    "GET, HEAD, OPTIONS");
		response_header(r, "Access-Control-Allow-Headers",
		    "Authorization, Content-Type, MCP-Protocol-Version");
		response_header(r, "Access-Control-Max-Age", "86400");
		return 204;
	}
	if (method != NULL && strcmp(method, "GET") != 0 &&
	    strcmp(method, "HEAD") != 0) {
		response_init(r, 405);
		response_header(r, "Allow", "GET, HEAD, OPTIONS");
		json_error(r, "method_not_allowed", "metadata is read with GET");
		return 405;
	}
	if (strncmp(path, METADATA_AS_PATH, strlen(METADATA_AS_PATH)) == 0) {
		doc = state_config(st)->nissuers == 1 ?
		    refresh_metadata(state_refresh(st), 0) : NULL;
		if (doc != NULL) {
			response_init(r, 200);
			json_document(r, doc);
			free(doc);
			return 200;
		}
		response_init(r, 404);
		cors(r);
		json_error(r, "not_found", state_config(st)->nissuers == 1 ?
		    "no authorization server metadata is available" :
		    "several authorization servers are configured; see the "
		    "protected resource metadata");
		return 404;
	}
	if ((res = metadata_find(state_config(st), path)) == NULL) {
		snprintf(msg, sizeof(msg), "no protected resource at %s", path);
		response_init(r, 404);
		cors(r);
		json_error(r, "not_found", msg);
		return 404;
	}
	if ((doc = metadata_json(state_config(st), res)) == NULL) {
		response_init(r, 500);
		json_error(r, "server_error", "out of memory");
		return 500;
	}
	response_init(r, 200);
	json_document(r, doc);
	free(doc);
	return 200;
}

/* Append ", name=\"value\"" with quotes and backslashes escaped and
 * anything outside printable ASCII dropped (RFC 6750 §3). */
static void
auth_param(struct buf *b, const char *name, const char *value, int first)
{
	const unsigned char *s;

	buf_str(b, first ? " " : ", ");
	buf_str(b, name);
	buf_str(b, "=\"");
	for (s = (const unsigned char *)value; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			buf_add(b, "\\", 1);
		if (*s >= 0x20 && *s < 0x7f)
			buf_add(b, s, 1);
	}
	buf_str(b, "\"");
}

/* The required scopes, space-separated, or "" if none. */
static void
required_scopes(const struct config_resource *res, const char *override,
    struct buf *b)
{
	size_t i;

	if (override != NULL) {
		buf_str(b, override);
		return;
	}
	for (i = 0; i < res->required_scopes.n; i++) {
		if (i > 0)
			buf_str(b, " ");
		buf_str(b, res->required_scopes.v[i]);
	}
	if (b->p == NULL)
		buf_str(b, "");
}

/*
 * A 401 or 403 with its challenge.  error NULL: no credentials, so the
 * challenge carries no error (RFC 6750 §3.1).
 */
static void
challenge(struct response *r, int status, const struct config_resource *res,
    const char *scopes, const char *error, const char *why)
{
	struct buf c, url;

	buf_init(&c, SCOPES_MAX + 8192);	/* scopes, URL and description */
	buf_init(&url, 4096);
	metadata_url(res, &url);
	buf_str(&c, "Bearer");
	if (error != NULL)
		auth_param(&c, "error", error, 1);
	if (error == NULL)
		auth_param(&c, "resource_metadata", url.p, 1);
	if (*scopes != '\0')
		auth_param(&c, "scope", scopes, 0);
	if (error != NULL) {
		auth_param(&c, "resource_metadata", url.p, 0);
		auth_param(&c, "error_description", why, 0);
	}
	response_init(r, status);
	response_header(r, "WWW-Authenticate", c.p != NULL ? c.p : "Bearer");
	json_error(r, error != NULL ? error : "unauthorized", why);
	buf_free(&c);
	buf_free(&url);
}

/* Identity headers: the responder's name, and the authorizer's. */
static const char *const identity[][2] = {
	{ "X-Auth-Subject", "Variable-AUTH_SUBJECT" },
	{ "X-Auth-Client-Id", "Variable-AUTH_CLIENT_ID" },
	{ "X-Auth-Scopes", "Variable-AUTH_SCOPES" },
	{ "X-Auth-Issuer", "Variable-AUTH_ISSUER" },
	{ "X-Auth-Audience", "Variable-AUTH_AUDIENCE" },
	{ "X-Auth-Expires-At", "Variable-AUTH_EXPIRES_AT" },
	{ "X-Auth-Claims", "Variable-AUTH_CLAIMS" },
};

/* The identity of an allowed caller, as headers. */
static void
allow(const struct state *st, const struct request *req,
    const struct decision *d, long long now, struct response *r)
{
	const struct authinfo *ai = &d->info;
	const char *v[5] = { ai->subject, ai->client_id, ai->scopes,
	    ai->issuer, ai->audience };
	long long t = ai->expires_at - now;
	int role = req->authorizer, i;
	const char *user;
	char num[32];

	response_init(r, 200);
	/*
	 * Apache takes the user from REMOTE_USER and fails on an empty one:
	 * a token without sub (client credentials) names its client.
	 */
	if (role && (user = v[0] ? v[0] : v[1]) != NULL)
		response_header_encoded(r, "Variable-REMOTE_USER", user);
	for (i = 0; i < 5; i++)
		response_header_encoded(r, identity[i][role], v[i] ? v[i] : "");
	snprintf(num, sizeof(num), "%lld", ai->expires_at);
	response_header(r, identity[5][role], num);
	/* Apache reads at most 8190 bytes a header line from an authorizer. */
	if (state_config(st)->claims_header && role &&
	    ai->payload_len > AUTHORIZER_MAX_CLAIMS)
		log_msg("claims of %zu bytes left out of AUTH_CLAIMS: an "
		    "authorizer header line holds at most %d",
		    ai->payload_len, AUTHORIZER_MAX_CLAIMS);
	else if (state_config(st)->claims_header) /* base64url: as it is */
		response_header_bytes(r, identity[6][role], ai->payload,
		    ai->payload_len);
	if (!role) {
		/* Cacheable until exp at most, and decision_cache_max. */
		if (t > state_config(st)->decision_cache_max)
			t = state_config(st)->decision_cache_max;
		snprintf(num, sizeof(num), "%lld", t < 0 ? 0 : t);
		response_header(r, "X-Accel-Expires", num);
	}
}

/* The MCP operation of a request (SPEC §11), for policy and the log. */
struct operation {
	struct mcphdr h;
	const char *method, *name;	/* as logged; NULL: "-" */
	const char *reading;		/* verified, strict or ignored */
};

/*
 * Judge the request's MCP headers for res.  A resource without
 * operation_scopes ignores them (h stays unverifiable, with no rule to
 * apply); otherwise they count only when verifiable.
 */
static void
operation(const struct request *req, const struct config_resource *res,
    struct operation *op)
{
	op->method = param_set(req, "HTTP_MCP_METHOD");
	op->name = param_set(req, "HTTP_MCP_NAME");
	op->reading = "ignored";
	if (mcphdr_parse(param_set(req, "HTTP_MCP_PROTOCOL_VERSION"),
	    op->method, op->name, &op->h) && res->ops != NULL) {
		op->reading = "verified";
		op->name = op->h.has_name ? op->h.name : NULL;
	} else if (res->ops != NULL) {
		op->reading = "strict";
	}
}

static void
log_decision(int status, const char *error, const char *reason,
    const struct config_resource *res, const struct operation *op,
    const struct decision *d, int cached, const struct timespec *t0)
{
	char why[320], sub[160], cid[160], m[160], n[160];
	struct timespec t1;
	long us;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = (t1.tv_sec - t0->tv_sec) * 1000000L +
	    (t1.tv_nsec - t0->tv_nsec) / 1000;
	log_msg("decision status=%d error=%s reason=%s resource=%s sub=%s "
	    "client_id=%s iss=%s cache=%s us=%ld op=%s name=%s mcp=%s",
	    status, error ? error : "-", log_quote(reason, why, sizeof(why)),
	    res ? res->url : "-",
	    log_quote(d ? d->info.subject : NULL, sub, sizeof(sub)),
	    log_quote(d ? d->info.client_id : NULL, cid, sizeof(cid)),
	    d && d->info.issuer ? d->info.issuer : "-", cached ? "hit" : "-",
	    us, log_quote(op ? op->method : NULL, m, sizeof(m)),
	    log_quote(op ? op->name : NULL, n, sizeof(n)),
	    op ? op->reading : "-");
}

static int
decision_endpoint(const struct state *st, const struct request *req,
    long long now, struct response *r, int *refresh)
{
	const struct config_resource *res = NULL;
	const char *name, *scopes_override, *tok = NULL, *why = NULL, *m;
	const struct decide_outcome *out;
	struct operation op;
	struct decide_input in;
	struct tokcache *tokens;
	struct decision d = { 0 };
	struct timespec t0;
	struct buf base, scopes;
	unsigned char hash[32];
	size_t len = 0;
	int status, cached = 0, hashed;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	buf_init(&base, SCOPES_MAX);
	buf_init(&scopes, SCOPES_MAX);
	d.refresh_issuer = -1;
	/* Policy comes only from trusted parameters, never HTTP_* ones. */
	if ((name = param_set(req, "MCPAUTH_RESOURCE")) != NULL)
		res = config_resource(state_config(st), name);
	else if (state_config(st)->nresources == 1)
		res = &state_config(st)->resources[0];
	if (res == NULL) {
		why = name != NULL ? "MCPAUTH_RESOURCE names no configured "
		    "resource" : "several resources are configured and "
		    "MCPAUTH_RESOURCE is not set";
		response_init(r, 500);
		json_error(r, "server_error", why);
		log_decision(500, "server_error", why, NULL, NULL, NULL, 0,
		    &t0);
		status = 500;
		goto done;
	}
	scopes_override = param_set(req, "MCPAUTH_REQUIRED_SCOPES");
	required_scopes(res, scopes_override, &base);
	/* The base scopes and the operation's: every challenge names all. */
	operation(req, res, &op);
	if (base.failed || mcpop_required(res->ops, base.p, &op.h, &scopes,
	    &why) == -1) {
		if (base.failed)
			why = "MCPAUTH_REQUIRED_SCOPES is too long";
		response_init(r, 500);
		json_error(r, "server_error", why);
		log_decision(500, "server_error", why, res, &op, NULL, 0, &t0);
		status = 500;
		goto done;
	}
	m = param(req, "REQUEST_METHOD");
	if (state_config(st)->allow_cors_preflight && m != NULL &&
	    strcmp(m, "OPTIONS") == 0 &&
	    param_set(req, "HTTP_ACCESS_CONTROL_REQUEST_METHOD") != NULL) {
		response_init(r, 200);
		response_header(r, "X-Accel-Expires", "0");
		log_decision(200, NULL, "CORS preflight", res, &op, NULL, 0,
		    &t0);
		status = 200;
		goto done;
	}
	switch (bearer_parse(param(req, "HTTP_AUTHORIZATION"), &tok, &len,
	    &why)) {
	case BEARER_NONE:
		why = "no bearer token";
		challenge(r, 401, res, scopes.p, NULL, why);
		log_decision(401, "unauthorized", why, res, &op, NULL, 0,
		    &t0);
		status = 401;
		goto done;
	case BEARER_BAD:
		challenge(r, 401, res, scopes.p, "invalid_request", why);
		log_decision(401, "invalid_request", why, res, &op, NULL, 0,
		    &t0);
		status = 401;
		goto done;
	case BEARER_TOKEN:
		break;
	}
	in = (struct decide_input){ state_config(st), res, state_keys(st),
	    scopes.p, now };
	tokens = state_tokens(st);
	hashed = tokens != NULL && tokcache_hash(tok, len, hash) == 0;
	if (hashed && (cached = tokcache_get(tokens, &in, hash, tok, len,
	    &d))) {
		if (d.code == DECIDE_ALLOW)
			decide_recheck(&in, &d);
	} else {
		decide(&in, tok, len, &d);
		if (hashed)
			tokcache_put(tokens, &in, hash, &d);
	}
	out = decide_outcome(d.code);
	status = out->http_status;
	if (status == 500 && d.reason[0] == '\0')
		snprintf(d.reason, sizeof(d.reason), "no decision was made");
	if (d.code == DECIDE_ALLOW) {
		allow(st, req, &d, now, r);
	} else if (status == 401 || status == 403) {
		challenge(r, status, res, scopes.p, out->error, d.reason);
	} else {
		response_init(r, 500);
		json_error(r, out->error, d.reason);
	}
	*refresh = d.refresh_issuer;
	log_decision(status, status == 200 ? NULL : out->error,
	    status == 200 ? "allowed" : d.reason, res, &op, &d, cached, &t0);
done:
	/* Refusals must never be cached by the web server. */
	if (status != 200)
		response_header(r, "X-Accel-Expires", "0");
	decision_clear(&d);
	buf_free(&base);
	buf_free(&scopes);
	return status;
}

/* The request's own path: DOCUMENT_URI, else SCRIPT_NAME + PATH_INFO. */
static void
request_path(const struct request *req, char *out, size_t outlen)
{
	const char *doc = param_set(req, "DOCUMENT_URI"), *pi, *sn;

	if (doc != NULL) {
		snprintf(out, outlen, "%s", doc);
		return;
	}
	sn = param(req, "SCRIPT_NAME");
	pi = param(req, "PATH_INFO");
	snprintf(out, outlen, "%s%s", sn ? sn : "", pi ? pi : "");
}

int
service_handle(const struct state *st, const struct request *req,
    long long now, struct buf *out, int *refresh)
{
	char path[PATH_MAX_LEN];
	struct response r = { 0 };
	int status;

	*refresh = -1;
	request_path(req, path, sizeof(path));
	if (!req->authorizer && (strncmp(path, METADATA_PREFIX,
	    strlen(METADATA_PREFIX)) == 0 || strncmp(path, METADATA_AS_PATH,
	    strlen(METADATA_AS_PATH)) == 0))
		status = metadata_endpoint(st, req, path, &r);
	else
		status = decision_endpoint(st, req, now, &r, refresh);
	if (response_render(&r, out) == -1) {
		/* Only our own limits can fail here; never answer 2xx. */
		response_free(&r);
		buf_free(out);
		buf_init(out, RESPONSE_MAX_HEAD);
		response_init(&r, 500);
		json_error(&r, "server_error", "response too large");
		response_header(&r, "X-Accel-Expires", "0");
		log_msg("response too large; answered 500");
		status = 500;
		response_render(&r, out);
	}
	response_free(&r);
	return status;
}
