#!/bin/sh
# Start mcpauth under spawn-fcgi on a unix socket that nginx can use.
# Edit the paths and users below, or set them in the environment.
#
# spawn-fcgi binds the socket, puts it on fd 0 and execs mcpauth, which
# serves it with one thread per CPU.  -n keeps it in the foreground with
# stderr intact (for a supervisor such as systemd or runit); without -n,
# spawn-fcgi discards mcpauth's log.  With TCP (-a/-p), always bind
# 127.0.0.1: spawn-fcgi's default is every address.
BIN=${MCPAUTH_BIN:-/usr/local/bin/mcpauth}
CONFIG=${MCPAUTH_CONFIG:-/etc/mcpauth/mcpauth.conf}
SOCKET=${MCPAUTH_SOCKET:-/run/mcpauth/mcpauth.sock}
SOCKET_USER=${MCPAUTH_SOCKET_USER:-www-data}	# nginx's user
SOCKET_GROUP=${MCPAUTH_SOCKET_GROUP:-www-data}	# and group
RUN_AS=${MCPAUTH_USER:-nobody}			# mcpauth's own user
RUN_GROUP=${MCPAUTH_GROUP:-nogroup}		# and group

exec spawn-fcgi -n -s "$SOCKET" -M 0660 -U "$SOCKET_USER" -G "$SOCKET_GROUP" \
	-u "$RUN_AS" -g "$RUN_GROUP" -- "$BIN" serve -c "$CONFIG"
