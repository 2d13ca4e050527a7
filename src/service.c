/* Routing, metadata endpoints and the HTTP form of each decision. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bearer.h"
#include "challenge.h"
#include "claims.h"
#include "decide.h"
#include "introspect.h"
#include "json.h"
#include "log.h"
#include "metrics.h"
#include "monitor.h"
#include "mcpop.h"
#include "metadata.h"
#include "response.h"
#include "service.h"
#include "url.h"

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

/* A 500 with its reason; returns 500. */
static int
server_error(struct response *r, const char *why)
{
	response_init(r, 500);
	json_error(r, "server_error", why);
	return 500;
}

/* Metadata is public and cacheable, and readable from any origin. */
static int
json_document(struct response *r, char *doc)
{
	if (doc == NULL)
		return server_error(r, "out of memory");
	response_init(r, 200);
	response_header(r, "Content-Type", "application/json");
	response_header(r, "Cache-Control", "public, max-age=3600");
	cors(r);
	response_body(r, doc);
	free(doc);
	return 200;
}

static int
not_found(struct response *r, const char *why)
{
	response_init(r, 404);
	cors(r);
	json_error(r, "not_found", why);
	return 404;
}

static int
metadata_endpoint(const struct state *st, const struct request *req,
    enum metadata_route route, const char *path, struct response *r)
{
	const char *method = param(req, "REQUEST_METHOD");
	const struct config_resource *res;
	char msg[PATH_MAX_LEN + 64], *doc;
	int shared;

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
	if (route == METADATA_AS) {
		if (state_config(st)->nissuers != 1)
			return not_found(r, "several authorization servers "
			    "are configured; see the protected resource "
			    "metadata");
		if ((doc = refresh_metadata(state_refresh(st), 0)) == NULL)
			return not_found(r, "no authorization server metadata "
			    "is available");
		return json_document(r, doc);
	}
	res = metadata_find(state_config(st), path, param_set(req, "MCPAUTH_RESOURCE"),
	    &shared);
	if (shared)
		return server_error(r, "several resources have this metadata "
		    "path and MCPAUTH_RESOURCE names none of them");
	if (res == NULL) {
		snprintf(msg, sizeof(msg), "no protected resource at %s", path);
		return not_found(r, msg);
	}
	return json_document(r, metadata_json(state_config(st), res));
}

/*
 * A 401 or 403 with its challenge (error NULL: no credentials).  Returns
 * status, or a whole 500 if the challenge does not fit: never a cut one.
 */
static int
challenge(struct response *r, int status, const struct config_resource *res,
    const char *scopes, const char *error, const char *why)
{
	struct buf c, url;
	int rc = status;

	buf_init(&c, SCOPES_MAX + 8192);	/* scopes, URL and description */
	buf_init(&url, CONFIG_MAX_LINE + sizeof(URL_WELL_KNOWN_RESOURCE));
	if (metadata_url(res, &url) == -1 ||
	    challenge_build(&c, url.p, scopes, error, why) == -1) {
		log_msg("challenge of a %d too large; answered 500", status);
		rc = server_error(r, "challenge too large");
	} else {
		response_init(r, status);
		response_header(r, "WWW-Authenticate", c.p);
		json_error(r, error != NULL ? error : "unauthorized", why);
	}
	buf_free(&c);
	buf_free(&url);
	return rc;
}

/* The identity headers of SPEC §7, in their order. */
enum identity {
	ID_SUBJECT, ID_CLIENT_ID, ID_SCOPES, ID_ISSUER, ID_AUDIENCE,
	ID_EXPIRES_AT, ID_CLAIMS, ID_COUNT
};

/* Indexed by enum identity: the responder's name, and the authorizer's. */
static const char *const identity[][2] = {
	[ID_SUBJECT] = { "X-Auth-Subject", "Variable-AUTH_SUBJECT" },
	[ID_CLIENT_ID] = { "X-Auth-Client-Id", "Variable-AUTH_CLIENT_ID" },
	[ID_SCOPES] = { "X-Auth-Scopes", "Variable-AUTH_SCOPES" },
	[ID_ISSUER] = { "X-Auth-Issuer", "Variable-AUTH_ISSUER" },
	[ID_AUDIENCE] = { "X-Auth-Audience", "Variable-AUTH_AUDIENCE" },
	[ID_EXPIRES_AT] = { "X-Auth-Expires-At", "Variable-AUTH_EXPIRES_AT" },
	[ID_CLAIMS] = { "X-Auth-Claims", "Variable-AUTH_CLAIMS" },
};
_Static_assert(sizeof(identity) / sizeof(identity[0]) == ID_COUNT,
    "one pair of names for each identity header");

/* The resource's claim_header lines (§13); a claim left out is logged. */
static void
claim_headers(const struct request *req, const struct config_resource *res,
    const struct decision *d, struct response *r)
{
	const struct claims_headers *h = res->headers;
	struct buf name, value;
	const char *why = NULL;
	size_t i;
	int rc;

	for (i = 0; i < claims_headers_count(h); i++) {
		buf_init(&name, CLAIMS_NAME_MAX + 32);
		buf_init(&value, CLAIMS_VALUE_MAX);
		rc = claims_header_render(h, i, d->claims, req->authorizer,
		    &name, &value, &why);
		if (rc == 1)
			response_header_encoded(r, name.p, value.p);
		else if (rc == 0 && name.p != NULL)
			log_msg("claim %s left out of %s: %s",
			    claims_header_path(h, i), name.p, why);
		buf_free(&name);
		buf_free(&value);
	}
}

/* The identity of an allowed caller, as headers. */
static void
allow(const struct state *st, const struct request *req,
    const struct config_resource *res, const struct decision *d,
    long long now, struct response *r)
{
	const struct authinfo *ai = &d->info;
	const char *v[ID_EXPIRES_AT] = {
		[ID_SUBJECT] = ai->subject, [ID_CLIENT_ID] = ai->client_id,
		[ID_SCOPES] = ai->scopes, [ID_ISSUER] = ai->issuer,
		[ID_AUDIENCE] = ai->audience,
	};
	long long t = ai->expires_at - now;
	int role = req->authorizer, i;
	const char *user;
	char num[32];

	response_init(r, 200);
	/*
	 * Apache takes the user from REMOTE_USER and fails on an empty one:
	 * a token without sub (client credentials) names its client, so a
	 * client and a user of the same name look alike there (README).
	 */
	if (role && (user = ai->subject ? ai->subject : ai->client_id) != NULL)
		response_header_encoded(r, "Variable-REMOTE_USER", user);
	for (i = 0; i < ID_EXPIRES_AT; i++)
		response_header_encoded(r, identity[i][role], v[i] ? v[i] : "");
	snprintf(num, sizeof(num), "%lld", ai->expires_at);
	response_header(r, identity[ID_EXPIRES_AT][role], num);
	/* Apache reads at most 8190 bytes a header line from an authorizer. */
	if (state_config(st)->claims_header && role &&
	    ai->payload_len > AUTHORIZER_MAX_CLAIMS)
		log_msg("claims of %zu bytes left out of AUTH_CLAIMS: an "
		    "authorizer header line holds at most %d",
		    ai->payload_len, AUTHORIZER_MAX_CLAIMS);
	else if (state_config(st)->claims_header)	/* base64url: nothing to encode */
		response_header_bytes(r, identity[ID_CLAIMS][role], ai->payload,
		    ai->payload_len);
	claim_headers(req, res, d, r);
	if (!role) {
		/* Cacheable until exp at most, and decision_cache_max. */
		if (t > state_config(st)->decision_cache_max)
			t = state_config(st)->decision_cache_max;
		/* Not past the introspection answer: revocation shows then. */
		if (d->cache_until != 0 && t > d->cache_until - now)
			t = d->cache_until - now;
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
    const struct decision *d, int cached, long us)
{
	const struct log_field f[] = {
		{ "status", NULL, status, LOG_NUM },
		{ "error", error, 0, LOG_BARE },
		{ "reason", reason, 0, LOG_QUOTED },
		{ "resource", res ? res->url : NULL, 0, LOG_BARE },
		{ "sub", d ? d->info.subject : NULL, 0, LOG_QUOTED },
		{ "client_id", d ? d->info.client_id : NULL, 0, LOG_QUOTED },
		{ "iss", d ? d->info.issuer : NULL, 0, LOG_BARE },
		{ "cache", cached ? "hit" : NULL, 0, LOG_BARE },
		{ "us", NULL, us, LOG_NUM },
		{ "op", op ? op->method : NULL, 0, LOG_QUOTED },
		{ "name", op ? op->name : NULL, 0, LOG_QUOTED },
		{ "mcp", op ? op->reading : NULL, 0, LOG_BARE },
	};
	log_event("decision", f, (int)(sizeof(f) / sizeof(f[0])));
}

/* The resource this request is decided for, or NULL with *why. */
static const struct config_resource *
choose_resource(const struct config *cfg, const struct request *req,
    const char **why)
{
	const struct config_resource *res = NULL;
	const char *name;

	/* Policy comes only from trusted parameters, never HTTP_* ones. */
	if ((name = param_set(req, "MCPAUTH_RESOURCE")) != NULL)
		res = config_resource(cfg, name);
	else if (cfg->nresources == 1)
		res = &cfg->resources[0];
	if (res == NULL)
		*why = name != NULL ? "MCPAUTH_RESOURCE names no configured "
		    "resource" : "several resources are configured and "
		    "MCPAUTH_RESOURCE is not set";
	return res;
}

/* Decide on tok, from the token cache when it remembers it. */
static void
decide_token(const struct state *st, const struct decide_input *in,
    const char *tok, size_t len, struct decision *d, int *cached)
{
	struct tokcache *tokens = state_tokens(st);
	unsigned char hash[32];
	int hashed;

	if (state_introspection(st) != NULL &&
	    introspect_is_opaque(tok, len)) {
		state_decide(st, in, tok, len, d, cached);
		return;
	}
	hashed = tokens != NULL && tokcache_hash(tok, len, hash) == 0;
	if (hashed)
		metrics_token_cache(*cached = tokcache_get(tokens, in, hash,
		    tok, len, d));
	if (*cached) {
		if (d->code == DECIDE_ALLOW)
			decide_recheck(in, d);
		return;
	}
	decide(in, tok, len, d);
	if (hashed)
		tokcache_put(tokens, in, hash, d);
}

/*
 * The claim rules a location adds (MCPAUTH_REQUIRE_CLAIMS, §13) into
 * *rules (NULL: none).  0, or -1 with *why, logged: the location's
 * policy cannot be read, so nothing is decided.
 */
static int
location_rules(const struct request *req, struct claims_rules **rules,
    const char **why)
{
	const char *v = param_set(req, "MCPAUTH_REQUIRE_CLAIMS");
	char err[300];

	if (v == NULL ||
	    claims_rules_parse(rules, v, err, sizeof(err)) == 0)
		return 0;
	log_msg("MCPAUTH_REQUIRE_CLAIMS is not valid: %s", err);
	*why = "MCPAUTH_REQUIRE_CLAIMS is not valid";
	return -1;
}

/* The answer to a decision on a token; returns the HTTP status. */
static int
answer(const struct state *st, const struct request *req,
    const struct config_resource *res, const char *scopes,
    struct decision *d, long long now, struct response *r)
{
	const struct decide_outcome *out = decide_outcome(d->code);

	if (d->code == DECIDE_ALLOW) {
		allow(st, req, res, d, now, r);
		return 200;
	}
	/* A failed claim rule: no scope= (§11), no scope can fix it. */
	if (out->http_status == 401 || out->http_status == 403)
		return challenge(r, out->http_status, res,
		    d->code == DECIDE_CLAIM_REFUSED ? "" : scopes, out->error,
		    d->reason);
	if (d->reason[0] == '\0')
		snprintf(d->reason, sizeof(d->reason), "no decision was made");
	return server_error(r, d->reason);
}

static int
decision_endpoint(const struct state *st, const struct request *req,
    long long now, struct response *r, int *refresh)
{
	const struct config_resource *res;
	const char *tok = NULL, *why = NULL, *m, *error = NULL;
	struct operation op, *opp = NULL;
	struct decision d = { 0 }, *dp = NULL;
	struct claims_rules *extra = NULL;
	struct decide_input in;
	struct timespec t0, t1;
	struct buf scopes;
	size_t len = 0;
	int status, cached = 0;
	long us;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	buf_init(&scopes, SCOPES_MAX);
	d.refresh_issuer = -1;
	if ((res = choose_resource(state_config(st), req, &why)) == NULL) {
		status = server_error(r, why);
		goto done;
	}
	/* The base scopes and the operation's: every challenge names all. */
	operation(req, res, &op);
	opp = &op;
	if (decide_required_scopes(res, param_set(req,
	    "MCPAUTH_REQUIRED_SCOPES"), &op.h, &scopes, &why) == -1) {
		status = server_error(r, why);
		goto done;
	}
	m = param(req, "REQUEST_METHOD");
	if (state_config(st)->allow_cors_preflight && m != NULL &&
	    strcmp(m, "OPTIONS") == 0 &&
	    param_set(req, "HTTP_ACCESS_CONTROL_REQUEST_METHOD") != NULL) {
		response_init(r, 200);
		response_header(r, "X-Accel-Expires", "0");
		why = "CORS preflight";
		status = 200;
		goto done;
	}
	switch (bearer_parse(param(req, "HTTP_AUTHORIZATION"), &tok, &len,
	    &why)) {
	case BEARER_NONE:
		why = "no bearer token";
		error = "unauthorized";
		status = challenge(r, 401, res, scopes.p, NULL, why);
		goto done;
	case BEARER_BAD:
		error = "invalid_request";
		status = challenge(r, 401, res, scopes.p, error, why);
		goto done;
	case BEARER_TOKEN:
		break;
	}
	if (location_rules(req, &extra, &why) == -1) {
		status = server_error(r, why);
		goto done;
	}
	in = (struct decide_input){ state_config(st), res, state_keys(st),
	    scopes.p, now, extra };
	decide_token(st, &in, tok, len, &d, &cached);
	status = answer(st, req, res, scopes.p, &d, now, r);
	*refresh = d.refresh_issuer;
	dp = &d;
	error = decide_error_name(d.code);
	why = status == 200 ? "allowed" : d.reason;
done:
	if (status == 500)
		error = "server_error";
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = (t1.tv_sec - t0.tv_sec) * 1000000L +
	    (t1.tv_nsec - t0.tv_nsec) / 1000;
	log_decision(status, status == 200 ? NULL : error, why, res, opp, dp,
	    cached, us);
	metrics_decision(status, status == 200 ? NULL : error, us);
	/* Refusals must never be cached by the web server. */
	if (status != 200)
		response_header(r, "X-Accel-Expires", "0");
	decision_clear(&d);
	buf_free(&scopes);
	claims_rules_free(extra);
	return status;
}

/*
 * The request's own path: DOCUMENT_URI, else SCRIPT_NAME + PATH_INFO.
 * 0, or -1 if it is longer than outlen allows (never routed to metadata).
 */
static int
request_path(const struct request *req, char *out, size_t outlen)
{
	const char *doc = param_set(req, "DOCUMENT_URI"), *pi, *sn;
	int n;

	if (doc != NULL) {
		n = snprintf(out, outlen, "%s", doc);
	} else {
		sn = param(req, "SCRIPT_NAME");
		pi = param(req, "PATH_INFO");
		n = snprintf(out, outlen, "%s%s", sn ? sn : "", pi ? pi : "");
	}
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int
service_handle(const struct state *st, const struct request *req,
    long long now, struct buf *out, int *refresh)
{
	enum metadata_route route = METADATA_NONE;
	enum monitor_route mon;
	char path[PATH_MAX_LEN];
	struct response r = { 0 };
	int status;

	*refresh = -1;
	if (request_path(req, path, sizeof(path)) == 0 && (mon =
	    monitor_route(state_config(st), path)) != MONITOR_NONE) {
		/* A CGI process has nothing to count; an authorizer's
		 * answer is a decision, never a page. */
		status = req->authorizer || req->cgi ? not_found(&r, "no "
		    "metrics or health in the authorizer role or CGI mode") :
		    monitor_answer(st, mon, now, &r);
		goto render;
	}
	if (!req->authorizer && request_path(req, path, sizeof(path)) == 0)
		route = metadata_route(path);
	if (route != METADATA_NONE)
		status = metadata_endpoint(st, req, route, path, &r);
	else
		status = decision_endpoint(st, req, now, &r, refresh);
render:
	if (response_render(&r, out) == -1) {
		/* Only our own limits can fail here; never answer 2xx. */
		response_free(&r);
		buf_free(out);
		buf_init(out, RESPONSE_MAX_HEAD);
		status = server_error(&r, "response too large");
		response_header(&r, "X-Accel-Expires", "0");
		log_msg("response too large; answered 500");
		if (response_render(&r, out) == -1)
			buf_free(out);	/* nothing: the web server fails */
	}
	response_free(&r);
	return status;
}
