#include <stdlib.h>
#include <string.h>

#include "words.h"

const char *
words_next(const char **s, size_t *len)
{
	const char *w = *s + strspn(*s, " ");

	if ((*len = strcspn(w, " ")) == 0) {
		*s = w;
		return NULL;
	}
	*s = w + *len;
	return w;
}

int
words_has(const char *list, const char *w, size_t wlen)
{
	const char *v;
	size_t n;

	while ((v = words_next(&list, &n)) != NULL)
		if (n == wlen && memcmp(v, w, n) == 0)
			return 1;
	return 0;
}

int
words_add(char **s, size_t *len, const char *w, size_t wlen)
{
	char *n;

	if ((n = realloc(*s, *len + wlen + 2)) == NULL)
		return -1;
	if (*len > 0)
		n[(*len)++] = ' ';
	memcpy(n + *len, w, wlen);
	*len += wlen;
	n[*len] = '\0';
	*s = n;
	return 0;
}

int
words_add_all(char **s, size_t *len, const char *list)
{
	const char *w;
	size_t n;

	while ((w = words_next(&list, &n)) != NULL)
		if (words_add(s, len, w, n) == -1)
			return -1;
	return 0;
}

int
words_union_word(struct buf *b, const char *w, size_t n)
{
	if (buf_add(b, "", 0) == -1)
		return -1;
	if (words_has(b->p, w, n))
		return 0;
	if ((b->len > 0 && buf_add(b, " ", 1) == -1) || buf_add(b, w, n) == -1)
		return -1;
	return 0;
}

int
words_union(struct buf *b, const char *list)
{
	const char *w;
	size_t n;

	if (buf_add(b, "", 0) == -1)
		return -1;
	while ((w = words_next(&list, &n)) != NULL)
		if (words_union_word(b, w, n) == -1)
			return -1;
	return 0;
}
