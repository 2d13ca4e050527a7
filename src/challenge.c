#include "challenge.h"

/* Append " name=\"value\"" (", " before it unless first), escaped. */
static int
auth_param(struct buf *b, const char *name, const char *value, int first)
{
	const unsigned char *s;

	if (buf_str(b, first ? " " : ", ") == -1 || buf_str(b, name) == -1 ||
	    buf_str(b, "=\"") == -1)
		return -1;
	for (s = (const unsigned char *)value; *s != '\0'; s++) {
		if ((*s == '"' || *s == '\\') && buf_add(b, "\\", 1) == -1)
			return -1;
		if (*s >= 0x20 && *s < 0x7f && buf_add(b, s, 1) == -1)
			return -1;
	}
	return buf_str(b, "\"");
}

int
challenge_build(struct buf *out, const char *metadata_url,
    const char *scopes, const char *error, const char *why)
{
	/* The order of SPEC §7: error first when there is one. */
	if (buf_str(out, "Bearer") == -1 ||
	    (error != NULL && auth_param(out, "error", error, 1) == -1) ||
	    (error == NULL &&
	    auth_param(out, "resource_metadata", metadata_url, 1) == -1) ||
	    (*scopes != '\0' && auth_param(out, "scope", scopes, 0) == -1))
		return -1;
	if (error != NULL &&
	    (auth_param(out, "resource_metadata", metadata_url, 0) == -1 ||
	    auth_param(out, "error_description", why, 0) == -1))
		return -1;
	return 0;
}
