/*
 * response: a CGI/FastCGI response ("Status:", headers, body) built in
 * memory and written at once.  Header values can never carry CR or LF.
 * A header or body that does not fit its limit fails the whole response:
 * response_render then returns -1 and nothing of it may be sent.
 */
#ifndef MCPAUTH_RESPONSE_H
#define MCPAUTH_RESPONSE_H

#include "buf.h"

/* Most bytes of headers, and of body, in one response. */
#define RESPONSE_MAX_HEAD (64 * 1024)
#define RESPONSE_MAX_BODY (1024 * 1024)

struct response {
	int status;
	struct buf head, body;
};

/* Start a response with status (200, 401, ...). */
void response_init(struct response *r, int status);

/*
 * Add "name: value".  Bytes of value outside printable ASCII are dropped:
 * use this for values mcpauth built itself.
 */
void response_header(struct response *r, const char *name,
    const char *value);

/* As response_header, for len bytes at value. */
void response_header_bytes(struct response *r, const char *name,
    const char *value, size_t len);

/*
 * Add "name: value" with every byte outside printable ASCII, '%', and a
 * space at the start or the end of value percent-encoded (%XX, SPEC §7):
 * for values taken from a token, so that claims reach the app exactly,
 * untrimmed by the web server, but can never split or forge a header.
 */
void response_header_encoded(struct response *r, const char *name,
    const char *value);

/* Append to the body. */
void response_body(struct response *r, const char *s);

/*
 * Render the whole response into out (which the caller inits and frees).
 * Returns 0, or -1 if a part overflowed its limit.
 */
int response_render(const struct response *r, struct buf *out)
    BUF_MUST_CHECK;

/* Free what r holds; a zeroed r is fine. */
void response_free(struct response *r);

#endif
