#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"

char *
file_slurp(FILE *f, size_t max, size_t *len)
{
	size_t cap = 4096, n = 0, r;
	char *buf = NULL, *nb;

	for (;;) {
		if (cap > max + 1)
			cap = max + 1;
		if ((nb = realloc(buf, cap + 1)) == NULL)
			goto fail;
		buf = nb;
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (n > max) {
			errno = EFBIG;
			goto fail;
		}
		if (n < cap) {
			if (ferror(f))
				goto fail;
			break;
		}
		cap *= 2;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	free(buf);
	return NULL;
}

char *
file_read(const char *path, size_t max, size_t *len, char *err,
    size_t errlen)
{
	char *buf;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((buf = file_slurp(f, max, len)) == NULL) {
		if (errno == EFBIG)
			snprintf(err, errlen, "%s: larger than %zu bytes", path,
			    max);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
	}
	fclose(f);
	return buf;
}
