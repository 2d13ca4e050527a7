/*
 * Opaque tokens (SPEC §12) in process: what counts as opaque, the request
 * sent for one, the decision on each kind of introspection answer, how
 * long an answer is kept, and the answer cache.  JSON is written with '
 * for ".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "config.h"
#include "crypto.h"
#include "incache.h"
#include "inconf.h"
#include "introspect.h"
#include "keystore.h"
#include "tap.h"

#define NOW 1700000000LL
#define ISS "https://as.example"
#define RES "https://mcp.example/mcp"

static struct config *cfg;
static struct keystore *keys;

/* s with every ' turned into ", in a static buffer. */
static const char *
J(const char *s)
{
	static char b[2048];
	size_t i;

	for (i = 0; s[i] != '\0' && i < sizeof(b) - 1; i++)
		b[i] = s[i] == '\'' ? '"' : s[i];
	b[i] = '\0';
	return b;
}

static const struct {
	const char *tok;
	int opaque;
} shapes[] = {
	{ "abc.def.ghi", 0 },
	{ "eyJhbGciOiJFUzI1NiJ9.e30.c2ln", 0 },
	{ "a..c", 0 },
	{ "abcdef", 1 },
	{ "a.b", 1 },
	{ "a.b.c.d", 1 },
	{ "a+b.c.d", 1 },
	{ "a.b.c=", 1 },
	{ "ya29.a0AfH6SMB~xyz", 1 },
};

static const struct {
	const char *name, *body, *reason;
	int code;
	const char *scopes, *client;
} answers[] = {
	{ "active with aud and scope",
	    "{'active':true,'client_id':'c1','aud':'" RES "','exp':1700000600,"
	    "'scope':'read write','token_type':'Bearer','iss':'" ISS "'}",
	    "", DECIDE_ALLOW, "read write", "c1" },
	{ "token_type any case",
	    "{'active':true,'aud':['x','" RES "'],'exp':1700000600,"
	    "'token_type':'bearer'}", "", DECIDE_ALLOW, "", NULL },
	{ "inactive", "{'active':false}",
	    "token is not active (introspection by " ISS ")",
	    DECIDE_INVALID_TOKEN, NULL, NULL },
	{ "no aud", "{'active':true,'exp':1700000600}", "token has no aud",
	    DECIDE_INVALID_TOKEN, NULL, NULL },
	{ "another aud", "{'active':true,'exp':1700000600,'aud':'https://x'}",
	    "aud does not contain " RES, DECIDE_INVALID_TOKEN, NULL, NULL },
	{ "refresh token", "{'active':true,'exp':1700000600,'aud':'" RES "',"
	    "'token_type':'refresh_token'}",
	    "token_type is \"refresh_token\", not Bearer",
	    DECIDE_INVALID_TOKEN, NULL, NULL },
	{ "DPoP-bound", "{'active':true,'exp':1700000600,'aud':'" RES "',"
	    "'cnf':{'jkt':'abc'}}", "token is sender-constrained (cnf); it "
	    "cannot be used as a bearer token", DECIDE_INVALID_TOKEN, NULL,
	    NULL },
	{ "DPoP-bound, as oidc-provider answers", "{'active':true,'exp':"
	    "1700000600,'aud':'" RES "','token_type':'DPoP','cnf':{'jkt':'a'}}",
	    "token is sender-constrained (cnf); it cannot be used as a bearer "
	    "token", DECIDE_INVALID_TOKEN, NULL, NULL },
	{ "another issuer", "{'active':true,'exp':1700000600,'aud':'" RES "',"
	    "'iss':'https://evil'}", "introspection names another issuer than "
	    ISS, DECIDE_INVALID_TOKEN, NULL, NULL },
	{ "no exp", "{'active':true,'aud':'" RES "'}", "token has no exp",
	    DECIDE_INVALID_TOKEN, NULL, NULL },
	{ "expired", "{'active':true,'aud':'" RES "','exp':1699999000}",
	    "token expired at 1699999000 (now 1700000000, leeway 60)",
	    DECIDE_INVALID_TOKEN, NULL, NULL },
	{ "not yet valid", "{'active':true,'aud':'" RES "','exp':1700000600,"
	    "'nbf':1700000100}", "token not valid before 1700000100 (now "
	    "1700000000, leeway 60)", DECIDE_INVALID_TOKEN, NULL, NULL },
	{ "missing scope", "{'active':true,'aud':'" RES "','exp':1700000600,"
	    "'scope':'write'}", "token lacks scope read",
	    DECIDE_INSUFFICIENT_SCOPE, NULL, NULL },
	{ "garbage", "not json {{{", "introspection response: ",
	    DECIDE_ERROR, NULL, NULL },
	{ "an array", "[true]", "introspection response: not a JSON object",
	    DECIDE_ERROR, NULL, NULL },
	{ "active a string", "{'active':'true'}", "introspection response: "
	    "no boolean \"active\"", DECIDE_ERROR, NULL, NULL },
	{ "duplicate members", "{'active':false,'active':true}",
	    "introspection response: ", DECIDE_ERROR, NULL, NULL },
};

static void
test_answers(void)
{
	struct decide_input in = { 0 };
	struct decision d;
	const char *body;
	char name[160], *b64;
	size_t i;

	in.cfg = cfg;
	in.resource = &cfg->resources[0];
	in.keys = keys;
	in.now = NOW;
	in.required = "read";
	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		body = J(answers[i].body);
		in.required = answers[i].scopes != NULL &&
		    answers[i].scopes[0] == '\0' ? "" : "read";
		introspect_decide(&in, 0, body, strlen(body), &d);
		snprintf(name, sizeof(name), "%s: code", answers[i].name);
		is_int(d.code, answers[i].code, name);
		snprintf(name, sizeof(name), "%s: reason", answers[i].name);
		if (answers[i].code == DECIDE_ERROR)
			ok(strncmp(d.reason, answers[i].reason,
			    strlen(answers[i].reason)) == 0, name);
		else
			is_str(d.reason, answers[i].reason, name);
		if (answers[i].code == DECIDE_ALLOW) {
			snprintf(name, sizeof(name), "%s: scopes",
			    answers[i].name);
			is_str(d.info.scopes, answers[i].scopes, name);
			snprintf(name, sizeof(name), "%s: client id",
			    answers[i].name);
			is_str(d.info.client_id, answers[i].client, name);
			is_str(d.info.issuer, ISS, "the issuer is the "
			    "introspecting one");
			b64 = malloc(B64URL_ENCODED_SIZE(strlen(body)));
			b64url_encode((const unsigned char *)body, strlen(body),
			    b64, B64URL_ENCODED_SIZE(strlen(body)));
			ok(d.info.payload_len == strlen(b64) &&
			    memcmp(d.info.payload, b64, d.info.payload_len) == 0,
			    "the claims are the answer, base64url");
			free(b64);
		}
		decision_clear(&d);
	}
}

static void
test_until(void)
{
	const char *b;
	int active = -1;

	b = J("{'active':true,'exp':1700000010}");
	is_int(introspect_until(b, strlen(b), NOW, 60, 5, &active),
	    1700000010, "an active answer ends at exp when that is sooner");
	is_int(active, 1, "... and is active");
	b = J("{'active':true,'exp':1700009999}");
	is_int(introspect_until(b, strlen(b), NOW, 60, 5, &active),
	    NOW + 60, "... else after introspection_cache_max");
	b = J("{'active':false}");
	is_int(introspect_until(b, strlen(b), NOW, 60, 5, &active), NOW + 5,
	    "an inactive answer lasts introspection_negative_cache");
	is_int(active, 0, "... and is inactive");
	b = "<html>";
	is_int(introspect_until(b, strlen(b), NOW, 60, 5, &active), -1,
	    "garbage is never kept");
}

static void
test_request(void)
{
	static char id[] = "my client:1", secret[] = "s3cr&t+/=";
	struct inconf c = { 0 };
	char *s;
	size_t n = 0;

	c.client_id = id;
	c.secret = secret;
	c.secret_len = strlen(c.secret);
	s = introspect_body(&c, "ab+/=", 5, &n);
	is_str(s, "token=ab%2B%2F%3D&token_type_hint=access_token",
	    "client_secret_basic: the token alone, form-encoded");
	is_int((long long)n, (long long)strlen(s), "... with its length");
	free(s);
	c.auth = INCONF_POST;
	s = introspect_body(&c, "t", 1, &n);
	is_str(s, "token=t&token_type_hint=access_token&client_id=my+client"
	    "%3A1&client_secret=s3cr%26t%2B%2F%3D",
	    "client_secret_post: id and secret in the form");
	free(s);
	s = introspect_basic(&c);
	/* base64 of "my+client%3A1:s3cr%26t%2B%2F%3D" */
	is_str(s, "Basic bXkrY2xpZW50JTNBMTpzM2NyJTI2dCUyQiUyRiUzRA==",
	    "client_secret_basic: RFC 6749 2.3.1 form-encoding, then base64");
	free(s);
}

static void
test_cache(void)
{
	struct incache *c = incache_new(4);	/* one set of four ways */
	unsigned char h[6][32];
	size_t len = 0, kept;
	char *b;
	int i, snap = -1, k1, k2;
	long long until = 0;

	ok(incache_new(0) == NULL, "token_cache_entries 0: no cache");
	for (i = 0; i < 6; i++) {
		memset(h[i], 0, 32);
		h[i][31] = (unsigned char)i;
	}
	incache_put(c, h[0], "{\"active\":true}", 15, NOW + 10, 1, NOW);
	b = incache_get(c, h[0], NOW + 9, NULL, &len, &snap, &until);
	is_str(b, "{\"active\":true}", "an answer is kept");
	is_int((long long)len, 15, "... with its length");
	free(b);
	is_int(snap, 0, "... as the answer");
	is_int(until, NOW + 10, "... with the second it ends");
	incache_note(c, h[0], &k1, "allow", 5);
	b = incache_get(c, h[0], NOW, &k1, &len, &snap, &until);
	is_str(b, "allow", "what it decided for a resource is kept with it");
	is_int(snap, 1, "... and given for that resource");
	free(b);
	b = incache_get(c, h[0], NOW, &k2, &len, &snap, &until);
	is_str(b, "{\"active\":true}", "another resource gets the answer");
	is_int(snap, 0, "... as the answer");
	free(b);
	ok(incache_get(c, h[0], NOW + 10, &k1, &len, &snap, &until) == NULL,
	    "... until the second it ends, the decision with it");
	ok(incache_get(c, h[1], NOW, NULL, &len, &snap, &until) == NULL, "another token misses");
	incache_put(c, h[1], "x", 1, NOW, 0, NOW);
	ok(incache_get(c, h[1], NOW, NULL, &len, &snap, &until) == NULL,
	    "an answer that ends now is not kept");
	/* Four active answers fill the set; an inactive one finds no room. */
	for (i = 0; i < 4; i++)
		incache_put(c, h[i], "a", 1, NOW + 100, 1, NOW);
	incache_put(c, h[4], "i", 1, NOW + 5, 0, NOW);
	ok(incache_get(c, h[4], NOW, NULL, &len, &snap, &until) == NULL,
	    "an inactive answer never evicts an active one");
	for (i = 0, kept = 0; i < 4; i++)
		if ((b = incache_get(c, h[i], NOW, NULL, &len, &snap, &until)) != NULL) {
			free(b);
			kept++;
		}
	is_int((long long)kept, 4, "... all four active answers stay");
	incache_put(c, h[5], "a", 1, NOW + 50, 1, NOW);
	b = incache_get(c, h[5], NOW, NULL, &len, &snap, &until);
	ok(b != NULL, "an active answer evicts the one that ends first");
	free(b);
	incache_free(c);
}

int
main(void)
{
	static const char text[] = "issuer " ISS " jwks=/dev/null\n"
	    "resource " RES "\n";
	char err[512], name[160];
	size_t i;

	if ((cfg = config_parse(text, strlen(text), "/t.conf", err,
	    sizeof(err))) == NULL || (keys = keystore_new(1)) == NULL) {
		printf("Bail out! %s\n", err);
		return 255;
	}
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		snprintf(name, sizeof(name), "\"%s\" is %s", shapes[i].tok,
		    shapes[i].opaque ? "opaque" : "JWS-shaped");
		is_int(introspect_is_opaque(shapes[i].tok,
		    strlen(shapes[i].tok)), shapes[i].opaque, name);
	}
	test_answers();
	test_until();
	test_request();
	test_cache();
	keystore_free(keys);
	config_free(cfg);
	return tap_done();
}
