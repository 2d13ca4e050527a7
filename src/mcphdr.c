/* The MCP request metadata headers: verifiable or not, and decoded. */
#include <string.h>

#include "b64url.h"
#include "mcphdr.h"

static const char *const named[] = {
	"tools/call", "resources/read", "prompts/get"
};

int
mcphdr_named(const char *method)
{
	size_t i;

	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strcmp(method, named[i]) == 0)
			return 1;
	return 0;
}

/* DDDD-DD-DD, digits, not earlier than the first checking revision. */
static int
version_ok(const char *v)
{
	size_t i;

	if (strlen(v) != 10)
		return 0;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? v[i] != '-' : v[i] < '0' || v[i] > '9')
			return 0;
	/* Same shape, so the string order is the date order. */
	return strcmp(v, MCPHDR_FIRST_VERSION) >= 0;
}

/* 1 if s (n bytes) is well-formed UTF-8 (RFC 3629) without NUL. */
static int
utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;
	unsigned long cp;

	while (i < n) {
		if (s[i] == 0)
			return 0;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			len = 2, cp = s[i] & 0x1f;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			len = 3, cp = s[i] & 0x0f;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			len = 4, cp = s[i] & 0x07;
		else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates, beyond U+10FFFF. */
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
		i += len;
	}
	return 1;
}

/* Decode Mcp-Name into h->name; 0 with h->why if it is malformed. */
static int
name_decode(const char *v, struct mcphdr *h)
{
	static const char pre[] = "=?base64?", suf[] = "?=";
	size_t n = strlen(v), i;
	long d;

	if (n == 0 || n > MCPHDR_NAME_MAX) {
		h->why = n == 0 ? "Mcp-Name is empty" :
		    "Mcp-Name is longer than 4096 bytes";
		return 0;
	}
	if (n >= sizeof(pre) - 1 + sizeof(suf) - 1 &&
	    memcmp(v, pre, sizeof(pre) - 1) == 0 &&
	    memcmp(v + n - (sizeof(suf) - 1), suf, sizeof(suf) - 1) == 0) {
		d = b64std_decode(v + sizeof(pre) - 1,
		    n - (sizeof(pre) - 1) - (sizeof(suf) - 1),
		    (unsigned char *)h->name, MCPHDR_NAME_MAX);
		if (d <= 0 || !utf8_ok((const unsigned char *)h->name,
		    (size_t)d)) {
			h->why = "Mcp-Name is not base64 of UTF-8 without NUL";
			return 0;
		}
		h->namelen = (size_t)d;
		h->name[d] = '\0';
		return 1;
	}
	/* A plain value is header-safe ASCII; anything else is encoded. */
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e) {
			h->why = "Mcp-Name has a byte outside printable ASCII";
			return 0;
		}
	memcpy(h->name, v, n + 1);
	h->namelen = n;
	return 1;
}

int
mcphdr_parse(const char *version, const char *method, const char *name,
    struct mcphdr *h)
{
	size_t i, n;

	/* Not the whole struct: the name buffer is 4 KiB, per request. */
	h->verifiable = h->has_name = 0;
	h->method = h->why = NULL;
	h->namelen = 0;
	h->name[0] = '\0';
	if (version == NULL) {
		h->why = "no MCP-Protocol-Version";
		return 0;
	}
	if (!version_ok(version)) {
		h->why = "MCP-Protocol-Version is not a revision that checks "
		    "headers against the body";
		return 0;
	}
	if (method == NULL || (n = strlen(method)) == 0 ||
	    n > MCPHDR_METHOD_MAX) {
		h->why = method == NULL ? "no Mcp-Method" :
		    "Mcp-Method is empty or longer than 128 bytes";
		return 0;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)method[i] < 0x21 ||
		    (unsigned char)method[i] > 0x7e) {
			h->why = "Mcp-Method has a byte outside visible ASCII";
			return 0;
		}
	if (mcphdr_named(method)) {
		if (name == NULL) {
			h->why = "no Mcp-Name";
			return 0;
		}
		if (!name_decode(name, h))
			return 0;
		h->has_name = 1;
	}
	h->method = method;
	h->verifiable = 1;
	return 1;
}
