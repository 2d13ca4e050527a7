/*
 * words: space-separated word lists, the form of OAuth scope strings
 * (RFC 6749 §3.3) and of MCPAUTH_REQUIRED_SCOPES.  Words are separated
 * by one or more spaces; leading and trailing spaces are ignored.
 */
#ifndef MCPAUTH_WORDS_H
#define MCPAUTH_WORDS_H

#include <stddef.h>

#include "buf.h"

/*
 * The next word of the list at *s: returns its start with its length in
 * *len and moves *s past it, or returns NULL at the end of the list.
 * Loop: for (p = list; (w = words_next(&p, &n)) != NULL;) ...
 */
const char *words_next(const char **s, size_t *len);

/* 1 if list holds the word w of wlen bytes, else 0. */
int words_has(const char *list, const char *w, size_t wlen);

/*
 * Append the word w (wlen bytes) to the list *s of *len bytes, which is
 * NULL or malloc'd, with one space before it if the list is not empty.
 * Returns 0, or -1 if memory is short (*s is then unchanged).
 */
int words_add(char **s, size_t *len, const char *w, size_t wlen);

/* Append every word of list to *s as words_add does.  0, or -1. */
int words_add_all(char **s, size_t *len, const char *list);

/*
 * Add each word of list to the list held in b, unless b has it already
 * (a set union, first-seen order).  b->p is "" or a list afterwards.
 * Returns 0, or -1 if b is full (b must then not be used).
 */
int words_union(struct buf *b, const char *list) BUF_MUST_CHECK;

/* words_union of the n bytes w, one word. */
int words_union_word(struct buf *b, const char *w, size_t n) BUF_MUST_CHECK;

#endif
