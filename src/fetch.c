#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "crypto.h"
#include "fetch.h"
#include "num.h"
#include "url.h"

static atomic_int stopping;
/* Each thread's POST handle: its connection cache lives in it. */
static pthread_key_t post_key;
static int post_key_ok;

struct sink {
	char *p;
	size_t len, max;
	int overflow;
	long max_age;
};

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t add = size * n;
	char *p;

	if (add > s->max - s->len) {
		s->overflow = 1;
		return 0;	/* makes curl stop with a write error */
	}
	if ((p = realloc(s->p, s->len + add + 1)) == NULL)
		return 0;
	s->p = p;
	memcpy(s->p + s->len, data, add);
	s->len += add;
	s->p[s->len] = '\0';
	return add;
}

/* Pick max-age out of a Cache-Control header. */
static size_t
on_header(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n, l, i;
	char line[512], *m;
	long long v;

	if (len < 14 || strncasecmp(data, "cache-control:", 14) != 0)
		return len;
	l = len < sizeof(line) - 1 ? len : sizeof(line) - 1;
	for (i = 0; i < l; i++)		/* lower case, for the search */
		line[i] = (char)(data[i] >= 'A' && data[i] <= 'Z' ?
		    data[i] + 32 : data[i]);
	line[l] = '\0';
	if ((m = strstr(line, "max-age=")) == NULL)
		return len;
	m += 8;
	i = strspn(m, "0123456789");
	m[i] = '\0';
	/* Longer than a day, however many digits, is a day. */
	if (i > 9)
		s->max_age = FETCH_MAX_AGE;
	else if (num_parse(m, 0, 999999999, &v) == 0)
		s->max_age = v > FETCH_MAX_AGE ? FETCH_MAX_AGE : (long)v;
	return len;
}

/* curl calls this about once a second and more often while data flows. */
static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	(void)arg;
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return atomic_load(&stopping);
}

void
fetch_stop(void)
{
	atomic_store(&stopping, 1);
}

static void
handle_free(void *c)
{
	curl_easy_cleanup(c);
}

int
fetch_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    pthread_key_create(&post_key, handle_free) != 0)
		return -1;
	post_key_ok = 1;
	return 0;
}

void
fetch_thread_done(void)
{
	CURL *c;

	if (post_key_ok && (c = pthread_getspecific(post_key)) != NULL) {
		pthread_setspecific(post_key, NULL);
		curl_easy_cleanup(c);
	}
}

/* Options every request has: no redirects, bounded, cancellable. */
static void
common_options(CURL *c, const char *url, int allow_http, size_t max,
    struct sink *s)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR,
	    allow_http ? "http,https" : "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "mcpauth");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
}

/*
 * After curl_easy_perform: res filled from s and the transfer's outcome.
 * 0, or -1 with res->err set; s->p is taken or freed either way.
 */
static int
finish(const char *url, CURLcode rc, long status, size_t max,
    struct sink *s, struct fetch_result *res)
{
	if (s->overflow || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(res->err, sizeof(res->err), "%s: larger than %zu "
		    "bytes", url, max);
		goto fail;
	}
	if (rc != CURLE_OK) {
		snprintf(res->err, sizeof(res->err), "%s: %s", url,
		    curl_easy_strerror(rc));
		goto fail;
	}
	if (status != 200) {
		snprintf(res->err, sizeof(res->err), "%s: HTTP status %ld",
		    url, status);
		goto fail;
	}
	if (s->p == NULL && (s->p = calloc(1, 1)) == NULL) {
		snprintf(res->err, sizeof(res->err), "out of memory");
		goto fail;
	}
	res->body = s->p;
	res->len = s->len;
	res->max_age = s->max_age;
	return 0;
fail:
	free(s->p);
	s->p = NULL;
	return -1;
}

/* Refuse what may not be fetched at all; 0 if url may be. */
static int
refuse_early(const char *url, int allow_http, struct fetch_result *res)
{
	memset(res, 0, sizeof(*res));
	res->max_age = -1;
	if (!url_fetch_allowed(url, allow_http)) {
		snprintf(res->err, sizeof(res->err), "%s: only https URLs are "
		    "fetched%s", url, allow_http ? "" :
		    " (insecure_http is off)");
		return -1;
	}
	if (atomic_load(&stopping)) {
		snprintf(res->err, sizeof(res->err), "%s: stopping", url);
		return -1;
	}
	return 0;
}

int
fetch_post(const struct fetch_form *f, struct fetch_result *res)
{
	struct sink s = { NULL, 0, f->max, 0, -1 };
	struct curl_slist *hdrs = NULL, *h;
	char auth[FETCH_AUTH_MAX + 32];
	long status = 0;
	CURLcode rc;
	CURL *c;
	int n;

	if (refuse_early(f->url, f->allow_http, res) == -1)
		return -1;
	if (!post_key_ok ||
	    ((c = pthread_getspecific(post_key)) == NULL &&
	    ((c = curl_easy_init()) == NULL ||
	    pthread_setspecific(post_key, c) != 0))) {
		snprintf(res->err, sizeof(res->err), "out of memory");
		return -1;
	}
	/* Reset keeps the handle's live connections. */
	curl_easy_reset(c);
	common_options(c, f->url, f->allow_http, f->max, &s);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, f->timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, f->timeout_ms);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, f->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)f->body_len);
	h = curl_slist_append(hdrs, "Accept: application/json");
	hdrs = h != NULL ? h : hdrs;
	if (h != NULL && f->authorization != NULL) {
		n = snprintf(auth, sizeof(auth), "Authorization: %s",
		    f->authorization);
		h = n > 0 && (size_t)n < sizeof(auth) ?
		    curl_slist_append(hdrs, auth) : NULL;
		crypto_cleanse(auth, sizeof(auth));
	}
	if (h == NULL) {
		curl_slist_free_all(hdrs);
		snprintf(res->err, sizeof(res->err), "out of memory");
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	/* Nothing may keep pointing at what the caller frees. */
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
	curl_slist_free_all(hdrs);
	return finish(f->url, rc, status, f->max, &s, res);
}

int
fetch_get(const char *url, size_t max, int allow_http,
    struct fetch_result *res)
{
	struct sink s = { NULL, 0, max, 0, -1 };
	long status = 0;
	CURLcode rc;
	CURL *c;

	if (refuse_early(url, allow_http, res) == -1)
		return -1;
	if ((c = curl_easy_init()) == NULL) {
		snprintf(res->err, sizeof(res->err), "out of memory");
		return -1;
	}
	common_options(c, url, allow_http, max, &s);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)FETCH_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)FETCH_CONNECT_TIMEOUT_MS);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	return finish(url, rc, status, max, &s, res);
}
