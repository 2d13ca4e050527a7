/* json: strict JSON parsing on top of cJSON, and small accessors. */
#ifndef MCPAUTH_JSON_H
#define MCPAUTH_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Deepest nesting accepted; the outermost value is level 1. */
#define JSON_MAX_DEPTH 32

/*
 * Parse len bytes of JSON text (no NUL needed).  Refuses text longer than
 * maxlen, nesting deeper than maxdepth, NUL bytes, trailing data, and
 * duplicate member names in any object at any depth.  Returns a tree the
 * caller frees with cJSON_Delete, or NULL with *why set to a static reason.
 */
cJSON *json_parse(const char *text, size_t len, size_t maxlen, int maxdepth,
    const char **why);

/* The member called name (case-sensitive) if it is a string, else NULL. */
const char *json_string(const cJSON *obj, const char *name);

/* A new string item of the n bytes at s, or NULL if memory is short. */
cJSON *json_string_n(const char *s, size_t n);

/*
 * A JSON number in [0, 2^53) truncated to an integer, for NumericDate.
 * Returns 0 and sets *out, or -1 if v is not such a number.
 */
int json_date(const cJSON *v, long long *out);

#endif
