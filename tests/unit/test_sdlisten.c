/* Socket activation: sd_listen_fds semantics, the variables always unset. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sdlisten.h"
#include "tap.h"

static char err[256];

/* Put a fresh socket on fd 3, listening or not. */
static void
socket_on_3(int listening)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (listening)
		listen(s, 1);
	if (s != SDLISTEN_FD) {
		dup2(s, SDLISTEN_FD);
		close(s);
	}
}

static void
set_env(const char *pid, const char *fds)
{
	char me[32];

	if (pid == NULL) {
		snprintf(me, sizeof(me), "%ld", (long)getpid());
		pid = me;
	}
	setenv("LISTEN_PID", pid, 1);
	setenv("LISTEN_FDS", fds, 1);
	setenv("LISTEN_FDNAMES", "mcpauth.socket", 1);
}

static int
env_gone(void)
{
	return getenv("LISTEN_PID") == NULL && getenv("LISTEN_FDS") == NULL &&
	    getenv("LISTEN_FDNAMES") == NULL;
}

/* sdlisten_take's result, fd -1 when it set none. */
static int
take(int *fd)
{
	*fd = -1;
	err[0] = '\0';
	return sdlisten_take(fd, err, sizeof(err));
}

int
main(void)
{
	char other[32];
	int fd, flags;

	socket_on_3(1);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	is_int(take(&fd), 0, "no variables: not activated");
	is_int(fd, -1, "no variables: no fd");

	set_env(NULL, "1");
	is_int(take(&fd), 1, "LISTEN_PID is this process: activated");
	is_int(fd, 3, "the socket is fd 3");
	ok(env_gone(), "the variables are unset after reading");
	ok((flags = fcntl(3, F_GETFD)) != -1 && (flags & FD_CLOEXEC),
	    "fd 3 is close-on-exec");

	snprintf(other, sizeof(other), "%ld", (long)getpid() + 1);
	set_env(other, "1");
	is_int(take(&fd), 0, "LISTEN_PID of another process: ignored");
	is_int(fd, -1, "another process: no fd");
	ok(env_gone(), "another process: the variables are unset too");

	set_env(NULL, "0");
	is_int(take(&fd), 0, "LISTEN_FDS=0: not activated");

	set_env(NULL, "2");
	is_int(take(&fd), -1, "two sockets: refused");
	is_str(err, "systemd passed 2 sockets; mcpauth serves exactly one "
	    "(one ListenStream= in the .socket)", "two sockets: the reason");
	ok(env_gone(), "two sockets: the variables are unset");

	set_env(NULL, "1x");
	is_int(take(&fd), -1, "malformed LISTEN_FDS: refused");
	is_str(err, "LISTEN_FDS \"1x\" is not a count", "malformed count: reason");
	set_env("-5", "1");
	is_int(take(&fd), -1, "malformed LISTEN_PID: refused");
	is_str(err, "LISTEN_PID \"-5\" is not a process id",
	    "malformed pid: the reason");

	socket_on_3(0);
	set_env(NULL, "1");
	is_int(take(&fd), -1, "fd 3 not listening: refused");
	is_str(err, "fd 3 passed by systemd is not a listening socket "
	    "(Accept=no, ListenStream=)", "not listening: the reason");
	close(3);
	set_env(NULL, "1");
	is_int(take(&fd), -1, "fd 3 closed: refused");
	is_int(fd, -1, "fd 3 closed: no fd");
	return tap_done();
}
