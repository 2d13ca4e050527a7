/* systemd socket activation by hand (sd_listen_fds semantics). */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "num.h"
#include "sdlisten.h"

static void
forget(void)
{
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
}

int
sdlisten_take(int *fd, char *err, size_t errlen)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	long long p, n;
	socklen_t len;
	int on = 0, flags;

	if (pid == NULL || fds == NULL) {
		forget();
		return 0;
	}
	if (num_parse(pid, 1, INT_MAX, &p) == -1) {
		snprintf(err, errlen, "LISTEN_PID \"%.32s\" is not a process id",
		    pid);
		goto fail;
	}
	if (p != (long long)getpid()) {	/* meant for another process */
		forget();
		return 0;
	}
	if (num_parse(fds, 0, 1024, &n) == -1) {
		snprintf(err, errlen, "LISTEN_FDS \"%.32s\" is not a count",
		    fds);
		goto fail;
	}
	if (n == 0) {
		forget();
		return 0;
	}
	if (n != 1) {
		snprintf(err, errlen, "systemd passed %lld sockets; mcpauth "
		    "serves exactly one (one ListenStream= in the .socket)", n);
		goto fail;
	}
	len = sizeof(on);
	if (getsockopt(SDLISTEN_FD, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) != 0
	    || on != 1) {
		snprintf(err, errlen, "fd %d passed by systemd is not a "
		    "listening socket (Accept=no, ListenStream=)", SDLISTEN_FD);
		goto fail;
	}
	/* Like sd_listen_fds: the socket is not leaked into children. */
	if ((flags = fcntl(SDLISTEN_FD, F_GETFD)) != -1)
		fcntl(SDLISTEN_FD, F_SETFD, flags | FD_CLOEXEC);
	forget();
	*fd = SDLISTEN_FD;
	return 1;
fail:
	forget();
	return -1;
}
