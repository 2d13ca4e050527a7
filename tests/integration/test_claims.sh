#!/bin/sh
# Claim rules and claim headers (SPEC §13) through the shipped recipes,
# nginx (fcgi-conf/nginx) and Apache (fcgi-conf/apache-authnz-fcgi.conf),
# each with the claim header lines the README tells an operator to add:
# a failed rule is a 403 with its challenge (no scope=), a claim header
# reaches the app percent-encoded and a client-sent header of that name
# never does, a location adds rules, and an invalid one is a 500.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"
. "$top/tests/lib/apache.sh"
apache_require

set -- $(free_ports 3)
PA=$1 PM=$2 PB=$3
local_issuer
cat > "$T/m.conf" <<CONF
issuer $ISS jwks=$T/jwks.json
resource $RES
    required_scopes mcp:tools
    require_claim email_verified = true
    claim_header email Email
    claim_header name Name
CONF
exp=$(($(date +%s) + 3600))
token() {	# token MEMBERS: for $RES, with these claims added
	"$MINT" sign "$T/k.pem" RS256 '{"alg":"RS256","kid":"k1"}' \
		"{\"iss\":\"$ISS\",\"aud\":\"$RES\",\"exp\":$exp,\"sub\":\"alice\",\"scope\":\"mcp:tools mcp:admin\"$1}"
}
good=$(token ',"email_verified":true,"email":"alice@example.com","name":"Alice  Example ","groups":["admins"]')
unverified=$(token ',"email_verified":"true","email":"alice@example.com"')
noemail=$(token ',"email_verified":true')
crlf=$(token ',"email_verified":true,"email":"a@x\r\nX-Evil: 1","name":"ok"')
# A claim over the 4096 bytes of a claim header (4200: the whole token
# stays within a web server's 8 KiB request header line), and 8 KiB.
big=$(token ",\"email_verified\":true,\"email\":\"e\",\"name\":\"$(head -c 4200 /dev/zero | tr '\0' n)\"")
big8k=$(token ",\"email_verified\":true,\"email\":\"e\",\"name\":\"$(head -c 8192 /dev/zero | tr '\0' n)\"")
member=$(token ',"email_verified":true,"email":"e","groups":["users"]')
noscope=$("$MINT" sign "$T/k.pem" RS256 '{"alg":"RS256","kid":"k1"}' \
	"{\"iss\":\"$ISS\",\"aud\":\"$RES\",\"exp\":$exp,\"sub\":\"alice\",\"scope\":\"x\"}")

# readme_block MARK: the first ``` block after "<!-- MARK -->" in the README.
readme_block() {
	awk -v mark="<!-- $1 -->" '
		$0 == mark { on = 1; next }
		on && /^```/ { if (inside) exit; inside = 1; next }
		on && inside { print }' "$top/README.md"
}
# for_name NAME: the README's lines for the header Email, for NAME.
for_name() {
	up=$(echo "$2" | tr a-z A-Z) low=$(echo "$2" | tr A-Z a-z)
	readme_block "$1" | sed -e "s/Email/$2/g" -e "s/EMAIL/$up/g" \
	    -e "s/email/$low/g"
}
[ -n "$(readme_block "recipe: nginx")" ] && [ -n "$(readme_block "recipe: apache")" ]
ok $? "the README gives the nginx and Apache lines for a claim header"

# The app: answers with every header it received, as [name, value] pairs.
cat > "$T/app.py" <<'PY'
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        b = json.dumps({"headers": [[k, v] for k, v in self.headers.items()]}).encode()
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
python3 "$T/app.py" "$PB" 2>> "$T/app.err" &
PIDS="$PIDS $!"
APP_PORT=$PB

# req URL [CURL-ARGS...]: sets code, challenge (WWW-Authenticate) and body.
req() {
	u=$1
	shift
	curl -s -D "$T/h" -o "$T/b" "$@" "$u"
	code=$(sed -n '1s/^HTTP[^ ]* \([0-9]*\).*/\1/p' "$T/h")
	challenge=$(tr -d '\r' < "$T/h" | sed -n 's/^WWW-Authenticate: //Ip')
	body=$(cat "$T/b")
}
# app NAME: every value the app received for header NAME, "|" between.
app() {
	python3 -c '
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except ValueError:
    d = {"headers": []}
print("|".join(v for k, v in d["headers"] if k.lower() == sys.argv[2].lower()))' \
	    "$T/b" "$1"
}

# through WHO URL ADMIN-URL: the same checks through one web server.
through() {
	who=$1 url=$2 admin=$3
	req "$url" -H "Authorization: Bearer $good" -H "X-Auth-Email: mallory@evil" \
	    -H "X-Auth_Email: mallory@evil"
	is "$code|$(app x-auth-email)|$(app x-auth_email)|$(app x-auth-name)" \
	    "200|alice@example.com||Alice  Example%20" \
	    "$who: the claim headers reach the app, encoded; the client's never"
	req "$url" -H "Authorization: Bearer $noemail" -H "X-Auth-Email: mallory@evil"
	is "$code|$(app x-auth-email)" "200|" \
	    "$who: a token without the claim: the client's header still never arrives"
	req "$url" -H "Authorization: Bearer $unverified"
	is "$code" 403 "$who: a failed claim rule is a 403"
	is "$challenge" "Bearer error=\"insufficient_scope\", resource_metadata=\"$MD_URL\", error_description=\"claim rule \\\"email_verified = true\\\" is not met\"" \
	    "$who: its challenge names the rule and has no scope="
	req "$url" -H "Authorization: Bearer $noscope"
	is "$code|$challenge" "403|Bearer error=\"insufficient_scope\", scope=\"mcp:tools\", resource_metadata=\"$MD_URL\", error_description=\"token lacks scope mcp:tools\"" \
	    "$who: a missing scope wins over a failed rule, with scope="
	req "$url" -H "Authorization: Bearer $crlf"
	is "$code|$(app x-auth-email)|$(app x-evil)" "200|a@x%0D%0AX-Evil: 1|" \
	    "$who: CR and LF in a claim are percent-encoded, never a header"
	req "$url" -H "Authorization: Bearer $big" -H "X-Auth-Name: mallory"
	is "$code|$(app x-auth-name)|$(app x-auth-email)" "200||e" \
	    "$who: a claim over 4096 bytes is left out, and the client's header too"
	req "$admin" -H "Authorization: Bearer $member"
	is "$code|$challenge" "403|Bearer error=\"insufficient_scope\", resource_metadata=\"$MD_URL\", error_description=\"claim rule \\\"groups has admins\\\" is not met\"" \
	    "$who: a location's own claim rule"
	req "$admin" -H "Authorization: Bearer $good"
	is "$code|$(app x-auth-email)" "200|alice@example.com" \
	    "$who: the location's rule met"
}

# --- nginx: the shipped files, the README's lines added ----------------------
start_mcpauth m "$T/m.conf"
NGINX_PORT=$(free_port)
sh "$top/scripts/local-nginx.sh" "$T/nginx" "$T/m.sock" "$APP_PORT" "$NGINX_PORT"
{ for_name "recipe: nginx" Email; for_name "recipe: nginx" Name; } >> "$T/nginx/mcpauth-proxy.conf"
# The admin auth location adds a rule.
awk '/set \$mcpauth_require_claims "";/ && ++n == 2 {
	sub(/"";/, "\"groups has admins\";") } { print }' "$T/nginx/site.conf" > "$T/nginx/site.new"
mv "$T/nginx/site.new" "$T/nginx/site.conf"
grep -q 'set $mcpauth_require_claims "groups has admins";' "$T/nginx/site.conf"
ok $? "nginx: the admin auth location sets \$mcpauth_require_claims"
nginx -p "$T/nginx" -c "$T/nginx/nginx.conf" 2>> "$T/nginx.log" &
PIDS="$PIDS $!"
NGINX="http://127.0.0.1:$NGINX_PORT"
wait_for curl -s -o /dev/null "$NGINX/" || { echo "# nginx did not start"; cat "$T/nginx/error.log"; exit 1; }
through nginx "$NGINX/mcp" "$NGINX/admin"
grep -q "claim name left out of X-Auth-Name: the value is longer than 4096 bytes" "$T/m.log"
ok $? "the claim left out is logged"
grep -q 'decision status=403 error=insufficient_scope reason="claim rule \\x22email_verified = true\\x22 is not met"' "$T/m.log"
ok $? "the decision log names the failed rule"

fcgi m responder "HTTP_AUTHORIZATION=Bearer $big8k" DOCUMENT_URI=/mcp
is "$(status_of)|$(header X-Auth-Name)|$(header X-Auth-Email)" "200||e" \
    "8 KB of text in a claim: the allow stands, the header is left out"

# An invalid location rule: 500, never a decision, and the log says why.
fcgi m responder "MCPAUTH_REQUIRE_CLAIMS=email_verified == true" \
    "HTTP_AUTHORIZATION=Bearer $good" DOCUMENT_URI=/mcp
is "$(status_of)|$(header X-Accel-Expires)" "500|0" "an invalid MCPAUTH_REQUIRE_CLAIMS is a 500"
grep -q 'MCPAUTH_REQUIRE_CLAIMS is not valid: claim rule operator must be = or has, got "=="' "$T/m.log"
ok $? "the log says why MCPAUTH_REQUIRE_CLAIMS is not valid"
fcgi m authorizer "MCPAUTH_REQUIRE_CLAIMS=groups has admins; email = alice@example.com" \
    "HTTP_AUTHORIZATION=Bearer $good"
is "$(status_of)|$(header Variable-AUTH_EMAIL)|$(header Variable-AUTH_NAME)" \
    "200|alice@example.com|Alice  Example%20" "authorizer role: Variable-AUTH_EMAIL and AUTH_NAME"

# --- Apache (mod_authnz_fcgi): the shipped file, the README's lines added ----
apache_user
drop=""
[ -n "$APACHE_USER" ] && drop="--user $APACHE_USER"
chmod -R a+rX "$T"
"$MCPAUTH" serve -c "$T/m.conf" --listen "127.0.0.1:$PM" $drop 2>> "$T/a.log" &
PIDS="$PIDS $!"
SERVICES="${SERVICES:-} $!"
mkdir -p "$T/apache"
{
	sed -e "s|127\.0\.0\.1:9311|127.0.0.1:$PM|g" -e "s|127\.0\.0\.1:3000|127.0.0.1:$PB|g" \
	    "$top/fcgi-conf/apache-authnz-fcgi.conf" |
	awk '/SetEnvIf Request_URI \^ "MCPAUTH_REQUIRED_SCOPES=mcp:admin"/ {
		print; print "    SetEnvIf Request_URI ^ \"MCPAUTH_REQUIRE_CLAIMS=groups has admins\""; next }
	    { print }'
	for_name "recipe: apache" Email
	for_name "recipe: apache" Name
} > "$T/apache/mcpauth.conf"
grep -q 'MCPAUTH_REQUIRE_CLAIMS=groups has admins' "$T/apache/mcpauth.conf"
ok $? "apache: the /admin block sets MCPAUTH_REQUIRE_CLAIMS"
{ apache_base "$T/apache"; cat <<CONF; } > "$T/apache/httpd.conf"
Listen 127.0.0.1:$PA
Include $T/apache/mcpauth.conf
CONF
chmod -R a+rX "$T"
wait_for grep -q "serving 127.0.0.1:$PM" "$T/a.log" || { echo "# mcpauth did not start"; cat "$T/a.log"; exit 1; }
start_apache "$T/apache/httpd.conf" "$PA"
through apache "http://127.0.0.1:$PA/mcp" "http://127.0.0.1:$PA/admin"
finish
