/* The configuration file parser, and printing what it accepted. */
#include <stdio.h>

#include "config.h"
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
	struct config *c;
	char err[1024];
	FILE *null;

	if ((c = config_parse((const char *)data, size, "/fuzz/m.conf", err,
	    sizeof(err))) == NULL)
		return 0;
	if ((null = fopen("/dev/null", "w")) != NULL) {
		config_print(c, null);
		fclose(null);
	}
	config_free(c);
	return 0;
}
