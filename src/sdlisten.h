/*
 * sdlisten: systemd socket activation, the sd_listen_fds(3) protocol
 * without libsystemd.  systemd passes listening sockets from fd 3 on and
 * says so in LISTEN_PID (the receiving process) and LISTEN_FDS (how many).
 */
#ifndef MCPAUTH_SDLISTEN_H
#define MCPAUTH_SDLISTEN_H

#include <stddef.h>

#define SDLISTEN_FD 3	/* SD_LISTEN_FDS_START */

/*
 * Take the socket passed to this process.  LISTEN_PID, LISTEN_FDS and
 * LISTEN_FDNAMES are removed from the environment in every case, so that
 * no child inherits them.  Returns 1 with *fd set when exactly one
 * listening socket was passed to this very process; 0 when none was
 * (variables unset, or LISTEN_PID names another process); -1 with a
 * reason in err (errlen bytes) when the variables are malformed, name
 * more than one socket, or fd 3 is not a listening socket.
 */
int sdlisten_take(int *fd, char *err, size_t errlen);

#endif
