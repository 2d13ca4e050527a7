#include <stdio.h>
#include <stdlib.h>

#include "file.h"
#include "keys.h"

jwks *
keys_read_file(const char *path, char *err, size_t errlen)
{
	char why[256];
	size_t len;
	char *text;
	jwks *set;

	if ((text = file_read(path, JWKS_MAX_BYTES, &len, err, errlen))
	    == NULL)
		return NULL;
	if ((set = jwks_parse(text, len, why, sizeof(why))) == NULL)
		snprintf(err, errlen, "%s: %s", path, why);
	free(text);
	return set;
}
