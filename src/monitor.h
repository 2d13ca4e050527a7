/*
 * monitor: the responder's metrics_path and health_path (SPEC §14).
 * The web server decides who reaches them; they answer only in the
 * FastCGI responder role and over HTTP (service.c refuses the rest).
 */
#ifndef MCPAUTH_MONITOR_H
#define MCPAUTH_MONITOR_H

#include "config.h"
#include "response.h"
#include "state.h"

enum monitor_route { MONITOR_NONE, MONITOR_METRICS, MONITOR_HEALTH };

/* Which of cfg's paths path is exactly, or MONITOR_NONE. */
enum monitor_route monitor_route(const struct config *cfg, const char *path);

/*
 * Answer route m into r (which it inits) against st at time now:
 * metrics as Prometheus text; health as 200 {"status":"ok"} when every
 * issuer has a key set and the introspection endpoint, if used, answered
 * its last call, else 503 {"status":"unavailable","reasons":[...]}.
 * Returns the HTTP status (500 when out of memory).
 */
int monitor_answer(const struct state *st, enum monitor_route m,
    long long now, struct response *r);

#endif
