/*
 * tokcache: what is remembered (allows, refusals by the signature check),
 * what is not, how long (while the key set it was decided with is
 * current) and how a full set of ways evicts.  Also the rotation race:
 * a refresh that lands between decide and tokcache_put must not let an
 * allow made with a removed key outlive it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "decide.h"
#include "jwks.h"
#include "keystore.h"
#include "mint.h"
#include "tokcache.h"
#include "arena.h"
#include "tap.h"

#define NOW 1700000000LL
#define ISS "https://as.example"
#define RES "https://mcp.example/mcp"
#define RES2 "https://mcp.example/other"

static mint_key *k1, *k2;
static char *jwk1, *jwk2;
static struct config *cfg;
static struct keystore *store;

/* A key set holding k1 ("k1"), k2 ("k2"), or both. */
static jwks *
set(int with_k1, int with_k2)
{
	char err[256], text[4096];
	jwks *s;

	snprintf(text, sizeof(text), "{\"keys\":[%s%s%s]}",
	    with_k1 ? jwk1 : "", with_k1 && with_k2 ? "," : "",
	    with_k2 ? jwk2 : "");
	if ((s = jwks_parse(text, strlen(text), err, sizeof(err))) == NULL)
		bail(err);
	return s;
}

/* A token signed by k with kid, for sub, good at NOW. */
static char *
token(const mint_key *k, const char *kid, const char *sub)
{
	char payload[512], header[64];

	snprintf(header, sizeof(header), "{\"alg\":\"ES256\",\"kid\":\"%s\"}",
	    kid);
	snprintf(payload, sizeof(payload), "{\"iss\":\"%s\",\"aud\":\"%s\","
	    "\"exp\":%lld,\"sub\":\"%s\",\"scope\":\"read\"}", ISS, RES,
	    NOW + 600, sub);
	return keep(mint_sign(k, "ES256", header, payload, MINT_SIG_OK));
}

static struct decide_input
input(const char *resource)
{
	struct decide_input in = { 0 };

	in.cfg = cfg;
	in.resource = config_resource(cfg, resource);
	in.keys = store;
	in.now = NOW;
	return in;
}

/* Decide tok and remember the decision in c; returns its code. */
static enum decide_code
decide_put(struct tokcache *c, const struct decide_input *in,
    const char *tok)
{
	unsigned char h[32];
	struct decision d;
	enum decide_code code;

	code = decide(in, tok, strlen(tok), &d);
	if (tokcache_hash(tok, strlen(tok), h) == -1)
		bail("tokcache_hash");
	tokcache_put(c, in, h, &d);
	decision_clear(&d);
	return code;
}

/* Look tok up: -1 on a miss, else the cached code (d's sub in sub). */
static int
get(struct tokcache *c, const struct decide_input *in, const char *tok,
    char *sub, size_t sublen)
{
	unsigned char h[32];
	struct decision d;
	int code;

	if (tokcache_hash(tok, strlen(tok), h) == -1)
		bail("tokcache_hash");
	if (!tokcache_get(c, in, h, tok, strlen(tok), &d))
		return -1;
	code = (int)d.code;
	if (sub != NULL)
		snprintf(sub, sublen, "%s", d.info.subject ? d.info.subject :
		    "-");
	decision_clear(&d);
	return code;
}

static void
test_basics(void)
{
	struct decide_input in = input(RES), in2 = input(RES2);
	struct tokcache *c = tokcache_new(64);
	char *good = token(k1, "k1", "alice"), *forged, sub[64];
	size_t n;

	ok(tokcache_new(0) == NULL, "a cache of 0 entries is none");
	keystore_set(store, 0, set(1, 0));
	is_int(get(c, &in, good, NULL, 0), -1, "empty cache: miss");
	is_int(decide_put(c, &in, good), DECIDE_ALLOW, "decided: allow");
	is_int(get(c, &in, good, sub, sizeof(sub)), DECIDE_ALLOW,
	    "a repeat is a hit");
	is_str(sub, "alice", "the hit carries the identity");
	is_int(get(c, &in2, good, NULL, 0), -1,
	    "a hit is for the resource that decided it only");
	/* A forged signature against a known key is remembered... */
	forged = keep(strdup(good));
	n = strlen(forged);
	forged[n - 2] = forged[n - 2] == 'A' ? 'B' : 'A';
	is_int(decide_put(c, &in, forged), DECIDE_INVALID_TOKEN,
	    "decided: a bad signature");
	is_int(get(c, &in, forged, NULL, 0), DECIDE_INVALID_TOKEN,
	    "a bad signature is remembered as a refusal");
	/* ... an unknown kid is not: a refresh may bring it. */
	is_int(decide_put(c, &in, token(k2, "k2", "bob")),
	    DECIDE_INVALID_TOKEN, "decided: unknown kid");
	is_int(get(c, &in, token(k2, "k2", "bob"), NULL, 0), -1,
	    "an unknown kid is not remembered");
	/* A new key set ends every entry decided with the old one. */
	keystore_set(store, 0, set(1, 1));
	is_int(get(c, &in, good, NULL, 0), -1,
	    "after a new key set: the allow is gone");
	is_int(get(c, &in, forged, NULL, 0), -1,
	    "after a new key set: the refusal is gone");
	tokcache_free(c);
	tokcache_free(NULL);
}

/* The zero value of a decision is never remembered as anything. */
static void
test_zero(void)
{
	struct decide_input in = input(RES);
	struct tokcache *c = tokcache_new(64);
	char *good = token(k1, "k1", "alice");
	struct decision d;
	unsigned char h[32];

	keystore_set(store, 0, set(1, 0));
	memset(&d, 0, sizeof(d));
	d.issuer = 0;
	tokcache_hash(good, strlen(good), h);
	tokcache_put(c, &in, h, &d);
	is_int(get(c, &in, good, NULL, 0), -1,
	    "a decision not made with a key set (generation 0) is not kept");
	tokcache_free(c);
}

/*
 * decide takes key set A (with k1); a refresh installs B (without k1)
 * before the result is cached.  The entry must belong to A's generation,
 * so the next lookup misses and decides again with B.
 */
static void
test_rotation_race(void)
{
	struct decide_input in = input(RES);
	struct tokcache *c = tokcache_new(64);
	char *good = token(k1, "k1", "alice");
	unsigned char h[32];
	struct decision d;

	keystore_set(store, 0, set(1, 0));
	is_int(decide(&in, good, strlen(good), &d), DECIDE_ALLOW,
	    "race: decided with the set holding k1");
	keystore_set(store, 0, set(0, 1));	/* the refresh lands here */
	tokcache_hash(good, strlen(good), h);
	tokcache_put(c, &in, h, &d);
	decision_clear(&d);
	is_int(get(c, &in, good, NULL, 0), -1,
	    "race: an allow made with a removed key is not served from the "
	    "cache");
	is_int(decide(&in, good, strlen(good), &d), DECIDE_INVALID_TOKEN,
	    "race: decided again, the removed key refuses");
	decision_clear(&d);
	tokcache_free(c);
}

/* Four ways a set: refusals hold one way at most, allows are kept. */
static void
test_eviction(void)
{
	struct decide_input in = input(RES);
	struct tokcache *c = tokcache_new(4);	/* one set of 4 ways */
	char *allow[4], *bad[3], name[16];
	int i, kept = 0, refusals = 0;
	size_t n;

	keystore_set(store, 0, set(1, 0));
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "user%d", i);
		allow[i] = token(k1, "k1", name);
		decide_put(c, &in, allow[i]);
	}
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "forger%d", i);
		bad[i] = keep(strdup(token(k1, "k1", name)));
		n = strlen(bad[i]);
		bad[i][n - 2] = bad[i][n - 2] == 'A' ? 'B' : 'A';
		decide_put(c, &in, bad[i]);
	}
	for (i = 0; i < 4; i++)
		kept += get(c, &in, allow[i], NULL, 0) == DECIDE_ALLOW;
	for (i = 0; i < 3; i++)
		refusals += get(c, &in, bad[i], NULL, 0) ==
		    DECIDE_INVALID_TOKEN;
	is_int(kept, 3, "three refusals into a full set take one allow's way");
	is_int(refusals, 1, "and only one way between them");
	tokcache_free(c);
}

int
main(void)
{
	char err[512];
	const char *text = "issuer " ISS " jwks=/dev/null\n"
	    "resource " RES "\nresource " RES2 "\n";

	if ((k1 = mint_key_new("p256")) == NULL ||
	    (k2 = mint_key_new("p256")) == NULL)
		bail("mint_key_new");
	jwk1 = keep(mint_jwk(k1, "k1", NULL, NULL));
	jwk2 = keep(mint_jwk(k2, "k2", NULL, NULL));
	if ((cfg = config_parse(text, strlen(text), "t.conf", err,
	    sizeof(err))) == NULL)
		bail(err);
	if ((store = keystore_new(1)) == NULL)
		bail("keystore_new");
	test_basics();
	test_zero();
	test_rotation_race();
	test_eviction();
	keystore_free(store);
	config_free(cfg);
	mint_key_free(k1);
	mint_key_free(k2);
	gc();
	return tap_done();
}
