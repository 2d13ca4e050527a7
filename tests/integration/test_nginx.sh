#!/bin/sh
# nginx auth_request with the fcgi-conf/nginx files, as a client sees it:
# metadata, the 401 and 403 challenges byte for byte, the identity the
# app receives, spoofed identity headers, large claims, SIGHUP, and the
# optional decision cache.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"

local_issuer
cat > "$T/m.conf" <<CONF
metrics_path /metrics
health_path /healthz
issuer $ISS jwks=$T/jwks.json metadata=$T/as.json
resource $RES
    scopes_supported mcp:tools mcp:admin
    required_scopes mcp:tools
    leeway 0
CONF
start_mcpauth m "$T/m.conf"
start_app
start_nginx "$T/m.sock"

now=$(date +%s)
token() {	# token EXP SCOPE [EXTRA-CLAIMS]
	"$MINT" sign "$T/k.pem" RS256 '{"alg":"RS256","kid":"k1"}' \
		"{\"iss\":\"$ISS\",\"aud\":\"$RES\",\"exp\":$1,\"sub\":\"alice\",\"client_id\":\"cli\",\"scope\":\"$2\"$3}"
}
tok=$(token $((now + 600)) "mcp:tools" "")
# app_header NAME: what the echo app says it received ("" if nothing).
app_header() {
	body_json=$(printf '%s\n' "$out" | sed '1,/^$/d')
	printf '%s' "$body_json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["headers"].get(sys.argv[1], ""))' "$1"
}

# --- metadata ---------------------------------------------------------------
get "$NGINX/.well-known/oauth-protected-resource/mcp"
is "$(http_status) $(header Content-Type) $(header Access-Control-Allow-Origin)" \
	"200 application/json *" "resource metadata through nginx"
is "$(body)" "{\"resource\":\"$RES\",\"authorization_servers\":[\"$ISS\"],\"scopes_supported\":[\"mcp:tools\",\"mcp:admin\"],\"bearer_methods_supported\":[\"header\"]}" \
	"resource metadata body"
get "$NGINX/.well-known/oauth-authorization-server"
is "$(http_status) $(body)" "200 $(cat "$T/as.json")" "authorization server metadata through nginx"
get "$NGINX/.well-known/oauth-protected-resource"
is "$(http_status)" 404 "a resource with a path is not served at the root form"
# metrics_path and health_path, which the recipe allows from loopback.
get "$NGINX/healthz"
is "$(http_status) $(body)" '200 {"status":"ok"}' "health through nginx from loopback"
get "$NGINX/metrics"
is "$(http_status) $(header Content-Type) $(body | grep -c '^mcpauth_build_info{')" \
	"200 text/plain; version=0.0.4; charset=utf-8 1" "metrics through nginx from loopback"

# --- challenges ---------------------------------------------------------------
get "$NGINX/mcp"
is "$(http_status)" 401 "no token: 401"
is "$(grep -c '^WWW-Authenticate:' "$T/out")" 1 "no token: one challenge"
is "$(header WWW-Authenticate)" "Bearer resource_metadata=\"$MD_URL\", scope=\"mcp:tools\"" \
	"no token: the challenge byte for byte"
is "$(header Content-Type) $(body)" 'application/json {"error":"unauthorized"}' \
	"no token: JSON body"
expired=$(token 1000 mcp:tools "")
t0=$(date +%s)
get "$NGINX/mcp" -H "Authorization: Bearer $expired"
t1=$(date +%s)
is "$(http_status)" 401 "expired: 401"
# "now" is mcpauth's clock: any second between t0 and t1 is right.
now=$(header WWW-Authenticate | sed -n 's/.*(now \([0-9]*\), leeway.*/\1/p')
[ -n "$now" ] && [ "$now" -ge "$t0" ] && [ "$now" -le "$t1" ] || now=$t0
is "$(header WWW-Authenticate)" "Bearer error=\"invalid_token\", scope=\"mcp:tools\", resource_metadata=\"$MD_URL\", error_description=\"token expired at 1000 (now $now, leeway 0)\"" \
	"expired: the challenge byte for byte"
get "$NGINX/admin" -H "Authorization: Bearer $tok"
is "$(http_status)" 403 "missing scope: 403"
is "$(grep -c '^WWW-Authenticate:' "$T/out")" 1 "missing scope: one challenge"
is "$(header WWW-Authenticate)" "Bearer error=\"insufficient_scope\", scope=\"mcp:admin\", resource_metadata=\"$MD_URL\", error_description=\"token lacks scope mcp:admin\"" \
	"missing scope: the 403 challenge reaches the client"
is "$(body)" '{"error":"insufficient_scope"}' "missing scope: JSON body"

# --- the app's view -------------------------------------------------------------
get "$NGINX/mcp/x" -X POST -d '{"jsonrpc":"2.0"}' -H "Authorization: Bearer $tok" \
	-H "X-Auth-Subject: mallory" -H "X-Auth-Scopes: everything" -H "X-Auth-Issuer: evil"
is "$(http_status)" 200 "valid token: 200 from the app"
is "$(app_header x-auth-subject)|$(app_header x-auth-client-id)|$(app_header x-auth-scopes)|$(app_header x-auth-issuer)|$(app_header x-auth-audience)" \
	"alice|cli|mcp:tools|$ISS|$RES" "the app receives the caller's identity"
is "$(app_header x-auth-expires-at)|$(app_header x-auth-claims)" \
	"$((now + 600))|$(echo "$tok" | cut -d. -f2)" "the app receives expiry and claims"
is "$(app_header authorization)" "" "the token itself is not forwarded"
nosub=$("$MINT" sign "$T/k.pem" RS256 '{"alg":"RS256","kid":"k1"}' \
	"{\"iss\":\"$ISS\",\"aud\":\"$RES\",\"exp\":$((now + 600)),\"scope\":\"mcp:tools\"}")
get "$NGINX/mcp" -H "Authorization: Bearer $nosub" -H "X-Auth-Subject: mallory" -H "X-Auth-Client-Id: evil"
is "$(http_status)|$(app_header x-auth-subject)|$(app_header x-auth-client-id)" "200||" \
	"spoofed X-Auth-* never reach the app, even when the token lacks those claims"
pad=$(head -c 4600 /dev/zero | tr '\0' 'x')
big=$(token $((now + 600)) "mcp:tools" ",\"pad\":\"$pad\"")
get "$NGINX/mcp" -H "Authorization: Bearer $big"
is "$(http_status) $(app_header x-auth-subject)" "200 alice" "a token with a 6 KB payload passes"
is "$(app_header x-auth-claims)" "$(echo "$big" | cut -d. -f2)" "and its claims reach the app whole"

# --- SIGHUP -------------------------------------------------------------------
sed -i 's/required_scopes mcp:tools/required_scopes mcp:tools mcp:admin/' "$T/m.conf"
kill -HUP "$PID_m"
status_after() { get "$NGINX/mcp" -H "Authorization: Bearer $tok"; [ "$(http_status)" = "$1" ]; }
wait_for status_after 403
ok $? "after SIGHUP the new required_scopes apply"
is "$(header WWW-Authenticate)" "Bearer error=\"insufficient_scope\", scope=\"mcp:tools mcp:admin\", resource_metadata=\"$MD_URL\", error_description=\"token lacks scope mcp:admin\"" \
	"after SIGHUP the challenge names the new scopes"
sed -i 's/required_scopes mcp:tools mcp:admin/required_scopes mcp:tools/' "$T/m.conf"
kill -HUP "$PID_m"
wait_for status_after 200

# --- the decision cache -------------------------------------------------------------
stop_nginx
start_nginx "$T/m.sock" cache
decisions() { grep -c "decision status=" "$T/m.log"; }
short=$(token $(($(date +%s) + 3)) "mcp:tools" ",\"jti\":\"short\"")
get "$NGINX/mcp" -H "Authorization: Bearer $short"
is "$(http_status)" 200 "cache: first use asks mcpauth"
n=$(decisions)
get "$NGINX/mcp" -H "Authorization: Bearer $short"
is "$(http_status) $(decisions)" "200 $n" "cache: a repeat is answered by nginx alone"
get "$NGINX/admin" -H "Authorization: Bearer $short"
is "$(http_status) $(decisions)" "403 $((n + 1))" \
	"cache: another location's policy never reuses the cached decision"
get "$NGINX/admin" -H "Authorization: Bearer $short"
is "$(http_status) $(decisions)" "403 $((n + 2))" "cache: refusals are never cached"
n=$(decisions)
get "$NGINX/mcp"
get "$NGINX/mcp"
is "$(http_status) $(decisions)" "401 $((n + 2))" "cache: requests without a token bypass it"
sleep 4	# let the 3 s token expire
get "$NGINX/mcp" -H "Authorization: Bearer $short"
is "$(http_status) $(decisions)" "401 $((n + 3))" "cache: a token is refused once its exp has passed"

finish
