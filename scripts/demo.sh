#!/bin/sh
# make demo: a local issuer (keys made here), mcpauth, nginx and a small
# app on loopback, then three requests: a 401, a 403 and a 200.
# Stop it with `make demo-stop` (or scripts/demo.sh stop).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
D=$top/build/demo
PORT=${DEMO_PORT:-8088}
APP_PORT=${DEMO_APP_PORT:-8089}

stop() {
	[ -f "$D/pids" ] || return 0
	for p in $(cat "$D/pids"); do kill "$p" 2>/dev/null || true; done
	rm -f "$D/pids"
}
if [ "${1:-}" = stop ]; then
	stop
	echo "demo stopped"
	exit 0
fi
stop
mkdir -p "$D"
cd "$D"

# 1. A local issuer: a key pair made now, its key set and metadata.
ISS=https://issuer.demo.local
"$top/build/mint" keygen rsa2048 issuer-key.pem
"$top/build/mint" jwks issuer-key.pem,demo-key-1,RS256,sig > jwks.json
printf '{"issuer":"%s","jwks_uri":"%s/jwks.json","token_endpoint":"%s/token"}\n' \
	"$ISS" "$ISS" "$ISS" > issuer-metadata.json
cat > mcpauth.conf <<CONF
# The demo's mcpauth configuration (see README for every directive).
issuer $ISS jwks=jwks.json metadata=issuer-metadata.json
resource https://mcp.demo.local/mcp
    scopes_supported mcp:tools mcp:admin
    required_scopes mcp:tools
CONF
"$top/build/mcpauth" check-config -c mcpauth.conf > /dev/null

# 2. mcpauth, the app and nginx (fcgi-conf/nginx, ports and paths filled in).
: > pids
rm -f mcpauth.sock
# Run as yourself; as root the demo says so explicitly (--allow-root).
root=""
[ "$(id -u)" -eq 0 ] && root=--allow-root
"$top/build/mcpauth" serve -c mcpauth.conf --listen "unix:$D/mcpauth.sock" \
	$root > /dev/null 2> mcpauth.log &
echo $! >> pids
python3 "$top/tests/tools/echo_app.py" --port "$APP_PORT" > /dev/null 2>&1 &
echo $! >> pids
sh "$top/scripts/local-nginx.sh" "$D/nginx" "$D/mcpauth.sock" "$APP_PORT" "$PORT"
nginx -p "$D/nginx" -c "$D/nginx/nginx.conf" > /dev/null 2> nginx.log &
echo $! >> pids
i=0
until curl -s -o /dev/null "http://127.0.0.1:$PORT/" &&
    curl -s -o /dev/null "http://127.0.0.1:$APP_PORT/"; do
	i=$((i + 1))
	if [ $i -gt 100 ]; then
		echo "demo: nginx or the app did not start on port $PORT or" \
		    "$APP_PORT (busy? set DEMO_PORT, DEMO_APP_PORT)" >&2
		cat nginx.log nginx/error.log >&2
		stop
		exit 1
	fi
	sleep 0.1
done

# 3. A token from the local issuer, with scope mcp:tools only.
now=$(date +%s)
TOKEN=$("$top/build/mint" sign issuer-key.pem RS256 \
	'{"alg":"RS256","typ":"at+jwt","kid":"demo-key-1"}' \
	"{\"iss\":\"$ISS\",\"aud\":\"https://mcp.demo.local/mcp\",\"sub\":\"alice\",\"client_id\":\"demo-client\",\"scope\":\"mcp:tools\",\"iat\":$now,\"exp\":$((now + 3600))}")
echo "$TOKEN" > token.txt

show() {	# show TITLE CURL-ARGS...
	title=$1
	shift
	echo
	echo "=== $title"
	printf '$ curl -i'
	for a in "$@"; do
		case "$a" in *" "*) printf " '%s'" "$a" ;; *) printf ' %s' "$a" ;; esac
	done | sed "s/$TOKEN/\$TOKEN/"
	echo
	curl -s -i "$@" | tr -d '\r' | grep -v '^Date:\|^Server:\|^Connection:\|^Content-Length:'
	echo
}
URL=http://127.0.0.1:$PORT
show "1. No token: 401 and where to find the authorization server" "$URL/mcp"
show "2. A valid token without mcp:admin on /admin: 403 insufficient_scope" \
	-H "Authorization: Bearer $TOKEN" "$URL/admin"
show "3. A valid token on /mcp: 200; the app received the caller's identity" \
	-H "Authorization: Bearer $TOKEN" "$URL/mcp"
cat <<MSG

The demo runs on $URL (mcpauth log: $D/mcpauth.log).
Token: $D/token.txt   Metadata: $URL/.well-known/oauth-protected-resource/mcp
Stop it with: make demo-stop
MSG
