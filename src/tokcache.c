#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "tokcache.h"
#include "ways.h"

#define NONE 0xffff

struct entry {
	unsigned char hash[32];
	const struct config_resource *resource;	/* NULL: empty */
	int issuer;
	int refused;			/* a bad signature: s holds the reason */
	unsigned long generation;
	long long exp;
	const char *audience;		/* points into the config */
	unsigned short sub, cid;	/* offsets into s; NONE: absent */
	char s[TOKCACHE_STRINGS];	/* scopes at 0, then sub, cid */
};

struct tokcache {
	struct ways w;
	struct entry e[];
};

struct tokcache *
tokcache_new(size_t n)
{
	struct tokcache *c;

	if (n == 0 || (c = calloc(1, sizeof(*c) + WAYS_ROUND(n) *
	    sizeof(c->e[0]))) == NULL)
		return NULL;
	ways_init(&c->w, n);
	return c;
}

void
tokcache_free(struct tokcache *c)
{
	if (c == NULL)
		return;
	ways_destroy(&c->w);
	free(c);
}

int
tokcache_hash(const char *token, size_t len, unsigned char h[32])
{
	return crypto_sha256(token, len, h);
}

/* The entry of set s holding hash h for resource r, or NULL. */
static struct entry *
find(struct tokcache *c, size_t s, const unsigned char *h,
    const struct config_resource *r)
{
	size_t i;

	for (i = s * WAYS; i < (s + 1) * WAYS; i++)
		if (c->e[i].resource == r && crypto_memeq(c->e[i].hash, h, 32))
			return &c->e[i];
	return NULL;
}

int
tokcache_get(struct tokcache *c, const struct decide_input *in,
    const unsigned char h[32], const char *token, size_t len,
    struct decision *d)
{
	struct entry e, *hit;
	const char *dot1, *dot2;
	size_t s;

	if (c == NULL)
		return 0;
	s = ways_set(&c->w, h);
	ways_lock(&c->w, s);
	if ((hit = find(c, s, h, in->resource)) != NULL)
		e = *hit;
	ways_unlock(&c->w, s);
	if (hit == NULL ||
	    keystore_generation(in->keys, (size_t)e.issuer) != e.generation)
		return 0;
	memset(d, 0, sizeof(*d));
	d->refresh_issuer = -1;
	d->issuer = e.issuer;
	d->generation = e.generation;
	if (e.refused) {
		d->code = DECIDE_INVALID_TOKEN;
		d->bad_signature = 1;
		memcpy(d->reason, e.s, sizeof(d->reason));
		d->reason[sizeof(d->reason) - 1] = '\0';
		return 1;
	}
	if ((d->store = malloc(sizeof(e.s))) == NULL)
		return 0;
	d->code = DECIDE_ALLOW;	/* decide_recheck checks it again */
	memcpy(d->store, e.s, sizeof(e.s));
	if ((d->info.scopes = strdup(d->store)) == NULL) {
		decision_clear(d);
		return 0;
	}
	d->info.subject = e.sub != NONE ? d->store + e.sub : NULL;
	d->info.client_id = e.cid != NONE ? d->store + e.cid : NULL;
	d->info.issuer = in->cfg->issuers[e.issuer].url;
	d->info.audience = e.audience;
	d->info.expires_at = e.exp;
	/* The payload is the request's own: the same bytes, by the hash. */
	dot1 = memchr(token, '.', len);
	dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token));
	d->info.payload = dot1 + 1;
	d->info.payload_len = (size_t)(dot2 - dot1 - 1);
	return 1;
}

/* Append s (NULL: none) to e->s at *o; its offset, or -1 if full. */
static int
add(struct entry *e, size_t *o, const char *s, unsigned short *at)
{
	size_t n;

	if (s == NULL) {
		*at = NONE;
		return 0;
	}
	n = strlen(s) + 1;
	if (n > sizeof(e->s) - *o)
		return -1;
	memcpy(e->s + *o, s, n);
	*at = (unsigned short)*o;
	*o += n;
	return 0;
}

/*
 * Where e goes in set s: the same token's entry, else an empty way, else
 * a refusal's, else the allow that expires first.  So refusals, evicted
 * first, hold one way of a busy set at most: a flood of forged tokens
 * can take a quarter of the cache from allows, never more.
 */
static struct entry *
victim(struct tokcache *c, size_t s, const struct entry *e)
{
	struct entry *v, *best = NULL;
	size_t i;

	if ((v = find(c, s, e->hash, e->resource)) != NULL)
		return v;
	for (i = s * WAYS; i < (s + 1) * WAYS; i++) {
		v = &c->e[i];
		if (v->resource == NULL)
			return v;
		if (best == NULL || v->refused > best->refused ||
		    (v->refused == best->refused && v->exp < best->exp))
			best = v;
	}
	return best;
}

void
tokcache_put(struct tokcache *c, const struct decide_input *in,
    const unsigned char h[32], const struct decision *d)
{
	unsigned short scopes_at;
	struct entry e, *slot;
	size_t s, o = 0;

	/* Only what the key set of d->generation decided: a newer set may
	 * have dropped the key. */
	if (c == NULL || d->issuer < 0 || d->generation == 0 ||
	    !(d->code == DECIDE_ALLOW ||
	    (d->code == DECIDE_INVALID_TOKEN && d->bad_signature)))
		return;
	memset(&e, 0, sizeof(e));
	memcpy(e.hash, h, sizeof(e.hash));
	if (d->code == DECIDE_ALLOW) {
		if (add(&e, &o, d->info.scopes, &scopes_at) == -1 ||
		    add(&e, &o, d->info.subject, &e.sub) == -1 ||
		    add(&e, &o, d->info.client_id, &e.cid) == -1)
			return;		/* too large to remember */
		e.exp = d->info.expires_at;
		e.audience = d->info.audience;
	} else {
		e.refused = 1;
		memcpy(e.s, d->reason, sizeof(d->reason));
	}
	e.resource = in->resource;
	e.issuer = d->issuer;
	e.generation = d->generation;
	s = ways_set(&c->w, e.hash);
	ways_lock(&c->w, s);
	if ((slot = victim(c, s, &e)) != NULL)	/* never NULL: WAYS > 0 */
		*slot = e;
	ways_unlock(&c->w, s);
}
