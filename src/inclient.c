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
#include "url.h"

struct inclient {
	const struct config *cfg;
	struct refresh *refresh;
	int issuer;
	char *basic;		/* client_secret_basic's Authorization, or NULL */
	struct incache *cache;	/* NULL when token_cache_entries is 0 */
};

/* Calls in flight in this process, whatever state they started on. */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond;
static pthread_once_t gate_once = PTHREAD_ONCE_INIT;
static long long inflight;

static void
gate_init(void)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&gate_cond, &a);
	pthread_condattr_destroy(&a);
}

/* Wait for one of limit places, at most INCLIENT_TIMEOUT_MS.  0, or -1. */
static int
gate_enter(long long limit)
{
	struct timespec until;
	int rc = 0;

	pthread_once(&gate_once, gate_init);
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += INCLIENT_TIMEOUT_MS / 1000;
	until.tv_nsec += (INCLIENT_TIMEOUT_MS % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
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
		rc = fetch_post(&f, res);
		gate_leave();
	}
	crypto_cleanse(body, blen);
	free(body);
	free(url);
	if (rc == -1)
		cannot(d, "introspection failed: ", res->err);
	return rc;
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
	int active;

	memset(d, 0, sizeof(*d));
	if (crypto_sha256(tok, len, h) == -1)
		return cannot(d, "cannot hash the token", "");
	if ((body = incache_get(ic->cache, h, in->now, &blen)) != NULL) {
		*cached = 1;
		introspect_decide(in, ic->issuer, body, blen, d);
		free(body);
		return d->code;
	}
	if (call(ic, tok, len, &res, d) == -1)
		return d->code;
	/* Only an answer is kept: garbage is a 500 every time. */
	until = introspect_until(res.body, res.len, in->now,
	    cfg->introspection_cache_max, cfg->introspection_negative_cache,
	    &active);
	if (until != -1)
		incache_put(ic->cache, h, res.body, res.len, until, active,
		    in->now);
	introspect_decide(in, ic->issuer, res.body, res.len, d);
	free(res.body);
	return d->code;
}
