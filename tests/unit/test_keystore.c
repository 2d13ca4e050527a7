/*
 * keystore: slots, references, generations (a new one only when the keys
 * change), the set and its generation read in one step, and copies
 * between stores (a reload carrying key sets over).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "jwks.h"
#include "keystore.h"
#include "mint.h"
#include "arena.h"
#include "tap.h"

static char *jwk_a, *jwk_b;

static jwks *
parse(const char *jwk)
{
	char err[256], text[2048];
	jwks *s;

	snprintf(text, sizeof(text), "{\"keys\":[%s]}", jwk);
	if ((s = jwks_parse(text, strlen(text), err, sizeof(err))) == NULL)
		bail(err);
	return s;
}

static int
has_kid(jwks *set, const char *kid)
{
	enum jwks_miss miss;
	char why[128];

	return set != NULL && jwks_find(set, kid, ALG_ES256, &miss, why,
	    sizeof(why)) != NULL;
}

static void
test_generations(void)
{
	unsigned char da[32], db[32];
	struct keystore *ks = keystore_new(2);
	unsigned long g = 99;
	jwks *got;

	memset(da, 'a', sizeof(da));
	memset(db, 'b', sizeof(db));
	ok(keystore_get(ks, 0, &g) == NULL && g == 0,
	    "an empty slot: no set, generation 0");
	keystore_set(ks, 0, parse(jwk_a));
	got = keystore_get(ks, 0, &g);
	ok(has_kid(got, "a") && g == 1, "set: the set and generation 1");
	jwks_free(got);
	is_int((long long)keystore_generation(ks, 1), 0,
	    "slots are independent");
	keystore_set(ks, 0, parse(jwk_a));
	is_int((long long)keystore_generation(ks, 0), 2,
	    "keystore_set always starts a generation");
	is_int(keystore_update(ks, 0, parse(jwk_a), da), 1,
	    "update with a digest after a set without one: changed");
	is_int((long long)keystore_generation(ks, 0), 3, "generation 3");
	is_int(keystore_update(ks, 0, parse(jwk_a), da), 0,
	    "update with the same digest: unchanged");
	is_int((long long)keystore_generation(ks, 0), 3,
	    "an unchanged set keeps its generation");
	is_int(keystore_update(ks, 0, parse(jwk_b), db), 1,
	    "update with another digest: changed");
	got = keystore_get(ks, 0, &g);
	ok(has_kid(got, "b") && !has_kid(got, "a") && g == 4,
	    "the new set, read with its generation 4");
	keystore_free(ks);
	ok(has_kid(got, "b"), "a reference outlives the store");
	jwks_free(got);
	keystore_free(NULL);
}

static void
test_copy(void)
{
	struct keystore *a = keystore_new(2), *b = keystore_new(3);
	unsigned char d[32];
	unsigned long g;
	jwks *got;

	memset(d, 'd', sizeof(d));
	keystore_update(a, 1, parse(jwk_a), d);
	keystore_copy(b, 2, a, 1);
	got = keystore_get(b, 2, &g);
	ok(has_kid(got, "a") && g == 1, "copy: the set lands in the slot asked");
	jwks_free(got);
	is_int(keystore_update(b, 2, parse(jwk_a), d), 0,
	    "copy: the digest comes along, the same content stays unchanged");
	keystore_copy(b, 0, a, 0);
	ok(keystore_get(b, 0, NULL) == NULL, "copy of an empty slot: nothing");
	keystore_free(a);
	keystore_free(b);
}

/* Readers and a writer at once: each reader's set matches its generation
 * (odd generations hold a, even ones b). */
static struct keystore *shared;
static atomic_int stop;

static void *
reader(void *arg)
{
	unsigned long g;
	long bad = 0;
	jwks *s;

	(void)arg;
	while (!atomic_load(&stop)) {
		s = keystore_get(shared, 0, &g);
		if (s != NULL && has_kid(s, g % 2 ? "a" : "b") == 0)
			bad++;
		jwks_free(s);
	}
	return (void *)bad;
}

static void
test_threads(void)
{
	pthread_t t[2];
	void *bad;
	long total = 0;
	int i;

	shared = keystore_new(1);
	pthread_create(&t[0], NULL, reader, NULL);
	pthread_create(&t[1], NULL, reader, NULL);
	for (i = 0; i < 2000; i++)
		keystore_set(shared, 0, parse(i % 2 ? jwk_b : jwk_a));
	atomic_store(&stop, 1);
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], &bad);
		total += (long)bad;
	}
	is_int(total, 0, "under concurrent sets, a set always comes with its "
	    "own generation");
	keystore_free(shared);
}

int
main(void)
{
	mint_key *a = mint_key_new("p256"), *b = mint_key_new("p256");

	if (a == NULL || b == NULL)
		bail("mint_key_new");
	jwk_a = keep(mint_jwk(a, "a", NULL, NULL));
	jwk_b = keep(mint_jwk(b, "b", NULL, NULL));
	test_generations();
	test_copy();
	test_threads();
	(void)tap_is_str;	/* no strings to compare here */
	mint_key_free(a);
	mint_key_free(b);
	gc();
	return tap_done();
}
