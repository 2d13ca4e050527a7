/*
 * fcgi: the FastCGI transport (libfcgi) and plain CGI.  The only file
 * that includes fcgiapp.h.
 */
#ifndef MCPAUTH_FCGI_H
#define MCPAUTH_FCGI_H

#include <stddef.h>

#include "buf.h"
#include "request.h"

/* Answer one request: append the rendered response to out. */
typedef void (*fcgi_handler)(void *arg, const struct request *req,
    struct buf *out);

/* 1 if fd 0 is a listening socket (spawn-fcgi, mod_fcgid), else 0. */
int fcgi_stdin_is_listener(void);

/*
 * Bind addr ("host:port", ":port" or "unix:/path") and listen.  Returns
 * the socket, or -1 with a reason in err (errlen bytes).
 */
int fcgi_listen(const char *addr, char *err, size_t errlen);

/*
 * Serve FastCGI requests on the listening socket fd until fcgi_stop(fd):
 * nthreads threads accept and answer, 1 + nthreads / 8 more answer the
 * requests that arrived slowly, and the calling thread watches those
 * (see listener.h).  Returns 0 once every thread has finished its
 * request, or -1 if no thread could start.
 */
int fcgi_run(int fd, int nthreads, fcgi_handler h, void *arg);

/* Make every thread of fcgi_run leave accept(); safe from any thread. */
void fcgi_stop(int fd);

/* Answer the one CGI request described by the environment on stdout. */
void fcgi_cgi(fcgi_handler h, void *arg);

#endif
