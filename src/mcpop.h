/*
 * mcpop: per-operation policy (SPEC §11): the operation_scopes rules of a
 * resource, and the scopes one request needs under them.  A resource with
 * no rule (NULL) ignores the MCP headers altogether.
 */
#ifndef MCPAUTH_MCPOP_H
#define MCPAUTH_MCPOP_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "mcphdr.h"

struct mcpop;

/*
 * Add the rule "METHOD [name=PATTERN] SCOPE..." given as argv[0..argc-1]
 * (from config line `line`) to *ops, which may be NULL (a set is made).
 * Returns 0, or -1 with the reason in err (errlen bytes): a malformed
 * method, pattern or scope, offline_access, name= on a method without a
 * target, a rule already set (its line named), out of memory.
 */
int mcpop_add(struct mcpop **ops, char **argv, int argc, int line,
    char *err, size_t errlen);

/* A deep copy of src into *dst (NULL for NULL).  0, or -1. */
int mcpop_copy(struct mcpop **dst, const struct mcpop *src);

/* Free ops; NULL does nothing. */
void mcpop_free(struct mcpop *ops);

/* One "operation_scopes ..." line per rule, in file order, after indent. */
void mcpop_print(const struct mcpop *ops, FILE *f, const char *indent);

/*
 * The scopes of the rule that governs a verifiable request h: an exact
 * name beats the longest matching prefix, which beats a rule without
 * name=.  "" when no rule matches.  For a request that is not
 * verifiable, every scope of every rule (the strictest reading).
 */
const char *mcpop_scopes(const struct mcpop *ops, const struct mcphdr *h);

/*
 * The required scopes of a request into out: the space-separated base
 * list, then mcpop_scopes (ops NULL: none), each scope once.  Returns 0,
 * or -1 when out overflowed or base names offline_access (never a
 * resource requirement), with *why set.
 */
int mcpop_required(const struct mcpop *ops, const char *base,
    const struct mcphdr *h, struct buf *out, const char **why);

#endif
