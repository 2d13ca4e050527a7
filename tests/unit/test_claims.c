/*
 * claims and tenant (SPEC §13): paths, typed rules, the rules of
 * MCPAUTH_REQUIRE_CLAIMS, claim headers, tenant ids and templated
 * issuers, and the configuration errors they bring.  JSON is written
 * with ' for ".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "config.h"
#include "metadata.h"
#include "tenant.h"
#include "arena.h"
#include "config_error.h"
#include "tap.h"

/* s with every ' turned into ", parsed. */
static cJSON *
P(const char *s)
{
	char *t = keep(strdup(s)), *q;
	cJSON *v;

	for (q = t; *q != '\0'; q++)
		if (*q == '\'')
			*q = '"';
	if ((v = cJSON_Parse(t)) == NULL)
		bail("test JSON");
	return v;
}

/* The string value of v, or NULL. */
static const char *
json_s(const cJSON *v)
{
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *payload_text =
    "{'scope':'a b','https://example.com/roles':['admin','dev'],"
    "'realm_access':{'roles':['mcp-user']},'n':42,'f':1.5,'t':true,"
    "'s':'42','z':null,'o':{'proj':{'x':1}},"
    "'arr':[{'k':'v'}],'email':'a@example.com','mixed':[1,'x',false],"
    "'nested':[[1]],'a':{'b':{'c':'deep'}},'a.b':'flat'}";

/* The outcome of one rule text (as in MCPAUTH_REQUIRE_CLAIMS). */
static const char *
rule(const cJSON *p, const char *text)
{
	static char why[512];
	struct claims_rules *r = NULL;
	char err[256];

	if (claims_rules_parse(&r, text, err, sizeof(err)) == -1) {
		claims_rules_free(r);
		snprintf(why, sizeof(why), "error: %s", err);
		return why;
	}
	if (claims_rules_hold(r, p, why, sizeof(why)))
		snprintf(why, sizeof(why), "holds");
	claims_rules_free(r);
	return why;
}

static void
test_paths(const cJSON *p)
{
	const cJSON *v;

	v = claims_find(p, "https://example.com/roles");
	ok(cJSON_IsArray(v), "a top-level member with dots in its name");
	v = claims_find(p, "realm_access.roles");
	ok(cJSON_IsArray(v), "a dotted path into nested objects");
	is_str(json_s(claims_find(p, "a.b")), "flat",
	    "the whole name wins over the dotted path");
	is_str(json_s(claims_find(p, "a.b.c")), "deep", "three levels");
	ok(claims_find(p, "arr.k") == NULL, "a path through an array finds "
	    "nothing");
	ok(claims_find(p, "arr.0.k") == NULL, "an index is not a member");
	ok(claims_find(p, "missing") == NULL, "a missing claim");
	ok(claims_find(p, "email.x") == NULL, "a path through a string");
}

static void
test_rules(const cJSON *p)
{
	is_str(rule(p, "realm_access.roles has mcp-user"), "holds",
	    "has: array element");
	is_str(rule(p, "o has proj"), "holds", "has: object member");
	is_str(rule(p, "o has x"), "claim rule \"o has x\" is not met",
	    "has: an object member that is not there");
	is_str(rule(p, "https://example.com/roles has ops admin"), "holds",
	    "has: one of several values");
	is_str(rule(p, "n = 42"), "holds", "a number equals a number");
	is_str(rule(p, "n = 42.0"), "holds", "numbers compare as numbers");
	is_str(rule(p, "f = 1.5"), "holds", "a fraction");
	is_str(rule(p, "s = 42"), "claim rule \"s = 42\" is not met",
	    "a string \"42\" is not the number 42");
	is_str(rule(p, "n = abc"), "claim rule \"n = abc\" is not met",
	    "a number claim compared to a string");
	is_str(rule(p, "t = true"), "holds", "a boolean");
	is_str(rule(p, "email = true"), "claim rule \"email = true\" is not "
	    "met", "true matches only a boolean");
	is_str(rule(p, "mixed has false"), "holds", "has with a boolean");
	is_str(rule(p, "mixed has 1"), "holds", "has with a number");
	is_str(rule(p, "mixed has 0x1"), "claim rule \"mixed has 0x1\" is "
	    "not met", "0x1 is a string, not a JSON number");
	is_str(rule(p, "z = null"), "claim rule \"z = null\" is not met",
	    "null is never equal to anything");
	is_str(rule(p, "email_verified = true"), "claim rule \"email_verified "
	    "= true\" is not met (no such claim)", "a missing claim fails");
	is_str(rule(p, "arr.k = v"), "claim rule \"arr.k = v\" is not met "
	    "(no such claim)", "a path through an array fails");
	is_str(rule(p, "scope has a"), "claim rule \"scope has a\" is not "
	    "met", "has on a string is not a word search");
	is_str(rule(p, "t = true; n = 42 ;; email = a@example.com"), "holds",
	    "several rules separated by ;");
	is_str(rule(p, "t = true; n = 43"), "claim rule \"n = 43\" is not met",
	    "the first failed rule is named");
	is_str(rule(p, " ; "), "holds", "no rule at all");
	is_str(rule(p, "n"), "error: a claim rule is PATH = VALUE... or PATH "
	    "has VALUE...", "a rule without operator");
	is_str(rule(p, "n = "), "error: a claim rule is PATH = VALUE... or "
	    "PATH has VALUE...", "a rule without value");
	is_str(rule(p, "n == 1"), "error: claim rule operator must be = or "
	    "has, got \"==\"", "an unknown operator");
	is_str(rule(p, "a..b = 1"), "error: \"a..b\": a claim path is 1 to "
	    "256 visible ASCII characters without ';' and without an empty "
	    "segment (\"a..b\", \".a\", \"a.\")", "an empty path segment");
}

/* Header i of a one-header list for payload p, as "NAME: VALUE". */
static const char *
header(const cJSON *p, const char *path, const char *name, int authorizer)
{
	static char out[16384];
	struct claims_headers *h = NULL;
	struct buf n, v;
	const char *why = "";
	char err[256];
	int rc;

	if (claims_header_add(&h, path, name, err, sizeof(err)) == -1) {
		snprintf(out, sizeof(out), "error: %s", err);
		return out;
	}
	buf_init(&n, CLAIMS_NAME_MAX + 32);
	buf_init(&v, CLAIMS_VALUE_MAX);
	rc = claims_header_render(h, 0, p, authorizer, &n, &v, &why);
	if (rc == 1)
		snprintf(out, sizeof(out), "%s: %s", n.p, v.p);
	else
		snprintf(out, sizeof(out), "%d %s: %s", rc, n.p, why);
	buf_free(&n);
	buf_free(&v);
	claims_headers_free(h);
	return out;
}

static void
test_headers(const cJSON *p)
{
	cJSON *big;
	char *s;

	is_str(header(p, "email", "Email", 0), "X-Auth-Email: a@example.com",
	    "a string as it is");
	is_str(header(p, "email", "Email-Addr", 1),
	    "Variable-AUTH_EMAIL_ADDR: a@example.com",
	    "the authorizer's variable: upper case, - as _");
	is_str(header(p, "n", "N", 0), "X-Auth-N: 42", "a number as JSON");
	is_str(header(p, "f", "F", 0), "X-Auth-F: 1.5", "a fraction as JSON");
	is_str(header(p, "t", "T", 0), "X-Auth-T: true", "a boolean");
	is_str(header(p, "https://example.com/roles", "Roles", 0),
	    "X-Auth-Roles: admin dev", "an array joined by a space");
	is_str(header(p, "mixed", "M", 0), "X-Auth-M: 1 x false",
	    "an array of mixed scalars");
	is_str(header(p, "missing", "M", 0), "X-Auth-M: ",
	    "a missing claim is an empty value");
	is_str(header(p, "o", "O", 0), "0 X-Auth-O: an object, null or a "
	    "nested value is not passed on", "an object is left out");
	is_str(header(p, "z", "Z", 0), "0 X-Auth-Z: an object, null or a "
	    "nested value is not passed on", "null is left out");
	is_str(header(p, "arr", "A", 0), "0 X-Auth-A: an object, null or a "
	    "nested value is not passed on", "an array of objects is left out");
	is_str(header(p, "nested", "A", 0), "0 X-Auth-A: an object, null or "
	    "a nested value is not passed on", "nested arrays are left out");
	s = keep(calloc(1, 8193));
	memset(s, 'x', 8192);
	if ((big = cJSON_CreateObject()) == NULL)
		bail("out of memory");
	cJSON_AddStringToObject(big, "big", s);
	is_str(header(big, "big", "Big", 0), "0 X-Auth-Big: the value is "
	    "longer than 4096 bytes", "8 KB of text is left out");
	cJSON_Delete(big);
	is_str(header(p, "email", "E-", 0), "error: claim header name \"E-\" "
	    "must be 1 to 64 letters, digits and inner '-'",
	    "a name ending in -");
	is_str(header(p, "email", "E_mail", 0), "error: claim header name "
	    "\"E_mail\" must be 1 to 64 letters, digits and inner '-'",
	    "a name with _ (Apache would drop the header)");
	is_str(header(p, "email", "client-id", 0), "error: claim header name "
	    "\"client-id\" is mcpauth's own X-Auth-Client-Id",
	    "a built-in identity header");
}

static void
test_tenants(void)
{
	const char *why;

	ok(tenant_id_valid("72f988bf-86f1-41af-91ab-2d7cd011db47"), "a GUID");
	ok(tenant_id_valid("contoso.onmicrosoft.com"), "a domain");
	ok(tenant_id_valid("a_b"), "an underscore");
	ok(!tenant_id_valid(""), "empty");
	ok(!tenant_id_valid("."), "a dot");
	ok(!tenant_id_valid(".."), "two dots");
	ok(!tenant_id_valid("a/b"), "a slash");
	ok(!tenant_id_valid("../x"), "a climb");
	ok(!tenant_id_valid("a b"), "a space");
	ok(!tenant_id_valid("a%2Fb"), "percent-encoding");
	ok(tenant_template_ok("https://login.example/{tenantid}/v2.0", &why),
	    "a template in the path");
	ok(!tenant_template_ok("https://{tenantid}.example/", &why),
	    "a template in the host");
	ok(!tenant_template_ok("https://h/{tenantid}/{tenantid}", &why),
	    "two templates");
}

#define TPL "issuer https://login.example/{tenantid}/v2.0 jwks=k.json "
#define RESLINE "resource https://m.example\n"

static const struct {
	const char *name, *text, *error;
} errors[] = {
	{ "template without tenants=", TPL "advertise=https://login.example/"
	    "common/v2.0\n" RESLINE, "/etc/m.conf:1: issuer \"https://login."
	    "example/{tenantid}/v2.0\" is templated: it needs tenants=ID,ID... "
	    "or tenants=any" },
	{ "template without advertise=", TPL "tenants=any\n" RESLINE,
	    "/etc/m.conf:1: issuer \"https://login.example/{tenantid}/v2.0\" "
	    "is templated: it needs advertise=URL, the authorization server "
	    "named in resource metadata" },
	{ "template without jwks= or metadata=", "issuer https://login."
	    "example/{tenantid}/v2.0 tenants=any advertise=https://l.example/"
	    "\n" RESLINE, "/etc/m.conf:1: issuer \"https://login.example/"
	    "{tenantid}/v2.0\" is templated: it cannot be discovered and "
	    "needs jwks= or metadata=" },
	{ "tenants= on a plain issuer", "issuer https://as.example "
	    "jwks=k.json tenants=any\n" RESLINE, "/etc/m.conf:1: tenants= and "
	    "advertise= are for an issuer with {tenantid} in its URL" },
	{ "advertise= on a plain issuer", "issuer https://as.example "
	    "jwks=k.json advertise=https://as.example/x\n" RESLINE,
	    "/etc/m.conf:1: tenants= and advertise= are for an issuer with "
	    "{tenantid} in its URL" },
	{ "a tenant with a slash", TPL "tenants=a,b/c advertise=https://l."
	    "example/\n" RESLINE, "/etc/m.conf:1: tenants= holds \"b/c\", "
	    "which is not a tenant id (letters, digits, '-', '_', '.'; not . "
	    "or ..)" },
	{ "a tenant ..", TPL "tenants=.. advertise=https://l.example/\n"
	    RESLINE, "/etc/m.conf:1: tenants= holds \"..\", which is not a "
	    "tenant id (letters, digits, '-', '_', '.'; not . or ..)" },
	{ "an empty tenant", TPL "tenants=a,,b advertise=https://l.example/\n"
	    RESLINE, "/etc/m.conf:1: tenants= holds \"\", which is not a "
	    "tenant id (letters, digits, '-', '_', '.'; not . or ..)" },
	{ "template in the host", "issuer https://{tenantid}.example/ "
	    "jwks=k.json tenants=any advertise=https://l.example/\n" RESLINE,
	    "/etc/m.conf:1: issuer \"https://{tenantid}.example/\": "
	    "{tenantid} must appear once, in the URL's path" },
	{ "bad rule operator", "issuer https://as.example jwks=k.json\n"
	    RESLINE "require_claim a is b\n", "/etc/m.conf:3: claim rule "
	    "operator must be = or has, got \"is\"" },
	{ "rule without value", "issuer https://as.example jwks=k.json\n"
	    RESLINE "require_claim a =\n", "/etc/m.conf:3: require_claim "
	    "needs a value" },
	{ "header name", "issuer https://as.example jwks=k.json\n" RESLINE
	    "claim_header email X_Email\n", "/etc/m.conf:3: claim header name "
	    "\"X_Email\" must be 1 to 64 letters, digits and inner '-'" },
	{ "header name used twice", "issuer https://as.example jwks=k.json\n"
	    "claim_header email Email\n" RESLINE "claim_header upn email\n",
	    "/etc/m.conf:4: claim header name \"email\" is already used for "
	    "claim email" },
	{ "header with three values", "issuer https://as.example jwks=k.json\n"
	    RESLINE "claim_header a B C\n", "/etc/m.conf:3: claim_header takes "
	    "2 values, got 3" },
	{ "scope_claims twice", "issuer https://as.example jwks=k.json\n"
	    RESLINE "scope_claims scp\nscope_claims roles\n", "/etc/m.conf:4: "
	    "duplicate scope_claims (first set on line 3)" },
};

/* Placement (§4): rules and headers add to the defaults, lists replace. */
static void
test_placement(void)
{
	static const char text[] =
	    "issuer https://login.example/{tenantid}/v2.0 jwks=/k.json "
	    "tenants=t1,t2 advertise=https://login.example/common/v2.0\n"
	    "scope_claims scp\n"
	    "require_claim tid = t1\n"
	    "claim_header email Email\n"
	    "resource https://m.example/a\n"
	    "scope_claims roles\n"
	    "require_claim realm_access.roles has user\n"
	    "claim_header name Name\n"
	    "resource https://m.example/b\n";
	static const char want[] =
	    "issuer https://login.example/{tenantid}/v2.0 type=auto "
	    "jwks=/k.json tenants=t1,t2 advertise=https://login.example/"
	    "common/v2.0\n"
	    "jwks_min_refresh 60\nallow_cors_preflight off\nclaims_header on\n"
	    "decision_cache_max 60\ninsecure_http off\n"
	    "token_cache_entries 10000\n"
	    "log_format text\n"
	    "resource https://m.example/a\n"
	    "    audience https://m.example/a\n"
	    "    algorithms RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 "
	    "ES512 EdDSA\n"
	    "    leeway 60\n"
	    "    scope_claims roles\n"
	    "    require_claim tid = t1\n"
	    "    require_claim realm_access.roles has user\n"
	    "    claim_header email Email\n"
	    "    claim_header name Name\n"
	    "resource https://m.example/b\n"
	    "    audience https://m.example/b\n"
	    "    algorithms RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 "
	    "ES512 EdDSA\n"
	    "    leeway 60\n"
	    "    scope_claims scp\n"
	    "    require_claim tid = t1\n"
	    "    claim_header email Email\n";
	char err[512], *out = NULL;
	size_t len = 0;
	struct config *c;
	FILE *f;

	c = config_parse(text, strlen(text), "/etc/m.conf", err, sizeof(err));
	if (!ok(c != NULL, "defaults and resource blocks parse")) {
		printf("#   %s\n", err);
		return;
	}
	f = open_memstream(&out, &len);
	config_print(c, f);
	fclose(f);
	is_str(out, want, "check-config: templates, rules, headers, lists");
	free(out);
	config_free(c);
}

/* tenant_issuer on a config with a plain and a templated issuer. */
static void
test_issuer_match(void)
{
	static const char text[] =
	    "issuer https://as.example jwks=/k.json\n"
	    "issuer https://login.example/{tenantid}/v2.0 jwks=/k.json "
	    "tenants=t1,t.2 advertise=https://login.example/common/v2.0\n"
	    "issuer https://sts.example/{tenantid}/ jwks=/k.json "
	    "tenants=any advertise=https://sts.example/common/\n"
	    "resource https://m.example\n";
	static const struct {
		const char *name, *iss, *payload;
		int want;
		const char *why;
	} cases[] = {
		{ "a plain issuer", "https://as.example", "{}", 0, "" },
		{ "a listed tenant", "https://login.example/t1/v2.0",
		    "{'tid':'t1'}", 1, "" },
		{ "a tenant with a dot", "https://login.example/t.2/v2.0",
		    "{'tid':'t.2'}", 1, "" },
		{ "any tenant", "https://sts.example/zz/", "{'tid':'zz'}", 2,
		    "" },
		{ "a tenant not listed", "https://login.example/t3/v2.0",
		    "{'tid':'t3'}", -1, "tenant \"t3\" is not allowed for "
		    "issuer https://login.example/{tenantid}/v2.0" },
		{ "tid not matching iss", "https://login.example/t1/v2.0",
		    "{'tid':'t.2'}", -1, "issuer \"https://login.example/t1/"
		    "v2.0\" is not trusted (no issuer, nor a template filled "
		    "with tid \"t.2\")" },
		{ "no tid", "https://login.example/t1/v2.0", "{}", -1,
		    "issuer \"https://login.example/t1/v2.0\" is not trusted" },
		{ "tid with a slash", "https://sts.example/a/b/",
		    "{'tid':'a/b'}", -1, "tid is not a tenant id (letters, "
		    "digits, '-', '_', '.'; not . or ..)" },
		{ "tid ..", "https://sts.example/../", "{'tid':'..'}", -1,
		    "tid is not a tenant id (letters, digits, '-', '_', '.'; "
		    "not . or ..)" },
		{ "tid a number", "https://sts.example/1/", "{'tid':1}", -1,
		    "issuer \"https://sts.example/1/\" is not trusted" },
		{ "iss the template itself", "https://sts.example/{tenantid}/",
		    "{'tid':'x'}", -1, "issuer \"https://sts.example/{tenantid}/"
		    "\" is not trusted (no issuer, nor a template filled with "
		    "tid \"x\")" },
	};
	char err[512], why[512], *md;
	struct config *c;
	cJSON *p;
	size_t i;
	int got;

	c = config_parse(text, strlen(text), "/etc/m.conf", err, sizeof(err));
	if (!ok(c != NULL, "templated issuers parse")) {
		printf("#   %s\n", err);
		return;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = P(cases[i].payload);
		why[0] = '\0';
		got = tenant_issuer(c, cases[i].iss, p, why, sizeof(why));
		is_int(got, cases[i].want, cases[i].name);
		is_str(why, cases[i].why, cases[i].name);
		cJSON_Delete(p);
	}
	/* Resource metadata names what advertise= says, never a template. */
	md = metadata_json(c, &c->resources[0]);
	is_str(md, "{\"resource\":\"https://m.example\",\"authorization_servers\":"
	    "[\"https://as.example\",\"https://login.example/common/v2.0\","
	    "\"https://sts.example/common/\"],\"bearer_methods_supported\":"
	    "[\"header\"]}", "resource metadata: advertise= for templates");
	free(md);
	config_free(c);
}

int
main(void)
{
	cJSON *p = P(payload_text);
	size_t i;

	test_paths(p);
	test_rules(p);
	test_headers(p);
	test_tenants();
	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		is_str(config_error_of(errors[i].text), errors[i].error,
		    errors[i].name);
	test_placement();
	test_issuer_match();
	cJSON_Delete(p);
	gc();
	return tap_done();
}
