/*
 * The MCP request metadata headers (SPEC §11): the input is
 * "VERSION\0METHOD\0NAME", each part absent when the input ends before
 * it.  Judged, then matched against a fixed set of operation_scopes
 * rules; a verifiable name must be exactly what was decoded.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "mcphdr.h"
#include "mcpop.h"

static struct mcpop *ops;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const rules[][4] = {
		{ "tools/call", "name=admin", "mcp:admin", NULL },
		{ "tools/call", "name=file_*", "mcp:files", NULL },
		{ "tools/call", "name=file_s*", "mcp:s", NULL },
		{ "tools/call", "mcp:call", NULL, NULL },
		{ "resources/read", "name=file:///*", "mcp:r", "mcp:x" },
		{ "tools/list", "mcp:list", NULL, NULL },
	};
	char *v[4], err[256];
	size_t i;
	int n;

	(void)argc;
	(void)argv;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		for (n = 0; n < 4 && rules[i][n] != NULL; n++)
			v[n] = strdup(rules[i][n]);
		if (mcpop_add(&ops, v, n, (int)i + 1, err, sizeof(err)) == -1)
			abort();
		while (n > 0)
			free(v[--n]);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mcphdr h;
	const char *part[3] = { NULL, NULL, NULL }, *why;
	char *s;
	size_t i, o = 0;
	struct buf b;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (i = 0; i < 3 && o <= size; i++) {
		part[i] = s + o;
		o += strlen(s + o) + 1;
	}
	if (mcphdr_parse(part[0], part[1], part[2], &h)) {
		if (h.method != part[1] || (h.has_name &&
		    (strlen(h.name) != h.namelen || h.namelen == 0)))
			abort();
	} else if (h.why == NULL || h.verifiable) {
		abort();
	}
	buf_init(&b, 4096);
	if (mcpop_required(ops, "mcp:read", &h, &b, &why) == 0 &&
	    strncmp(b.p, "mcp:read", 8) != 0)
		abort();
	buf_free(&b);
	free(s);
	return 0;
}
