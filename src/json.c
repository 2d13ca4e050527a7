/*
 * Strict JSON: cJSON parses, we refuse what it lets through that a
 * verifier must not accept (duplicate names, deep nesting, NUL bytes).
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"

/*
 * Scan the text before cJSON does: the nesting depth of brackets outside
 * strings, and "\u0000" escapes, which cJSON would turn into a NUL that
 * silently cuts a C string short ("aud":"https://r\u0000.evil").
 * Returns NULL, or why the text is refused.
 */
static const char *
prescan(const char *s, size_t len, int max)
{
	int d = 0, instr = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];
		if (instr) {
			if (c == '\\') {
				if (len - i > 5 && memcmp(s + i + 1, "u0000", 5)
				    == 0)
					return "JSON text contains a NUL byte";
				i++;
			} else if (c == '"') {
				instr = 0;
			}
		} else if (c == '"') {
			instr = 1;
		} else if (c == '{' || c == '[') {
			if (++d > max)
				return "JSON nests too deeply";
		} else if (c == '}' || c == ']') {
			d--;
		}
	}
	return NULL;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 1 if any object in the tree has two members of the same name. */
static int
has_duplicates(const cJSON *v)
{
	const char *small[16], **names;
	const cJSON *c;
	size_t n = 0, i, j;
	int dup = 0;

	for (c = v->child; c != NULL; c = c->next) {
		n++;
		if ((cJSON_IsObject(c) || cJSON_IsArray(c)) &&
		    has_duplicates(c))
			return 1;
	}
	if (!cJSON_IsObject(v) || n < 2)
		return 0;
	if (n <= 16) {
		/* Few names: compare pairwise, no allocation. */
		for (c = v->child, i = 0; c != NULL; c = c->next)
			small[i++] = c->string;
		for (i = 0; i < n && !dup; i++)
			for (j = i + 1; j < n && !dup; j++)
				dup = strcmp(small[i], small[j]) == 0;
		return dup;
	}
	/* Many names: sort so the check stays O(n log n) on hostile input. */
	if ((names = malloc(n * sizeof(*names))) == NULL)
		return 1;
	for (c = v->child, i = 0; c != NULL; c = c->next)
		names[i++] = c->string;
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 1; i < n && !dup; i++)
		dup = strcmp(names[i - 1], names[i]) == 0;
	free(names);
	return dup;
}

cJSON *
json_parse(const char *text, size_t len, size_t maxlen, int maxdepth,
    const char **why)
{
	char stackbuf[4096], *buf = stackbuf;
	const char *end = NULL;
	cJSON *v = NULL;

	if (len > maxlen) {
		*why = "JSON text is too large";
		goto done;
	}
	if (memchr(text, '\0', len) != NULL) {
		*why = "JSON text contains a NUL byte";
		goto done;
	}
	if ((*why = prescan(text, len, maxdepth)) != NULL)
		goto done;
	/* cJSON wants a NUL-terminated string to refuse trailing data. */
	if (len >= sizeof(stackbuf) && (buf = malloc(len + 1)) == NULL) {
		*why = "out of memory";
		goto done;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	if ((v = cJSON_ParseWithOpts(buf, &end, 1)) == NULL) {
		*why = "malformed JSON";
		goto done;
	}
	if (has_duplicates(v)) {
		*why = "duplicate member name in JSON object";
		cJSON_Delete(v);
		v = NULL;
	}
done:
	if (buf != stackbuf)
		free(buf);
	return v;
}

cJSON *
json_string_n(const char *s, size_t n)
{
	cJSON *v;
	char *c;

	if ((c = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(c, s, n);
	c[n] = '\0';
	v = cJSON_CreateString(c);
	free(c);
	return v;
}

const char *
json_string(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int
json_date(const cJSON *v, long long *out)
{
	double d;

	if (!cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	/*
	 * Below 2^53 doubles are exact integers; any text past 2^53 rounds
	 * to 2^53 or more, so refusing 2^53 refuses every such trick.
	 */
	if (!(d >= 0 && d < 9007199254740992.0))
		return -1;
	*out = (long long)d;
	return 0;
}
