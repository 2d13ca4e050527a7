/* bearer_parse: the token of an Authorization value (SPEC §7). */
#include <stdio.h>
#include <string.h>

#include "bearer.h"
#include "tap.h"

#define NONE BEARER_NONE, NULL, NULL
#define BAD(why) BEARER_BAD, NULL, why
#define TOKEN(t) BEARER_TOKEN, t, NULL

static const char no_token[] = "the Bearer credentials hold no token";
static const char two[] = "the Bearer credentials hold more than one token";
static const char chars[] = "the Bearer token has characters outside RFC "
    "6750 b64token";

static const struct {
	const char *value;	/* NULL: no Authorization at all */
	enum bearer_result result;
	const char *token;	/* BEARER_TOKEN: the token */
	const char *why;	/* BEARER_BAD: the reason */
} cases[] = {
	{ NULL, NONE },
	{ "", NONE },
	{ "Basic dXNlcjpwYXNz", NONE },
	{ "Bearerabc", NONE },
	{ "Bear abc", NONE },
	{ "Bearer abc", TOKEN("abc") },
	{ "bearer abc", TOKEN("abc") },
	{ "BEARER abc", TOKEN("abc") },
	{ " \tBearer \t abc \t ", TOKEN("abc") },
	{ "Bearer\tabc", TOKEN("abc") },
	{ "Bearer a.b.c", TOKEN("a.b.c") },
	{ "Bearer AZaz09-._~+/", TOKEN("AZaz09-._~+/") },
	{ "Bearer abc==", TOKEN("abc==") },
	{ "Bearer", BAD(no_token) },
	{ "Bearer   ", BAD(no_token) },
	{ "Bearer a b", BAD(two) },
	{ "Bearer a\tb", BAD(two) },
	{ "Bearer ab=c", BAD(chars) },
	{ "Bearer ==", BAD(chars) },
	{ "Bearer a,b", BAD(chars) },
	{ "Bearer a\"b", BAD(chars) },
	{ "Bearer a\rb", BAD(chars) },
	{ "Bearer \xc3\xa9", BAD(chars) },
};

int
main(void)
{
	const char *tok, *why;
	char name[128], got[64];
	size_t i, len;
	int r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tok = why = NULL;
		len = 0;
		snprintf(name, sizeof(name), "case %zu (%s)", i,
		    cases[i].value ? cases[i].value : "no header");
		r = bearer_parse(cases[i].value, &tok, &len, &why);
		is_int(r, cases[i].result, name);
		snprintf(got, sizeof(got), "%.*s", (int)len, tok ? tok : "");
		if (cases[i].result == BEARER_TOKEN)
			is_str(got, cases[i].token, name);
		else
			ok(tok == NULL && len == 0, name);
		is_str(why, cases[i].why, name);
	}
	return tap_done();
}
