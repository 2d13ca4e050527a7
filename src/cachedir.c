#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cachedir.h"
#include "crypto.h"
#include "file.h"
#include "log.h"

int
cachedir_name(const char *kind, const char *source, char *out,
    size_t outlen)
{
	unsigned char h[32];
	char hex[33];
	int k, n;

	if (crypto_sha256(source, strlen(source), h) == -1)
		return -1;
	for (k = 0; k < 16; k++)
		snprintf(hex + 2 * k, 3, "%02x", h[k]);
	n = snprintf(out, outlen, "%s-%s.json", kind, hex);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* Why sb may not be trusted (NULL: it may), for a directory or a file. */
static const char *
untrusted(const struct stat *sb, int dir)
{
	if (dir ? !S_ISDIR(sb->st_mode) : !S_ISREG(sb->st_mode))
		return dir ? "not a directory" : "not a regular file";
	if (sb->st_uid != geteuid())
		return "not owned by the effective user";
	if (sb->st_mode & (S_IWGRP | S_IWOTH))
		return "writable by group or others";
	return NULL;
}

/* dir opened and checked; -1 (logged) if it may not be used. */
static int
open_dir(const char *dir)
{
	const char *why;
	struct stat sb;
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		log_msg("cache_dir %s: not used: %s", dir, strerror(errno));
		return -1;
	}
	why = fstat(fd, &sb) == -1 ? strerror(errno) : untrusted(&sb, 1);
	if (why != NULL) {
		log_msg("cache_dir %s: not used: %s", dir, why);
		close(fd);
		return -1;
	}
	return fd;
}

char *
cachedir_read(const char *dir, const char *name, size_t max, size_t *len,
    long long *mtime)
{
	const char *why;
	struct stat sb;
	char *text = NULL;
	FILE *f = NULL;
	int dfd, fd;

	if ((dfd = open_dir(dir)) == -1)
		return NULL;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dfd);
	if (fd == -1) {
		if (errno != ENOENT)
			log_msg("cache_dir: ignoring %s/%s: %s", dir, name,
			    errno == ELOOP ? "a symbolic link" :
			    strerror(errno));
		return NULL;
	}
	why = fstat(fd, &sb) == -1 ? strerror(errno) : untrusted(&sb, 0);
	if (why != NULL) {
		log_msg("cache_dir: ignoring %s/%s: %s", dir, name, why);
		close(fd);
		return NULL;
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		goto fail;
	}
	if ((text = file_slurp(f, max, len)) == NULL)
		goto fail;
	*mtime = (long long)sb.st_mtime;
	fclose(f);
	return text;
fail:
	log_msg("cache_dir: ignoring %s/%s: %s", dir, name,
	    errno == EFBIG ? "too large" : strerror(errno));
	if (f != NULL)
		fclose(f);
	return NULL;
}

int
cachedir_write(const char *dir, const char *name, const char *text,
    size_t len)
{
	static atomic_uint seq;
	char tmp[128];
	int dfd, fd = -1, made = 0, n;

	if ((dfd = open_dir(dir)) == -1)
		return -1;
	n = snprintf(tmp, sizeof(tmp), ".%s.%ld.%u", name, (long)getpid(),
	    atomic_fetch_add(&seq, 1));
	if (n < 0 || (size_t)n >= sizeof(tmp))
		goto fail;
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	made = fd != -1;
	if (fd == -1 || write(fd, text, len) != (ssize_t)len ||
	    fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(dfd, tmp, dfd, name) == -1)
		goto fail;
	close(dfd);
	return 0;
fail:
	log_msg("cache_dir: cannot write %s/%s: %s", dir, name,
	    strerror(errno));
	if (fd != -1)
		close(fd);
	if (made)
		unlinkat(dfd, tmp, 0);
	close(dfd);
	return -1;
}
