#include <string.h>

#include "response.h"

static const char *
reason_phrase(int status)
{
	switch (status) {
	case 200: return "OK";
	case 204: return "No Content";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 500: return "Internal Server Error";
	}
	return "Unknown";
}

void
response_init(struct response *r, int status)
{
	r->status = status;
	buf_init(&r->head, RESPONSE_MAX_HEAD);
	buf_init(&r->body, RESPONSE_MAX_BODY);
}

static void
header(struct response *r, const char *name, const char *value, size_t len,
    int encode)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)value, *end = s + len;
	const unsigned char *start = s;
	char esc[3];

	if (buf_str(&r->head, name) == -1 || buf_add(&r->head, ": ", 2) == -1)
		return;
	while (s < end) {
		const unsigned char *run = s;

		/* Copy a run of bytes that need nothing in one go. */
		while (s < end && *s >= 0x20 && *s < 0x7f &&
		    !(encode && (*s == '%' || (*s == ' ' &&
		    (s == start || s == end - 1)))))
			s++;
		if (s > run && buf_add(&r->head, run, (size_t)(s - run)) == -1)
			return;
		if (s == end)
			break;
		if (encode) {
			esc[0] = '%';
			esc[1] = hex[*s >> 4];
			esc[2] = hex[*s & 15];
			if (buf_add(&r->head, esc, 3) == -1)
				return;
		}
		s++;
	}
	if (buf_add(&r->head, "\r\n", 2) == -1)
		return;
}

void
response_header(struct response *r, const char *name, const char *value)
{
	header(r, name, value, strlen(value), 0);
}

void
response_header_bytes(struct response *r, const char *name,
    const char *value, size_t len)
{
	header(r, name, value, len, 0);
}

void
response_header_encoded(struct response *r, const char *name,
    const char *value)
{
	header(r, name, value, strlen(value), 1);
}

void
response_body(struct response *r, const char *s)
{
	if (buf_str(&r->body, s) == -1)
		return;		/* response_render refuses it */
}

int
response_render(const struct response *r, struct buf *out)
{
	if (r->head.failed || r->body.failed ||
	    buf_printf(out, "Status: %d %s\r\n", r->status,
	    reason_phrase(r->status)) == -1 ||
	    buf_add(out, r->head.p, r->head.len) == -1 ||
	    buf_add(out, "\r\n", 2) == -1 ||
	    buf_add(out, r->body.p, r->body.len) == -1)
		return -1;
	return 0;
}

void
response_free(struct response *r)
{
	buf_free(&r->head);
	buf_free(&r->body);
}
