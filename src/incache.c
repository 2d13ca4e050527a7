#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "incache.h"
#include "ways.h"


struct entry {
	unsigned char hash[32];
	long long until;	/* 0: empty */
	int active;
	size_t len;
	char *body;
	const void *key;	/* whose decision snap is (incache_note) */
	size_t snaplen;
	char *snap;
};

struct incache {
	struct ways w;
	struct entry e[];
};

struct incache *
incache_new(size_t n)
{
	struct incache *c;

	if (n == 0 || (c = calloc(1, sizeof(*c) + WAYS_ROUND(n) *
	    sizeof(c->e[0]))) == NULL)
		return NULL;
	ways_init(&c->w, n);
	return c;
}

void
incache_free(struct incache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->w.sets * WAYS; i++) {
		free(c->e[i].body);
		free(c->e[i].snap);
	}
	ways_destroy(&c->w);
	free(c);
}

static struct entry *
find(struct incache *c, size_t s, const unsigned char *h)
{
	size_t i;

	for (i = s * WAYS; i < (s + 1) * WAYS; i++)
		if (c->e[i].until != 0 && crypto_memeq(c->e[i].hash, h, 32))
			return &c->e[i];
	return NULL;
}

/* A NUL-terminated copy of the n bytes at p, or NULL. */
static char *
copy_of(const char *p, size_t n)
{
	char *q;

	if ((q = malloc(n + 1)) != NULL) {
		memcpy(q, p, n);
		q[n] = '\0';
	}
	return q;
}

char *
incache_get(struct incache *c, const unsigned char h[32], long long now,
    const void *key, size_t *len, int *snap, long long *until)
{
	struct entry *e;
	char *copy = NULL;
	size_t s;

	if (c == NULL)
		return NULL;
	s = ways_set(&c->w, h);
	ways_lock(&c->w, s);
	if ((e = find(c, s, h)) != NULL && now < e->until) {
		*snap = e->snap != NULL && e->key == key;
		*until = e->until;
		*len = *snap ? e->snaplen : e->len;
		copy = copy_of(*snap ? e->snap : e->body, *len);
	}
	ways_unlock(&c->w, s);
	return copy;
}

void
incache_note(struct incache *c, const unsigned char h[32], const void *key,
    const void *blob, size_t len)
{
	struct entry *e;
	char *copy, *old = NULL;
	size_t s;

	if (c == NULL || (copy = copy_of(blob, len)) == NULL)
		return;
	s = ways_set(&c->w, h);
	ways_lock(&c->w, s);
	if ((e = find(c, s, h)) != NULL) {
		old = e->snap;
		e->snap = copy;
		e->snaplen = len;
		e->key = key;
		copy = NULL;
	}
	ways_unlock(&c->w, s);
	free(old);
	free(copy);
}

/*
 * Where an answer goes in set s: the same token's entry, else an empty
 * or ended one, else an inactive answer's, else (for an active answer
 * only) the active one that ends first.  NULL: not kept.
 */
static struct entry *
victim(struct incache *c, size_t s, const unsigned char *h, int active,
    long long now)
{
	struct entry *v, *best = NULL;
	size_t i;

	if ((v = find(c, s, h)) != NULL)
		return v;
	for (i = s * WAYS; i < (s + 1) * WAYS; i++) {
		v = &c->e[i];
		if (v->until <= now)
			return v;
		if (best == NULL || v->active < best->active ||
		    (v->active == best->active && v->until < best->until))
			best = v;
	}
	return best != NULL && (active || !best->active) ? best : NULL;
}

void
incache_put(struct incache *c, const unsigned char h[32],
    const char *body, size_t len, long long until, int active,
    long long now)
{
	struct entry *slot;
	char *copy, *old = NULL, *oldsnap = NULL;
	size_t s;

	if (c == NULL || until <= now || len > INCACHE_BODY_MAX ||
	    (copy = copy_of(body, len)) == NULL)
		return;
	s = ways_set(&c->w, h);
	ways_lock(&c->w, s);
	if ((slot = victim(c, s, h, active, now)) != NULL) {
		old = slot->body;
		oldsnap = slot->snap;
		slot->snap = NULL;
		slot->key = NULL;
		memcpy(slot->hash, h, 32);
		slot->until = until;
		slot->active = active;
		slot->len = len;
		slot->body = copy;
		copy = NULL;
	}
	ways_unlock(&c->w, s);
	free(old);
	free(oldsnap);
	free(copy);
}
