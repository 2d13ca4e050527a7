/* The configuration file: one directive a line, errors name the line. */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "alg.h"
#include "claims.h"
#include "config.h"
#include "file.h"
#include "inconf.h"
#include "mcpop.h"
#include "num.h"
#include "scopeset.h"
#include "tenant.h"
#include "url.h"

/* PREAMBLE: global, and only before the first resource. */
enum scope { GLOBAL, RESOURCE, PREAMBLE };

struct parser {
	struct config *cfg;
	const char *name;
	char dir[PATH_MAX];
	int line;
	char *err;
	size_t errlen;
	struct config_resource defaults;	/* before the first resource */
	struct config_resource *cur;		/* &defaults or a resource */
	int *seen_global, *seen_scope;		/* first line of each directive */
};

struct directive {
	const char *name;
	enum scope scope;
	int multi;		/* may repeat */
	int minargs, maxargs;
	int (*fn)(struct parser *, char **, int);
};

static void resource_free(struct config_resource *);
static int perr(struct parser *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Record "NAME:LINE: message" and return -1. */
static int
perr(struct parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->line > 0)
		snprintf(p->err, p->errlen, "%s:%d: %s", p->name, p->line, msg);
	else
		snprintf(p->err, p->errlen, "%s: %s", p->name, msg);
	return -1;
}

/* Indexed by enum config_issuer_type. */
static const char *const issuer_types[] = {
	[CONFIG_AUTO] = "auto", [CONFIG_OIDC] = "oidc",
	[CONFIG_OAUTH] = "oauth",
};
_Static_assert(sizeof(issuer_types) / sizeof(issuer_types[0]) ==
    CONFIG_NTYPES, "one name for each issuer type");

int
config_issuer_type(const char *name, enum config_issuer_type *type)
{
	size_t i;

	for (i = 0; i < CONFIG_NTYPES; i++)
		if (strcmp(name, issuer_types[i]) == 0) {
			*type = (enum config_issuer_type)i;
			return 0;
		}
	return -1;
}

static int
check_url(struct parser *p, const char *what, const char *url)
{
	const char *h;

	if (!url_is_http(url))
		return perr(p, "%s must be an http:// or https:// URL, got "
		    "\"%s\"", what, url);
	h = url_host(url);
	if (*h == '\0' || *h == '/' || *h == '?' || *h == '#')
		return perr(p, "%s \"%s\" has no host", what, url);
	if (strchr(url, '#') != NULL || strchr(url, '?') != NULL)
		return perr(p, "%s \"%s\" must not have a query or fragment",
		    what, url);
	return 0;
}

/* A URL as it is, a file path made absolute from the config's directory. */
static char *
location(struct parser *p, const char *v)
{
	size_t n;
	char *s;

	if (url_is_http(v) || v[0] == '/')
		return strdup(v);
	n = strlen(p->dir) + 1 + strlen(v) + 1;
	if ((s = malloc(n)) != NULL)
		snprintf(s, n, "%s/%s", p->dir, v);
	return s;
}

static void
list_free(struct config_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
list_set(struct config_list *l, char **argv, int argc)
{
	int i;

	list_free(l);
	if ((l->v = calloc((size_t)argc, sizeof(*l->v))) == NULL)
		return -1;
	for (i = 0; i < argc; i++) {
		if ((l->v[i] = strdup(argv[i])) == NULL)
			return -1;
		l->n++;
	}
	return 0;
}

static int
list_copy(struct config_list *dst, const struct config_list *src)
{
	return src->n == 0 ? 0 : list_set(dst, src->v, (int)src->n);
}

/* Replace *dst with a copy of s (NULL allowed); -1 if out of memory. */
static int
str_set(char **dst, const char *s)
{
	free(*dst);
	*dst = NULL;
	return s != NULL && (*dst = strdup(s)) == NULL ? -1 : 0;
}

/* argv joined by single spaces. */
static char *
join(char **argv, int argc)
{
	size_t n = 0, o = 0, l;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	if ((s = malloc(n)) == NULL)
		return NULL;
	for (i = 0; i < argc; i++) {
		l = strlen(argv[i]);
		memcpy(s + o, argv[i], l);
		o += l;
		s[o++] = i + 1 < argc ? ' ' : '\0';
	}
	return s;
}

static int
oom(struct parser *p)
{
	return perr(p, "out of memory");
}

static int
onoff(struct parser *p, const char *name, const char *v, int *out)
{
	if (strcmp(v, "on") == 0)
		*out = 1;
	else if (strcmp(v, "off") == 0)
		*out = 0;
	else
		return perr(p, "%s expects on or off, got \"%s\"", name, v);
	return 0;
}

static int
number(struct parser *p, const char *name, const char *v, long long min,
    long long max, long long *out)
{
	if (num_parse(v, min, max, out) == -1)
		return perr(p, "%s expects a whole number from %lld to %lld, "
		    "got \"%s\"", name, min, max, v);
	return 0;
}

/* tenants= and advertise= (§13); anything else is unknown. */
static int
tenant_option(struct parser *p, struct config_issuer *is, const char *name,
    const char *v)
{
	char err[512];

	if (strcmp(name, "tenants") == 0 && is->tenants.n == 0 &&
	    !is->any_tenant) {
		if (tenant_list_parse(is, v, err, sizeof(err)) == -1)
			return perr(p, "%s", err);
	} else if (strcmp(name, "advertise") == 0 && is->advertise == NULL) {
		if (check_url(p, "advertise", v) == -1)
			return -1;
		if ((is->advertise = strdup(v)) == NULL)
			return oom(p);
	} else {
		return perr(p, "unknown or repeated issuer option \"%s\" "
		    "(expected type=, jwks=, metadata=, tenants= or "
		    "advertise=)", name);
	}
	return 0;
}

/* A templated issuer has all it needs; another has none of it. */
static int
templated_issuer(struct parser *p, struct config_issuer *is)
{
	const char *why;

	is->templated = tenant_templated(is->url);
	if (!is->templated) {
		if (is->tenants.n != 0 || is->any_tenant ||
		    is->advertise != NULL)
			return perr(p, "tenants= and advertise= are for an "
			    "issuer with {tenantid} in its URL");
		return 0;
	}
	if (!tenant_template_ok(is->url, &why))
		return perr(p, "issuer \"%s\": %s", is->url, why);
	if (is->tenants.n == 0 && !is->any_tenant)
		return perr(p, "issuer \"%s\" is templated: it needs "
		    "tenants=ID,ID... or tenants=any", is->url);
	if (is->advertise == NULL)
		return perr(p, "issuer \"%s\" is templated: it needs "
		    "advertise=URL, the authorization server named in "
		    "resource metadata", is->url);
	if (is->jwks == NULL && is->metadata == NULL)
		return perr(p, "issuer \"%s\" is templated: it cannot be "
		    "discovered and needs jwks= or metadata=", is->url);
	return 0;
}

static int
d_issuer(struct parser *p, char **argv, int argc)
{
	struct config *c = p->cfg;
	struct config_issuer *is, *n;
	char *v;
	size_t i;
	int a;

	if (check_url(p, "issuer", argv[0]) == -1)
		return -1;
	for (i = 0; i < c->nissuers; i++)
		if (strcmp(c->issuers[i].url, argv[0]) == 0)
			return perr(p, "issuer \"%s\" is already configured on "
			    "line %d", argv[0], c->issuers[i].line);
	if ((n = realloc(c->issuers, (c->nissuers + 1) * sizeof(*n))) == NULL)
		return oom(p);
	c->issuers = n;
	is = &c->issuers[c->nissuers++];
	memset(is, 0, sizeof(*is));
	is->line = p->line;
	if ((is->url = strdup(argv[0])) == NULL)
		return oom(p);
	for (a = 1; a < argc; a++) {
		if ((v = strchr(argv[a], '=')) == NULL || v[1] == '\0')
			return perr(p, "issuer option \"%s\" is not NAME=VALUE",
			    argv[a]);
		*v++ = '\0';
		if (strcmp(argv[a], "type") == 0) {
			if (config_issuer_type(v, &is->type) == -1)
				return perr(p, "issuer type must be %s, got "
				    "\"%s\"", CONFIG_ISSUER_TYPES, v);
		} else if (strcmp(argv[a], "jwks") == 0 && is->jwks == NULL) {
			if ((is->jwks = location(p, v)) == NULL)
				return oom(p);
		} else if (strcmp(argv[a], "metadata") == 0 &&
		    is->metadata == NULL) {
			if ((is->metadata = location(p, v)) == NULL)
				return oom(p);
		} else if (tenant_option(p, is, argv[a], v) == -1) {
			return -1;
		}
	}
	return templated_issuer(p, is);
}

static int
copy_defaults(struct config_resource *r, const struct config_resource *d)
{
	if (list_copy(&r->audience, &d->audience) == -1 ||
	    list_copy(&r->scopes_supported, &d->scopes_supported) == -1 ||
	    list_copy(&r->required_scopes, &d->required_scopes) == -1 ||
	    str_set(&r->require_typ, d->require_typ) == -1 ||
	    str_set(&r->name, d->name) == -1 ||
	    str_set(&r->documentation, d->documentation) == -1)
		return -1;
	if (mcpop_copy(&r->ops, d->ops) == -1 ||
	    scopeset_copy(&r->implies, d->implies) == -1 ||
	    list_copy(&r->scope_claims, &d->scope_claims) == -1 ||
	    list_copy(&r->audience_claims, &d->audience_claims) == -1 ||
	    claims_rules_copy(&r->rules, d->rules) == -1 ||
	    claims_headers_copy(&r->headers, d->headers) == -1)
		return -1;
	r->algorithms = d->algorithms;
	r->leeway = d->leeway;
	return 0;
}

static int
d_resource(struct parser *p, char **argv, int argc)
{
	struct config *c = p->cfg;
	struct config_resource *r, *n;
	size_t i, len;
	const char *path;

	(void)argc;
	if (check_url(p, "resource", argv[0]) == -1)
		return -1;
	path = url_path(argv[0]);
	len = strcmp(path, "/") == 0 ? 0 : strlen(path);
	for (i = 0; i < c->nresources; i++) {
		if (strcmp(c->resources[i].url, argv[0]) == 0)
			return perr(p, "resource \"%s\" is already configured "
			    "on line %d", argv[0], c->resources[i].line);
	}
	if ((n = realloc(c->resources, (c->nresources + 1) * sizeof(*n)))
	    == NULL)
		return oom(p);
	c->resources = n;
	r = &c->resources[c->nresources++];
	memset(r, 0, sizeof(*r));
	r->line = p->line;
	/* "https://h/" is the root, like "https://h": path "" */
	if ((r->url = strdup(argv[0])) == NULL ||
	    (r->path = strndup(path, len)) == NULL ||
	    copy_defaults(r, &p->defaults) == -1)
		return oom(p);
	p->cur = r;
	return 0;
}

static int
d_audience(struct parser *p, char **argv, int argc)
{
	return list_set(&p->cur->audience, argv, argc) == -1 ? oom(p) : 0;
}

/* Every value a well-formed scope, and never offline_access (§11). */
static int
scope_list(struct parser *p, struct config_list *l, char **argv, int argc)
{
	const char *why;
	int i;

	for (i = 0; i < argc; i++)
		if (!scopeset_valid(argv[i], strlen(argv[i]), &why))
			return perr(p, "%s: %s", argv[i], why);
	return list_set(l, argv, argc) == -1 ? oom(p) : 0;
}

static int
d_scopes_supported(struct parser *p, char **argv, int argc)
{
	return scope_list(p, &p->cur->scopes_supported, argv, argc);
}

static int
d_required_scopes(struct parser *p, char **argv, int argc)
{
	return scope_list(p, &p->cur->required_scopes, argv, argc);
}

static int
d_operation_scopes(struct parser *p, char **argv, int argc)
{
	char err[512];

	if (mcpop_add(&p->cur->ops, argv, argc, p->line, err, sizeof(err))
	    == -1)
		return perr(p, "%s", err);
	return 0;
}

static int
d_scope_implies(struct parser *p, char **argv, int argc)
{
	char err[512];

	if (scopeset_add(&p->cur->implies, argv[0], argv + 1,
	    (size_t)argc - 1, err, sizeof(err)) == -1)
		return perr(p, "%s", err);
	return 0;
}

static int
d_scope_claims(struct parser *p, char **argv, int argc)
{
	return list_set(&p->cur->scope_claims, argv, argc) == -1 ? oom(p) : 0;
}

static int
d_audience_claims(struct parser *p, char **argv, int argc)
{
	return list_set(&p->cur->audience_claims, argv, argc) == -1 ?
	    oom(p) : 0;
}

static int
d_require_claim(struct parser *p, char **argv, int argc)
{
	char err[512];

	if (claims_rule_add(&p->cur->rules, argv, argc, err, sizeof(err))
	    == -1)
		return perr(p, "%s", err);
	return 0;
}

static int
d_claim_header(struct parser *p, char **argv, int argc)
{
	char err[512];

	(void)argc;
	if (claims_header_add(&p->cur->headers, argv[0], argv[1], err,
	    sizeof(err)) == -1)
		return perr(p, "%s", err);
	return 0;
}

static int
d_algorithms(struct parser *p, char **argv, int argc)
{
	unsigned set = 0;
	int i, a;

	for (i = 0; i < argc; i++) {
		if ((a = alg_from_name(argv[i])) >= 0) {
			set |= ALG_BIT(a);
		} else if (strcasecmp(argv[i], "none") == 0) {
			return perr(p, "algorithm \"none\" is never accepted");
		} else if (strncmp(argv[i], "HS", 2) == 0) {
			return perr(p, "algorithm %s needs a shared secret; "
			    "only public-key algorithms are supported",
			    argv[i]);
		} else {
			return perr(p, "unknown algorithm \"%s\"", argv[i]);
		}
	}
	p->cur->algorithms = set;
	return 0;
}

static int
d_leeway(struct parser *p, char **argv, int argc)
{
	(void)argc;
	return number(p, "leeway", argv[0], 0, 3600, &p->cur->leeway);
}

static int
d_require_typ(struct parser *p, char **argv, int argc)
{
	(void)argc;
	return str_set(&p->cur->require_typ, argv[0]) == -1 ? oom(p) : 0;
}

static int
d_resource_name(struct parser *p, char **argv, int argc)
{
	free(p->cur->name);
	return (p->cur->name = join(argv, argc)) == NULL ? oom(p) : 0;
}

static int
d_resource_documentation(struct parser *p, char **argv, int argc)
{
	(void)argc;
	if (check_url(p, "resource_documentation", argv[0]) == -1)
		return -1;
	return str_set(&p->cur->documentation, argv[0]) == -1 ? oom(p) : 0;
}

static int
d_jwks_min_refresh(struct parser *p, char **argv, int argc)
{
	(void)argc;
	return number(p, "jwks_min_refresh", argv[0], 1, 86400,
	    &p->cfg->jwks_min_refresh);
}

static int
d_allow_cors_preflight(struct parser *p, char **argv, int argc)
{
	(void)argc;
	return onoff(p, "allow_cors_preflight", argv[0],
	    &p->cfg->allow_cors_preflight);
}

static int
d_cache_dir(struct parser *p, char **argv, int argc)
{
	(void)argc;
	free(p->cfg->cache_dir);
	return (p->cfg->cache_dir = location(p, argv[0])) == NULL ?
	    oom(p) : 0;
}

static int
d_claims_header(struct parser *p, char **argv, int argc)
{
	(void)argc;
	return onoff(p, "claims_header", argv[0], &p->cfg->claims_header);
}

static int
d_log_format(struct parser *p, char **argv, int argc)
{
	(void)argc;
	if (strcmp(argv[0], "text") == 0 || strcmp(argv[0], "json") == 0) {
		p->cfg->log_json = argv[0][0] == 'j';
		return 0;
	}
	return perr(p, "log_format must be text or json");
}

/* An absolute URL path for the responder to answer at. */
static int
endpoint_path(struct parser *p, const char *name, const char *v, char **out)
{
	size_t i;

	if (v[0] != '/')
		return perr(p, "%s must be a path starting with /", name);
	for (i = 0; v[i] != '\0'; i++)
		if (v[i] == '?' || v[i] == '#' || (unsigned char)v[i] > 0x7e)
			return perr(p, "%s must be a plain path", name);
	/*
	 * These answer 200 without a token: never on a path where a web
	 * server asks for decisions (the HTTP listener's /auth, the shipped
	 * nginx auth locations) or metadata, or a proxy would allow all.
	 */
	if (strcmp(v, "/auth") == 0 || strncmp(v, "/_mcpauth", 9) == 0 ||
	    strncmp(v, "/.well-known/", 13) == 0)
		return perr(p, "%s %s is a path where decisions or metadata "
		    "are asked for", name, v);
	if ((p->cfg->metrics_path != NULL &&
	    strcmp(p->cfg->metrics_path, v) == 0) ||
	    (p->cfg->health_path != NULL &&
	    strcmp(p->cfg->health_path, v) == 0))
		return perr(p, "metrics_path and health_path must differ");
	return str_set(out, v) == -1 ? oom(p) : 0;
}

static int
d_metrics_path(struct parser *p, char **argv, int argc)
{
	(void)argc;
	return endpoint_path(p, "metrics_path", argv[0],
	    &p->cfg->metrics_path);
}

static int
d_health_path(struct parser *p, char **argv, int argc)
{
	(void)argc;
	return endpoint_path(p, "health_path", argv[0], &p->cfg->health_path);
}

static int
d_decision_cache_max(struct parser *p, char **argv, int argc)
{
	(void)argc;
	return number(p, "decision_cache_max", argv[0], 0, 86400,
	    &p->cfg->decision_cache_max);
}

static int
d_token_cache_entries(struct parser *p, char **argv, int argc)
{
	(void)argc;
	return number(p, "token_cache_entries", argv[0], 0, 1000000,
	    &p->cfg->token_cache_entries);
}

static int
d_insecure_http(struct parser *p, char **argv, int argc)
{
	(void)argc;
	return onoff(p, "insecure_http", argv[0], &p->cfg->insecure_http);
}

static int
d_introspect(struct parser *p, char **argv, int argc)
{
	struct config *c = p->cfg;
	char err[512], *abs;

	if (check_url(p, "introspect issuer", argv[0]) == -1)
		return -1;
	if ((c->introspect = inconf_parse(argv, argc, p->line, err,
	    sizeof(err))) == NULL)
		return perr(p, "%s", err);
	if (c->introspect->endpoint != NULL && check_url(p,
	    "introspect endpoint", c->introspect->endpoint) == -1)
		return -1;
	if ((abs = location(p, c->introspect->secret_file)) == NULL)
		return oom(p);
	free(c->introspect->secret_file);
	c->introspect->secret_file = abs;
	return 0;
}

static int
d_introspection_cache_max(struct parser *p, char **argv, int argc)
{
	(void)argc;
	return number(p, "introspection_cache_max", argv[0], 0, 86400,
	    &p->cfg->introspection_cache_max);
}

static int
d_introspection_negative_cache(struct parser *p, char **argv, int argc)
{
	(void)argc;
	return number(p, "introspection_negative_cache", argv[0], 0, 3600,
	    &p->cfg->introspection_negative_cache);
}

static int
d_introspection_concurrency(struct parser *p, char **argv, int argc)
{
	(void)argc;
	return number(p, "introspection_concurrency", argv[0], 1, 4096,
	    &p->cfg->introspection_concurrency);
}

static const struct directive directives[] = {
	{ "issuer", GLOBAL, 1, 1, CONFIG_MAX_VALUES, d_issuer },
	{ "resource", GLOBAL, 1, 1, 1, d_resource },
	{ "audience", RESOURCE, 0, 1, CONFIG_MAX_VALUES, d_audience },
	{ "scopes_supported", RESOURCE, 0, 1, CONFIG_MAX_VALUES,
	    d_scopes_supported },
	{ "required_scopes", RESOURCE, 0, 1, CONFIG_MAX_VALUES,
	    d_required_scopes },
	{ "operation_scopes", RESOURCE, 1, 1, CONFIG_MAX_VALUES,
	    d_operation_scopes },
	{ "scope_implies", RESOURCE, 1, 2, CONFIG_MAX_VALUES,
	    d_scope_implies },
	{ "scope_claims", RESOURCE, 0, 1, CONFIG_MAX_VALUES,
	    d_scope_claims },
	{ "audience_claims", RESOURCE, 0, 1, CONFIG_MAX_VALUES,
	    d_audience_claims },
	{ "require_claim", RESOURCE, 1, 3, CONFIG_MAX_VALUES,
	    d_require_claim },
	{ "claim_header", RESOURCE, 1, 2, 2, d_claim_header },
	{ "algorithms", RESOURCE, 0, 1, CONFIG_MAX_VALUES, d_algorithms },
	{ "leeway", RESOURCE, 0, 1, 1, d_leeway },
	{ "require_typ", RESOURCE, 0, 1, 1, d_require_typ },
	{ "resource_name", RESOURCE, 0, 1, CONFIG_MAX_VALUES,
	    d_resource_name },
	{ "resource_documentation", RESOURCE, 0, 1, 1,
	    d_resource_documentation },
	{ "jwks_min_refresh", GLOBAL, 0, 1, 1, d_jwks_min_refresh },
	{ "allow_cors_preflight", GLOBAL, 0, 1, 1, d_allow_cors_preflight },
	{ "cache_dir", GLOBAL, 0, 1, 1, d_cache_dir },
	{ "claims_header", GLOBAL, 0, 1, 1, d_claims_header },
	{ "decision_cache_max", GLOBAL, 0, 1, 1, d_decision_cache_max },
	{ "insecure_http", GLOBAL, 0, 1, 1, d_insecure_http },
	{ "log_format", GLOBAL, 0, 1, 1, d_log_format },
	{ "metrics_path", GLOBAL, 0, 1, 1, d_metrics_path },
	{ "health_path", GLOBAL, 0, 1, 1, d_health_path },
	{ "token_cache_entries", GLOBAL, 0, 1, 1, d_token_cache_entries },
	{ "introspect", PREAMBLE, 0, 1, 5, d_introspect },
	{ "introspection_cache_max", PREAMBLE, 0, 1, 1,
	    d_introspection_cache_max },
	{ "introspection_negative_cache", PREAMBLE, 0, 1, 1,
	    d_introspection_negative_cache },
	{ "introspection_concurrency", PREAMBLE, 0, 1, 1,
	    d_introspection_concurrency },
};
#define NDIRECTIVES (sizeof(directives) / sizeof(directives[0]))

static int
parse_line(struct parser *p, char *s)
{
	char *argv[CONFIG_MAX_VALUES + 2];
	const struct directive *d = NULL;
	int argc = 0, *seen;
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') ||
		    s[i] == 0x7f)
			return perr(p, "control character in line");
	/* Split on blanks; a word starting with '#' begins a comment. */
	while (*s != '\0') {
		s += strspn(s, " \t");
		if (*s == '\0' || *s == '#')
			break;
		if (argc == CONFIG_MAX_VALUES + 1)
			return perr(p, "more than %d values",
			    CONFIG_MAX_VALUES);
		argv[argc++] = s;
		s += strcspn(s, " \t");
		if (*s != '\0')
			*s++ = '\0';
	}
	if (argc == 0)
		return 0;
	for (i = 0; i < NDIRECTIVES; i++)
		if (strcmp(directives[i].name, argv[0]) == 0)
			d = &directives[i];
	if (d == NULL)
		return perr(p, "unknown directive \"%s\"", argv[0]);
	if (argc - 1 < d->minargs)
		return perr(p, "%s needs a value", d->name);
	if (argc - 1 > d->maxargs)
		return perr(p, "%s takes %d value%s, got %d", d->name,
		    d->maxargs, d->maxargs == 1 ? "" : "s", argc - 1);
	if (d->scope == PREAMBLE && p->cur != &p->defaults)
		return perr(p, "%s goes before the first resource", d->name);
	seen = d->scope == RESOURCE ? p->seen_scope : p->seen_global;
	i = (size_t)(d - directives);
	if (!d->multi && seen[i] != 0)
		return perr(p, "duplicate %s (first set on line %d)", d->name,
		    seen[i]);
	seen[i] = p->line;
	if (d->fn(p, argv + 1, argc - 1) == -1)
		return -1;
	if (d->fn == d_resource)	/* a new scope: its own duplicates */
		memset(p->seen_scope, 0, NDIRECTIVES * sizeof(int));
	return 0;
}

/* The introspect line names a configured issuer; https unless allowed. */
static int
finish_introspect(struct parser *p)
{
	const struct inconf *in = p->cfg->introspect;

	p->line = in->line;
	if (config_issuer_index(p->cfg, in->issuer) < 0)
		return perr(p, "introspect names \"%s\", which is not a "
		    "configured issuer", in->issuer);
	if (in->endpoint != NULL && url_is_plain_http(in->endpoint) &&
	    !p->cfg->insecure_http)
		return perr(p, "introspect endpoint \"%s\" is plain http; use "
		    "https or set insecure_http on", in->endpoint);
	return 0;
}

/* Checks that need the whole file. */
static int
finish(struct parser *p)
{
	struct config *c = p->cfg;
	struct config_issuer *is;
	struct config_resource *r;
	char aud_name[] = "aud", *aud[] = { aud_name };
	size_t i;

	p->line = 0;
	if (c->nissuers == 0)
		return perr(p, "no issuer configured");
	if (c->nresources == 0)
		return perr(p, "no resource configured");
	for (i = 0; i < c->nissuers; i++) {
		is = &c->issuers[i];
		p->line = is->line;
		if (c->insecure_http)
			continue;
		/* Only URLs that will be fetched must be https. */
		if (is->jwks == NULL && url_is_plain_http(is->url))
			return perr(p, "issuer \"%s\" would be discovered over "
			    "plain http; use https or set insecure_http on",
			    is->url);
		if ((is->jwks != NULL && url_is_plain_http(is->jwks)) ||
		    (is->metadata != NULL && url_is_plain_http(is->metadata)))
			return perr(p, "issuer \"%s\" has a plain http URL; "
			    "use https or set insecure_http on", is->url);
	}
	if (c->introspect != NULL && finish_introspect(p) == -1)
		return -1;
	for (i = 0; i < c->nresources; i++) {
		r = &c->resources[i];
		if (r->audience.n == 0 && list_set(&r->audience, &r->url, 1)
		    == -1)
			return oom(p);
		if (r->audience_claims.n == 0 &&
		    list_set(&r->audience_claims, aud, 1) == -1)
			return oom(p);
	}
	return 0;
}

struct config *
config_parse(const char *text, size_t len, const char *name, char *err,
    size_t errlen)
{
	int seen_global[NDIRECTIVES] = { 0 }, seen_scope[NDIRECTIVES] = { 0 };
	char line[CONFIG_MAX_LINE + 1];
	struct parser p;
	const char *s = text, *end = text + len, *nl, *slash;
	size_t n;

	memset(&p, 0, sizeof(p));
	p.name = name;
	p.err = err;
	p.errlen = errlen;
	p.seen_global = seen_global;
	p.seen_scope = seen_scope;
	p.cur = &p.defaults;
	p.defaults.algorithms = ALG_ALL;
	p.defaults.leeway = 60;
	if ((slash = strrchr(name, '/')) == NULL)
		snprintf(p.dir, sizeof(p.dir), ".");
	else
		snprintf(p.dir, sizeof(p.dir), "%.*s",
		    slash == name ? 1 : (int)(slash - name), name);
	if ((p.cfg = calloc(1, sizeof(*p.cfg))) == NULL) {
		oom(&p);
		goto fail;
	}
	p.cfg->jwks_min_refresh = 60;
	p.cfg->decision_cache_max = 60;
	p.cfg->token_cache_entries = 10000;
	p.cfg->claims_header = 1;
	p.cfg->introspection_cache_max = 60;
	p.cfg->introspection_negative_cache = 5;
	p.cfg->introspection_concurrency = 16;
	if ((p.cfg->file = strdup(name)) == NULL) {
		oom(&p);
		goto fail;
	}
	if (len > CONFIG_MAX_BYTES) {
		perr(&p, "file is larger than %d bytes", CONFIG_MAX_BYTES);
		goto fail;
	}
	while (s < end) {
		p.line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		n = (size_t)((nl != NULL ? nl : end) - s);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (n > CONFIG_MAX_LINE) {
			perr(&p, "line longer than %d bytes", CONFIG_MAX_LINE);
			goto fail;
		}
		if (memchr(s, '\0', n) != NULL) {
			perr(&p, "NUL byte in line");
			goto fail;
		}
		memcpy(line, s, n);
		line[n] = '\0';
		if (parse_line(&p, line) == -1)
			goto fail;
		s = nl != NULL ? nl + 1 : end;
	}
	if (finish(&p) == -1)
		goto fail;
	/* The defaults only seed resources. */
	resource_free(&p.defaults);
	return p.cfg;
fail:
	resource_free(&p.defaults);
	config_free(p.cfg);
	return NULL;
}

struct config *
config_load(const char *path, char *err, size_t errlen)
{
	struct config *cfg;
	char *buf, why[512];
	size_t len;

	if ((buf = file_read(path, CONFIG_MAX_BYTES, &len, err, errlen))
	    == NULL)
		return NULL;
	cfg = config_parse(buf, len, path, err, errlen);
	free(buf);
	if (cfg != NULL && cfg->introspect != NULL &&
	    inconf_read_secret(cfg->introspect, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s:%d: %s", path, cfg->introspect->line,
		    why);
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

static void
resource_free(struct config_resource *r)
{
	free(r->url);
	free(r->path);
	list_free(&r->audience);
	list_free(&r->scopes_supported);
	list_free(&r->required_scopes);
	free(r->require_typ);
	free(r->name);
	free(r->documentation);
	mcpop_free(r->ops);
	scopeset_free(r->implies);
	list_free(&r->scope_claims);
	list_free(&r->audience_claims);
	claims_rules_free(r->rules);
	claims_headers_free(r->headers);
}

void
config_free(struct config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nissuers; i++) {
		free(cfg->issuers[i].url);
		free(cfg->issuers[i].metadata);
		free(cfg->issuers[i].jwks);
		list_free(&cfg->issuers[i].tenants);
		free(cfg->issuers[i].advertise);
	}
	for (i = 0; i < cfg->nresources; i++)
		resource_free(&cfg->resources[i]);
	free(cfg->issuers);
	free(cfg->resources);
	free(cfg->cache_dir);
	free(cfg->metrics_path);
	free(cfg->health_path);
	inconf_free(cfg->introspect);
	free(cfg->file);
	free(cfg);
}

const struct config_resource *
config_resource(const struct config *cfg, const char *url)
{
	size_t i;

	for (i = 0; i < cfg->nresources; i++)
		if (strcmp(cfg->resources[i].url, url) == 0)
			return &cfg->resources[i];
	return NULL;
}

int
config_issuer_index(const struct config *cfg, const char *url)
{
	size_t i;

	for (i = 0; i < cfg->nissuers; i++)
		if (strcmp(cfg->issuers[i].url, url) == 0)
			return (int)i;
	return -1;
}

static void
print_list(FILE *f, const char *indent, const char *name,
    const struct config_list *l)
{
	size_t i;

	if (l->n == 0)
		return;
	fprintf(f, "%s%s", indent, name);
	for (i = 0; i < l->n; i++)
		fprintf(f, " %s", l->v[i]);
	fputc('\n', f);
}

static void
print_tenants(FILE *f, const struct config_issuer *is)
{
	size_t i;

	if (!is->templated)
		return;
	fprintf(f, " tenants=");
	if (is->any_tenant)
		fprintf(f, "any");
	for (i = 0; i < is->tenants.n; i++)
		fprintf(f, "%s%s", i ? "," : "", is->tenants.v[i]);
	fprintf(f, " advertise=%s", is->advertise);
}

void
config_print(const struct config *cfg, FILE *f)
{
	const struct config_resource *r;
	const struct config_issuer *is;
	size_t i;
	int a;

	for (i = 0; i < cfg->nissuers; i++) {
		is = &cfg->issuers[i];
		fprintf(f, "issuer %s type=%s", is->url,
		    issuer_types[is->type]);
		if (is->metadata != NULL)
			fprintf(f, " metadata=%s", is->metadata);
		if (is->jwks != NULL)
			fprintf(f, " jwks=%s", is->jwks);
		print_tenants(f, is);
		fputc('\n', f);
	}
	fprintf(f, "jwks_min_refresh %lld\n", cfg->jwks_min_refresh);
	fprintf(f, "allow_cors_preflight %s\n",
	    cfg->allow_cors_preflight ? "on" : "off");
	fprintf(f, "claims_header %s\n", cfg->claims_header ? "on" : "off");
	fprintf(f, "decision_cache_max %lld\n", cfg->decision_cache_max);
	fprintf(f, "insecure_http %s\n", cfg->insecure_http ? "on" : "off");
	fprintf(f, "token_cache_entries %lld\n", cfg->token_cache_entries);
	fprintf(f, "log_format %s\n", cfg->log_json ? "json" : "text");
	if (cfg->metrics_path != NULL)
		fprintf(f, "metrics_path %s\n", cfg->metrics_path);
	if (cfg->health_path != NULL)
		fprintf(f, "health_path %s\n", cfg->health_path);
	if (cfg->cache_dir != NULL)
		fprintf(f, "cache_dir %s\n", cfg->cache_dir);
	if (cfg->introspect != NULL) {
		inconf_print(cfg->introspect, f);
		fprintf(f, "introspection_cache_max %lld\n"
		    "introspection_negative_cache %lld\n"
		    "introspection_concurrency %lld\n",
		    cfg->introspection_cache_max,
		    cfg->introspection_negative_cache,
		    cfg->introspection_concurrency);
	}
	for (i = 0; i < cfg->nresources; i++) {
		r = &cfg->resources[i];
		fprintf(f, "resource %s\n", r->url);
		print_list(f, "    ", "audience", &r->audience);
		print_list(f, "    ", "scopes_supported", &r->scopes_supported);
		print_list(f, "    ", "required_scopes", &r->required_scopes);
		fprintf(f, "    algorithms");
		for (a = 0; a < ALG_COUNT; a++)
			if (r->algorithms & ALG_BIT(a))
				fprintf(f, " %s", alg_name((enum alg_id)a));
		fprintf(f, "\n    leeway %lld\n", r->leeway);
		if (r->require_typ != NULL)
			fprintf(f, "    require_typ %s\n", r->require_typ);
		if (r->name != NULL)
			fprintf(f, "    resource_name %s\n", r->name);
		if (r->documentation != NULL)
			fprintf(f, "    resource_documentation %s\n",
			    r->documentation);
		mcpop_print(r->ops, f, "    ");
		scopeset_print(r->implies, f, "    ");
		print_list(f, "    ", "scope_claims", &r->scope_claims);
		/* The default, aud alone, is left unsaid as before §13. */
		if (r->audience_claims.n != 1 ||
		    strcmp(r->audience_claims.v[0], "aud") != 0)
			print_list(f, "    ", "audience_claims",
			    &r->audience_claims);
		claims_rules_print(r->rules, f, "    ");
		claims_headers_print(r->headers, f, "    ");
	}
}
