/* keys: reading a key set document from a file. */
#ifndef MCPAUTH_KEYS_H
#define MCPAUTH_KEYS_H

#include <stddef.h>

#include "jwks.h"

/*
 * Parse the key set in the file at path.  Returns it (one reference), or
 * NULL with "PATH: reason" in err (errlen bytes).
 */
jwks *keys_read_file(const char *path, char *err, size_t errlen);

#endif
