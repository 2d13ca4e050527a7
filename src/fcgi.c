/* FastCGI and CGI transport. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "fcgi.h"
#include "listener.h"
#include "log.h"

#define BACKLOG 1024
#define MAX_THREADS 256

struct worker {
	pthread_t tid;
	struct listener *l;
	int slow;
	fcgi_handler h;
	void *arg;
};

static atomic_int stopping;

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

/*
 * Answer the request that has arrived on fd.  libfcgi must neither close
 * fd behind the listener nor wait on the peer: keepConnection keeps it
 * open after the request (and through the finishing of a previous request
 * that FCGX_Accept_r starts with), and detached makes libfcgi's close on
 * an error a plain close, without its shutdown-and-wait.
 */
static enum listener_end
serve(const struct worker *w, FCGX_Request *rq, struct request *req, int fd)
{
	const char *role;
	struct buf out;
	int keep;

	rq->ipcFd = fd;
	rq->keepConnection = 1;
	rq->detached = 1;
	if (FCGX_Accept_r(rq) < 0) {
		/* A read timed out or failed, or it was not FastCGI. */
		log_msg("connection dropped: no readable FastCGI request");
		if (rq->ipcFd < 0)
			return LISTENER_GONE;	/* libfcgi closed it */
		rq->ipcFd = -1;
		return LISTENER_CLOSE;
	}
	role = FCGX_GetParam("FCGI_ROLE", rq->envp);
	req->authorizer = role != NULL && strcmp(role, "AUTHORIZER") == 0;
	req->cgi = 0;
	buf_init(&out, 2 * 1024 * 1024);
	w->h(w->arg, req, &out);
	if (out.p != NULL)
		FCGX_PutStr(out.p, (int)out.len, rq->out);
	buf_free(&out);
	keep = rq->keepConnection;	/* the peer's FCGI_KEEP_CONN */
	rq->keepConnection = 1;
	rq->detached = 1;
	FCGX_Finish_r(rq);
	if (rq->ipcFd < 0)
		return LISTENER_GONE;	/* a write failed: libfcgi closed it */
	rq->ipcFd = -1;
	return keep ? LISTENER_KEEP : LISTENER_LINGER;
}

static void *
worker_main(void *p)
{
	struct worker *w = p;
	struct listener_seat *seat;
	struct request req;
	FCGX_Request rq;
	int fd;

	if ((seat = listener_join(w->l, w->slow)) == NULL) {
		log_msg("worker thread: out of memory or descriptors");
		return NULL;
	}
	if (FCGX_InitRequest(&rq, -1, 0) != 0)
		goto done;
	req.param = fcgi_param;
	req.ctx = &rq;
	while ((fd = listener_next(seat)) >= 0)
		listener_done(seat, fd, serve(w, &rq, &req, fd));
	FCGX_Free(&rq, 1);
done:
	listener_leave(seat);
	return NULL;
}

int
fcgi_run(int fd, int nthreads, fcgi_handler h, void *arg)
{
	struct listener *l;
	struct worker *w;
	int i, n, started = 0;

	if (FCGX_Init() != 0)
		return -1;
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	/* Accepting workers, and 1 in 8 more for requests that came slowly. */
	n = nthreads + 1 + nthreads / 8;
	if ((w = calloc((size_t)n, sizeof(*w))) == NULL)
		return -1;
	if ((l = listener_new(fd, LISTENER_DEADLINE, &stopping)) == NULL) {
		free(w);
		return -1;
	}
	for (i = 0; i < n; i++) {
		w[i] = (struct worker){ 0, l, i >= nthreads, h, arg };
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0)
			break;
		started++;
	}
	if (started > 0 && started < n)
		log_msg("started only %d of %d threads", started, n);
	if (started > 0)
		listener_run(l);	/* the watcher, until fcgi_stop */
	for (i = 0; i < started; i++)
		pthread_join(w[i].tid, NULL);
	listener_free(l);
	free(w);
	return started > 0 ? 0 : -1;
}

void
fcgi_stop(int fd)
{
	atomic_store(&stopping, 1);
	/* Wakes every worker blocked in accept(). */
	shutdown(fd, SHUT_RDWR);
}

void
fcgi_cgi(fcgi_handler h, void *arg)
{
	struct request req = { env_param, NULL, 0, 1 };
	struct buf out;

	buf_init(&out, 2 * 1024 * 1024);
	h(arg, &req, &out);
	if (out.p != NULL)
		fwrite(out.p, 1, out.len, stdout);
	fflush(stdout);
	buf_free(&out);
}
