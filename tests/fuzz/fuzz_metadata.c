/* Authorization server metadata: the checks discovery applies. */
#include <stdlib.h>

#include "discover.h"
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
	char err[512], *ju = NULL;

	if (discover_check("https://as.example", (const char *)data, size, 1,
	    0, &ju, err, sizeof(err)) == 0)
		free(ju);
	return 0;
}
