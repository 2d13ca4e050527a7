/* operation_scopes rules and the required scopes of one request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcpop.h"
#include "scopeset.h"
#include "words.h"

/* Most rules one resource may have. */
#define MCPOP_MAX_RULES 1024

struct rule {
	char *method;
	char *name;		/* NULL: no name=; else the exact name or prefix */
	size_t namelen;
	int prefix;		/* name= ended in '*' */
	char *scopes;		/* space-separated, "" for none */
	int line;
};

struct mcpop {
	struct rule *r;
	size_t n;
	char *all;		/* every scope of every rule, each once */
};

/* 1 if a governs the same operation as method and name (n bytes). */
static int
same_target(const struct rule *a, const char *method, const char *name,
    size_t n, int prefix)
{
	if (strcmp(a->method, method) != 0 || (a->name == NULL) !=
	    (name == NULL))
		return 0;
	return name == NULL || (a->prefix == prefix && a->namelen == n &&
	    memcmp(a->name, name, n) == 0);
}

/* Recompute ops->all after a change. */
static int
union_all(struct mcpop *ops)
{
	struct buf b;
	size_t i;

	buf_init(&b, 65536);
	if (words_union(&b, "") == -1)
		goto fail;
	for (i = 0; i < ops->n; i++)
		if (words_union(&b, ops->r[i].scopes) == -1)
			goto fail;
	free(ops->all);
	ops->all = b.p;
	return 0;
fail:
	buf_free(&b);
	return -1;
}

static void
rule_free(struct rule *r)
{
	free(r->method);
	free(r->name);
	free(r->scopes);
}

/* Check the method word of a rule; 0, or -1 with err. */
static int
check_method(const char *m, char *err, size_t errlen)
{
	size_t i, n = strlen(m);

	for (i = 0; i < n; i++)
		if ((unsigned char)m[i] < 0x21 || (unsigned char)m[i] > 0x7e)
			break;
	if (n == 0 || n > MCPHDR_METHOD_MAX || i < n ||
	    strchr(m, '=') != NULL) {
		snprintf(err, errlen, "operation_scopes needs a method first "
		    "(1-128 visible ASCII bytes, no '='), got \"%.40s\"", m);
		return -1;
	}
	return 0;
}

int
mcpop_add(struct mcpop **ops, char **argv, int argc, int line, char *err,
    size_t errlen)
{
	struct rule nr = { 0 }, *v;
	const char *why, *name = NULL;
	struct buf sc;
	size_t i, n = 0;
	int a = 1, prefix = 0, full;

	if (check_method(argv[0], err, errlen) == -1)
		return -1;
	if (argc > 1 && strncmp(argv[1], "name=", 5) == 0) {
		name = argv[1] + 5;
		n = strlen(name);
		if (n == 0 || n > MCPHDR_NAME_MAX) {
			snprintf(err, errlen, "name= needs a name, or a prefix "
			    "ending in '*', of at most %d bytes",
			    MCPHDR_NAME_MAX);
			return -1;
		}
		if (!mcphdr_named(argv[0])) {
			snprintf(err, errlen, "name= applies only to "
			    "tools/call, resources/read and prompts/get, whose "
			    "Mcp-Name the server checks; not to %s", argv[0]);
			return -1;
		}
		if ((prefix = name[n - 1] == '*'))
			n--;
		a = 2;
	}
	for (i = (size_t)a; i < (size_t)argc; i++)
		if (!scopeset_valid(argv[i], strlen(argv[i]), &why)) {
			snprintf(err, errlen, "%s: %s", argv[i], why);
			return -1;
		}
	for (i = 0; *ops != NULL && i < (*ops)->n; i++)
		if (same_target(&(*ops)->r[i], argv[0], name, n, prefix)) {
			snprintf(err, errlen, "operation_scopes %s%s%s is "
			    "already set on line %d", argv[0], name ? " " : "",
			    name ? argv[1] : "", (*ops)->r[i].line);
			return -1;
		}
	buf_init(&sc, 65536);
	full = words_union(&sc, "");
	for (i = (size_t)a; full == 0 && i < (size_t)argc; i++)
		full = words_union_word(&sc, argv[i], strlen(argv[i]));
	nr.scopes = sc.p;	/* rule_free frees it on failure */
	nr.line = line;
	nr.prefix = prefix;
	nr.namelen = n;
	if (full == -1 || (nr.method = strdup(argv[0])) == NULL ||
	    (name != NULL && (nr.name = strndup(name, n)) == NULL))
		goto fail;
	if (*ops == NULL && (*ops = calloc(1, sizeof(**ops))) == NULL)
		goto fail;
	if ((*ops)->n >= MCPOP_MAX_RULES) {
		rule_free(&nr);
		snprintf(err, errlen, "more than %d operation_scopes rules",
		    MCPOP_MAX_RULES);
		return -1;
	}
	if ((v = realloc((*ops)->r, ((*ops)->n + 1) * sizeof(*v))) == NULL)
		goto fail;
	(*ops)->r = v;
	v[(*ops)->n++] = nr;
	return union_all(*ops) == -1 ? (snprintf(err, errlen,
	    "out of memory"), -1) : 0;
fail:
	rule_free(&nr);
	snprintf(err, errlen, "out of memory");
	return -1;
}

int
mcpop_copy(struct mcpop **dst, const struct mcpop *src)
{
	struct rule *r, *s;
	size_t i;

	*dst = NULL;
	if (src == NULL)
		return 0;
	if ((*dst = calloc(1, sizeof(**dst))) == NULL ||
	    ((*dst)->r = calloc(src->n, sizeof(*r))) == NULL)
		goto fail;
	for (i = 0; i < src->n; i++) {
		s = &src->r[i];
		r = &(*dst)->r[i];
		(*dst)->n++;
		*r = *s;
		r->method = strdup(s->method);
		r->scopes = strdup(s->scopes);
		r->name = s->name != NULL ? strndup(s->name, s->namelen) : NULL;
		if (r->method == NULL || r->scopes == NULL ||
		    (s->name != NULL && r->name == NULL))
			goto fail;
	}
	if (((*dst)->all = strdup(src->all)) == NULL)
		goto fail;
	return 0;
fail:
	mcpop_free(*dst);
	*dst = NULL;
	return -1;
}

void
mcpop_free(struct mcpop *ops)
{
	size_t i;

	if (ops == NULL)
		return;
	for (i = 0; i < ops->n; i++)
		rule_free(&ops->r[i]);
	free(ops->r);
	free(ops->all);
	free(ops);
}

void
mcpop_print(const struct mcpop *ops, FILE *f, const char *indent)
{
	const struct rule *r;
	size_t i;

	for (i = 0; ops != NULL && i < ops->n; i++) {
		r = &ops->r[i];
		fprintf(f, "%soperation_scopes %s", indent, r->method);
		if (r->name != NULL)
			fprintf(f, " name=%s%s", r->name, r->prefix ? "*" : "");
		fprintf(f, "%s%s\n", *r->scopes ? " " : "", r->scopes);
	}
}

const char *
mcpop_scopes(const struct mcpop *ops, const struct mcphdr *h)
{
	const struct rule *r, *exact = NULL, *pre = NULL, *any = NULL;
	size_t i;

	if (ops == NULL)
		return "";
	if (!h->verifiable)
		return ops->all;
	for (i = 0; i < ops->n; i++) {
		r = &ops->r[i];
		if (strcmp(r->method, h->method) != 0)
			continue;
		if (r->name == NULL)
			any = r;
		else if (!h->has_name)
			continue;
		else if (!r->prefix && r->namelen == h->namelen &&
		    memcmp(r->name, h->name, r->namelen) == 0)
			exact = r;
		else if (r->prefix && r->namelen <= h->namelen &&
		    memcmp(r->name, h->name, r->namelen) == 0 &&
		    (pre == NULL || r->namelen > pre->namelen))
			pre = r;
	}
	r = exact != NULL ? exact : pre != NULL ? pre : any;
	return r != NULL ? r->scopes : "";
}

int
mcpop_required(const struct mcpop *ops, const char *base,
    const struct mcphdr *h, struct buf *out, const char **why)
{
	if (words_has(base, "offline_access", 14)) {
		*why = "the required scopes name offline_access, which is "
		    "never a resource requirement";
		return -1;
	}
	if (words_union(out, base) == -1 ||
	    words_union(out, mcpop_scopes(ops, h)) == -1)
		goto fail;
	return 0;
fail:
	*why = "the required scopes are too long";
	return -1;
}
