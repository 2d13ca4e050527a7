#!/bin/sh
# mcpauth verify and check-config from the command line: exit statuses,
# stdout and stderr exactly as SPEC §3 gives them.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
MCPAUTH=${MCPAUTH:-$top/build/mcpauth}
MINT=${MINT:-$top/build/mint}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
: > "$T/in"

"$MINT" keygen rsa2048 "$T/k.pem"
"$MINT" keygen p256 "$T/e.pem"
"$MINT" jwks "$T/k.pem,k1" "$T/e.pem,e1" > "$T/jwks.json"
cat > "$T/m.conf" <<CONF
issuer https://as.example jwks=jwks.json
resource https://mcp.example/mcp
required_scopes read
CONF
now=$(date +%s)
exp=$((now + 300))
claims="{\"iss\":\"https://as.example\",\"aud\":\"https://mcp.example/mcp\",\"exp\":$exp,\"sub\":\"alice\",\"azp\":\"cli\",\"scope\":\"read write\"}"
tok=$("$MINT" sign "$T/k.pem" RS256 '{"alg":"RS256","kid":"k1"}' "$claims")

run() {	# run ARGS...: stdin from $T/in; sets rc, out, err
	"$MCPAUTH" "$@" < "$T/in" > "$T/out" 2> "$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

echo "$tok" > "$T/in"; run verify -c "$T/m.conf"
is "$rc" 0 "valid token: exit 0"
is "$out" "{\"subject\":\"alice\",\"client_id\":\"cli\",\"scopes\":[\"read\",\"write\"],\"issuer\":\"https://as.example\",\"audience\":\"https://mcp.example/mcp\",\"expires_at\":$exp,\"claims\":$claims}" \
	"valid token: auth info JSON"
is "$err" "" "valid token: nothing on stderr"

printf '  \n\t%s \n\n' "$tok" > "$T/in"; run verify -c "$T/m.conf"
is "$rc" 0 "surrounding white space ignored"

: > "$T/in"; MCPAUTH_CONFIG="$T/m.conf" run verify
is "$rc" 1 "empty stdin: exit 1"
is "$err" "invalid_token: token has 1 segments, a JWS has 3" \
	"config from \$MCPAUTH_CONFIG, empty token refused"

echo "$tok" > "$T/in"; run verify -c "$T/m.conf" --scopes "write admin read ops"
is "$rc" 3 "missing scope: exit 3"
is "$err" "insufficient_scope: token lacks scope admin ops" \
	"missing scope: stderr names them"
is "$out" "" "missing scope: nothing on stdout"

echo "$tok" > "$T/in"; run verify -c "$T/m.conf" --scopes ""
is "$rc" 0 "empty --scopes counts as not given"

bad=$("$MINT" sign "$T/e.pem" ES256 '{"alg":"ES256","kid":"k1"}' "$claims")
echo "$bad" > "$T/in"; run verify -c "$T/m.conf"
is "$rc" 1 "kid of another key type: exit 1"
is "$err" "invalid_token: key \"k1\" is of another key type (RSA key, token alg ES256)" \
	"kid of another key type: reason"

head -c 20000 /dev/zero | tr '\0' 'a' > "$T/in"; run verify -c "$T/m.conf"
is "$err" "invalid_token: token is longer than 16384 bytes" "oversize token"
head -c 100000 /dev/zero | tr '\0' 'a' > "$T/in"; run verify -c "$T/m.conf"
is "$err" "invalid_token: token is longer than 16384 bytes" \
	"oversize stdin refused as such"

printf 'issuer https://as.example jwks=jwks.json\nresource https://a.example\nresource https://b.example\n' > "$T/two.conf"
echo "$tok" > "$T/in"; run verify -c "$T/two.conf"
is "$rc" 2 "two resources without --resource: exit 2"
is "$err" "mcpauth: $T/two.conf has 2 resources; choose one with --resource URL" \
	"two resources: message"
echo "$tok" > "$T/in"; run verify -c "$T/two.conf" --resource https://c.example
is "$err" "mcpauth: no resource https://c.example in $T/two.conf" \
	"unknown --resource named"

printf 'issuer https://as.example jwks=missing.json\nresource https://mcp.example/mcp\n' > "$T/nokeys.conf"
echo "$tok" > "$T/in"; run verify -c "$T/nokeys.conf"
is "$rc" 2 "key set missing: exit 2"
is "$err" "mcpauth: issuer https://as.example: $T/missing.json: No such file or directory" \
	"key set missing: message"

printf 'issuer https://as.example jwks=jwks.json\nresource https://mcp.example/mcp\nleeway ten\n' > "$T/bad.conf"
run check-config -c "$T/bad.conf"
is "$rc" 1 "check-config on a bad file: exit 1"
is "$err" "mcpauth: $T/bad.conf:3: leeway expects a whole number from 0 to 3600, got \"ten\"" \
	"check-config names file and line"

run check-config -c "$T/m.conf"
is "$rc" 0 "check-config on a good file: exit 0"
is "$out" "issuer https://as.example type=auto jwks=$T/jwks.json
jwks_min_refresh 60
allow_cors_preflight off
claims_header on
decision_cache_max 60
insecure_http off
token_cache_entries 10000
log_format text
resource https://mcp.example/mcp
    audience https://mcp.example/mcp
    required_scopes read
    algorithms RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA
    leeway 60
# issuer https://as.example: 2 keys usable, 0 skipped" "check-config prints the policy"

run --help
is "$rc" 0 "--help: exit 0"
case "$out" in *"mcpauth check-config"*"a minimal config file"*) r=0 ;; *) r=1 ;; esac
ok $r "--help shows commands and a config"
run --version
is "$out" "mcpauth 0.1.0" "--version"
run verify --bogus
is "$rc" 2 "unknown option: exit 2"
is "$err" "mcpauth: unknown option --bogus (see mcpauth --help)" \
	"unknown option: message"
run verify -c
is "$err" "mcpauth: -c needs a value" "option without value"

tap_done
