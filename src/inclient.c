#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "fetch.h"
#include "incache.h"
#include "inclient.h"
#include "inconf.h"
#include "introspect.h"
#include "json.h"
#include "metrics.h"
#include "url.h"

struct inclient {
	const struct config *cfg;
	struct refresh *refresh;
	int issuer;
	char *basic;		/* client_secret_basic's Authorization, or NULL */
	struct incache *cache;	/* NULL when token_cache_entries is 0 */
};

/*
 * Calls in flight in this process, whatever state they started on, and
 * the tokens (by hash) they are for, so that concurrent requests with one
 * token make one call.
 */
#define PENDING_MAX 64
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond, pending_cond;
static pthread_once_t gate_once = PTHREAD_ONCE_INIT;
static long long inflight;
static unsigned char pending[PENDING_MAX][32];
static int pending_used[PENDING_MAX];

static void
gate_init(void)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&gate_cond, &a);
	pthread_cond_init(&pending_cond, &a);
	pthread_condattr_destroy(&a);
}

/* INCLIENT_TIMEOUT_MS from now on the monotonic clock. */
static void
deadline(struct timespec *t)
{
	pthread_once(&gate_once, gate_init);
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += INCLIENT_TIMEOUT_MS / 1000;
	t->tv_nsec += (INCLIENT_TIMEOUT_MS % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/* The pending slot of hash h, or -1. */
static int
pending_find(const unsigned char *h)
{
	int i;

	for (i = 0; i < PENDING_MAX; i++)
		if (pending_used[i] && crypto_memeq(pending[i], h, 32))
			return i;
	return -1;
}

/*
 * Before a call for hash h: if another thread is making one, wait until
 * it ends (at most INCLIENT_TIMEOUT_MS) and set *slot to -1; else take a
 * place for h in *slot (-1 if the table is full), which the caller gives
 * back with pending_leave.  Either way, the cache is to be looked at
 * again before calling.
 */
static void
pending_enter(const unsigned char *h, int *slot)
{
	struct timespec until;
	int i, other = 0;

	deadline(&until);
	*slot = -1;
	pthread_mutex_lock(&gate_lock);
	while (pending_find(h) >= 0) {
		other = 1;
		if (pthread_cond_timedwait(&pending_cond, &gate_lock, &until)
		    == ETIMEDOUT)
			break;
	}
	for (i = 0; i < PENDING_MAX && !other && *slot < 0; i++)
		if (!pending_used[i]) {
			pending_used[i] = 1;
			memcpy(pending[i], h, 32);
			*slot = i;
		}
	pthread_mutex_unlock(&gate_lock);
}

static void
pending_leave(int slot)
{
	if (slot < 0)
		return;
	pthread_mutex_lock(&gate_lock);
	pending_used[slot] = 0;
	pthread_cond_broadcast(&pending_cond);
	pthread_mutex_unlock(&gate_lock);
}

/* Wait for one of limit places, at most INCLIENT_TIMEOUT_MS.  0, or -1. */
static int
gate_enter(long long limit)
{
	struct timespec until;
	int rc = 0;

	deadline(&until);
	pthread_mutex_lock(&gate_lock);
	while (inflight >= limit && rc == 0)
		if (pthread_cond_timedwait(&gate_cond, &gate_lock, &until)
		    == ETIMEDOUT && inflight >= limit)
			rc = -1;
	if (rc == 0)
		inflight++;
	pthread_mutex_unlock(&gate_lock);
	return rc;
}

static void
gate_leave(void)
{
	pthread_mutex_lock(&gate_lock);
	inflight--;
	pthread_cond_signal(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
}

struct inclient *
inclient_new(const struct config *cfg, struct refresh *r)
{
	struct inclient *ic;

	if ((ic = calloc(1, sizeof(*ic))) == NULL)
		return NULL;
	ic->cfg = cfg;
	ic->refresh = r;
	ic->issuer = config_issuer_index(cfg, cfg->introspect->issuer);
	if ((cfg->introspect->auth == INCONF_BASIC &&
	    (ic->basic = introspect_basic(cfg->introspect)) == NULL) ||
	    (cfg->token_cache_entries > 0 && (ic->cache =
	    incache_new((size_t)cfg->token_cache_entries)) == NULL)) {
		inclient_free(ic);
		return NULL;
	}
	return ic;
}

void
inclient_free(struct inclient *ic)
{
	if (ic == NULL)
		return;
	if (ic->basic != NULL)
		crypto_cleanse(ic->basic, strlen(ic->basic));
	free(ic->basic);
	incache_free(ic->cache);
	free(ic);
}

/* Set d to a 500 for the reason given; returns d->code. */
static enum decide_code
cannot(struct decision *d, const char *why, const char *what)
{
	decision_clear(d);
	snprintf(d->reason, sizeof(d->reason), "%s%.180s", why, what);
	d->code = DECIDE_ERROR;
	return d->code;
}

/* The endpoint URL (caller frees), or NULL with *why. */
static char *
endpoint(const struct inclient *ic, const char **why)
{
	const char *u;
	char *meta, *url = NULL;
	cJSON *doc;

	if (ic->cfg->introspect->endpoint != NULL)
		return strdup(ic->cfg->introspect->endpoint);
	*why = "no authorization server metadata is available yet for ";
	if ((meta = refresh_metadata(ic->refresh, (size_t)ic->issuer)) == NULL)
		return NULL;
	doc = json_parse(meta, strlen(meta), strlen(meta), JSON_MAX_DEPTH,
	    &u);
	free(meta);
	u = doc != NULL ? json_string(doc, "introspection_endpoint") : NULL;
	*why = "the metadata has no http(s) introspection_endpoint: ";
	if (u != NULL && url_is_http(u)) {
		*why = "out of memory: ";
		url = strdup(u);
	}
	cJSON_Delete(doc);
	return url;
}

/* One call for tok: 0 with the answer in res, or -1 with d set (500). */
static int
call(struct inclient *ic, const char *tok, size_t len,
    struct fetch_result *res, struct decision *d)
{
	const struct inconf *c = ic->cfg->introspect;
	struct fetch_form f = { 0 };
	struct timespec t0, t1;
	const char *why = "";
	char *url, *body;
	size_t blen;
	int rc;

	if ((url = endpoint(ic, &why)) == NULL) {
		cannot(d, why, c->issuer);
		return -1;
	}
	if ((body = introspect_body(c, tok, len, &blen)) == NULL) {
		free(url);
		cannot(d, "out of memory", "");
		return -1;
	}
	f = (struct fetch_form){ url, body, blen, ic->basic,
	    INTROSPECT_MAX_BYTES, INCLIENT_TIMEOUT_MS,
	    ic->cfg->insecure_http };
	if (gate_enter(ic->cfg->introspection_concurrency) == -1) {
		snprintf(res->err, sizeof(res->err), "%lld calls in flight; "
		    "none ended within %d ms",
		    ic->cfg->introspection_concurrency, INCLIENT_TIMEOUT_MS);
		rc = -1;
	} else {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = fetch_post(&f, res);
		gate_leave();
		clock_gettime(CLOCK_MONOTONIC, &t1);
		metrics_introspection(rc == 0, (t1.tv_sec - t0.tv_sec) *
		    1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000);
	}
	crypto_cleanse(body, blen);
	free(body);
	free(url);
	if (rc == -1)
		cannot(d, "introspection failed: ", res->err);
	return rc;
}

/*
 * An allow as the cache keeps it for a resource: the identity and claims
 * of d in one block, so that a hit is rebuilt without parsing the answer.
 */
struct snap {
	long long exp;
	const char *audience;	/* in the configuration, like the resource */
	size_t sub, cid, claims;	/* offsets into s; NONE: absent */
	size_t claims_len;
	char s[];		/* scopes, then sub, client id, claims */
};
#define NONE ((size_t)-1)

/* Append n bytes of p and a NUL to s->s at *o; the offset (NONE if p
 * is NULL). */
static size_t
put(struct snap *s, size_t *o, const char *p, size_t n)
{
	size_t at = *o;

	if (p == NULL)
		return NONE;
	memcpy(s->s + at, p, n);
	s->s[at + n] = '\0';
	*o += n + 1;
	return at;
}

/* Keep d, an allow, with the answer for h, for in's resource. */
static void
note(struct inclient *ic, const struct decide_input *in,
    const unsigned char h[32], const struct decision *d)
{
	const struct authinfo *ai = &d->info;
	size_t n, o = 0;
	struct snap *s;

	n = sizeof(*s) + strlen(ai->scopes) + 1 + ai->payload_len + 1 +
	    (ai->subject ? strlen(ai->subject) + 1 : 0) +
	    (ai->client_id ? strlen(ai->client_id) + 1 : 0);
	if ((s = malloc(n)) == NULL)
		return;
	s->exp = ai->expires_at;
	s->audience = ai->audience;
	put(s, &o, ai->scopes, strlen(ai->scopes));
	s->sub = put(s, &o, ai->subject, ai->subject ? strlen(ai->subject) : 0);
	s->cid = put(s, &o, ai->client_id,
	    ai->client_id ? strlen(ai->client_id) : 0);
	s->claims = put(s, &o, ai->payload, ai->payload_len);
	s->claims_len = ai->payload_len;
	incache_note(ic->cache, h, in->resource, s, n);
	free(s);
}

/* d from a kept allow (taking blob), checked again for now and the
 * required scopes as a remembered JWT allow is. */
static enum decide_code
from_snap(struct inclient *ic, const struct decide_input *in, char *blob,
    struct decision *d)
{
	struct snap *s = (struct snap *)(void *)blob;

	d->refresh_issuer = -1;
	d->issuer = ic->issuer;
	d->store = blob;
	if ((d->info.scopes = strdup(s->s)) == NULL)
		return cannot(d, "out of memory", "");
	d->info.subject = s->sub != NONE ? s->s + s->sub : NULL;
	d->info.client_id = s->cid != NONE ? s->s + s->cid : NULL;
	d->info.issuer = ic->cfg->issuers[ic->issuer].url;
	d->info.audience = s->audience;
	d->info.expires_at = s->exp;
	d->info.payload = s->s + s->claims;
	d->info.payload_len = s->claims_len;
	d->code = DECIDE_ALLOW;	/* decide_recheck checks it again */
	return decide_recheck(in, d);
}

enum decide_code
inclient_decide(struct inclient *ic, const struct decide_input *in,
    const char *tok, size_t len, struct decision *d, int *cached)
{
	const struct config *cfg = ic->cfg;
	struct fetch_result res;
	unsigned char h[32];
	long long until;
	char *body;
	size_t blen;
	int active, snap = 0, slot = -1, tries;

	memset(d, 0, sizeof(*d));
	if (crypto_sha256(tok, len, h) == -1)
		return cannot(d, "cannot hash the token", "");
	for (tries = 0; tries < 2; tries++) {
		if ((body = incache_get(ic->cache, h, in->now, in->resource,
		    &blen, &snap, &until)) != NULL) {
			pending_leave(slot);
			*cached = 1;
			if (snap)
				from_snap(ic, in, body, d);
			else if (introspect_decide(in, ic->issuer, body, blen,
			    d) == DECIDE_ALLOW)
				note(ic, in, h, d);
			if (!snap)
				free(body);
			d->cache_until = until;
			return d->code;
		}
		/* Claimed or waited: look once more, since another call may
		 * have ended between the miss and the claim. */
		if (tries == 0)
			pending_enter(h, &slot);
	}
	if (call(ic, tok, len, &res, d) == -1) {
		pending_leave(slot);
		return d->code;
	}
	/* Only an answer is kept: garbage is a 500 every time. */
	until = introspect_until(res.body, res.len, in->now,
	    cfg->introspection_cache_max, cfg->introspection_negative_cache,
	    &active);
	if (until != -1)
		incache_put(ic->cache, h, res.body, res.len, until, active,
		    in->now);
	pending_leave(slot);
	if (introspect_decide(in, ic->issuer, res.body, res.len, d) ==
	    DECIDE_ALLOW && until != -1)
		note(ic, in, h, d);
	free(res.body);
	/* Not kept (garbage is never allowed): nothing to cache it on. */
	d->cache_until = until > in->now ? until : in->now;
	return d->code;
}
