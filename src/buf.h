/*
 * buf: a growable byte buffer with a hard maximum size.  An append that
 * does not fit fails as a whole and returns -1, which callers may not
 * ignore (a compile error): a cut response or message is never used.
 */
#ifndef MCPAUTH_BUF_H
#define MCPAUTH_BUF_H

#include <stddef.h>

#define BUF_MUST_CHECK __attribute__((warn_unused_result))

struct buf {
	char *p;	/* always NUL-terminated when non-NULL */
	size_t len, cap, max;
	int failed;	/* an append failed: later ones fail too */
};

/* An empty buffer that will never hold more than max bytes. */
void buf_init(struct buf *b, size_t max);

/*
 * Append n bytes / a string / formatted text.  Returns 0, or -1 if it
 * does not fit in b's maximum, memory ran out or an earlier append
 * failed; b->failed is then set and b keeps only what came before.
 */
int buf_add(struct buf *b, const void *data, size_t n) BUF_MUST_CHECK;
int buf_str(struct buf *b, const char *s) BUF_MUST_CHECK;
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3))) BUF_MUST_CHECK;

/* Free the contents and reset b; a zeroed b is fine. */
void buf_free(struct buf *b);

#endif
