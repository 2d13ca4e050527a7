/* file: bounded whole-file reads. */
#ifndef MCPAUTH_FILE_H
#define MCPAUTH_FILE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Read all of f (at most max bytes) into a NUL-terminated buffer the
 * caller frees; *len gets the length.  Returns NULL if f holds more than
 * max bytes (errno EFBIG), on a read error or when out of memory.
 */
char *file_slurp(FILE *f, size_t max, size_t *len);

/*
 * As file_slurp, for the file at path.  On error writes "PATH: reason"
 * to err (errlen bytes).
 */
char *file_read(const char *path, size_t max, size_t *len, char *err,
    size_t errlen);

#endif
