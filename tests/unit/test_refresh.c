/*
 * refresh without the network: jwks= and metadata= files, their errors,
 * and a reload carrying key sets over to issuers whose source did not
 * change (and only to those).  Fetching, discovery and their timers are
 * covered through a live issuer in tests/integration/test_keysets.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "jwks.h"
#include "keystore.h"
#include "mint.h"
#include "refresh.h"
#include "arena.h"
#include "tap.h"

static char dir[] = "/tmp/test_refresh.XXXXXX";
static char *jwk_a, *jwk_b;

static const char *
path(const char *name)
{
	static char p[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static void
write_file(const char *name, const char *text)
{
	FILE *f = fopen(path(name), "w");

	if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0)
		bail("write_file");
}

/* The runtime of config text, loaded with prev; NULL if refresh_load
 * failed (err says why). */
struct rt {
	struct config *cfg;
	struct keystore *keys;
	struct refresh *r;
};

static struct rt *
load(const char *text, struct rt *prev, char *err, size_t errlen)
{
	struct rt *t = keep(calloc(1, sizeof(*t)));

	if ((t->cfg = config_parse(text, strlen(text), path("m.conf"), err,
	    errlen)) == NULL)
		bail(err);
	if ((t->keys = keystore_new(t->cfg->nissuers)) == NULL ||
	    (t->r = refresh_new(t->cfg, t->keys)) == NULL)
		bail("out of memory");
	if (refresh_load(t->r, prev ? prev->r : NULL, err, errlen) == 0)
		return t;
	refresh_free(t->r);
	keystore_free(t->keys);
	config_free(t->cfg);
	return NULL;
}

static void
unload(struct rt *t)
{
	refresh_free(t->r);
	keystore_free(t->keys);
	config_free(t->cfg);
}

static int
has_kid(struct rt *t, size_t i, const char *kid)
{
	enum jwks_miss miss;
	char why[128];
	jwks *set = keystore_get(t->keys, i, NULL);
	int found;

	found = set != NULL && jwks_find(set, kid, ALG_ES256, &miss, why,
	    sizeof(why)) != NULL;
	jwks_free(set);
	return found;
}

static char *
conf(const char *issuers)
{
	char *s = keep(malloc(4096));

	snprintf(s, 4096, "insecure_http on\n%sresource https://mcp.example/\n",
	    issuers);
	return s;
}

static void
test_files(void)
{
	char err[512], text[1024], *doc;
	struct rt *t;

	snprintf(text, sizeof(text), "{\"keys\":[%s]}", jwk_a);
	write_file("a.json", text);
	write_file("meta.json", "{\"issuer\":\"https://as.example\"}");
	snprintf(text, sizeof(text), "issuer https://as.example jwks=%s "
	    "metadata=%s\n", path("a.json"), path("meta.json"));
	t = load(conf(text), NULL, err, sizeof(err));
	ok(t != NULL, "jwks= and metadata= files load");
	if (t == NULL)
		bail(err);
	ok(has_kid(t, 0, "a"), "the jwks= file's key is in the store");
	doc = refresh_metadata(t->r, 0);
	is_str(doc, "{\"issuer\":\"https://as.example\"}",
	    "the metadata= file is served as it is");
	free(doc);
	refresh_want(t->r, 0);
	refresh_tick(t->r, 1700000000LL);	/* nothing to fetch */
	ok(has_kid(t, 0, "a"), "a tick leaves a file's key set alone");
	unload(t);

	snprintf(text, sizeof(text), "issuer https://as.example jwks=%s\n",
	    path("missing.json"));
	t = load(conf(text), NULL, err, sizeof(err));
	ok(t == NULL, "a missing jwks= file is an error");
	snprintf(text, sizeof(text), "issuer https://as.example: %s: No such "
	    "file or directory", path("missing.json"));
	is_str(err, text, "and says why");
	write_file("meta.json", "{\"issuer\":\"https://other.example\"}");
	snprintf(text, sizeof(text), "issuer https://as.example jwks=%s "
	    "metadata=%s\n", path("a.json"), path("meta.json"));
	t = load(conf(text), NULL, err, sizeof(err));
	ok(t == NULL, "metadata= for another issuer is an error");
	snprintf(text, sizeof(text), "issuer https://as.example: %s: issuer is "
	    "\"https://other.example\", expected \"https://as.example\" "
	    "exactly", path("meta.json"));
	is_str(err, text, "and says why");
}

static void
test_carry_over(void)
{
	char err[512], text[1024];
	struct rt *prev, *t;

	prev = load(conf("issuer https://as.example "
	    "jwks=http://127.0.0.1:9/a.json\n"
	    "issuer https://as2.example jwks=http://127.0.0.1:9/b.json\n"),
	    NULL, err, sizeof(err));
	if (prev == NULL)
		bail(err);
	ok(keystore_get(prev->keys, 0, NULL) == NULL,
	    "loading never fetches: no key set yet");
	snprintf(text, sizeof(text), "{\"keys\":[%s]}", jwk_a);
	keystore_set(prev->keys, 0, jwks_parse(text, strlen(text), err,
	    sizeof(err)));
	snprintf(text, sizeof(text), "{\"keys\":[%s]}", jwk_b);
	keystore_set(prev->keys, 1, jwks_parse(text, strlen(text), err,
	    sizeof(err)));

	/* Reordered, one source changed, one issuer new. */
	t = load(conf("issuer https://new.example "
	    "jwks=http://127.0.0.1:9/n.json\n"
	    "issuer https://as2.example jwks=http://127.0.0.1:9/moved.json\n"
	    "issuer https://as.example jwks=http://127.0.0.1:9/a.json\n"),
	    prev, err, sizeof(err));
	if (t == NULL)
		bail(err);
	ok(has_kid(t, 2, "a"),
	    "an issuer with the same source keeps its key set over a reload");
	is_int((long long)keystore_generation(t->keys, 2), 1,
	    "as the first generation of the new store");
	ok(keystore_get(t->keys, 1, NULL) == NULL,
	    "an issuer whose jwks= changed does not");
	ok(keystore_get(t->keys, 0, NULL) == NULL, "a new issuer starts empty");
	unload(t);

	t = load(conf("issuer https://as.example type=oidc "
	    "jwks=http://127.0.0.1:9/a.json\n"), prev, err, sizeof(err));
	if (t == NULL)
		bail(err);
	ok(keystore_get(t->keys, 0, NULL) == NULL,
	    "an issuer whose type changed does not");
	unload(t);

	/* A jwks= file is read again: its new content wins. */
	snprintf(text, sizeof(text), "{\"keys\":[%s]}", jwk_b);
	write_file("f.json", text);
	snprintf(text, sizeof(text), "issuer https://as.example jwks=%s\n",
	    path("f.json"));
	t = load(conf(text), NULL, err, sizeof(err));
	if (t == NULL)
		bail(err);
	snprintf(text, sizeof(text), "{\"keys\":[%s]}", jwk_a);
	write_file("f.json", text);
	snprintf(text, sizeof(text), "issuer https://as.example jwks=%s\n",
	    path("f.json"));
	{
		struct rt *t2 = load(conf(text), t, err, sizeof(err));

		if (t2 == NULL)
			bail(err);
		ok(has_kid(t2, 0, "a") && !has_kid(t2, 0, "b"),
		    "a jwks= file is read again on reload");
		unload(t2);
	}
	unload(t);
	unload(prev);
}

int
main(void)
{
	mint_key *a = mint_key_new("p256"), *b = mint_key_new("p256");
	char cmd[300];

	if (a == NULL || b == NULL || mkdtemp(dir) == NULL)
		bail("setup");
	jwk_a = keep(mint_jwk(a, "a", NULL, NULL));
	jwk_b = keep(mint_jwk(b, "b", NULL, NULL));
	test_files();
	test_carry_over();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		bail("cleanup");
	mint_key_free(a);
	mint_key_free(b);
	gc();
	return tap_done();
}
