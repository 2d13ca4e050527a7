#!/bin/sh
# mcpauth started by spawn-fcgi with fcgi-conf/spawn-fcgi.sh (fd 0 is the
# listening socket), filled in only for paths; and spawn-fcgi -F forking
# two children that share the socket.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"

"$MINT" keygen p256 "$T/k.pem"
"$MINT" jwks "$T/k.pem,e1" > "$T/jwks.json"
printf 'issuer https://as.example jwks=%s\nresource https://mcp.example/mcp\n' \
	"$T/jwks.json" > "$T/m.conf"
tok=$("$MINT" sign "$T/k.pem" ES256 '{"alg":"ES256","kid":"e1"}' \
	"{\"iss\":\"https://as.example\",\"aud\":\"https://mcp.example/mcp\",\"exp\":$(($(date +%s) + 600)),\"sub\":\"dave\"}")

# mcpauth runs as nobody, as it would in production: let it read the files.
chmod -R a+rX "$T"
MCPAUTH_BIN=$MCPAUTH MCPAUTH_CONFIG=$T/m.conf MCPAUTH_SOCKET=$T/s.sock \
	MCPAUTH_SOCKET_USER=nobody MCPAUTH_SOCKET_GROUP=nogroup \
	MCPAUTH_USER=nobody \
	"$top/fcgi-conf/spawn-fcgi.sh" 2> "$T/s.log" &
PIDS="$PIDS $!"
SERVICES="${SERVICES:-} $!"
wait_for test -S "$T/s.sock"
ok $? "spawn-fcgi made the socket"
is "$(stat -c %a "$T/s.sock")" 660 "the socket is 0660"
is "$(ps -o user= -p "$(pgrep -f "$MCPAUTH serve -c $T/m.conf" | head -1)")" nobody \
	"mcpauth runs as the unprivileged user"
fcgi s responder DOCUMENT_URI=/_auth "HTTP_AUTHORIZATION=Bearer $tok"
is "$(status_of) $(header X-Auth-Subject)" "200 dave" "mcpauth serves the socket spawn-fcgi gave it on fd 0"
fcgi s authorizer "HTTP_AUTHORIZATION=Bearer $tok"
is "$(status_of) $(header Variable-REMOTE_USER)" "200 dave" "the authorizer role too"
grep -q "mcpauth: serving fd 0" "$T/s.log"
ok $? "its log reaches stderr (-n)"

# -F 2: two processes share the socket; each answers.
spawn-fcgi -s "$T/f.sock" -F 2 -P "$T/f.pid" -u nobody -g nogroup -- \
	"$MCPAUTH" serve -c "$T/m.conf" > /dev/null 2>&1
wait_for test -S "$T/f.sock"
n=$(pgrep -f "$MCPAUTH serve -c $T/m.conf" | wc -l)
PIDS="$PIDS $(pgrep -f "$MCPAUTH serve -c $T/m.conf" | tr '\n' ' ')"
is "$n" 3 "spawn-fcgi -F 2 started two more processes"
"$FCGI_CLIENT" -n 200 "unix:$T/f.sock" DOCUMENT_URI=/_auth "HTTP_AUTHORIZATION=Bearer $tok" > "$T/n"
is "$(sed 's/ seconds=.*//' "$T/n")" "requests=200 ok=200" "200 requests through the forked children"

finish
