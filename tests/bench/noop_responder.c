/*
 * noop_responder: the transport floor for bench_nginx.sh.  A libfcgi
 * responder threaded the way mcpauth serve is (FCGX_Init, then THREADS
 * threads each with its own FCGX_Request looping FCGX_Accept_r /
 * FCGX_PutStr / FCGX_Finish_r on one unix listening socket) that decides
 * nothing: every request gets the same bare status line and no headers.
 *
 *   noop_responder /path/to.sock [THREADS] [STATUS] [handshake]
 *
 * THREADS defaults to 2 (as mcpauth on this 2-core machine); STATUS is
 * 200 (default, an allow) or 401 (a refusal, the floor for workloads that
 * mcpauth refuses, so that nginx does the same work after the subrequest).
 * It closes each connection the way mcpauth serve does on a unix socket:
 * FCGX_Detach before FCGX_Finish_r, so libfcgi closes at once instead of
 * shutdown(SHUT_WR) + poll() for the peer's EOF.  "handshake" keeps
 * libfcgi's own close (what a plain libfcgi responder pays).
 * Runs until killed (SIGTERM kills it: libfcgi's handler is undone).
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

static int listen_fd, handshake;
static const char *answer = "Status: 200 OK\r\n\r\n";

static void *
worker(void *arg)
{
	FCGX_Request rq;
	int len = (int)strlen(answer);

	(void)arg;
	if (FCGX_InitRequest(&rq, listen_fd, 0) != 0)
		return NULL;
	while (FCGX_Accept_r(&rq) >= 0) {
		FCGX_PutStr(answer, len, rq.out);
		if (!handshake)
			FCGX_Detach(&rq);
		FCGX_Finish_r(&rq);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t tid[64];
	int i, n = 2;

	if (argc > 2 && strcmp(argv[argc - 1], "handshake") == 0) {
		handshake = 1;
		argc--;
	}
	if (argc < 2 || argc > 4 || (argc > 2 && ((n = atoi(argv[2])) < 1 ||
	    n > 64))) {
		fprintf(stderr, "usage: noop_responder /path/to.sock "
		    "[THREADS] [200|401] [handshake]\n");
		return 2;
	}
	if (argc > 3) {
		if (strcmp(argv[3], "401") == 0)
			answer = "Status: 401 Unauthorized\r\n\r\n";
		else if (strcmp(argv[3], "200") != 0)
			return fprintf(stderr, "noop_responder: status 200 or "
			    "401\n"), 2;
	}
	if (FCGX_Init() != 0 || (listen_fd = FCGX_OpenSocket(argv[1],
	    1024)) < 0) {
		fprintf(stderr, "noop_responder: cannot listen on %s\n",
		    argv[1]);
		return 1;
	}
	signal(SIGTERM, SIG_DFL);
	for (i = 0; i < n; i++)
		if (pthread_create(&tid[i], NULL, worker, NULL) != 0)
			return 1;
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	return 0;
}
