/*
 * Per-operation policy (SPEC §11): which MCP requests are verifiable,
 * which rule governs one, the scope hierarchy, and the config directives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "buf.h"
#include "config.h"
#include "mcphdr.h"
#include "mcpop.h"
#include "scopeset.h"
#include "tap.h"

#define V "2026-07-28"

/* "verifiable", or the reason mcphdr_parse gave. */
static const char *
judge(const char *version, const char *method, const char *name)
{
	static struct mcphdr h;

	return mcphdr_parse(version, method, name, &h) ? "verifiable" : h.why;
}

#define OLD "MCP-Protocol-Version is not a revision that checks headers " \
	"against the body"
#define B64 "Mcp-Name is not base64 of UTF-8 without NUL"

/* version, method, name, what mcphdr_parse says, test name */
static const char *const cases[][5] = {
	{ V, "tools/list", NULL, "verifiable", "tools/list without Mcp-Name" },
	{ "2027-01-01", "tools/list", NULL, "verifiable", "a later revision" },
	{ NULL, "tools/list", NULL, "no MCP-Protocol-Version", "no version" },
	{ "2025-11-25", "tools/call", "x", OLD, "2025-11-25" },
	{ "2026-07-27", "tools/list", NULL, OLD, "the day before" },
	{ "2026-7-28", "tools/list", NULL, OLD, "not DDDD-DD-DD" },
	{ "2026-07-28 ", "tools/list", NULL, OLD, "eleven characters" },
	{ "2026x07-28", "tools/list", NULL, OLD, "not a dash" },
	{ "9999-99-9a", "tools/list", NULL, OLD, "not a digit" },
	{ V, NULL, NULL, "no Mcp-Method", "no method" },
	{ V, "", NULL, "Mcp-Method is empty or longer than 128 bytes",
	    "empty method" },
	{ V, "tools/ list", NULL, "Mcp-Method has a byte outside visible "
	    "ASCII", "space in method" },
	{ V, "tools/\xc3\xa9", NULL, "Mcp-Method has a byte outside visible "
	    "ASCII", "non-ASCII method" },
	{ V, "tools/call", NULL, "no Mcp-Name", "tools/call needs Mcp-Name" },
	{ V, "resources/read", NULL, "no Mcp-Name",
	    "resources/read needs Mcp-Name" },
	{ V, "prompts/get", NULL, "no Mcp-Name", "prompts/get needs Mcp-Name" },
	{ V, "tools/call", "", "Mcp-Name is empty", "empty name" },
	{ V, "tools/call", "a\tb", "Mcp-Name has a byte outside printable "
	    "ASCII", "a tab in a plain name" },
	{ V, "tools/call", "Z\xc3\xbcrich", "Mcp-Name has a byte outside "
	    "printable ASCII", "raw UTF-8 must be encoded" },
	{ V, "tools/call", "=?base64?YWRtaW4-?=", B64, "base64url is not "
	    "base64" },
	{ V, "tools/call", "=?base64?YWRt aW4=?=", B64, "white space inside" },
	{ V, "tools/call", "=?base64?YWRtaW4==?=", B64, "too much padding" },
	{ V, "tools/call", "=?base64?YQBi?=", B64, "a NUL inside" },
	{ V, "tools/call", "=?base64?/w==?=", B64, "0xff is not UTF-8" },
	{ V, "tools/call", "=?base64?wK8=?=", B64, "an overlong form" },
	{ V, "tools/call", "=?base64?7aCA?=", B64, "a surrogate" },
	{ V, "tools/call", "=?base64?\?=", B64, "an empty encoded name" },
	{ V, "tools/call", "=?base64?YR==?=", B64, "non-zero trailing bits" },
};

static void
test_headers(void)
{
	static struct mcphdr h;
	char big[MCPHDR_NAME_MAX + 2];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_str(judge(cases[i][0], cases[i][1], cases[i][2]),
		    cases[i][3], cases[i][4]);
	memset(big, 'm', 129);
	big[129] = '\0';
	is_str(judge(V, big, NULL), "Mcp-Method is empty or longer than 128 "
	    "bytes", "129-byte method");
	big[128] = '\0';
	is_str(judge(V, big, NULL), "verifiable", "128-byte method");
	memset(big, 'n', MCPHDR_NAME_MAX + 1);
	big[MCPHDR_NAME_MAX + 1] = '\0';
	is_str(judge(V, "tools/call", big), "Mcp-Name is longer than 4096 "
	    "bytes", "4097-byte name");
	big[MCPHDR_NAME_MAX] = '\0';
	is_str(judge(V, "tools/call", big), "verifiable", "4096-byte name");

	/* The base64 form: decoded, checked, and matched decoded. */
	ok(mcphdr_parse(V, "tools/call", "=?base64?WsO8cmljaF90b29s?=", &h) &&
	    h.has_name && h.namelen == 12 &&
	    strcmp(h.name, "Z\xc3\xbcrich_tool") == 0,
	    "=?base64?WsO8cmljaF90b29s?= is Z\xc3\xbcrich_tool");
	ok(mcphdr_parse(V, "tools/call", "=?base64?YWRtaW4=?=", &h) &&
	    strcmp(h.name, "admin") == 0, "padded base64");
	ok(mcphdr_parse(V, "tools/call", "=?base64?YWRtaW4?=", &h) &&
	    strcmp(h.name, "admin") == 0, "unpadded base64");
	ok(mcphdr_parse(V, "resources/read", "=?base64?Pz8+Pw==?=", &h) &&
	    strcmp(h.name, "?\?>?") == 0, "'+' is in the standard alphabet");
	ok(mcphdr_parse(V, "tools/call", "=?BASE64?YQ==?=", &h) &&
	    strcmp(h.name, "=?BASE64?YQ==?=") == 0,
	    "upper-case markers are a plain name");
	ok(mcphdr_parse(V, "tools/list", "\x01junk", &h) && !h.has_name,
	    "Mcp-Name of a method without a target is ignored");
}

/* The scopes mcpop_required gives under ops, or the error. */
static const char *
required(const struct mcpop *ops, const char *base, const char *version,
    const char *method, const char *name)
{
	static char out[1024];
	static struct mcphdr h;
	const char *why;
	struct buf b;

	buf_init(&b, 1000);
	mcphdr_parse(version, method, name, &h);
	if (mcpop_required(ops, base, &h, &b, &why) == -1)
		snprintf(out, sizeof(out), "error: %s", why);
	else
		snprintf(out, sizeof(out), "%s", b.p);
	buf_free(&b);
	return out;
}

static struct mcpop *
rules(const char *const *lines, size_t n)
{
	struct mcpop *ops = NULL;
	char *argv[16], *copy, *p, err[256];
	size_t i;
	int argc;

	for (i = 0; i < n; i++) {
		/* Split at single spaces, as the config parser would. */
		p = copy = strdup(lines[i]);
		for (argc = 0; p != NULL && argc < 16; argc++) {
			argv[argc] = p;
			if ((p = strchr(p, ' ')) != NULL)
				*p++ = '\0';
		}
		if (mcpop_add(&ops, argv, argc, (int)i + 1, err, sizeof(err))
		    == -1)
			printf("# %s\n", err);
		free(copy);
	}
	return ops;
}

static void
test_rules(void)
{
	static const char *const lines[] = {
		"tools/call mcp:call",
		"tools/call name=admin_tool mcp:admin",
		"tools/call name=file_* mcp:files",
		"tools/call name=file_secret_* mcp:secret",
		"tools/call name=file_secret_x",
		"resources/read name=file:///secrets/* mcp:secrets",
		"prompts/get name=Z\xc3\xbcrich_tool mcp:z",
	};
	struct mcpop *ops = rules(lines, sizeof(lines) / sizeof(lines[0]));
	struct mcpop *copy;
	char buf[2048];
	FILE *f;

	is_str(required(ops, "mcp:read", V, "tools/list", NULL), "mcp:read",
	    "no rule for tools/list: the base scopes");
	is_str(required(ops, "mcp:read", V, "tools/call", "admin_tool"),
	    "mcp:read mcp:admin", "an exact name beats the rule without name=");
	is_str(required(ops, "mcp:read", V, "tools/call", "admin_tool2"),
	    "mcp:read mcp:call", "exact means exact");
	is_str(required(ops, "mcp:read", V, "tools/call", "file_a"),
	    "mcp:read mcp:files", "a prefix");
	is_str(required(ops, "mcp:read", V, "tools/call", "file_secret_a"),
	    "mcp:read mcp:secret", "the longest prefix wins");
	is_str(required(ops, "mcp:read", V, "tools/call", "file_secret_x"),
	    "mcp:read", "an exact rule with no scopes beats every prefix");
	is_str(required(ops, "mcp:read", V, "tools/call", "file_"),
	    "mcp:read mcp:files", "a prefix matches the prefix itself");
	is_str(required(ops, "mcp:read", V, "resources/read",
	    "file:///secrets/a"), "mcp:read mcp:secrets", "a resource URI prefix");
	is_str(required(ops, "mcp:read", V, "resources/read", "file:///etc"),
	    "mcp:read", "no matching rule for resources/read: the base");
	is_str(required(ops, "mcp:read", V, "prompts/get",
	    "=?base64?WsO8cmljaF90b29s?="), "mcp:read mcp:z",
	    "a base64 name matches decoded");
	is_str(required(ops, "mcp:read mcp:admin", V, "tools/call",
	    "admin_tool"), "mcp:read mcp:admin", "each scope once");
	is_str(required(ops, "", V, "tools/call", "admin_tool"), "mcp:admin",
	    "no base scopes");
	is_str(required(ops, "mcp:read", "2025-11-25", "tools/call",
	    "admin_tool"), "mcp:read mcp:call mcp:admin mcp:files mcp:secret "
	    "mcp:secrets mcp:z", "2025-11-25: the strictest reading");
	is_str(required(ops, "mcp:read", NULL, NULL, NULL), "mcp:read mcp:call "
	    "mcp:admin mcp:files mcp:secret mcp:secrets mcp:z",
	    "no headers: the strictest reading");
	is_str(required(ops, "mcp:read", V, "tools/call", "=?base64?%%?="),
	    "mcp:read mcp:call mcp:admin mcp:files mcp:secret mcp:secrets "
	    "mcp:z", "a malformed name: the strictest reading");
	is_str(required(NULL, "mcp:read", "2025-11-25", NULL, NULL),
	    "mcp:read", "no rules: the headers are ignored");
	is_str(required(ops, "a offline_access", V, "tools/list", NULL),
	    "error: the required scopes name offline_access, which is never "
	    "a resource requirement", "offline_access in the base scopes");

	ok(mcpop_copy(&copy, ops) == 0 && copy != NULL, "copy");
	is_str(required(copy, "", V, "tools/call", "file_secret_b"),
	    "mcp:secret", "the copy matches alike");
	f = fmemopen(buf, sizeof(buf), "w");
	mcpop_print(copy, f, "  ");
	fclose(f);
	is_str(buf, "  operation_scopes tools/call mcp:call\n"
	    "  operation_scopes tools/call name=admin_tool mcp:admin\n"
	    "  operation_scopes tools/call name=file_* mcp:files\n"
	    "  operation_scopes tools/call name=file_secret_* mcp:secret\n"
	    "  operation_scopes tools/call name=file_secret_x\n"
	    "  operation_scopes resources/read name=file:///secrets/* "
	    "mcp:secrets\n"
	    "  operation_scopes prompts/get name=Z\xc3\xbcrich_tool mcp:z\n",
	    "printed back in file order");
	mcpop_free(copy);
	mcpop_free(ops);
	ok(mcpop_copy(&copy, NULL) == 0 && copy == NULL, "a NULL copy");
}

static void
test_implies(void)
{
	struct scopeset *s = NULL, *c;
	char w[] = "mcp:write", r[] = "mcp:read", l[] = "mcp:list";
	char ad[] = "mcp:admin", off[] = "offline_access";
	char *a[] = { w }, *b[] = { r, l }, *x[] = { ad }, *bad[] = { off };
	char err[256], buf[512];
	FILE *f;

	ok(scopeset_holds(NULL, "a b", "b", 1), "no hierarchy: held as is");
	ok(!scopeset_holds(NULL, "a bb", "b", 1), "whole words only");
	ok(scopeset_add(&s, "mcp:admin", a, 1, err, sizeof(err)) == 0 &&
	    scopeset_add(&s, "mcp:write", b, 2, err, sizeof(err)) == 0,
	    "admin implies write, write implies read and list");
	ok(scopeset_holds(s, "mcp:admin", "mcp:read", 8),
	    "transitive: admin holds read");
	ok(scopeset_holds(s, "x mcp:write", "mcp:list", 8), "write holds list");
	ok(!scopeset_holds(s, "mcp:write", "mcp:admin", 9),
	    "never upwards: write does not hold admin");
	ok(!scopeset_holds(s, "mcp:read", "mcp:write", 9),
	    "read does not hold write");
	ok(scopeset_add(&s, "mcp:list", x, 1, err, sizeof(err)) == 0 &&
	    scopeset_holds(s, "mcp:list", "mcp:read", 8),
	    "a cycle closes: list implies admin, hence read");
	ok(scopeset_copy(&c, s) == 0 && scopeset_holds(c, "mcp:write",
	    "mcp:admin", 9), "the copy holds alike");
	f = fmemopen(buf, sizeof(buf), "w");
	scopeset_print(c, f, "");
	fclose(f);
	is_str(buf, "scope_implies mcp:admin mcp:write mcp:read mcp:list\n"
	    "scope_implies mcp:write mcp:read mcp:list mcp:admin\n"
	    "scope_implies mcp:list mcp:admin mcp:write mcp:read\n",
	    "printed closed");
	ok(scopeset_add(&c, "a", bad, 1, err, sizeof(err)) == -1 &&
	    strcmp(err, "offline_access: offline_access asks for refresh "
	    "tokens and is never a resource requirement") == 0,
	    "offline_access is refused");
	scopeset_free(c);
	scopeset_free(s);
}

static void
test_config(void)
{
	static const char text[] = "issuer https://as.example jwks=k.json\n"
	    "scope_implies mcp:admin mcp:read\n"
	    "operation_scopes tools/call name=admin mcp:admin\n"
	    "resource https://m.example/a\n"
	    "    required_scopes mcp:read\n"
	    "resource https://m.example/b\n"
	    "    operation_scopes tools/call name=other mcp:other\n"
	    "    scope_implies mcp:other mcp:read\n";
	struct config *c;
	char err[512], buf[4096], *p;
	FILE *f;

	if ((c = config_parse(text, sizeof(text) - 1, "/etc/m.conf", err,
	    sizeof(err))) == NULL) {
		ok(0, err);
		return;
	}
	f = fmemopen(buf, sizeof(buf), "w");
	config_print(c, f);
	fclose(f);
	p = strstr(buf, "resource https://m.example/a");
	is_str(p, "resource https://m.example/a\n"
	    "    audience https://m.example/a\n"
	    "    required_scopes mcp:read\n"
	    "    algorithms RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 "
	    "ES512 EdDSA\n"
	    "    leeway 60\n"
	    "    operation_scopes tools/call name=admin mcp:admin\n"
	    "    scope_implies mcp:admin mcp:read\n"
	    "resource https://m.example/b\n"
	    "    audience https://m.example/b\n"
	    "    algorithms RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 "
	    "ES512 EdDSA\n"
	    "    leeway 60\n"
	    "    operation_scopes tools/call name=admin mcp:admin\n"
	    "    operation_scopes tools/call name=other mcp:other\n"
	    "    scope_implies mcp:admin mcp:read\n"
	    "    scope_implies mcp:other mcp:read\n",
	    "defaults seed each resource, whose own rules add to them");
	config_free(c);
}

static void
test_b64std(void)
{
	unsigned char out[16];

	is_int(b64std_decode("Pz8+Pw==", 8, out, sizeof(out)), 4,
	    "base64 with + and padding");
	is_int(b64std_decode("Pz8/Pw", 6, out, sizeof(out)), 4,
	    "base64 with / unpadded");
	is_int(b64std_decode("Pz8_Pw", 6, out, sizeof(out)), -1,
	    "'_' is base64url");
	is_int(b64std_decode("Pw=", 3, out, sizeof(out)), -1,
	    "padding that does not complete a group");
	is_int(b64std_decode("=", 1, out, sizeof(out)), -1, "padding alone");
	is_int(b64std_decode("", 0, out, sizeof(out)), 0, "empty");
}

int
main(void)
{
	test_headers();
	test_rules();
	test_implies();
	test_config();
	test_b64std();
	return tap_done();
}
