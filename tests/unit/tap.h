/*
 * tap: a minimal Test Anything Protocol emitter for unit tests.
 * ok() and friends print one line each; tap_done() prints the plan and
 * returns the exit status (non-zero if any test failed).
 */
#ifndef MCPAUTH_TAP_H
#define MCPAUTH_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static int
tap_ok(int cond, const char *name, const char *file, int line)
{
	tap_n++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, name);
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	return cond;
}

static int
tap_is_str(const char *got, const char *want, const char *name,
    const char *file, int line)
{
	int cond = got != NULL && want != NULL ? strcmp(got, want) == 0 :
	    got == want;

	if (!tap_ok(cond, name, file, line))
		printf("#   got:  \"%s\"\n#   want: \"%s\"\n",
		    got ? got : "(null)", want ? want : "(null)");
	return cond;
}

static int
tap_is_int(long long got, long long want, const char *name,
    const char *file, int line)
{
	int cond = got == want;

	if (!tap_ok(cond, name, file, line))
		printf("#   got:  %lld\n#   want: %lld\n", got, want);
	return cond;
}

static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}

#define ok(c, name) tap_ok((c), (name), __FILE__, __LINE__)
#define is_str(g, w, name) tap_is_str((g), (w), (name), __FILE__, __LINE__)
#define is_int(g, w, name) tap_is_int((g), (w), (name), __FILE__, __LINE__)

#endif
