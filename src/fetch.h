/*
 * fetch: HTTPS GET of a small document with libcurl (the only file that
 * includes curl/curl.h).  TLS is verified, redirects are not followed,
 * time and size are bounded.
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

/*
 * Make fetches in progress, and any later one, fail at once (within
 * about a second): for a process that is stopping.  Safe from any
 * thread.
 */
void fetch_stop(void);

#endif
