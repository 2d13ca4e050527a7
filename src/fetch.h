/*
 * fetch: HTTPS GET of a small document, and the POST of a small form,
 * with libcurl (the only file that includes curl/curl.h).  TLS is
 * verified, redirects are not followed, time and size are bounded.
 */
#ifndef MCPAUTH_FETCH_H
#define MCPAUTH_FETCH_H

#include <stddef.h>

/* Limits on every fetch. */
#define FETCH_TIMEOUT_MS 5000
#define FETCH_CONNECT_TIMEOUT_MS 2000
/* Longest max-age honoured, in seconds: a day (longer counts as a day). */
#define FETCH_MAX_AGE 86400

struct fetch_result {
	char *body;		/* NUL-terminated; the caller frees */
	size_t len;
	long max_age;		/* Cache-Control max-age (at most
				   FETCH_MAX_AGE), or -1 */
	char err[256];		/* why it failed */
};

/* Call once at start, before any thread fetches.  0, or -1. */
int fetch_init(void);

/*
 * GET url, accepting at most max bytes of body and only a 200.  Plain
 * http:// is refused unless allow_http.  Returns 0 with res filled, or
 * -1 with res->err set (and res->body NULL).
 */
int fetch_get(const char *url, size_t max, int allow_http,
    struct fetch_result *res);

/* Longest Authorization value fetch_post sends. */
#define FETCH_AUTH_MAX 24576

/* A form POST (RFC 7662 introspection); see fetch_post. */
struct fetch_form {
	const char *url;
	const char *body;	/* application/x-www-form-urlencoded */
	size_t body_len;
	const char *authorization;	/* Authorization value, or NULL */
	size_t max;		/* largest response body accepted */
	long timeout_ms;	/* the whole exchange, connecting included */
	int allow_http;
};

/*
 * POST f->body to f->url and accept only a 200 with at most f->max bytes.
 * Each calling thread keeps one handle, so connections to the endpoint
 * are reused across calls.  Returns 0 with res filled (max_age -1), or
 * -1 with res->err set (never the body sent).
 */
int fetch_post(const struct fetch_form *f, struct fetch_result *res);

/* Free the calling thread's POST handle, if any (threads that end free
 * theirs by themselves). */
void fetch_thread_done(void);

/*
 * Make fetches in progress, and any later one, fail at once (within
 * about a second): for a process that is stopping.  Safe from any
 * thread.
 */
void fetch_stop(void);

#endif
