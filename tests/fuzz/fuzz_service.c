/*
 * FastCGI parameters to routing and decision: the input is the request's
 * parameters as NAME=VALUE lines; its first byte picks the role.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "mint.h"
#include "service.h"

#define MAXP 64

struct params {
	size_t n;
	char *name[MAXP], *value[MAXP];
};

static struct state *st;

static const char *
param(const struct request *r, const char *name)
{
	const struct params *p = r->ctx;
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->name[i], name) == 0)
			return p->value[i];
	return NULL;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/mcpauth-fuzz-XXXXXX", path[256], err[512], *jwk;
	mint_key *k;
	FILE *f;

	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL)
		abort();
	k = mint_key_new("p256");
	jwk = mint_jwk(k, "k1", "ES256", "sig");
	snprintf(path, sizeof(path), "%s/jwks.json", dir);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fprintf(f, "{\"keys\":[%s]}", jwk);
	fclose(f);
	snprintf(path, sizeof(path), "%s/as.json", dir);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fprintf(f, "{\"issuer\":\"https://as.example\"}");
	fclose(f);
	snprintf(path, sizeof(path), "%s/m.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fprintf(f, "issuer https://as.example jwks=jwks.json metadata=as.json\n"
	    "resource https://mcp.example/mcp\nrequired_scopes read\n"
	    "operation_scopes tools/call name=admin admin\n"
	    "operation_scopes tools/call name=f* files\n"
	    "scope_implies admin read\n"
	    "resource https://mcp.example/\nallow_cors_preflight on\n");
	fclose(f);
	if ((st = state_load(path, 1700000000LL, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
	free(jwk);
	mint_key_free(k);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct request req = { param, NULL, 0, 0 };
	struct params p = { 0 };
	char *text, *line, *next, *eq;
	struct buf out;
	int refresh;

	if (size == 0 || (text = malloc(size)) == NULL)
		return 0;
	req.authorizer = data[0] & 1;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	for (line = text; line != NULL && p.n < MAXP; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		p.name[p.n] = line;
		p.value[p.n++] = eq + 1;
	}
	req.ctx = &p;
	buf_init(&out, 2 * 1024 * 1024);
	service_handle(st, &req, 1700000000LL, &out, &refresh);
	buf_free(&out);
	free(text);
	return 0;
}
