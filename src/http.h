/*
 * http: the HTTP/1.1 forward-auth transport (SPEC §15) on libmicrohttpd;
 * the only file that includes microhttpd.h.  Requests are mapped into
 * struct request by httpmap.c and answered by the same handler as
 * FastCGI, so the decision never knows which transport asked.
 *
 * Threads: a pool of libmicrohttpd threads, each running its own epoll
 * loop over its share of the connections, calling the handler inline.
 * A connection costs a slot and its memory pool, never a thread: a slow
 * or idle client waits in epoll while the thread serves the others.
 */
#ifndef MCPAUTH_HTTP_H
#define MCPAUTH_HTTP_H

#include <stddef.h>

#include "buf.h"
#include "request.h"

/* Seconds a connection may stay silent (idle keep-alive, a slow head). */
#define HTTP_IDLE_TIMEOUT 75
/*
 * Most connections open at once (lowered to fit RLIMIT_NOFILE).  Each
 * costs up to 80 KiB (http.c POOL_SIZE): 320 MiB at the cap.
 */
#define HTTP_MAX_CONNECTIONS 4096

/* Answer one request: append the rendered CGI response to out. */
typedef void (*http_handler)(void *arg, const struct request *req,
    struct buf *out);

struct http;

/*
 * Bind addr ("host:port", ":port" for every address, "[v6]:port" or
 * "unix:/path"; a stale socket file at the path is replaced) and listen.
 * Returns the socket, or -1 with a reason in err (errlen bytes).
 */
int http_listen(const char *addr, char *err, size_t errlen);

/*
 * Serve HTTP on the listening socket fd with nthreads threads, calling h
 * for each request.  Returns the running server, or NULL with a reason
 * in err.  Threads inherit the caller's signal mask.
 */
struct http *http_start(int fd, int nthreads, http_handler h, void *arg,
    char *err, size_t errlen);

/*
 * Stop accepting, give requests in flight up to two seconds, close every
 * connection, log the connections accepted and requests answered, and
 * free h (NULL is fine).
 */
void http_stop(struct http *h);

#endif
