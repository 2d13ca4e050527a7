/* num: strict decimal number parsing. */
#ifndef MCPAUTH_NUM_H
#define MCPAUTH_NUM_H

/*
 * Parse s, which must be a whole decimal integer with nothing around it,
 * into *out if it lies in [min, max].  Returns 0, or -1 (out untouched).
 */
int num_parse(const char *s, long long min, long long max, long long *out);

#endif
