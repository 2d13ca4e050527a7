/*
 * url: the parts of http and https URLs that mcpauth uses, the https
 * policy for what it fetches, and the well-known paths it serves or
 * discovers.  Only URLs that url_is_http accepts may be passed on.
 */
#ifndef MCPAUTH_URL_H
#define MCPAUTH_URL_H

#include <stddef.h>

/* RFC 9728 protected resource metadata, RFC 8414 and OpenID Connect. */
#define URL_WELL_KNOWN_RESOURCE "/.well-known/oauth-protected-resource"
#define URL_WELL_KNOWN_OAUTH "/.well-known/oauth-authorization-server"
#define URL_WELL_KNOWN_OIDC "/.well-known/openid-configuration"

/* 1 if s starts with http:// or https:// (fetched, not read), else 0. */
int url_is_http(const char *s);

/* 1 if s is a plain http:// URL, else 0. */
int url_is_plain_http(const char *s);

/* 1 if url may be fetched: https, or http when allow_http is set. */
int url_fetch_allowed(const char *url, int allow_http);

/* The authority of url: what follows "://". */
const char *url_host(const char *url);

/* The length of url's origin, "scheme://authority", in bytes. */
size_t url_origin_len(const char *url);

/* The path of url onwards: from the first '/', '?' or '#' after the
 * authority ("" if none). */
const char *url_path(const char *url);

/* The most bytes url_form_encode writes for n input bytes, NUL included. */
#define URL_FORM_MAX(n) (3 * (n) + 1)

/*
 * application/x-www-form-urlencoded form of the n bytes at s (RFC 6749
 * Appendix B): letters, digits and "*-._" as they are, space as '+',
 * every other byte as %XX.  Writes at most URL_FORM_MAX(n) bytes to out,
 * NUL-terminated, and returns the length.
 */
size_t url_form_encode(const char *s, size_t n, char *out);

#endif
