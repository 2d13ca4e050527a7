#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cachedir.h"
#include "crypto.h"
#include "discover.h"
#include "fetch.h"
#include "file.h"
#include "inconf.h"
#include "json.h"
#include "jwks.h"
#include "keys.h"
#include "log.h"
#include "metrics.h"
#include "refresh.h"
#include "url.h"

/*
 * The refresher is the only writer once a refresh is in use: it writes
 * under lock and reads without it; other threads (requests, a reload
 * carrying values over) read under lock.
 */
struct issuer_rt {
	pthread_mutex_t lock;
	char *metadata;
	char *jwks_url;		/* where keys are fetched; NULL: a file */
	long long meta_expires;	/* fetched metadata ages out; 0: never */
	long long next_refresh;	/* the key set's max-age runs out */
	long long last_fetch;	/* last key set fetch, for jwks_min_refresh */
	long long retry_at;	/* after a failure */
	long long backoff;
	int discovers;		/* metadata comes from a URL */
	int need_metadata;	/* metadata must be (re)discovered */
	int failures;		/* key set fetches failed in a row */
	int kid_missed;		/* a fetch for an unknown kid changed nothing */
	atomic_int want;	/* a request met an unknown kid */
};

struct refresh {
	const struct config *cfg;
	struct keystore *keys;
	size_t n;
	struct issuer_rt rt[];
};

/* is introspects opaque tokens at its metadata's endpoint (SPEC §12). */
static int
introspects_by_metadata(const struct config *cfg,
    const struct config_issuer *is)
{
	return cfg->introspect != NULL && cfg->introspect->endpoint == NULL &&
	    strcmp(cfg->introspect->issuer, is->url) == 0;
}

struct refresh *
refresh_new(const struct config *cfg, struct keystore *keys)
{
	struct refresh *r;
	size_t i;

	if ((r = calloc(1, sizeof(*r) + cfg->nissuers * sizeof(r->rt[0])))
	    == NULL)
		return NULL;
	r->cfg = cfg;
	r->keys = keys;
	r->n = cfg->nissuers;
	for (i = 0; i < r->n; i++) {
		const struct config_issuer *is = &cfg->issuers[i];

		pthread_mutex_init(&r->rt[i].lock, NULL);
		atomic_init(&r->rt[i].want, 0);
		/* Discovery only when something needs it (SPEC §4). */
		r->rt[i].discovers = is->metadata != NULL ?
		    url_is_http(is->metadata) : is->jwks == NULL ||
		    introspects_by_metadata(cfg, is);
		r->rt[i].need_metadata = r->rt[i].discovers;
	}
	return r;
}

void
refresh_free(struct refresh *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->rt[i].metadata);
		free(r->rt[i].jwks_url);
		pthread_mutex_destroy(&r->rt[i].lock);
	}
	free(r);
}

/* Seconds until a document with max_age (-1: none) is fetched again. */
static long long
lifetime(const struct refresh *r, long max_age)
{
	long long age = max_age >= 0 ? max_age : REFRESH_DEFAULT_MAX_AGE;

	if (age > FETCH_MAX_AGE)
		age = FETCH_MAX_AGE;
	return age < r->cfg->jwks_min_refresh ? r->cfg->jwks_min_refresh : age;
}

/* Install metadata doc and, if ju is not NULL, a new jwks_url. */
static void
set_metadata(struct issuer_rt *rt, char *doc, char *ju, long long expires)
{
	char *old_doc, *old_ju = NULL;

	pthread_mutex_lock(&rt->lock);
	old_doc = rt->metadata;
	rt->metadata = doc;
	if (ju != NULL) {
		old_ju = rt->jwks_url;
		rt->jwks_url = ju;
	}
	rt->meta_expires = expires;
	rt->need_metadata = 0;
	pthread_mutex_unlock(&rt->lock);
	free(old_doc);
	free(old_ju);
}

/* The cache_dir file name of issuer i's documents of kind; 0, or -1. */
static int
cache_name(const struct refresh *r, size_t i, const char *kind, char *out,
    size_t outlen)
{
	const struct config_issuer *is = &r->cfg->issuers[i];
	char source[8192];
	int n;

	if (r->cfg->cache_dir == NULL)
		return -1;
	/* Everything the documents come from: a changed source misses. */
	n = snprintf(source, sizeof(source), "%s\n%d\n%s\n%s", is->url,
	    (int)is->type, is->metadata ? is->metadata : "",
	    is->jwks ? is->jwks : "");
	if (n < 0 || (size_t)n >= sizeof(source))
		return -1;
	return cachedir_name(kind, source, out, outlen);
}

static void
cache_write(const struct refresh *r, size_t i, const char *kind,
    const char *text, size_t len)
{
	char name[128];

	if (cache_name(r, i, kind, name, sizeof(name)) == 0)
		cachedir_write(r->cfg->cache_dir, name, text, len);
}

static char *
cache_read(const struct refresh *r, size_t i, const char *kind, size_t max,
    size_t *len, long long *mtime)
{
	char name[128];

	if (cache_name(r, i, kind, name, sizeof(name)) == -1)
		return NULL;
	return cachedir_read(r->cfg->cache_dir, name, max, len, mtime);
}

static void
failed(struct issuer_rt *rt, long long now)
{
	pthread_mutex_lock(&rt->lock);
	rt->backoff = rt->backoff == 0 ? 1 : rt->backoff * 2;
	if (rt->backoff > REFRESH_MAX_BACKOFF)
		rt->backoff = REFRESH_MAX_BACKOFF;
	rt->retry_at = now + rt->backoff;
	pthread_mutex_unlock(&rt->lock);
}

static int
get_metadata(struct refresh *r, size_t i, long long now)
{
	const struct config_issuer *is = &r->cfg->issuers[i];
	struct issuer_rt *rt = &r->rt[i];
	char err[1024], *doc, *ju = NULL;
	long max_age;
	size_t len;

	if ((doc = discover(is, r->cfg->insecure_http, &len, &max_age, &ju,
	    err, sizeof(err))) == NULL) {
		log_msg("%s", err);
		failed(rt, now);
		return -1;
	}
	cache_write(r, i, "meta", doc, len);
	if (is->jwks != NULL) {	/* keys come from jwks=, not from here */
		free(ju);
		ju = NULL;
	} else if (rt->jwks_url != NULL && strcmp(ju, rt->jwks_url) != 0) {
		log_msg("issuer %s: jwks_uri is now %s", is->url, ju);
		pthread_mutex_lock(&rt->lock);
		rt->next_refresh = now;	/* fetch from there at once */
		pthread_mutex_unlock(&rt->lock);
	}
	set_metadata(rt, doc, ju, now + lifetime(r, max_age));
	return 0;
}

/* SHA-256 of the compact form of a JSON document; 0, or -1. */
static int
content_digest(const char *text, size_t len, unsigned char out[32])
{
	const char *why;
	cJSON *doc;
	char *compact;
	int rc = -1;

	if ((doc = json_parse(text, len, JWKS_MAX_BYTES, JSON_MAX_DEPTH, &why))
	    == NULL)
		return -1;
	if ((compact = cJSON_PrintUnformatted(doc)) != NULL)
		rc = crypto_sha256(compact, strlen(compact), out);
	cJSON_free(compact);
	cJSON_Delete(doc);
	return rc;
}

/* Put set, parsed from text, in slot i; 1 if the keys changed. */
static int
install(struct refresh *r, size_t i, jwks *set, const char *text,
    size_t len)
{
	unsigned char digest[32];

	if (content_digest(text, len, digest) == -1) {
		keystore_set(r->keys, i, set);
		return 1;
	}
	return keystore_update(r->keys, i, set, digest);
}

static void
key_failure(struct refresh *r, size_t i, long long now)
{
	struct issuer_rt *rt = &r->rt[i];

	failed(rt, now);
	pthread_mutex_lock(&rt->lock);
	/* A key set that keeps failing may have moved (finding: metadata
	 * trusted forever): ask the metadata again. */
	if (++rt->failures >= REFRESH_REDISCOVER_FAILURES &&
	    rt->discovers && r->cfg->issuers[i].jwks == NULL) {
		rt->need_metadata = 1;
		rt->failures = 0;
	}
	pthread_mutex_unlock(&rt->lock);
}

/* Fetch, parse and install issuer i's key set; wanted: for an unknown
 * kid. */
static int
get_keys(struct refresh *r, size_t i, long long now, int wanted)
{
	const char *iss = r->cfg->issuers[i].url;
	struct issuer_rt *rt = &r->rt[i];
	const char *url = rt->jwks_url;
	struct fetch_result res;
	long long age;
	char err[256];
	jwks *set;
	int changed;

	pthread_mutex_lock(&rt->lock);
	rt->last_fetch = now;
	pthread_mutex_unlock(&rt->lock);
	if (fetch_get(url, JWKS_MAX_BYTES, r->cfg->insecure_http, &res)
	    == -1) {
		log_msg("issuer %s: key set fetch failed, keeping the last good "
		    "one: %s", iss, res.err);
		metrics_fetch(iss, 0);
		key_failure(r, i, now);
		return -1;
	}
	if ((set = jwks_parse(res.body, res.len, err, sizeof(err))) == NULL) {
		log_msg("issuer %s: %s: %s; keeping the last good one", iss,
		    url, err);
		free(res.body);
		metrics_fetch(iss, 0);
		key_failure(r, i, now);
		return -1;
	}
	changed = install(r, i, set, res.body, res.len);
	metrics_fetch(iss, 1);
	metrics_keyset(iss, now);
	cache_write(r, i, "jwks", res.body, res.len);
	free(res.body);
	age = lifetime(r, res.max_age);
	log_msg("issuer %s: key set from %s %s; next refresh in %lld s", iss,
	    url, changed ? "installed" : "unchanged", age);
	pthread_mutex_lock(&rt->lock);
	rt->next_refresh = now + age;
	rt->backoff = 0;
	rt->retry_at = 0;
	rt->failures = 0;
	rt->kid_missed = wanted && !changed;
	pthread_mutex_unlock(&rt->lock);
	return 0;
}

/* Warm start from cache_dir: what is there, with the age it has. */
static void
from_cache(struct refresh *r, size_t i)
{
	const struct config_issuer *is = &r->cfg->issuers[i];
	struct issuer_rt *rt = &r->rt[i];
	char *text, err[256], *ju = NULL;
	long long mtime;
	size_t len;
	jwks *set;

	if (rt->discovers && (text = cache_read(r, i, "meta",
	    DISCOVER_MAX_BYTES, &len, &mtime)) != NULL) {
		if (discover_check(is->url, text, len, is->jwks == NULL,
		    r->cfg->insecure_http, &ju, err, sizeof(err)) == 0) {
			if (is->jwks != NULL) {
				free(ju);
				ju = NULL;
			}
			set_metadata(rt, text, ju, mtime + lifetime(r, -1));
		} else {
			log_msg("cache_dir: ignoring cached metadata of %s: %s",
			    is->url, err);
			free(text);
		}
	}
	if ((is->jwks != NULL && !url_is_http(is->jwks)) ||
	    (text = cache_read(r, i, "jwks", JWKS_MAX_BYTES, &len, &mtime))
	    == NULL)
		return;	/* a jwks= file is read, never cached */
	if ((set = jwks_parse(text, len, err, sizeof(err))) == NULL) {
		log_msg("cache_dir: ignoring cached key set of %s: %s",
		    is->url, err);
		free(text);
		return;
	}
	install(r, i, set, text, len);
	metrics_keyset(is->url, mtime);
	free(text);
	rt->last_fetch = mtime;
	rt->next_refresh = mtime + lifetime(r, -1);
}

/* metadata=FILE: read and check it like a fetched document. */
static int
metadata_file(struct refresh *r, size_t i, char *err, size_t errlen)
{
	const struct config_issuer *is = &r->cfg->issuers[i];
	char why[512], *doc, *ju = NULL;
	size_t len;

	if ((doc = file_read(is->metadata, DISCOVER_MAX_BYTES, &len, err,
	    errlen)) == NULL)
		return -1;
	if (discover_check(is->url, doc, len, is->jwks == NULL,
	    r->cfg->insecure_http, &ju, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: %s", is->metadata, why);
		free(doc);
		return -1;
	}
	if (is->jwks != NULL) {
		free(ju);
		ju = NULL;
	}
	set_metadata(&r->rt[i], doc, ju, 0);
	return 0;
}

static int
same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* The index of the issuer in prev with the same source as r's issuer i,
 * or -1. */
static long
same_source(const struct refresh *r, size_t i, const struct refresh *prev)
{
	const struct config_issuer *a = &r->cfg->issuers[i], *b;
	size_t j;

	if (prev == NULL || r->cfg->insecure_http != prev->cfg->insecure_http)
		return -1;
	for (j = 0; j < prev->n; j++) {
		b = &prev->cfg->issuers[j];
		if (strcmp(a->url, b->url) == 0 && a->type == b->type &&
		    same(a->metadata, b->metadata) && same(a->jwks, b->jwks))
			return (long)j;
	}
	return -1;
}

/*
 * Take over what prev's issuer j has: metadata unless a file gave it,
 * and the key set and its timers if it came from the same place.
 * 0, or -1 if out of memory.
 */
static int
carry_over(struct refresh *r, size_t i, struct refresh *prev, size_t j)
{
	struct issuer_rt *rt = &r->rt[i], *p = &prev->rt[j];
	char *doc = NULL, *ju = NULL;
	int rc = -1;

	pthread_mutex_lock(&p->lock);
	if (rt->discovers && p->metadata != NULL) {
		if ((doc = strdup(p->metadata)) == NULL ||
		    (p->jwks_url != NULL && rt->jwks_url == NULL &&
		    (ju = strdup(p->jwks_url)) == NULL))
			goto done;
		set_metadata(rt, doc, ju, p->meta_expires);
		doc = ju = NULL;
		rt->need_metadata = p->need_metadata;
	}
	if (rt->jwks_url != NULL && same(rt->jwks_url, p->jwks_url)) {
		keystore_copy(r->keys, i, prev->keys, j);
		rt->next_refresh = p->next_refresh;
		rt->last_fetch = p->last_fetch;
		rt->retry_at = p->retry_at;
		rt->backoff = p->backoff;
		rt->failures = p->failures;
		rt->kid_missed = p->kid_missed;
	}
	rc = 0;
done:
	pthread_mutex_unlock(&p->lock);
	free(doc);
	free(ju);
	return rc;
}

int
refresh_load(struct refresh *r, struct refresh *prev, char *err,
    size_t errlen)
{
	const struct config_issuer *is;
	struct issuer_rt *rt;
	char why[1024];
	size_t i;
	long j;
	jwks *set;

	for (i = 0; i < r->n; i++) {
		is = &r->cfg->issuers[i];
		rt = &r->rt[i];
		if (is->metadata != NULL && !url_is_http(is->metadata) &&
		    metadata_file(r, i, why, sizeof(why)) == -1)
			goto fail;
		if (is->jwks != NULL && !url_is_http(is->jwks)) {
			if ((set = keys_read_file(is->jwks, why, sizeof(why)))
			    == NULL)
				goto fail;
			keystore_set(r->keys, i, set);
			metrics_keyset(is->url, (long long)time(NULL));
		} else if (is->jwks != NULL &&
		    (rt->jwks_url = strdup(is->jwks)) == NULL) {
			snprintf(why, sizeof(why), "out of memory");
			goto fail;
		}
		if ((j = same_source(r, i, prev)) >= 0) {
			if (carry_over(r, i, prev, (size_t)j) == -1) {
				snprintf(why, sizeof(why), "out of memory");
				goto fail;
			}
		} else {
			from_cache(r, i);
		}
	}
	return 0;
fail:
	snprintf(err, errlen, "issuer %s: %s", is->url, why);
	return -1;
}

void
refresh_tick(struct refresh *r, long long now)
{
	struct issuer_rt *rt;
	size_t i;
	int want;
	jwks *set;

	for (i = 0; i < r->n; i++) {
		rt = &r->rt[i];
		if (now < rt->retry_at)
			continue;	/* backing off after a failure */
		want = atomic_load(&rt->want) &&
		    now - rt->last_fetch >= r->cfg->jwks_min_refresh;
		/* The kids tokens name were not at jwks_uri last time:
		 * perhaps it moved. */
		if (want && rt->kid_missed && rt->discovers &&
		    r->cfg->issuers[i].jwks == NULL) {
			pthread_mutex_lock(&rt->lock);
			rt->need_metadata = 1;
			pthread_mutex_unlock(&rt->lock);
		}
		if ((rt->need_metadata || (rt->meta_expires != 0 &&
		    now >= rt->meta_expires)) && get_metadata(r, i, now) == -1 &&
		    rt->jwks_url == NULL)
			continue;
		if (rt->jwks_url == NULL)
			continue;	/* a file: only SIGHUP reloads it */
		set = keystore_get(r->keys, i, NULL);
		jwks_free(set);
		if (set == NULL || now >= rt->next_refresh || want) {
			atomic_store(&rt->want, 0);
			get_keys(r, i, now, want);
		}
	}
}

void
refresh_want(struct refresh *r, size_t i)
{
	atomic_store(&r->rt[i].want, 1);
}

char *
refresh_metadata(struct refresh *r, size_t i)
{
	char *copy = NULL;

	pthread_mutex_lock(&r->rt[i].lock);
	if (r->rt[i].metadata != NULL)
		copy = strdup(r->rt[i].metadata);
	pthread_mutex_unlock(&r->rt[i].lock);
	return copy;
}
