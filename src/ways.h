/*
 * ways: the frame of a fixed-size set-associative cache keyed by a
 * SHA-256 (tokcache, incache): how many sets, which set a hash falls
 * in, and the striped locks that guard the sets.
 */
#ifndef MCPAUTH_WAYS_H
#define MCPAUTH_WAYS_H

#include <pthread.h>
#include <stddef.h>

/* Entries a key may live in, so that two hot keys in one set coexist. */
#define WAYS 4
#define WAYS_NLOCKS 64

struct ways {
	size_t sets;
	pthread_mutex_t locks[WAYS_NLOCKS];
};

/* n entries rounded up to whole sets: what a cache of n allocates. */
#define WAYS_ROUND(n) (((n) + WAYS - 1) / WAYS * WAYS)

/* Set up w, in place, for WAYS_ROUND(n) entries (n > 0). */
void ways_init(struct ways *w, size_t n);

/* Undo ways_init. */
void ways_destroy(struct ways *w);

/* The set of hash h (its first 8 bytes are as good as random). */
size_t ways_set(const struct ways *w, const unsigned char *h);

/* Lock and unlock set s. */
void ways_lock(struct ways *w, size_t s);
void ways_unlock(struct ways *w, size_t s);

#endif
