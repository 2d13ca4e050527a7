#!/bin/sh
# The shipped recipes under attack, as operators copy them:
#   - path confusion: one table of request paths, each sent with a token
#     good only for /mcp, through nginx (fcgi-conf/nginx); every path is
#     either refused or reaches the app as the normalised path whose
#     policy decided it, never a raw path that names another location;
#   - nginx's decision cache (mcpauth-cache.conf), one zone shared by two
#     server blocks: a decision is never reused across servers, resources
#     or MCP operations.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"

"$MINT" keygen rsa2048 "$T/k.pem"
"$MINT" jwks "$T/k.pem,k1" > "$T/jwks.json"
ISS=https://as.example.com
printf '{"issuer":"%s","jwks_uri":"%s/jwks","token_endpoint":"%s/token"}' \
	"$ISS" "$ISS" "$ISS" > "$T/as.json"
RES_A=https://mcp.example.com/mcp
RES_B=https://b.example.com/mcp
cat > "$T/m.conf" <<CONF
issuer $ISS jwks=$T/jwks.json metadata=$T/as.json
resource $RES_A
    scopes_supported mcp:tools mcp:admin
    required_scopes mcp:tools
resource $RES_B
    required_scopes mcp:tools
CONF
start_mcpauth m "$T/m.conf"
decisions() { grep -c "decision status=" "$T/m.log"; }

# The echo app, logging every request target it receives.
: > "$T/app.log"
python3 "$top/tests/tools/echo_app.py" --port 0 --portfile "$T/app.port" \
	--log "$T/app.log" &
PIDS="$PIDS $!"
wait_for test -s "$T/app.port" || { echo "# app did not start"; exit 1; }
APP_PORT=$(cat "$T/app.port")
app_hits() { wc -l < "$T/app.log" | tr -d ' '; }

now=$(date +%s)
token() {	# token AUDIENCE SCOPE JTI
	"$MINT" sign "$T/k.pem" RS256 '{"alg":"RS256","kid":"k1"}' \
		"{\"iss\":\"$ISS\",\"aud\":\"$1\",\"exp\":$((now + 600)),\"sub\":\"alice\",\"scope\":\"$2\",\"jti\":\"$3\"}"
}
tok_a=$(token "$RES_A" mcp:tools a)	# good for /mcp of server A only

# --- nginx: the shipped files, two server blocks, one cache zone ---------------
# Server A is the shipped server block with only ports and paths filled in
# (scripts/local-nginx.sh) and the cache switched on; server B is the same
# block again on its own port, with its own name and resource: what an
# operator does for a second MCP server.  Each names its resource in the
# auth locations, as the shipped file asks when mcpauth has several.
set -- $(python3 -c '
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
NA=$1 NB=$2
sh "$top/scripts/local-nginx.sh" "$T/nginx" "$T/m.sock" "$APP_PORT" "$NA" cache
site=$T/nginx/site.conf
set_resource='s|set $mcpauth_resource "";|set $mcpauth_resource "'
sed -n '/^server {/,/^}/p' "$site" | sed -e "s|listen 127.0.0.1:$NA;|listen 127.0.0.1:$NB;|" \
	-e 's|server_name mcp.example.com;|server_name b.example.com;|' \
	-e "$set_resource$RES_B\";|" > "$T/server-b.conf"
sed -i "$set_resource$RES_A\";|" "$site"
cat "$T/server-b.conf" >> "$site"
is "$(grep -c "set \$mcpauth_resource \"$RES_A\";" "$site") $(grep -c "set \$mcpauth_resource \"$RES_B\";" "$site") $(grep -c '^ *include .*mcpauth-cache.conf;' "$site")" \
	"2 2 4" "two server blocks, each auth location names its resource and caches"
nginx -p "$T/nginx" -c "$T/nginx/nginx.conf" 2>> "$T/nginx.log" &
PIDS="$PIDS $!"
A=http://127.0.0.1:$NA B=http://127.0.0.1:$NB
wait_for curl -so /dev/null "$A/" && wait_for curl -so /dev/null "$B/" ||
    { echo "# nginx did not start"; cat "$T/nginx.log" "$T/nginx/error.log"; exit 1; }

# send URL [CURL-ARGS...]: one request with the path as given; sets code
# and got (what the app says it received: its request target, or "-").
send() {
	u=$1
	shift
	code=$(curl -s --path-as-is -o "$T/b" -w '%{http_code}' "$@" "$u")
	got=$(python3 -c '
import json, sys
try:
    print(json.load(open(sys.argv[1]))["path"])
except (ValueError, KeyError):
    print("-")' "$T/b")
}

# --- the decision cache across server blocks ------------------------------------
# The reported case, in its order: B refuses, A allows and stores, B again.
send "$B/mcp" -H "Authorization: Bearer $tok_a"
is "$code $got" "401 -" "server B refuses a token for server A's resource"
send "$A/mcp" -H "Authorization: Bearer $tok_a"
n=$(decisions)
send "$A/mcp" -H "Authorization: Bearer $tok_a"
is "$code $(decisions)" "200 $n" "server A allows it; a repeat is answered from the cache"
send "$B/mcp" -H "Authorization: Bearer $tok_a"
is "$code $got $(decisions)" "401 - $((n + 1))" \
	"server B, after server A cached an allow for the token: still 401, asked mcpauth"
send "$B/mcp" -H "Authorization: Bearer $tok_a" -H "Host: mcp.example.com"
is "$code $got $(decisions)" "401 - $((n + 2))" \
	"server B with server A's name in Host: still 401 (the key holds the configured server, not Host)"
tok_b=$(token "$RES_B" mcp:tools b)
send "$B/mcp" -H "Authorization: Bearer $tok_b"
send "$B/mcp" -H "Authorization: Bearer $tok_b"
is "$code $got" "200 /mcp" "server B allows its own token, from the cache too"
send "$A/mcp" -H "Authorization: Bearer $tok_b"
is "$code $got" "401 -" "and server A still refuses it"

# --- path confusion --------------------------------------------------------------
# PATH, then what nginx must do with it: "200 TARGET" (the /mcp policy
# allowed it and the app received TARGET) or a refusal's status.  The
# token lacks mcp:admin, so any path nginx files under /admin is a 403.
cat > "$T/paths" <<'TABLE'
/mcp                            200 /mcp
/mcp/sub                        200 /mcp/sub
/admin                          403
/admin/x                        403
/admin/../mcp                   200 /mcp
/admin/..%2Fmcp                 200 /mcp
/admin/%2e%2e/mcp               200 /mcp
/admin/%2E%2E%2Fmcp             200 /mcp
/admin/.%2e/mcp                 200 /mcp
/admin/./../mcp                 200 /mcp
/./admin/../mcp                 200 /mcp
//mcp                           200 /mcp
//mcp//sub                      200 /mcp/sub
/admin//../mcp                  200 /mcp
/mcp/../admin                   403
/mcp/..%2Fadmin                 403
/mcp%2F..%2Fadmin               403
/mcp/%2e%2e/admin               403
//admin                         403
/%61dmin                        403
/mcp/..;/admin                  400
/mcp;/../admin                  403
/mcp/..%3B/admin                400
/mcp/..%5Cadmin                 400
/mcp/..\admin                   400
/mcpx                           404
/administrator                  404
/MCP                            404
/mcp/a%2Fb                      200 /mcp/a/b
/mcp/a%20b                      200 /mcp/a%20b
/mcp/a%3Fb?q=1                  200 /mcp/a%3Fb?q=1
/mcp/%252e%252e/admin           200 /mcp/%252e%252e/admin
/mcp/%0d%0aX-Auth-Subject:%20x  200 /mcp/%0D%0AX-Auth-Subject:%20x
/mcp?next=/../admin&a=%2F%20+   200 /mcp?next=/../admin&a=%2F%20+
/mcp/x?a/../b                   200 /mcp/x?a/../b
TABLE
while read -r path want_code want_target; do
	hits=$(app_hits)
	send "$A$path" -H "Authorization: Bearer $tok_a"
	path=$(printf '%s' "$path" | sed 's/\\/(backslash)/g')	# TAP names go through echo
	if [ "$want_code" = 200 ]; then
		is "$code $got" "200 $want_target" "nginx: $path reaches the app as $want_target under /mcp's policy"
	else
		is "$code $got $(app_hits)" "$want_code - $hits" "nginx: $path is refused ($want_code), the app never sees it"
	fi
done < "$T/paths"
# The absolute form of the request target takes the same path.
hits=$(app_hits)
send "$A/" --request-target "http://mcp.example.com/admin/../mcp" -H "Authorization: Bearer $tok_a"
is "$code $got" "200 /mcp" "nginx: an absolute-form target http://.../admin/../mcp reaches the app as /mcp"
send "$A/" --request-target "http://mcp.example.com/mcp/../admin" -H "Authorization: Bearer $tok_a"
is "$code $got $(app_hits)" "403 - $((hits + 1))" "nginx: an absolute-form target http://.../mcp/../admin gets /admin's policy"
grep -q "auth request unexpected status" "$T/nginx/error.log"
ok $((! $?)) "nginx never got an unexpected status from mcpauth"

# --- the decision cache across MCP operations ------------------------------------
# mcpauth does not read the MCP headers yet; the count of decisions shows
# which requests nginx answered from its cache.
mcp() {	# mcp METHOD NAME VERSION: a POST to server A's /mcp with MCP headers
	send "$A/mcp" -X POST -d '{}' -H "Authorization: Bearer $tok_a" \
		-H "MCP-Protocol-Version: $3" -H "Mcp-Method: $1" -H "Mcp-Name: $2"
}
mcp tools/list "" 2026-07-28
n=$(decisions)
mcp tools/list "" 2026-07-28
is "$code $(decisions)" "200 $n" "the same MCP operation again: from the cache"
mcp tools/call admin_tool 2026-07-28
is "$code $(decisions)" "200 $((n + 1))" "another Mcp-Method is decided by mcpauth, not served from the cache"
mcp tools/call other_tool 2026-07-28
is "$code $(decisions)" "200 $((n + 2))" "another Mcp-Name is decided by mcpauth"
mcp tools/call other_tool 2026-12-01
is "$code $(decisions)" "200 $((n + 3))" "another MCP-Protocol-Version is decided by mcpauth"
mcp tools/call other_tool 2026-12-01
is "$code $(decisions)" "200 $((n + 3))" "and each is cached on its own"
# Header values cannot shift from one key field into another: no value
# can hold the newline that separates them.
mcp "tools/list" "a|b" 2026-07-28
n=$(decisions)
mcp "tools/list|a" "b" 2026-07-28
is "$code $(decisions)" "200 $((n + 1))" "a '|' moved from Mcp-Name into Mcp-Method is another key"

finish
