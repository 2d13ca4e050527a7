/*
 * fcgi_null: the transport floor for bench_service.sh.  The same libfcgi
 * use as mcpauth serve (a unix listening socket, N threads each looping
 * FCGX_Accept_r / FCGX_PutStr / FCGX_Finish_r) but no decision: every
 * request gets the same fixed 200 answer, about the size of mcpauth's
 * allow response, and optionally one log line on stderr as mcpauth writes.
 * Its CPU per request is what any libfcgi service pays for a new
 * connection per request on this machine.
 *
 *   fcgi_null /path/to.sock THREADS [log] [detach] [spin=US]
 *
 * "log" writes one line per request to stderr; "detach" calls FCGX_Detach
 * before FCGX_Finish_r, which makes libfcgi close the connection at once
 * instead of shutdown(SHUT_WR) + poll() for the client's EOF (to show what
 * that close handshake costs); "spin=US" burns US microseconds of CPU per
 * request, standing in for a signature check, to show how the transport's
 * own cost changes when requests take longer.  Runs until killed.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

static int listen_fd, do_log, do_detach;
static long spin_ns;

static long long
thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static const char answer[] =
    "Status: 200 OK\r\n"
    "X-Auth-Subject: \"user-0\"\r\n"
    "X-Auth-Client-Id: bench-client\r\n"
    "X-Auth-Scopes: mcp:read mcp:write\r\n"
    "X-Auth-Issuer: https://as.example.com\r\n"
    "X-Auth-Audience: https://mcp.example.com/mcp\r\n"
    "X-Auth-Expires-At: 1700007200\r\n"
    "X-Auth-Claims: eyJpc3MiOiJodHRwczovL2FzLmV4YW1wbGUuY29tIiwic3ViIjoidXNl"
    "ci0wIiwiYXVkIjoiaHR0cHM6Ly9tY3AuZXhhbXBsZS5jb20vbWNwIiwiZXhwIjoxNzAwMDA3"
    "MjAwLCJpYXQiOjE3MDAwMDAwMDAsIm5iZiI6MTcwMDAwMDAwMCwianRpIjoiYmVuY2gtMCIs"
    "ImNsaWVudF9pZCI6ImJlbmNoLWNsaWVudCIsInNjb3BlIjoibWNwOnJlYWQgbWNwOndyaXRl"
    "In0\r\n"
    "X-Accel-Expires: 60\r\n"
    "\r\n";

static void *
worker(void *arg)
{
	static const char line[] = "fcgi_null: decision status=200 error=- "
	    "reason=\"allowed\" resource=https://mcp.example.com/mcp "
	    "sub=\"user-0\" client_id=\"bench-client\" "
	    "iss=https://as.example.com cache=hit us=3\n";
	FCGX_Request rq;

	(void)arg;
	if (FCGX_InitRequest(&rq, listen_fd, 0) != 0)
		return NULL;
	while (FCGX_Accept_r(&rq) >= 0) {
		(void)FCGX_GetParam("HTTP_AUTHORIZATION", rq.envp);
		if (spin_ns > 0) {
			long long end = thread_ns() + spin_ns;

			while (thread_ns() < end)
				;
		}
		FCGX_PutStr(answer, (int)sizeof(answer) - 1, rq.out);
		if (do_log && write(2, line, sizeof(line) - 1) < 0)
			break;
		if (do_detach)
			FCGX_Detach(&rq);
		FCGX_Finish_r(&rq);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t tid[64];
	int i, n;

	if (argc < 3 || (n = atoi(argv[2])) < 1 || n > 64) {
		fprintf(stderr, "usage: fcgi_null /path/to.sock THREADS "
		    "[log] [detach] [spin=US]\n");
		return 2;
	}
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "log") == 0)
			do_log = 1;
		else if (strcmp(argv[i], "detach") == 0)
			do_detach = 1;
		else if (strncmp(argv[i], "spin=", 5) == 0)
			spin_ns = atol(argv[i] + 5) * 1000;
		else
			return fprintf(stderr, "fcgi_null: unknown %s\n",
			    argv[i]), 2;
	}
	if (FCGX_Init() != 0 || (listen_fd = FCGX_OpenSocket(argv[1],
	    1024)) < 0) {
		fprintf(stderr, "fcgi_null: cannot listen on %s\n", argv[1]);
		return 1;
	}
	/* libfcgi turns SIGTERM into a flag its blocked threads never see. */
	signal(SIGTERM, SIG_DFL);
	for (i = 0; i < n; i++)
		pthread_create(&tid[i], NULL, worker, NULL);
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	return 0;
}
