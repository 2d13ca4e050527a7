#!/bin/sh
# Hostile input through nginx and the shipped fcgi-conf files: huge and
# odd Authorization headers, control and non-ASCII bytes in claims,
# spaces at the ends of claims, header injection through claims, a huge
# payload, number tricks.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"

local_issuer
printf 'issuer %s jwks=%s\nresource %s\n' "$ISS" "$T/jwks.json" "$RES" > "$T/m.conf"
start_mcpauth m "$T/m.conf"
start_app
start_nginx "$T/m.sock"
exp=$(($(date +%s) + 600))
sign() { "$MINT" sign "$T/k.pem" RS256 '{"alg":"RS256","kid":"k1"}' "$1"; }
claims() { echo "{\"iss\":\"$ISS\",\"aud\":\"$RES\",\"exp\":$exp$1}"; }
app_header() {
	printf '%s\n' "$out" | sed '1,/^$/d' |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["headers"].get(sys.argv[1], "<absent>"))' "$1"
}
desc() { header WWW-Authenticate | sed 's/.*error_description=//'; }
decisions() { grep -c "decision status=" "$T/m.log"; }

# An 8 KB Authorization header: past mcpauth's 16384-byte limit? No, but
# not a JWS either; nginx's default header buffers (8k) still take it.
long=$(head -c 8000 /dev/zero | tr '\0' 'A')
get "$NGINX/mcp" -H "Authorization: Bearer $long"
is "$(http_status) $(desc)" '401 "token has 1 segments, a JWS has 3"' \
	"an 8 KB bearer value is refused as malformed"
pad=$(head -c 5600 /dev/zero | tr '\0' 'p')
big=$(sign "$(claims ",\"sub\":\"big\",\"pad\":\"$pad\"")")
is "$(printf %s "$big" | wc -c)" 7987 "a valid token of nearly 8 KB"
get "$NGINX/mcp" -H "Authorization: Bearer $big"
is "$(http_status) $(app_header x-auth-subject)" "200 big" "a valid 8 KB token passes"
huge=$(head -c 20000 /dev/zero | tr '\0' 'A')
n=$(decisions)
get "$NGINX/mcp" -H "Authorization: Bearer $huge"
is "$(http_status) $(decisions)" "400 $n" "a 20 KB header is stopped by nginx before mcpauth"

for v in "Bearer ,,,, , ,," "Bearer      ,   " "Bearer a,b,c" "Bearer,abc" ", , , Bearer abc"; do
	get "$NGINX/mcp" -H "Authorization: $v"
	case "$v" in
	"Bearer ,,,, , ,,")
		want='401 "the Bearer credentials hold more than one token"' ;;
	"Bearer      ,   "|"Bearer a,b,c")
		want='401 "the Bearer token has characters outside RFC 6750 b64token"' ;;
	*) want="401 Bearer resource_metadata=\"$MD_URL\"" ;;
	esac
	case "$want" in
	*resource_metadata*) got="$(http_status) $(header WWW-Authenticate)" ;;
	*) got="$(http_status) $(desc)" ;;
	esac
	is "$got" "$want" "commas and spaces: '$v'"
done
get "$NGINX/mcp" -H "Authorization: Bearer a b c d e f"
is "$(http_status) $(desc)" '401 "the Bearer credentials hold more than one token"' \
	"many blank-separated tokens"

# Claims with control bytes, non-ASCII and CR LF: never raw in a header.
evil=$(sign "$(claims ',"sub":"al\u00e9\u0007x\r\nX-Evil: 1","client_id":"c%41\u0000"')")
get "$NGINX/mcp" -H "Authorization: Bearer $evil"
is "$(http_status) $(desc)" '401 "payload: JSON text contains a NUL byte"' \
	"an escaped NUL in a claim is refused"
evil=$(sign "$(claims ',"sub":"al\u00e9\u0007x\r\nX-Evil: 1","client_id":"c%41\u007f","scope":"a\u2028b"')")
get "$NGINX/mcp" -H "Authorization: Bearer $evil"
is "$(http_status)" 200 "claims with control and non-ASCII bytes: allowed"
is "$(app_header x-auth-subject)" "al%C3%A9%07x%0D%0AX-Evil: 1" \
	"sub reaches the app percent-encoded, CR LF included"
is "$(app_header x-evil)" "<absent>" "no header is injected through a claim"
is "$(app_header x-auth-client-id)" "c%2541%7F" "'%' and DEL are encoded too"
is "$(app_header x-auth-scopes)" "a%E2%80%A8b" "a Unicode line separator is encoded"
# Spaces at either end would be trimmed by nginx (SPEC §7): %20 there,
# kept inside; the app sees the claim, not a shorter name.
spaced=$(sign "$(claims ',"sub":"  admin  ","client_id":" "')")
get "$NGINX/mcp" -H "Authorization: Bearer $spaced"
is "$(http_status) $(app_header x-auth-subject)" "200 %20 admin %20" \
	"sub \"  admin  \" reaches the app untrimmed: %20 at its ends"
is "$(app_header x-auth-client-id)" "%20" "a client_id of one space is %20"

# A 1 MB payload: nginx stops it; sent straight over FastCGI, mcpauth does.
pad=$(head -c 1048576 /dev/zero | tr '\0' 'p')
printf '%s' "$(claims ",\"pad\":\"$pad\"")" > "$T/huge.json"
hugetok=$("$MINT" b64url x).$(python3 -c 'import base64,sys; print(base64.urlsafe_b64encode(open(sys.argv[1],"rb").read()).decode().rstrip("="))' "$T/huge.json").x
n=$(decisions)
printf 'Authorization: Bearer %s\r\n' "$hugetok" > "$T/hdr"
code=$(curl -s -o /dev/null -w '%{http_code}' -H @"$T/hdr" "$NGINX/mcp")
# nginx answers 400, or closes before curl has sent it all (000).
case "$code" in 400|000) r=0 ;; *) r=1 ;; esac
ok $r "a 1 MB token is refused by nginx (HTTP $code)"
is "$(decisions)" "$n" "and never reaches mcpauth"
"$FCGI_CLIENT" "unix:$T/m.sock" DOCUMENT_URI=/_auth "HTTP_AUTHORIZATION=Bearer $(head -c 60000 "$T/hdr" | tail -c 59000)" > "$T/out2"
out=$(tr -d '\r' < "$T/out2")
is "$(status_of) $(desc)" '401 "token is longer than 16384 bytes"' \
	"a 59 KB token over FastCGI is refused by size"

# Number tricks in exp.
for e in 9007199254740993 1e400 -0.5 '"1800000000"' 1.8e9x; do
	t=$(sign "{\"iss\":\"$ISS\",\"aud\":\"$RES\",\"exp\":$e}")
	get "$NGINX/mcp" -H "Authorization: Bearer $t"
	case "$e" in
	1.8e9x) want='401 "payload: malformed JSON"' ;;
	*) want='401 "exp is not a number in [0, 2^53)"' ;;
	esac
	is "$(http_status) $(desc)" "$want" "exp $e refused"
done
t=$(sign "{\"iss\":\"$ISS\",\"aud\":\"$RES\",\"exp\":${exp}.999999}")
get "$NGINX/mcp" -H "Authorization: Bearer $t"
is "$(http_status) $(app_header x-auth-expires-at)" "200 $exp" "a fractional exp is truncated"

finish
