#!/bin/sh
# A real MCP client and server (@modelcontextprotocol/sdk, test-only, see
# tests/mcp/) through nginx with the fcgi-conf/nginx files and mcpauth:
# the SDK's 401 handling, its own RFC 9728 / RFC 8414 discovery and
# resource check, an MCP session with a valid token and the identity the
# tool received, and the refusals of a token for another audience and of
# one without the required scope.  MCP_PROXY picks the proxy and the
# transport to mcpauth: nginx (FastCGI, the default), nginx-http (nginx
# over HTTP, mcpauth-http.conf) or caddy (Caddy forward_auth); see
# test_mcp_client_*.sh.  Needs node (20 or later) and npm: their
# absence is a failure, not a skip (tests/lib/mcpnode.sh installs the SDK).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"
. "$top/tests/lib/mcpnode.sh"

# --- node and the SDK (tests/mcp/package-lock.json) ----------------------------
mcp_node_ready || { tap_done; exit 1; }

# --- keys, issuer metadata, mcpauth, the MCP server, nginx ---------------------
# The client must use the resource URL itself (the SDK checks the metadata's
# resource against the URL it connects to), so nginx's port is chosen first.
# The issuer here is the nginx origin too: its RFC 8414 document is the one
# mcpauth serves at /.well-known/oauth-authorization-server.
NGINX_PORT=$(free_port)
ORIGIN=http://127.0.0.1:$NGINX_PORT
RES=$ORIGIN/mcp
MD_URL=$ORIGIN/.well-known/oauth-protected-resource/mcp
"$MINT" keygen p256 "$T/k.pem"
"$MINT" jwks "$T/k.pem,k1" > "$T/jwks.json"
printf '{"issuer":"%s","authorization_endpoint":"%s/authorize","token_endpoint":"%s/token","jwks_uri":"%s/jwks","response_types_supported":["code"],"grant_types_supported":["authorization_code","refresh_token"],"code_challenge_methods_supported":["S256"],"token_endpoint_auth_methods_supported":["none"]}' \
	"$ORIGIN" "$ORIGIN" "$ORIGIN" "$ORIGIN" > "$T/as.json"
# The issuer and its metadata's URLs are plain http on loopback; nothing
# is fetched (jwks= and metadata= are files), so insecure_http stays off.
cat > "$T/m.conf" <<CONF
issuer $ORIGIN jwks=$T/jwks.json metadata=$T/as.json
resource $RES
    scopes_supported mcp:tools mcp:read
    required_scopes mcp:tools
CONF
start_mcpauth m "$T/m.conf" --http "unix:$T/m.http"
wait_for test -S "$T/m.http" || { echo "# no HTTP socket"; exit 1; }

rm -f "$T/app.port"
node "$MCPDIR/server.mjs" 0 "$T/app.port" 2>> "$T/app.log" &
PIDS="$PIDS $!"
wait_for test -s "$T/app.port" || { echo "# MCP server did not start"; cat "$T/app.log"; exit 1; }
APP_PORT=$(cat "$T/app.port")
case ${MCP_PROXY:-nginx} in
nginx) start_nginx "$T/m.sock" ;;
nginx-http) NGINX_HTTP=1 start_nginx "$T/m.http" ;;
caddy) CADDY_PORT=$NGINX_PORT start_caddy "$T/m.http" "$RES"; NGINX=$CADDY ;;
*) echo "# MCP_PROXY: nginx, nginx-http or caddy"; exit 1 ;;
esac
TAP_PREFIX="${MCP_PROXY:-nginx}: "
is "$NGINX" "$ORIGIN" "the proxy listens on the origin the resource names"

now=$(date +%s)
token() {	# token AUD SCOPE
	"$MINT" sign "$T/k.pem" ES256 '{"alg":"ES256","kid":"k1","typ":"at+jwt"}' \
		"{\"iss\":\"$ORIGIN\",\"aud\":\"$1\",\"exp\":$((now + 600)),\"iat\":$now,\"sub\":\"alice\",\"client_id\":\"cli\",\"scope\":\"$2\"}"
}

# --- the client -------------------------------------------------------------------
MCP_URL=$RES \
TOKEN_OK=$(token "$RES" "mcp:tools mcp:read") \
TOKEN_OTHER_AUD=$(token "https://other.example.com/mcp" "mcp:tools mcp:read") \
TOKEN_NO_SCOPE=$(token "$RES" "mcp:read") \
	node "$MCPDIR/client.mjs" > "$T/facts" 2> "$T/client.err"
rc=$?
is "$rc $(tail -n 1 "$T/facts")" "0 done	yes" "the client ran to the end"
[ $rc -eq 0 ] || sed 's/^/# /' "$T/client.err"
grep '\.exception	' "$T/facts" | sed 's/^/# /'
is "$(grep -c '\.exception	' "$T/facts")" 0 "no step of the client threw"

# canonical FILE: the JSON document with sorted members, compact.
canonical() {
	python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True, separators=(",", ":")))' "$1"
}
PRM="{\"authorization_servers\":[\"$ORIGIN\"],\"bearer_methods_supported\":[\"header\"],\"resource\":\"$RES\",\"scopes_supported\":[\"mcp:tools\",\"mcp:read\"]}"
PRM_GET="GET /.well-known/oauth-protected-resource/mcp 200"
ASM_GET="GET /.well-known/oauth-authorization-server 200"

# --- 1. no token ----------------------------------------------------------------
is "$(fact noauth.error)" "StreamableHTTPError 401" "no token: connect fails with an HTTP 401"
is "$(fact noauth.requests)" '["POST /mcp 401"]' "no token: one POST, refused"
is "$(fact noauth.www_authenticate)" "Bearer resource_metadata=\"$MD_URL\", scope=\"mcp:tools\"" \
	"no token: the challenge the SDK received, byte for byte"
is "$(fact noauth.challenge)" "{\"resource_metadata\":\"$MD_URL\",\"scope\":\"mcp:tools\",\"error\":null}" \
	"no token: extractWWWAuthenticateParams reads resource_metadata and scope, no error"
is "$(fact noauth.resource_metadata_url)" "$MD_URL" \
	"no token: extractResourceMetadataUrl gives the path-inserted metadata URL"
is "$(fact prm.from_challenge)" "$PRM" \
	"discoverOAuthProtectedResourceMetadata at the challenge's URL: resource, authorization_servers, scopes_supported"
is "$(fact prm.discovered)" "$PRM" \
	"discoverOAuthProtectedResourceMetadata on its own finds the same document"
is "$(fact prm.requests)" "[\"$PRM_GET\",\"$PRM_GET\"]" \
	"both found it at the path-inserted URL at the first try"
is "$(fact prm.selected_resource)" "$RES" \
	"selectResourceURL accepts the metadata's resource for the URL the client uses"
is "$(fact asm.requests)" "[\"$ASM_GET\"]" \
	"discoverAuthorizationServerMetadata: RFC 8414 URL of the issuer, through nginx, at the first try"
is "$(fact asm.issuer)" "$ORIGIN" "authorization server metadata: issuer"
is "$(fact asm.jwks_uri)" "$ORIGIN/jwks" "authorization server metadata: jwks_uri"
is "$(fact asm.document)" "$(canonical "$T/as.json")" \
	"authorization server metadata: the issuer's document, verbatim"
is "$(fact flow.error) $(fact flow.is_unauthorized)" "UnauthorizedError true" \
	"SDK auth flow: connect ends in UnauthorizedError, waiting for the user"
is "$(fact flow.requests)" "[\"POST /mcp 401\",\"$PRM_GET\",\"$ASM_GET\"]" \
	"SDK auth flow: 401, resource metadata, authorization server metadata"
is "$(fact flow.authorization_endpoint)" "$ORIGIN/authorize" \
	"SDK auth flow: the browser would go to the authorization endpoint"
is "$(fact flow.authorization_request)" \
	"{\"response_type\":\"code\",\"client_id\":\"test-client\",\"code_challenge_method\":\"S256\",\"scope\":\"mcp:tools\",\"resource\":\"$RES\"}" \
	"SDK auth flow: with the challenge's scope and the resource indicator"

# --- 2. a valid token ---------------------------------------------------------------
is "$(fact ok.server)" "mcpauth-test-app" "valid token: connected, initialize went through"
is "$(fact ok.tools)" '["whoami"]' "valid token: listTools gives exactly [whoami]"
is "$(fact ok.is_error)" "false" "valid token: whoami succeeded"
is "$(fact ok.whoami)" \
	"{\"subject\":\"alice\",\"client_id\":\"cli\",\"scopes\":\"mcp:tools mcp:read\",\"issuer\":\"$ORIGIN\",\"audience\":\"$RES\",\"authorization\":null}" \
	"valid token: the tool saw the token's subject, client, scopes, issuer and audience, and not the token"
is "$(fact ok.refused)" 0 "valid token: no request of the session was refused"
is "$(fact ok.posts)" '["POST /mcp 200","POST /mcp 202","POST /mcp 200","POST /mcp 200"]' \
	"valid token: initialize, initialized, tools/list, tools/call all reached the app"

# --- 3. a token for another audience -------------------------------------------------
is "$(fact aud.error)" "StreamableHTTPError 401" "other audience: connect fails with an HTTP 401"
is "$(fact aud.requests)" '["POST /mcp 401"]' "other audience: the app never saw it"
is "$(fact aud.www_authenticate)" \
	"Bearer error=\"invalid_token\", scope=\"mcp:tools\", resource_metadata=\"$MD_URL\", error_description=\"aud does not contain $RES\"" \
	"other audience: invalid_token naming aud, byte for byte"
is "$(fact aud.challenge)" "{\"resource_metadata\":\"$MD_URL\",\"scope\":\"mcp:tools\",\"error\":\"invalid_token\"}" \
	"other audience: extractWWWAuthenticateParams reads error=invalid_token"

# --- 4. a token without the required scope -------------------------------------------
is "$(fact scope.error)" "StreamableHTTPError 403" "missing scope: connect fails with an HTTP 403"
is "$(fact scope.requests)" '["POST /mcp 403"]' "missing scope: the app never saw it"
is "$(fact scope.www_authenticate)" \
	"Bearer error=\"insufficient_scope\", scope=\"mcp:tools\", resource_metadata=\"$MD_URL\", error_description=\"token lacks scope mcp:tools\"" \
	"missing scope: insufficient_scope, byte for byte"
is "$(fact scope.challenge)" "{\"resource_metadata\":\"$MD_URL\",\"scope\":\"mcp:tools\",\"error\":\"insufficient_scope\"}" \
	"missing scope: extractWWWAuthenticateParams reads the scope to ask for"

finish
