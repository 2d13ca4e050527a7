#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "discover.h"
#include "fetch.h"
#include "file.h"
#include "jwks.h"
#include "keys.h"
#include "log.h"
#include "refresh.h"
#include "url.h"

struct issuer_rt {
	pthread_mutex_t lock;	/* guards metadata only */
	char *metadata;
	char *jwks_url;		/* refresher only: where keys are fetched */
	long long next_refresh;	/* max-age runs out */
	long long last_fetch;	/* last key set fetch, for jwks_min_refresh */
	long long retry_at;	/* after a failure */
	long long backoff;
	int need_metadata;	/* metadata must still be discovered */
	atomic_int want;	/* a request met an unknown kid */
};

struct refresh {
	const struct config *cfg;
	struct keystore *keys;
	size_t n;
	struct issuer_rt rt[];
};

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
		r->rt[i].need_metadata = is->metadata != NULL ?
		    url_is_http(is->metadata) : is->jwks == NULL;
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

static void
set_metadata(struct issuer_rt *rt, char *doc)
{
	char *old;

	pthread_mutex_lock(&rt->lock);
	old = rt->metadata;
	rt->metadata = doc;
	pthread_mutex_unlock(&rt->lock);
	free(old);
}

/* cache_dir/KIND-HASH.json for issuer i; 0, or -1 without cache_dir. */
static int
cache_path(const struct refresh *r, size_t i, const char *kind, char *out,
    size_t outlen)
{
	const char *url = r->cfg->issuers[i].url;
	unsigned char h[32];
	char hex[33];
	int k;

	if (r->cfg->cache_dir == NULL ||
	    crypto_sha256(url, strlen(url), h) == -1)
		return -1;
	for (k = 0; k < 16; k++)
		snprintf(hex + 2 * k, 3, "%02x", h[k]);
	snprintf(out, outlen, "%s/%s-%s.json", r->cfg->cache_dir, kind, hex);
	return 0;
}

/* Write text to the cache atomically (temp file, then rename). */
static void
cache_write(const struct refresh *r, size_t i, const char *kind,
    const char *text, size_t len)
{
	char path[4096], tmp[4200];
	int fd;

	if (cache_path(r, i, kind, path, sizeof(path)) == -1)
		return;
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		log_msg("cache_dir: cannot write %s: %m", path);
		return;
	}
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) == -1 ||
	    close(fd) == -1 || rename(tmp, path) == -1) {
		log_msg("cache_dir: cannot write %s: %m", path);
		unlink(tmp);
	}
}

/* Read a cached document and its age in seconds; NULL if none. */
static char *
cache_read(const struct refresh *r, size_t i, const char *kind,
    long long now, size_t *len, long long *age)
{
	char path[4096], err[256];
	struct stat sb;
	char *text;

	if (cache_path(r, i, kind, path, sizeof(path)) == -1 ||
	    stat(path, &sb) == -1)
		return NULL;
	if ((text = file_read(path, JWKS_MAX_BYTES, len, err, sizeof(err)))
	    == NULL) {
		log_msg("cache_dir: %s", err);
		return NULL;
	}
	*age = now - (long long)sb.st_mtime;
	return text;
}

static void
failed(struct issuer_rt *rt, long long now)
{
	rt->backoff = rt->backoff == 0 ? 1 : rt->backoff * 2;
	if (rt->backoff > REFRESH_MAX_BACKOFF)
		rt->backoff = REFRESH_MAX_BACKOFF;
	rt->retry_at = now + rt->backoff;
}

static int
get_metadata(struct refresh *r, size_t i, long long now)
{
	const struct config_issuer *is = &r->cfg->issuers[i];
	struct issuer_rt *rt = &r->rt[i];
	char err[1024], *doc, *ju = NULL;
	size_t len;

	if ((doc = discover(is, r->cfg->insecure_http, &len, &ju, err,
	    sizeof(err))) == NULL) {
		log_msg("%s", err);
		failed(rt, now);
		return -1;
	}
	set_metadata(rt, doc);
	cache_write(r, i, "meta", doc, len);
	if (is->jwks == NULL) {
		free(rt->jwks_url);
		rt->jwks_url = ju;
	} else {
		free(ju);
	}
	rt->need_metadata = 0;
	return 0;
}

/* Fetch, parse and install issuer i's key set. */
static int
get_keys(struct refresh *r, size_t i, long long now)
{
	struct issuer_rt *rt = &r->rt[i];
	const char *url = rt->jwks_url;
	struct fetch_result res;
	char err[256];
	long long age;
	jwks *set;

	rt->last_fetch = now;
	if (fetch_get(url, JWKS_MAX_BYTES, r->cfg->insecure_http, &res)
	    == -1) {
		log_msg("issuer %s: key set fetch failed, keeping the last good "
		    "one: %s", r->cfg->issuers[i].url, res.err);
		failed(rt, now);
		return -1;
	}
	if ((set = jwks_parse(res.body, res.len, err, sizeof(err))) == NULL) {
		log_msg("issuer %s: %s: %s; keeping the last good one",
		    r->cfg->issuers[i].url, url, err);
		free(res.body);
		failed(rt, now);
		return -1;
	}
	keystore_set(r->keys, i, set);
	cache_write(r, i, "jwks", res.body, res.len);
	free(res.body);
	age = res.max_age >= 0 ? res.max_age : REFRESH_DEFAULT_MAX_AGE;
	if (age < r->cfg->jwks_min_refresh)
		age = r->cfg->jwks_min_refresh;
	rt->next_refresh = now + age;
	rt->backoff = 0;
	rt->retry_at = 0;
	return 0;
}

/* Warm start from cache_dir; 1 if the cached key set is still fresh. */
static int
from_cache(struct refresh *r, size_t i, long long now)
{
	struct issuer_rt *rt = &r->rt[i];
	char *text, err[256], *ju = NULL;
	long long age;
	size_t len;
	jwks *set;

	if ((text = cache_read(r, i, "meta", now, &len, &age)) != NULL) {
		if (discover_check(r->cfg->issuers[i].url, text, len,
		    r->cfg->issuers[i].jwks == NULL, r->cfg->insecure_http, &ju,
		    err, sizeof(err)) == 0) {
			set_metadata(rt, text);
			if (r->cfg->issuers[i].jwks == NULL)
				rt->jwks_url = ju;
			else
				free(ju);
			rt->need_metadata = 0;
		} else {
			log_msg("cache_dir: ignoring cached metadata of %s: %s",
			    r->cfg->issuers[i].url, err);
			free(text);
		}
	}
	if ((text = cache_read(r, i, "jwks", now, &len, &age)) == NULL)
		return 0;
	set = jwks_parse(text, len, err, sizeof(err));
	free(text);
	if (set == NULL) {
		log_msg("cache_dir: ignoring cached key set of %s: %s",
		    r->cfg->issuers[i].url, err);
		return 0;
	}
	keystore_set(r->keys, i, set);
	rt->last_fetch = now - age;
	rt->next_refresh = now - age + REFRESH_DEFAULT_MAX_AGE;
	return rt->next_refresh > now && !rt->need_metadata;
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
	set_metadata(&r->rt[i], doc);
	if (is->jwks == NULL)
		r->rt[i].jwks_url = ju;
	else
		free(ju);
	return 0;
}

int
refresh_start(struct refresh *r, long long now, char *err, size_t errlen)
{
	const struct config_issuer *is;
	struct issuer_rt *rt;
	char why[1024];
	size_t i;
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
			continue;
		}
		if (is->jwks != NULL && (rt->jwks_url = strdup(is->jwks))
		    == NULL) {
			snprintf(why, sizeof(why), "out of memory");
			goto fail;
		}
		if (from_cache(r, i, now))
			continue;
		/* Failures here are logged and retried, never fatal. */
		if (rt->need_metadata && get_metadata(r, i, now) == -1)
			continue;
		if (rt->jwks_url != NULL)
			get_keys(r, i, now);
	}
	return 0;
fail:
	snprintf(err, errlen, "issuer %s: %s", is->url, why);
	return -1;
}

int
refresh_has_keys(struct refresh *r, size_t i)
{
	jwks *set = keystore_get(r->keys, i);

	jwks_free(set);
	return set != NULL;
}

void
refresh_tick(struct refresh *r, long long now)
{
	struct issuer_rt *rt;
	size_t i;
	int due;

	for (i = 0; i < r->n; i++) {
		rt = &r->rt[i];
		if (now < rt->retry_at)
			continue;	/* backing off after a failure */
		if (rt->need_metadata && get_metadata(r, i, now) == -1)
			continue;
		if (rt->jwks_url == NULL)
			continue;	/* a file: only SIGHUP reloads it */
		due = !refresh_has_keys(r, i) || now >= rt->next_refresh ||
		    (atomic_load(&rt->want) &&
		    now - rt->last_fetch >= r->cfg->jwks_min_refresh);
		if (due) {
			atomic_store(&rt->want, 0);
			get_keys(r, i, now);
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
