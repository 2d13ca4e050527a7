/* Scope hierarchies, kept transitively closed at load time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scopeset.h"
#include "words.h"

/* Most scopes one set may name; config lines bound it well below. */
#define SCOPESET_MAX 4096

struct entry {
	char *scope;
	char **implied;		/* closed: every scope reachable */
	size_t n;
};

struct scopeset {
	struct entry *e;
	size_t n;
};

int
scopeset_valid(const char *w, size_t n, const char **why)
{
	size_t i;

	if (n == 0) {
		*why = "empty scope";
		return 0;
	}
	for (i = 0; i < n; i++) {
		if ((unsigned char)w[i] < 0x21 || (unsigned char)w[i] > 0x7e ||
		    w[i] == '"' || w[i] == '\\') {
			*why = "a scope holds a character outside RFC 6749 "
			    "scope-token";
			return 0;
		}
	}
	if (n == 14 && memcmp(w, "offline_access", 14) == 0) {
		*why = "offline_access asks for refresh tokens and is never "
		    "a resource requirement";
		return 0;
	}
	return 1;
}

static struct entry *
find(const struct scopeset *s, const char *scope, size_t n)
{
	size_t i;

	for (i = 0; s != NULL && i < s->n; i++)
		if (strlen(s->e[i].scope) == n &&
		    memcmp(s->e[i].scope, scope, n) == 0)
			return &s->e[i];
	return NULL;
}

static int
implies(const struct entry *e, const char *scope)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (strcmp(e->implied[i], scope) == 0)
			return 1;
	return 0;
}

/* Add scope to e's list unless it is there, or is e's own scope. */
static int
add_implied(struct entry *e, const char *scope, int *changed)
{
	char **v;

	if (strcmp(e->scope, scope) == 0 || implies(e, scope))
		return 0;
	if (e->n >= SCOPESET_MAX ||
	    (v = realloc(e->implied, (e->n + 1) * sizeof(*v))) == NULL)
		return -1;
	e->implied = v;
	if ((v[e->n] = strdup(scope)) == NULL)
		return -1;
	e->n++;
	*changed = 1;
	return 0;
}

/* The entry for scope, made if missing. */
static struct entry *
entry(struct scopeset *s, const char *scope)
{
	struct entry *e;

	if ((e = find(s, scope, strlen(scope))) != NULL)
		return e;
	if (s->n >= SCOPESET_MAX ||
	    (e = realloc(s->e, (s->n + 1) * sizeof(*e))) == NULL)
		return NULL;
	s->e = e;
	e = &s->e[s->n];
	memset(e, 0, sizeof(*e));
	if ((e->scope = strdup(scope)) == NULL)
		return NULL;
	s->n++;
	return e;
}

/* Close the relation: whatever an implied scope implies, e implies. */
static int
close_set(struct scopeset *s)
{
	struct entry *f;
	size_t i, j, k;
	int changed = 1;

	while (changed) {
		changed = 0;
		for (i = 0; i < s->n; i++)
			for (j = 0; j < s->e[i].n; j++) {
				if ((f = find(s, s->e[i].implied[j],
				    strlen(s->e[i].implied[j]))) == NULL)
					continue;
				for (k = 0; k < f->n; k++)
					if (add_implied(&s->e[i], f->implied[k],
					    &changed) == -1)
						return -1;
			}
	}
	return 0;
}

int
scopeset_add(struct scopeset **s, const char *scope, char **implied,
    size_t n, char *err, size_t errlen)
{
	const char *why;
	struct entry *e;
	size_t i;
	int changed = 0;

	if (!scopeset_valid(scope, strlen(scope), &why)) {
		snprintf(err, errlen, "%s: %s", scope, why);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!scopeset_valid(implied[i], strlen(implied[i]), &why)) {
			snprintf(err, errlen, "%s: %s", implied[i], why);
			return -1;
		}
	if (*s == NULL && (*s = calloc(1, sizeof(**s))) == NULL)
		goto fail;
	if ((e = entry(*s, scope)) == NULL)
		goto fail;
	for (i = 0; i < n; i++)
		if (add_implied(e, implied[i], &changed) == -1)
			goto fail;
	if (close_set(*s) == -1)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "out of memory");
	return -1;
}

int
scopeset_copy(struct scopeset **dst, const struct scopeset *src)
{
	char err[64];
	size_t i;

	*dst = NULL;
	for (i = 0; src != NULL && i < src->n; i++)
		if (scopeset_add(dst, src->e[i].scope, src->e[i].implied,
		    src->e[i].n, err, sizeof(err)) == -1) {
			scopeset_free(*dst);
			*dst = NULL;
			return -1;
		}
	return 0;
}

void
scopeset_free(struct scopeset *s)
{
	size_t i, j;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		for (j = 0; j < s->e[i].n; j++)
			free(s->e[i].implied[j]);
		free(s->e[i].implied);
		free(s->e[i].scope);
	}
	free(s->e);
	free(s);
}

int
scopeset_holds(const struct scopeset *s, const char *granted,
    const char *scope, size_t n)
{
	const char *g;
	struct entry *e;
	size_t k, j;

	if (words_has(granted, scope, n))
		return 1;
	while (s != NULL && (g = words_next(&granted, &k)) != NULL) {
		if ((e = find(s, g, k)) == NULL)
			continue;
		for (j = 0; j < e->n; j++)
			if (strlen(e->implied[j]) == n &&
			    memcmp(e->implied[j], scope, n) == 0)
				return 1;
	}
	return 0;
}

void
scopeset_print(const struct scopeset *s, FILE *f, const char *indent)
{
	size_t i, j;

	for (i = 0; s != NULL && i < s->n; i++) {
		if (s->e[i].n == 0)
			continue;
		fprintf(f, "%sscope_implies %s", indent, s->e[i].scope);
		for (j = 0; j < s->e[i].n; j++)
			fprintf(f, " %s", s->e[i].implied[j]);
		fputc('\n', f);
	}
}
