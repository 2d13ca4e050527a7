#include <string.h>

#include "url.h"

int
url_is_http(const char *s)
{
	return strncmp(s, "https://", 8) == 0 || url_is_plain_http(s);
}

int
url_is_plain_http(const char *s)
{
	return strncmp(s, "http://", 7) == 0;
}

int
url_fetch_allowed(const char *url, int allow_http)
{
	return strncmp(url, "https://", 8) == 0 ||
	    (allow_http && url_is_plain_http(url));
}

const char *
url_host(const char *url)
{
	return strstr(url, "://") + 3;
}

size_t
url_origin_len(const char *url)
{
	return (size_t)(url_path(url) - url);
}

const char *
url_path(const char *url)
{
	const char *h = url_host(url);

	return h + strcspn(h, "/?#");
}

size_t
url_form_encode(const char *s, size_t n, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c != '\0' && strchr("*-._", c)))
			out[o++] = (char)c;
		else if (c == ' ')
			out[o++] = '+';
		else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return o;
}
