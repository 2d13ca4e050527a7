/* HTTP request in, CGI parameters; CGI response out, HTTP parts. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "httpmap.h"
#include "num.h"

/* Longest header name mapped; longer ones are dropped. */
#define HEADER_NAME_MAX 256

struct param {
	char *name, *value;
};

struct httpmap {
	struct param v[HTTPMAP_PARAMS_MAX];
	size_t n;
	size_t head;		/* bytes of the request head seen */
	char *method;		/* this request's own method */
	const char *why;
};

/* The policy query of /auth: its names and the parameters they set. */
static const char *const policy[][2] = {
	{ "resource", "MCPAUTH_RESOURCE" },
	{ "scopes", "MCPAUTH_REQUIRED_SCOPES" },
	{ "claims", "MCPAUTH_REQUIRE_CLAIMS" },
};

struct httpmap *
httpmap_new(void)
{
	return calloc(1, sizeof(struct httpmap));
}

void
httpmap_free(struct httpmap *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].value);
	}
	free(m->method);
	free(m);
}

const char *
httpmap_why(const struct httpmap *m)
{
	return m->why != NULL ? m->why : "";
}

static struct param *
find(struct httpmap *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->v[i].name, name) == 0)
			return &m->v[i];
	return NULL;
}

static const char *
param_of(const struct request *r, const char *name)
{
	const struct param *p = find(r->ctx, name);

	return p != NULL ? p->value : NULL;
}

/* Add name=value (both copied, value vlen bytes); -1 if out of room. */
static int
add(struct httpmap *m, const char *name, size_t nlen, const char *value,
    size_t vlen)
{
	struct param *p;

	if (m->n == HTTPMAP_PARAMS_MAX)
		return -1;
	p = &m->v[m->n];
	if ((p->name = malloc(nlen + 1)) == NULL ||
	    (p->value = malloc(vlen + 1)) == NULL) {
		free(p->name);
		p->name = NULL;
		return -1;
	}
	memcpy(p->name, name, nlen);
	p->name[nlen] = '\0';
	memcpy(p->value, value, vlen);
	p->value[vlen] = '\0';
	m->n++;
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode s[0..n) into out (at least n bytes), '+' as a space
 * when plus is set (form encoding, the query).  Returns the decoded
 * length, or -1 for a bad escape or a NUL.
 */
static long
decode(const char *s, size_t n, char *out, int plus)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (n - i < 3 || (hi = hexval(s[i + 1])) < 0 ||
			    (lo = hexval(s[i + 2])) < 0 || (hi | lo) == 0)
				return -1;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (s[i] == '+' && plus)
			out[o++] = ' ';
		else
			out[o++] = s[i];
	}
	return (long)o;
}

/* One name=value piece of the policy query; 0, or -1 with m->why. */
static int
policy_param(struct httpmap *m, const char *s, size_t n, char *tmp)
{
	const char *eq = memchr(s, '=', n);
	size_t klen = eq != NULL ? (size_t)(eq - s) : n, i;
	long vlen;

	for (i = 0; i < sizeof(policy) / sizeof(policy[0]); i++)
		if (strlen(policy[i][0]) == klen &&
		    memcmp(policy[i][0], s, klen) == 0)
			break;
	if (i == sizeof(policy) / sizeof(policy[0])) {
		m->why = "the policy query of /auth has a parameter other "
		    "than resource, scopes and claims";
		return -1;
	}
	if (find(m, policy[i][1]) != NULL) {
		m->why = "the policy query of /auth repeats a parameter";
		return -1;
	}
	vlen = eq != NULL ? decode(eq + 1, n - klen - 1, tmp, 1) : 0;
	if (vlen < 0) {
		m->why = "the policy query of /auth has a bad %-escape or a "
		    "NUL";
		return -1;
	}
	if (add(m, policy[i][1], strlen(policy[i][1]), tmp,
	    (size_t)vlen) == -1) {
		m->why = "out of memory";
		return -1;
	}
	return 0;
}

static int
policy_query(struct httpmap *m, const char *q, char *tmp)
{
	size_t n;

	for (; *q != '\0'; q += n + (q[n] == '&')) {
		n = strcspn(q, "&");
		if (n > 0 && policy_param(m, q, n, tmp) == -1)
			return -1;
	}
	return 0;
}

int
httpmap_target(struct httpmap *m, const char *method, const char *target)
{
	size_t tlen = strlen(target), plen = strcspn(target, "?");
	char *tmp;
	long dlen;
	int status = 0;

	m->head = strlen(method) + tlen + 12;	/* " ", " HTTP/1.1\r\n" */
	if (m->head > HTTPMAP_HEAD_MAX) {
		m->why = "the request head is too large";
		return 431;
	}
	if (target[0] != '/') {
		m->why = "the request target is not a path";
		return 400;
	}
	if ((tmp = malloc(tlen + 1)) == NULL) {
		m->why = "out of memory";
		return 500;
	}
	if ((dlen = decode(target, plen, tmp, 0)) < 0) {
		m->why = "the request path has a bad %-escape or a NUL";
		status = 400;
	} else if (add(m, "DOCUMENT_URI", 12, tmp, (size_t)dlen) == -1 ||
	    add(m, "REQUEST_URI", 11, target, tlen) == -1 ||
	    (m->method = strdup(method)) == NULL) {
		m->why = "out of memory";
		status = 500;
	} else if (strcmp(m->v[0].value, "/auth") == 0 &&
	    target[plen] == '?' && policy_query(m, target + plen + 1,
	    tmp) == -1)
		status = 500;
	free(tmp);
	return status;
}

int
httpmap_header(struct httpmap *m, const char *name, const char *value)
{
	size_t nlen = strlen(name), vlen = strlen(value), i, olen;
	char cgi[5 + HEADER_NAME_MAX + 1];	/* "HTTP_", the name, NUL */
	struct param *p;
	char *joined;
	int plain = 1;

	m->head += nlen + vlen + 4;
	if (m->head > HTTPMAP_HEAD_MAX) {
		m->why = "the request head is too large";
		return 431;
	}
	if (nlen == 0 || nlen > HEADER_NAME_MAX)
		return 0;	/* no web server would pass it on */
	/* CGI: Content-Type and Content-Length lose the HTTP_ prefix. */
	if (strcasecmp(name, "Content-Type") == 0 ||
	    strcasecmp(name, "Content-Length") == 0)
		plain = 0;
	else
		memcpy(cgi, "HTTP_", 5);
	for (i = 0; i < nlen; i++) {
		char c = name[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (c == '-')
			c = '_';
		else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return 0;	/* '_' and the rest: dropped */
		cgi[(plain ? 5 : 0) + i] = c;
	}
	nlen += plain ? 5 : 0;
	cgi[nlen] = '\0';
	if ((p = find(m, cgi)) == NULL) {
		/* One slot stays free for REQUEST_METHOD. */
		if (m->n + 1 >= HTTPMAP_PARAMS_MAX) {
			m->why = "too many header fields";
			return 431;
		}
		if (add(m, cgi, nlen, value, vlen) == 0)
			return 0;
		m->why = "out of memory";
		return 500;
	}
	olen = strlen(p->value);
	if ((joined = realloc(p->value, olen + 2 + vlen + 1)) == NULL) {
		m->why = "out of memory";
		return 500;
	}
	memcpy(joined + olen, ", ", 2);
	memcpy(joined + olen + 2, value, vlen + 1);
	p->value = joined;
	return 0;
}

int
httpmap_request(struct httpmap *m, struct request *req)
{
	const struct param *orig = find(m, "HTTP_X_ORIGINAL_METHOD");
	const struct param *fwd = find(m, "HTTP_X_FORWARDED_METHOD");
	const struct param *uri = find(m, "HTTP_X_ORIGINAL_URI");
	const char *method = orig != NULL ? orig->value :
	    fwd != NULL ? fwd->value : m->method;
	struct param *p;
	char *copy;

	if (orig != NULL && fwd != NULL && strcmp(orig->value, fwd->value) != 0)
		method = NULL;
	if (method != NULL &&
	    add(m, "REQUEST_METHOD", 14, method, strlen(method)) == -1) {
		m->why = "out of memory";
		return 500;
	}
	if (uri == NULL)
		uri = find(m, "HTTP_X_FORWARDED_URI");
	if (uri != NULL && (p = find(m, "REQUEST_URI")) != NULL) {
		if ((copy = strdup(uri->value)) == NULL) {
			m->why = "out of memory";
			return 500;
		}
		free(p->value);
		p->value = copy;
	}
	req->param = param_of;
	req->ctx = m;
	req->authorizer = 0;
	req->cgi = 0;
	return 0;
}

/* The next line of [*p, end): returns it NUL-terminated, moves *p on. */
static char *
next_line(char **p, char *end)
{
	char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));

	if (nl == NULL)
		return NULL;
	*p = nl + 1;
	if (nl > s && nl[-1] == '\r')
		nl--;
	*nl = '\0';
	return s;
}

int
httpmap_response(char *p, size_t len, struct httpmap_response *out)
{
	char *end = p + len, *line, *colon, *v;
	long long status;
	char code[4];

	memset(out, 0, sizeof(*out));
	if ((line = next_line(&p, end)) == NULL ||
	    strncmp(line, "Status: ", 8) != 0 || strlen(line) < 11 ||
	    (line[11] != '\0' && line[11] != ' '))
		return -1;
	memcpy(code, line + 8, 3);
	code[3] = '\0';
	if (num_parse(code, 100, 599, &status) == -1)
		return -1;
	out->status = (int)status;
	for (;;) {
		if ((line = next_line(&p, end)) == NULL)
			return -1;
		if (*line == '\0')
			break;
		if ((colon = strchr(line, ':')) == NULL || colon == line ||
		    out->nheaders == HTTPMAP_RESPONSE_HEADERS)
			return -1;
		*colon = '\0';
		for (v = colon + 1; *v == ' '; v++)
			;
		out->name[out->nheaders] = line;
		out->value[out->nheaders++] = v;
	}
	out->body = p;
	out->body_len = (size_t)(end - p);
	return 0;
}
