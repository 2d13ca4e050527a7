#!/bin/sh
# What only the HTTP transport does (SPEC §15): the /auth policy query,
# the forwarded method and URI, HEAD, refused bodies, the head limit,
# header names mapped as a web server would, pipelining, keep-alive and
# the count of connections against requests.  The decisions themselves
# are test_service.sh's table, run over both transports.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"
RAW="python3 $top/tests/tools/rawhttp.py"

"$MINT" keygen rsa2048 "$T/k1.pem"
"$MINT" jwks "$T/k1.pem,k1" > "$T/jwks.json"
ISS=https://as.example.com
RES=https://mcp.example.com/mcp
MD_URL=https://mcp.example.com/.well-known/oauth-protected-resource/mcp
cat > "$T/m.conf" <<CONF
issuer $ISS jwks=$T/jwks.json
allow_cors_preflight on
resource $RES
    scopes_supported mcp:read mcp:write
    required_scopes mcp:read
resource https://other.example.com/
CONF
start_mcpauth m "$T/m.conf" --http "unix:$T/m.http"
wait_for test -S "$T/m.http" || { echo "# no HTTP socket"; exit 1; }
exp=$(($(date +%s) + 600))
good=$("$MINT" sign "$T/k1.pem" RS256 '{"alg":"RS256","kid":"k1"}' \
	"{\"iss\":\"$ISS\",\"aud\":\"$RES\",\"exp\":$exp,\"sub\":\"alice\",\"client_id\":\"app-1\",\"scope\":\"mcp:read mcp:write\"}")
AUTH="Authorization: Bearer $good"

# h PATH [CURL-ARGS...]: one request over HTTP; sets out (CR removed).
h() {
	p=$1
	shift
	curl -s -i --unix-socket "$T/m.http" "$@" "http://mcpauth$p" | tr -d '\r' > "$T/out"
	out=$(cat "$T/out")
}
# no_date: $out without the Date line.
no_date() { printf '%s\n' "$out" | grep -v '^Date: '; }

# --- the policy query of /auth ---------------------------------------------------
h "/auth?resource=$RES&scopes=mcp:read+mcp:admin" -H "$AUTH"
is "$(no_date)" "HTTP/1.1 403 Forbidden
WWW-Authenticate: Bearer error=\"insufficient_scope\", scope=\"mcp:read mcp:admin\", resource_metadata=\"$MD_URL\", error_description=\"token lacks scope mcp:admin\"
Content-Type: application/json
X-Accel-Expires: 0
Content-Length: 80

{\"error\":\"insufficient_scope\",\"error_description\":\"token lacks scope mcp:admin\"}" \
	"scopes=a+b: '+' is a space, the scopes are required"
h "/auth?resource=https%3A%2F%2Fmcp.example.com%2Fmcp&scopes=mcp%3Aread&claims=" -H "$AUTH"
is "$(http_status) $(printf '%s\n' "$out" | sed -n 's/^X-Auth-Subject: //p')" "200 alice" \
	"percent-encoded policy values (an empty claims= asks for nothing)"
h "/auth?resource=$RES&claims=sub+%3D+alice%3B+client_id+has+x+app-1" -H "$AUTH"
is "$(http_status)" 403 "claims=: the rules are enforced (has on a string fails)"
is "$(header WWW-Authenticate)" "Bearer error=\"insufficient_scope\", resource_metadata=\"$MD_URL\", error_description=\"claim rule \\\"client_id has x app-1\\\" is not met\"" \
	"claims=: a failed rule's challenge names it, without scope="
h "/auth?resource=$RES&claims=sub+%3D+alice%3B+client_id+%3D+x+app-1" -H "$AUTH"
is "$(http_status)" 200 "claims=: rules that hold"
h "/auth?resource=$RES&claims=sub+%3D%3D+alice" -H "$AUTH"
is "$(http_status) $(printf '%s\n' "$out" | sed '1,/^$/d')" \
	'500 {"error":"server_error","error_description":"MCPAUTH_REQUIRE_CLAIMS is not valid"}' \
	"claims=: an invalid rule is a 500"
h "/auth?scopes=mcp:read" -H "$AUTH"
is "$(http_status) $(printf '%s\n' "$out" | sed '1,/^$/d')" \
	'500 {"error":"server_error","error_description":"several resources are configured and MCPAUTH_RESOURCE is not set"}' \
	"no resource= with several resources: 500, as over FastCGI"
for q in "resource=$RES&scope=mcp:read" "resource=$RES&resource=$RES" \
    "resource=$RES&scopes=%zz" "resource=$RES&scopes=a%00b"; do
	h "/auth?$q" -H "$AUTH"
	case $q in
	*scope=*) d="the policy query of /auth has a parameter other than resource, scopes and claims" ;;
	*resource=*resource=*) d="the policy query of /auth repeats a parameter" ;;
	*) d="the policy query of /auth has a bad %-escape or a NUL" ;;
	esac
	is "$(no_date)" "HTTP/1.1 500 Internal Server Error
Content-Type: application/json
X-Accel-Expires: 0
Content-Length: $((47 + ${#d}))

{\"error\":\"server_error\",\"error_description\":\"$d\"}" "policy query '$q': 500, never a guess"
done
h "/_auth?scopes=mcp:admin" -H "$AUTH" -H "Mcpauth-Resource: $RES"
is "$(http_status)" 500 "a query on another path than /auth is no policy, nor is a Mcpauth-Resource header"
h "/auth/?resource=$RES&scopes=mcp:admin" -H "$AUTH"
is "$(http_status)" 500 "/auth/ is not /auth: its query is not read"
h "/auth?resource=$RES" -H "$AUTH" -H "Mcpauth-Required-Scopes: mcp:admin" \
	-H "Mcpauth-Resource: https://other.example.com/"
is "$(http_status)" 200 "Mcpauth-* headers are HTTP_MCPAUTH_*, never policy"
h "/auth?resource=$RES" -H "$AUTH" -H "Authorization: Bearer $good"
is "$(sed -n 's/^WWW-Authenticate: //p' "$T/out")" \
	"Bearer error=\"invalid_request\", scope=\"mcp:read\", resource_metadata=\"$MD_URL\", error_description=\"the Bearer credentials hold more than one token\"" \
	"two Authorization headers are joined, as a web server would: refused"

# --- HEAD: the same status and headers, no body -----------------------------------
for a in "" "$AUTH"; do
	h "/auth?resource=$RES" ${a:+-H "$a"}
	get_out=$(no_date)
	h "/auth?resource=$RES" -I ${a:+-H "$a"}
	is "$(no_date)" "$(printf '%s\n' "$get_out" | sed '/^$/,$d')" \
		"HEAD: the status and headers of GET ($(printf '%s\n' "$get_out" | head -n 1))"
done
printf 'HEAD /auth?resource=%s HTTP/1.1\r\nHost: x\r\n\r\nHEAD /auth?resource=%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' \
	"$RES" "$RES" > "$T/req"
$RAW "$T/m.http" send "$T/req" > "$T/raw"
is "$(grep -c '^HTTP/1.1 401 ' "$T/raw") $(grep -c '^{' "$T/raw")" "2 0" \
	"two HEADs on one connection: two answers, no body in between"

# --- the original request's method and URI -------------------------------------------
pre="-H Access-Control-Request-Method:POST"
h "/auth?resource=$RES" $pre -H "X-Original-Method: OPTIONS"
is "$(http_status)" 200 "X-Original-Method OPTIONS: a CORS preflight passes without a token"
h "/auth?resource=$RES" $pre -H "X-Forwarded-Method: OPTIONS"
is "$(http_status)" 200 "X-Forwarded-Method OPTIONS: the same"
h "/auth?resource=$RES" $pre -H "X-Original-Method: OPTIONS" -H "X-Forwarded-Method: GET"
is "$(http_status)" 401 "X-Original-Method and X-Forwarded-Method disagree: no preflight, a token is needed"
h "/auth?resource=$RES" $pre -H "X-Original_Method: OPTIONS"
is "$(http_status)" 401 "a header name with '_' is dropped, as nginx and Apache drop it"
h "/auth?resource=$RES" $pre
is "$(http_status)" 401 "no forwarded method: this request's own GET, not a preflight"
h "/auth?resource=$RES" -H "X-Original-URI: /mcp?access_token=$good"
is "$(http_status)" 401 "a token in the original URI's query is no credential"

# --- bodies, heads, targets --------------------------------------------------------
h "/auth?resource=$RES" -H "$AUTH" --data-binary x
is "$(no_date)" 'HTTP/1.1 413 Content Too Large
Connection: close
Content-Type: application/json
X-Accel-Expires: 0
Content-Length: 82

{"error":"invalid_request","error_description":"a request to mcpauth has no body"}' \
	"a body: 413, and the connection is closed"
h "/auth?resource=$RES" -H "$AUTH" -H "Transfer-Encoding: chunked" --data-binary x
is "$(http_status)" 413 "a chunked body: 413"
pad=$(head -c 60000 /dev/zero | tr '\0' a)
h "/auth?resource=$RES" -H "$AUTH" -H "X-Pad: $pad"
is "$(http_status)" 200 "a 60 KB head is decided"
pad=$(head -c 70000 /dev/zero | tr '\0' a)
h "/auth?resource=$RES" -H "$AUTH" -H "X-Pad: $pad"
is "$(http_status)" 431 "a 70 KB head: 431"
{ printf 'GET /auth HTTP/1.1\r\nHost: x\r\n'; i=0; while [ $i -lt 40 ]; do printf 'X-Pad-%d: %s\r\n' $i "$pad"; i=$((i + 1)); done; printf '\r\n'; } > "$T/req"
$RAW "$T/m.http" send "$T/req" > "$T/raw"
is "$(head -n 1 "$T/raw")" "HTTP/1.1 431 Request Header Fields Too Large" "a 2.8 MB head: 431"
printf 'GET http://x/auth HTTP/1.1\r\nHost: x\r\n\r\n' > "$T/req"
$RAW "$T/m.http" send "$T/req" > "$T/raw"
is "$(head -n 1 "$T/raw")" "HTTP/1.1 400 Bad Request" "a target that is not a path: 400"
h "/.well-known/oauth-protected-resource/%6dcp"
is "$(http_status)" 200 "the path is percent-decoded for routing"
for p in /.well-known/oauth-protected-resourceX /.well-known/oauth-authorization-server/mcp; do
	h "$p"
	is "$(http_status) $(printf '%s\n' "$out" | sed '1,/^$/d')" \
		'500 {"error":"server_error","error_description":"several resources are configured and MCPAUTH_RESOURCE is not set"}' \
		"$p is no metadata path: a decision (for the default resource)"
done
h "/.well-known/oauth-protected-resource/mcp%00x"
is "$(http_status)" 400 "a path with an encoded NUL: 400"
h "/auth?resource=$RES" -H "$AUTH"
is "$(http_status)" 200 "after all that, decisions still flow"

# --- pipelining and keep-alive -------------------------------------------------------
printf 'GET /auth?resource=%s HTTP/1.1\r\nHost: x\r\n\r\nGET /auth?resource=%s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\nGET /.well-known/oauth-protected-resource/mcp HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' \
	"$RES" "$RES" "$good" > "$T/req"
$RAW "$T/m.http" send "$T/req" > "$T/raw"
is "$(grep -o 'HTTP/1\.1 [0-9]*' "$T/raw" | tr '\n' ,)" "HTTP/1.1 401,HTTP/1.1 200,HTTP/1.1 200," \
	"three pipelined requests: three answers, in order"
stop_mcpauth m
start_mcpauth k "$T/m.conf" --http "unix:$T/k.http"
wait_for test -S "$T/k.http" || { echo "# no HTTP socket"; exit 1; }
set --
i=0
while [ $i -lt 50 ]; do set -- "$@" "http://mcpauth/auth?resource=$RES"; i=$((i + 1)); done
curl -s -o /dev/null -w '%{http_code}\n' --unix-socket "$T/k.http" -H "$AUTH" "$@" > "$T/codes"
is "$(sort "$T/codes" | uniq -c | sed 's/^ *//')" "50 200" "50 requests on one keep-alive connection"
stop_mcpauth k
is "$(http_counts k)" \
	"1 connections accepted, 50 requests answered" "mcpauth counts 1 connection for the 50 requests"

finish
