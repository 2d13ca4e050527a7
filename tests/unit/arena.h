/*
 * arena: memory for unit tests.  keep() remembers an allocation (and
 * bails out of the TAP run if it is NULL); gc() frees all of them, so a
 * test can build strings freely and stay clean under LeakSanitizer.
 */
#ifndef MCPAUTH_ARENA_H
#define MCPAUTH_ARENA_H

#include <stdio.h>
#include <stdlib.h>

static void **arena;
static size_t narena, arena_cap;

/* Stop the whole TAP run: the test cannot go on. */
static void
bail(const char *what)
{
	printf("Bail out! %s\n", what);
	exit(255);
}

static void *
keep(void *p)
{
	void **n;

	if (p == NULL)
		bail("out of memory or mint failure");
	if (narena == arena_cap) {
		arena_cap = arena_cap ? arena_cap * 2 : 64;
		if ((n = realloc(arena, arena_cap * sizeof(*n))) == NULL)
			bail("out of memory");
		arena = n;
	}
	arena[narena++] = p;
	return p;
}

static void
gc(void)
{
	while (narena > 0)
		free(arena[--narena]);
}

#endif
