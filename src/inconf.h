/*
 * inconf: the `introspect` line (SPEC §12): which issuer introspects
 * opaque tokens, where, and with which client credentials.  The secret
 * is read from its file at every load and reload, never logged, and
 * wiped when the configuration is freed.
 */
#ifndef MCPAUTH_INCONF_H
#define MCPAUTH_INCONF_H

#include <stddef.h>
#include <stdio.h>

/* Longest client secret file, in bytes. */
#define INCONF_SECRET_MAX 4096

/* How the client authenticates to the introspection endpoint. */
enum inconf_auth { INCONF_BASIC, INCONF_POST };

struct inconf {
	char *issuer;		/* a configured issuer's URL */
	char *client_id;
	char *secret_file;	/* as written; config.c makes it absolute */
	char *endpoint;		/* NULL: the metadata's introspection_endpoint */
	enum inconf_auth auth;
	int line;
	char *secret;		/* inconf_read_secret; NULL until read */
	size_t secret_len;
};

/*
 * Parse the values of an introspect line (ISSUER_URL then NAME=VALUE
 * options); argv's strings may be modified.  Returns a new inconf the
 * caller frees with inconf_free, or NULL with the reason in err.
 */
struct inconf *inconf_parse(char **argv, int argc, int line, char *err,
    size_t errlen);

/*
 * Read c->secret_file: a regular file with no permission for others and
 * not writable by its group, at most INCONF_SECRET_MAX bytes, not empty,
 * without NUL; one trailing LF or CRLF is not part of the secret.
 * 0, or -1 with the reason in err (never the secret).
 */
int inconf_read_secret(struct inconf *c, char *err, size_t errlen);

/* Free c, wiping the secret; NULL does nothing. */
void inconf_free(struct inconf *c);

/* The line in the file's syntax, options spelled out, never the secret. */
void inconf_print(const struct inconf *c, FILE *f);

#endif
