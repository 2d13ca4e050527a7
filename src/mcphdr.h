/*
 * mcphdr: the MCP 2026-07-28 request metadata headers (SEP-2243) as an
 * authorizer sees them: MCP-Protocol-Version, Mcp-Method and Mcp-Name,
 * which mirror the JSON-RPC body it never reads.  They are trusted only
 * when the request is verifiable (SPEC §11): of a revision whose servers
 * reject a header that disagrees with the body, and well-formed.
 */
#ifndef MCPAUTH_MCPHDR_H
#define MCPAUTH_MCPHDR_H

#include <stddef.h>

/* The first revision whose servers check the headers against the body. */
#define MCPHDR_FIRST_VERSION "2026-07-28"
/* Longest Mcp-Method, and longest Mcp-Name as sent (encoded or not). */
#define MCPHDR_METHOD_MAX 128
#define MCPHDR_NAME_MAX 4096

struct mcphdr {
	int verifiable;		/* 0 (the zero value): strictest reading */
	const char *why;	/* not verifiable: the reason */
	const char *method;	/* verifiable: the Mcp-Method value */
	int has_name;		/* verifiable and the method names a target */
	size_t namelen;
	char name[MCPHDR_NAME_MAX + 1];	/* decoded Mcp-Name, NUL-terminated */
};

/*
 * 1 if method is one whose Mcp-Name is required and checked by the server
 * (tools/call, resources/read, prompts/get).
 */
int mcphdr_named(const char *method);

/*
 * Judge the three header values (NULL: absent) into h.  Returns 1 when
 * the request is verifiable (h->method and, for the named methods,
 * h->name are set; method points into the caller's string), 0 otherwise
 * with h->why set.  Never fails otherwise.
 */
int mcphdr_parse(const char *version, const char *method, const char *name,
    struct mcphdr *h);

#endif
