#!/bin/sh
# Write seed inputs for each fuzz target into DIR/<target>/, made on the
# spot with build/mint (no committed blobs).
# usage: scripts/fuzz-seeds.sh DIR [MINT]
set -eu
dir=$1
top=$(cd "$(dirname "$0")/.." && pwd)
mint=${2:-$top/build/mint}
k=$dir/keys
mkdir -p "$dir/token" "$dir/jwks" "$dir/metadata" "$dir/config" \
	"$dir/service" "$dir/mcpheaders" "$dir/bearer" "$dir/http" "$dir/introspect" "$dir/claims" "$k"
for t in rsa2048 p256 p384 p521 ed25519; do
	"$mint" keygen $t "$k/$t.pem"
done
claims='{"iss":"https://as.example","aud":"https://mcp.example/mcp","exp":1700003600,"nbf":1699999000,"iat":1699999000,"sub":"alice","client_id":"c","scope":"read write"}'
n=0
for a in RS256:rsa2048 PS256:rsa2048 ES256:p256 ES384:p384 ES512:p521 EdDSA:ed25519; do
	alg=${a%%:*} key=${a#*:}
	for h in "{\"alg\":\"$alg\",\"kid\":\"k1\",\"typ\":\"at+jwt\"}" \
	    "{\"alg\":\"$alg\",\"crit\":[\"x\"]}" "{\"alg\":\"$alg\",\"jku\":\"https://x\"}"; do
		n=$((n + 1))
		"$mint" sign "$k/$key.pem" "$alg" "$h" "$claims" | tr -d '\n' > "$dir/token/t$n"
	done
done
"$mint" sign "$k/p256.pem" ES256 '{"alg":"ES256"}' "$claims" --sig der | tr -d '\n' > "$dir/token/der"
printf '%s.%s.' "$("$mint" b64url '{"alg":"none"}')" "$("$mint" b64url "$claims")" > "$dir/token/none"
printf 'a.b' > "$dir/token/two"
"$mint" jwks "$k/rsa2048.pem,k1,RS256,sig" "$k/p256.pem,k2" "$k/ed25519.pem,k3" > "$dir/jwks/all"
"$mint" jwks "$k/p521.pem,k1,ES512" > "$dir/jwks/p521"
printf '{"keys":[{"kty":"oct","k":"AAAA"},{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}]}' > "$dir/jwks/bad"
printf '{"issuer":"https://as.example","jwks_uri":"https://as.example/jwks","token_endpoint":"https://as.example/token","scopes_supported":["a"]}' > "$dir/metadata/ok"
printf '{"issuer":"https://as.example/","jwks_uri":"http://x"}' > "$dir/metadata/bad"
cat > "$dir/config/full" <<'CONF'
issuer https://as.example type=oidc jwks=keys.json metadata=https://as.example/m
issuer http://b.example
insecure_http on
cache_dir cache
token_cache_entries 5
required_scopes a
resource https://mcp.example/mcp
    audience x y
    algorithms ES256 EdDSA
    leeway 5
    require_typ at+jwt
    resource_name A name
    resource_documentation https://docs.example
resource https://mcp.example/
    scopes_supported a b
CONF
printf 'issuer as\nleeway x\n' > "$dir/config/bad"
tok=$(cat "$dir/token/t1")
printf '\000DOCUMENT_URI=/.well-known/oauth-protected-resource/mcp\nREQUEST_METHOD=GET\n' > "$dir/service/meta"
printf '\000DOCUMENT_URI=/.well-known/oauth-authorization-server\nREQUEST_METHOD=OPTIONS\n' > "$dir/service/as"
printf '\000DOCUMENT_URI=/_auth\nMCPAUTH_RESOURCE=https://mcp.example/mcp\nHTTP_AUTHORIZATION=Bearer %s\n' "$tok" > "$dir/service/decide"
printf '\001MCPAUTH_REQUIRED_SCOPES=a b\nHTTP_AUTHORIZATION=bearer  x y\nREQUEST_METHOD=OPTIONS\nHTTP_ACCESS_CONTROL_REQUEST_METHOD=GET\n' > "$dir/service/authorizer"
printf '\000DOCUMENT_URI=/_auth\nMCPAUTH_RESOURCE=https://mcp.example/mcp\nHTTP_AUTHORIZATION=Bearer %s\nHTTP_MCP_PROTOCOL_VERSION=2026-07-28\nHTTP_MCP_METHOD=tools/call\nHTTP_MCP_NAME==?base64?YWRtaW4=?=\n' "$tok" > "$dir/service/mcp"
# MCP request metadata: VERSION NUL METHOD NUL NAME.
m=$dir/mcpheaders
printf '2026-07-28\000tools/call\000admin' > "$m/exact"
printf '2026-07-28\000tools/call\000file_secret' > "$m/prefix"
printf '2026-07-28\000tools/call\000=?base64?WsO8cmljaF90b29s?=' > "$m/base64"
printf '2026-07-28\000resources/read\000=?base64?ZmlsZTovLy9ldGMvcGFzc3dk?=' > "$m/uri"
printf '2026-07-28\000tools/call\000=?base64?YQBi?=' > "$m/nul"
printf '2026-07-28\000tools/list' > "$m/list"
printf '2025-11-25\000tools/call\000admin' > "$m/old"
printf '2026-07-28' > "$m/nomethod"
printf 'Bearer %s' "$tok" > "$dir/bearer/token"
printf 'bEaReR\t  abc-._~+/==  ' > "$dir/bearer/blanks"
printf 'Bearer a b' > "$dir/bearer/two"
printf 'Bearer ab=c' > "$dir/bearer/pad"
printf 'Basic dXNlcjpwYXNz' > "$dir/bearer/basic"
printf 'Bearer' > "$dir/bearer/empty"
printf 'realm_access.roles has mcp-user; email_verified = true\n{"realm_access":{"roles":["mcp-user"]},"email_verified":true}' > "$dir/claims/keycloak"
printf 'https://example.com/roles has admin;n = 4.2e1 ; s = 42\n{"https://example.com/roles":["admin"],"n":42,"s":"42"}' > "$dir/claims/typed"
printf 'urn:zitadel:iam:org:project:roles has reader\n{"urn:zitadel:iam:org:project:roles":{"reader":{"1":"d"}}}' > "$dir/claims/object"
printf 'a.b.c = x;arr.k = v\n{"a":{"b":{"c":"x"}},"arr":[{"k":"v"}],"a.b":null}' > "$dir/claims/paths"
printf 'x == 1; ;a..b = 2\n{}' > "$dir/claims/bad"
printf 'GET /auth?resource=https%%3A%%2F%%2Fmcp.example%%2Fmcp&scopes=a+b&claims=x\nAuthorization: Bearer %s\nX-Original-Method: OPTIONS\nX-Forwarded-Method: GET\nX-Original-URI: /mcp?q\n' "$tok" > "$dir/http/auth"
printf 'HEAD /.well-known/oauth-protected-resource/%%6dcp\nHost: x\nMcpauth-Resource: y\nX_Auth: z\nContent-Length: 0\nAuthorization: a\nAuthorization: b\n' > "$dir/http/meta"
printf 'GET /auth?resource=a&resource=b&scope=%%zz&&=\n' > "$dir/http/query"
printf 'GET http://x/auth%%00\n' > "$dir/http/bad"
i=$dir/introspect
printf '{"active":true,"client_id":"c","exp":1700000600,"iat":1699999000,"iss":"https://as.example","aud":"https://mcp.example/mcp","scope":"read write","token_type":"Bearer"}' > "$i/active"
printf '{"active":true,"exp":1700000600,"aud":["x","https://mcp.example/mcp"],"sub":"s","scope":"read","cnf":{"jkt":"abc"},"token_type":"DPoP"}' > "$i/dpop"
printf '{"active":false}' > "$i/inactive"
printf '{"active":true,"exp":1700000600,"aud":"https://mcp.example/mcp","scope":"read","token_type":"refresh_token","nbf":1700000100}' > "$i/refresh"
printf '<html>502 Bad Gateway</html>' > "$i/garbage"
