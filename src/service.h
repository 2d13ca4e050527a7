/*
 * service: one request in, one response out (SPEC §6, §7): metadata
 * endpoints by path, an authorization decision for anything else.
 */
#ifndef MCPAUTH_SERVICE_H
#define MCPAUTH_SERVICE_H

#include "buf.h"
#include "request.h"
#include "state.h"

/*
 * Answer req against st: the rendered CGI response is appended to out
 * (which the caller inits and frees) and one line is logged for each
 * decision.  Returns the HTTP status.  If the decision met an unknown
 * key id, *refresh is set to that issuer's index (else -1).
 */
int service_handle(const struct state *st, const struct request *req,
    long long now, struct buf *out, int *refresh);

#endif
