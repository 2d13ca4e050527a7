#include <pthread.h>
#include <stdlib.h>

#include "keystore.h"

struct slot {
	pthread_mutex_t lock;
	jwks *set;
	unsigned long generation;
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
keystore_get(struct keystore *ks, size_t i)
{
	jwks *set;

	pthread_mutex_lock(&ks->slots[i].lock);
	set = jwks_ref(ks->slots[i].set);
	pthread_mutex_unlock(&ks->slots[i].lock);
	return set;
}

void
keystore_set(struct keystore *ks, size_t i, jwks *set)
{
	jwks *old;

	pthread_mutex_lock(&ks->slots[i].lock);
	old = ks->slots[i].set;
	ks->slots[i].set = set;
	ks->slots[i].generation++;
	pthread_mutex_unlock(&ks->slots[i].lock);
	/* Readers still holding old keep it alive until they drop it. */
	jwks_free(old);
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
