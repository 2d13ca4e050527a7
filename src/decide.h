/*
 * decide: the authorization decision for one bearer token (SPEC §7, §8),
 * as a function of its inputs only.  No I/O and no global state: many
 * threads may decide at once.
 */
#ifndef MCPAUTH_DECIDE_H
#define MCPAUTH_DECIDE_H

#include <stddef.h>

#include "config.h"
#include "json.h"
#include "keystore.h"

/* Longest token accepted, in bytes. */
#define DECIDE_MAX_TOKEN 16384

enum decide_code {
	DECIDE_ALLOW,
	DECIDE_INVALID_REQUEST,		/* 401 invalid_request */
	DECIDE_INVALID_TOKEN,		/* 401 invalid_token */
	DECIDE_INSUFFICIENT_SCOPE,	/* 403 insufficient_scope */
	DECIDE_ERROR			/* 500: cannot decide */
};

/* Who called: the C form of the SDK's auth info. */
struct authinfo {
	const char *subject;	/* sub, or NULL; these point into claims */
	const char *client_id;	/* client_id, else azp, or NULL */
	const char *issuer;	/* iss */
	const char *audience;	/* the accepted aud value that matched */
	char *scopes;		/* granted scopes, space-separated ("" none) */
	long long expires_at;	/* exp */
	cJSON *claims;		/* the whole payload */
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
	char *store;		/* backing for info strings of a cached hit */
	struct authinfo info;	/* DECIDE_ALLOW only */
};

struct decide_input {
	const struct config *cfg;
	const struct config_resource *resource;
	struct keystore *keys;	/* slot i holds cfg->issuers[i]'s set */
	const char *required;	/* space-separated; NULL: the resource's */
	long long now;		/* seconds since the epoch */
};

/*
 * Decide on token (len bytes, the bearer value without the scheme).
 * Fills d, which the caller releases with decision_clear.  The auth info
 * points into token, so token must outlive d.  Returns d->code.
 */
enum decide_code decide(const struct decide_input *in, const char *token,
    size_t len, struct decision *d);

/*
 * Re-apply the checks that depend on the moment and the location (exp
 * with the leeway, required scopes) to d, an allow decision remembered
 * from before.  Returns the new d->code.
 */
enum decide_code decide_recheck(const struct decide_input *in,
    struct decision *d);

/* Free what d holds and reset it; safe on a zeroed or cleared d. */
void decision_clear(struct decision *d);

/* The OAuth error code for c ("invalid_token", ...). */
const char *decide_error_name(enum decide_code c);

#endif
