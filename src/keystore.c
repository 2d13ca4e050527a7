#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "keystore.h"

struct slot {
	pthread_mutex_t lock;
	jwks *set;
	unsigned long generation;
	int has_digest;
	unsigned char digest[32];	/* of set's content, if has_digest */
};

struct keystore {
	size_t n;
	struct slot slots[];
};

struct keystore *
keystore_new(size_t n)
{
	struct keystore *ks;
	size_t i;

	if ((ks = calloc(1, sizeof(*ks) + n * sizeof(ks->slots[0]))) == NULL)
		return NULL;
	ks->n = n;
	for (i = 0; i < n; i++)
		pthread_mutex_init(&ks->slots[i].lock, NULL);
	return ks;
}

void
keystore_free(struct keystore *ks)
{
	size_t i;

	if (ks == NULL)
		return;
	for (i = 0; i < ks->n; i++) {
		jwks_free(ks->slots[i].set);
		pthread_mutex_destroy(&ks->slots[i].lock);
	}
	free(ks);
}

jwks *
keystore_get(struct keystore *ks, size_t i, unsigned long *generation)
{
	jwks *set;

	pthread_mutex_lock(&ks->slots[i].lock);
	set = jwks_ref(ks->slots[i].set);
	if (generation != NULL)
		*generation = ks->slots[i].generation;
	pthread_mutex_unlock(&ks->slots[i].lock);
	return set;
}

/* Install set with digest (NULL: unknown content) unless it is the same. */
static int
put(struct slot *s, jwks *set, const unsigned char *digest)
{
	jwks *old;

	pthread_mutex_lock(&s->lock);
	if (digest != NULL && s->set != NULL && s->has_digest &&
	    memcmp(s->digest, digest, sizeof(s->digest)) == 0) {
		pthread_mutex_unlock(&s->lock);
		jwks_free(set);
		return 0;
	}
	old = s->set;
	s->set = set;
	s->generation++;
	s->has_digest = digest != NULL;
	if (digest != NULL)
		memcpy(s->digest, digest, sizeof(s->digest));
	pthread_mutex_unlock(&s->lock);
	/* Readers still holding old keep it alive until they drop it. */
	jwks_free(old);
	return 1;
}

void
keystore_set(struct keystore *ks, size_t i, jwks *set)
{
	put(&ks->slots[i], set, NULL);
}

int
keystore_update(struct keystore *ks, size_t i, jwks *set,
    const unsigned char digest[32])
{
	return put(&ks->slots[i], set, digest);
}

void
keystore_copy(struct keystore *dst, size_t i, struct keystore *src, size_t j)
{
	unsigned char digest[32];
	int has_digest;
	jwks *set;

	pthread_mutex_lock(&src->slots[j].lock);
	set = jwks_ref(src->slots[j].set);
	has_digest = src->slots[j].has_digest;
	memcpy(digest, src->slots[j].digest, sizeof(digest));
	pthread_mutex_unlock(&src->slots[j].lock);
	if (set != NULL)
		put(&dst->slots[i], set, has_digest ? digest : NULL);
}

unsigned long
keystore_generation(struct keystore *ks, size_t i)
{
	unsigned long g;

	pthread_mutex_lock(&ks->slots[i].lock);
	g = ks->slots[i].generation;
	pthread_mutex_unlock(&ks->slots[i].lock);
	return g;
}
