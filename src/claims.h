/*
 * claims: rules on a token's claims and claims passed on as headers
 * (SPEC §13).  A path names a top-level member by its whole name, else
 * dotted members of nested objects; it never passes through an array.
 * Lists are built at load (or per request from MCPAUTH_REQUIRE_CLAIMS)
 * and are read-only afterwards: many threads may check at once.
 */
#ifndef MCPAUTH_CLAIMS_H
#define MCPAUTH_CLAIMS_H

#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "buf.h"

/* Longest path, header name, and rendered header value (bytes). */
#define CLAIMS_PATH_MAX 256
#define CLAIMS_NAME_MAX 64
#define CLAIMS_VALUE_MAX 4096
/* Most values in one rule, and rules in one MCPAUTH_REQUIRE_CLAIMS. */
#define CLAIMS_VALUES_MAX 64
#define CLAIMS_PARAM_RULES 32

struct claims_rules;
struct claims_headers;

/* The claim at path in payload, or NULL. */
const cJSON *claims_find(const cJSON *payload, const char *path);

/*
 * Append the rule "PATH OP VALUE..." (argv, argc words) to *rules
 * (*rules NULL: a new list).  Returns 0, or -1 with why in err.
 */
int claims_rule_add(struct claims_rules **rules, char **argv, int argc,
    char *err, size_t errlen);

/*
 * Append the rules of text, a MCPAUTH_REQUIRE_CLAIMS value (rules in the
 * directive's syntax separated by ';', empty rules ignored), to *rules.
 * Returns 0, or -1 with why in err (the caller frees *rules).
 */
int claims_rules_parse(struct claims_rules **rules, const char *text,
    char *err, size_t errlen);

/* *dst becomes a copy of src (NULL: none).  0, or -1 if memory is short. */
int claims_rules_copy(struct claims_rules **dst,
    const struct claims_rules *src);

/* Free rules; NULL does nothing. */
void claims_rules_free(struct claims_rules *rules);

/*
 * 1 when payload satisfies every rule (NULL rules: none), else 0 with
 * the first failed rule, as written, in why (whylen bytes).
 */
int claims_rules_hold(const struct claims_rules *rules,
    const cJSON *payload, char *why, size_t whylen);

/* Write each rule as a require_claim line after indent. */
void claims_rules_print(const struct claims_rules *rules, FILE *f,
    const char *indent);

/*
 * Append "claim_header PATH NAME" to *h.  NAME: 1 to CLAIMS_NAME_MAX
 * letters, digits and inner '-', not one of the built-in identity
 * headers, not repeated.  Returns 0, or -1 with why in err.
 */
int claims_header_add(struct claims_headers **h, const char *path,
    const char *name, char *err, size_t errlen);

int claims_headers_copy(struct claims_headers **dst,
    const struct claims_headers *src);
void claims_headers_free(struct claims_headers *h);
void claims_headers_print(const struct claims_headers *h, FILE *f,
    const char *indent);

/* How many headers h has (NULL: 0). */
size_t claims_headers_count(const struct claims_headers *h);

/*
 * Header i of h for payload: its name for the role (X-Auth-NAME, or
 * Variable-AUTH_NAME upper-cased with '-' as '_' when authorizer) into
 * name, its value unencoded into value (both inited by the caller).
 * Returns 1 with a value ("" when the claim is missing), 0 when the
 * claim is left out (an object, null, a nested array or object, longer
 * than CLAIMS_VALUE_MAX) with *why, or -1 if memory is short.
 */
int claims_header_render(const struct claims_headers *h, size_t i,
    const cJSON *payload, int authorizer, struct buf *name,
    struct buf *value, const char **why);

/* The path of header i, for messages. */
const char *claims_header_path(const struct claims_headers *h, size_t i);

#endif
