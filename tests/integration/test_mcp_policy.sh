#!/bin/sh
# Per-operation policy (SPEC §11) over real FastCGI, in both roles: the
# MCP 2026-07-28 headers as the web server passes them (HTTP_MCP_*),
# operation_scopes and scope_implies, the strictest reading of every
# request that is not verifiable, one challenge naming every required
# scope, the token cache never carrying an allow across operations, the
# decision log, and verify --mcp-*.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"

"$MINT" keygen p256 "$T/k.pem"
"$MINT" jwks "$T/k.pem,k1" > "$T/jwks.json"
ISS=https://as.example
RES=https://mcp.example.com/mcp
MD_URL=https://mcp.example.com/.well-known/oauth-protected-resource/mcp
cat > "$T/m.conf" <<CONF
issuer $ISS jwks=$T/jwks.json
# Defaults for every resource.
scope_implies mcp:admin mcp:read
resource $RES
    scopes_supported mcp:read mcp:admin
    required_scopes mcp:read
    operation_scopes tools/call name=admin_tool mcp:admin
    operation_scopes tools/call name=files_* mcp:files
    operation_scopes resources/read name=file:///secrets/* mcp:secrets
# No operation_scopes: the MCP headers mean nothing here.
resource https://plain.example.com/mcp
    required_scopes mcp:read
CONF
start_mcpauth m "$T/m.conf"

now=$(date +%s)
token() {	# token SCOPE [AUD [SUB]]
	"$MINT" sign "$T/k.pem" ES256 '{"alg":"ES256","kid":"k1"}' \
		"{\"iss\":\"$ISS\",\"aud\":\"${2:-$RES}\",\"exp\":$((now + 600)),\"sub\":\"${3:-alice}\",\"scope\":\"$1\"}"
}
read=$(token mcp:read)
admin=$(token mcp:admin)
both=$(token "mcp:read mcp:admin mcp:files mcp:secrets")
V=HTTP_MCP_PROTOCOL_VERSION=2026-07-28
# ask ROLE TOKEN PARAMS...: a decision for $RES; sets out, code, www.
ask() {
	role=$1 tok=$2
	shift 2
	if [ -n "$tok" ]; then
		fcgi m "$role" MCPAUTH_RESOURCE=$RES "HTTP_AUTHORIZATION=Bearer $tok" "$@"
	else
		fcgi m "$role" MCPAUTH_RESOURCE=$RES "$@"
	fi
	code=$(status_of)
	www=$(header WWW-Authenticate)
}
insufficient() {	# insufficient SCOPES MISSING: the exact 403 challenge
	echo "Bearer error=\"insufficient_scope\", scope=\"$1\", resource_metadata=\"$MD_URL\", error_description=\"token lacks scope $2\""
}

# --- verifiable requests: the most specific rule -----------------------------
for role in responder authorizer; do
	ask $role "$read" $V HTTP_MCP_METHOD=tools/list
	is "$code" 200 "$role: mcp:read lists tools"
	ask $role "$read" $V HTTP_MCP_METHOD=tools/call HTTP_MCP_NAME=read_tool
	is "$code" 200 "$role: mcp:read calls a tool without a rule"
	ask $role "$read" $V HTTP_MCP_METHOD=tools/call HTTP_MCP_NAME=admin_tool
	is "$code $www" "403 $(insufficient "mcp:read mcp:admin" mcp:admin)" \
		"$role: mcp:read calling admin_tool: 403 naming every scope of the operation"
	ask $role "$admin" $V HTTP_MCP_METHOD=tools/call HTTP_MCP_NAME=admin_tool
	is "$code" 200 "$role: mcp:admin alone calls admin_tool (it implies mcp:read)"
	ask $role "$admin" $V HTTP_MCP_METHOD=tools/list
	is "$code" 200 "$role: mcp:admin alone lists tools"
done
ask responder "$read" $V HTTP_MCP_METHOD=tools/call HTTP_MCP_NAME=admin_tool
is "$(body)" '{"error":"insufficient_scope","error_description":"token lacks scope mcp:admin"}' \
	"the 403 body names the missing scope"
is "$(header X-Accel-Expires)" 0 "the 403 is never cached by nginx"
ask responder "" $V HTTP_MCP_METHOD=tools/call HTTP_MCP_NAME=admin_tool
is "$code $www" "401 Bearer resource_metadata=\"$MD_URL\", scope=\"mcp:read mcp:admin\"" \
	"no token for admin_tool: the 401 names every scope of the operation"
ask responder "$read" $V HTTP_MCP_METHOD=tools/call HTTP_MCP_NAME=files_list
is "$code $www" "403 $(insufficient "mcp:read mcp:files" mcp:files)" "a name= prefix rule"
ask responder "$read" $V HTTP_MCP_METHOD=tools/call "HTTP_MCP_NAME==?base64?YWRtaW5fdG9vbA==?="
is "$code $www" "403 $(insufficient "mcp:read mcp:admin" mcp:admin)" \
	"a base64-encoded Mcp-Name is matched decoded"
ask responder "$admin" $V HTTP_MCP_METHOD=tools/call "HTTP_MCP_NAME==?base64?YWRtaW5fdG9vbA==?="
is "$code" 200 "and allowed decoded"
ask responder "$read" $V HTTP_MCP_METHOD=resources/read "HTTP_MCP_NAME=file:///secrets/db"
is "$code $www" "403 $(insufficient "mcp:read mcp:secrets" mcp:secrets)" "a resource URI prefix"
ask responder "$read" $V HTTP_MCP_METHOD=resources/read "HTTP_MCP_NAME=file:///public/a"
is "$code" 200 "a resource outside the prefix needs only the base scopes"

# --- everything else: the strictest reading ----------------------------------
STRICT="mcp:read mcp:admin mcp:files mcp:secrets"
strict() {	# strict NAME PARAMS...: mcp:read is refused, all scopes pass
	name=$1
	shift
	ask responder "$read" "$@"
	is "$code $www" "403 $(insufficient "$STRICT" "mcp:admin mcp:files mcp:secrets")" \
		"$name: the strictest reading"
	ask responder "$both" "$@"
	is "$code" 200 "$name: a token with every scope passes"
}
strict "no MCP headers (a 2025-11-25 client)"
strict "a 2025-11-25 request naming the read tool" HTTP_MCP_PROTOCOL_VERSION=2025-11-25 \
	HTTP_MCP_METHOD=tools/call HTTP_MCP_NAME=read_tool
strict "2026-07-27" HTTP_MCP_PROTOCOL_VERSION=2026-07-27 HTTP_MCP_METHOD=tools/list
strict "a malformed version" HTTP_MCP_PROTOCOL_VERSION=2026-7-28 HTTP_MCP_METHOD=tools/list
strict "no Mcp-Method" $V
strict "an empty Mcp-Method" $V HTTP_MCP_METHOD=
strict "tools/call without Mcp-Name" $V HTTP_MCP_METHOD=tools/call
strict "a non-ASCII plain Mcp-Name" $V HTTP_MCP_METHOD=tools/call "HTTP_MCP_NAME=$(printf 'r\303\251ad')"
strict "Mcp-Name base64 with a NUL" $V HTTP_MCP_METHOD=tools/call "HTTP_MCP_NAME==?base64?YQBi?="
strict "Mcp-Name not base64" $V HTTP_MCP_METHOD=tools/call "HTTP_MCP_NAME==?base64?YW*?="
strict "Mcp-Name of 4097 bytes" $V HTTP_MCP_METHOD=tools/call "HTTP_MCP_NAME=$(head -c 4097 /dev/zero | tr '\0' r)"
strict "Mcp-Name sent twice (nginx passes both)" $V HTTP_MCP_METHOD=tools/call \
	HTTP_MCP_NAME=read_tool HTTP_MCP_NAME=admin_tool
strict "Mcp-Method sent twice" $V HTTP_MCP_METHOD=tools/list HTTP_MCP_METHOD=tools/call \
	HTTP_MCP_NAME=read_tool
strict "MCP-Protocol-Version sent twice" $V $V HTTP_MCP_METHOD=tools/list
ask responder "$read" $V HTTP_MCP_METHOD=tools/call "HTTP_MCP_NAME=$(head -c 4096 /dev/zero | tr '\0' r)"
is "$code" 200 "an Mcp-Name of 4096 bytes is verifiable"
ask responder "" HTTP_MCP_PROTOCOL_VERSION=2025-11-25
is "$code $www" "401 Bearer resource_metadata=\"$MD_URL\", scope=\"$STRICT\"" \
	"no token, older revision: the 401 names every scope of the strictest reading"

# --- a resource without rules ignores the headers ---------------------------------
ptok=$(token mcp:read https://plain.example.com/mcp)
fcgi m responder MCPAUTH_RESOURCE=https://plain.example.com/mcp "HTTP_AUTHORIZATION=Bearer $ptok" \
	HTTP_MCP_PROTOCOL_VERSION=2025-11-25 HTTP_MCP_METHOD=tools/call HTTP_MCP_NAME=admin_tool
is "$(status_of)" 200 "no operation_scopes: the MCP headers are ignored"

# --- MCPAUTH_REQUIRED_SCOPES is the base ---------------------------------------------
ask responder "$admin" MCPAUTH_REQUIRED_SCOPES=mcp:extra $V HTTP_MCP_METHOD=tools/call HTTP_MCP_NAME=admin_tool
is "$code $www" "403 $(insufficient "mcp:extra mcp:admin" mcp:extra)" \
	"MCPAUTH_REQUIRED_SCOPES replaces the base scopes, the operation's still add"
ask responder "$both" "MCPAUTH_REQUIRED_SCOPES=mcp:read offline_access" $V HTTP_MCP_METHOD=tools/list
is "$code $(body)" '500 {"error":"server_error","error_description":"the required scopes name offline_access, which is never a resource requirement"}' \
	"offline_access from the web server: 500, never in a challenge"

# --- the token cache re-checks scopes per request ----------------------------------
ctok=$(token "mcp:read mcp:files" $RES carol)
ask responder "$ctok" $V HTTP_MCP_METHOD=tools/call HTTP_MCP_NAME=read_tool
is "$code" 200 "a fresh token for the read tool: allowed"
ask responder "$ctok" $V HTTP_MCP_METHOD=tools/call HTTP_MCP_NAME=admin_tool
is "$code $www" "403 $(insufficient "mcp:read mcp:admin" mcp:admin)" \
	"the same token for admin_tool: refused, though its allow is cached"
ask responder "$ctok" $V HTTP_MCP_METHOD=tools/call HTTP_MCP_NAME=files_x
is "$code" 200 "and allowed again for files_x"
is "$(grep -c 'sub="carol".* cache=hit .* name="admin_tool"' "$T/m.log")" 1 \
	"the refusal came from a cache hit, with its own operation's scopes"

# --- the decision log names the operation ------------------------------------------
grep -q "decision status=403 error=insufficient_scope reason=\"token lacks scope mcp:admin\" resource=$RES sub=\"alice\" client_id=- iss=$ISS cache=[-a-z]* us=[0-9]* op=\"tools/call\" name=\"admin_tool\" mcp=verified$" "$T/m.log"
ok $? "log: op, decoded name and how the headers were read"
grep -q 'op="tools/call" name="r\\xc3\\xa9ad" mcp=strict$' "$T/m.log"
ok $? "log: an unverifiable name as received, escaped, with mcp=strict"
grep -q 'resource=https://plain.example.com/mcp .* op="tools/call" name="admin_tool" mcp=ignored$' "$T/m.log"
ok $? "log: headers ignored by a resource without rules"

# --- verify --mcp-* ------------------------------------------------------------------
v() {	# v TOKEN ARGS...: exit status and stderr of verify
	echo "$1" | "$MCPAUTH" verify -c "$T/m.conf" --resource $RES "$@" > /dev/null 2> "$T/verr"
	echo "$? $(cat "$T/verr")"
}
is "$(v "$read" --mcp-protocol-version 2026-07-28 --mcp-method tools/call --mcp-name read_tool)" "0 " \
	"verify: mcp:read calls read_tool"
is "$(v "$read" --mcp-protocol-version 2026-07-28 --mcp-method tools/call --mcp-name '=?base64?YWRtaW5fdG9vbA?=')" \
	"3 insufficient_scope: token lacks scope mcp:admin" "verify: an encoded admin_tool needs mcp:admin"
is "$(v "$admin" --mcp-protocol-version 2026-07-28 --mcp-method tools/call --mcp-name admin_tool)" "0 " \
	"verify: mcp:admin implies mcp:read"
is "$(v "$read")" "3 insufficient_scope: token lacks scope mcp:admin mcp:files mcp:secrets" \
	"verify without --mcp-*: the strictest reading"
finish
