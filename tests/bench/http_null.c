/*
 * http_null: the HTTP transport floor for bench_nginx.sh.  libmicrohttpd
 * used as mcpauth serve --http uses it (a unix listening socket, a pool of
 * THREADS epoll threads, keep-alive, the answer queued on the access
 * handler's second call) but no decision: every request gets the same
 * bare status and no body.
 *
 *   http_null /path/to.sock [THREADS] [200|401]
 *
 * Runs until SIGTERM or SIGINT.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <microhttpd.h>

static struct MHD_Response *answer;
static unsigned int status = 200;

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **ctx)
{
	static int first;

	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)upload;
	(void)upload_size;
	if (*ctx == NULL) {
		*ctx = &first;
		return MHD_YES;
	}
	return MHD_queue_response(c, status, answer);
}

int
main(int argc, char **argv)
{
	struct sockaddr_un sun;
	struct MHD_Daemon *d;
	sigset_t set;
	int fd, threads = argc > 2 ? atoi(argv[2]) : 2, sig;

	if (argc < 2 || strlen(argv[1]) >= sizeof(sun.sun_path) ||
	    threads < 1 || threads > 64) {
		fprintf(stderr, "usage: http_null /path/to.sock [THREADS] "
		    "[200|401]\n");
		return 2;
	}
	if (argc > 3 && strcmp(argv[3], "401") == 0)
		status = 401;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, argv[1], strlen(argv[1]) + 1);
	unlink(argv[1]);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, 1024) == -1) {
		perror("http_null");
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	answer = MHD_create_response_from_buffer(0, NULL,
	    MHD_RESPMEM_PERSISTENT);
	d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO,
	    0, NULL, NULL, on_request, NULL,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, 75u,
	    MHD_OPTION_END);
	if (answer == NULL || d == NULL) {
		fprintf(stderr, "http_null: cannot start\n");
		return 1;
	}
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	MHD_destroy_response(answer);
	return 0;
}
