/*
 * decide(): the verification rules of SPEC §7-§8, in process.  Every case
 * builds a config with config_parse, a key set with jwks_parse and a token
 * with the mint library, decides at a fixed time and checks the exact code
 * and reason.  JSON in this file is written with ' for " (see J and jf).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "config.h"
#include "decide.h"
#include "jwks.h"
#include "keystore.h"
#include "mint.h"
#include "arena.h"
#include "tap.h"

#define NOW 1700000000LL
#define ISS "https://as.example"
#define ISS2 "https://as2.example"
#define RES "https://mcp.example/mcp"
#define TWO53 "9007199254740992"

static mint_key *rsa, *rsa_b, *p256, *p384, *p521, *ed;
static char *jwks_all;		/* every key above, each with a kid */

/* ---- strings */

static char *vfmt(const char *f, va_list ap)
    __attribute__((format(printf, 1, 0)));
static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *jf(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *
vfmt(const char *f, va_list ap)
{
	va_list ap2;
	char *s;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, f, ap2);
	va_end(ap2);
	if (n < 0)
		bail("vsnprintf");
	s = keep(malloc((size_t)n + 1));
	vsnprintf(s, (size_t)n + 1, f, ap);
	return s;
}

static char *
fmt(const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	s = vfmt(f, ap);
	va_end(ap);
	return s;
}

/* s with every ' turned into ": JSON that is readable in C source. */
static char *
J(const char *s)
{
	char *p = keep(strdup(s)), *q;

	for (q = p; *q != '\0'; q++)
		if (*q == '\'')
			*q = '"';
	return p;
}

/* fmt, then J. */
static char *
jf(const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	s = vfmt(f, ap);
	va_end(ap);
	return J(s);
}

/* A JWS header with alg and kid (none if kid is NULL). */
static char *
H(const char *alg, const char *kid)
{
	if (kid == NULL)
		return jf("{'alg':'%s'}", alg);
	return jf("{'alg':'%s','kid':'%s'}", alg, kid);
}

/* The usual valid claims plus extra members (' for "), e.g. "'x':1". */
static char *
claims(const char *extra)
{
	return jf("{'iss':'%s','aud':'%s','exp':%lld,'sub':'alice'%s%s}", ISS,
	    RES, NOW + 3600, *extra != '\0' ? "," : "", extra);
}

/* iss and aud as usual, then the members given (' for "). */
static char *
claims_only(const char *members)
{
	return jf("{'iss':'%s','aud':'%s'%s%s}", ISS, RES,
	    *members != '\0' ? "," : "", members);
}

/* A token signed by k, with the given header and payload text. */
static char *
tok(const mint_key *k, const char *alg, const char *header,
    const char *payload)
{
	return keep(mint_sign(k, alg, header, payload, MINT_SIG_OK));
}

/* The same, with a deliberately broken signature. */
static char *
tok_mode(const mint_key *k, const char *alg, const char *header,
    const char *payload, enum mint_sig mode)
{
	return keep(mint_sign(k, alg, header, payload, mode));
}

/* The usual token: RS256 by the RSA key, kid "rsa", payload given. */
static char *
rs(const char *payload)
{
	return tok(rsa, "RS256", H("RS256", "rsa"), payload);
}

/* An RS256 token by the RSA key with this header and the usual claims. */
static char *
rs_header(const char *header)
{
	return tok(rsa, "RS256", header, claims(""));
}

/* b64url(header) "." b64url(payload) "." sig (sig as given, may be ""). */
static char *
raw_token(const char *header, const char *payload, const char *sig)
{
	char *h = keep(mint_b64url(header, strlen(header)));
	char *p = keep(mint_b64url(payload, strlen(payload)));

	return fmt("%s.%s.%s", h, p, sig);
}

/* The same with a header of hlen bytes (which may hold a NUL). */
static char *
raw_token_n(const char *header, size_t hlen, const char *payload)
{
	char *h = keep(mint_b64url(header, hlen));
	char *p = keep(mint_b64url(payload, strlen(payload)));

	return fmt("%s.%s.", h, p);
}

/* Segment i (0, 1, 2) of a three-segment token. */
static char *
segment(const char *token, int i)
{
	const char *s = token, *e;

	while (i-- > 0)
		s = strchr(s, '.') + 1;
	e = s + strcspn(s, ".");
	return fmt("%.*s", (int)(e - s), s);
}

/* token with segment i replaced by seg. */
static char *
with_segment(const char *token, int i, const char *seg)
{
	const char *s[3];
	int j;

	for (j = 0; j < 3; j++)
		s[j] = j == i ? seg : segment(token, j);
	return fmt("%s.%s.%s", s[0], s[1], s[2]);
}

/* Unpadded base64url of bytes. */
static char *
b64(const void *data, size_t len)
{
	return keep(mint_b64url(data, len));
}

/* ---- decisions */

struct env {
	struct config *cfg;
	struct keystore *store;
};

/*
 * A config from text and a store whose slot i holds the set parsed from
 * sets[i] (NULL: slot left empty).
 */
static struct env *
env_make(const char *text, const char *const *sets, size_t n)
{
	struct env *e = calloc(1, sizeof(*e));
	char err[512];
	jwks *set;
	size_t i;

	if (e == NULL)
		bail("out of memory");
	if ((e->cfg = config_parse(text, strlen(text), "test.conf", err,
	    sizeof(err))) == NULL)
		bail(err);
	if (e->cfg->nissuers != n)
		bail("env_make: one key set per issuer");
	if ((e->store = keystore_new(n)) == NULL)
		bail("keystore_new");
	for (i = 0; i < n; i++) {
		if (sets[i] == NULL)
			continue;
		if ((set = jwks_parse(sets[i], strlen(sets[i]), err,
		    sizeof(err))) == NULL)
			bail(err);
		keystore_set(e->store, i, set);
	}
	return e;
}

/* One issuer (ISS) with key set keyset (NULL: jwks_all), one resource (RES)
 * with the given directives (may be NULL). */
static struct env *
env_new(const char *directives, const char *keyset)
{
	const char *sets[1];
	char *text;

	sets[0] = keyset != NULL ? keyset : jwks_all;
	text = fmt("issuer %s jwks=/dev/null\nresource %s\n%s", ISS, RES,
	    directives != NULL ? directives : "");
	return env_make(text, sets, 1);
}

static void
env_free(struct env *e)
{
	keystore_free(e->store);
	config_free(e->cfg);
	free(e);
}

/* A key set of the given JWK texts. */
static char *
jwks_of(const char *a, const char *b, const char *c)
{
	return fmt("{\"keys\":[%s%s%s%s%s]}", a, b ? "," : "", b ? b : "",
	    c ? "," : "", c ? c : "");
}

static char *
jwk(const mint_key *k, const char *kid, const char *alg, const char *use)
{
	return keep(mint_jwk(k, kid, alg, use));
}

/* Decide on token for e's first resource at now. */
static enum decide_code
run_at(const struct env *e, const char *token, const char *required,
    long long now, struct decision *d)
{
	struct decide_input in;

	memset(&in, 0, sizeof(in));
	in.cfg = e->cfg;
	in.resource = &e->cfg->resources[0];
	in.keys = e->store;
	in.required = required;
	in.now = now;
	return decide(&in, token, strlen(token), d);
}

static enum decide_code
run(const struct env *e, const char *token, const char *required,
    struct decision *d)
{
	return run_at(e, token, required, NOW, d);
}

static const char *
label(const char *name, const char *what)
{
	return fmt("%s: %s", name, what);
}

/*
 * Decide and check code and reason.  A refusal must not ask for a key
 * set refresh (only an unknown kid may) and must keep no identity.
 */
static void
expect(const char *name, const struct env *e, const char *token,
    enum decide_code code, const char *reason)
{
	struct decision d;

	run(e, token, NULL, &d);
	is_int(d.code, code, label(name, "code"));
	is_str(d.reason, reason, label(name, "reason"));
	if (code != DECIDE_ALLOW)
		ok(d.refresh_issuer == -1 && d.claims == NULL &&
		    d.info.scopes == NULL && d.info.subject == NULL &&
		    d.missing == NULL, label(name, "no refresh, nothing kept"));
	decision_clear(&d);
}

/* expect() with the default environment. */
static void
expect_default(const char *name, const char *token, enum decide_code code,
    const char *reason)
{
	struct env *e = env_new(NULL, NULL);

	expect(name, e, token, code, reason);
	env_free(e);
}

static void
allow(const char *name, const struct env *e, const char *token)
{
	expect(name, e, token, DECIDE_ALLOW, "");
}

static void
allow_default(const char *name, const char *token)
{
	expect_default(name, token, DECIDE_ALLOW, "");
}

static void
refuse_default(const char *name, const char *token, const char *reason)
{
	expect_default(name, token, DECIDE_INVALID_TOKEN, reason);
}

/* ---- one RS256 token per case */

#define EXP "1700003600"	/* NOW + 3600 */
#define DATE(name) name " is not a number in [0, 2^53)"
#define DUP(seg) seg ": duplicate member name in JSON object"
#define REFUSE DECIDE_INVALID_TOKEN
#define ALLOW DECIDE_ALLOW

/* What a case's text is (' for "). */
enum shape {
	HEADER,		/* the header; the usual claims */
	CLAIMS,		/* members added to the usual claims */
	ONLY,		/* members after iss and aud */
	PAYLOAD		/* the whole payload */
};

/*
 * Tokens signed RS256 by the RSA key, decided at NOW (leeway 60) for the
 * default environment: exact code and reason, and exp for an allow that
 * names one.
 */
static const struct rs_case {
	const char *name;
	enum shape shape;
	const char *text;
	enum decide_code code;
	const char *reason;
	long long expires_at;	/* 0: not checked */
} rs_cases[] = {
	/* the header */
	{ "header without alg", HEADER, "{'kid':'rsa'}", REFUSE,
	    "header has no alg string", 0 },
	{ "alg that is a number", HEADER, "{'alg':256,'kid':'rsa'}", REFUSE,
	    "header has no alg string", 0 },
	{ "alg in lower case", HEADER, "{'alg':'rs256','kid':'rsa'}", REFUSE,
	    "algorithm \"rs256\" is not allowed", 0 },
	{ "unknown alg", HEADER, "{'alg':'RSA-OAEP','kid':'rsa'}", REFUSE,
	    "algorithm \"RSA-OAEP\" is not allowed", 0 },
	{ "kid that is a number", HEADER, "{'alg':'RS256','kid':7}", REFUSE,
	    "kid is not a string", 0 },
	{ "crit naming an unknown extension", HEADER,
	    "{'alg':'RS256','kid':'rsa','crit':['exp'],'exp':1}", REFUSE,
	    "header crit names an unsupported extension", 0 },
	{ "crit naming b64", HEADER,
	    "{'alg':'RS256','kid':'rsa','crit':['b64'],'b64':true}", REFUSE,
	    "header crit names an unsupported extension", 0 },
	/* RFC 7797 demands crit with b64; without it, still refused. */
	{ "b64 false without crit", HEADER,
	    "{'alg':'RS256','kid':'rsa','b64':false}", REFUSE,
	    "header b64 (RFC 7797 unencoded payload) is not supported", 0 },
	{ "b64 true without crit", HEADER,
	    "{'alg':'RS256','kid':'rsa','b64':true}", REFUSE,
	    "header b64 (RFC 7797 unencoded payload) is not supported", 0 },
	{ "header with jwk null", HEADER,
	    "{'alg':'RS256','kid':'rsa','jwk':null}", REFUSE,
	    "header names a key (jwk); keys come only from the issuer's key "
	    "set", 0 },
	{ "header with two kid", HEADER,
	    "{'alg':'RS256','kid':'rsa','kid':'rsa'}", REFUSE, DUP("header"),
	    0 },
	{ "header with two alg", HEADER,
	    "{'alg':'none','kid':'rsa','alg':'RS256'}", REFUSE, DUP("header"),
	    0 },
	{ "header duplicate nested", HEADER,
	    "{'alg':'RS256','kid':'rsa','x':{'a':1,'a':1}}", REFUSE,
	    DUP("header"), 0 },
	/* dates: JSON numbers in [0, 2^53), fractions truncated */
	{ "missing exp", ONLY, "'sub':'alice'", REFUSE, "token has no exp",
	    0 },
	{ "exp as a string", ONLY, "'exp':'" EXP "'", REFUSE, DATE("exp"), 0 },
	{ "exp negative", ONLY, "'exp':-1", REFUSE, DATE("exp"), 0 },
	{ "exp -0.5", ONLY, "'exp':-0.5", REFUSE, DATE("exp"), 0 },
	{ "exp 2^53 + 2", ONLY, "'exp':9007199254740994", REFUSE, DATE("exp"),
	    0 },
	/* 2^53 + 1 parses to the double 2^53: refused all the same. */
	{ "exp 2^53 + 1", ONLY, "'exp':9007199254740993", REFUSE, DATE("exp"),
	    0 },
	{ "exp 2^53", ONLY, "'exp':" TWO53, REFUSE, DATE("exp"), 0 },
	{ "exp 1e300", ONLY, "'exp':1e300", REFUSE, DATE("exp"), 0 },
	{ "exp null", ONLY, "'exp':null", REFUSE, DATE("exp"), 0 },
	{ "exp true", ONLY, "'exp':true", REFUSE, DATE("exp"), 0 },
	{ "exp array", ONLY, "'exp':[" EXP "]", REFUSE, DATE("exp"), 0 },
	{ "nbf as a string", CLAIMS, "'nbf':'0'", REFUSE, DATE("nbf"), 0 },
	{ "iat negative", CLAIMS, "'iat':-5", REFUSE, DATE("iat"), 0 },
	{ "iat past 2^53", CLAIMS, "'iat':1e16", REFUSE, DATE("iat"), 0 },
	{ "exp 2^53 - 1", ONLY, "'exp':9007199254740991", ALLOW, "",
	    9007199254740991LL },
	{ "nbf and iat 0", CLAIMS, "'nbf':0,'iat':0", ALLOW, "", NOW + 3600 },
	/* the time window, leeway 60 */
	{ "exp = now - 60", ONLY, "'exp':1699999940", REFUSE, "token expired "
	    "at 1699999940 (now 1700000000, leeway 60)", 0 },
	{ "exp = now - 59", ONLY, "'exp':1699999941", ALLOW, "", NOW - 59 },
	{ "nbf = now + 61", ONLY, "'exp':" EXP ",'nbf':1700000061", REFUSE,
	    "token not valid before 1700000061 (now 1700000000, leeway 60)",
	    0 },
	{ "nbf = now + 60", ONLY, "'exp':" EXP ",'nbf':1700000060", ALLOW, "",
	    NOW + 3600 },
	{ "iat = now + 61", ONLY, "'exp':" EXP ",'iat':1700000061", REFUSE,
	    "token issued in the future at 1700000061 (now 1700000000, "
	    "leeway 60)", 0 },
	{ "iat = now + 60", ONLY, "'exp':" EXP ",'iat':1700000060", ALLOW, "",
	    NOW + 3600 },
	/* Truncated, not rounded: now - 59.01 is now - 60 once truncated. */
	{ "fractional exp now - 59.01", ONLY, "'exp':1699999940.99", REFUSE,
	    "token expired at 1699999940 (now 1700000000, leeway 60)", 0 },
	{ "fractional exp now + 3600.75", ONLY, "'exp':" EXP ".75", ALLOW, "",
	    NOW + 3600 },
	{ "fractional nbf now + 60.9", ONLY,
	    "'exp':" EXP ",'nbf':1700000060.9", ALLOW, "", NOW + 3600 },
	{ "fractional iat now + 61.5", ONLY,
	    "'exp':" EXP ",'iat':1700000061.5", REFUSE, "token issued in the "
	    "future at 1700000061 (now 1700000000, leeway 60)", 0 },
	{ "exp in exponent form", ONLY, "'exp':1.7e9", ALLOW, "",
	    1700000000LL },
	/* issuer */
	{ "wrong iss", PAYLOAD, "{'iss':'https://evil.example','aud':'" RES
	    "','exp':" EXP "}", REFUSE,
	    "issuer \"https://evil.example\" is not trusted", 0 },
	{ "iss with a trailing slash", PAYLOAD, "{'iss':'" ISS "/','aud':'"
	    RES "','exp':" EXP "}", REFUSE,
	    "issuer \"" ISS "/\" is not trusted", 0 },
	{ "missing iss", PAYLOAD, "{'aud':'" RES "','exp':" EXP "}", REFUSE,
	    "token has no iss string", 0 },
	{ "iss that is an array", PAYLOAD, "{'iss':['" ISS "'],'aud':'" RES
	    "','exp':" EXP "}", REFUSE, "token has no iss string", 0 },
	/* RFC 9449 / RFC 8705: sender-constrained, whatever cnf holds */
	{ "cnf (DPoP key thumbprint)", PAYLOAD, "{'iss':'" ISS "','aud':'" RES
	    "','exp':" EXP ",'cnf':{'jkt':'abc'}}", REFUSE, "token is "
	    "sender-constrained (cnf); it cannot be used as a bearer token", 0 },
	{ "cnf that is null", PAYLOAD, "{'iss':'" ISS "','aud':'" RES
	    "','exp':" EXP ",'cnf':null}", REFUSE, "token is "
	    "sender-constrained (cnf); it cannot be used as a bearer token", 0 },
	/* audience */
	{ "wrong aud", PAYLOAD, "{'iss':'" ISS "','aud':'https://other."
	    "example','exp':" EXP "}", REFUSE, "aud does not contain " RES, 0 },
	{ "missing aud", PAYLOAD, "{'iss':'" ISS "','exp':" EXP "}", REFUSE,
	    "token has no aud", 0 },
	{ "aud array without the resource", PAYLOAD, "{'iss':'" ISS "','aud':"
	    "['https://a.example','" RES "/'],'exp':" EXP "}", REFUSE,
	    "aud does not contain " RES, 0 },
	{ "empty aud array", PAYLOAD, "{'iss':'" ISS "','aud':[],'exp':" EXP
	    "}", REFUSE, "aud does not contain " RES, 0 },
	{ "aud array with a non-string", PAYLOAD, "{'iss':'" ISS "','aud':['"
	    RES "',5],'exp':" EXP "}", REFUSE,
	    "aud holds a value that is not a string", 0 },
	{ "aud that is a number", PAYLOAD, "{'iss':'" ISS "','aud':1,'exp':"
	    EXP "}", REFUSE, "aud is neither a string nor an array of strings",
	    0 },
	{ "aud that differs in case", PAYLOAD, "{'iss':'" ISS "','aud':"
	    "'HTTPS://MCP.EXAMPLE/MCP','exp':" EXP "}", REFUSE,
	    "aud does not contain " RES, 0 },
	/*
	 * A JSON string may spell a NUL as \u0000; C strings end there: an
	 * aud or sub must not pass as a shorter one.
	 */
	{ "aud with an escaped NUL after the resource URL", PAYLOAD,
	    "{'iss':'" ISS "','aud':'" RES "\\u0000.evil.example','exp':" EXP
	    "}", REFUSE, "payload: JSON text contains a NUL byte", 0 },
	{ "sub with an escaped NUL", ONLY,
	    "'exp':" EXP ",'sub':'alice\\u0000admin'", REFUSE,
	    "payload: JSON text contains a NUL byte", 0 },
	/* identity and scope members of the wrong type */
	{ "scope that is an array", CLAIMS, "'scope':['a']", REFUSE,
	    "scope is not a string", 0 },
	{ "scp that is a number", CLAIMS, "'scp':5", REFUSE,
	    "scp is not a string or an array of strings", 0 },
	{ "scp element with a space", CLAIMS, "'scp':['a b']", REFUSE,
	    "scp holds a value that is not a scope", 0 },
	{ "scopes element not a string", CLAIMS, "'scopes':['a',1]", REFUSE,
	    "scopes holds a value that is not a scope", 0 },
	{ "sub that is a number", ONLY, "'exp':" EXP ",'sub':42", REFUSE,
	    "sub is not a string", 0 },
	{ "client_id that is an object", CLAIMS, "'client_id':{}", REFUSE,
	    "client_id is not a string", 0 },
	{ "azp that is null", CLAIMS, "'azp':null", REFUSE,
	    "azp is not a string", 0 },
	/* duplicate member names, at any depth */
	{ "payload with two sub", CLAIMS, "'sub':'mallory'", REFUSE,
	    DUP("payload"), 0 },
	{ "payload with two exp", CLAIMS, "'exp':1700007200", REFUSE,
	    DUP("payload"), 0 },
	{ "duplicate nested in an object", CLAIMS,
	    "'ctx':{'a':{'role':'user','role':'admin'}}", REFUSE,
	    DUP("payload"), 0 },
	{ "duplicate in an object inside an array", CLAIMS,
	    "'list':[1,{'x':1,'y':2,'x':3}]", REFUSE, DUP("payload"), 0 },
	{ "names that differ only in case", CLAIMS, "'Sub':'x','SUB':'y'",
	    ALLOW, "", NOW + 3600 },
};

static const char *
rs_case_token(const struct rs_case *c)
{
	switch (c->shape) {
	case HEADER:
		return rs_header(J(c->text));
	case CLAIMS:
		return rs(claims(c->text));
	case ONLY:
		return rs(claims_only(c->text));
	case PAYLOAD:
		break;
	}
	return rs(J(c->text));
}

static void
test_rs_cases(void)
{
	struct env *e = env_new(NULL, NULL);
	const struct rs_case *c;
	struct decision d;
	size_t i;

	for (i = 0; i < sizeof(rs_cases) / sizeof(rs_cases[0]); i++) {
		c = &rs_cases[i];
		run(e, rs_case_token(c), NULL, &d);
		is_int(d.code, c->code, label(c->name, "code"));
		is_str(d.reason, c->reason, label(c->name, "reason"));
		if (c->code != DECIDE_ALLOW)
			ok(d.refresh_issuer == -1 && d.claims == NULL &&
			    d.info.scopes == NULL && d.info.subject == NULL &&
			    d.missing == NULL,
			    label(c->name, "no refresh, nothing kept"));
		else if (c->expires_at != 0)
			is_int(d.info.expires_at, c->expires_at,
			    label(c->name, "expires_at"));
		decision_clear(&d);
	}
	env_free(e);
}

/* Allowed tokens (the usual claims plus members, or iss and aud plus
 * members) and the identity the decision reports. */
static const struct {
	const char *name;
	enum shape shape;
	const char *text;
	const char *subject, *client_id, *scopes;
} identities[] = {
	{ "client_id falls back to azp", CLAIMS, "'azp':'app-2'", "alice",
	    "app-2", "" },
	{ "client_id wins over azp", CLAIMS, "'azp':'app-2','client_id':'app-1'",
	    "alice", "app-1", "" },
	{ "no sub, no client_id, no azp, no scope", ONLY, "'exp':" EXP, NULL,
	    NULL, "" },
	{ "scopes from scp array", CLAIMS, "'scp':['read','write']", "alice",
	    NULL, "read write" },
	{ "scopes from scopes array", CLAIMS, "'scopes':['a:b','c']", "alice",
	    NULL, "a:b c" },
	{ "scopes from scopes string", CLAIMS, "'scopes':'x y z'", "alice",
	    NULL, "x y z" },
	{ "scope string wins over scp", CLAIMS, "'scope':'one','scp':['two']",
	    "alice", NULL, "one" },
	{ "scp wins over scopes", CLAIMS, "'scp':['two'],'scopes':['three']",
	    "alice", NULL, "two" },
	{ "empty scope string", CLAIMS, "'scope':''", "alice", NULL, "" },
	{ "blanks around and between scopes", CLAIMS, "'scope':'  a   b '",
	    "alice", NULL, "a b" },
};

static void
test_identity(void)
{
	struct env *e = env_new(NULL, NULL);
	struct rs_case c = { NULL, CLAIMS, NULL, ALLOW, "", 0 };
	struct decision d;
	const char *n;
	size_t i;

	for (i = 0; i < sizeof(identities) / sizeof(identities[0]); i++) {
		n = identities[i].name;
		c.shape = identities[i].shape;
		c.text = identities[i].text;
		run(e, rs_case_token(&c), NULL, &d);
		is_int(d.code, DECIDE_ALLOW, label(n, "code"));
		is_str(d.reason, "", label(n, "reason"));
		is_str(d.info.subject, identities[i].subject,
		    label(n, "subject"));
		is_str(d.info.client_id, identities[i].client_id,
		    label(n, "client_id"));
		is_str(d.info.scopes, identities[i].scopes, label(n, "scopes"));
		decision_clear(&d);
	}
	env_free(e);
}

/* ---- accepted tokens and what they tell */

static const struct {
	const char *alg;
	mint_key **key;
	const char *kid;
} algs[] = {
	{ "RS256", &rsa, "rsa" }, { "RS384", &rsa, "rsa" },
	{ "RS512", &rsa, "rsa" }, { "PS256", &rsa, "rsa" },
	{ "PS384", &rsa, "rsa" }, { "PS512", &rsa, "rsa" },
	{ "ES256", &p256, "p256" }, { "ES384", &p384, "p384" },
	{ "ES512", &p521, "p521" }, { "EdDSA", &ed, "ed" },
};
#define NALGS (sizeof(algs) / sizeof(algs[0]))

static void
test_every_algorithm(void)
{
	struct env *e = env_new(NULL, NULL);
	struct decision d;
	const char *name, *payload, *token;
	char *cj;
	size_t i;

	for (i = 0; i < NALGS; i++) {
		name = fmt("accept %s", algs[i].alg);
		payload = jf("{'iss':'%s','sub':'alice','client_id':'app-1',"
		    "'azp':'other','aud':'%s','exp':%lld,'iat':%lld,'nbf':%lld,"
		    "'scope':'read write'}", ISS, RES, NOW + 3600, NOW, NOW);
		token = tok(*algs[i].key, algs[i].alg,
		    H(algs[i].alg, algs[i].kid), payload);
		run(e, token, NULL, &d);
		is_int(d.code, DECIDE_ALLOW, label(name, "code"));
		is_str(d.reason, "", label(name, "reason"));
		is_str(d.info.subject, "alice", label(name, "subject"));
		is_str(d.info.client_id, "app-1", label(name, "client_id"));
		is_str(d.info.scopes, "read write", label(name, "scopes"));
		is_str(d.info.issuer, ISS, label(name, "issuer"));
		is_str(d.info.audience, RES, label(name, "audience"));
		is_int(d.info.expires_at, NOW + 3600,
		    label(name, "expires_at"));
		ok(d.info.payload == strchr(token, '.') + 1,
		    label(name, "payload points at the token's middle segment"));
		is_int((long long)d.info.payload_len,
		    (long long)strlen(segment(token, 1)),
		    label(name, "payload_len"));
		cj = keep(decide_claims_json(&d));
		ok(cj != NULL && strstr(cj, J("'client_id':'app-1'")) != NULL,
		    label(name, "claims hold the payload"));
		ok(d.missing == NULL && d.refresh_issuer == -1,
		    label(name, "nothing missing, no refresh"));
		decision_clear(&d);
	}
	env_free(e);
}

/* ---- the header */

static void
test_alg_none(void)
{
	static const char *const names[] = { "none", "NONE", "nOnE", "None" };
	char *token;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		token = raw_token(jf("{'alg':'%s'}", names[i]), claims(""), "");
		refuse_default(fmt("alg %s, empty signature", names[i]), token,
		    fmt("alg \"%s\" (unsigned token) is refused", names[i]));
	}
	/* Even with a kid and a (meaningless) signature. */
	token = raw_token(J("{'alg':'none','kid':'rsa'}"), claims(""),
	    b64("xxxxxxxx", 8));
	refuse_default("alg none with kid and signature", token,
	    "alg \"none\" (unsigned token) is refused");
}

static void
test_hmac_with_public_key(void)
{
	char *pem = keep(mint_pubkey_pem(rsa));
	char *token;

	token = keep(mint_sign_hmac(pem, strlen(pem), "HS256",
	    H("HS256", "rsa"), claims("")));
	refuse_default("HS256 keyed with the RSA public key PEM", token,
	    "algorithm \"HS256\" is not allowed");
	token = keep(mint_sign_hmac(pem, strlen(pem), "HS512",
	    H("HS512", NULL), claims("")));
	refuse_default("HS512 without kid keyed with the PEM", token,
	    "algorithm \"HS512\" is not allowed");
}

static void
test_header_names_key(void)
{
	static const struct {
		const char *member, *value;
	} m[] = {
		{ "jwk", "{'kty':'oct','k':'AAAA'}" },
		{ "jku", "'https://evil.example/jwks.json'" },
		{ "x5u", "'https://evil.example/cert.pem'" },
		{ "x5c", "['MIIB']" },
	};
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		refuse_default(fmt("header with %s", m[i].member),
		    rs_header(jf("{'alg':'RS256','kid':'rsa','%s':%s}",
		    m[i].member, m[i].value)),
		    fmt("header names a key (%s); keys come only from the "
		    "issuer's key set", m[i].member));
	refuse_default("header with jwk null",
	    rs_header(J("{'alg':'RS256','kid':'rsa','jwk':null}")),
	    "header names a key (jwk); keys come only from the issuer's key "
	    "set");
}

static void
test_require_typ(void)
{
	static const char *const good[] = {
		"at+jwt", "AT+JWT", "application/at+jwt", "Application/At+JWT"
	};
	static const char *const bad[] = { "JWT", "jwt", "application/jwt",
		"at+jwt2", "" };
	struct env *e = env_new("require_typ at+jwt\n", NULL);
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		allow(fmt("typ %s accepted", good[i]), e,
		    rs_header(jf("{'alg':'RS256','kid':'rsa','typ':'%s'}",
		    good[i])));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect(fmt("typ \"%s\" refused", bad[i]), e,
		    rs_header(jf("{'alg':'RS256','kid':'rsa','typ':'%s'}",
		    bad[i])), DECIDE_INVALID_TOKEN, "typ is not at+jwt");
	expect("missing typ refused", e, rs(claims("")), DECIDE_INVALID_TOKEN,
	    "typ is not at+jwt");
	expect("typ that is a number refused", e,
	    rs_header(J("{'alg':'RS256','kid':'rsa','typ':1}")),
	    DECIDE_INVALID_TOKEN, "typ is not at+jwt");
	env_free(e);

	/* Configured with the prefix, the short form matches too. */
	e = env_new("require_typ application/at+jwt\n", NULL);
	allow("require_typ application/at+jwt accepts at+jwt", e,
	    rs_header(J("{'alg':'RS256','kid':'rsa','typ':'at+jwt'}")));
	env_free(e);

	/* Without require_typ any typ goes. */
	allow_default("typ not checked when not required",
	    rs_header(J("{'alg':'RS256','kid':'rsa','typ':'JWT'}")));
}

static void
test_algorithms_directive(void)
{
	struct env *e = env_new("algorithms ES256 EdDSA\n", NULL);

	expect("RS256 not in algorithms", e, rs(claims("")),
	    DECIDE_INVALID_TOKEN, "algorithm \"RS256\" is not allowed");
	expect("ES384 not in algorithms", e,
	    tok(p384, "ES384", H("ES384", "p384"), claims("")),
	    DECIDE_INVALID_TOKEN, "algorithm \"ES384\" is not allowed");
	allow("ES256 in algorithms", e,
	    tok(p256, "ES256", H("ES256", "p256"), claims("")));
	allow("EdDSA in algorithms", e,
	    tok(ed, "EdDSA", H("EdDSA", "ed"), claims("")));
	env_free(e);
}

/* ---- keys */

static void
test_kid_of_other_key(void)
{
	refuse_default("kid of an EC key on an RS256 token",
	    tok(rsa, "RS256", H("RS256", "p256"), claims("")),
	    "key \"p256\" is of another key type (EC key, token alg RS256)");
	refuse_default("kid of an RSA key on an ES256 token",
	    tok(p256, "ES256", H("ES256", "rsa"), claims("")),
	    "key \"rsa\" is of another key type (RSA key, token alg ES256)");
	refuse_default("kid of an Ed25519 key on a PS256 token",
	    tok(rsa, "PS256", H("PS256", "ed"), claims("")),
	    "key \"ed\" is of another key type (OKP key, token alg PS256)");
	refuse_default("kid of a P-256 key on an ES384 token",
	    tok(p384, "ES384", H("ES384", "p256"), claims("")),
	    "key \"p256\" is on another curve (EC key, token alg ES384)");
}

static void
test_unknown_kid(void)
{
	struct env *e = env_new(NULL, NULL);
	struct decision d;

	run(e, tok(rsa, "RS256", H("RS256", "nope"), claims("")), NULL, &d);
	is_int(d.code, DECIDE_INVALID_TOKEN, "unknown kid: code");
	is_str(d.reason, "no key with kid \"nope\"", "unknown kid: reason");
	is_int(d.refresh_issuer, 0, "unknown kid: refresh issuer 0");
	ok(d.claims == NULL, "unknown kid: nothing kept");
	decision_clear(&d);
	is_int(d.refresh_issuer, -1, "decision_clear resets refresh_issuer");
	env_free(e);
}

/* Two issuers: each token is checked against its own issuer's set. */
static void
test_two_issuers(void)
{
	const char *sets[2];
	struct env *e;
	struct decision d;
	char *text, *p2;

	sets[0] = jwks_all;
	sets[1] = jwks_of(jwk(p256, "other", NULL, NULL), NULL, NULL);
	text = fmt("issuer %s jwks=/dev/null\nissuer %s jwks=/dev/null\n"
	    "resource %s\n", ISS, ISS2, RES);
	e = env_make(text, sets, 2);
	p2 = jf("{'iss':'%s','aud':'%s','exp':%lld}", ISS2, RES, NOW + 3600);

	run(e, tok(rsa, "RS256", H("RS256", "rsa"), p2), NULL, &d);
	is_int(d.code, DECIDE_INVALID_TOKEN,
	    "second issuer, kid of the first's key: code");
	is_str(d.reason, "no key with kid \"rsa\"",
	    "second issuer, kid of the first's key: reason");
	is_int(d.refresh_issuer, 1,
	    "second issuer, kid of the first's key: refresh issuer 1");
	decision_clear(&d);

	run(e, tok(p256, "ES256", H("ES256", "other"), p2), NULL, &d);
	is_int(d.code, DECIDE_ALLOW, "second issuer's own key: code");
	is_str(d.reason, "", "second issuer's own key: reason");
	is_str(d.info.issuer, ISS2, "second issuer's own key: issuer");
	decision_clear(&d);
	env_free(e);

	/* No key set for the second issuer yet: cannot decide (500). */
	sets[1] = NULL;
	e = env_make(text, sets, 2);
	expect("issuer without a key set", e,
	    tok(p256, "ES256", H("ES256", "p256"), p2), DECIDE_ERROR,
	    "no key set could be obtained for issuer " ISS2);
	env_free(e);
}

static void
test_no_kid(void)
{
	struct env *e;
	struct decision d;

	e = env_new(NULL, jwks_of(jwk(rsa, NULL, NULL, NULL),
	    jwk(p256, NULL, NULL, NULL), jwk(ed, "ed", NULL, NULL)));
	allow("no kid, exactly one RSA key fits", e,
	    tok(rsa, "RS256", H("RS256", NULL), claims("")));
	allow("no kid, exactly one P-256 key fits", e,
	    tok(p256, "ES256", H("ES256", NULL), claims("")));
	allow("no kid, the one fitting key has a kid", e,
	    tok(ed, "EdDSA", H("EdDSA", NULL), claims("")));
	run(e, tok(p384, "ES384", H("ES384", NULL), claims("")), NULL, &d);
	is_int(d.code, DECIDE_INVALID_TOKEN, "no kid, no key fits: code");
	is_str(d.reason, "no key fits alg ES384", "no kid, no key fits: reason");
	is_int(d.refresh_issuer, 0, "no kid, no key fits: refresh issuer 0");
	decision_clear(&d);
	env_free(e);

	e = env_new(NULL, jwks_of(jwk(rsa, NULL, NULL, NULL),
	    jwk(rsa_b, "b", NULL, NULL), jwk(p256, NULL, NULL, NULL)));
	expect("no kid, two RSA keys fit", e,
	    tok(rsa, "RS256", H("RS256", NULL), claims("")),
	    DECIDE_INVALID_TOKEN, "token has no kid and 2 keys fit alg RS256");
	allow("no kid, two RSA keys but one EC key", e,
	    tok(p256, "ES256", H("ES256", NULL), claims("")));
	env_free(e);

	/* A key restricted to another alg does not count as fitting. */
	e = env_new(NULL, jwks_of(jwk(rsa, NULL, "RS256", NULL),
	    jwk(rsa_b, NULL, "PS256", NULL), NULL));
	allow("no kid, two RSA keys, one for RS256", e,
	    tok(rsa, "RS256", H("RS256", NULL), claims("")));
	allow("no kid, two RSA keys, one for PS256", e,
	    tok(rsa_b, "PS256", H("PS256", NULL), claims("")));
	env_free(e);

	/* An encryption key does not count either. */
	e = env_new(NULL, jwks_of(jwk(rsa, NULL, NULL, "sig"),
	    jwk(rsa_b, NULL, NULL, "enc"), NULL));
	allow("no kid, two RSA keys, one for encryption", e,
	    tok(rsa, "RS256", H("RS256", NULL), claims("")));
	env_free(e);
}

static void
test_key_use_and_alg(void)
{
	struct env *e = env_new(NULL, jwks_of(jwk(rsa, "enc", NULL, "enc"),
	    jwk(rsa_b, "rs384", "RS384", NULL), jwk(p256, "sig", "ES256",
	    "sig")));

	expect("key with use enc", e,
	    tok(rsa, "RS256", H("RS256", "enc"), claims("")),
	    DECIDE_INVALID_TOKEN,
	    "key \"enc\" is not for signatures (RSA key, token alg RS256)");
	expect("key alg RS384, token RS256", e,
	    tok(rsa_b, "RS256", H("RS256", "rs384"), claims("")),
	    DECIDE_INVALID_TOKEN,
	    "key \"rs384\" is for another algorithm (RSA key, token alg RS256)");
	allow("key alg RS384, token RS384", e,
	    tok(rsa_b, "RS384", H("RS384", "rs384"), claims("")));
	allow("key with use sig and alg ES256", e,
	    tok(p256, "ES256", H("ES256", "sig"), claims("")));
	env_free(e);
}

/*
 * Some issuers publish one kid for a signing key and an encryption key.
 * The signing key is used, and the allow decision carries no stale
 * refusal reason from the key that was passed over.
 */
static void
test_shared_kid(void)
{
	struct env *e = env_new(NULL, jwks_of(jwk(rsa_b, "k1", NULL, "enc"),
	    jwk(rsa, "k1", NULL, "sig"), NULL));

	allow("kid shared by an enc key and a sig key", e,
	    tok(rsa, "RS256", H("RS256", "k1"), claims("")));
	env_free(e);
}

/* ---- signatures */

static void
test_algorithm_confusion(void)
{
	refuse_default("PSS signature labelled RS256",
	    tok(rsa, "PS256", H("RS256", "rsa"), claims("")),
	    "signature verification failed");
	refuse_default("PKCS#1 signature labelled PS256",
	    tok(rsa, "RS256", H("PS256", "rsa"), claims("")),
	    "signature verification failed");
	refuse_default("RS256 signature labelled RS512",
	    tok(rsa, "RS256", H("RS512", "rsa"), claims("")),
	    "signature verification failed");
	refuse_default("signature by another RSA key",
	    tok(rsa_b, "RS256", H("RS256", "rsa"), claims("")),
	    "signature verification failed");
}

static void
test_tampered(void)
{
	const char *name, *token, *forged;
	size_t i;

	for (i = 0; i < NALGS; i++) {
		token = tok(*algs[i].key, algs[i].alg,
		    H(algs[i].alg, algs[i].kid), claims(""));
		forged = claims("'admin':true");
		name = fmt("%s token with a re-encoded payload", algs[i].alg);
		refuse_default(name, with_segment(token, 1,
		    b64(forged, strlen(forged))),
		    "signature verification failed");
	}
	token = rs(claims(""));
	forged = J("{'alg':'RS256','kid':'rsa','typ':'at+jwt'}");
	refuse_default("RS256 token with a re-encoded header",
	    with_segment(token, 0, b64(forged, strlen(forged))),
	    "signature verification failed");
}

static void
test_empty_signature(void)
{
	size_t i;

	for (i = 0; i < NALGS; i++)
		refuse_default(fmt("%s with an empty signature", algs[i].alg),
		    tok_mode(*algs[i].key, algs[i].alg,
		    H(algs[i].alg, algs[i].kid), claims(""), MINT_SIG_EMPTY),
		    "signature is empty");
}

/* The P-256 group order n, big-endian. */
static const unsigned char p256_n[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

static void
test_ecdsa_range(void)
{
	static const struct {
		const char *alg, *kid;
		mint_key **key;
	} ec[] = {
		{ "ES256", "p256", &p256 }, { "ES384", "p384", &p384 },
		{ "ES512", "p521", &p521 },
	};
	unsigned char sig[64];
	char *token;
	size_t i;

	for (i = 0; i < 3; i++)
		refuse_default(fmt("%s with r = s = 0", ec[i].alg),
		    tok_mode(*ec[i].key, ec[i].alg, H(ec[i].alg, ec[i].kid),
		    claims(""), MINT_SIG_ZERO),
		    "ECDSA r or s is zero or not below the group order");

	/* r = n, s from a real signature: out of range, not just wrong. */
	token = tok(p256, "ES256", H("ES256", "p256"), claims(""));
	memcpy(sig, p256_n, 32);
	memset(sig + 32, 0x11, 32);
	refuse_default("ES256 with r = n", with_segment(token, 2,
	    b64(sig, sizeof(sig))),
	    "ECDSA r or s is zero or not below the group order");
	memset(sig, 0x11, 32);
	memcpy(sig + 32, p256_n, 32);
	refuse_default("ES256 with s = n", with_segment(token, 2,
	    b64(sig, sizeof(sig))),
	    "ECDSA r or s is zero or not below the group order");
	memset(sig, 0xff, sizeof(sig));
	refuse_default("ES256 with r, s = 2^256 - 1", with_segment(token, 2,
	    b64(sig, sizeof(sig))),
	    "ECDSA r or s is zero or not below the group order");

	refuse_default("RS256 all-zero signature",
	    tok_mode(rsa, "RS256", H("RS256", "rsa"), claims(""),
	    MINT_SIG_ZERO), "signature verification failed");
	refuse_default("EdDSA all-zero signature",
	    tok_mode(ed, "EdDSA", H("EdDSA", "ed"), claims(""), MINT_SIG_ZERO),
	    "signature verification failed");
}

static void
test_signature_length(void)
{
	static const enum mint_sig modes[] = { MINT_SIG_LONG, MINT_SIG_SHORT };
	static const char *const mode_names[] = { "one byte too long",
		"one byte too short" };
	size_t i, m;

	for (i = 0; i < NALGS; i++)
		for (m = 0; m < 2; m++)
			refuse_default(fmt("%s signature %s", algs[i].alg,
			    mode_names[m]), tok_mode(*algs[i].key, algs[i].alg,
			    H(algs[i].alg, algs[i].kid), claims(""), modes[m]),
			    "signature has the wrong length for the key");
	refuse_default("ES256 signature DER-encoded",
	    tok_mode(p256, "ES256", H("ES256", "p256"), claims(""),
	    MINT_SIG_DER), "signature has the wrong length for the key");
	refuse_default("ES384 signature DER-encoded",
	    tok_mode(p384, "ES384", H("ES384", "p384"), claims(""),
	    MINT_SIG_DER), "signature has the wrong length for the key");
	refuse_default("ES512 signature DER-encoded",
	    tok_mode(p521, "ES512", H("ES512", "p521"), claims(""),
	    MINT_SIG_DER), "signature has the wrong length for the key");
}

/* A token whose RSA signature began with 0x00, with that byte dropped. */
static char *
strip0(const char *alg)
{
	char *token;
	int i;

	for (i = 0; i < 4000; i++) {
		token = mint_sign(rsa, alg, H(alg, "rsa"),
		    claims(fmt("'jti':'%d'", i)), MINT_SIG_STRIP0);
		if (token != NULL)
			return keep(token);
	}
	bail("no RSA signature with a leading zero byte");
	return NULL;
}

static void
test_strip0(void)
{
	refuse_default("PS256 signature with its leading zero stripped",
	    strip0("PS256"), "signature has the wrong length for the key");
	refuse_default("RS256 signature with its leading zero stripped",
	    strip0("RS256"), "signature has the wrong length for the key");
}

/* A PS256 token by the RSA key with a PSS salt of saltlen bytes. */
static char *
pss_with_salt(int saltlen)
{
	const char *h = b64(H("PS256", "rsa"), strlen(H("PS256", "rsa")));
	const char *p = b64(claims(""), strlen(claims("")));
	const char *input = fmt("%s.%s", h, p);
	unsigned char sig[512];
	size_t siglen = sizeof(sig);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;

	if (ctx == NULL || EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL,
	    (EVP_PKEY *)mint_key_pkey(rsa)) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, saltlen) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, (const unsigned char *)input,
	    strlen(input)) != 1)
		bail("PSS signing");
	EVP_MD_CTX_free(ctx);
	return fmt("%s.%s", input, b64(sig, siglen));
}

/* RFC 7518 §3.5: the PSS salt is as long as the hash, nothing else. */
static void
test_pss_salt(void)
{
	allow_default("PS256 with a 32-byte salt", pss_with_salt(32));
	refuse_default("PS256 with a 20-byte salt", pss_with_salt(20),
	    "signature verification failed");
	refuse_default("PS256 with no salt", pss_with_salt(0),
	    "signature verification failed");
}

static void
test_ed25519_high_s(void)
{
	refuse_default("Ed25519 with S + L",
	    tok_mode(ed, "EdDSA", H("EdDSA", "ed"), claims(""),
	    MINT_SIG_HIGH_S), "Ed25519 S is not below the group order");
}

/* ---- claims */

static void
test_leeway_zero(void)
{
	struct env *e = env_new("leeway 0\n", NULL);

	expect("leeway 0, exp = now", e, rs(claims_only(jf("'exp':%lld", NOW))),
	    DECIDE_INVALID_TOKEN, fmt("token expired at %lld (now %lld, "
	    "leeway 0)", NOW, NOW));
	allow("leeway 0, exp = now + 1", e,
	    rs(claims_only(jf("'exp':%lld", NOW + 1))));
	expect("leeway 0, nbf = now + 1", e, rs(claims(jf("'nbf':%lld",
	    NOW + 1))), DECIDE_INVALID_TOKEN, fmt("token not valid before "
	    "%lld (now %lld, leeway 0)", NOW + 1, NOW));
	allow("leeway 0, nbf = now", e, rs(claims(jf("'nbf':%lld", NOW))));
	env_free(e);
}

static void
test_audience(void)
{
	const long long exp = NOW + 3600;
	struct env *e;
	struct decision d;

	e = env_new(NULL, NULL);
	run(e, rs(jf("{'iss':'%s','aud':['https://a.example','%s'],"
	    "'exp':%lld}", ISS, RES, exp)), NULL, &d);
	is_int(d.code, DECIDE_ALLOW, "aud array with the resource: code");
	is_str(d.reason, "", "aud array with the resource: reason");
	is_str(d.info.audience, RES, "aud array with the resource: audience");
	decision_clear(&d);
	env_free(e);

	e = env_new("audience https://one.example api://two\n", NULL);
	run(e, rs(jf("{'iss':'%s','aud':['%s','api://two','https://one."
	    "example'],'exp':%lld}", ISS, RES, exp)), NULL, &d);
	is_int(d.code, DECIDE_ALLOW, "configured audiences, array: code");
	is_str(d.reason, "", "configured audiences, array: reason");
	is_str(d.info.audience, "api://two",
	    "configured audiences, array: first match in the token");
	decision_clear(&d);
	expect("configured audiences replace the resource URL", e,
	    rs(claims("")), DECIDE_INVALID_TOKEN,
	    "aud does not contain https://one.example");
	env_free(e);
}

/* ---- JSON and encoding */

static void
test_duplicates(void)
{
	const char *many;
	int i;

	/* Past 16 members the check sorts names; still found. */
	many = "";
	for (i = 0; i < 30; i++)
		many = fmt("%s'c%d':%d,", many, i, i);
	refuse_default("duplicate among 34 claims",
	    rs(claims(fmt("%s'c17':0", many))),
	    "payload: duplicate member name in JSON object");
	refuse_default("duplicate aud (first name in order) among 34 claims",
	    rs(claims(fmt("%s'aud':'%s'", many, RES))),
	    "payload: duplicate member name in JSON object");
	allow_default("34 distinct claims", rs(claims(fmt("%s'c30':0", many))));
}

/* json padded with blanks (after the object) so its length is 1 mod 3:
 * its base64url then has 4 leftover bits and a length of 2 mod 4. */
static char *
len_1_mod_3(const char *json)
{
	char *s = fmt("%s", json);

	while (strlen(s) % 3 != 1)
		s = fmt("%s ", s);
	return s;
}

/* seg with its last character replaced so the leftover bits are not 0. */
static char *
nonzero_tail(const char *seg)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	char *s = fmt("%s", seg);
	size_t n = strlen(s);
	const char *c = strchr(alphabet, s[n - 1]);

	s[n - 1] = alphabet[(c - alphabet) | 1];
	return s;
}

/* seg with the character at i replaced by c. */
static char *
poke(const char *seg, size_t i, char c)
{
	char *s = fmt("%s", seg);

	s[i] = c;
	return s;
}

static void
test_base64url(void)
{
	static const char *const seg_names[] = { "header", "payload",
		"signature" };
	static const char *const reasons[] = { "header: not valid base64url",
		"payload: not valid base64url",
		"signature is not valid base64url" };
	char *token, *seg;
	int i;

	token = tok(rsa, "RS256", len_1_mod_3(H("RS256", "rsa")),
	    len_1_mod_3(claims("")));
	allow_default("base64url test token", token);
	for (i = 0; i < 3; i++) {
		seg = segment(token, i);
		if (strlen(seg) % 4 != 2)
			bail("segment length is not 2 mod 4");
		refuse_default(fmt("%s with '==' padding", seg_names[i]),
		    with_segment(token, i, fmt("%s==", seg)), reasons[i]);
		refuse_default(fmt("%s with '=' padding", seg_names[i]),
		    with_segment(token, i, fmt("%s=", seg)), reasons[i]);
		refuse_default(fmt("%s with '+'", seg_names[i]),
		    with_segment(token, i, poke(seg, 5, '+')), reasons[i]);
		refuse_default(fmt("%s with '/'", seg_names[i]),
		    with_segment(token, i, poke(seg, 5, '/')), reasons[i]);
		refuse_default(fmt("%s with '*'", seg_names[i]),
		    with_segment(token, i, poke(seg, 5, '*')), reasons[i]);
		refuse_default(fmt("%s with a blank", seg_names[i]),
		    with_segment(token, i, poke(seg, 5, ' ')), reasons[i]);
		refuse_default(fmt("%s with non-zero leftover bits",
		    seg_names[i]), with_segment(token, i, nonzero_tail(seg)),
		    reasons[i]);
		refuse_default(fmt("%s of length 1 mod 4", seg_names[i]),
		    with_segment(token, i, fmt("%.*s", (int)strlen(seg) - 1,
		    seg)), reasons[i]);
	}
}

static void
test_segments(void)
{
	char *token = rs(claims(""));

	refuse_default("2 segments",
	    fmt("%s.%s", segment(token, 0), segment(token, 1)),
	    "token has 2 segments, a JWS has 3");
	refuse_default("4 segments", fmt("%s.%s", token, segment(token, 2)),
	    "token has 4 segments, a JWS has 3");
	refuse_default("4 segments, empty last", fmt("%s.", token),
	    "token has 4 segments, a JWS has 3");
	refuse_default("1 segment", segment(token, 0),
	    "token has 1 segments, a JWS has 3");
	refuse_default("empty token", "", "token has 1 segments, a JWS has 3");
	refuse_default("empty header", fmt(".%s.%s", segment(token, 1),
	    segment(token, 2)), "header: malformed JSON");
	refuse_default("empty payload", fmt("%s..%s", segment(token, 0),
	    segment(token, 2)), "payload: malformed JSON");
}

static size_t
b64len(size_t n)
{
	return n / 3 * 4 + (n % 3 != 0 ? n % 3 + 1 : 0);
}

/* A validly signed RS256 token of exactly size bytes. */
static char *
sized_token(size_t size)
{
	size_t base = strlen(claims("'f':''")), m, n;
	const char *h, *p;

	for (m = 0; m < 4; m++) {
		h = jf("{'alg':'RS256','kid':'rsa','pad':'%.*s'}", (int)m,
		    "xxxx");
		for (n = 0; n < 13000; n++) {
			/* RSA-2048: 256 signature bytes, 342 characters. */
			if (b64len(strlen(h)) + b64len(base + n) + 2 + 342 !=
			    size)
				continue;
			p = claims(fmt("'f':'%0*d'", (int)n, 0));
			return tok(rsa, "RS256", h, p);
		}
	}
	bail("no token of that size");
	return NULL;
}

static void
test_size(void)
{
	char *big = sized_token(DECIDE_MAX_TOKEN);
	char *bigger = sized_token(DECIDE_MAX_TOKEN + 1);

	is_int((long long)strlen(big), DECIDE_MAX_TOKEN, "16384-byte token made");
	is_int((long long)strlen(bigger), DECIDE_MAX_TOKEN + 1,
	    "16385-byte token made");
	allow_default("token of exactly 16384 bytes", big);
	refuse_default("token of 16385 bytes", bigger,
	    "token is longer than 16384 bytes");
	refuse_default("64 KiB of dots and junk",
	    memset(keep(calloc(65537, 1)), '.', 65536),
	    "token is longer than 16384 bytes");
}

/* n '[' then n ']'. */
static char *
arrays(int n)
{
	return fmt("%.*s%.*s", n, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", n,
	    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
}

static void
test_nesting(void)
{
	const char *h;
	int i;

	/* The payload object is level 1, so n arrays reach level n + 1. */
	allow_default("payload nested 32 levels",
	    rs(claims(fmt("'deep':%s", arrays(31)))));
	refuse_default("payload nested 33 levels",
	    rs(claims(fmt("'deep':%s", arrays(32)))),
	    "payload: JSON nests too deeply");
	h = "1";
	for (i = 0; i < 31; i++)
		h = fmt("{\"a\":%s}", h);
	allow_default("header nested 32 levels",
	    rs_header(fmt("{\"alg\":\"RS256\",\"kid\":\"rsa\",\"x\":%s}", h)));
	h = fmt("{\"a\":%s}", h);
	refuse_default("header nested 33 levels",
	    rs_header(fmt("{\"alg\":\"RS256\",\"kid\":\"rsa\",\"x\":%s}", h)),
	    "header: JSON nests too deeply");
	allow_default("brackets inside strings do not nest",
	    rs(claims(fmt("'s':'x\\\"%s\\\\','t':'%s'", arrays(40),
	    arrays(40)))));
}

static void
test_not_objects(void)
{
	refuse_default("payload that is an array",
	    rs(jf("[{'iss':'%s','aud':'%s','exp':%lld}]", ISS, RES,
	    NOW + 3600)), "payload: not a JSON object");
	refuse_default("payload that is a string", rs("\"x\""),
	    "payload: not a JSON object");
	refuse_default("payload null", rs("null"), "payload: not a JSON object");
	refuse_default("header that is an array",
	    rs_header(J("[{'alg':'RS256','kid':'rsa'}]")),
	    "header: not a JSON object");
	refuse_default("payload that is not JSON", rs("{'iss'"),
	    "payload: malformed JSON");
	refuse_default("payload with trailing data",
	    rs(fmt("%s{}", claims(""))), "payload: malformed JSON");
	refuse_default("header with a raw NUL byte",
	    raw_token_n("{\"alg\":\"RS256\",\"kid\":\"rsa\"}\0", 28, claims("")),
	    "header: JSON text contains a NUL byte");
}

/* ---- scopes */

static void
test_insufficient_scope(void)
{
	struct env *e = env_new("required_scopes read write admin\n", NULL);
	struct decision d;

	run(e, rs(claims("'scope':'write extra','client_id':'app'")), NULL, &d);
	is_int(d.code, DECIDE_INSUFFICIENT_SCOPE, "insufficient scope: code");
	is_str(d.reason, "token lacks scope read admin",
	    "insufficient scope: reason");
	is_str(d.missing, "read admin",
	    "insufficient scope: missing, in order");
	is_str(d.info.subject, "alice", "insufficient scope: subject kept");
	is_str(d.info.client_id, "app", "insufficient scope: client_id kept");
	is_str(d.info.scopes, "write extra",
	    "insufficient scope: granted scopes kept");
	is_int(d.refresh_issuer, -1, "insufficient scope: no refresh");
	decision_clear(&d);
	ok(d.missing == NULL && d.info.scopes == NULL,
	    "decision_clear frees missing and scopes");

	run(e, rs(claims("'scp':['admin','write','read']")), NULL, &d);
	is_int(d.code, DECIDE_ALLOW, "all required scopes, any order: code");
	is_str(d.reason, "", "all required scopes, any order: reason");
	ok(d.missing == NULL, "all required scopes: nothing missing");
	decision_clear(&d);

	run(e, rs(claims("")), NULL, &d);
	is_int(d.code, DECIDE_INSUFFICIENT_SCOPE, "no scope claim: code");
	is_str(d.reason, "token lacks scope read write admin",
	    "no scope claim: reason");
	is_str(d.missing, "read write admin", "no scope claim: missing");
	decision_clear(&d);

	run(e, rs(claims("'scope':'readwrite admin'")), NULL, &d);
	is_int(d.code, DECIDE_INSUFFICIENT_SCOPE, "scope prefixes: code");
	is_str(d.missing, "read write", "scope prefixes: missing");
	is_str(d.reason, "token lacks scope read write",
	    "scope prefixes: reason");
	decision_clear(&d);

	/* A bad token is refused as such, never as a 403. */
	expect("expired token without the scopes", e,
	    rs(claims_only(jf("'exp':%lld", NOW - 3600))),
	    DECIDE_INVALID_TOKEN, fmt("token expired at %lld (now %lld, "
	    "leeway 60)", NOW - 3600, NOW));
	env_free(e);
}

static void
test_required_override(void)
{
	struct env *e = env_new("required_scopes admin\n", NULL);
	struct decision d;
	char *token = rs(claims("'scope':'read'"));

	run(e, token, "read", &d);
	is_int(d.code, DECIDE_ALLOW, "required \"read\" overrides admin: code");
	is_str(d.reason, "", "required \"read\" overrides admin: reason");
	decision_clear(&d);

	run(e, token, " write read  delete ", &d);
	is_int(d.code, DECIDE_INSUFFICIENT_SCOPE,
	    "required \"write read delete\": code");
	is_str(d.missing, "write delete",
	    "required \"write read delete\": missing, config's not added");
	is_str(d.reason, "token lacks scope write delete",
	    "required \"write read delete\": reason");
	decision_clear(&d);

	run(e, token, NULL, &d);
	is_int(d.code, DECIDE_INSUFFICIENT_SCOPE, "required NULL: code");
	is_str(d.missing, "admin", "required NULL: the config's scopes");
	is_str(d.reason, "token lacks scope admin", "required NULL: reason");
	decision_clear(&d);
	env_free(e);
}

/* The one table from a decision to its HTTP status, error and exit. */
static void
test_outcomes(void)
{
	static const struct {
		enum decide_code code;
		int http;
		const char *error;
		int exit;
	} want[] = {
		{ DECIDE_UNSET, 500, "server_error", 2 },
		{ DECIDE_ALLOW, 200, "ok", 0 },
		{ DECIDE_INVALID_REQUEST, 401, "invalid_request", 1 },
		{ DECIDE_INVALID_TOKEN, 401, "invalid_token", 1 },
		{ DECIDE_INSUFFICIENT_SCOPE, 403, "insufficient_scope", 3 },
		{ DECIDE_ERROR, 500, "server_error", 2 },
		{ DECIDE_NCODES, 500, "server_error", 2 },
		{ (enum decide_code)-1, 500, "server_error", 2 },
	};
	const struct decide_outcome *o;
	struct decision zero = { 0 };
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		o = decide_outcome(want[i].code);
		is_int(o->http_status, want[i].http,
		    fmt("outcome %d: HTTP status", (int)want[i].code));
		is_str(o->error, want[i].error,
		    fmt("outcome %d: error", (int)want[i].code));
		is_str(decide_error_name(want[i].code), want[i].error,
		    fmt("outcome %d: error name", (int)want[i].code));
		is_int(o->exit_status, want[i].exit,
		    fmt("outcome %d: exit status", (int)want[i].code));
	}
	/* A decision nobody made refuses. */
	is_int(decide_outcome(zero.code)->http_status, 500,
	    "a zeroed decision answers 500");
}

int
main(void)
{
	static void (*const tests[])(void) = {
		test_every_algorithm, test_identity,
		test_rs_cases, test_alg_none, test_hmac_with_public_key,
		test_header_names_key, test_require_typ,
		test_algorithms_directive, test_kid_of_other_key,
		test_unknown_kid, test_two_issuers, test_no_kid,
		test_key_use_and_alg, test_shared_kid, test_algorithm_confusion,
		test_tampered, test_empty_signature, test_ecdsa_range,
		test_signature_length, test_strip0, test_pss_salt,
		test_ed25519_high_s,
		test_leeway_zero,
		test_audience, test_duplicates,
		test_base64url, test_segments, test_size, test_nesting,
		test_not_objects, test_insufficient_scope,
		test_required_override, test_outcomes,
	};
	size_t i;

	if ((rsa = mint_key_new("rsa2048")) == NULL ||
	    (rsa_b = mint_key_new("rsa2048")) == NULL ||
	    (p256 = mint_key_new("p256")) == NULL ||
	    (p384 = mint_key_new("p384")) == NULL ||
	    (p521 = mint_key_new("p521")) == NULL ||
	    (ed = mint_key_new("ed25519")) == NULL)
		bail("mint_key_new");
	jwks_all = fmt("{\"keys\":[%s,%s,%s,%s,%s,%s]}",
	    jwk(rsa, "rsa", NULL, NULL), jwk(rsa_b, "rsa-b", NULL, NULL),
	    jwk(p256, "p256", NULL, NULL), jwk(p384, "p384", NULL, NULL),
	    jwk(p521, "p521", NULL, NULL), jwk(ed, "ed", NULL, NULL));
	jwks_all = strdup(jwks_all);
	gc();
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		tests[i]();
		gc();
	}
	free(jwks_all);
	free(arena);
	mint_key_free(rsa);
	mint_key_free(rsa_b);
	mint_key_free(p256);
	mint_key_free(p384);
	mint_key_free(p521);
	mint_key_free(ed);
	return tap_done();
}
