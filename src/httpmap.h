/*
 * httpmap: HTTP forward auth (SPEC §15) mapped onto the CGI form the
 * service already speaks.  In: a request line and headers become the
 * parameters of a struct request, as a web server would pass them over
 * FastCGI.  Out: a rendered CGI response (src/response.c) becomes an
 * HTTP status, header fields and a body.  No I/O and no HTTP library:
 * http.c feeds it what libmicrohttpd parsed.
 *
 * What is trusted: the policy query of the path /auth (resource=,
 * scopes=, claims=), which only the proxy's configuration writes, becomes
 * MCPAUTH_RESOURCE, MCPAUTH_REQUIRED_SCOPES and MCPAUTH_REQUIRE_CLAIMS.
 * Request headers only ever become HTTP_* (or CONTENT_*) parameters, so
 * a client header "Mcpauth-Resource" is HTTP_MCPAUTH_RESOURCE, never
 * policy.  Header names with anything but letters, digits and '-' are
 * dropped (as Apache and nginx do): "X_Auth" must not pose as "X-Auth";
 * so are names longer than 256 bytes.
 */
#ifndef MCPAUTH_HTTPMAP_H
#define MCPAUTH_HTTPMAP_H

#include <stddef.h>

#include "request.h"

/* Most bytes of a request head: request line and header lines. */
#define HTTPMAP_HEAD_MAX (64 * 1024)
/* Most parameters (headers, after duplicates are joined). */
#define HTTPMAP_PARAMS_MAX 256
/* Most header fields in a response. */
#define HTTPMAP_RESPONSE_HEADERS 32

struct httpmap;

/* An empty request; NULL when out of memory.  Free with httpmap_free. */
struct httpmap *httpmap_new(void);

void httpmap_free(struct httpmap *m);

/*
 * The request line: the method and the request-target as the client sent
 * it (path and query, not decoded).  DOCUMENT_URI is the percent-decoded
 * path; the query is read only when that path is exactly /auth.  Returns
 * 0, or the status to answer instead (400 for a target that is not a
 * path or decodes to a NUL, 431 past HTTPMAP_HEAD_MAX, 500 for a policy
 * query with an unknown, repeated or undecodable parameter: a mistake in
 * the proxy's configuration, never guessed around).  Call once, first.
 */
int httpmap_target(struct httpmap *m, const char *method, const char *target);

/*
 * One request header as received.  Duplicates are joined with ", ".
 * Returns 0, or 431 past HTTPMAP_HEAD_MAX or HTTPMAP_PARAMS_MAX.
 */
int httpmap_header(struct httpmap *m, const char *name, const char *value);

/*
 * After the last header: REQUEST_METHOD is the original request's method
 * from X-Original-Method or X-Forwarded-Method (else the method of this
 * request); when both are sent and differ it is left unset, so that a
 * client cannot add the one its proxy does not overwrite and pass for a
 * CORS preflight.  REQUEST_URI (for logs only) comes from X-Original-URI
 * or X-Forwarded-Uri, else the target.  Fills req, which reads from m
 * until m is freed.  Returns 0, or 500 when out of memory.
 */
int httpmap_request(struct httpmap *m, struct request *req);

/* Why the last call refused, for the answer and the log. */
const char *httpmap_why(const struct httpmap *m);

/* A rendered CGI response, cut up in place. */
struct httpmap_response {
	int status;			/* 100-599 */
	size_t nheaders;
	const char *name[HTTPMAP_RESPONSE_HEADERS];
	const char *value[HTTPMAP_RESPONSE_HEADERS];
	const char *body;
	size_t body_len;
};

/*
 * Parse p (len bytes: "Status: N reason", "Name: value" lines, a blank
 * line, the body; lines end in CRLF or LF) into out, writing NULs into p
 * to end names and values.  Returns 0, or -1 if the text is not such a
 * response (then answer 500, never a guess).
 */
int httpmap_response(char *p, size_t len, struct httpmap_response *out);

#endif
