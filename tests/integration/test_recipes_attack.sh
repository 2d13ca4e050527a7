#!/bin/sh
# The shipped recipes under attack, as operators copy them:
#   - path confusion: one table of request paths, each sent with a token
#     good only for /mcp, through nginx (fcgi-conf/nginx), Apache with
#     mod_authnz_fcgi (apache-authnz-fcgi.conf) and Apache with mod_fcgid
#     (htaccess-fcgid); every path is either refused or reaches the app
#     as the normalised path whose policy decided it, never a raw path
#     that names another location;
#   - nginx's decision cache (mcpauth-cache.conf), one zone shared by two
#     server blocks: a decision is never reused across servers, resources
#     or MCP operations.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"
. "$top/tests/lib/apache.sh"
apache_require

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
    operation_scopes tools/call name=admin_tool mcp:admin
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
app_hits() { cat "$T/app.log" "$T/cgi.log" 2>/dev/null | wc -l | tr -d ' '; }

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
# Free loopback ports: nginx's two servers, mcpauth on TCP (for
# mod_authnz_fcgi), Apache with mod_authnz_fcgi, Apache with mod_fcgid.
set -- $(python3 -c '
import socket
ss = [socket.socket() for _ in range(5)]
for s in ss:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
NA=$1 NB=$2 PM=$3 PZ=$4 PF=$5
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
# mcp URL METHOD NAME VERSION: a POST with server B's token and MCP headers.
tok_b=$(token "$RES_B" mcp:tools b)
mcp() {
	send "$1" -X POST -d '{}' -H "Authorization: Bearer $tok_b" \
		-H "MCP-Protocol-Version: $4" -H "Mcp-Method: $2" -H "Mcp-Name: $3"
}
mcp "$B/mcp" tools/list "" 2026-07-28
mcp "$B/mcp" tools/list "" 2026-07-28
is "$code $got" "200 /mcp" "server B allows its own token, from the cache too"
mcp "$A/mcp" tools/list "" 2026-07-28
is "$code $got" "401 -" "and server A still refuses it"

# --- Apache: the shipped recipes ---------------------------------------------------
apache_user
drop=""
[ -n "$APACHE_USER" ] && drop="--user $APACHE_USER"
chmod -R a+rX "$T"
"$MCPAUTH" serve -c "$T/m.conf" --listen "127.0.0.1:$PM" $drop 2>> "$T/mtcp.log" &
PIDS="$PIDS $!"
SERVICES="$SERVICES $!"
wait_for grep -q "serving 127.0.0.1:$PM" "$T/mtcp.log" ||
    { echo "# mcpauth did not start"; cat "$T/mtcp.log"; exit 1; }
# mod_authnz_fcgi: apache-authnz-fcgi.conf, only ports changed, its
# /mcp and /admin in front of the echo app.
mkdir -p "$T/authnz" "$T/fcgid" "$T/site/mcp" "$T/site/admin"
sed -e "s|127\.0\.0\.1:9311|127.0.0.1:$PM|g" -e "s|127\.0\.0\.1:3000|127.0.0.1:$APP_PORT|g" \
	"$top/fcgi-conf/apache-authnz-fcgi.conf" > "$T/authnz/mcpauth.conf"
{ apache_base "$T/authnz"; echo "Listen 127.0.0.1:$PZ"; echo "Include $T/authnz/mcpauth.conf"; } \
	> "$T/authnz/httpd.conf"
# mod_fcgid: htaccess-fcgid (as apache_shared fills it in) in two
# directories, /mcp and /admin (whose policy adds mcp:admin, as the
# file's commented SetEnvIf line shows), each holding a CGI app that
# reports the path it received (REQUEST_URI, what a router reads).
{ apache_base "$T/fcgid"; echo "Listen 127.0.0.1:$PF"; apache_shared "$PF" "$T/m.conf" "\
    Alias /mcp $T/site/mcp/app.cgi
    Alias /admin $T/site/admin/app.cgi"; } > "$T/fcgid/httpd.conf"
for d in mcp admin; do
	cp "$T/site/shared/.htaccess" "$T/site/$d/.htaccess"
	cat > "$T/site/$d/app.cgi" <<SH
#!/bin/sh
printf '%s\\n' "\$REQUEST_URI" >> $T/cgi.log
printf 'Content-Type: application/json\\r\\n\\r\\n{"path":"%s"}\\n' "\$REQUEST_URI"
SH
	chmod 755 "$T/site/$d/app.cgi"
done
sed -i 's|^# \(SetEnvIf Request_URI ^ "MCPAUTH_REQUIRED_SCOPES=\).*|\1mcp:admin"|' "$T/site/admin/.htaccess"
: > "$T/cgi.log"
chmod 666 "$T/cgi.log"
chmod -R a+rX "$T"
start_apache "$T/authnz/httpd.conf" "$PZ"
start_apache "$T/fcgid/httpd.conf" "$PF"

# --- path confusion --------------------------------------------------------------
# PATH, then what each server must do with it: "200:TARGET" (the /mcp
# policy allowed it and the app received TARGET) or a refusal's status.
# The token lacks mcp:admin, so any path filed under /admin is refused
# (mod_fcgid turns that 403 into 401).  Columns: nginx, Apache with
# mod_authnz_fcgi, Apache with mod_fcgid's .htaccess.
cat > "$T/paths" <<'TABLE'
/mcp                            200:/mcp          200:/mcp          200:/mcp
/mcp/sub                        200:/mcp/sub      200:/mcp/sub      200:/mcp/sub
/admin                          403               403               401
/admin/x                        403               403               401
/admin/../mcp                   200:/mcp          200:/mcp          403
/admin/..%2Fmcp                 200:/mcp          404               404
/admin/%2e%2e/mcp               200:/mcp          200:/mcp          403
/admin/%2E%2E%2Fmcp             200:/mcp          404               404
/admin/.%2e/mcp                 200:/mcp          200:/mcp          403
/admin/./../mcp                 200:/mcp          200:/mcp          403
/./admin/../mcp                 200:/mcp          200:/mcp          403
//mcp                           200:/mcp          200:/mcp          403
//mcp//sub                      200:/mcp/sub      200:/mcp/sub      403
/admin//../mcp                  200:/mcp          200:/mcp          403
/mcp/../admin                   403               403               401
/mcp/..%2Fadmin                 403               404               404
/mcp%2F..%2Fadmin               403               404               404
/mcp/%2e%2e/admin               403               403               401
//admin                         403               403               401
/%61dmin                        403               403               401
/mcp/..;/admin                  400               403               403
/mcp;/../admin                  403               403               401
/mcp/..%3B/admin                400               403               403
/mcp/..%5Cadmin                 400               403               403
/mcp/..\admin                   400               403               403
/mcpx                           404               404               404
/administrator                  404               404               404
/MCP                            404               404               404
/mcp/a%2Fb                      200:/mcp/a/b      404               404
/mcp/a%20b                      200:/mcp/a%20b    200:/mcp/a%20b    200:/mcp/a%20b
/mcp/a%3Fb?q=1                  200:/mcp/a%3Fb?q=1 200:/mcp/a%3Fb?q=1 200:/mcp/a%3Fb?q=1
/mcp/%252e%252e/admin           200:/mcp/%252e%252e/admin 200:/mcp/%252e%252e/admin 200:/mcp/%252e%252e/admin
/mcp/%0d%0aX-Auth-Subject:%20x  200:/mcp/%0D%0AX-Auth-Subject:%20x 200:/mcp/%0D%0AX-Auth-Subject:%20x 200:/mcp/%0d%0aX-Auth-Subject:%20x
/mcp?next=/../admin&a=%2F%20+   200:/mcp?next=/../admin&a=%2F%20+ 200:/mcp?next=/../admin&a=%2F%20+ 200:/mcp?next=/../admin&a=%2F%20+
/mcp/x?a/../b                   200:/mcp/x?a/../b 200:/mcp/x?a/../b 200:/mcp/x?a/../b
TABLE
# attack NAME URL WANT PATH: one row for one server.
attack() {
	hits=$(app_hits)
	send "$2$4" -H "Authorization: Bearer $tok_a"
	what="$1: $(printf '%s' "$4" | sed 's/\\/(backslash)/g')"	# TAP names go through echo
	case $3 in
	200:*)	is "$code $got" "200 ${3#200:}" "$what reaches the app as ${3#200:} under /mcp's policy" ;;
	*)	is "$code $got $(app_hits)" "$3 - $hits" "$what is refused ($3), the app never sees it" ;;
	esac
}
while read -r path nginx authnz fcgid; do
	attack nginx "$A" "$nginx" "$path"
	attack mod_authnz_fcgi "http://127.0.0.1:$PZ" "$authnz" "$path"
	attack mod_fcgid "http://127.0.0.1:$PF" "$fcgid" "$path"
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
# Resource B needs mcp:admin for tools/call of admin_tool (operation_scopes);
# tok_b has only mcp:tools.  The count of decisions shows which requests
# nginx answered from its cache.
mcp "$B/mcp" tools/list "" 2026-07-28
n=$(decisions)
mcp "$B/mcp" tools/list "" 2026-07-28
is "$code $(decisions)" "200 $n" "the same MCP operation again: from the cache"
mcp "$B/mcp" tools/call admin_tool 2026-07-28
is "$code $got $(decisions)" "403 - $((n + 1))" \
	"tools/call admin_tool after a cached tools/list allow: mcpauth decides, 403"
mcp "$B/mcp" tools/call other_tool 2026-07-28
is "$code $(decisions)" "200 $((n + 2))" "another Mcp-Name is decided by mcpauth"
mcp "$B/mcp" tools/call other_tool 2026-12-01
is "$code $(decisions)" "200 $((n + 3))" "another MCP-Protocol-Version is decided by mcpauth"
mcp "$B/mcp" tools/call other_tool 2026-12-01
is "$code $(decisions)" "200 $((n + 3))" "and each is cached on its own"
mcp "$B/mcp" tools/call admin_tool 2026-12-01
is "$code $got $(decisions)" "403 - $((n + 4))" "and a refusal never is"
# A repeated header: the key has the first value, and so has the app.
mcp "$B/mcp" tools/list admin_tool 2026-07-28
send "$B/mcp" -X POST -d '{}' -H "Authorization: Bearer $tok_b" -H "MCP-Protocol-Version: 2026-07-28" \
	-H "Mcp-Method: tools/list" -H "Mcp-Method: tools/call" -H "Mcp-Name: admin_tool"
is "$code $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["headers"].get("mcp-method"))' "$T/b")" \
	"200 tools/list" "Mcp-Method sent twice: the app gets the one value the cached allow was for"
# Header values cannot shift from one key field into another: no value
# can hold the newline that separates them.
mcp "$B/mcp" tools/list "a|b" 2026-07-28
n=$(decisions)
mcp "$B/mcp" "tools/list|a" b 2026-07-28
is "$code $(decisions)" "200 $((n + 1))" "a '|' moved from Mcp-Name into Mcp-Method is another key"

finish
