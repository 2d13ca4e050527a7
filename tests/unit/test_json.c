/* Strict JSON: duplicates, depth, size and NUL bytes are refused. */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tap.h"

static const char *
refusal(const char *text, size_t maxlen, int depth)
{
	const char *why = NULL;
	cJSON *v = json_parse(text, strlen(text), maxlen, depth, &why);

	if (v != NULL) {
		cJSON_Delete(v);
		return "accepted";
	}
	return why;
}

/* n nested arrays around 1. */
static char *
nested(int n)
{
	char *s = malloc((size_t)n * 2 + 2);
	int i;

	for (i = 0; i < n; i++) {
		s[i] = '[';
		s[n + 1 + i] = ']';
	}
	s[n] = '1';
	s[2 * n + 1] = '\0';
	return s;
}

int
main(void)
{
	char many[4096], *deep;
	long long d;
	size_t o;
	cJSON *v;
	int i;

	is_str(refusal("{\"a\":1,\"b\":2}", 100, 32), "accepted", "plain");
	is_str(refusal("{\"a\":1,\"a\":2}", 100, 32),
	    "duplicate member name in JSON object", "duplicate");
	is_str(refusal("{\"x\":[{\"a\":1,\"b\":{\"a\":1},\"a\":2}]}", 100, 32),
	    "duplicate member name in JSON object", "nested duplicate");
	is_str(refusal("{\"A\":1,\"a\":2}", 100, 32), "accepted",
	    "names differ in case");
	/* Past 16 members the check sorts; duplicates are still found. */
	o = (size_t)snprintf(many, sizeof(many), "{");
	for (i = 0; i < 40; i++)
		o += (size_t)snprintf(many + o, sizeof(many) - o, "\"k%d\":%d,",
		    i, i);
	snprintf(many + o, sizeof(many) - o, "\"k7\":0}");
	is_str(refusal(many, sizeof(many), 32),
	    "duplicate member name in JSON object", "duplicate among many");
	is_str(refusal("{\"a\":1}x", 100, 32), "malformed JSON",
	    "trailing data");
	is_str(refusal("{\"a\":1", 100, 32), "malformed JSON", "truncated");
	is_str(refusal("{\"a\":\"]]]]\"}", 100, 1), "accepted",
	    "brackets in strings do not count");
	is_str(refusal("{\"a\":1}", 6, 32), "JSON text is too large",
	    "size limit");
	deep = nested(32);
	is_str(refusal(deep, 1000, 32), "accepted", "32 levels accepted");
	free(deep);
	deep = nested(33);
	is_str(refusal(deep, 1000, 32), "JSON nests too deeply",
	    "33 levels refused");
	free(deep);
	{
		const char *why = NULL;
		v = json_parse("{\"a\":\"b\0c\"}", 11, 100, 32, &why);
		ok(v == NULL, "NUL byte refused");
		is_str(why, "JSON text contains a NUL byte", "NUL reason");
	}
	is_str(refusal("{\"aud\":\"https://r\\u0000.evil\"}", 100, 32),
	    "JSON text contains a NUL byte", "escaped NUL refused");
	is_str(refusal("{\"a\":\"x\\\\u0000\"}", 100, 32), "accepted",
	    "escaped backslash before u0000 is no NUL");
	v = cJSON_Parse("[1700000000.9, -1, 9007199254740992, "
	    "9007199254740993, \"5\", 1e300, 9007199254740991]");
	ok(json_date(cJSON_GetArrayItem(v, 0), &d) == 0 && d == 1700000000,
	    "fraction truncated");
	is_int(json_date(cJSON_GetArrayItem(v, 1), &d), -1, "negative");
	is_int(json_date(cJSON_GetArrayItem(v, 2), &d), -1, "2^53 refused");
	is_int(json_date(cJSON_GetArrayItem(v, 3), &d), -1,
	    "2^53 + 1, which a double rounds to 2^53, refused");
	is_int(json_date(cJSON_GetArrayItem(v, 4), &d), -1, "string");
	is_int(json_date(cJSON_GetArrayItem(v, 5), &d), -1, "1e300");
	ok(json_date(cJSON_GetArrayItem(v, 6), &d) == 0 &&
	    d == 9007199254740991LL, "2^53 - 1 accepted");
	cJSON_Delete(v);
	v = cJSON_Parse("{\"Sub\":\"x\",\"n\":1}");
	ok(json_string(v, "sub") == NULL, "member names are case-sensitive");
	ok(json_string(v, "n") == NULL, "a number is not a string");
	cJSON_Delete(v);
	return tap_done();
}
