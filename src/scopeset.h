/*
 * scopeset: scope hierarchies (the scope_implies directive, SPEC §11).
 * "holding SCOPE counts as holding each IMPLIED scope", transitively:
 * the set is kept closed, so one look-up answers whether a token's
 * granted scopes hold a required one.  A NULL set implies nothing.
 */
#ifndef MCPAUTH_SCOPESET_H
#define MCPAUTH_SCOPESET_H

#include <stddef.h>
#include <stdio.h>

struct scopeset;

/*
 * 1 if w (n bytes) is a well-formed OAuth scope token (RFC 6749 §3.3:
 * 1*( %x21 / %x23-5B / %x5D-7E )) other than offline_access, which is
 * never a resource requirement.  Else 0, with *why set.
 */
int scopeset_valid(const char *w, size_t n, const char **why);

/*
 * Record that scope implies each of implied[0..n-1] (the set is closed
 * again, so chains and cycles work).  *s may be NULL (a new set is made).
 * Returns 0, or -1 with a reason in err (errlen bytes): a scope that is
 * not valid, or out of memory.
 */
int scopeset_add(struct scopeset **s, const char *scope, char **implied,
    size_t n, char *err, size_t errlen);

/* A deep copy of src into *dst (NULL for NULL).  0, or -1. */
int scopeset_copy(struct scopeset **dst, const struct scopeset *src);

/* Free s; NULL does nothing. */
void scopeset_free(struct scopeset *s);

/*
 * 1 if the space-separated list granted holds scope (n bytes): has it,
 * or has a scope that implies it.  0 otherwise.
 */
int scopeset_holds(const struct scopeset *s, const char *granted,
    const char *scope, size_t n);

/*
 * Print one "scope_implies SCOPE IMPLIED..." line per implying scope,
 * each line prefixed by indent, the implied list closed and in the order
 * first seen.
 */
void scopeset_print(const struct scopeset *s, FILE *f, const char *indent);

#endif
