#!/bin/sh
# Operations (SPEC §14): log_format json; metrics_path counted exactly
# after a known mix, accepted by promtool, scraped during a load without
# changing a decision; health_path 200 and 503 naming the issuer; both
# 404 in the authorizer role and in CGI mode.
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

# --- metrics_path and health_path -----------------------------------------
cat > "$T/m.conf" <<CONF
metrics_path /metrics
health_path /healthz
issuer $ISS jwks=$T/jwks.json
resource $RES
    required_scopes mcp:read
CONF
start_mcpauth m "$T/m.conf" --http "unix:$T/m.http"
wait_for test -S "$T/m.http" || { echo "# no HTTP socket"; exit 1; }
good=$(token '"alice"' mcp:read)
weak=$(token '"bob"' other)
for i in 1 2 3; do
	fcgi m responder "HTTP_AUTHORIZATION=Bearer $good"
	is "$(status_of)" 200 "mix: allowed ($i)"
done
fcgi m responder "HTTP_AUTHORIZATION=Bearer $weak"
is "$(status_of)" 403 "mix: insufficient scope"
fcgi m responder
is "$(status_of)" 401 "mix: no token"
fcgi m responder "HTTP_AUTHORIZATION=Bearer abc.def.ghi"
is "$(status_of)" 401 "mix: a malformed token"
fcgi m responder REQUEST_METHOD=GET DOCUMENT_URI=/.well-known/oauth-protected-resource/mcp
is "$(status_of)" 200 "mix: metadata (not a decision)"

status_of_http() { printf '%s\n' "$out" | sed -n '1s/^HTTP[^ ]* \([0-9]*\).*/\1/p'; }
scrape() {	# scrape NAME: the metrics of mcpauth NAME into $T/scrape
	fcgi "$1" responder REQUEST_METHOD=GET DOCUMENT_URI=/metrics
	body > "$T/scrape"
}
scrape m
is "$(status_of) $(header Content-Type)" "200 text/plain; version=0.0.4; charset=utf-8" \
	"metrics: 200 in the Prometheus text format"
is "$(grep '^mcpauth_decisions_total' "$T/scrape")" \
'mcpauth_decisions_total{status="200",error="none"} 3
mcpauth_decisions_total{status="401",error="unauthorized"} 1
mcpauth_decisions_total{status="401",error="invalid_token"} 1
mcpauth_decisions_total{status="403",error="insufficient_scope"} 1' \
	"metrics: decisions by status and error, exactly"
is "$(grep '^mcpauth_token_cache_total\|^mcpauth_introspection_calls_total\|^mcpauth_decision_duration_seconds_count\|bucket{le="+Inf"}' "$T/scrape")" \
'mcpauth_decision_duration_seconds_bucket{le="+Inf"} 6
mcpauth_decision_duration_seconds_count 6
mcpauth_token_cache_total{result="hit"} 2
mcpauth_token_cache_total{result="miss"} 3
mcpauth_introspection_calls_total{result="answered"} 0
mcpauth_introspection_calls_total{result="error"} 0
mcpauth_introspection_duration_seconds_bucket{le="+Inf"} 0' \
	"metrics: histogram counts and token cache hits and misses, exactly"
grep -q "^mcpauth_jwks_age_seconds{issuer=\"$ISS\"} [0-9]*$" "$T/scrape"
ok $? "metrics: the key set age of the issuer"
grep -q '^mcpauth_build_info{version="[0-9.]*"} 1$' "$T/scrape"
ok $? "metrics: build info"
promtool check metrics < "$T/scrape" > "$T/promtool" 2>&1
is "$?:$(cat "$T/promtool")" "0:" "promtool check metrics accepts the scrape"

curl -s -i --unix-socket "$T/m.http" http://mcpauth/metrics | tr -d '\r' > "$T/out"
out=$(cat "$T/out")
is "$(status_of_http) $(body | grep -c '^mcpauth_decisions_total')" "200 4" \
	"metrics: served by the HTTP listener too"
curl -s -i --unix-socket "$T/m.http" http://mcpauth/healthz | tr -d '\r' > "$T/out"
out=$(cat "$T/out")
is "$(status_of_http) $(body)" '200 {"status":"ok"}' "health: over HTTP"

# Reloads by result: one good, one refused.
kill -HUP "$PID_m"
wait_for grep -q "reloaded" "$T/m.log"
cp "$T/m.conf" "$T/m.conf.good"
echo "log_format yaml" >> "$T/m.conf"
kill -HUP "$PID_m"
wait_for grep -q "reload failed" "$T/m.log"
cp "$T/m.conf.good" "$T/m.conf"
scrape m
is "$(grep '^mcpauth_reloads_total' "$T/scrape")" \
'mcpauth_reloads_total{result="ok"} 1
mcpauth_reloads_total{result="error"} 1' "metrics: reloads by result"

fcgi m responder REQUEST_METHOD=GET DOCUMENT_URI=/healthz
is "$(status_of) $(body)" '200 {"status":"ok"}' "health: 200 with every key set"
fcgi m authorizer REQUEST_METHOD=GET DOCUMENT_URI=/metrics
is "$(status_of)" 404 "metrics: 404 in the authorizer role"
fcgi m authorizer REQUEST_METHOD=GET DOCUMENT_URI=/healthz
is "$(status_of)" 404 "health: 404 in the authorizer role"

# Scraping during a concurrent load changes no decision.
printf '%s\n' "$good" > "$T/good.tok"
printf '%s\n' "$weak" > "$T/weak.tok"
before=$(grep -c "decision status=" "$T/m.log")
"$FCGI_CLIENT" -n 300 -c 2 -t "$T/good.tok" "unix:$T/m.sock" > "$T/load.good" &
lg=$!
"$FCGI_CLIENT" -n 300 -c 2 -t "$T/weak.tok" "unix:$T/m.sock" > "$T/load.weak" &
lw=$!
bad=0 n=0
while kill -0 $lg 2>/dev/null || kill -0 $lw 2>/dev/null; do
	scrape m
	[ "$(status_of)" = 200 ] || bad=1
	n=$((n + 1))
done
wait $lg; wait $lw
is "$bad $(sed 's/ seconds.*//' "$T/load.good") $(sed 's/ seconds.*//' "$T/load.weak")" \
	"0 requests=300 ok=300 requests=300 ok=0" \
	"load: every allowed decision allowed, every refusal refused, while scraping ($n scrapes)"
is "$(grep "decision status=" "$T/m.log" | tail -n +$((before + 1)) | sed 's/ reason.*//' | sort | uniq -c | sed 's/^ *//')" \
"300 mcpauth: decision status=200 error=-
300 mcpauth: decision status=403 error=insufficient_scope" "load: the log agrees"
scrape m
is "$(grep '^mcpauth_decisions_total{status="[24]0[03]",error="\(none\|insufficient_scope\)"}' "$T/scrape")" \
'mcpauth_decisions_total{status="200",error="none"} 303
mcpauth_decisions_total{status="403",error="insufficient_scope"} 301' \
	"load: the counters after the load, exactly"

# --- health: an issuer whose key set was never obtained --------------------
dead=$(free_port)
cat > "$T/h.conf" <<CONF
health_path /healthz
metrics_path /metrics
insecure_http on
issuer $ISS jwks=$T/jwks.json
issuer https://down.example.com jwks=http://127.0.0.1:$dead/jwks.json
resource $RES
CONF
start_mcpauth h "$T/h.conf"
fcgi h responder REQUEST_METHOD=GET DOCUMENT_URI=/healthz
is "$(status_of) $(header Content-Type) $(body)" \
	'503 application/json {"status":"unavailable","reasons":["issuer https://down.example.com: no key set was ever obtained"]}' \
	"health: 503 naming the issuer whose key set was never obtained"
wait_for grep -q "down.example.com: key set fetch failed" "$T/h.log"
scrape h
grep -q '^mcpauth_jwks_fetches_total{issuer="https://down.example.com",result="error"} [1-9]' "$T/scrape"
ok $? "metrics: the failed key set fetch by issuer and result"
grep -q 'mcpauth_jwks_age_seconds{issuer="https://down.example.com"}' "$T/scrape"
ok $((!$?)) "metrics: no key set age for an issuer that never had one"

# --- CGI mode: nothing to count ------------------------------------------------
out=$(GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET DOCUMENT_URI=/metrics \
	"$MCPAUTH" serve -c "$T/m.conf" < /dev/null 2>/dev/null | tr -d '\r')
is "$(status_of)" 404 "metrics: 404 in CGI mode"
out=$(GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET DOCUMENT_URI=/healthz \
	"$MCPAUTH" serve -c "$T/m.conf" < /dev/null 2>/dev/null | tr -d '\r')
is "$(status_of)" 404 "health: 404 in CGI mode"

# --- configuration errors name the line ----------------------------------------
printf 'issuer %s jwks=%s\nresource %s\nlog_format yaml\n' "$ISS" "$T/jwks.json" "$RES" > "$T/bad1.conf"
is "$("$MCPAUTH" check-config -c "$T/bad1.conf" 2>&1)" \
	"mcpauth: $T/bad1.conf:3: log_format must be text or json" "config: a bad log_format names its line"
printf 'metrics_path metrics\nhealth_path /h?x\n' > "$T/bad2.conf"
is "$("$MCPAUTH" check-config -c "$T/bad2.conf" 2>&1)" \
	"mcpauth: $T/bad2.conf:1: metrics_path must be a path starting with /" "config: a relative metrics_path names its line"
printf 'health_path /h?x\n' > "$T/bad3.conf"
is "$("$MCPAUTH" check-config -c "$T/bad3.conf" 2>&1)" \
	"mcpauth: $T/bad3.conf:1: health_path must be a plain path" "config: a health_path with a query names its line"
for bad in /auth /_mcpauth /_mcpauth_admin /.well-known/x; do
	printf 'metrics_path %s\n' "$bad" > "$T/bad4.conf"
	is "$("$MCPAUTH" check-config -c "$T/bad4.conf" 2>&1)" \
		"mcpauth: $T/bad4.conf:1: metrics_path $bad is a path where decisions or metadata are asked for" \
		"config: metrics_path $bad, which would answer 200 to a decision, is refused"
done
printf 'metrics_path /m\nhealth_path /m\n' > "$T/bad5.conf"
is "$("$MCPAUTH" check-config -c "$T/bad5.conf" 2>&1)" \
	"mcpauth: $T/bad5.conf:2: metrics_path and health_path must differ" "config: one path for both is refused"
"$MCPAUTH" check-config -c "$T/m.conf" > "$T/printed" 2>&1
is "$(grep '^log_format\|_path ' "$T/printed")" "log_format text
metrics_path /metrics
health_path /healthz" "check-config prints the three directives"

finish
