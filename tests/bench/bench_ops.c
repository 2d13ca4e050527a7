/*
 * bench_ops: the cost of per-operation policy (SPEC §11) on a cached
 * decision, in-process: service_handle on one repeated RS256 token (a
 * token-cache hit) for a resource without rules and for one with ten
 * operation_scopes rules and a scope_implies line, the request naming a
 * tool one rule matches exactly.  Both get the same parameters, MCP
 * 2026-07-28 headers included (the first resource ignores them).  Rounds
 * alternate and medians are reported, so a noisy machine slows both
 * alike; CPU time of this thread is measured.  The decision log goes to
 * /dev/null (its write is part of both).  Then the same plain decision
 * with metrics counted and not (metrics_enable, SPEC §14), alternating.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "metrics.h"
#include "mint.h"
#include "cputime.h"
#include "response.h"
#include "service.h"
#include "state.h"

#define N 20000
#define ROUNDS 9
#define NOW 1700000000LL
#define RES "https://mcp.example.com/mcp"

static const char *params[][2] = {
	{ "REQUEST_METHOD", "POST" }, { "DOCUMENT_URI", "/_mcpauth" },
	{ "MCPAUTH_RESOURCE", RES }, { "HTTP_AUTHORIZATION", NULL },
	{ "HTTP_MCP_PROTOCOL_VERSION", "2026-07-28" },
	{ "HTTP_MCP_METHOD", "tools/call" }, { "HTTP_MCP_NAME", "tool_7" },
};

static const char *
param(const struct request *r, const char *name)
{
	size_t i;

	(void)r;
	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		if (strcmp(params[i][0], name) == 0)
			return params[i][1];
	return NULL;
}

/* Microseconds per allowed decision over N of them, or -1. */
static double
round_us(const struct state *st)
{
	struct request req = { param, NULL, 0, 0 };
	struct buf out;
	double t0 = cpu_now();
	int i, refresh;

	for (i = 0; i < N; i++) {
		buf_init(&out, RESPONSE_MAX_HEAD + RESPONSE_MAX_BODY);
		if (service_handle(st, &req, NOW, &out, &refresh) != 200) {
			buf_free(&out);
			return -1;
		}
		buf_free(&out);
	}
	return (cpu_now() - t0) * 1e6 / N;
}

static struct state *
load(const char *dir, const char *name, const char *extra)
{
	char path[512], err[512];
	struct state *st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.conf", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return NULL;
	fprintf(f, "issuer https://as.example jwks=%s/jwks.json\n"
	    "resource " RES "\n    required_scopes mcp:read\n%s", dir, extra);
	fclose(f);
	if ((st = state_load(path, NOW, err, sizeof(err))) == NULL)
		fprintf(stderr, "bench_ops: %s\n", err);
	return st;
}

int
main(void)
{
	static const char rules[] =
	    "    operation_scopes tools/call name=tool_0 mcp:write\n"
	    "    operation_scopes tools/call name=tool_1 mcp:write\n"
	    "    operation_scopes tools/call name=tool_2 mcp:write\n"
	    "    operation_scopes tools/call name=tool_3 mcp:write\n"
	    "    operation_scopes tools/call name=tool_4 mcp:write\n"
	    "    operation_scopes tools/call name=tool_5 mcp:write\n"
	    "    operation_scopes tools/call name=tool_6 mcp:write\n"
	    "    operation_scopes tools/call name=tool_7 mcp:write\n"
	    "    operation_scopes tools/call name=tool_* mcp:admin\n"
	    "    operation_scopes resources/read name=file:///* mcp:files\n"
	    "    scope_implies mcp:admin mcp:write\n";
	char dir[] = "/tmp/bench_ops.XXXXXX", path[600], *jwk, *tok, auth[4096];
	double plain[ROUNDS], ops[ROUNDS], diff[ROUNDS], on[ROUNDS];
	struct state *a, *b;
	mint_key *k;
	FILE *f;
	int r;

	if (mkdtemp(dir) == NULL || (k = mint_key_new("rsa2048")) == NULL ||
	    (jwk = mint_jwk(k, "k1", "RS256", "sig")) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/jwks.json", dir);
	if ((f = fopen(path, "w")) == NULL)
		return 1;
	fprintf(f, "{\"keys\":[%s]}", jwk);
	fclose(f);
	tok = mint_sign(k, "RS256", "{\"alg\":\"RS256\",\"kid\":\"k1\"}",
	    "{\"iss\":\"https://as.example\",\"aud\":\"" RES "\","
	    "\"exp\":1700003600,\"sub\":\"alice\",\"client_id\":\"c\","
	    "\"scope\":\"mcp:read mcp:write\"}", MINT_SIG_OK);
	if (tok == NULL)
		return 1;
	snprintf(auth, sizeof(auth), "Bearer %s", tok);
	params[3][1] = auth;
	a = load(dir, "plain", "");
	b = load(dir, "ops", rules);
	if (a == NULL || b == NULL)
		return 1;
	/* Decisions are logged; keep the terminal quiet. */
	if (freopen("/dev/null", "w", stderr) == NULL)
		return 1;
	round_us(a);		/* warm both caches */
	round_us(b);
	for (r = 0; r < ROUNDS; r++) {
		plain[r] = round_us(a);
		ops[r] = round_us(b);
		if (plain[r] < 0 || ops[r] < 0) {
			printf("bench_ops: a decision was not an allow\n");
			return 1;
		}
		diff[r] = ops[r] - plain[r];
	}
	qsort(plain, ROUNDS, sizeof(double), cmp_double);
	qsort(ops, ROUNDS, sizeof(double), cmp_double);
	qsort(diff, ROUNDS, sizeof(double), cmp_double);
	printf("cached decision in-process, medians of %d alternating rounds of "
	    "%d:\n  no rules %.3f us, ten rules + Mcp-Name matching one %.3f us:"
	    " %+.3f us (round differences %+.3f to %+.3f)  target <= +1 us  "
	    "%s\n", ROUNDS, N, plain[ROUNDS / 2], ops[ROUNDS / 2],
	    diff[ROUNDS / 2], diff[0], diff[ROUNDS - 1],
	    diff[ROUNDS / 2] <= 1 ? "MET" : "MISSED");
	for (r = 0; r < ROUNDS; r++) {
		metrics_enable(0);
		plain[r] = round_us(a);
		metrics_enable(1);
		on[r] = round_us(a);
		if (plain[r] < 0 || on[r] < 0)
			return 1;
		diff[r] = on[r] - plain[r];
	}
	qsort(plain, ROUNDS, sizeof(double), cmp_double);
	qsort(on, ROUNDS, sizeof(double), cmp_double);
	qsort(diff, ROUNDS, sizeof(double), cmp_double);
	printf("  metrics off %.3f us, on %.3f us: %+.3f us (round differences "
	    "%+.3f to %+.3f)  target <= +0.3 us  %s\n", plain[ROUNDS / 2],
	    on[ROUNDS / 2], diff[ROUNDS / 2], diff[0], diff[ROUNDS - 1],
	    diff[ROUNDS / 2] <= 0.3 ? "MET" : "MISSED");
	state_free(a);
	state_free(b);
	unlink(path);
	snprintf(path, sizeof(path), "%s/plain.conf", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ops.conf", dir);
	unlink(path);
	rmdir(dir);
	free(jwk);
	free(tok);
	mint_key_free(k);
	return 0;
}
