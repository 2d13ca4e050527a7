#!/bin/sh
# Opaque tokens by RFC 7662 introspection (SPEC §12) against a controllable
# authorization server (tests/tools/issuer.py): the request sent, identity
# from the answer, the answer cache and its lifetimes, each refused kind of
# answer with its reason, an authorization server that is stopped, hangs,
# fails or answers garbage (500, never 401, and never 200 for a token not
# already cached as active), a burst of 1,000 unknown tokens under the
# in-flight bound, one call for concurrent requests with one token, and a
# JWT beside an opaque token.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"

mkdir -p "$T/as"
"$MINT" keygen p256 "$T/k.pem"
"$MINT" jwks "$T/k.pem,k1" > "$T/jwks.json"
start_issuer "$T/as"
ISSUER_PID=${PIDS##* }
RES=https://mcp.example.com/mcp
printf '{"issuer":"%s","introspection_endpoint":"%s/introspect"}\n' \
	"$ISSUER" "$ISSUER" > "$T/as/meta.json"
printf 'rs-s3cret&1\n' > "$T/secret"
chmod 600 "$T/secret"
cat > "$T/m.conf" <<CONF
issuer $ISSUER jwks=$T/jwks.json metadata=$ISSUER/meta.json
introspect $ISSUER client_id=rs:1 secret_file=$T/secret
introspection_cache_max 2
introspection_negative_cache 30
introspection_concurrency 4
# Room enough that no 4-way set of the cache overflows with the burst's
# 1,000 tokens (with 10,000 entries one set in seven runs would).
token_cache_entries 100000
insecure_http on
resource $RES
    required_scopes read
CONF
now=$(date +%s)
# answer JSON: what the introspection endpoint answers from now on.
answer() { printf '%s' "$1" > "$T/as/introspect"; }
active() {	# active [EXTRA-MEMBERS]: an active answer for RES
	answer "{\"active\":true,\"client_id\":\"mcp-client\",\"exp\":$((now + 600)),\"iat\":$now,\"iss\":\"$ISSUER\",\"aud\":\"$RES\",\"scope\":\"read write\",\"token_type\":\"Bearer\"${1:-}}"
}
decide() {	# decide TOKEN: one decision; sets out
	fcgi m responder DOCUMENT_URI=/_auth "HTTP_AUTHORIZATION=Bearer $1"
}
calls() { issuer_ctl "count?path=/introspect"; }
mode() { issuer_ctl "mode?path=/introspect&mode=$1" > /dev/null; }
# refused TOKEN REASON NAME: 401 invalid_token naming the check.
refused() {
	decide "$1"
	is "$(status_of)|$(header WWW-Authenticate)" "401|Bearer error=\"invalid_token\", scope=\"read\", resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\", error_description=\"$2\"" "$3"
}
b64url() { printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }

start_mcpauth m "$T/m.conf" --threads 16
wait_for test "$("$MCPAUTH" check-config -c "$T/m.conf" >/dev/null; echo $?)" = 0

# --- an active token -----------------------------------------------------------
active
decide opaque-token-1
is "$(status_of)" 200 "an active opaque token is allowed"
is "$(header X-Auth-Subject)|$(header X-Auth-Client-Id)|$(header X-Auth-Scopes)|$(header X-Auth-Issuer)|$(header X-Auth-Audience)|$(header X-Auth-Expires-At)" \
	"|mcp-client|read write|$ISSUER|$RES|$((now + 600))" \
	"identity headers from the answer (no sub: no subject)"
is "$(header X-Auth-Claims)" "$(b64url "$(cat "$T/as/introspect")")" \
	"X-Auth-Claims is the answer, base64url"
is "$(header X-Accel-Expires)" 2 \
	"the web server may keep it no longer than the answer is kept (introspection_cache_max 2)"
issuer_ctl "last?path=/introspect" > "$T/last"
is "$(head -1 "$T/last")" "Basic $(printf 'rs%%3A1:rs-s3cret%%261' | base64 -w0)" \
	"client_secret_basic: id and secret form-encoded, then base64 (RFC 6749 2.3.1)"
is "$(tail -1 "$T/last")" "token=opaque-token-1&token_type_hint=access_token" \
	"the form names the token and its type"
for i in 1 2 3 4 5 6 7 8 9 10; do decide opaque-token-1; done
is "$(status_of)|$(calls)" "200|1" "eleven decisions, one introspection"
ok "$(grep -c 'decision status=200.*client_id="mcp-client".*cache=hit' "$T/m.log" | awk '{ print !($1 == 10) }')" \
	"the ten repeats are logged as cache hits"
! grep -q 'opaque-token-1\|rs-s3cret' "$T/m.log"
ok $? "neither the token nor the secret is logged"

# client_secret_post: id and secret in the form, no Authorization header.
sed "s|secret_file=$T/secret\$|secret_file=$T/secret auth=client_secret_post|" "$T/m.conf" > "$T/post.conf"
start_mcpauth post "$T/post.conf"
fcgi post responder DOCUMENT_URI=/_auth "HTTP_AUTHORIZATION=Bearer posted+token/1="
issuer_ctl "last?path=/introspect" > "$T/last"
is "$(status_of)|$(head -1 "$T/last")|$(tail -1 "$T/last")" \
	"200||token=posted%2Btoken%2F1%3D&token_type_hint=access_token&client_id=rs%3A1&client_secret=rs-s3cret%261" \
	"client_secret_post: the form carries the client's id and secret, form-encoded"

# --- the answer cache: active for introspection_cache_max, then asked again ----
mode 500
decide opaque-token-1
is "$(status_of)" 200 "a token cached as active stays allowed while the server fails"
wait_for sh -c "! grep -q . /dev/null && $FCGI_CLIENT unix:$T/m.sock DOCUMENT_URI=/_auth 'HTTP_AUTHORIZATION=Bearer opaque-token-1' | grep -q 'Status: 500'"
ok $? "once its entry ends (introspection_cache_max 2), it is asked again: 500"
n=$(calls)
decide opaque-token-1
is "$(status_of)|$(calls)" "500|$((n + 1))" "a failed call is never cached"
mode ok
decide opaque-token-1
is "$(status_of)" 200 "the server back: allowed again"

# --- the server failing: 500, never 401 -------------------------------------------
for m in 500 garbage close hang; do
	mode "$m"
	decide "fresh-$m"
	is "$(status_of)|$(body | sed -n 's/.*"error":"\([a-z_]*\)".*/\1/p')" "500|server_error" \
		"the server answering $m: 500 server_error"
	like=$(header X-Accel-Expires)
	is "$like" 0 "... never cached by the web server"
done
grep 'decision status=500' "$T/m.log" | tail -1 | grep -q 'introspection failed: http://127.0.0.1:[0-9]*/introspect: Timeout was reached'
ok $? "a hanging server: the call gives up after 2 s"
mode ok
active
decide fresh-500
is "$(status_of)" 200 "a token refused by a failure only is allowed once the server answers"
answer '{"active":false}'
n=$(calls)
refused fresh-garbage "token is not active (introspection by $ISSUER)" "an inactive token: 401"
for i in 1 2 3; do decide fresh-garbage; done
is "$(status_of)|$(calls)" "401|$((n + 1))" "its repeats come from the negative cache"

# --- refused answers, each with its reason ------------------------------------------
answer "{\"active\":true,\"exp\":$((now + 600)),\"scope\":\"read\"}"
refused no-aud "token has no aud" "an answer without aud"
answer "{\"active\":true,\"exp\":$((now + 600)),\"scope\":\"read\",\"aud\":\"https://other.example\"}"
refused other-aud "aud does not contain $RES" "an answer with another aud"
active ',"token_type":"refresh_token"'
answer "$(sed 's/"token_type":"Bearer",//' "$T/as/introspect")"
refused refresh 'token_type is \"refresh_token\", not Bearer' "a refresh token"
active ',"cnf":{"jkt":"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}'
refused dpop "token is sender-constrained (cnf); it cannot be used as a bearer token" \
	"a sender-constrained (DPoP) token"
answer "{\"active\":true,\"exp\":$((now + 600)),\"aud\":\"$RES\",\"iss\":\"https://evil.example\",\"scope\":\"read\"}"
refused evil-iss "introspection names another issuer than $ISSUER" "an answer naming another issuer"
answer "{\"active\":true,\"exp\":$((now + 600)),\"aud\":\"$RES\",\"scope\":\"write\"}"
decide no-scope
is "$(status_of)|$(header WWW-Authenticate | sed -n 's/^Bearer error="\([a-z_]*\)".*/\1/p')" \
	"403|insufficient_scope" "an active token without the scope: 403"

# --- a JWT beside opaque tokens --------------------------------------------------
jwt=$("$MINT" sign "$T/k.pem" ES256 '{"alg":"ES256","kid":"k1"}' \
	"{\"iss\":\"$ISSUER\",\"aud\":\"$RES\",\"exp\":$((now + 600)),\"sub\":\"alice\",\"scope\":\"read\"}")
n=$(calls)
decide "$jwt"
is "$(status_of)|$(header X-Auth-Subject)|$(calls)" "200|alice|$n" \
	"a JWT on the same resource is verified by signature, without a call"
cnfjwt=$("$MINT" sign "$T/k.pem" ES256 '{"alg":"ES256","kid":"k1"}' \
	"{\"iss\":\"$ISSUER\",\"aud\":\"$RES\",\"exp\":$((now + 600)),\"sub\":\"alice\",\"scope\":\"read\",\"cnf\":{\"jkt\":\"abc\"}}")
refused "$cnfjwt" "token is sender-constrained (cnf); it cannot be used as a bearer token" \
	"a JWT with cnf is refused as a bearer token too"

# --- verify introspects opaque tokens too ----------------------------------------------
active
echo verify-token | "$MCPAUTH" verify -c "$T/m.conf" > "$T/v.out" 2> "$T/v.err"
is "$?|$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["client_id"], d["scopes"], d["claims"]["aud"])' "$T/v.out")" \
	"0|mcp-client ['read', 'write'] $RES" "verify introspects an opaque token"
mode 500
echo verify-token-2 | "$MCPAUTH" verify -c "$T/m.conf" > /dev/null 2> "$T/v.err"
is "$?|$(cut -d: -f1 "$T/v.err")" "2|server_error" "verify: a failing server is exit 2, not a refusal"
mode ok

# --- 1,000 unknown tokens in a burst ---------------------------------------------
answer '{"active":false}'
issuer_ctl reset > /dev/null
mode slow
python3 -c 'import secrets
for _ in range(1000): print(secrets.token_urlsafe(24))' > "$T/burst"
lines=$(wc -l < "$T/m.log")
res=$("$FCGI_CLIENT" -c 10 -n 1000 -t "$T/burst" "unix:$T/m.sock" DOCUMENT_URI=/_auth)
is "$(echo "$res" | sed 's/ seconds=.*//')" "requests=1000 ok=0" "1,000 random opaque tokens: none allowed"
tail -n +"$((lines + 1))" "$T/m.log" | grep -c '^mcpauth: decision status=401 error=invalid_token reason="token is not active' > "$T/n401"
is "$(cat "$T/n401")" 1000 "... every one 401 invalid_token"
is "$(calls)" 1000 "... one introspection each"
max=$(issuer_ctl "maxconc?path=/introspect")
ok "$([ "$max" -ge 1 ] && [ "$max" -le 4 ]; echo $?)" \
	"at most introspection_concurrency (4) calls in flight at the server (saw $max)"
"$FCGI_CLIENT" -c 4 -n 200 -t "$T/burst" "unix:$T/m.sock" DOCUMENT_URI=/_auth > /dev/null
is "$(calls)" 1000 "repeats of the same tokens come from the negative cache"
mode ok

# --- one call for concurrent requests with one new token ---------------------------
active
mode slow
echo concurrent-token > "$T/one"
n=$(calls)
res=$("$FCGI_CLIENT" -c 8 -n 8 -t "$T/one" "unix:$T/m.sock" DOCUMENT_URI=/_auth)
is "$(echo "$res" | sed 's/ seconds=.*//')|$(($(calls) - n))" "requests=8 ok=8|1" \
	"eight concurrent requests with one new token: one call"
mode ok

# --- the secret is read again on reload ----------------------------------------------
printf 'rotated-2\r\n' > "$T/secret"
kill -HUP "$PID_m"
wait_for grep -q "reloaded $T/m.conf" "$T/m.log"
decide after-reload
issuer_ctl "last?path=/introspect" > "$T/last"
is "$(status_of)|$(head -1 "$T/last")" "200|Basic $(printf 'rs%%3A1:rotated-2' | base64 -w0)" \
	"SIGHUP: the secret file is read again (its CRLF is not part of it)"
chmod 644 "$T/secret"
kill -HUP "$PID_m"
wait_for grep -q "reload failed.*secret_file $T/secret: readable or writable by others" "$T/m.log"
ok $? "a secret file readable by others is refused at reload, naming it"
! grep -q rotated-2 "$T/m.log"
ok $? "... and the secret itself never appears in the log"

# --- the server stopped -----------------------------------------------------------
active
kill "$ISSUER_PID"
wait_for sh -c "! curl -s $ISSUER/meta.json"
decide stopped-server
is "$(status_of)" 500 "the server stopped: 500, never 401"
decide opaque-token-1
is "$(status_of)" 500 "... and a token whose entry ended is not allowed"

finish
