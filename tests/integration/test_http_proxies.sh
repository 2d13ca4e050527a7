#!/bin/sh
# mcpauth over HTTP (serve --http) behind real proxies, with the shipped
# recipes filled in only for ports and paths: nginx auth_request to a
# keep-alive upstream (fcgi-conf/nginx/mcpauth-http.conf) and Caddy
# forward_auth (fcgi-conf/caddy/Caddyfile).  For each: metadata, the 401
# and 403 challenges as the client gets them, the identity the app
# receives, client-sent X-Auth-* never reaching it, and connection reuse
# (mcpauth's count of accepted connections against requests).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"

local_issuer
cat > "$T/m.conf" <<CONF
issuer $ISS jwks=$T/jwks.json metadata=$T/as.json
resource $RES
    scopes_supported mcp:tools mcp:admin
    required_scopes mcp:tools
CONF
start_app
now=$(date +%s)
token() {	# token SCOPE [EXTRA-CLAIMS]
	"$MINT" sign "$T/k.pem" RS256 '{"alg":"RS256","kid":"k1"}' \
		"{\"iss\":\"$ISS\",\"aud\":\"$RES\",\"exp\":$((now + 600)),\"sub\":\"alice\",\"client_id\":\"cli\",\"scope\":\"$1\"$2}"
}
tok=$(token "mcp:tools" "")
notools=$(token "mcp:read" "")
nosub=$("$MINT" sign "$T/k.pem" RS256 '{"alg":"RS256","kid":"k1"}' \
	"{\"iss\":\"$ISS\",\"aud\":\"$RES\",\"exp\":$((now + 600)),\"scope\":\"mcp:tools\"}")
# hdr NAME: a response header of $out, whatever the case of its name.
hdr() {
	printf '%s\n' "$out" | sed '/^$/q' | awk -v n="$1" 'BEGIN { n = tolower(n) ": " }
		index(tolower($0), n) == 1 { print substr($0, length(n) + 1); exit }'
}
nhdr() { printf '%s\n' "$out" | sed '/^$/q' | grep -ci "^$1:"; }
app_header() {
	printf '%s\n' "$out" | sed '1,/^$/d' |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["headers"].get(sys.argv[1], ""))' "$1"
}
SPOOF="-H X-Auth-Subject:mallory -H X-Auth-Client-Id:evil -H X-Auth-Scopes:everything
-H X-Auth-Issuer:evil -H X-Auth-Audience:evil -H X-Auth-Expires-At:9 -H X-Auth-Claims:e30"

# cases PROXY URL BODY401 BODY403 ADMIN: what every proxy must do; the
# refusal bodies are the proxy's own (nginx) or mcpauth's (Caddy), and
# ADMIN is a path that needs mcp:admin (nginx) or "" to test the 403
# with a token lacking mcp:tools instead (Caddy: one policy).
cases() {
	p=$1 url=$2
	TAP_PREFIX="$p: "
	get "$url/.well-known/oauth-protected-resource/mcp"
	is "$(http_status) $(body)" "200 {\"resource\":\"$RES\",\"authorization_servers\":[\"$ISS\"],\"scopes_supported\":[\"mcp:tools\",\"mcp:admin\"],\"bearer_methods_supported\":[\"header\"]}" \
		"resource metadata"
	get "$url/.well-known/oauth-authorization-server"
	is "$(http_status) $(body)" "200 $(cat "$T/as.json")" "authorization server metadata"
	get "$url/mcp"
	is "$(http_status) $(nhdr WWW-Authenticate) $(hdr WWW-Authenticate)" \
		"401 1 Bearer resource_metadata=\"$MD_URL\", scope=\"mcp:tools\"" \
		"no token: 401 with one challenge, byte for byte"
	is "$(body)" "$3" "no token: JSON body"
	get "$url/mcp" -H "Authorization: Bearer x.y.z"
	is "$(http_status) $(hdr WWW-Authenticate)" \
		"401 Bearer error=\"invalid_token\", scope=\"mcp:tools\", resource_metadata=\"$MD_URL\", error_description=\"header: not valid base64url\"" \
		"a malformed token: the invalid_token challenge"
	if [ -n "$5" ]; then
		get "$url$5" -H "Authorization: Bearer $tok"
		want="Bearer error=\"insufficient_scope\", scope=\"mcp:admin\", resource_metadata=\"$MD_URL\", error_description=\"token lacks scope mcp:admin\""
	else
		get "$url/mcp" -H "Authorization: Bearer $notools"
		want="Bearer error=\"insufficient_scope\", scope=\"mcp:tools\", resource_metadata=\"$MD_URL\", error_description=\"token lacks scope mcp:tools\""
	fi
	is "$(http_status) $(nhdr WWW-Authenticate) $(hdr WWW-Authenticate)" "403 1 $want" \
		"missing scope: 403 with the insufficient_scope challenge"
	is "$(body)" "$4" "missing scope: JSON body"
	# shellcheck disable=SC2086
	get "$url/mcp/x" -X POST -d '{"jsonrpc":"2.0"}' -H "Authorization: Bearer $tok" $SPOOF
	is "$(http_status)|$(app_header x-auth-subject)|$(app_header x-auth-client-id)|$(app_header x-auth-scopes)|$(app_header x-auth-issuer)|$(app_header x-auth-audience)" \
		"200|alice|cli|mcp:tools|$ISS|$RES" "valid token: the app receives the caller's identity"
	is "$(app_header x-auth-expires-at)|$(app_header x-auth-claims)|$(app_header authorization)" \
		"$((now + 600))|$(echo "$tok" | cut -d. -f2)|" \
		"valid token: expiry and claims, not the token"
	# shellcheck disable=SC2086
	get "$url/mcp" -H "Authorization: Bearer $nosub" $SPOOF
	is "$(http_status)|$(app_header x-auth-subject)|$(app_header x-auth-client-id)|$(app_header x-auth-scopes)" \
		"200|||mcp:tools" "client-sent X-Auth-* never reach the app, even for claims the token lacks"
	printf '%s\n' "$out" | sed '1,/^$/d' | grep -qi 'mallory\|evil\|everything\|e30\|http.reverse_proxy'
	ok $((! $?)) "no spoofed or placeholder value anywhere in what the app got"
	TAP_PREFIX=""
}

# traffic URL: 20 allowed and 20 refused requests, one after the other.
traffic() {
	i=0
	while [ $i -lt 20 ]; do
		curl -s -o /dev/null -H "Authorization: Bearer $tok" "$1/mcp"
		curl -s -o /dev/null "$1/mcp"
		i=$((i + 1))
	done
}

# --- nginx auth_request over HTTP --------------------------------------------------
start_mcpauth n "$T/m.conf" --http "unix:$T/n.http"
wait_for test -S "$T/n.http" || { echo "# no HTTP socket"; exit 1; }
NGINX_HTTP=1 start_nginx "$T/n.http"
grep -q 'proxy_method HEAD;' "$T/nginx/mcpauth-http-auth.conf"
ok $? "nginx: the auth locations ask with HEAD"
cases nginx "$NGINX" '{"error":"unauthorized"}' '{"error":"insufficient_scope"}' /admin
traffic "$NGINX"
# Path confusion: the token is good for /mcp only; the app receives the
# normalised path whose policy decided, never a raw one naming another.
while read -r path want; do
	code=$(curl -s --path-as-is -o "$T/b" -w '%{http_code}' \
		-H "Authorization: Bearer $tok" "$NGINX$path")
	got=$(python3 -c 'import json,sys
try: print(json.load(open(sys.argv[1]))["path"])
except (ValueError, KeyError): print("-")' "$T/b")
	case $want in
	200:*) is "$code:$got" "$want" "nginx: $path reaches the app as ${want#200:}" ;;
	*) is "$code" "$want" "nginx: $path is refused with $want" ;;
	esac
done <<'TABLE'
/admin/../mcp 200:/mcp
/admin/..%2Fmcp 200:/mcp
/admin/%2e%2e/mcp 200:/mcp
//mcp//sub 200:/mcp/sub
/mcp/../admin 403
/mcp/..%2Fadmin 403
/mcpx 404
/mcp/..;/admin 400
TABLE
stop_nginx

# The decision cache (mcpauth-http-cache.conf).
NGINX_HTTP=1 start_nginx "$T/n.http" cache
decisions() { grep -c "decision status=" "$T/n.log"; }
get "$NGINX/mcp" -H "Authorization: Bearer $tok"
n=$(decisions)
get "$NGINX/mcp" -H "Authorization: Bearer $tok"
is "$(http_status) $(app_header x-auth-subject) $(decisions)" "200 alice $n" \
	"nginx cache: a repeat is answered by nginx alone, identity included"
get "$NGINX/admin" -H "Authorization: Bearer $tok"
is "$(http_status) $(decisions)" "403 $((n + 1))" \
	"nginx cache: another location's policy never reuses the cached decision"
get "$NGINX/mcp" -H "Authorization: Bearer $tok" -H "Mcp-Method: tools/call"
is "$(http_status) $(decisions)" "200 $((n + 2))" "nginx cache: other MCP headers, another entry"
get "$NGINX/mcp"
get "$NGINX/mcp"
is "$(http_status) $(decisions)" "401 $((n + 4))" "nginx cache: requests without a token bypass it"
stop_nginx
stop_mcpauth n
counts=$(http_counts n)
echo "# nginx -> mcpauth: $counts"
is "$counts" "2 connections accepted, 58 requests answered" \
	"nginx: 58 requests (allowed, refused, metadata) on one kept connection per nginx run"

# --- Caddy forward_auth -------------------------------------------------------------
start_mcpauth c "$T/m.conf" --http "unix:$T/c.http"
wait_for test -S "$T/c.http" || { echo "# no HTTP socket"; exit 1; }
start_caddy "$T/c.http" "$RES"
cases caddy "$CADDY" \
	'{"error":"unauthorized","error_description":"no bearer token"}' \
	'{"error":"insufficient_scope","error_description":"token lacks scope mcp:tools"}' ""
get "$CADDY/mcp"
is "$(hdr X-Accel-Expires)" 0 "caddy: mcpauth's refusal reaches the client whole"
traffic "$CADDY"
kill "$CADDY_PID"
wait "$CADDY_PID" 2>/dev/null
stop_mcpauth c
counts=$(http_counts c)
echo "# caddy -> mcpauth: $counts"
n=${counts%% *}
# 49: the 48 above and start_caddy's probe.  Caddy keeps a connection
# pool per proxy handler: forward_auth and the two metadata handles.
[ "${n:-99}" -le 3 ] && [ "${counts#*, }" = "49 requests answered" ]
ok $? "caddy: 49 requests on at most 3 kept connections ($counts)"

finish
