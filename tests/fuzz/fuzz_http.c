/*
 * HTTP request mapping (src/httpmap.c).  The input is a request head as
 * libmicrohttpd hands it over: "METHOD TARGET" on the first line, then
 * "Name: value" lines.  Checked: the mapping never crashes, the policy
 * parameters come only from the query of /auth, no header becomes one,
 * and a response rendered from the mapped parameters (src/response.c)
 * parses back to the same status and number of header fields.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "httpmap.h"
#include "response.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static const char *const names[] = {
	"DOCUMENT_URI", "REQUEST_URI", "REQUEST_METHOD", "HTTP_AUTHORIZATION",
	"MCPAUTH_RESOURCE", "MCPAUTH_REQUIRED_SCOPES", "MCPAUTH_REQUIRE_CLAIMS",
	"HTTP_MCPAUTH_RESOURCE", "HTTP_X_ORIGINAL_METHOD", "CONTENT_LENGTH",
};

/* A body that looks like a response itself. */
static const char body[] = "{}\r\n\r\nStatus: 200 OK\r\n";

/* Render a response carrying the mapped parameters and parse it back. */
static void
round_trip(const struct request *req, int status)
{
	struct httpmap_response r;
	struct response resp = { 0 };
	struct buf out;
	size_t i, n = 0;
	const char *v;

	response_init(&resp, status);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((v = req->param(req, names[i])) != NULL) {
			response_header_encoded(&resp, "X-Auth-Fuzz", v);
			n++;
		}
	response_body(&resp, body);
	buf_init(&out, 2 * RESPONSE_MAX_HEAD);
	if (response_render(&resp, &out) == 0) {
		if (httpmap_response(out.p, out.len, &r) != 0 ||
		    r.status != status || r.nheaders != n ||
		    r.body_len != strlen(body) ||
		    memcmp(r.body, body, r.body_len) != 0)
			abort();
		for (i = 0; i < r.nheaders; i++)
			if (strchr(r.value[i], '\r') != NULL ||
			    strchr(r.value[i], '\n') != NULL)
				abort();
	}
	buf_free(&out);
	response_free(&resp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *line, *next, *sp, *colon, *v;
	struct httpmap *m = httpmap_new();
	struct request req;
	const char *target, *p;
	int status;

	if (text == NULL || m == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';	/* a NUL inside ends the input early */
	line = text;
	if ((next = strchr(line, '\n')) != NULL)
		*next++ = '\0';
	sp = strchr(line, ' ');
	target = sp != NULL ? sp + 1 : "/";
	if (sp != NULL)
		*sp = '\0';
	status = httpmap_target(m, line, target);
	while (status == 0 && next != NULL) {
		line = next;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((colon = strchr(line, ':')) == NULL)
			continue;
		*colon = '\0';
		for (v = colon + 1; *v == ' '; v++)
			;
		status = httpmap_header(m, line, v);
	}
	if (status == 0 && (status = httpmap_request(m, &req)) == 0) {
		/* Policy only from the query of exactly /auth. */
		p = req.param(&req, "DOCUMENT_URI");
		if (p == NULL || (strcmp(p, "/auth") != 0 &&
		    (req.param(&req, "MCPAUTH_RESOURCE") != NULL ||
		    req.param(&req, "MCPAUTH_REQUIRED_SCOPES") != NULL ||
		    req.param(&req, "MCPAUTH_REQUIRE_CLAIMS") != NULL)))
			abort();
		round_trip(&req, 100 + (int)(size % 500));
	} else if (status != 400 && status != 431 && status != 500)
		abort();
	httpmap_free(m);
	free(text);
	return 0;
}
