#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "inconf.h"

static const char *const auth_names[] = {
	[INCONF_BASIC] = "client_secret_basic",
	[INCONF_POST] = "client_secret_post",
};

static int
set_once(char **dst, const char *v)
{
	return *dst == NULL && (*dst = strdup(v)) != NULL ? 0 : -1;
}

struct inconf *
inconf_parse(char **argv, int argc, int line, char *err, size_t errlen)
{
	struct inconf *c;
	char *v;
	int a, bad = 0;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->issuer = strdup(argv[0])) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	c->line = line;
	for (a = 1; a < argc && !bad; a++) {
		if ((v = strchr(argv[a], '=')) == NULL || v[1] == '\0') {
			snprintf(err, errlen, "introspect option \"%s\" is not "
			    "NAME=VALUE", argv[a]);
			goto fail;
		}
		*v++ = '\0';
		if (strcmp(argv[a], "client_id") == 0)
			bad = set_once(&c->client_id, v);
		else if (strcmp(argv[a], "secret_file") == 0)
			bad = set_once(&c->secret_file, v);
		else if (strcmp(argv[a], "endpoint") == 0)
			bad = set_once(&c->endpoint, v);
		else if (strcmp(argv[a], "auth") == 0 &&
		    strcmp(v, auth_names[INCONF_BASIC]) == 0)
			c->auth = INCONF_BASIC;
		else if (strcmp(argv[a], "auth") == 0 &&
		    strcmp(v, auth_names[INCONF_POST]) == 0)
			c->auth = INCONF_POST;
		else if (strcmp(argv[a], "auth") == 0) {
			snprintf(err, errlen, "introspect auth must be "
			    "client_secret_basic or client_secret_post, got "
			    "\"%s\"", v);
			goto fail;
		} else
			bad = 1;
		if (bad) {
			snprintf(err, errlen, "unknown or repeated introspect "
			    "option \"%s\" (expected client_id=, secret_file=, "
			    "endpoint= or auth=)", argv[a]);
			goto fail;
		}
	}
	if (c->client_id == NULL || c->secret_file == NULL) {
		snprintf(err, errlen, "introspect needs client_id= and "
		    "secret_file=");
		goto fail;
	}
	return c;
fail:
	inconf_free(c);
	return NULL;
}

/* Why the secret file's status refuses it, or NULL. */
static const char *
unsafe(const struct stat *sb)
{
	if (!S_ISREG(sb->st_mode))
		return "not a regular file";
	if (sb->st_mode & (S_IRWXO | S_IWGRP))
		return "readable or writable by others, or writable by its "
		    "group (chmod 600 or 640)";
	return NULL;
}

int
inconf_read_secret(struct inconf *c, char *err, size_t errlen)
{
	char buf[INCONF_SECRET_MAX + 1];
	const char *why = NULL;
	struct stat sb;
	size_t n = 0;
	ssize_t r;
	int fd;

	if ((fd = open(c->secret_file, O_RDONLY | O_NOCTTY | O_NONBLOCK |
	    O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "secret_file %s: %s", c->secret_file,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1)
		why = strerror(errno);
	else
		why = unsafe(&sb);
	while (why == NULL && n < sizeof(buf) &&
	    (r = read(fd, buf + n, sizeof(buf) - n)) != 0) {
		if (r < 0 && errno != EINTR)
			why = strerror(errno);
		else if (r > 0)
			n += (size_t)r;
	}
	close(fd);
	if (why == NULL && n > INCONF_SECRET_MAX)
		why = "larger than 4096 bytes";
	if (why == NULL && n > 0 && buf[n - 1] == '\n')
		n -= n > 1 && buf[n - 2] == '\r' ? 2 : 1;
	if (why == NULL && n == 0)
		why = "empty";
	if (why == NULL && memchr(buf, '\0', n) != NULL)
		why = "holds a NUL byte";
	if (why == NULL) {
		if (c->secret != NULL)
			crypto_cleanse(c->secret, c->secret_len);
		free(c->secret);
		c->secret_len = 0;
		if ((c->secret = malloc(n + 1)) == NULL)
			why = "out of memory";
	}
	if (why != NULL) {
		crypto_cleanse(buf, sizeof(buf));
		snprintf(err, errlen, "secret_file %s: %s", c->secret_file,
		    why);
		return -1;
	}
	memcpy(c->secret, buf, n);
	c->secret[n] = '\0';
	c->secret_len = n;
	crypto_cleanse(buf, sizeof(buf));
	return 0;
}

void
inconf_free(struct inconf *c)
{
	if (c == NULL)
		return;
	if (c->secret != NULL)
		crypto_cleanse(c->secret, c->secret_len);
	free(c->secret);
	free(c->issuer);
	free(c->client_id);
	free(c->secret_file);
	free(c->endpoint);
	free(c);
}

void
inconf_print(const struct inconf *c, FILE *f)
{
	fprintf(f, "introspect %s client_id=%s secret_file=%s", c->issuer,
	    c->client_id, c->secret_file);
	if (c->endpoint != NULL)
		fprintf(f, " endpoint=%s", c->endpoint);
	fprintf(f, " auth=%s\n", auth_names[c->auth]);
}
