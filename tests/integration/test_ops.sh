#!/bin/sh
# Operations (SPEC §14): log_format json.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"

ISS=https://as.example.com
RES=https://mcp.example.com/mcp
"$MINT" keygen p256 "$T/k.pem"
"$MINT" jwks "$T/k.pem,k1" > "$T/jwks.json"
exp=$(($(date +%s) + 600))
token() {	# token SUB SCOPE
	"$MINT" sign "$T/k.pem" ES256 '{"alg":"ES256","kid":"k1"}' \
		"{\"iss\":\"$ISS\",\"aud\":\"$RES\",\"exp\":$exp,\"sub\":$1,\"client_id\":\"app\",\"scope\":\"$2\"}"
}

# --- log_format json ---------------------------------------------------
cat > "$T/j.conf" <<CONF
log_format json
issuer $ISS jwks=$T/jwks.json
resource $RES
    required_scopes mcp:read
CONF
start_mcpauth j "$T/j.conf"
odd=$(token '"a\"b\\c\n\u00e9"' mcp:read)
fcgi j responder "HTTP_AUTHORIZATION=Bearer $odd" HTTP_MCP_METHOD=tools/call HTTP_MCP_NAME='x"y'
is "$(status_of)" 200 "json: an allowed request"
fcgi j responder "HTTP_AUTHORIZATION=Bearer $(token '"bob"' other)"
is "$(status_of)" 403 "json: a refused request"
fcgi j responder
is "$(status_of)" 401 "json: no token"
stop_mcpauth j
python3 - "$T/j.log" > "$T/j.out" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
for l in lines:
    if "event" in l:
        l.pop("us")
        print(json.dumps(l, sort_keys=True))
    else:
        print(sorted(l.keys()), type(l["msg"]).__name__)
PY
ok $? "json: every line parses as JSON"
is "$(grep decision "$T/j.out")" \
'{"cache": null, "client_id": "app", "error": null, "event": "decision", "iss": "https://as.example.com", "mcp": "ignored", "name": "x\"y", "op": "tools/call", "reason": "allowed", "resource": "https://mcp.example.com/mcp", "status": 200, "sub": "a\"b\\c\n\u00c3\u00a9"}
{"cache": null, "client_id": "app", "error": "insufficient_scope", "event": "decision", "iss": "https://as.example.com", "mcp": "ignored", "name": null, "op": null, "reason": "token lacks scope mcp:read", "resource": "https://mcp.example.com/mcp", "status": 403, "sub": "bob"}
{"cache": null, "client_id": null, "error": "unauthorized", "event": "decision", "iss": null, "mcp": "ignored", "name": null, "op": null, "reason": "no bearer token", "resource": "https://mcp.example.com/mcp", "status": 401, "sub": null}' \
	"json: decision lines carry every field, escaped"
is "$(grep -v decision "$T/j.out" | sort -u)" "['msg'] str" "json: other lines are {\"msg\": ...}"
grep -q '"msg":"serving unix:' "$T/j.log"
ok $? "json: the start line is a msg object"

finish
