/* HTTP forward-auth transport on libmicrohttpd. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "http.h"
#include "httpmap.h"
#include "log.h"

#define BACKLOG 1024
#define MAX_THREADS 256
/*
 * Each connection's memory pool holds the request head (at most
 * HTTPMAP_HEAD_MAX) and then the answer's header fields (X-Auth-Claims of
 * a 16 KiB token fits).  libmicrohttpd 0.9.75 touches all of it once a
 * connection has served a request, so this is also what an idle kept
 * connection costs: 80 KiB, times HTTP_MAX_CONNECTIONS at most.
 */
#define POOL_SIZE (HTTPMAP_HEAD_MAX + 16 * 1024)
/* Largest rendered response (src/response.h limits, with room). */
#define OUT_MAX (2 * 1024 * 1024)

struct http {
	struct MHD_Daemon *d;
	int fd;
	http_handler h;
	void *arg;
	atomic_ulong accepted;	/* connections */
	atomic_ulong answered;	/* requests */
	atomic_long inflight;	/* requests between request line and end */
};

/* One request, from its request line to its completion. */
struct exchange {
	char *target;		/* the request-target as sent */
	int called;		/* the access handler has seen it once */
	int body;		/* the client sent a body */
};

static void mhd_log(void *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_msg("http: %s", msg);
}

static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct http *h = cls;

	(void)c;
	(void)socket_context;
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		atomic_fetch_add(&h->accepted, 1);
}

/* Called with each request line: keep the target, which the access
 * handler only sees decoded and without its query. */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct http *h = cls;
	struct exchange *e;

	(void)c;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	if ((e->target = strdup(uri)) == NULL) {
		free(e);
		return NULL;
	}
	atomic_fetch_add(&h->inflight, 1);
	return e;
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_RequestTerminationCode code)
{
	struct http *h = cls;
	struct exchange *e = *ctx;

	(void)c;
	(void)code;
	if (e == NULL)
		return;
	free(e->target);
	free(e);
	*ctx = NULL;
	atomic_fetch_sub(&h->inflight, 1);
}

/* Queue an answer built from parts; MHD_NO (close) if that fails. */
static enum MHD_Result
queue(struct http *h, struct MHD_Connection *c,
    const struct httpmap_response *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ok = MHD_NO;
	size_t i;

	/* MUST_COPY: the buffer is only read, whatever its constness. */
	resp = MHD_create_response_from_buffer(r->body_len,
	    (void *)(uintptr_t)r->body, MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	/*
	 * An empty value (an identity the token lacks) is left out, as
	 * libmicrohttpd cannot send one; to nginx, Caddy and Traefik an
	 * empty header and none are the same.
	 */
	for (i = 0; i < r->nheaders; i++)
		if (r->value[i][0] != '\0' && MHD_add_response_header(resp,
		    r->name[i], r->value[i]) != MHD_YES)
			goto done;
	ok = MHD_queue_response(c, (unsigned int)r->status, resp);
	if (ok == MHD_YES)
		atomic_fetch_add(&h->answered, 1);
done:
	MHD_destroy_response(resp);
	return ok;
}

/* An answer of the transport itself: never cacheable, JSON like §7. */
static enum MHD_Result
refuse(struct http *h, struct MHD_Connection *c, int status, const char *why)
{
	struct httpmap_response r = { 0 };
	char body[512];
	int n;

	/* why is one of httpmap's and this file's fixed texts: no quoting. */
	n = snprintf(body, sizeof(body), "{\"error\":\"%s\","
	    "\"error_description\":\"%s\"}", status == 500 ? "server_error" :
	    "invalid_request", why);
	r.status = status;
	r.nheaders = 2;
	r.name[0] = "Content-Type";
	r.value[0] = "application/json";
	r.name[1] = "X-Accel-Expires";
	r.value[1] = "0";
	r.body = body;
	r.body_len = n > 0 && (size_t)n < sizeof(body) ? (size_t)n : 0;
	if (status == 500)
		log_msg("http: answered 500: %s", why);
	return queue(h, c, &r);
}

struct walk {
	struct httpmap *m;
	int status;
};

static enum MHD_Result
walk_header(void *cls, enum MHD_ValueKind kind, const char *name,
    const char *value)
{
	struct walk *w = cls;

	(void)kind;
	if (w->status == 0)
		w->status = httpmap_header(w->m, name, value ? value : "");
	return w->status == 0 ? MHD_YES : MHD_NO;
}

/* A body is announced by Content-Length (other than 0) or
 * Transfer-Encoding. */
static int
has_body(struct MHD_Connection *c)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);

	return (cl != NULL && strcmp(cl, "0") != 0) ||
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL;
}

static enum MHD_Result
answer(struct http *h, struct MHD_Connection *c, const char *method,
    struct exchange *e)
{
	struct walk w = { httpmap_new(), 0 };
	struct httpmap_response r;
	struct request req;
	struct buf out;
	enum MHD_Result ok;

	if (w.m == NULL)
		return refuse(h, c, 500, "out of memory");
	if ((w.status = httpmap_target(w.m, method, e->target)) == 0)
		MHD_get_connection_values(c, MHD_HEADER_KIND, walk_header, &w);
	if (w.status == 0)
		w.status = httpmap_request(w.m, &req);
	if (w.status != 0) {
		ok = refuse(h, c, w.status, httpmap_why(w.m));
		httpmap_free(w.m);
		return ok;
	}
	buf_init(&out, OUT_MAX);
	h->h(h->arg, &req, &out);
	httpmap_free(w.m);
	if (out.failed || out.p == NULL ||
	    httpmap_response(out.p, out.len, &r) == -1)
		ok = refuse(h, c, 500, "the service gave no answer");
	else
		ok = queue(h, c, &r);
	buf_free(&out);
	return ok;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **ctx)
{
	struct http *h = cls;
	struct exchange *e = *ctx;

	(void)url;
	(void)version;
	(void)upload;
	if (e == NULL)
		return MHD_NO;	/* out of memory at the request line */
	if (!e->called) {
		e->called = 1;
		/*
		 * Refused before it is read; answering on this first call
		 * makes libmicrohttpd close the connection afterwards, as it
		 * must with a body left unread.  Everything else is answered
		 * on the next call, which keeps the connection alive
		 * (libmicrohttpd 0.9.75, FIELD-NOTES).
		 */
		if (has_body(c))
			return refuse(h, c, 413, "a request to mcpauth has no "
			    "body");
		return MHD_YES;
	}
	if (*upload_size != 0) {
		*upload_size = 0;
		e->body = 1;
		return MHD_YES;
	}
	if (e->body)
		return refuse(h, c, 413, "a request to mcpauth has no body");
	return answer(h, c, method, e);
}

/* Split "host:port" / "[v6]:port" / ":port" and bind it. */
static int
listen_inet(const char *addr, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	const char *colon = strrchr(addr, ':');
	char host[256];
	size_t hlen;
	int fd = -1, on = 1, rc;

	if (colon == NULL || colon[1] == '\0' ||
	    (hlen = (size_t)(colon - addr)) >= sizeof(host)) {
		snprintf(err, errlen, "--http %s: expected host:port or "
		    "unix:/path", addr);
		return -1;
	}
	memcpy(host, addr, hlen);
	host[hlen] = '\0';
	if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
		memmove(host, host + 1, hlen - 2);
		host[hlen - 2] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints,
	    &res)) != 0) {
		snprintf(err, errlen, "--http %s: %s", addr, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol)) == -1)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		snprintf(err, errlen, "cannot listen on %s: %s", addr,
		    strerror(errno));
	return fd;
}

static int
listen_unix(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct stat sb;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (path[0] != '/' || strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "--http unix: needs an absolute path "
		    "shorter than %zu bytes", sizeof(sun.sun_path));
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	/* Replace a socket left by an earlier run, never any other file. */
	if (lstat(path, &sb) == 0 && S_ISSOCK(sb.st_mode))
		unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(err, errlen, "cannot listen on unix:%s: %s", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

int
http_listen(const char *addr, char *err, size_t errlen)
{
	int fd;

	if (strncmp(addr, "unix:", 5) == 0)
		fd = listen_unix(addr + 5, err, errlen);
	else
		fd = listen_inet(addr, err, errlen);
	if (fd == -1)
		return -1;
	/* Every pool thread polls the socket: accept must never block. */
	if (listen(fd, BACKLOG) == -1 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
		snprintf(err, errlen, "cannot listen on %s: %s", addr,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The connection cap: HTTP_MAX_CONNECTIONS, or what the descriptor
 * limit leaves after room for everything else, raising it if allowed. */
static unsigned int
connection_cap(void)
{
	struct rlimit rl;
	rlim_t want = HTTP_MAX_CONNECTIONS + 256;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return 256;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur >= want)
		return HTTP_MAX_CONNECTIONS;
	return rl.rlim_cur > 512 ? (unsigned int)(rl.rlim_cur - 256) :
	    (unsigned int)(rl.rlim_cur / 2);
}

struct http *
http_start(int fd, int nthreads, http_handler handler, void *arg, char *err,
    size_t errlen)
{
	struct http *h;
	unsigned int cap = connection_cap();

	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->fd = fd;
	h->h = handler;
	h->arg = arg;
	h->d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD |
	    MHD_USE_ERROR_LOG | MHD_USE_ITC | MHD_USE_TURBO, 0, NULL, NULL,
	    on_request, h,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)nthreads,
	    MHD_OPTION_CONNECTION_LIMIT, cap,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_IDLE_TIMEOUT,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)POOL_SIZE,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, h,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
	    MHD_OPTION_END);
	if (h->d == NULL) {
		snprintf(err, errlen, "cannot start the HTTP server");
		free(h);
		return NULL;
	}
	log_msg("http: %d threads, at most %u connections, idle timeout %d s",
	    nthreads, cap, HTTP_IDLE_TIMEOUT);
	return h;
}

void
http_stop(struct http *h)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	int i;

	if (h == NULL)
		return;
	MHD_quiesce_daemon(h->d);
	for (i = 0; i < 200 && atomic_load(&h->inflight) > 0; i++)
		nanosleep(&tick, NULL);
	MHD_stop_daemon(h->d);
	close(h->fd);
	log_msg("http: %lu connections accepted, %lu requests answered",
	    (unsigned long)atomic_load(&h->accepted),
	    (unsigned long)atomic_load(&h->answered));
	free(h);
}
