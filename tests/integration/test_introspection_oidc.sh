#!/bin/sh
# Opaque tokens from a real authorization server (SPEC §12): oidc-provider
# issuing opaque access tokens by client_credentials with a resource
# indicator, introspection and revocation on (tests/mcp/as.mjs --opaque),
# through nginx (auth_request) and Apache (mod_authnz_fcgi): the identity
# the app receives, one introspection for many requests, a revoked token
# refused once its cache entry ends, a DPoP-bound token refused, a JWT
# issuer beside it, and the server stopped.  Needs node 20+ and npm
# (tests/lib/mcpnode.sh) and Apache: missing is a failure.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"
. "$top/tests/lib/apache.sh"
. "$top/tests/lib/mcpnode.sh"
apache_require
mcp_node_ready || { tap_done; exit 1; }

RES=https://mcp.example.com/mcp
chmod a+rx "$T"
rm -f "$T/as.port"
node "$MCPDIR/as.mjs" --opaque "$T/as.port" "$RES" >> "$T/as.log" 2>&1 &
AS_PID=$!
PIDS="$PIDS $!"
wait_for test -s "$T/as.port" || { echo "# oidc-provider did not start"; cat "$T/as.log"; exit 1; }
AS=http://127.0.0.1:$(cat "$T/as.port")
stats() { curl -s "$AS/_stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
# token CLIENT SCOPE: an opaque access token from oidc-provider for $RES.
token() {
	curl -s -u "$1:secret" -d grant_type=client_credentials -d "scope=$2" \
		--data-urlencode "resource=$RES" "$AS/token" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# A JWT issuer beside it, on the same resource.
"$MINT" keygen p256 "$T/k.pem"
"$MINT" jwks "$T/k.pem,k1" > "$T/jwks.json"
printf 'rs-secret\n' > "$T/secret"
chmod 640 "$T/secret"
cat > "$T/m.conf" <<CONF
insecure_http on
issuer $AS type=oidc
issuer https://jwt.example.com jwks=$T/jwks.json
introspect $AS client_id=rs secret_file=$T/secret
introspection_cache_max 8
resource $RES
    required_scopes mcp:read
CONF
# As root, mcpauth serves as Apache's user below: it must read all this.
apache_user
[ -n "$APACHE_USER" ] && chown "root:$(id -gn "$APACHE_USER")" "$T/secret"
chmod a+r "$T/m.conf" "$T/jwks.json"
"$MCPAUTH" check-config -c "$T/m.conf" > "$T/check.out" 2>&1
is "$?|$(grep '^introspect' "$T/check.out")" "0|introspect $AS client_id=rs secret_file=$T/secret auth=client_secret_basic
introspection_cache_max 8
introspection_negative_cache 5
introspection_concurrency 16" "check-config: the introspect line, never the secret"
! grep -q rs-secret "$T/check.out"
ok $? "... the secret is not printed"

start_mcpauth m "$T/m.conf"
start_app
start_nginx "$T/m.sock"
# app_header NAME: what the echo app received ("" if nothing).
app_header() {
	printf '%s\n' "$out" | sed '1,/^$/d' |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["headers"].get(sys.argv[1], ""))' "$1"
}

reader=$(token reader mcp:read)
case "$reader" in *.*) ok 1 "oidc-provider issued an opaque token (got a JWS)" ;;
	?*) ok 0 "oidc-provider issued an opaque token" ;;
	*) ok 1 "oidc-provider issued a token"; cat "$T/as.log" ;;
esac
n0=$(stats introspections)
get "$NGINX/mcp" -H "Authorization: Bearer $reader"
is "$(http_status)|$(app_header x-auth-client-id)|$(app_header x-auth-scopes)|$(app_header x-auth-issuer)|$(app_header x-auth-audience)|$(app_header x-auth-subject)" \
	"200|reader|mcp:read|$AS|$RES|" "nginx: the opaque token is allowed; the app gets its identity"
claims=$(app_header x-auth-claims | tr '_-' '/+' | base64 -d 2>/dev/null)
is "$(printf '%s' "$claims" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["active"], d["client_id"], d["aud"], d["token_type"], d["iss"])' 2>&1)" \
	"True reader $RES Bearer $AS" "nginx: X-Auth-Claims is oidc-provider's introspection answer"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19; do
	curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $reader" "$NGINX/mcp"
done | sort | uniq -c | tr -s ' ' > "$T/codes"
is "$(cat "$T/codes")|$(($(stats introspections) - n0))" " 19 200|1" \
	"nginx: twenty requests, one introspection at the authorization server"

# Revoked (RFC 7009): refused once its entry ends, within introspection_cache_max.
curl -s -u reader:secret -d "token=$reader" -d token_type_hint=access_token "$AS/token/revocation" > /dev/null
wait_for sh -c "curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $reader' $NGINX/mcp | grep -qx 401"
ok $? "a revoked token is refused once its cache entry ends"
get "$NGINX/mcp" -H "Authorization: Bearer $reader"
is "$(http_status)|$(printf '%s\n' "$out" | sed -n 's/^WWW-Authenticate: //p')" \
	"401|Bearer error=\"invalid_token\", scope=\"mcp:read\", resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\", error_description=\"token is not active (introspection by $AS)\"" \
	"... 401 invalid_token: not active"
# When: the last 200 and the first 401 in the log, at most 2 s (+1 for
# whole seconds) apart after the revocation.
t200=$(grep -n 'decision status=200.*client_id="reader"' "$T/m.log" | tail -1 | cut -d: -f1)
t401=$(grep -n 'decision status=401.*not active' "$T/m.log" | head -1 | cut -d: -f1)
ok "$([ "$t200" -lt "$t401" ]; echo $?)" "... and after it, never allowed again"

# A JWT and an opaque token on the same location.
full=$(token full "mcp:read mcp:admin")
jwt=$("$MINT" sign "$T/k.pem" ES256 '{"alg":"ES256","kid":"k1"}' \
	"{\"iss\":\"https://jwt.example.com\",\"aud\":\"$RES\",\"exp\":$(($(date +%s) + 600)),\"sub\":\"alice\",\"scope\":\"mcp:read\"}")
get "$NGINX/mcp" -H "Authorization: Bearer $jwt"
a="$(http_status) $(app_header x-auth-subject) $(app_header x-auth-issuer)"
get "$NGINX/mcp" -H "Authorization: Bearer $full"
is "$a|$(http_status) $(app_header x-auth-client-id) $(app_header x-auth-scopes)" \
	"200 alice https://jwt.example.com|200 full mcp:read mcp:admin" \
	"a JWT and an opaque token side by side on one location"

# A DPoP-bound token (RFC 9449) presented as a bearer token: refused.
dpop=$(curl -s -u reader:secret -H "DPoP: $(node "$MCPDIR/dpop.mjs" "$AS/token")" \
	-d grant_type=client_credentials -d scope=mcp:read --data-urlencode "resource=$RES" "$AS/token" |
	python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["token_type"], d["access_token"])')
is "${dpop%% *}" DPoP "oidc-provider bound a token to a DPoP key"
get "$NGINX/mcp" -H "Authorization: Bearer ${dpop#* }"
is "$(http_status)|$(printf '%s\n' "$out" | sed -n 's/^WWW-Authenticate: .*error_description="\(.*\)"$/\1/p')" \
	"401|token is sender-constrained (cnf); it cannot be used as a bearer token" \
	"nginx: the DPoP-bound token as a bearer token is refused, naming cnf"
stop_nginx

# --- Apache: mod_authnz_fcgi, mcpauth on TCP --------------------------------------
set -- $(free_ports 2)
PA=$1 PM=$2
mkdir -p "$T/apache"
drop=""
[ -n "$APACHE_USER" ] && drop="--user $APACHE_USER"
"$MCPAUTH" serve -c "$T/m.conf" --listen "127.0.0.1:$PM" $drop 2>> "$T/ma.log" &
PIDS="$PIDS $!"
SERVICES="$SERVICES $!"
sed -e "s|127\.0\.0\.1:9311|127.0.0.1:$PM|g" -e "s|127\.0\.0\.1:3000|127.0.0.1:$APP_PORT|g" \
	"$top/fcgi-conf/apache-authnz-fcgi.conf" > "$T/apache/mcpauth.conf"
{
	apache_base "$T/apache"
	echo "Listen 127.0.0.1:$PA"
	echo "Include $T/apache/mcpauth.conf"
} > "$T/apache/httpd.conf"
chmod -R a+rX "$T/apache"
start_apache "$T/apache/httpd.conf" "$PA"
wait_for grep -q "serving 127.0.0.1:$PM" "$T/ma.log" || { echo "# mcpauth did not start"; cat "$T/ma.log"; exit 1; }
admin=$(token admin mcp:admin)
n0=$(stats introspections)
get "http://127.0.0.1:$PA/mcp" -H "Authorization: Bearer $full"
is "$(http_status)|$(app_header x-auth-client-id)|$(app_header x-auth-scopes)|$(app_header x-auth-audience)|$(app_header x-auth-subject)" \
	"200|full|mcp:read mcp:admin|$RES|" "apache: the opaque token is allowed; the app gets its identity"
for i in 1 2 3 4 5 6 7 8 9; do get "http://127.0.0.1:$PA/mcp" -H "Authorization: Bearer $full"; done
is "$(http_status)|$(($(stats introspections) - n0))" "200|1" "apache: ten requests, one introspection"
get "http://127.0.0.1:$PA/mcp" -H "Authorization: Bearer $admin"
is "$(http_status)" 403 "apache: an opaque token without mcp:read: 403"
ok "$([ "$(stats max_inflight)" -le 16 ]; echo $?)" \
	"at most introspection_concurrency calls were in flight ($(stats max_inflight))"
grep -v '^$' "$T/as.log" | sed 's/^/# oidc-provider: /' | head -5
printf '# introspections at oidc-provider: %s, most in flight: %s\n' \
	"$(stats introspections)" "$(stats max_inflight)"

# The server stopped: a token not cached as active is a 500, never a 401.
kill "$AS_PID"
wait "$AS_PID" 2>/dev/null
get "http://127.0.0.1:$PA/mcp" -H "Authorization: Bearer $admin-unknown"
is "$(http_status)" 500 "apache: the authorization server stopped: 500, never 401"
kill -TERM "$PID_apache"
wait "$PID_apache"
finish
