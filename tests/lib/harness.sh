# harness.sh: start and stop real processes for integration tests.
# Source after tap.sh.  Everything started here is killed on exit.
top=$(cd "$(dirname "$0")/../.." && pwd)
MCPAUTH=${MCPAUTH:-$top/build/mcpauth}
MINT=${MINT:-$top/build/mint}
FCGI_CLIENT=${FCGI_CLIENT:-$top/build/fcgi_client}
T=$(mktemp -d)
PIDS=""

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT

# wait_for COMMAND...: retry for up to 15 s until the command succeeds.
wait_for() {
	i=0
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -ge 150 ] && return 1
		sleep 0.1
	done
}

# start_issuer DIR: serve DIR over HTTP on loopback; sets ISSUER (URL base).
start_issuer() {
	rm -f "$T/issuer.port"
	python3 "$top/tests/tools/issuer.py" --port 0 --root "$1" \
		--portfile "$T/issuer.port" &
	PIDS="$PIDS $!"
	wait_for test -s "$T/issuer.port" || { echo "# issuer did not start"; exit 1; }
	ISSUER="http://127.0.0.1:$(cat "$T/issuer.port")"
}

# issuer_ctl PATH-AND-QUERY: a control request to the test issuer.
issuer_ctl() {
	curl -sf "$ISSUER/_control/$1"
}

# local_issuer: a signing key (kid k1) in $T/k.pem, its key set in
# $T/jwks.json and the authorization server's metadata in $T/as.json, for
# the issuer $ISS; the protected resource $RES and its metadata URL $MD_URL.
local_issuer() {
	"$MINT" keygen rsa2048 "$T/k.pem"
	"$MINT" jwks "$T/k.pem,k1" > "$T/jwks.json"
	ISS=https://as.example.com
	printf '{"issuer":"%s","jwks_uri":"%s/jwks","token_endpoint":"%s/token"}' \
		"$ISS" "$ISS" "$ISS" > "$T/as.json"
	RES=https://mcp.example.com/mcp
	MD_URL=https://mcp.example.com/.well-known/oauth-protected-resource/mcp
}

# start_mcpauth NAME CONF [ARGS...]: serve on unix:$T/NAME.sock.
start_mcpauth() {
	name=$1 conf=$2
	shift 2
	rm -f "$T/$name.sock"
	# The tests run as root; production would use --user (see test_privs).
	root=""
	[ "$(id -u)" -eq 0 ] && root=--allow-root
	"$MCPAUTH" serve -c "$conf" --listen "unix:$T/$name.sock" $root "$@" \
		2>> "$T/$name.log" &
	eval "PID_$name=$!"
	PIDS="$PIDS $!"
	SERVICES="${SERVICES:-} $!"
	wait_for test -S "$T/$name.sock" || { echo "# mcpauth did not start"; cat "$T/$name.log"; exit 1; }
}

# fcgi NAME ROLE PARAMS...: one request; sets out (CR removed) and rc.
fcgi() {
	name=$1 role=$2
	shift 2
	"$FCGI_CLIENT" -r "$role" "unix:$T/$name.sock" "$@" > "$T/out" 2>/dev/null
	rc=$?
	out=$(tr -d '\r' < "$T/out")
}

# status_of: the Status line's code from $out.
status_of() {
	printf '%s\n' "$out" | sed -n 's/^Status: \([0-9]*\).*/\1/p' | head -1
}

# header NAME: the value of a header in $out ("" if absent).
header() {
	printf '%s\n' "$out" | sed -n '/^$/q; s/^'"$1"': //p' | head -1
}

# body: what follows the blank line in $out.
body() {
	printf '%s\n' "$out" | sed '1,/^$/d'
}

# stop_mcpauth NAME: SIGTERM the mcpauth started as NAME and check that
# it exits cleanly.
stop_mcpauth() {
	eval "_p=\$PID_$1"
	kill -TERM "$_p" 2>/dev/null
	wait "$_p" 2>/dev/null
	ok $? "mcpauth $1 stopped cleanly on SIGTERM"
}

# finish: stop every mcpauth started here, check that each exited cleanly
# with no sanitizer report in its log, and close the TAP stream.
finish() {
	bad=0
	for p in ${SERVICES:-}; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
		st=$?
		# 127: the test itself already waited for it.
		[ "$st" -eq 0 ] || [ "$st" -eq 127 ] || bad=1
	done
	SERVICES=""
	ok $bad "every mcpauth stopped cleanly on SIGTERM"
	! grep -l "Sanitizer\|runtime error" "$T"/*.log >/dev/null 2>&1
	ok $? "no sanitizer report in any log"
	tap_done
}

# free_port: a TCP port on loopback that nothing listens on now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# free_ports N: N distinct such ports, on one line.
free_ports() {
	python3 -c '
import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))' "$1"
}

# start_app: the echo app; sets APP_PORT.
start_app() {
	rm -f "$T/app.port"
	python3 "$top/tests/tools/echo_app.py" --port 0 --portfile "$T/app.port" &
	PIDS="$PIDS $!"
	wait_for test -s "$T/app.port" || { echo "# app did not start"; exit 1; }
	APP_PORT=$(cat "$T/app.port")
}

# start_nginx SOCKET [cache]: nginx with fcgi-conf/nginx (on $NGINX_PORT if
# set; mcpauth-http.conf, mcpauth over HTTP at SOCKET, if NGINX_HTTP is
# set), filled in only
# for ports and paths (scripts/local-nginx.sh); mcpauth at SOCKET, the app
# at APP_PORT.  Sets NGINX (URL).
start_nginx() {
	NGINX_PORT=${NGINX_PORT:-$(free_port)}
	rm -rf "$T/nginx"
	sh "$top/scripts/local-nginx.sh" "$T/nginx" "$1" "$APP_PORT" \
		"$NGINX_PORT" "${2:-}" ${NGINX_HTTP:+http}
	nginx -p "$T/nginx" -c "$T/nginx/nginx.conf" 2>> "$T/nginx.log" &
	NGINX_PID=$!
	PIDS="$PIDS $!"
	NGINX="http://127.0.0.1:$NGINX_PORT"
	wait_for curl -s -o /dev/null "$NGINX/" || { echo "# nginx did not start"; cat "$T/nginx/error.log"; exit 1; }
}

stop_nginx() {
	kill "$NGINX_PID" 2>/dev/null
	wait "$NGINX_PID" 2>/dev/null
}

# get URL [CURL-ARGS...]: sets out (headers and body, CR removed).
get() {
	u=$1
	shift
	curl -s -i "$@" "$u" | tr -d '\r' > "$T/out"
	out=$(cat "$T/out")
}

# http_status: the status code of the HTTP response in $out.
http_status() {
	printf '%s\n' "$out" | sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p'
}

# http_ask NAME PARAMS...: the request that `fcgi NAME responder PARAMS...`
# describes, sent over HTTP to mcpauth's --http unix:$T/NAME.http as a
# forward-auth proxy would send it: a metadata DOCUMENT_URI as the path
# with REQUEST_METHOD as the method; any other path as /auth with
# MCPAUTH_RESOURCE and MCPAUTH_REQUIRED_SCOPES in the policy query and
# REQUEST_METHOD in X-Original-Method; HTTP_X_Y=v as the header X-Y: v;
# QUERY_STRING as the query of X-Original-URI.  The answer is put in the
# CGI form fcgi gives (Status line, headers, blank line, body) without
# the HTTP layer's own Date and Content-Length; a Content-Length that is
# not the body's length leaves out="bad Content-Length".
http_ask() {
	name=$1
	shift
	set -- "$@" END_OF_PARAMS
	path="" method="" sn="" pi="" q=""
	while [ "$1" != END_OF_PARAMS ]; do
		k=${1%%=*} v=${1#*=}
		shift
		case $k in
		DOCUMENT_URI) path=$v ;;
		SCRIPT_NAME) sn=$v ;;
		PATH_INFO) pi=$v ;;
		REQUEST_METHOD) method=$v ;;
		QUERY_STRING) q=$v ;;
		MCPAUTH_RESOURCE) set -- "$@" --data-urlencode "resource=$v" ;;
		MCPAUTH_REQUIRED_SCOPES) set -- "$@" --data-urlencode "scopes=$v" ;;
		HTTP_*)
			h=$(printf '%s' "${k#HTTP_}" | tr '_' '-')
			if [ -n "$v" ]; then set -- "$@" -H "$h: $v"; else set -- "$@" -H "$h;"; fi ;;
		esac
	done
	shift
	[ -z "$path" ] && path=$sn$pi
	case $path in
	/.well-known/*)
		case $method in
		HEAD) set -- "$@" -I ;;
		?*) set -- "$@" -X "$method" ;;
		esac ;;
	*)
		path=/auth
		[ -n "$method" ] && set -- "$@" -H "X-Original-Method: $method"
		[ -n "$q" ] && set -- "$@" -H "X-Original-URI: /mcp?$q" ;;
	esac
	curl -s -i -G --unix-socket "$T/$name.http" "$@" "http://mcpauth$path" > "$T/out.http"
	rc=$?
	out=$(HEAD_REQ=$method python3 - "$T/out.http" <<'PY'
import os, sys
raw = open(sys.argv[1], "rb").read()
head, _, body = raw.partition(b"\r\n\r\n")
lines = head.decode("latin-1").split("\r\n")
status = lines[0].split(" ", 1)[1] if lines[0].startswith("HTTP/1.1 ") else "?"
keep, length = [], None
for l in lines[1:]:
    n, _, v = l.partition(": ")
    if n.lower() == "date":
        continue
    if n.lower() == "content-length":
        length = int(v)
        continue
    keep.append(l)
if length is not None and length != len(body) and os.environ["HEAD_REQ"] != "HEAD":
    print("bad Content-Length")
else:
    sys.stdout.write("\n".join(["Status: " + status] + keep) + "\n\n" + body.decode("latin-1"))
PY
)
}

# ask NAME ROLE PARAMS...: fcgi over FastCGI, or http_ask when TRANSPORT
# is http (the responder role: HTTP has no authorizer).
ask() {
	if [ "${TRANSPORT:-fcgi}" = http ]; then
		_n=$1
		shift 2
		http_ask "$_n" "$@"
	else
		fcgi "$@"
	fi
}

# start_caddy SOCKET RESOURCE: Caddy with fcgi-conf/caddy/Caddyfile (on
# $CADDY_PORT if set), filled in only for the address, mcpauth's HTTP
# socket, the resource of the policy and the app at APP_PORT, plus
# global options for a test (no admin endpoint, no automatic HTTPS, its
# files under $T).  Sets CADDY (URL).
start_caddy() {
	CADDY_PORT=${CADDY_PORT:-$(free_port)}
	mkdir -p "$T/caddy"
	{
		printf '{\n\tadmin off\n\tauto_https off\n}\n'
		sed -e "s|^mcp.example.com {|http://127.0.0.1:$CADDY_PORT {|" \
		    -e "s|unix//run/mcpauth/mcpauth-http.sock|unix/$1|" \
		    -e "s|resource=https://mcp.example.com/mcp|resource=$2|" \
		    -e "s|127.0.0.1:3000|127.0.0.1:$APP_PORT|" \
		    "$top/fcgi-conf/caddy/Caddyfile"
	} > "$T/caddy/Caddyfile"
	HOME=$T/caddy XDG_DATA_HOME=$T/caddy XDG_CONFIG_HOME=$T/caddy \
		caddy run --config "$T/caddy/Caddyfile" --adapter caddyfile \
		> "$T/caddy/caddy.out" 2>&1 &
	CADDY_PID=$!
	PIDS="$PIDS $!"
	CADDY="http://127.0.0.1:$CADDY_PORT"
	wait_for curl -s -o /dev/null "$CADDY/.well-known/oauth-authorization-server" ||
		{ echo "# caddy did not start"; tail -n 5 "$T/caddy/caddy.out"; exit 1; }
}

# http_counts NAME: "C connections accepted, R requests answered" from
# the log of the mcpauth NAME, once it has stopped.
http_counts() {
	sed -n 's/.*http: \([0-9]* connections accepted, [0-9]* requests answered\)$/\1/p' "$T/$1.log" | tail -n 1
}
