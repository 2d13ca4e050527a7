/* FastCGI and CGI transport. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "fcgi.h"

#define BACKLOG 1024
#define MAX_THREADS 256

struct worker {
	pthread_t tid;
	int fd;
	int unix_socket;
	fcgi_handler h;
	void *arg;
};

/*
 * A parameter, or NULL.  nginx 1.22 passes a request header sent twice as
 * two parameters of one name, and libfcgi finds the first, while the app
 * behind sees both: an MCP header (SPEC §11) sent twice reads as empty,
 * which is never verifiable, so policy never rests on one of two copies.
 */
static const char *
fcgi_param(const struct request *r, const char *name)
{
	char **env = ((FCGX_Request *)r->ctx)->envp;
	const char *v = FCGX_GetParam(name, env);
	size_t n = strlen(name);
	int seen = 0;

	if (v == NULL || strncmp(name, "HTTP_MCP_", 9) != 0)
		return v;
	for (; *env != NULL; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=' &&
		    ++seen > 1)
			return "";
	return v;
}

static const char *
env_param(const struct request *r, const char *name)
{
	(void)r;
	return getenv(name);
}

int
fcgi_stdin_is_listener(void)
{
	socklen_t len;
	int on = 0;

	/*
	 * A listening socket, not just any socket: mod_cgid hands a CGI
	 * program a connected unix socket as stdin.
	 */
	len = sizeof(on);
	return getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 &&
	    on == 1;
}

int
fcgi_listen(const char *addr, char *err, size_t errlen)
{
	int fd;

	if (strncmp(addr, "unix:", 5) == 0) {
		addr += 5;
		if (*addr != '/') {
			snprintf(err, errlen, "--listen unix: needs an absolute "
			    "path");
			return -1;
		}
	} else if (strchr(addr, ':') == NULL) {
		snprintf(err, errlen, "--listen %s: expected host:port or "
		    "unix:/path", addr);
		return -1;
	}
	if (FCGX_Init() != 0 || (fd = FCGX_OpenSocket(addr, BACKLOG)) < 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", addr,
		    errno ? strerror(errno) : "bad address");
		return -1;
	}
	return fd;
}

static void *
worker_main(void *p)
{
	struct worker *w = p;
	struct request req;
	const char *role;
	FCGX_Request rq;
	struct buf out;

	if (FCGX_InitRequest(&rq, w->fd, 0) != 0)
		return NULL;
	req.param = fcgi_param;
	req.ctx = &rq;
	for (;;) {
		if (FCGX_Accept_r(&rq) < 0)
			break;	/* the socket was shut down: stop */
		role = FCGX_GetParam("FCGI_ROLE", rq.envp);
		req.authorizer = role != NULL && strcmp(role, "AUTHORIZER") == 0;
		buf_init(&out, 2 * 1024 * 1024);
		w->h(w->arg, &req, &out);
		if (out.p != NULL)
			FCGX_PutStr(out.p, (int)out.len, rq.out);
		buf_free(&out);
		/*
		 * libfcgi closes with shutdown() and a wait for the peer, so
		 * that unread input cannot turn into a TCP reset that loses the
		 * answer.  A unix socket has no resets: close it at once.
		 */
		if (w->unix_socket)
			FCGX_Detach(&rq);
		FCGX_Finish_r(&rq);
	}
	FCGX_Free(&rq, 1);
	return NULL;
}

int
fcgi_run(int fd, int nthreads, fcgi_handler h, void *arg)
{
	struct sockaddr_storage sa;
	struct worker *w;
	socklen_t len;
	int i, started = 0, unix_socket;

	if (FCGX_Init() != 0)
		return -1;
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	if ((w = calloc((size_t)nthreads, sizeof(*w))) == NULL)
		return -1;
	len = sizeof(sa);
	unix_socket = getsockname(fd, (struct sockaddr *)&sa, &len) == 0 &&
	    sa.ss_family == AF_UNIX;
	for (i = 0; i < nthreads; i++) {
		w[i] = (struct worker){ 0, fd, unix_socket, h, arg };
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0)
			break;
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(w[i].tid, NULL);
	free(w);
	return started > 0 ? 0 : -1;
}

void
fcgi_stop(int fd)
{
	/* libfcgi wakes only the signalled thread; shutdown wakes all. */
	FCGX_ShutdownPending();
	shutdown(fd, SHUT_RDWR);
}

void
fcgi_cgi(fcgi_handler h, void *arg)
{
	struct request req = { env_param, NULL, 0 };
	struct buf out;

	buf_init(&out, 2 * 1024 * 1024);
	h(arg, &req, &out);
	if (out.p != NULL)
		fwrite(out.p, 1, out.len, stdout);
	fflush(stdout);
	buf_free(&out);
}
