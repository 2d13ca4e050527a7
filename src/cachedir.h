/*
 * cachedir: metadata and key sets kept in cache_dir between processes
 * (CGI, restarts).  What is read from there is trusted like a fetch, so
 * the directory and each file must belong to the effective user and be
 * writable by nobody else; files are opened without following symlinks
 * and written whole (a temporary file, mode 0600, then rename).
 */
#ifndef MCPAUTH_CACHEDIR_H
#define MCPAUTH_CACHEDIR_H

#include <stddef.h>

/*
 * The name of the document of one kind ("meta", "jwks") for a source:
 * kind-HEX.json, HEX naming source (what the document is obtained from).
 * 0, or -1 on error.
 */
int cachedir_name(const char *kind, const char *source, char *out,
    size_t outlen);

/*
 * Read dir/name (at most max bytes).  Returns the text (caller frees,
 * *len set) and *mtime, or NULL if there is none or it may not be
 * trusted; every reason but absence is logged.
 */
char *cachedir_read(const char *dir, const char *name, size_t max,
    size_t *len, long long *mtime);

/* Replace dir/name with len bytes of text.  0, or -1 (logged). */
int cachedir_write(const char *dir, const char *name, const char *text,
    size_t len);

#endif
