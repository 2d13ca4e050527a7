/* mcpauth: command line dispatch (SPEC §3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "crypto.h"
#include "fetch.h"
#include "num.h"
#include "version.h"

#define DEFAULT_CONFIG "/etc/mcpauth/mcpauth.conf"

static void
usage(FILE *f)
{
	fputs(
"usage: mcpauth [serve] [-c FILE] [--listen ADDR] [--http ADDR] [--threads N]\n"
"               [--user NAME | --allow-root]\n"
"       mcpauth check-config [-c FILE]\n"
"       mcpauth verify [-c FILE] [--resource URL] [--scopes \"a b\"]\n"
"                      [--mcp-method M] [--mcp-name N]\n"
"                      [--mcp-protocol-version V] < token\n"
"       mcpauth discover ISSUER [--type oidc|oauth|auto]\n"
"       mcpauth --version | --help\n"
"\n"
"mcpauth makes an MCP server behind nginx or Apache an OAuth 2.1\n"
"protected resource: it verifies bearer JWTs against the issuer's keys.\n"
"\n"
"commands:\n"
"  serve         (the default) answer FastCGI requests: on fd 0 when it\n"
"                is a socket (spawn-fcgi, mod_fcgid), on --listen, or\n"
"                one CGI request when run as a CGI program; and HTTP\n"
"                forward-auth requests on --http (alone or beside FastCGI)\n"
"  check-config  parse the file, load every key set, print the policy;\n"
"                exit 0 if usable, 1 otherwise\n"
"  discover      fetch an issuer's metadata the way serve does (type\n"
"                auto: RFC 8414 then OpenID Connect), check it, print it\n"
"  verify        check one token read from stdin as serve would; print\n"
"                the caller as JSON; exit 0 allowed, 1 refused, 3 scope\n"
"                missing, 2 configuration or key failure\n"
"\n"
"options:\n"
"  --listen ADDR      serve: FastCGI on host:port or unix:/path\n"
"  --http ADDR        serve: HTTP on host:port or unix:/path (nginx\n"
"                     auth_request to /auth, Caddy forward_auth, Traefik\n"
"                     forwardAuth; policy in /auth?resource=&scopes=)\n"
"  --threads N        serve: worker threads (default: 2 per CPU, at\n"
"                     least 4); peers that stall hold none of them\n"
"  --user NAME        serve: started as root, become NAME after binding\n"
"  --allow-root       serve: allow serving as root (not recommended)\n"
"  -c FILE            config file (else $MCPAUTH_CONFIG, else\n"
"                     " DEFAULT_CONFIG ")\n"
"  --resource URL     verify: the configured resource to check against\n"
"                     (needed when the file has several)\n"
"  --scopes \"a b\"     verify: required scopes, replacing the file's\n"
"  --mcp-method M, --mcp-name N, --mcp-protocol-version V\n"
"                     verify: the MCP request headers to judge the\n"
"                     resource's operation_scopes by (without them: the\n"
"                     strictest reading, every rule's scopes)\n"
"  --type T           discover: oidc, oauth or auto (default auto)\n"
"  --insecure-http    discover: allow a plain http:// issuer (testing)\n"
"\n"
"a minimal config file:\n"
"  issuer https://auth.example.com jwks=/etc/mcpauth/jwks.json\n"
"  resource https://mcp.example.com/mcp\n"
"  required_scopes mcp:tools\n"
"\n"
"example:\n"
"  echo \"$TOKEN\" | mcpauth verify -c mcpauth.conf\n", f);
}

/* The value of option argv[*i], moving past it; NULL (and a message). */
static const char *
value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc) {
		fprintf(stderr, "mcpauth: %s needs a value\n", argv[*i]);
		return NULL;
	}
	return argv[++*i];
}

int
main(int argc, char **argv)
{
	struct cmd_options o = { 0 };
	const char *cmd = "serve", **slot, *v;
	long long n;
	int i = 1;

	if (crypto_init(NULL, NULL) == -1) {
		fprintf(stderr, "mcpauth: cannot set OpenSSL's allocator\n");
		return CMD_FAILURE;
	}
	if (argc > 1 && argv[1][0] != '-')
		cmd = argv[i++];
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return CMD_OK;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("mcpauth %s\n", MCPAUTH_VERSION);
			return CMD_OK;
		}
		if (strcmp(argv[i], "-c") == 0)
			slot = &o.config;
		else if (strcmp(argv[i], "--resource") == 0)
			slot = &o.resource;
		else if (strcmp(argv[i], "--scopes") == 0)
			slot = &o.scopes;
		else if (strcmp(argv[i], "--mcp-method") == 0)
			slot = &o.mcp_method;
		else if (strcmp(argv[i], "--mcp-name") == 0)
			slot = &o.mcp_name;
		else if (strcmp(argv[i], "--mcp-protocol-version") == 0)
			slot = &o.mcp_version;
		else if (strcmp(argv[i], "--listen") == 0)
			slot = &o.listen;
		else if (strcmp(argv[i], "--http") == 0)
			slot = &o.http;
		else if (strcmp(argv[i], "--type") == 0)
			slot = &o.type;
		else if (strcmp(argv[i], "--user") == 0)
			slot = &o.user;
		else if (strcmp(argv[i], "--allow-root") == 0) {
			o.allow_root = 1;
			continue;
		}
		else if (strcmp(argv[i], "--insecure-http") == 0) {
			o.insecure_http = 1;
			continue;
		} else if (argv[i][0] != '-' && o.arg == NULL) {
			o.arg = argv[i];
			continue;
		}
		else if (strcmp(argv[i], "--threads") == 0) {
			if ((v = value(argc, argv, &i)) == NULL ||
			    num_parse(v, 1, 256, &n) == -1) {
				fprintf(stderr, "mcpauth: --threads expects a "
				    "number from 1 to 256\n");
				return CMD_FAILURE;
			}
			o.threads = (int)n;
			continue;
		} else {
			fprintf(stderr, "mcpauth: unknown option %s (see "
			    "mcpauth --help)\n", argv[i]);
			return CMD_FAILURE;
		}
		if ((*slot = value(argc, argv, &i)) == NULL)
			return CMD_FAILURE;
	}
	if (fetch_init() == -1) {
		fprintf(stderr, "mcpauth: cannot initialise libcurl\n");
		return CMD_FAILURE;
	}
	if (o.config == NULL && (o.config = getenv("MCPAUTH_CONFIG")) == NULL)
		o.config = DEFAULT_CONFIG;
	if (strcmp(cmd, "verify") == 0)
		return cmd_verify(&o);
	if (strcmp(cmd, "check-config") == 0)
		return cmd_check_config(&o);
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(&o);
	if (strcmp(cmd, "discover") == 0)
		return cmd_discover(&o);
	fprintf(stderr, "mcpauth: unknown command %s (see mcpauth --help)\n",
	    cmd);
	return CMD_FAILURE;
}
