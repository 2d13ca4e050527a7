/* words: space-separated lists, the one home of scope-string handling. */
#include <stdlib.h>
#include <string.h>

#include "words.h"
#include "tap.h"

/* The words of list joined with '|', e.g. "a|bc". */
static const char *
split(const char *list)
{
	static char out[256];
	const char *w;
	size_t n, o = 0;

	out[0] = '\0';
	while ((w = words_next(&list, &n)) != NULL && o + n + 2 < sizeof(out)) {
		if (o > 0)
			out[o++] = '|';
		memcpy(out + o, w, n);
		o += n;
		out[o] = '\0';
	}
	return out;
}

int
main(void)
{
	static const struct {
		const char *list, *words;
	} splits[] = {
		{ "", "" }, { "   ", "" }, { "a", "a" }, { " a  b ", "a|b" },
		{ "read write", "read|write" }, { "a\tb", "a\tb" },
	};
	static const struct {
		const char *list, *w;
		int has;
	} has[] = {
		{ "read write", "read", 1 }, { "read write", "write", 1 },
		{ "read write", "rea", 0 }, { "read write", "read write", 0 },
		{ "", "read", 0 }, { "  read  ", "read", 1 },
	};
	static const struct {
		const char *a, *b, *out;
	} unions[] = {
		{ "", "", "" }, { "", " a b a ", "a b" }, { "a b", "b c", "a b c" },
		{ "a", "", "a" },
	};
	char *s = NULL;
	struct buf b;
	size_t i, len = 0;

	for (i = 0; i < sizeof(splits) / sizeof(splits[0]); i++)
		is_str(split(splits[i].list), splits[i].words, "words_next");
	for (i = 0; i < sizeof(has) / sizeof(has[0]); i++)
		is_int(words_has(has[i].list, has[i].w, strlen(has[i].w)),
		    has[i].has, "words_has");
	for (i = 0; i < sizeof(unions) / sizeof(unions[0]); i++) {
		buf_init(&b, 64);
		ok(words_union(&b, unions[i].a) == 0 &&
		    words_union(&b, unions[i].b) == 0, "words_union fits");
		is_str(b.p, unions[i].out, "words_union");
		buf_free(&b);
	}
	buf_init(&b, 4);
	is_int(words_union(&b, "abc def"), -1, "words_union past the limit");
	buf_free(&b);
	ok(words_add(&s, &len, "a", 1) == 0 && words_add_all(&s, &len,
	    " b  c ") == 0, "words_add, words_add_all");
	is_str(s, "a b c", "words_add joins with one space");
	is_int((long long)len, 5, "words_add keeps the length");
	free(s);
	return tap_done();
}
