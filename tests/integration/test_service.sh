#!/bin/sh
# The running service over real FastCGI and over HTTP (SPEC §15), one
# table of cases for both transports: SPEC §6 endpoints, §7 decisions
# (both roles over FastCGI), trusted policy parameters against spoofed
# headers, and key sets fetched over HTTP from a test issuer on loopback
# (§9).  Over HTTP each request is the one a forward-auth proxy would
# send for the same FastCGI parameters (harness.sh http_ask); one mcpauth
# process serves both listeners.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"

mkdir -p "$T/as/.well-known" "$T/cache"
"$MINT" keygen rsa2048 "$T/k1.pem"
"$MINT" keygen p256 "$T/k2.pem"
"$MINT" jwks "$T/k1.pem,k1" > "$T/as/jwks.json"
start_issuer "$T/as"
cat > "$T/as/.well-known/oauth-authorization-server" <<JSON
{"issuer":"$ISSUER","jwks_uri":"$ISSUER/jwks.json","token_endpoint":"$ISSUER/token"}
JSON
RES=https://mcp.example.com/mcp
MD_URL=https://mcp.example.com/.well-known/oauth-protected-resource/mcp
cat > "$T/m.conf" <<CONF
issuer $ISSUER
insecure_http on
cache_dir $T/cache
resource $RES
    scopes_supported mcp:read mcp:write
    required_scopes mcp:read
    resource_name Test "MCP"
resource https://mcp.example.com/
    audience root-aud
CONF

# The cases, run once per transport: ask sends each over $TRANSPORT.
cases() {
start_mcpauth m "$T/m.conf" --http "unix:$T/m.http"
wait_for test -S "$T/m.http" || { echo "# no HTTP socket"; exit 1; }

now=$(date +%s)
exp=$((now + 600))
token() {	# token KEY KID PAYLOAD-EXTRA
	"$MINT" sign "$1" "$([ "${1##*/}" = k2.pem ] && echo ES256 || echo RS256)" \
		"{\"alg\":\"$([ "${1##*/}" = k2.pem ] && echo ES256 || echo RS256)\",\"kid\":\"$2\",\"typ\":\"at+jwt\"}" \
		"{\"iss\":\"$ISSUER\",\"aud\":\"$RES\",\"exp\":$exp,\"sub\":\"alice\",\"client_id\":\"app-1\",\"scope\":\"mcp:read mcp:write\"$3}"
}
good=$(token "$T/k1.pem" k1 "")
payload=$(echo "$good" | cut -d. -f2)

# --- §6 endpoints ---------------------------------------------------------
ask m responder REQUEST_METHOD=GET DOCUMENT_URI=/.well-known/oauth-protected-resource/mcp
is "$out" "Status: 200 OK
Content-Type: application/json
Cache-Control: public, max-age=3600
Access-Control-Allow-Origin: *

{\"resource\":\"$RES\",\"authorization_servers\":[\"$ISSUER\"],\"scopes_supported\":[\"mcp:read\",\"mcp:write\"],\"bearer_methods_supported\":[\"header\"],\"resource_name\":\"Test \\\"MCP\\\"\"}" \
	"resource metadata at the path-inserted URL"
ask m responder REQUEST_METHOD=GET DOCUMENT_URI=/.well-known/oauth-protected-resource
is "$(body)" "{\"resource\":\"https://mcp.example.com/\",\"authorization_servers\":[\"$ISSUER\"],\"bearer_methods_supported\":[\"header\"]}" \
	"root resource at the root form"
ask m responder REQUEST_METHOD=GET DOCUMENT_URI=/.well-known/oauth-protected-resource/nope
is "$(status_of) $(header Content-Type) $(header Access-Control-Allow-Origin)" \
	"404 application/json *" "unknown metadata path: 404 JSON with CORS"
is "$(body)" '{"error":"not_found","error_description":"no protected resource at /.well-known/oauth-protected-resource/nope"}' \
	"unknown metadata path: body"
ask m responder REQUEST_METHOD=GET SCRIPT_NAME=/.well-known/oauth-protected-resource PATH_INFO=/mcp
is "$(status_of)" 200 "path from SCRIPT_NAME + PATH_INFO"
ask m responder REQUEST_METHOD=OPTIONS DOCUMENT_URI=/.well-known/oauth-protected-resource/mcp
is "$out" "Status: 204 No Content
Access-Control-Allow-Origin: *
Access-Control-Allow-Methods: GET, HEAD, OPTIONS
Access-Control-Allow-Headers: Authorization, Content-Type, MCP-Protocol-Version
Access-Control-Max-Age: 86400" "OPTIONS on metadata: 204 with CORS"
ask m responder REQUEST_METHOD=GET DOCUMENT_URI=/.well-known/oauth-authorization-server
is "$(body)" "$(cat "$T/as/.well-known/oauth-authorization-server")" \
	"authorization server metadata verbatim"
is "$(header Content-Type)" "application/json" "AS metadata content type"
# Only the exact forms of §6 are metadata; anything else is a decision.
# (FastCGI only: over HTTP a policy comes only with /auth; test_http.sh
# routes these paths over HTTP.)
if [ "$TRANSPORT" = fcgi ]; then
for p in /.well-known/oauth-protected-resourceX /.well-known/oauth-authorization-serverX \
    /.well-known/oauth-authorization-server/mcp /.well-known/oauth-protected-resource.json; do
	ask m responder REQUEST_METHOD=GET DOCUMENT_URI=$p MCPAUTH_RESOURCE=$RES
	is "$out" "Status: 401 Unauthorized
WWW-Authenticate: Bearer resource_metadata=\"$MD_URL\", scope=\"mcp:read\"
Content-Type: application/json
X-Accel-Expires: 0

{\"error\":\"unauthorized\",\"error_description\":\"no bearer token\"}" \
		"$p is not metadata: a decision"
done
ask m responder REQUEST_METHOD=GET MCPAUTH_RESOURCE=$RES \
	"DOCUMENT_URI=/.well-known/oauth-protected-resource/$(head -c 5000 /dev/zero | tr '\0' a)"
is "$(status_of)" 401 "a path too long to route exactly is a decision"
fi

# --- §7 decisions, responder role ----------------------------------------
ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=$RES
is "$out" "Status: 401 Unauthorized
WWW-Authenticate: Bearer resource_metadata=\"$MD_URL\", scope=\"mcp:read\"
Content-Type: application/json
X-Accel-Expires: 0

{\"error\":\"unauthorized\",\"error_description\":\"no bearer token\"}" \
	"no credentials: 401 challenge without error"
ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=$RES HTTP_AUTHORIZATION=
is "$(header WWW-Authenticate)" "Bearer resource_metadata=\"$MD_URL\", scope=\"mcp:read\"" \
	"empty Authorization counts as none"
ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=$RES "HTTP_AUTHORIZATION=Basic YTpi"
is "$(status_of) $(header WWW-Authenticate)" "401 Bearer resource_metadata=\"$MD_URL\", scope=\"mcp:read\"" \
	"Basic counts as no credentials"
ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=https://mcp.example.com/ "HTTP_AUTHORIZATION=Basic YTpi"
is "$(header WWW-Authenticate)" "Bearer resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource\"" \
	"no scope required: scope left out"
for v in "Bearer" "Bearer   " "Bearer a b" "Bearer a,b"; do
	ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=$RES "HTTP_AUTHORIZATION=$v"
	case "$v" in
	"Bearer a b") d="the Bearer credentials hold more than one token" ;;
	"Bearer a,b") d="the Bearer token has characters outside RFC 6750 b64token" ;;
	*) d="the Bearer credentials hold no token" ;;
	esac
	is "$out" "Status: 401 Unauthorized
WWW-Authenticate: Bearer error=\"invalid_request\", scope=\"mcp:read\", resource_metadata=\"$MD_URL\", error_description=\"$d\"
Content-Type: application/json
X-Accel-Expires: 0

{\"error\":\"invalid_request\",\"error_description\":\"$d\"}" "malformed credentials '$v': 401 invalid_request"
done
ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=$RES "HTTP_AUTHORIZATION=bearer $good"
is "$out" "Status: 200 OK
X-Auth-Subject: alice
X-Auth-Client-Id: app-1
X-Auth-Scopes: mcp:read mcp:write
X-Auth-Issuer: $ISSUER
X-Auth-Audience: $RES
X-Auth-Expires-At: $exp
X-Auth-Claims: $payload
X-Accel-Expires: 60" "valid token (scheme in lower case): 200 with identity headers"
# SPEC §7: a space at the start or end of a value is %20 (web servers
# trim it), a space inside is kept.
spaced=$("$MINT" sign "$T/k1.pem" RS256 '{"alg":"RS256","kid":"k1"}' \
	"{\"iss\":\"$ISSUER\",\"aud\":\"$RES\",\"exp\":$exp,\"sub\":\"  admin  \",\"client_id\":\" \",\"scope\":\"mcp:read\"}")
ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=$RES "HTTP_AUTHORIZATION=Bearer $spaced"
is "$(printf '%s\n' "$out" | sed -n '2,3p')" "X-Auth-Subject: %20 admin %20
X-Auth-Client-Id: %20" "leading and trailing spaces of claims encoded as %20"
fcgi m authorizer MCPAUTH_RESOURCE=$RES "HTTP_AUTHORIZATION=Bearer $spaced"
is "$(printf '%s\n' "$out" | sed -n '2,4p')" "Variable-REMOTE_USER: %20 admin %20
Variable-AUTH_SUBJECT: %20 admin %20
Variable-AUTH_CLIENT_ID: %20" "the same in the authorizer role"
expired=$(token "$T/k1.pem" k1 ",\"nbf\":1")
expired=$("$MINT" sign "$T/k1.pem" RS256 '{"alg":"RS256","kid":"k1"}' \
	"{\"iss\":\"$ISSUER\",\"aud\":\"$RES\",\"exp\":1000,\"sub\":\"alice\",\"scope\":\"mcp:read\"}")
t0=$(date +%s)
ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=$RES "HTTP_AUTHORIZATION=Bearer $expired"
# "now" is the second the service decided in: the one before or after.
t=$(header WWW-Authenticate | sed -n 's/.*(now \([0-9]*\),.*/\1/p')
[ "${t:-0}" -ge "$t0" ] && [ "$t" -le "$(date +%s)" ] || t=$t0
d="token expired at 1000 (now $t, leeway 60)"
is "$(header WWW-Authenticate)" "Bearer error=\"invalid_token\", scope=\"mcp:read\", resource_metadata=\"$MD_URL\", error_description=\"$d\"" \
	"expired: invalid_token naming the check"
is "$(body)" "{\"error\":\"invalid_token\",\"error_description\":\"$d\"}" "expired: body"
ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=$RES MCPAUTH_REQUIRED_SCOPES="mcp:read admin" "HTTP_AUTHORIZATION=Bearer $good"
is "$out" "Status: 403 Forbidden
WWW-Authenticate: Bearer error=\"insufficient_scope\", scope=\"mcp:read admin\", resource_metadata=\"$MD_URL\", error_description=\"token lacks scope admin\"
Content-Type: application/json
X-Accel-Expires: 0

{\"error\":\"insufficient_scope\",\"error_description\":\"token lacks scope admin\"}" \
	"insufficient scope: 403 with all required scopes"
ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=https://mcp.example.com/ "HTTP_AUTHORIZATION=Bearer $good"
is "$(header WWW-Authenticate)" "Bearer error=\"invalid_token\", resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource\", error_description=\"aud does not contain root-aud\"" \
	"MCPAUTH_RESOURCE selects the resource and its audience"
ask m responder DOCUMENT_URI=/_auth "HTTP_AUTHORIZATION=Bearer $good"
is "$(status_of) $(body)" "500 {\"error\":\"server_error\",\"error_description\":\"several resources are configured and MCPAUTH_RESOURCE is not set\"}" \
	"several resources and no MCPAUTH_RESOURCE: 500"
ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=$RES \
	"MCPAUTH_REQUIRED_SCOPES=$(head -c 9000 /dev/zero | tr '\0' 's')" "HTTP_AUTHORIZATION=Bearer $good"
is "$(status_of) $(body)" '500 {"error":"server_error","error_description":"the required scopes are too long"}' \
	"a 9000-byte MCPAUTH_REQUIRED_SCOPES: 500, never a 2xx (found by fuzzing)"
# 8191 quotes fit MCPAUTH_REQUIRED_SCOPES but, escaped, not the challenge.
ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=$RES \
	"MCPAUTH_REQUIRED_SCOPES=$(head -c 8191 /dev/zero | tr '\0' '"')"
is "$out" 'Status: 500 Internal Server Error
Content-Type: application/json
X-Accel-Expires: 0

{"error":"server_error","error_description":"challenge too large"}' \
	"a challenge too large for its buffer: a whole 500, never a cut challenge"
grep -q 'decision status=500 error=server_error reason="no bearer token"' "$T/m.log"
ok $? "the overflowing challenge is logged as a 500"
ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=https://other.example "HTTP_AUTHORIZATION=Bearer $good"
is "$(status_of)" 500 "unknown MCPAUTH_RESOURCE: 500"
quote=$("$MINT" sign "$T/k1.pem" RS256 '{"alg":"RS256","kid":"k\"1\\"}' "{\"iss\":\"$ISSUER\"}")
ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=$RES "HTTP_AUTHORIZATION=Bearer $quote"
is "$(header WWW-Authenticate)" "Bearer error=\"invalid_token\", scope=\"mcp:read\", resource_metadata=\"$MD_URL\", error_description=\"no key with kid \\\"k\\\"1\\\\\\\"\"" \
	"quotes and backslashes escaped in the challenge"

# --- trusted parameters versus client headers -----------------------------
ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=$RES HTTP_MCPAUTH_REQUIRED_SCOPES= \
	HTTP_MCPAUTH_RESOURCE=https://mcp.example.com/ "HTTP_AUTHORIZATION=Bearer $good"
is "$(status_of) $(header X-Auth-Audience)" "200 $RES" "spoofed HTTP_MCPAUTH_RESOURCE changes nothing"
ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=$RES HTTP_MCPAUTH_REQUIRED_SCOPES=admin \
	"HTTP_AUTHORIZATION=Bearer $good"
is "$(status_of)" 200 "spoofed HTTP_MCPAUTH_REQUIRED_SCOPES changes nothing"
ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=$RES HTTP_X_AUTH_SUBJECT=mallory \
	"HTTP_AUTHORIZATION=Bearer $good"
is "$(header X-Auth-Subject)" alice "a client X-Auth-Subject header is not echoed"
ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=$RES "HTTP_AUTHORIZATION=Bearer $good" \
	"QUERY_STRING=access_token=$good" REQUEST_METHOD=OPTIONS HTTP_ACCESS_CONTROL_REQUEST_METHOD=GET
is "$(status_of)" 200 "preflight with a token is decided on the token"
ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=$RES "QUERY_STRING=access_token=$good" \
	"HTTP_COOKIE=access_token=$good"
is "$(status_of)" 401 "tokens in the query string or a cookie are ignored"
ask m responder DOCUMENT_URI=/_auth MCPAUTH_RESOURCE=$RES REQUEST_METHOD=OPTIONS \
	HTTP_ACCESS_CONTROL_REQUEST_METHOD=POST
is "$(status_of)" 401 "CORS preflight needs a token by default"

# --- AUTHORIZER role (FastCGI only: HTTP has no roles) ----------------------
if [ "$TRANSPORT" = fcgi ]; then
fcgi m authorizer MCPAUTH_RESOURCE=$RES "HTTP_AUTHORIZATION=Bearer $good"
is "$out" "Status: 200 OK
Variable-REMOTE_USER: alice
Variable-AUTH_SUBJECT: alice
Variable-AUTH_CLIENT_ID: app-1
Variable-AUTH_SCOPES: mcp:read mcp:write
Variable-AUTH_ISSUER: $ISSUER
Variable-AUTH_AUDIENCE: $RES
Variable-AUTH_EXPIRES_AT: $exp
Variable-AUTH_CLAIMS: $payload" "authorizer 200: only Variable-* headers"
fcgi m authorizer MCPAUTH_RESOURCE=$RES DOCUMENT_URI=/.well-known/oauth-protected-resource/mcp
is "$(status_of) $(header WWW-Authenticate)" "401 Bearer resource_metadata=\"$MD_URL\", scope=\"mcp:read\"" \
	"authorizer: decisions only, even on a metadata path"
fcgi m authorizer MCPAUTH_RESOURCE=$RES MCPAUTH_REQUIRED_SCOPES=admin "HTTP_AUTHORIZATION=Bearer $good"
is "$(status_of)" 403 "authorizer 403"
fcgi m authorizer MCPAUTH_RESOURCE=$RES "HTTP_AUTHORIZATION=Bearer $expired"
is "$(status_of) $(header X-Auth-Subject)" "401 " "authorizer 401 without identity"
fi

# --- the verified-token cache ------------------------------------------------
printf 'issuer %s jwks=%s/jwks.json\ninsecure_http on\nresource https://a.example\n    leeway 0\nresource https://b.example\n' \
	"$ISSUER" "$ISSUER" > "$T/c.conf"
start_mcpauth c "$T/c.conf" --http "unix:$T/c.http"
wait_for test -S "$T/c.http" || { echo "# no HTTP socket"; exit 1; }
# cached: carol, valid for 10 minutes; short: dave, expiring in 3 s.
cached=$("$MINT" sign "$T/k1.pem" RS256 '{"alg":"RS256","kid":"k1"}' \
	"{\"iss\":\"$ISSUER\",\"aud\":\"https://a.example\",\"exp\":$(($(date +%s) + 600)),\"sub\":\"carol\",\"scope\":\"s1\"}")
ask c responder MCPAUTH_RESOURCE=https://a.example "HTTP_AUTHORIZATION=Bearer $cached"
is "$(status_of) $(header X-Auth-Subject)" "200 carol" "cache: first use decided in full"
ask c responder MCPAUTH_RESOURCE=https://a.example "HTTP_AUTHORIZATION=Bearer $cached"
is "$(status_of) $(header X-Auth-Subject) $(header X-Auth-Scopes) $(header X-Auth-Audience)" \
	"200 carol s1 https://a.example" "cache: a repeated token gets the same identity"
is "$(grep -c 'sub="carol".* cache=hit ' "$T/c.log")" 1 "cache: the repeat was a hit"
ask c responder MCPAUTH_RESOURCE=https://b.example "HTTP_AUTHORIZATION=Bearer $cached"
is "$(status_of) $(header WWW-Authenticate | sed 's/.*error_description=//')" \
	'401 "aud does not contain https://b.example"' \
	"cache: keyed by policy, another location's audience is checked"
forged=$(echo "$cached" | cut -d. -f1,2).$(echo "$good" | cut -d. -f3)
ask c responder MCPAUTH_RESOURCE=https://a.example "HTTP_AUTHORIZATION=Bearer $forged"
ask c responder MCPAUTH_RESOURCE=https://a.example "HTTP_AUTHORIZATION=Bearer $forged"
is "$(status_of) $(header WWW-Authenticate | sed 's/.*error_description=//')" \
	'401 "signature verification failed"' "cache: a repeated forged signature is refused again"
is "$(grep -c 'reason="signature verification failed" .* cache=hit ' "$T/c.log")" 1 \
	"cache: the repeat was answered from the cache"
ask c responder MCPAUTH_RESOURCE=https://a.example MCPAUTH_REQUIRED_SCOPES=s2 "HTTP_AUTHORIZATION=Bearer $cached"
is "$(status_of)" 403 "cache: required scopes checked again on a hit"
short=$("$MINT" sign "$T/k1.pem" RS256 '{"alg":"RS256","kid":"k1"}' \
	"{\"iss\":\"$ISSUER\",\"aud\":\"https://a.example\",\"exp\":$(($(date +%s) + 3)),\"sub\":\"dave\",\"scope\":\"s1\"}")
ask c responder MCPAUTH_RESOURCE=https://a.example "HTTP_AUTHORIZATION=Bearer $short"
is "$(status_of) $(header X-Auth-Subject)" "200 dave" "cache: a token about to expire is allowed and cached"
sleep 4	# let the 3 s token expire
ask c responder MCPAUTH_RESOURCE=https://a.example "HTTP_AUTHORIZATION=Bearer $short"
case "$(header WWW-Authenticate)" in *'error_description="token expired at'*) r=0 ;; *) r=1 ;; esac
is "$(status_of)" 401 "cache: a cached token is refused once it expires"
ok $r "cache: expiry checked again on a hit"

# --- metadata of resources that share a path on two hosts -------------------
# (Picking one by MCPAUTH_RESOURCE is FastCGI only: over HTTP a metadata
# path carries no policy, and a shared path stays a 500.)
if [ "$TRANSPORT" = fcgi ]; then
ask c responder REQUEST_METHOD=GET DOCUMENT_URI=/.well-known/oauth-protected-resource \
	MCPAUTH_RESOURCE=https://b.example HTTP_HOST=a.example
is "$(status_of) $(body)" "200 {\"resource\":\"https://b.example\",\"authorization_servers\":[\"$ISSUER\"],\"bearer_methods_supported\":[\"header\"]}" \
	"shared path: MCPAUTH_RESOURCE picks the document, not the Host"
fi
ask c responder REQUEST_METHOD=GET DOCUMENT_URI=/.well-known/oauth-protected-resource HTTP_HOST=b.example
is "$(status_of) $(body)" '500 {"error":"server_error","error_description":"several resources have this metadata path and MCPAUTH_RESOURCE names none of them"}' \
	"shared path without MCPAUTH_RESOURCE: 500, never the first one's document"
ask c responder REQUEST_METHOD=GET DOCUMENT_URI=/.well-known/oauth-protected-resource \
	MCPAUTH_RESOURCE=https://c.example
is "$(status_of)" 500 "shared path, MCPAUTH_RESOURCE naming another resource: 500"

# --- logs -------------------------------------------------------------------
grep -q "decision status=200 error=- reason=\"allowed\" resource=$RES sub=\"alice\" client_id=\"app-1\" iss=$ISSUER cache=- us=" "$T/m.log"
ok $? "a 200 is logged with its caller"
grep -q "decision status=401 error=invalid_token reason=\"token expired at 1000 " "$T/m.log"
ok $? "a 401 is logged with its reason"
grep -q "decision status=403 error=insufficient_scope reason=\"token lacks scope admin\" .* sub=\"alice\"" "$T/m.log"
ok $? "a 403 is logged with its reason and caller"
grep -q "$(echo "$good" | cut -d. -f3)" "$T/m.log"
ok $((! $?)) "the log never holds a signature"
grep -q "$payload" "$T/m.log"
ok $((! $?)) "the log never holds a token payload"

stop_mcpauth m
stop_mcpauth c
for l in m c; do mv "$T/$l.log" "$T/$l.$TRANSPORT.log"; done
}

for TRANSPORT in fcgi http; do
	TAP_PREFIX="$TRANSPORT: "
	cases
done
TAP_PREFIX=""
finish
