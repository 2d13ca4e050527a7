/* Authorization values: bearer_parse, with its contract checked. */
#include <stdlib.h>
#include <string.h>

#include "bearer.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *tok = NULL, *why = NULL;
	size_t len = 0, i;
	char *h;

	if ((h = malloc(size + 1)) == NULL)
		return 0;
	memcpy(h, data, size);
	h[size] = '\0';
	switch (bearer_parse(h, &tok, &len, &why)) {
	case BEARER_TOKEN:
		/* A token is a non-empty run inside h of b64token bytes. */
		if (tok < h || len == 0 || tok + len > h + strlen(h) ||
		    strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
		    "vwxyz0123456789-._~+/=") < len || tok[0] == '=')
			abort();
		for (i = 1; i < len; i++)
			if (tok[i - 1] == '=' && tok[i] != '=')
				abort();
		break;
	case BEARER_BAD:
		if (why == NULL)
			abort();
		break;
	case BEARER_NONE:
		break;
	}
	free(h);
	return 0;
}
