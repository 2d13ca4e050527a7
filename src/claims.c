/* Claim rules with typed equality, and claims rendered as headers. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "claims.h"

enum claims_op { OP_EQ, OP_HAS };

struct rule {
	char *path;
	enum claims_op op;
	char **values;
	size_t nvalues;
};

struct claims_rules {
	struct rule *v;
	size_t n;
};

struct header {
	char *path, *name;
};

struct claims_headers {
	struct header *v;
	size_t n;
};

/* The identity headers mcpauth sets itself (SPEC §7). */
static const char *const builtin[] = { "Subject", "Client-Id", "Scopes",
	"Issuer", "Audience", "Expires-At", "Claims" };

const cJSON *
claims_find(const cJSON *payload, const char *path)
{
	const cJSON *v;
	char name[CLAIMS_PATH_MAX + 1];
	const char *s = path, *dot;
	size_t n;

	if (!cJSON_IsObject(payload))
		return NULL;
	if ((v = cJSON_GetObjectItemCaseSensitive(payload, path)) != NULL)
		return v;
	if (strchr(path, '.') == NULL)
		return NULL;
	for (v = payload; v != NULL; s = dot + 1) {
		/* Only objects are walked: a path through an array finds none. */
		if (!cJSON_IsObject(v))
			return NULL;
		dot = strchr(s, '.');
		n = dot != NULL ? (size_t)(dot - s) : strlen(s);
		if (n == 0 || n > CLAIMS_PATH_MAX)
			return NULL;
		memcpy(name, s, n);
		name[n] = '\0';
		v = cJSON_GetObjectItemCaseSensitive(v, name);
		if (dot == NULL)
			return v;
	}
	return NULL;
}

/* A path: 1 to CLAIMS_PATH_MAX visible ASCII bytes, no empty segment. */
static int
valid_path(const char *p, const char **why)
{
	size_t i, n = strlen(p);

	*why = "a claim path is 1 to 256 visible ASCII characters without "
	    "';' and without an empty segment (\"a..b\", \".a\", \"a.\")";
	if (n == 0 || n > CLAIMS_PATH_MAX || p[0] == '.' || p[n - 1] == '.' ||
	    strstr(p, "..") != NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (p[i] <= 0x20 || p[i] >= 0x7f || p[i] == ';')
			return 0;
	return 1;
}

/* Does s have JSON's number grammar (RFC 8259 §6)? */
static int
json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (isdigit((unsigned char)*s))
		while (isdigit((unsigned char)*s))
			s++;
	else
		return 0;
	if (*s == '.') {
		if (!isdigit((unsigned char)*++s))
			return 0;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!isdigit((unsigned char)*s))
			return 0;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return *s == '\0';
}

/* Typed equality (SPEC §13): booleans, numbers, else strings. */
static int
equals(const cJSON *c, const char *v)
{
	if (strcmp(v, "true") == 0)
		return cJSON_IsTrue(c);
	if (strcmp(v, "false") == 0)
		return cJSON_IsFalse(c);
	if (json_number(v))
		return cJSON_IsNumber(c) && c->valuedouble == strtod(v, NULL);
	return cJSON_IsString(c) && strcmp(c->valuestring, v) == 0;
}

static int
holds(const struct rule *r, const cJSON *c)
{
	const cJSON *e;
	size_t i;

	for (i = 0; i < r->nvalues; i++) {
		if (r->op == OP_EQ && equals(c, r->values[i]))
			return 1;
		if (r->op == OP_HAS && cJSON_IsObject(c) &&
		    cJSON_GetObjectItemCaseSensitive(c, r->values[i]) != NULL)
			return 1;
		if (r->op == OP_HAS && cJSON_IsArray(c))
			cJSON_ArrayForEach(e, c)
				if (equals(e, r->values[i]))
					return 1;
	}
	return 0;
}

static void
rule_free(struct rule *r)
{
	size_t i;

	for (i = 0; i < r->nvalues; i++)
		free(r->values[i]);
	free(r->values);
	free(r->path);
}

/* Grow *rules by one zeroed rule; NULL if memory is short. */
static struct rule *
rule_new(struct claims_rules **rules)
{
	struct claims_rules *l = *rules;
	struct rule *n;

	if (l == NULL && (l = *rules = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	if ((n = realloc(l->v, (l->n + 1) * sizeof(*n))) == NULL)
		return NULL;
	l->v = n;
	memset(&n[l->n], 0, sizeof(*n));
	return &n[l->n++];
}

/* Fill r with a copy of path, op and values; -1 if memory is short. */
static int
rule_set(struct rule *r, const char *path, enum claims_op op,
    char *const *values, size_t n)
{
	size_t i;

	r->op = op;
	if ((r->path = strdup(path)) == NULL ||
	    (r->values = calloc(n, sizeof(*r->values))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if ((r->values[i] = strdup(values[i])) == NULL)
			return -1;
		r->nvalues++;
	}
	return 0;
}

int
claims_rule_add(struct claims_rules **rules, char **argv, int argc,
    char *err, size_t errlen)
{
	enum claims_op op;
	struct rule *r;
	const char *why;
	int i;

	if (argc < 3) {
		snprintf(err, errlen, "a claim rule is PATH = VALUE... or "
		    "PATH has VALUE...");
		return -1;
	}
	if (!valid_path(argv[0], &why)) {
		snprintf(err, errlen, "\"%.*s\": %s", CLAIMS_PATH_MAX, argv[0],
		    why);
		return -1;
	}
	if (strcmp(argv[1], "=") == 0)
		op = OP_EQ;
	else if (strcmp(argv[1], "has") == 0)
		op = OP_HAS;
	else {
		snprintf(err, errlen, "claim rule operator must be = or has, "
		    "got \"%.40s\"", argv[1]);
		return -1;
	}
	if (argc - 2 > CLAIMS_VALUES_MAX) {
		snprintf(err, errlen, "a claim rule has at most %d values",
		    CLAIMS_VALUES_MAX);
		return -1;
	}
	for (i = 2; i < argc; i++)
		if (strchr(argv[i], ';') != NULL) {
			snprintf(err, errlen, "claim rule value \"%.40s\" holds "
			    "';', which separates rules", argv[i]);
			return -1;
		}
	if ((r = rule_new(rules)) == NULL ||
	    rule_set(r, argv[0], op, argv + 2, (size_t)argc - 2) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
claims_rules_parse(struct claims_rules **rules, const char *text,
    char *err, size_t errlen)
{
	char *copy, *s, *end, *argv[CLAIMS_VALUES_MAX + 3];
	int argc, nrules = 0, rc = -1;

	if ((copy = strdup(text)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (s = copy; s != NULL; s = end) {
		if ((end = strchr(s, ';')) != NULL)
			*end++ = '\0';
		for (argc = 0; *s != '\0';) {
			s += strspn(s, " \t");
			if (*s == '\0')
				break;
			if (argc == CLAIMS_VALUES_MAX + 3) {
				snprintf(err, errlen, "a claim rule has at "
				    "most %d values", CLAIMS_VALUES_MAX);
				goto done;
			}
			argv[argc++] = s;
			s += strcspn(s, " \t");
			if (*s != '\0')
				*s++ = '\0';
		}
		if (argc == 0)
			continue;
		if (++nrules > CLAIMS_PARAM_RULES) {
			snprintf(err, errlen, "more than %d claim rules",
			    CLAIMS_PARAM_RULES);
			goto done;
		}
		if (claims_rule_add(rules, argv, argc, err, errlen) == -1)
			goto done;
	}
	rc = 0;
done:
	free(copy);
	return rc;
}

int
claims_rules_copy(struct claims_rules **dst, const struct claims_rules *src)
{
	struct rule *r;
	size_t i;

	claims_rules_free(*dst);
	*dst = NULL;
	for (i = 0; src != NULL && i < src->n; i++)
		if ((r = rule_new(dst)) == NULL ||
		    rule_set(r, src->v[i].path, src->v[i].op,
		    src->v[i].values, src->v[i].nvalues) == -1)
			return -1;
	return 0;
}

void
claims_rules_free(struct claims_rules *rules)
{
	size_t i;

	if (rules == NULL)
		return;
	for (i = 0; i < rules->n; i++)
		rule_free(&rules->v[i]);
	free(rules->v);
	free(rules);
}

/* "PATH OP V1 V2..." into out, cut to outlen. */
static void
rule_text(const struct rule *r, char *out, size_t outlen)
{
	size_t i, o;
	int n;

	n = snprintf(out, outlen, "%s %s", r->path, r->op == OP_EQ ? "=" :
	    "has");
	for (i = 0; n >= 0 && i < r->nvalues; i++) {
		o = strlen(out);
		if (o + 1 >= outlen)
			break;
		n = snprintf(out + o, outlen - o, " %s", r->values[i]);
	}
}

int
claims_rules_hold(const struct claims_rules *rules, const cJSON *payload,
    char *why, size_t whylen)
{
	const cJSON *c;
	char text[192];
	size_t i;

	for (i = 0; rules != NULL && i < rules->n; i++) {
		c = claims_find(payload, rules->v[i].path);
		if (c != NULL && holds(&rules->v[i], c))
			continue;
		rule_text(&rules->v[i], text, sizeof(text));
		snprintf(why, whylen, "claim rule \"%s\" is not met%s", text,
		    c == NULL ? " (no such claim)" : "");
		return 0;
	}
	return 1;
}

void
claims_rules_print(const struct claims_rules *rules, FILE *f,
    const char *indent)
{
	const struct rule *r;
	size_t i, j;

	for (i = 0; rules != NULL && i < rules->n; i++) {
		r = &rules->v[i];
		fprintf(f, "%srequire_claim %s %s", indent, r->path,
		    r->op == OP_EQ ? "=" : "has");
		for (j = 0; j < r->nvalues; j++)
			fprintf(f, " %s", r->values[j]);
		fputc('\n', f);
	}
}

static int
valid_name(const char *n)
{
	size_t i, len = strlen(n);

	if (len == 0 || len > CLAIMS_NAME_MAX || n[0] == '-' ||
	    n[len - 1] == '-')
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)n[i]) && n[i] != '-')
			return 0;
	return 1;
}

/* Header names compare as the authorizer's variables do: any case, - is _ */
static int
same_name(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (toupper((unsigned char)*a) != toupper((unsigned char)*b))
			return 0;
	return *a == *b;
}

int
claims_header_add(struct claims_headers **hp, const char *path,
    const char *name, char *err, size_t errlen)
{
	struct claims_headers *h = *hp;
	struct header *n;
	const char *why;
	size_t i;

	if (!valid_path(path, &why)) {
		snprintf(err, errlen, "\"%.*s\": %s", CLAIMS_PATH_MAX, path,
		    why);
		return -1;
	}
	if (!valid_name(name)) {
		snprintf(err, errlen, "claim header name \"%.80s\" must be 1 "
		    "to %d letters, digits and inner '-'", name,
		    CLAIMS_NAME_MAX);
		return -1;
	}
	for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (same_name(name, builtin[i])) {
			snprintf(err, errlen, "claim header name \"%s\" is "
			    "mcpauth's own X-Auth-%s", name, builtin[i]);
			return -1;
		}
	for (i = 0; h != NULL && i < h->n; i++)
		if (same_name(name, h->v[i].name)) {
			snprintf(err, errlen, "claim header name \"%s\" is "
			    "already used for claim %s", name, h->v[i].path);
			return -1;
		}
	if (h == NULL && (h = *hp = calloc(1, sizeof(*h))) == NULL)
		goto oom;
	if ((n = realloc(h->v, (h->n + 1) * sizeof(*n))) == NULL)
		goto oom;
	h->v = n;
	n = &h->v[h->n];
	n->path = strdup(path);
	n->name = strdup(name);
	if (n->path == NULL || n->name == NULL) {
		free(n->path);
		free(n->name);
		goto oom;
	}
	h->n++;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

int
claims_headers_copy(struct claims_headers **dst,
    const struct claims_headers *src)
{
	char err[256];
	size_t i;

	claims_headers_free(*dst);
	*dst = NULL;
	for (i = 0; src != NULL && i < src->n; i++)
		if (claims_header_add(dst, src->v[i].path, src->v[i].name, err,
		    sizeof(err)) == -1)
			return -1;
	return 0;
}

void
claims_headers_free(struct claims_headers *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->n; i++) {
		free(h->v[i].path);
		free(h->v[i].name);
	}
	free(h->v);
	free(h);
}

void
claims_headers_print(const struct claims_headers *h, FILE *f,
    const char *indent)
{
	size_t i;

	for (i = 0; h != NULL && i < h->n; i++)
		fprintf(f, "%sclaim_header %s %s\n", indent, h->v[i].path,
		    h->v[i].name);
}

size_t
claims_headers_count(const struct claims_headers *h)
{
	return h != NULL ? h->n : 0;
}

const char *
claims_header_path(const struct claims_headers *h, size_t i)
{
	return h->v[i].path;
}

/* A string as it is, a number or boolean as JSON; 0 for anything else. */
/* *full: out could not take it (too long, or memory short). */
static int
scalar(const cJSON *v, struct buf *out, int *full)
{
	char *s;
	int rc;

	if (cJSON_IsString(v))
		return (*full = buf_str(out, v->valuestring) == -1) ? 0 : 1;
	if (cJSON_IsBool(v))
		return (*full = buf_str(out, cJSON_IsTrue(v) ? "true" :
		    "false") == -1) ? 0 : 1;
	if (!cJSON_IsNumber(v))
		return 0;
	if ((s = cJSON_PrintUnformatted(v)) == NULL) {
		*full = 1;
		return 0;
	}
	rc = buf_str(out, s);
	free(s);
	return (*full = rc == -1) ? 0 : 1;
}

int
claims_header_render(const struct claims_headers *h, size_t i,
    const cJSON *payload, int authorizer, struct buf *name,
    struct buf *value, const char **why)
{
	const char *p;
	const cJSON *c, *e;
	int full = 0, first = 1;
	char ch;

	if (buf_str(name, authorizer ? "Variable-AUTH_" : "X-Auth-") == -1)
		return -1;
	for (p = h->v[i].name; *p != '\0'; p++) {
		ch = !authorizer ? *p : *p == '-' ? '_' :
		    (char)toupper((unsigned char)*p);
		if (buf_add(name, &ch, 1) == -1)
			return -1;
	}
	if (buf_str(value, "") == -1)
		return -1;
	if ((c = claims_find(payload, h->v[i].path)) == NULL)
		return 1;
	*why = "an object, null or a nested value is not passed on";
	if (cJSON_IsArray(c)) {
		cJSON_ArrayForEach(e, c) {
			if (!first && buf_str(value, " ") == -1) {
				full = 1;
				break;
			}
			first = 0;
			if (!scalar(e, value, &full))
				break;
		}
		if (e == NULL && !full)
			return 1;
	} else if (scalar(c, value, &full)) {
		return 1;
	}
	if (full)
		*why = "the value is longer than 4096 bytes";
	return 0;
}
