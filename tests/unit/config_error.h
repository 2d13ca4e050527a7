/* config_error_of: the error config_parse gives for a config text. */
#ifndef MCPAUTH_TEST_CONFIG_ERROR_H
#define MCPAUTH_TEST_CONFIG_ERROR_H

#include <string.h>

#include "config.h"

/* The error for text, named /etc/m.conf, or "parsed" if it loads. */
static const char *
config_error_of(const char *text)
{
	static char err[512];
	struct config *c = config_parse(text, strlen(text), "/etc/m.conf",
	    err, sizeof(err));

	if (c != NULL) {
		config_free(c);
		return "parsed";
	}
	return err;
}

#endif
