/*
 * Claim rules: MCPAUTH_REQUIRE_CLAIMS text (the first line) parsed and
 * checked against a payload (the rest, JSON), and the claim at each
 * rule's path rendered as a header; the contracts of claims.h checked.
 */
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "fuzz.h"
#include "json.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* The claim at path rendered as a header: its contract holds. */
static void
render(const cJSON *payload, const char *path)
{
	struct claims_headers *h = NULL;
	struct buf name, value;
	const char *why = NULL;
	char err[256];
	int rc;

	if (claims_header_add(&h, path, "X", err, sizeof(err)) == -1)
		return;
	buf_init(&name, CLAIMS_NAME_MAX + 32);
	buf_init(&value, CLAIMS_VALUE_MAX);
	rc = claims_header_render(h, 0, payload, 1, &name, &value, &why);
	if (rc == 1 && (value.p == NULL || strlen(value.p) > CLAIMS_VALUE_MAX))
		abort();
	if (rc == 0 && why == NULL)
		abort();
	buf_free(&name);
	buf_free(&value);
	claims_headers_free(h);
}

/* Render the path of each rule of text (its first word); text is cut. */
static void
render_paths(const cJSON *payload, char *text)
{
	char *s, *end, *w;

	for (s = text; s != NULL; s = end) {
		if ((end = strchr(s, ';')) != NULL)
			*end++ = '\0';
		s += strspn(s, " \t");
		if (*s == '\0')
			continue;
		w = s;
		s += strcspn(s, " \t");
		*s = '\0';
		render(payload, w);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size), *why;
	struct claims_rules *rules = NULL, *copy = NULL;
	char *text, err[256], reason[256];
	cJSON *payload = NULL;
	size_t n = nl != NULL ? (size_t)(nl - (const char *)data) : size;
	int h1, h2;

	if ((text = malloc(n + 1)) == NULL)
		return 0;
	memcpy(text, data, n);
	text[n] = '\0';
	if (memchr(text, '\0', n) != NULL || claims_rules_parse(&rules, text,
	    err, sizeof(err)) == -1)
		goto done;
	if (nl != NULL)
		payload = json_parse(nl + 1, size - n - 1, 65536,
		    JSON_MAX_DEPTH, &why);
	if (payload == NULL)
		goto done;
	reason[0] = '\0';
	h1 = claims_rules_hold(rules, payload, reason, sizeof(reason));
	if ((h1 != 0 && h1 != 1) || (h1 == 0 && reason[0] == '\0'))
		abort();
	/* A copy decides the same. */
	if (claims_rules_copy(&copy, rules) == 0) {
		h2 = claims_rules_hold(copy, payload, reason, sizeof(reason));
		if (h1 != h2)
			abort();
	}
	render_paths(payload, text);
done:
	cJSON_Delete(payload);
	claims_rules_free(rules);
	claims_rules_free(copy);
	free(text);
	return 0;
}
