#!/bin/sh
# A real Apache httpd in front of mcpauth, configured from
# fcgi-conf/apache-authnz-fcgi.conf and fcgi-conf/htaccess-fcgid with only
# ports and paths filled in, checked as a client sees it through curl:
#   - mod_authnz_fcgi deciding for a proxied MCP app (mcpauth on TCP), and
#     mod_proxy_fcgi serving the metadata;
#   - mod_fcgid's access checker from an .htaccess, mod_fcgid starting
#     mcpauth itself;
#   - mcpauth as a plain CGI program serving the metadata.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"

. "$top/tests/lib/harness.sh"
. "$top/tests/lib/apache.sh"
apache_require

# Four free loopback ports: Apache (authnz_fcgi), Apache (fcgid vhost),
# mcpauth, the app.
set -- $(free_ports 4)
PA=$1 PF=$2 PM=$3 PB=$4

# --- the issuer, mcpauth's config, tokens -----------------------------------
mkdir -p "$T/as/.well-known" "$T/bin" "$T/apache" "$T/site/shared"
"$MINT" keygen rsa2048 "$T/k1.pem"
"$MINT" keygen rsa2048 "$T/k2.pem"
"$MINT" jwks "$T/k1.pem,k1" > "$T/as/jwks.json"
start_issuer "$T/as"
cat > "$T/as/.well-known/oauth-authorization-server" <<JSON
{"issuer":"$ISSUER","jwks_uri":"$ISSUER/jwks.json","token_endpoint":"$ISSUER/token"}
JSON
RES=https://mcp.example.com/mcp
MD_URL=https://mcp.example.com/.well-known/oauth-protected-resource/mcp
# Two resources: a decision works only if Apache passed MCPAUTH_RESOURCE.
cat > "$T/m.conf" <<CONF
issuer $ISSUER
insecure_http on
resource $RES
    scopes_supported mcp:read mcp:write mcp:admin
    required_scopes mcp:read
resource https://other.example.com/
CONF

exp=$(($(date +%s) + 3600))
token() {	# token PAYLOAD-EXTRA [KEY]: RS256, kid k1, for $RES
	"$MINT" sign "${2:-$T/k1.pem}" RS256 '{"alg":"RS256","kid":"k1","typ":"at+jwt"}' \
		"{\"iss\":\"$ISSUER\",\"aud\":\"$RES\",\"exp\":$exp$1}"
}
good=$(token ',"sub":"alice","client_id":"app-1","scope":"mcp:read mcp:write"')
payload=$(echo "$good" | cut -d. -f2)
writer=$(token ',"sub":"bob","client_id":"app-2","scope":"mcp:write"')
admin=$(token ',"sub":"carol","client_id":"app-3","scope":"mcp:read mcp:admin"')
nosub=$(token ',"client_id":"svc","scope":"mcp:read"')
wrongaud=$("$MINT" sign "$T/k1.pem" RS256 '{"alg":"RS256","kid":"k1"}' \
	"{\"iss\":\"$ISSUER\",\"aud\":\"https://elsewhere.example\",\"exp\":$exp,\"sub\":\"alice\",\"scope\":\"mcp:read\"}")
forged=$(token ',"sub":"alice","scope":"mcp:read"' "$T/k2.pem")
# pad N: a claim that makes the payload JSON exactly N bytes long.
pad() {
	base=",\"sub\":\"alice\",\"client_id\":\"app-1\",\"scope\":\"mcp:read\",\"pad\":\"\""
	len=$(printf '{"iss":"%s","aud":"%s","exp":%s%s}' "$ISSUER" "$RES" "$exp" "$base" | wc -c)
	printf ',"sub":"alice","client_id":"app-1","scope":"mcp:read","pad":"%s"' \
		"$(head -c $(($1 - len)) /dev/zero | tr '\0' x)"
}
big6000=$(token "$(pad 6000)")
big6k=$(token "$(pad 6144)")

# --- the app: echoes what it received as JSON, logs one line a request --------
cat > "$T/app.py" <<'PY'
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        with open(sys.argv[2], "a") as f:
            f.write(self.path + "\n")
        b = json.dumps({"path": self.path,
                        "headers": [[k, v] for k, v in self.headers.items()]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    do_POST = do_GET
    def log_message(self, *a):
        pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
: > "$T/app.log"
python3 "$T/app.py" "$PB" "$T/app.log" 2>> "$T/app.err" &
PIDS="$PIDS $!"

# As root (CI), Apache and mcpauth serve as an unprivileged user, as they
# would in production; it must be able to read everything here.
apache_user
u=$APACHE_USER drop=""
[ -n "$u" ] && drop="--user $u"
chmod -R a+rX "$T"

# --- mcpauth on TCP, for mod_authnz_fcgi and mod_proxy_fcgi --------------------
"$MCPAUTH" serve -c "$T/m.conf" --listen "127.0.0.1:$PM" $drop 2>> "$T/m.log" &
PID_m=$!
PIDS="$PIDS $!"
SERVICES="${SERVICES:-} $!"

# --- Apache: the shipped files, only ports and paths changed ------------------
sed -e "s|127\.0\.0\.1:9311|127.0.0.1:$PM|g" -e "s|127\.0\.0\.1:3000|127.0.0.1:$PB|g" \
	"$top/fcgi-conf/apache-authnz-fcgi.conf" > "$T/apache/mcpauth.conf"
# mod_fcgid runs mcpauth as Apache's user: it gets its own copy of the
# binary (apache_shared).  Here mcpauth also serves the metadata as a CGI
# program, and one decision comes from it run by mod_cgid with stdin as
# it comes.
apache_shared "$PF" "$T/m.conf" "$(cat <<CONF
    <Location /.well-known/oauth-protected-resource>
        ProxyPass "!"
    </Location>
    ScriptAlias /.well-known/oauth-protected-resource $T/bin/mcpauth-cgi
    ScriptAlias /cgi-bare $T/bin/mcpauth-cgi-bare
    <Location /cgi-bare>
        SetEnv MCPAUTH_RESOURCE $RES
        CGIDScriptTimeout 3
    </Location>
CONF
)" > "$T/apache/shared.conf"
# The app behind the .htaccess: a CGI program that prints what it got.
cat > "$T/site/shared/app.cgi" <<'SH'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
for v in AUTH_SUBJECT AUTH_CLIENT_ID AUTH_SCOPES AUTH_ISSUER AUTH_AUDIENCE \
    AUTH_EXPIRES_AT AUTH_CLAIMS REMOTE_USER; do
	eval "printf '%s=%s\n' $v \"\${$v-(unset)}\""
done
SH
# mcpauth as a plain CGI program: it handles one request when
# GATEWAY_INTERFACE is set and fd 0 is not a socket.  mod_cgid hands a CGI
# program a unix socket as stdin, so the wrapper gives it /dev/null (the
# metadata has no request body); mcpauth-cgi-bare shows why.
printf '#!/bin/sh\nexec %s serve -c %s < /dev/null\n' "$T/bin/mcpauth" "$T/m.conf" > "$T/bin/mcpauth-cgi"
printf '#!/bin/sh\nexec %s serve -c %s\n' "$T/bin/mcpauth" "$T/m.conf" > "$T/bin/mcpauth-cgi-bare"
chmod 755 "$T/site/shared/app.cgi" "$T/bin/mcpauth-cgi" "$T/bin/mcpauth-cgi-bare"

{ apache_base "$T/apache"; cat <<CONF; } > "$T/apache/httpd.conf"
Listen 127.0.0.1:$PA
Listen 127.0.0.1:$PF
Include $T/apache/mcpauth.conf

# Two pitfalls, kept honest: SetEnv comes too late for an authorizer, and
# without CGIPassAuth the token never reaches it.
<Location /probe-setenv>
    AuthnzFcgiCheckAuthnProvider mcpauth Authoritative On RequireBasicAuth Off UserExpr "%{reqenv:REMOTE_USER}"
    Require valid-user
    CGIPassAuth On
    SetEnv MCPAUTH_RESOURCE $RES
</Location>
<Location /probe-nopassauth>
    AuthnzFcgiCheckAuthnProvider mcpauth Authoritative On RequireBasicAuth Off UserExpr "%{reqenv:REMOTE_USER}"
    Require valid-user
    SetEnvIf Request_URI ^ MCPAUTH_RESOURCE=$RES
</Location>

# Shared hosting: the .htaccess protects /shared/.
Include $T/apache/shared.conf
CONF
chmod -R a+rX "$T"
start_apache "$T/apache/httpd.conf" "$PA" "$PF"

wait_for grep -q "serving 127.0.0.1:$PM" "$T/m.log" || { echo "# mcpauth did not start"; cat "$T/m.log"; exit 1; }
if [ -n "$drop" ]; then
	is "$(ps -o user= -p "$PID_m")" "$u" "mcpauth serves as $u (--user)"
fi
wait_for curl -so /dev/null "http://127.0.0.1:$PB/" || { echo "# the app did not start"; exit 1; }
: > "$T/app.log"	# forget the probe above

# req PORT PATH [CURL-ARGS...]: one request; sets code, hdrs (the response
# headers but Date, Server, Connection and Keep-Alive, CR removed, sorted)
# and body.
req() {
	port=$1 path=$2
	shift 2
	curl -s -D "$T/h" -o "$T/b" "$@" "http://127.0.0.1:$port$path"
	code=$(sed -n '1s/^HTTP[^ ]* \([0-9]*\).*/\1/p' "$T/h")
	hdrs=$(tr -d '\r' < "$T/h" | sed '1d; /^$/d; /^Date:/d; /^Server:/d; /^Connection:/d; /^Keep-Alive:/d' | sort)
	body=$(cat "$T/b")
}
# resp NAME: a response header's value ("" if absent).
resp() {
	tr -d '\r' < "$T/h" | sed -n "s/^$1: //Ip" | head -1
}
# app NAME: every value the app received for header NAME, one a line.
app() {
	python3 -c '
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except ValueError:
    d = {"headers": []}	# not the app answering
for k, v in d["headers"]:
    if k.lower() == sys.argv[2].lower():
        print(v)' "$T/b" "$1"
}
app_hits() { wc -l < "$T/app.log" | tr -d ' '; }

# --- metadata through mod_proxy_fcgi -----------------------------------------
MD="{\"resource\":\"$RES\",\"authorization_servers\":[\"$ISSUER\"],\"scopes_supported\":[\"mcp:read\",\"mcp:write\",\"mcp:admin\"],\"bearer_methods_supported\":[\"header\"]}"
req "$PA" /.well-known/oauth-protected-resource/mcp
is "$code $(resp Content-Type) $(resp Access-Control-Allow-Origin) $(resp Cache-Control)" \
	"200 application/json * public, max-age=3600" \
	"metadata through Apache: 200, JSON, CORS, cacheable"
is "$body" "$MD" "metadata through Apache: the exact document"
req "$PA" /.well-known/oauth-protected-resource/mcp -X OPTIONS -H "Origin: https://app.example" \
	-H "Access-Control-Request-Method: GET"
is "$code
$hdrs" "204
Access-Control-Allow-Headers: Authorization, Content-Type, MCP-Protocol-Version
Access-Control-Allow-Methods: GET, HEAD, OPTIONS
Access-Control-Allow-Origin: *
Access-Control-Max-Age: 86400" "metadata preflight through Apache: 204 with CORS"
req "$PA" /.well-known/oauth-protected-resource
is "$code $body" "200 {\"resource\":\"https://other.example.com/\",\"authorization_servers\":[\"$ISSUER\"],\"bearer_methods_supported\":[\"header\"]}" \
	"the root form reaches mcpauth too"
req "$PA" /.well-known/oauth-protected-resource/nope
is "$code $(resp Content-Type) $body" \
	'404 application/json {"error":"not_found","error_description":"no protected resource at /.well-known/oauth-protected-resource/nope"}' \
	"unknown metadata path: mcpauth's 404"
req "$PA" /.well-known/oauth-authorization-server
is "$code $(resp Content-Type) $body" "200 application/json $(cat "$T/as/.well-known/oauth-authorization-server")" \
	"authorization server metadata through Apache, verbatim"

# --- refusals through mod_authnz_fcgi ----------------------------------------
# check_refusal STATUS WWW-AUTHENTICATE ERROR DESCRIPTION NAME: the last
# response is exactly what a client must see, headers and body.
check_refusal() {
	b="{\"error\":\"$3\",\"error_description\":\"$4\"}"
	is "$code
$hdrs
$body" "$1
Content-Length: ${#b}
Content-Type: application/json
WWW-Authenticate: $2
X-Accel-Expires: 0
$b" "$5"
}
req "$PA" /mcp
check_refusal 401 "Bearer resource_metadata=\"$MD_URL\", scope=\"mcp:read\"" \
	unauthorized "no bearer token" "no token: 401, the exact challenge without error, JSON body"
req "$PA" /mcp -H "Authorization: Basic YTpi"
check_refusal 401 "Bearer resource_metadata=\"$MD_URL\", scope=\"mcp:read\"" \
	unauthorized "no bearer token" "Basic credentials: the same 401"
req "$PA" /mcp -H "Authorization: Bearer a,b"
d="the Bearer token has characters outside RFC 6750 b64token"
check_refusal 401 "Bearer error=\"invalid_request\", scope=\"mcp:read\", resource_metadata=\"$MD_URL\", error_description=\"$d\"" \
	invalid_request "$d" "malformed credentials: 401 invalid_request"
req "$PA" /mcp -H "Authorization: Bearer $wrongaud"
d="aud does not contain $RES"
check_refusal 401 "Bearer error=\"invalid_token\", scope=\"mcp:read\", resource_metadata=\"$MD_URL\", error_description=\"$d\"" \
	invalid_token "$d" "invalid token: 401 invalid_token, byte for byte"
req "$PA" /mcp -H "Authorization: Bearer $forged"
is "$code $(resp WWW-Authenticate | sed 's/ error_description=.*//')" \
	"401 Bearer error=\"invalid_token\", scope=\"mcp:read\", resource_metadata=\"$MD_URL\"," \
	"a token signed by another key: 401 invalid_token"
req "$PA" /mcp -H "Authorization: Bearer $writer"
d="token lacks scope mcp:read"
check_refusal 403 "Bearer error=\"insufficient_scope\", scope=\"mcp:read\", resource_metadata=\"$MD_URL\", error_description=\"$d\"" \
	insufficient_scope "$d" "scope missing: 403 with the exact challenge"
req "$PA" /admin -H "Authorization: Bearer $good"
d="token lacks scope mcp:admin"
check_refusal 403 "Bearer error=\"insufficient_scope\", scope=\"mcp:admin\", resource_metadata=\"$MD_URL\", error_description=\"$d\"" \
	insufficient_scope "$d" "MCPAUTH_REQUIRED_SCOPES from SetEnvIf reaches mcpauth: 403"
for u in /%61dmin //admin /admin/../admin; do
	req "$PA" "$u" --path-as-is -H "Authorization: Bearer $good"
	is "$code $(resp WWW-Authenticate | sed 's/.*error_description=//')" \
		'403 "token lacks scope mcp:admin"' "$u gets the policy of /admin"
done
req "$PA" /probe-setenv -H "Authorization: Bearer $good"
is "$code $body" '500 {"error":"server_error","error_description":"several resources are configured and MCPAUTH_RESOURCE is not set"}' \
	"pitfall: SetEnv does not reach the authorizer (SetEnvIf does)"
req "$PA" /probe-nopassauth -H "Authorization: Bearer $good"
is "$code $body" '401 {"error":"unauthorized","error_description":"no bearer token"}' \
	"pitfall: without CGIPassAuth the authorizer never sees the token"
is "$(app_hits)" 0 "no refused request reached the app"

# --- allowed: the app gets the caller --------------------------------------
req "$PA" /mcp -H "Authorization: Bearer $good"
is "$code $(app X-Auth-Subject)|$(app X-Auth-Client-Id)|$(app X-Auth-Scopes)" \
	"200 alice|app-1|mcp:read mcp:write" "valid token: 200, subject, client and scopes reach the app"
is "$(app X-Auth-Issuer)|$(app X-Auth-Audience)|$(app X-Auth-Expires-At)" "$ISSUER|$RES|$exp" \
	"issuer, audience and expiry reach the app"
is "$(app X-Auth-Claims)" "$payload" "X-Auth-Claims is the payload as signed"
is "$(app Authorization)" "" "the token itself does not reach the app"
is "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["path"])' "$T/b")" /mcp \
	"the app got the request path"
req "$PA" /admin -H "Authorization: Bearer $admin"
is "$code $(app X-Auth-Subject) $(app X-Auth-Scopes)" "200 carol mcp:read mcp:admin" \
	"a token with mcp:admin passes /admin"
req "$PA" /mcp -H "Authorization: Bearer $nosub"
is "$code $(app X-Auth-Client-Id)" "200 svc" "a valid token without sub passes (DefaultUser)"

# --- spoofed identity headers never reach the app --------------------------
spoof() {
	req "$PA" /mcp "$@" -H "X-Auth-Subject: mallory" -H "X_Auth_Subject: mallory" \
		-H "X-Auth-Scopes: admin" -H "X-Auth-Claims: e30" -H "X-Auth-Issuer: https://evil.example"
}
spoof -H "Authorization: Bearer $good"
is "$code $(app X-Auth-Subject | tr '\n' ' ')" "200 alice " \
	"spoofed X-Auth-Subject with a valid token: the app sees only mcpauth's"
is "$(app X_Auth_Subject)|$(app X-Auth-Scopes)|$(app X-Auth-Issuer)|$(app X-Auth-Claims)" \
	"|mcp:read mcp:write|$ISSUER|$payload" "every other spoofed identity header replaced or removed"
spoof -H "Authorization: Bearer $nosub"
is "$(app X-Auth-Subject)|$(app X_Auth_Subject)" "|" \
	"spoofed X-Auth-Subject for a token without sub: removed, not passed on"
n=$(app_hits)
spoof
is "$code $(app_hits)" "401 $n" "spoofed X-Auth-Subject without a token: 401, the app never sees it"

# --- large tokens ---------------------------------------------------------------
req "$PA" /mcp -H "Authorization: Bearer $big6000"
is "$code $(app X-Auth-Subject) $(app X-Auth-Claims | wc -c)" \
	"200 alice $(($(echo "$big6000" | cut -d. -f2 | wc -c)))" \
	"a ${#big6000}-byte token (6000-byte payload): 200, full X-Auth-Claims"
req "$PA" /mcp -H "Authorization: Bearer $big6k"
is "$code $(app X-Auth-Subject) $(app X-Auth-Claims)" "200 alice " \
	"a ${#big6k}-byte token (6 KiB payload) passes; its claims are too long for an authorizer header"
grep -q "claims of $(echo "$big6k" | cut -d. -f2 | tr -d '\n' | wc -c) bytes left out of AUTH_CLAIMS" "$T/m.log"
ok $? "and mcpauth logs that it left AUTH_CLAIMS out"

# --- mod_fcgid via .htaccess ----------------------------------------------------
req "$PF" /shared/app.cgi
is "$code $(resp WWW-Authenticate)" "401 Bearer resource_metadata=\"$MD_URL\", scope=\"mcp:read\"" \
	".htaccess + mod_fcgid, no token: 401 with the exact challenge"
grep -q "mcpauth: serving fd 0 " "$T/apache.log"
ok $? "mod_fcgid started mcpauth itself (it serves fd 0)"
req "$PF" /shared/app.cgi -H "Authorization: Bearer $wrongaud"
is "$code $(resp WWW-Authenticate)" \
	"401 Bearer error=\"invalid_token\", scope=\"mcp:read\", resource_metadata=\"$MD_URL\", error_description=\"aud does not contain $RES\"" \
	".htaccess + mod_fcgid, invalid token: 401 invalid_token"
req "$PF" /shared/app.cgi -H "Authorization: Bearer $good"
is "$code
$body" "200
AUTH_SUBJECT=alice
AUTH_CLIENT_ID=app-1
AUTH_SCOPES=mcp:read mcp:write
AUTH_ISSUER=$ISSUER
AUTH_AUDIENCE=$RES
AUTH_EXPIRES_AT=$exp
AUTH_CLAIMS=$payload
REMOTE_USER=alice" ".htaccess + mod_fcgid, valid token: 200, the app finds the caller in its environment"
is "$(printf '%s\n' "$hdrs" | grep -ci '^Variable-')" 0 "no Variable-* header reaches the client"
req "$PF" /shared/app.cgi -H "Authorization: Bearer $writer"
is "$code $(resp WWW-Authenticate)" \
	"401 Bearer error=\"insufficient_scope\", scope=\"mcp:read\", resource_metadata=\"$MD_URL\", error_description=\"token lacks scope mcp:read\"" \
	".htaccess + mod_fcgid, scope missing: the insufficient_scope challenge (mod_fcgid turns 403 into 401)"

# --- mcpauth as a plain CGI program ---------------------------------------------
req "$PF" /.well-known/oauth-protected-resource/mcp
is "$code $(resp Content-Type) $(resp Access-Control-Allow-Origin)
$body" "200 application/json *
$MD" "mcpauth as a CGI program: metadata from SCRIPT_NAME + PATH_INFO"
req "$PF" /cgi-bare
is "$code $(resp WWW-Authenticate)" "401 Bearer resource_metadata=\"$MD_URL\", scope=\"mcp:read\"" \
	"mcpauth under mod_cgid, with its stdin socket, answers as CGI"

# --- logs ----------------------------------------------------------------------
grep -q "decision status=403 error=insufficient_scope reason=\"token lacks scope mcp:admin\" resource=$RES sub=\"alice\"" "$T/m.log"
ok $? "mcpauth logged the decision with the resource Apache named"
sig=$(echo "$good" | cut -d. -f3)
! grep -q -- "$sig" "$T/m.log" "$T/apache.log"
ok $? "no log holds a token (Apache at LogLevel warn)"

# --- fail closed, then stop -----------------------------------------------------
kill -TERM "$PID_m"
wait "$PID_m"
is "$?" 0 "mcpauth stopped cleanly on SIGTERM"
n=$(app_hits)
req "$PA" /mcp -H "Authorization: Bearer $good"
is "$code $(app_hits)" "500 $n" "mcpauth down: 500, the app never sees the request"
kill -TERM "$PID_apache"
wait "$PID_apache"
left=$(ps -eo pid=,args= | grep -F "$T/bin/mcpauth" | grep -v grep | awk '{print $1}')
is "$left" "" "Apache stopped the mcpauth it started"
for p in $left; do kill "$p" 2>/dev/null; done
finish
