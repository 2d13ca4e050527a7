/* mcpauth discover: fetch, check and print an issuer's metadata. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "discover.h"
#include "url.h"

int
cmd_discover(const struct cmd_options *o)
{
	struct config_issuer is = { 0 };
	char err[2048], *doc, *ju = NULL;
	size_t len;

	if (o->arg == NULL || !url_is_http(o->arg)) {
		fprintf(stderr, "mcpauth: discover needs an issuer URL (see "
		    "mcpauth --help)\n");
		return CMD_FAILURE;
	}
	if (o->type != NULL && config_issuer_type(o->type, &is.type) == -1) {
		fprintf(stderr, "mcpauth: --type must be %s\n",
		    CONFIG_ISSUER_TYPES);
		return CMD_FAILURE;
	}
	if ((is.url = strdup(o->arg)) == NULL)
		return CMD_FAILURE;
	doc = discover(&is, o->insecure_http, &len, NULL, &ju, err, sizeof(err));
	free(is.url);
	if (doc == NULL) {
		fprintf(stderr, "mcpauth: %s\n", err);
		return CMD_REFUSED;
	}
	fwrite(doc, 1, len, stdout);
	if (len == 0 || doc[len - 1] != '\n')
		fputc('\n', stdout);
	free(doc);
	free(ju);
	return CMD_OK;
}
