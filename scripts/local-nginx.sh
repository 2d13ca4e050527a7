#!/bin/sh
# Write an nginx configuration that runs the fcgi-conf/nginx files on
# loopback, filled in only for ports and paths.  Used by `make demo` and
# the tests.
#
# usage: scripts/local-nginx.sh DIR SOCKET APP_PORT NGINX_PORT [cache] [http]
#   DIR        where nginx.conf and nginx's own files go (created)
#   SOCKET     mcpauth's unix socket
#   APP_PORT   the MCP app on 127.0.0.1
#   NGINX_PORT where nginx listens on 127.0.0.1
#   cache      switch on the documented decision cache (mcpauth-cache.conf)
#   http       mcpauth-http.conf (mcpauth serve --http on SOCKET) instead
#              of mcpauth.conf (FastCGI)
# MCPAUTH_NGINX_CONF, if set, is the directory of the nginx files (the
# installed package's examples); else fcgi-conf/nginx.
# Then run: nginx -p DIR -c DIR/nginx.conf
set -eu
dir=$1 sock=$2 app=$3 port=$4
shift 4
cache="" site=mcpauth.conf
for a in "$@"; do
	case $a in
	cache) cache=cache ;;
	http) site=mcpauth-http.conf ;;
	esac
done
top=$(cd "$(dirname "$0")/.." && pwd)
src=${MCPAUTH_NGINX_CONF:-$top/fcgi-conf/nginx}
mkdir -p "$dir/cache" "$dir/tmp"
for f in mcpauth-fastcgi.conf mcpauth-proxy.conf mcpauth-cache.conf \
    mcpauth-http-auth.conf mcpauth-http-cache.conf; do
	cp "$src/$f" "$dir/$f"
done
cache_on=""
[ "$cache" = cache ] && cache_on="s|^\( *\)# \(include .*mcpauth-\(http-\)*cache.conf;\)|\1\2|"
sed -e "s|listen 8080;|listen 127.0.0.1:$port;|" \
    -e "s|unix:/run/mcpauth/mcpauth.sock|unix:$sock|" \
    -e "s|unix:/run/mcpauth/mcpauth-http.sock|unix:$sock|" \
    -e "s|127.0.0.1:3000|127.0.0.1:$app|" \
    -e "s|/etc/nginx/|$dir/|g" \
    -e "s|/var/cache/nginx/mcpauth-http|$dir/cache|" \
    -e "s|/var/cache/nginx/mcpauth|$dir/cache|" \
    -e "$cache_on" \
    "$src/$site" > "$dir/site.conf"
# Started by root, nginx's workers would run as an unprivileged user that
# cannot reach a socket in a private directory: keep them as the caller.
user=""
[ "$(id -u)" -eq 0 ] && user="user root root;"
cat > "$dir/nginx.conf" <<CONF
daemon off;
$user
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log info;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    include $dir/site.conf;
}
CONF
