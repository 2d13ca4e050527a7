#include <string.h>
#include <strings.h>

#include "bearer.h"

/* 1 if c may appear in an RFC 6750 b64token before its '=' padding. */
static int
b64token_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("-._~+/", c) != NULL);
}

enum bearer_result
bearer_parse(const char *h, const char **tok, size_t *len, const char **why)
{
	size_t n, i, chars;

	if (h == NULL || *h == '\0')
		return BEARER_NONE;
	h += strspn(h, " \t");
	if (strncasecmp(h, "Bearer", 6) != 0 ||
	    (h[6] != '\0' && h[6] != ' ' && h[6] != '\t'))
		return BEARER_NONE;	/* another scheme, e.g. Basic */
	h += 6;
	h += strspn(h, " \t");
	n = strcspn(h, " \t");
	if (n == 0) {
		*why = "the Bearer credentials hold no token";
		return BEARER_BAD;
	}
	if (h[n + strspn(h + n, " \t")] != '\0') {
		*why = "the Bearer credentials hold more than one token";
		return BEARER_BAD;
	}
	/* b64token = 1*( ALPHA / DIGIT / "-._~+/" ) *"=" */
	for (i = 0; i < n && b64token_char((unsigned char)h[i]); i++)
		;
	chars = i;
	while (i < n && h[i] == '=')
		i++;
	if (chars == 0 || i != n) {
		*why = "the Bearer token has characters outside RFC 6750 "
		    "b64token";
		return BEARER_BAD;
	}
	*tok = h;
	*len = n;
	return BEARER_TOKEN;
}
