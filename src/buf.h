/* buf: a growable byte buffer with a hard maximum size. */
#ifndef MCPAUTH_BUF_H
#define MCPAUTH_BUF_H

#include <stddef.h>

struct buf {
	char *p;	/* always NUL-terminated when non-NULL */
	size_t len, cap, max;
	int failed;	/* an append did not fit or memory ran out */
};

/* An empty buffer that will never hold more than max bytes. */
void buf_init(struct buf *b, size_t max);

/* Append n bytes / a string / formatted text.  On failure b->failed is
 * set and later appends do nothing; check it once at the end. */
void buf_add(struct buf *b, const void *data, size_t n);
void buf_str(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Free the contents and reset b; a zeroed b is fine. */
void buf_free(struct buf *b);

#endif
