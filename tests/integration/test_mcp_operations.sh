#!/bin/sh
# Per-tool authorization end to end (SPEC §11): real MCP clients (SDK v2
# in 2026-07-28 and in its default 2025-11-25 mode, SDK v1) with tokens
# from a real authorization server (oidc-provider, client_credentials
# with a resource indicator), through nginx (auth_request, the decision
# cache on) and Apache (mod_authnz_fcgi, and mod_fcgid from an .htaccess),
# to a real MCP server on the SDK v2 that counts the runs of its admin
# tool.  mcpauth runs the shipped example policy
# (fcgi-conf/mcpauth.conf): mcp:read for everyone, admin_tool behind
# mcp:admin, mcp:admin implying mcp:read; a host stepping up to the
# scopes a challenge names gets them from oidc-provider and goes through.
# Needs node 20+ and npm
# (tests/lib/mcpnode.sh), Apache with both modules: missing is a failure.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"
. "$top/tests/lib/apache.sh"
. "$top/tests/lib/mcpnode.sh"
apache_require
mcp_node_ready || { tap_done; exit 1; }

# The resource of the shipped example configuration.
RES=https://mcp.example.com/mcp
MD_URL=https://mcp.example.com/.well-known/oauth-protected-resource/mcp
chmod a+rx "$T"

# --- the authorization server and the MCP app, once for the whole file -------
rm -f "$T/as.port" "$T/app.port"
node "$MCPDIR/as.mjs" "$T/as.port" "$RES" >> "$T/as.log" 2>&1 &
PIDS="$PIDS $!"
node "$MCPDIR/server2.mjs" "$T/app.port" >> "$T/app.log" 2>&1 &
PIDS="$PIDS $!"
wait_for test -s "$T/as.port" || { echo "# oidc-provider did not start"; cat "$T/as.log"; exit 1; }
wait_for test -s "$T/app.port" || { echo "# the MCP app did not start"; cat "$T/app.log"; exit 1; }
AS=http://127.0.0.1:$(cat "$T/as.port")
APP_PORT=$(cat "$T/app.port")
STATS=http://127.0.0.1:$APP_PORT/_stats

# --- mcpauth: the shipped example, its issuer pointed at oidc-provider -------
sed -e "s|^issuer https://auth.example.com\$|insecure_http on\nissuer $AS type=oidc|" \
	"$top/fcgi-conf/mcpauth.conf" > "$T/m.conf"
chmod a+r "$T/m.conf"
"$MCPAUTH" check-config -c "$T/m.conf" > "$T/check.out" 2>&1
is "$?
$(sed -n '/^resource /,$p' "$T/check.out")" "0
resource $RES
    audience $RES
    scopes_supported mcp:read mcp:admin
    required_scopes mcp:read
    algorithms RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA
    leeway 60
    resource_name Example MCP server
    operation_scopes tools/call name=admin_tool mcp:admin
    scope_implies mcp:admin mcp:read
# issuer $AS: 1 keys usable, 0 skipped" "check-config: the example policy, normalised, with oidc-provider's key"
start_mcpauth m "$T/m.conf"

# token CLIENT SCOPE: an access token from oidc-provider for $RES.
token() {
	curl -s -u "$1:secret" -d grant_type=client_credentials -d "scope=$2" \
		--data-urlencode "resource=$RES" "$AS/token" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
reader=$(token reader mcp:read)
runs() { curl -s "$STATS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["admin_runs"])'; }

# The 403 every refused call of admin_tool gets: every scope of the operation.
ADMIN_403="Bearer error=\"insufficient_scope\", scope=\"mcp:read mcp:admin\", resource_metadata=\"$MD_URL\", error_description=\"token lacks scope mcp:admin\""

# clients WEB URL [CODE ERROR]: ops_client.mjs through a web server, each
# fact checked.  CODE: the status of a refusal for scope (403; mod_fcgid
# answers 401), ERROR: what the SDK v2 client throws for it.
clients() {
	web=$1 code=${3:-403} v2err=${4:-InsufficientScopeError}
	MCP_URL=$2 AS_URL=$AS RESOURCE=$RES APP_STATS=$STATS \
		node "$MCPDIR/ops_client.mjs" > "$T/facts" 2> "$T/client.err"
	rc=$?
	is "$rc $(tail -n 1 "$T/facts")" "0 done	yes" "$web: the clients ran to the end"
	[ $rc -eq 0 ] || sed 's/^/# /' "$T/client.err"
	grep '\.exception	' "$T/facts" | sed 's/^/# /'
	is "$(grep -c '\.exception	' "$T/facts")" 0 "$web: no step threw unexpectedly"
	cp "$T/facts" "$T/facts.$web"

	is "$(fact token.reader)" "{\"aud\":\"$RES\",\"scope\":\"mcp:read\",\"client_id\":\"reader\"}" \
		"$web: oidc-provider's token is for the resource, with mcp:read"
	# 2026-07-28, mcp:read
	is "$(fact modern.read.version)" '["2026-07-28"]' "$web: the v2 client speaks 2026-07-28 (pinned)"
	is "$(fact modern.read.tools)" '["read_tool","admin_tool"]' "$web: mcp:read lists the tools"
	is "$(fact modern.read.read_tool)" "read ok" "$web: mcp:read calls read_tool"
	is "$(fact modern.read.requests)" "[\"POST server/discover 200\",\"POST tools/list 200\",\"POST tools/call read_tool 200\",\"POST tools/call admin_tool $code\"]" \
		"$web: the same token calling admin_tool gets $code"
	is "$(fact modern.read.challenge)" "$ADMIN_403" \
		"$web: the $code challenge names every scope of the operation"
	is "$(fact modern.read.error)" "$v2err" "$web: the SDK v2 throws $v2err"
	[ "$code" = 403 ] && is "$(fact modern.read.required_scope)" "mcp:read mcp:admin" \
		"$web: with the challenge's scopes"
	is "$(fact admin_runs.after_modern_read)" 0 "$web: admin_tool never ran"
	# 2026-07-28, mcp:admin alone
	is "$(fact modern.admin.tools) $(fact modern.admin.read_tool) / $(fact modern.admin.admin_tool) / $(fact modern.admin.error)" \
		'["read_tool","admin_tool"] read ok / admin ran / none' \
		"$web: mcp:admin alone lists, reads and runs admin_tool (mcp:admin implies mcp:read)"
	is "$(fact admin_runs.after_modern_admin)" 1 "$web: the app ran admin_tool once"
	# tampered: headers name read_tool, body calls admin_tool
	is "$(fact tamper.status) $(fact tamper.error_code)" "400 -32020" \
		"$web: tampered 2026-07-28 request: passes mcpauth, the MCP server answers 400 HeaderMismatch"
	is "$(fact admin_runs.after_tamper)" 1 "$web: the app's count proves admin_tool did not run"
	# 2025-11-25 clients: the strictest reading
	is "$(fact legacy2.read.requests)" "[\"POST (initialize) $code\"]" \
		"$web: SDK v2 in its default 2025-11-25 mode with mcp:read: initialize is refused"
	is "$(fact legacy2.read.challenge)" "$ADMIN_403" \
		"$web: the strictest reading's challenge names every scope of every rule"
	is "$(fact legacy2.read.error)" "$v2err" "$web: and the SDK v2 reports it"
	is "$(fact legacy2.full.tools) $(fact legacy2.full.read_tool) / $(fact legacy2.full.admin_tool) / $(fact legacy2.full.error)" \
		'["read_tool","admin_tool"] read ok / admin ran / none' \
		"$web: SDK v2, 2025-11-25, a token with every scope: everything works"
	is "$(fact admin_runs.after_legacy2)" 2 "$web: the app ran admin_tool for it"
	is "$(fact legacy1.read.requests) $(fact legacy1.read.error)" "[\"POST (initialize) $code\"] StreamableHTTPError $code" \
		"$web: SDK v1 with mcp:read: refused"
	is "$(fact legacy1.read.challenge)" "$ADMIN_403" "$web: SDK v1 got the same challenge"
	is "$(fact legacy1.full.admin_tool) / $(fact legacy1.full.error)" "admin ran / none" \
		"$web: SDK v1 with every scope: admin_tool runs"
	is "$(fact admin_runs.after_legacy1)" 3 "$web: once more"
	# a 2025-11-25 request naming read_tool whose body calls admin_tool
	is "$(fact oldtamper.read.status)
$(fact oldtamper.read.challenge)" "$code
$ADMIN_403" "$web: a 2025-11-25 Mcp-Name read_tool with an admin_tool body: mcpauth refuses mcp:read"
	is "$(fact admin_runs.after_oldtamper_read)" 3 "$web: admin_tool did not run"
	is "$(fact oldtamper.full.status) $(fact oldtamper.full.result)" "200 admin ran" \
		"$web: the same with every scope passes, and the 2025-11-25 server runs the body's admin_tool"
	is "$(fact admin_runs.after_oldtamper_full)" 4 "$web: which is why those headers prove nothing"
	# step-up: a new token for exactly the scopes the challenge named
	is "$(fact stepup.first)" "$v2err: mcp:read mcp:admin" \
		"$web: step-up: a mcp:read token for admin_tool, the challenge's scopes"
	is "$(fact stepup.new_token_scope) / $(fact stepup.retry)" "mcp:read mcp:admin / admin ran" \
		"$web: step-up: oidc-provider grants them, and the retry runs admin_tool"
	is "$(fact stepup.requests)" "[\"POST server/discover 200\",\"POST tools/call admin_tool $code\",\"POST tools/call admin_tool 200\"]" \
		"$web: step-up: one $code, then the call goes through"
	is "$(fact admin_runs.after_stepup)" 5 "$web: the app ran admin_tool once for it"
}

# --- nginx, with the decision cache on ------------------------------------------
start_nginx "$T/m.sock" cache
clients nginx "$NGINX/mcp"
grep -q "server2: 400 MCP-Protocol-Version=2026-07-28 Mcp-Method=tools/call Mcp-Name=read_tool {\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32020," "$T/app.log"
ok $? "the MCP server logged its HeaderMismatch rejection"

# The decision cache: an allow for read_tool is never one for admin_tool.
call() {	# call TOOL [NAME-HEADER [CURL-ARGS]]: tools/call through nginx, $reader
	tool=$1 name=${2:-$1}
	shift $(($# > 1 ? 2 : 1))
	curl -s -o "$T/b" -w '%{http_code}' "$NGINX/mcp" -H "Authorization: Bearer ${tok:-$reader}" \
		-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
		-H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H "Mcp-Name: $name" "$@" \
		-d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"$tool\",\"arguments\":{},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientInfo\":{\"name\":\"curl\",\"version\":\"1\"},\"io.modelcontextprotocol/clientCapabilities\":{}}}}"
}
decisions() { grep -c "decision status=" "$T/m.log"; }
r0=$(runs)
is "$(call read_tool)" 200 "nginx cache: read_tool with mcp:read"
n=$(decisions)
is "$(call read_tool) $(decisions)" "200 $n" "nginx cache: the repeat is answered from nginx's cache"
is "$(call admin_tool) $(decisions)" "403 $((n + 1))" \
	"nginx cache: the same token for admin_tool is asked of mcpauth, and refused"
is "$(call admin_tool) $(decisions)" "403 $((n + 2))" "nginx cache: a refusal is never cached"
is "$(call admin_tool read_tool)" 400 "nginx cache: the cached read_tool allow with an admin_tool body: the MCP server refuses it"
# nginx 1.22 passes a header sent twice as two parameters; mcpauth reads
# them as unverifiable.  (A fresh token: the cache keys on the first copy.)
n=$(decisions)
is "$(tok=$(token reader mcp:read) call admin_tool read_tool -H 'Mcp-Name: admin_tool') $(decisions)" \
	"403 $((n + 1))" "nginx: Mcp-Name read_tool, then Mcp-Name admin_tool: the strictest reading"
is "$(runs)" "$r0" "nginx cache: admin_tool never ran"
stop_nginx

# --- Apache: mod_authnz_fcgi (mcpauth on TCP) and mod_fcgid ----------------------
set -- $(free_ports 3)
PA=$1 PF=$2 PM=$3
mkdir -p "$T/apache" "$T/bin" "$T/site/shared"
apache_user
drop=""
[ -n "$APACHE_USER" ] && drop="--user $APACHE_USER"
"$MCPAUTH" serve -c "$T/m.conf" --listen "127.0.0.1:$PM" $drop 2>> "$T/ma.log" &
PIDS="$PIDS $!"
SERVICES="$SERVICES $!"
sed -e "s|127\.0\.0\.1:9311|127.0.0.1:$PM|g" -e "s|127\.0\.0\.1:3000|127.0.0.1:$APP_PORT|g" \
	"$top/fcgi-conf/apache-authnz-fcgi.conf" > "$T/apache/mcpauth.conf"
printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\nAUTH_SCOPES=%%s\\n" "$AUTH_SCOPES"\n' > "$T/site/shared/app.cgi"
chmod 755 "$T/site/shared/app.cgi"
# The real MCP server behind the .htaccess too: mod_rewrite proxies
# /shared/mcp to it once mod_fcgid's access check has passed.
printf 'RewriteEngine On\nRewriteRule ^mcp$ http://127.0.0.1:%s/mcp [P]\n' "$APP_PORT" > "$T/rewrite"
{
	apache_base "$T/apache"
	echo "LoadModule rewrite_module $MODS/mod_rewrite.so"
	echo "Listen 127.0.0.1:$PA"
	echo "Listen 127.0.0.1:$PF"
	echo "Include $T/apache/mcpauth.conf"
	apache_shared "$PF" "$T/m.conf"
} > "$T/apache/httpd.conf"
chmod -R a+rX "$T"
cat "$T/rewrite" >> "$T/site/shared/.htaccess"
start_apache "$T/apache/httpd.conf" "$PA" "$PF"
wait_for grep -q "serving 127.0.0.1:$PM" "$T/ma.log" || { echo "# mcpauth did not start"; cat "$T/ma.log"; exit 1; }

clients apache "http://127.0.0.1:$PA/mcp"
# Without a decision cache, mcpauth decided the tampered request itself.
grep 'decision status=200 .* op="tools/call" name="read_tool" mcp=verified' "$T/ma.log" |
	grep -c 'client_id="reader"' > "$T/n"
is "$(cat "$T/n")" 2 "apache: mcpauth allowed read_tool twice: the real call and the tampered one"

# The same clients through .htaccess + mod_fcgid, which turns every refusal
# into a 401 with mcpauth's challenge kept (the SDK v2 then throws
# UnauthorizedError, and a host reads the scopes from the challenge).
clients fcgid "http://127.0.0.1:$PF/shared/mcp" 401 UnauthorizedError

# mod_fcgid's access checker: mcpauth started by Apache, the same decisions
# (mod_fcgid turns the 403 into a 401, the challenge kept byte for byte).
fcgid() {	# fcgid TOKEN [VERSION METHOD NAME]
	curl -s -D "$T/h" -o "$T/b" "http://127.0.0.1:$PF/shared/app.cgi" -H "Authorization: Bearer $1" \
		${2:+-H "MCP-Protocol-Version: $2"} ${3:+-H "Mcp-Method: $3"} ${4:+-H "Mcp-Name: $4"}
	code=$(sed -n '1s/^HTTP[^ ]* \([0-9]*\).*/\1/p' "$T/h")
	www=$(tr -d '\r' < "$T/h" | sed -n 's/^WWW-Authenticate: //Ip')
}
fcgid "$reader" 2026-07-28 tools/call read_tool
is "$code $(cat "$T/b")" "200 AUTH_SCOPES=mcp:read" "mod_fcgid: mcp:read calls read_tool"
fcgid "$reader" 2026-07-28 tools/call admin_tool
is "$code $www" "401 $ADMIN_403" "mod_fcgid: mcp:read calling admin_tool: refused, every scope of the operation named"
fcgid "$reader" 2025-11-25 tools/call read_tool
is "$code $www" "401 $ADMIN_403" "mod_fcgid: a 2025-11-25 request gets the strictest reading"
fcgid "$(token admin mcp:admin)" 2026-07-28 tools/call '=?base64?YWRtaW5fdG9vbA==?='
is "$code $(cat "$T/b")" "200 AUTH_SCOPES=mcp:admin" "mod_fcgid: mcp:admin alone, Mcp-Name base64-encoded: allowed"

# --- the decision logs of the tampered requests, for the record ----------------------
grep -h 'name="read_tool" mcp=verified' "$T/ma.log" | grep 'client_id="reader"' | tail -1 | sed 's/^/# mcpauth: /'
grep -h 'Mcp-Name=read_tool {"jsonrpc":"2.0","error":{"code":-32020' "$T/app.log" | head -1 | cut -c1-300 | sed 's/^/# app: /'

kill -TERM "$PID_apache"
wait "$PID_apache"
finish
