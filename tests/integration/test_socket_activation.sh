#!/bin/sh
# systemd socket activation without systemd: a listening unix socket on
# fd 3 with LISTEN_FDS=1 and LISTEN_PID, as systemd passes it, serves
# decisions through real nginx; a LISTEN_PID of another process is
# ignored; a passed socket and --listen together are refused.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"

# python3 -c "$ACTIVATE" SOCKET PID CMD...: bind and listen on SOCKET, put
# it on fd 3, then exec CMD with LISTEN_FDS=1 and LISTEN_PID=PID; PID '$$'
# is CMD's own pid (sh execs it, keeping its pid, which is python's).
ACTIVATE='
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(128)
if s.fileno() != 3:
    os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
env = dict(os.environ, LISTEN_FDS="1")
env.pop("GATEWAY_INTERFACE", None)
os.execve("/bin/sh", ["sh", "-c", "LISTEN_PID=%s; export LISTEN_PID; exec \"$@\"" % sys.argv[2], "sh"] + sys.argv[3:], env)
'

"$MINT" keygen p256 "$T/k.pem"
"$MINT" jwks "$T/k.pem,k1" > "$T/jwks.json"
ISS=https://as.example.com
RES=https://mcp.example.com/mcp
MD_URL=https://mcp.example.com/.well-known/oauth-protected-resource/mcp
cat > "$T/m.conf" <<CONF
issuer $ISS jwks=$T/jwks.json
resource $RES
    required_scopes mcp:tools
CONF
root=""
[ "$(id -u)" -eq 0 ] && root=--allow-root

python3 -c "$ACTIVATE" "$T/sd.sock" '$$' "$MCPAUTH" serve -c "$T/m.conf" $root \
	< /dev/null 2>> "$T/sd.log" &
PID_sd=$!
PIDS="$PIDS $PID_sd"
SERVICES="${SERVICES:-} $PID_sd"
wait_for grep -q "serving" "$T/sd.log"
is "$(sed -n 's/^mcpauth: \(serving [^(]*(systemd)\).*/\1/p' "$T/sd.log")" \
	"serving fd 3 (systemd)" "mcpauth serves the socket systemd passed on fd 3"
start_app
start_nginx "$T/sd.sock"

now=$(date +%s)
tok=$("$MINT" sign "$T/k.pem" ES256 '{"alg":"ES256","kid":"k1"}' \
	"{\"iss\":\"$ISS\",\"aud\":\"$RES\",\"exp\":$((now + 600)),\"sub\":\"alice\",\"scope\":\"mcp:tools\"}")
get "$NGINX/mcp"
is "$(http_status)" 401 "no token: 401 through nginx"
is "$(header WWW-Authenticate)" "Bearer resource_metadata=\"$MD_URL\", scope=\"mcp:tools\"" \
	"no token: the challenge byte for byte"
get "$NGINX/mcp/x" -H "Authorization: Bearer $tok"
is "$(http_status)" 200 "valid token: 200 from the app"
app_sub=$(printf '%s\n' "$out" | sed '1,/^$/d' | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["headers"].get("x-auth-subject", ""))')
is "$app_sub" alice "the app receives the caller's identity"
get "$NGINX/admin" -H "Authorization: Bearer $tok"
is "$(http_status)" 403 "missing scope: 403"
is "$(grep -c 'decision status=' "$T/sd.log")" 3 "the activated process made every decision"

# LISTEN_PID names another process (here pid 1): the variables are not
# for us, so there is no socket to serve.
python3 -c "$ACTIVATE" "$T/other.sock" 1 "$MCPAUTH" serve -c "$T/m.conf" $root \
	< /dev/null > "$T/o.out" 2> "$T/o.err"
is "$?" 2 "a LISTEN_PID of another process is ignored: nothing to serve, exit 2"
is "$(cat "$T/o.err")" "mcpauth: nothing to serve: fd 0 is not a socket and no --listen was given (see mcpauth --help)" \
	"ignored: the reason"

python3 -c "$ACTIVATE" "$T/both.sock" '$$' "$MCPAUTH" serve -c "$T/m.conf" $root \
	--listen "unix:$T/listen.sock" < /dev/null 2> "$T/b.err"
is "$?" 2 "a passed socket and --listen together: exit 2"
is "$(cat "$T/b.err")" "mcpauth: systemd passed a socket and --listen names another: use one" \
	"both: the reason"
test ! -e "$T/listen.sock"
ok $? "both: nothing was bound"

finish
