/* The config file: every error names its line; the policy prints back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alg.h"
#include "config.h"
#include "inconf.h"
#include "config_error.h"
#include "tap.h"

#define OK_HEAD "issuer https://as.example jwks=keys.json\n"
#define OFFLINE "offline_access: offline_access asks for refresh tokens " \
	"and is never a resource requirement"

static const struct {
	const char *name, *text, *error;
} errors[] = {
	{ "unknown directive", OK_HEAD "resource https://m.example\nfoo 1\n",
	    "/etc/m.conf:3: unknown directive \"foo\"" },
	{ "missing value", OK_HEAD "resource\n",
	    "/etc/m.conf:2: resource needs a value" },
	{ "too many values", OK_HEAD "resource https://m.example\nleeway 1 2\n",
	    "/etc/m.conf:3: leeway takes 1 value, got 2" },
	{ "duplicate single-valued directive",
	    OK_HEAD "resource https://m.example\nleeway 5\n# c\nleeway 6\n",
	    "/etc/m.conf:5: duplicate leeway (first set on line 3)" },
	{ "duplicate global directive",
	    OK_HEAD "insecure_http on\nresource https://m.example\n"
	    "insecure_http off\n",
	    "/etc/m.conf:4: duplicate insecure_http (first set on line 2)" },
	{ "duplicate issuer", OK_HEAD "issuer https://as.example\n",
	    "/etc/m.conf:2: issuer \"https://as.example\" is already "
	    "configured on line 1" },
	{ "duplicate resource",
	    OK_HEAD "resource https://m.example\nresource https://m.example\n",
	    "/etc/m.conf:3: resource \"https://m.example\" is already "
	    "configured on line 2" },
	{ "resources at one path on several hosts", OK_HEAD
	    "resource https://a.example/mcp\nresource https://b.example/mcp\n"
	    "resource https://a.example\nresource https://b.example/\n",
	    "parsed" },
	{ "leeway not a number", OK_HEAD "resource https://m.example\n"
	    "leeway 1x\n", "/etc/m.conf:3: leeway expects a whole number "
	    "from 0 to 3600, got \"1x\"" },
	{ "leeway out of range", OK_HEAD "resource https://m.example\n"
	    "leeway 3601\n", "/etc/m.conf:3: leeway expects a whole number "
	    "from 0 to 3600, got \"3601\"" },
	{ "negative number", OK_HEAD "decision_cache_max -1\n",
	    "/etc/m.conf:2: decision_cache_max expects a whole number "
	    "from 0 to 86400, got \"-1\"" },
	{ "jwks_min_refresh zero", OK_HEAD "jwks_min_refresh 0\n",
	    "/etc/m.conf:2: jwks_min_refresh expects a whole number "
	    "from 1 to 86400, got \"0\"" },
	{ "on/off", OK_HEAD "claims_header yes\n",
	    "/etc/m.conf:2: claims_header expects on or off, got \"yes\"" },
	{ "alg none", OK_HEAD "algorithms RS256 none\n",
	    "/etc/m.conf:2: algorithm \"none\" is never accepted" },
	{ "alg NONE", OK_HEAD "algorithms NONE\n",
	    "/etc/m.conf:2: algorithm \"none\" is never accepted" },
	{ "HS256", OK_HEAD "algorithms HS256\n", "/etc/m.conf:2: algorithm "
	    "HS256 needs a shared secret; only public-key algorithms are "
	    "supported" },
	{ "unknown alg", OK_HEAD "algorithms rs256\n",
	    "/etc/m.conf:2: unknown algorithm \"rs256\"" },
	{ "issuer not a URL", "issuer as.example\n", "/etc/m.conf:1: issuer "
	    "must be an http:// or https:// URL, got \"as.example\"" },
	{ "issuer without host", "issuer https:///x\n",
	    "/etc/m.conf:1: issuer \"https:///x\" has no host" },
	{ "issuer with query", "issuer https://a.example/?x=1\n",
	    "/etc/m.conf:1: issuer \"https://a.example/?x=1\" must not have "
	    "a query or fragment" },
	{ "bad issuer type", "issuer https://a.example type=saml\n",
	    "/etc/m.conf:1: issuer type must be oidc, oauth or auto, got "
	    "\"saml\"" },
	{ "bad issuer option", "issuer https://a.example keys=x\n",
	    "/etc/m.conf:1: unknown or repeated issuer option \"keys\" "
	    "(expected type=, jwks=, metadata=, tenants= or advertise=)" },
	{ "repeated issuer option", "issuer https://a.example jwks=a jwks=b\n",
	    "/etc/m.conf:1: unknown or repeated issuer option \"jwks\" "
	    "(expected type=, jwks=, metadata=, tenants= or advertise=)" },
	{ "issuer option without value", "issuer https://a.example jwks=\n",
	    "/etc/m.conf:1: issuer option \"jwks=\" is not NAME=VALUE" },
	{ "resource with fragment", OK_HEAD "resource https://m.example/#x\n",
	    "/etc/m.conf:2: resource \"https://m.example/#x\" must not have a "
	    "query or fragment" },
	{ "no issuer", "resource https://m.example\n",
	    "/etc/m.conf: no issuer configured" },
	{ "no resource", OK_HEAD, "/etc/m.conf: no resource configured" },
	{ "plain http discovery", "issuer http://as.example\n"
	    "resource https://m.example\n", "/etc/m.conf:1: issuer "
	    "\"http://as.example\" would be discovered over plain http; use "
	    "https or set insecure_http on" },
	{ "plain http jwks", "issuer https://as.example "
	    "jwks=http://as.example/k\nresource https://m.example\n",
	    "/etc/m.conf:1: issuer \"https://as.example\" has a plain http "
	    "URL; use https or set insecure_http on" },
	{ "control character", OK_HEAD "resource https://m.example\x01\n",
	    "/etc/m.conf:2: control character in line" },
	{ "offline_access in scopes_supported", OK_HEAD
	    "resource https://m.example\nscopes_supported a offline_access\n",
	    "/etc/m.conf:3: " OFFLINE },
	{ "offline_access in required_scopes", OK_HEAD
	    "resource https://m.example\nrequired_scopes offline_access\n",
	    "/etc/m.conf:3: " OFFLINE },
	{ "offline_access in a default operation_scopes", OK_HEAD
	    "operation_scopes tools/list offline_access\n"
	    "resource https://m.example\n", "/etc/m.conf:2: " OFFLINE },
	{ "offline_access implying", OK_HEAD "resource https://m.example\n"
	    "scope_implies offline_access a\n", "/etc/m.conf:3: " OFFLINE },
	{ "offline_access implied", OK_HEAD "resource https://m.example\n"
	    "scope_implies a offline_access\n", "/etc/m.conf:3: " OFFLINE },
	{ "scope_implies alone", OK_HEAD "scope_implies a\n",
	    "/etc/m.conf:2: scope_implies needs a value" },
	{ "operation_scopes alone", OK_HEAD "operation_scopes\n",
	    "/etc/m.conf:2: operation_scopes needs a value" },
	{ "name= before the method", OK_HEAD "operation_scopes name=x a\n",
	    "/etc/m.conf:2: operation_scopes needs a method first (1-128 "
	    "visible ASCII bytes, no '='), got \"name=x\"" },
	{ "name= on a method without a target", OK_HEAD
	    "operation_scopes tools/list name=x a\n", "/etc/m.conf:2: name= "
	    "applies only to tools/call, resources/read and prompts/get, whose "
	    "Mcp-Name the server checks; not to tools/list" },
	{ "empty name=", OK_HEAD "operation_scopes tools/call name= a\n",
	    "/etc/m.conf:2: name= needs a name, or a prefix ending in '*', of "
	    "at most 4096 bytes" },
	{ "a quote in a scope", OK_HEAD "operation_scopes tools/call a\"b\n",
	    "/etc/m.conf:2: a\"b: a scope holds a character outside RFC 6749 "
	    "scope-token" },
	{ "the same operation rule twice", OK_HEAD "resource https://m.example\n"
	    "operation_scopes tools/call name=x a\n"
	    "operation_scopes tools/call name=x b\n", "/etc/m.conf:4: "
	    "operation_scopes tools/call name=x is already set on line 3" },
	{ "a default rule restated in a resource", OK_HEAD
	    "operation_scopes tools/call b\nresource https://m.example\n"
	    "operation_scopes tools/call c\n", "/etc/m.conf:4: "
	    "operation_scopes tools/call is already set on line 2" },
	{ "resource_documentation not a URL", OK_HEAD
	    "resource https://m.example\nresource_documentation docs\n",
	    "/etc/m.conf:3: resource_documentation must be an http:// or "
	    "https:// URL, got \"docs\"" },
	{ "introspect by an issuer not configured", OK_HEAD
	    "introspect https://other.example client_id=c secret_file=s\n"
	    "resource https://m.example\n", "/etc/m.conf:2: introspect names "
	    "\"https://other.example\", which is not a configured issuer" },
	{ "introspect after a resource", OK_HEAD "resource https://m.example\n"
	    "introspect https://as.example client_id=c secret_file=s\n",
	    "/etc/m.conf:3: introspect goes before the first resource" },
	{ "introspection_cache_max after a resource", OK_HEAD
	    "resource https://m.example\nintrospection_cache_max 5\n",
	    "/etc/m.conf:3: introspection_cache_max goes before the first "
	    "resource" },
	{ "two introspect lines", OK_HEAD
	    "introspect https://as.example client_id=c secret_file=s\n"
	    "introspect https://as.example client_id=d secret_file=s\n",
	    "/etc/m.conf:3: duplicate introspect (first set on line 2)" },
	{ "introspect without a secret", OK_HEAD
	    "introspect https://as.example client_id=c\n",
	    "/etc/m.conf:2: introspect needs client_id= and secret_file=" },
	{ "introspect with an unknown option", OK_HEAD
	    "introspect https://as.example client_id=c secret=x\n",
	    "/etc/m.conf:2: unknown or repeated introspect option \"secret\" "
	    "(expected client_id=, secret_file=, endpoint= or auth=)" },
	{ "introspect with another auth", OK_HEAD
	    "introspect https://as.example client_id=c secret_file=s "
	    "auth=private_key_jwt\n", "/etc/m.conf:2: introspect auth must be "
	    "client_secret_basic or client_secret_post, got "
	    "\"private_key_jwt\"" },
	{ "introspect at plain http", OK_HEAD
	    "introspect https://as.example client_id=c secret_file=s "
	    "endpoint=http://as.example/i\nresource https://m.example\n",
	    "/etc/m.conf:2: introspect endpoint \"http://as.example/i\" is "
	    "plain http; use https or set insecure_http on" },
	{ "introspection_concurrency 0", OK_HEAD
	    "introspection_concurrency 0\n", "/etc/m.conf:2: "
	    "introspection_concurrency expects a whole number from 1 to 4096, "
	    "got \"0\"" },
};

/* config_load of a file naming a secret file written with mode. */
static const char *
secret_error(const char *secret, size_t n, int mode, const char **got)
{
	static char err[512];
	static const char conf[] = "issuer https://as.example jwks=/k.json\n"
	    "introspect https://as.example client_id=c secret_file=sec\n"
	    "resource https://m.example\n";
	char dir[] = "/tmp/test_config.XXXXXX", path[64];
	struct config *c;
	FILE *f;

	*got = NULL;
	if (mkdtemp(dir) == NULL)
		return "mkdtemp";
	snprintf(path, sizeof(path), "%s/sec", dir);
	f = fopen(path, "w");
	fwrite(secret, 1, n, f);
	fclose(f);
	chmod(path, (mode_t)mode);
	snprintf(path, sizeof(path), "%s/m.conf", dir);
	f = fopen(path, "w");
	fputs(conf, f);
	fclose(f);
	if ((c = config_load(path, err, sizeof(err))) != NULL) {
		*got = c->introspect->secret_len >= 6 &&
		    memcmp(c->introspect->secret, "s3cr3t", 6) == 0 ?
		    "secret" : "other";
		snprintf(err, sizeof(err), "loaded, %zu bytes",
		    c->introspect->secret_len);
		config_free(c);
	} else {
		/* Without the temporary directory, wherever it appears. */
		char *at;

		while ((at = strstr(err, dir)) != NULL)
			memmove(at, at + strlen(dir), strlen(at + strlen(dir)) + 1);
	}
	unlink(path);
	snprintf(path, sizeof(path), "%s/sec", dir);
	unlink(path);
	rmdir(dir);
	return err;
}

static void
test_secret_file(void)
{
	const char *got;

	is_str(secret_error("s3cr3t\r\n", 8, 0600, &got), "loaded, 6 bytes",
	    "secret_file: one trailing CRLF is not the secret");
	is_str(got, "secret", "... the secret is the rest");
	is_str(secret_error("s3cr3t\n", 7, 0640, &got), "loaded, 6 bytes",
	    "secret_file: group-readable (root:mcpauth 0640) is fine");
	is_str(secret_error("s3cr3t\n\n", 8, 0600, &got), "loaded, 7 bytes",
	    "secret_file: only one line end is taken off");
	is_str(secret_error("s3cr3t", 6, 0644, &got), "/m.conf:2: secret_file "
	    "/sec: readable or writable by others, or writable by its group "
	    "(chmod 600 or 640)", "secret_file readable by others refused");
	is_str(secret_error("s3cr3t", 6, 0660, &got), "/m.conf:2: secret_file "
	    "/sec: readable or writable by others, or writable by its group "
	    "(chmod 600 or 640)", "secret_file writable by its group refused");
	is_str(secret_error("\n", 1, 0600, &got), "/m.conf:2: secret_file "
	    "/sec: empty", "an empty secret refused");
	is_str(secret_error("a\0b", 3, 0600, &got), "/m.conf:2: secret_file "
	    "/sec: holds a NUL byte", "a secret with NUL refused");
}

int
main(void)
{
	char err[512], *buf = NULL, *big;
	struct config *c;
	size_t i, len = 0;
	FILE *f;

	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		is_str(config_error_of(errors[i].text), errors[i].error,
		    errors[i].name);

	/* A line longer than the limit. */
	big = malloc(CONFIG_MAX_LINE + 64);
	memset(big, 'a', CONFIG_MAX_LINE + 10);
	memcpy(big, "# ", 2);
	big[CONFIG_MAX_LINE + 10] = '\0';
	snprintf(err, sizeof(err), "/etc/m.conf:1: line longer than %d bytes",
	    CONFIG_MAX_LINE);
	is_str(config_error_of(big), err, "line too long");
	free(big);

	is_str(config_error_of("issuer https://a.example jwks=k\r\n"
	    "resource https://m.example  # trailing comment\r\n"), "parsed",
	    "CRLF and trailing comments");

	/* Defaults before the first resource seed every resource. */
	{
		const char *t = "# defaults\nrequired_scopes read\nleeway 5\n"
		    "issuer https://as.example/t type=oidc jwks=keys.json\n"
		    "issuer http://local.example metadata=/m.json "
		    "jwks=/k.json\n"
		    "insecure_http on\n"
		    "resource https://m.example/mcp\n"
		    "  algorithms ES256 RS256\n"
		    "  require_typ at+jwt\n  resource_name My  MCP server\n"
		    "resource https://n.example/\n  leeway 7\n"
		    "  audience a b\n  required_scopes write\n"
		    "  scopes_supported read write\ncache_dir cache\n";
		c = config_parse(t, strlen(t), "/etc/m.conf", err,
		    sizeof(err));
	}
	if (!ok(c != NULL, "full config parses"))
		printf("# %s\n", err);
	if (c == NULL)
		return tap_done();
	is_str(c->resources[0].path, "/mcp", "resource path");
	is_str(c->resources[1].path, "", "root resource path");
	ok(c->resources[0].algorithms == (ALG_BIT(ALG_ES256) |
	    ALG_BIT(ALG_RS256)), "algorithms set");
	is_str(config_resource(c, "https://n.example/")->url,
	    "https://n.example/", "resource lookup");
	ok(config_resource(c, "https://n.example") == NULL,
	    "resource lookup is exact");
	is_int(config_issuer_index(c, "http://local.example"), 1,
	    "issuer lookup");
	is_int(config_issuer_index(c, "https://as.example/t/"), -1,
	    "issuer lookup is exact (trailing slash)");
	f = open_memstream(&buf, &len);
	config_print(c, f);
	fclose(f);
	is_str(buf,
	    "issuer https://as.example/t type=oidc jwks=/etc/keys.json\n"
	    "issuer http://local.example type=auto metadata=/m.json "
	    "jwks=/k.json\n"
	    "jwks_min_refresh 60\n"
	    "allow_cors_preflight off\n"
	    "claims_header on\n"
	    "decision_cache_max 60\n"
	    "insecure_http on\n"
	    "token_cache_entries 10000\n"
	    "log_format text\n"
	    "cache_dir /etc/cache\n"
	    "resource https://m.example/mcp\n"
	    "    audience https://m.example/mcp\n"
	    "    required_scopes read\n"
	    "    algorithms RS256 ES256\n"
	    "    leeway 5\n"
	    "    require_typ at+jwt\n"
	    "    resource_name My MCP server\n"
	    "resource https://n.example/\n"
	    "    audience a b\n"
	    "    scopes_supported read write\n"
	    "    required_scopes write\n"
	    "    algorithms RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 "
	    "ES512 EdDSA\n"
	    "    leeway 7\n",
	    "normalised policy, defaults spelled out, paths made absolute");
	/* What it prints parses back to the same policy. */
	{
		char *again = NULL;
		size_t alen = 0;
		struct config *c2 = config_parse(buf, len, "/x/p.conf", err,
		    sizeof(err));
		ok(c2 != NULL, "printed policy parses");
		if (c2 != NULL) {
			f = open_memstream(&again, &alen);
			config_print(c2, f);
			fclose(f);
			is_str(again, buf, "printed policy round-trips");
			free(again);
			config_free(c2);
		}
	}
	free(buf);
	config_free(c);

	test_secret_file();
	{
		const char *t = OK_HEAD "introspect https://as.example "
		    "client_id=c secret_file=s auth=client_secret_post\n"
		    "introspection_concurrency 4\nresource https://m.example\n";

		buf = NULL;
		c = config_parse(t, strlen(t), "/etc/m.conf", err, sizeof(err));
		ok(c != NULL, "introspect parses");
		if (c != NULL) {
			f = open_memstream(&buf, &len);
			config_print(c, f);
			fclose(f);
			ok(strstr(buf, "\nintrospect https://as.example "
			    "client_id=c secret_file=/etc/s "
			    "auth=client_secret_post\nintrospection_cache_max 60"
			    "\nintrospection_negative_cache 5\n"
			    "introspection_concurrency 4\n") != NULL,
			    "introspect prints with its defaults spelled out");
			free(buf);
			config_free(c);
		}
	}
	is_str(config_error_of(""), "/etc/m.conf: no issuer configured",
	    "empty file");
	c = config_load("/nonexistent/m.conf", err, sizeof(err));
	ok(c == NULL, "missing file refused");
	is_str(err, "/nonexistent/m.conf: No such file or directory",
	    "missing file named");
	return tap_done();
}
