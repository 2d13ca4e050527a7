/*
 * mcpauth serve: FastCGI on fd 0, --listen or a socket passed by systemd,
 * HTTP on --http (alone or beside FastCGI, sharing one state), or one CGI
 * request.
 * Signals go to one thread (sigwait): SIGHUP swaps in a freshly loaded
 * state without waiting on the network, SIGTERM stops accepting and lets
 * requests in flight finish.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "fcgi.h"
#include "fetch.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "privs.h"
#include "sdlisten.h"
#include "service.h"
#include "state.h"

struct server {
	const char *config;
	pthread_mutex_t lock;	/* guards current, only to swap or ref it */
	struct state *current;
	int fd;			/* FastCGI listener, or -1 */
	struct http *http;	/* the HTTP server, or NULL */
	sigset_t signals;
	atomic_int stopping;
};

static struct state *
current_state(struct server *s)
{
	struct state *st;

	pthread_mutex_lock(&s->lock);
	st = state_ref(s->current);
	pthread_mutex_unlock(&s->lock);
	return st;
}

static void
handle(void *arg, const struct request *req, struct buf *out)
{
	struct server *s = arg;
	struct state *st = current_state(s);
	int refresh;

	service_handle(st, req, (long long)time(NULL), out, &refresh);
	if (refresh >= 0)	/* the refresher fetches; we never wait */
		refresh_want(state_refresh(st), (size_t)refresh);
	state_free(st);
}

static void
reload(struct server *s)
{
	struct state *st, *old, *prev = current_state(s);
	char err[1024];

	/* No fetch here: the refresher obtains what is new. */
	st = state_reload(prev, s->config, err, sizeof(err));
	state_free(prev);
	if (st == NULL) {
		log_msg("reload failed, keeping the running configuration: %s",
		    err);
		metrics_reload(0);
		return;
	}
	pthread_mutex_lock(&s->lock);
	old = s->current;
	s->current = st;
	pthread_mutex_unlock(&s->lock);
	state_free(old);	/* requests in flight still hold it */
	log_set_format(state_config(st)->log_json ? LOG_JSON : LOG_TEXT);
	metrics_enable(state_config(st)->metrics_path != NULL);
	metrics_reload(1);
	log_msg("reloaded %s", s->config);
}

/* Fetch what is due, once a second, on whatever state is current. */
static void *
refresher_main(void *arg)
{
	struct server *s = arg;
	struct state *st;

	while (!atomic_load(&s->stopping)) {
		st = current_state(s);
		refresh_tick(state_refresh(st), (long long)time(NULL));
		state_free(st);
		sleep(1);
	}
	return NULL;
}

static void *
signal_main(void *arg)
{
	struct server *s = arg;
	int sig;

	for (;;) {
		if (sigwait(&s->signals, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			reload(s);
			continue;
		}
		log_msg("signal %d: finishing requests in flight, then exiting",
		    sig);
		atomic_store(&s->stopping, 1);
		fetch_stop();	/* the refresher may be in a slow fetch */
		if (s->fd >= 0)
			fcgi_stop(s->fd);
		return NULL;
	}
}

int
cmd_serve(const struct cmd_options *o)
{
	struct server s;
	pthread_t sigthread, refresher;
	char err[1024];
	long n;
	int threads = o->threads, cgi, sd, http_fd = -1;

	memset(&s, 0, sizeof(s));
	s.config = o->config;
	s.fd = -1;
	pthread_mutex_init(&s.lock, NULL);
	if ((sd = sdlisten_take(&s.fd, err, sizeof(err))) == -1)
		goto fail;
	if (sd && o->listen != NULL) {
		snprintf(err, sizeof(err), "systemd passed a socket and "
		    "--listen names another: use one");
		goto fail;
	}
	cgi = o->listen == NULL && o->http == NULL && !sd &&
	    !fcgi_stdin_is_listener();
	if (!cgi && privs_check(o->user, o->allow_root, err, sizeof(err)) == -1)
		goto fail;
	if ((s.current = state_load(o->config, (long long)time(NULL), err,
	    sizeof(err))) == NULL)
		goto fail;
	log_set_format(state_config(s.current)->log_json ? LOG_JSON :
	    LOG_TEXT);
	metrics_enable(state_config(s.current)->metrics_path != NULL);
	if (cgi) {
		if (getenv("GATEWAY_INTERFACE") == NULL) {
			snprintf(err, sizeof(err), "nothing to serve: fd 0 is "
			    "not a socket and no --listen was given (see "
			    "mcpauth --help)");
			goto fail;
		}
		fcgi_cgi(handle, &s);
		state_free(s.current);
		return CMD_OK;
	}
	if (!sd)
		s.fd = o->listen == NULL && fcgi_stdin_is_listener() ? 0 : -1;
	if (o->listen != NULL &&
	    (s.fd = fcgi_listen(o->listen, err, sizeof(err))) < 0)
		goto fail;
	if (o->http != NULL &&
	    (http_fd = http_listen(o->http, err, sizeof(err))) < 0)
		goto fail;
	if (privs_drop(o->user, err, sizeof(err)) == -1)
		goto fail;
	/* Threads only compute (the listener waits on peers): 2 per CPU. */
	if (threads <= 0) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 2 ? (int)(n < 128 ? 2 * n : 256) : 4;
	}
	/* Every thread made from here on leaves these signals to sigwait. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&s.signals);
	sigaddset(&s.signals, SIGHUP);
	sigaddset(&s.signals, SIGTERM);
	sigaddset(&s.signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &s.signals, NULL);
	if (http_fd >= 0 && (s.http = http_start(http_fd, threads, handle, &s,
	    err, sizeof(err))) == NULL)
		goto fail;
	if (pthread_create(&sigthread, NULL, signal_main, &s) != 0) {
		snprintf(err, sizeof(err), "cannot start the signal thread");
		goto fail;
	}
	if (pthread_create(&refresher, NULL, refresher_main, &s) != 0) {
		snprintf(err, sizeof(err), "cannot start the refresher thread");
		goto fail;
	}
	if (o->http != NULL)
		log_msg("serving HTTP on %s (config %s)", o->http, o->config);
	if (s.fd >= 0) {
		log_msg("serving %s with %d threads (config %s)", o->listen ?
		    o->listen : sd ? "fd 3 (systemd)" : "fd 0", threads,
		    o->config);
		if (fcgi_run(s.fd, threads, handle, &s) == -1)
			log_msg("cannot start worker threads");
	}
	pthread_join(sigthread, NULL);
	http_stop(s.http);
	pthread_join(refresher, NULL);
	log_msg("stopped");
	state_free(s.current);
	pthread_mutex_destroy(&s.lock);
	return CMD_OK;
fail:
	log_msg("%s", err);
	if (http_fd >= 0 && s.http == NULL)
		close(http_fd);
	state_free(s.current);
	return CMD_FAILURE;
}
