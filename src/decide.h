/*
 * decide: the authorization decision for one bearer token (SPEC §7, §8),
 * as a function of its inputs only.  No I/O and no global state: many
 * threads may decide at once.
 */
#ifndef MCPAUTH_DECIDE_H
#define MCPAUTH_DECIDE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "config.h"
#include "keystore.h"
#include "mcphdr.h"

struct claims_rules;

/* Longest token accepted, in bytes. */
#define DECIDE_MAX_TOKEN 16384

/*
 * The zero value is no decision, which is answered as an internal error:
 * a path that forgets to decide refuses.  Only decide() and a cache hit
 * that passes decide_recheck() set DECIDE_ALLOW.
 */
enum decide_code {
	DECIDE_UNSET,			/* 500: nothing decided */
	DECIDE_ALLOW,
	DECIDE_INVALID_REQUEST,		/* 401 invalid_request */
	DECIDE_INVALID_TOKEN,		/* 401 invalid_token */
	DECIDE_INSUFFICIENT_SCOPE,	/* 403 insufficient_scope */
	DECIDE_CLAIM_REFUSED,		/* 403 insufficient_scope, no scope=:
					   a claim rule failed (§13) */
	DECIDE_ERROR,			/* 500: cannot decide */
	DECIDE_NCODES
};

/* How a decision is answered, by HTTP and by `mcpauth verify`. */
struct decide_outcome {
	int http_status;	/* 200, 401, 403 or 500 */
	const char *error;	/* OAuth error code, "server_error", ... */
	int exit_status;	/* CMD_OK, CMD_REFUSED, ... (cmd.h) */
};

/* Who called: the C form of the SDK's auth info. */
struct authinfo {
	const char *subject;	/* sub, or NULL; these point into the
				   decision's own storage */
	const char *client_id;	/* client_id, else azp, or NULL */
	const char *issuer;	/* iss */
	const char *audience;	/* the accepted aud value that matched */
	char *scopes;		/* granted scopes, space-separated ("" none) */
	long long expires_at;	/* exp */
	const char *payload;	/* payload segment as signed, in the token */
	size_t payload_len;
};

struct decision {
	enum decide_code code;
	char reason[256];	/* why, for logs and error_description */
	char *missing;		/* insufficient_scope: missing scopes */
	int refresh_issuer;	/* issuer whose key set may be stale, or -1 */
	int issuer;		/* index of the token's issuer, or -1 */
	int bad_signature;	/* refused by the signature check of a known
				   key: the same answer until the key set
				   changes */
	unsigned long generation; /* of the key set the signature was
				   checked with (keystore_get); 0: none */
	char *store;		/* backing for info strings of a cached hit */
	long long cache_until;	/* 0, or the second past which a web server
				   may not keep this allow (the end of the
				   introspection answer it rests on) */
	void *claims;		/* private: the parsed payload that info's
				   strings point into (decide_claims_json) */
	struct authinfo info;	/* DECIDE_ALLOW only */
};

struct decide_input {
	const struct config *cfg;
	const struct config_resource *resource;
	struct keystore *keys;	/* slot i holds cfg->issuers[i]'s set */
	const char *required;	/* space-separated; NULL: the resource's */
	long long now;		/* seconds since the epoch */
	const struct claims_rules *extra; /* the location's claim rules
				   (MCPAUTH_REQUIRE_CLAIMS), or NULL */
};

/*
 * The scopes a request needs (SPEC §5, §11), space-separated, into out:
 * override (MCPAUTH_REQUIRED_SCOPES or verify --scopes; NULL or "" when
 * not given) else res's required_scopes, joined with those of the MCP
 * operation h.  For decide_input.required.  Returns 0, or -1 with *why
 * (too long for out, or offline_access required).
 */
int decide_required_scopes(const struct config_resource *res,
    const char *override, const struct mcphdr *h, struct buf *out,
    const char **why);

/*
 * Decide on token (len bytes, the bearer value without the scheme).
 * Fills d, which the caller releases with decision_clear.  The auth info
 * points into token, so token must outlive d.  Returns d->code.
 */
enum decide_code decide(const struct decide_input *in, const char *token,
    size_t len, struct decision *d);

/*
 * The checks on a token's claims, once its issuer (index issuer) is
 * established and the claims are its own: no cnf, the time window,
 * audience, identity, scopes.  Takes payload (a JSON object; d->claims
 * holds it on an allow or a 403, else it is freed).  d must be as
 * decide() starts it; d->info.payload is left for the caller to set.
 * Returns d->code.  Used by decide() and for introspection responses.
 */
enum decide_code decide_payload(const struct decide_input *in, int issuer,
    cJSON *payload, struct decision *d);

/*
 * Re-apply the checks that depend on the moment and the location (exp
 * with the leeway, required scopes, claim rules) to d, an allow decision remembered
 * from before.  Returns the new d->code.
 */
enum decide_code decide_recheck(const struct decide_input *in,
    struct decision *d);

/*
 * Does deciding for in need a token's claims beyond the auth info
 * (claim rules or headers, a templated issuer)?  A remembered allow has
 * them read again from its payload then.
 */
int decide_need_claims(const struct decide_input *in);

/*
 * The JSON object of a payload segment (base64url, len bytes), or NULL.
 * The caller frees it with cJSON_Delete.
 */
cJSON *decide_parse_payload(const char *seg, size_t len);

/* Free what d holds and reset it; safe on a zeroed or cleared d. */
void decision_clear(struct decision *d);

/*
 * The claims of d, an allow made by decide() (not a cache hit), as one
 * JSON object in text.  The caller frees it; NULL if d holds no claims or
 * memory is short.
 */
char *decide_claims_json(const struct decision *d);

/*
 * How c is answered.  Never NULL: DECIDE_UNSET, and any value outside
 * the enum, answer as DECIDE_ERROR does (500).
 */
const struct decide_outcome *decide_outcome(enum decide_code c);

/* The OAuth error code for c ("invalid_token", ...): decide_outcome's. */
const char *decide_error_name(enum decide_code c);

#endif
