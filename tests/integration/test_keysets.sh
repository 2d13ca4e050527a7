#!/bin/sh
# Key sets and metadata from a live issuer (SPEC §4 discovery, §9):
# discovery order, issuer match, rotation, the unknown-kid rate limit,
# an issuer that is down or answers garbage, cache_dir for CGI, metadata
# that ages and moves, max-age capped at a day, an identical key set
# keeping the token cache, and the SIGHUP / SIGTERM life cycle (key sets
# carried over, no wait on the network).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"

mkdir -p "$T/as/tenant/.well-known" "$T/cache"
"$MINT" keygen rsa2048 "$T/k1.pem"
"$MINT" keygen rsa2048 "$T/k2.pem"
"$MINT" jwks "$T/k1.pem,k1" > "$T/k1.json"
"$MINT" jwks "$T/k2.pem,k2" > "$T/k2.json"
for f in rot flood down after cgi hup maxage cap same hd mv-old mf-old ma-keys \
	cm-keys sig; do
	cp "$T/k1.json" "$T/as/$f.json"
done
cp "$T/k2.json" "$T/as/mv-new.json"
cp "$T/k2.json" "$T/as/mf-new.json"
start_issuer "$T/as"
RES=https://mcp.example.com/mcp
now=$(date +%s)
token() {	# token KEY KID [SCOPE [ISS]]
	"$MINT" sign "$1" RS256 "{\"alg\":\"RS256\",\"kid\":\"$2\"}" \
		"{\"iss\":\"${4:-$ISSUER}\",\"aud\":\"$RES\",\"exp\":$((now + 600)),\"sub\":\"bob\",\"scope\":\"${3:-read}\"}"
}
t1=$(token "$T/k1.pem" k1)
t2=$(token "$T/k2.pem" k2)
# meta NAME JWKS-NAME: metadata of issuer $ISSUER/NAME at NAME-meta.json.
meta() {
	printf '{"issuer":"%s/%s","jwks_uri":"%s/%s.json"}\n' "$ISSUER" "$1" \
		"$ISSUER" "$2" > "$T/as/$1-meta.json"
}
# mconf NAME [DIRECTIVES...]: a config whose issuer $ISSUER/NAME has its
# metadata at NAME-meta.json.
mconf() {
	n=$1
	shift
	{
		echo "issuer $ISSUER/$n metadata=$ISSUER/$n-meta.json"
		echo "insecure_http on"
		echo "jwks_min_refresh 1"
		echo "resource $RES"
		for d in "$@"; do echo "$d"; done
	} > "$T/$n.conf"
}

# conf NAME JWKS-NAME [DIRECTIVES...]: a config serving one resource.
conf() {
	n=$1 j=$2
	shift 2
	{
		echo "issuer $ISSUER jwks=$ISSUER/$j.json"
		echo "insecure_http on"
		echo "resource $RES"
		for d in "$@"; do echo "$d"; done
	} > "$T/$n.conf"
}
decide() {	# decide NAME TOKEN
	fcgi "$1" responder DOCUMENT_URI=/_auth "HTTP_AUTHORIZATION=Bearer $2"
}
status_is() {	# status_is NAME TOKEN WANT: for wait_for
	decide "$1" "$2"
	[ "$(status_of)" = "$3" ]
}
count() { issuer_ctl "count?path=/$1"; }
count_ge() { [ "$(count "$1")" -ge "$2" ]; }

# --- discovery --------------------------------------------------------------
cat > "$T/as/tenant/.well-known/openid-configuration" <<JSON
{"issuer":"$ISSUER/tenant","jwks_uri":"$ISSUER/rot.json"}
JSON
"$MCPAUTH" discover "$ISSUER/tenant" --insecure-http > "$T/out" 2> "$T/err"
ok $? "type=auto finds metadata of an issuer with a path"
is "$(cat "$T/out")" "$(cat "$T/as/tenant/.well-known/openid-configuration")" \
	"discover prints the document"
is "$(count .well-known/oauth-authorization-server/tenant) $(count .well-known/openid-configuration/tenant) $(count tenant/.well-known/openid-configuration)" \
	"1 1 1" "auto tries RFC 8414 insertion, OIDC insertion, then OIDC appending"
"$MCPAUTH" discover "$ISSUER/tenant" --type oauth --insecure-http > /dev/null 2> "$T/err"
is "$?:$(cat "$T/err")" "1:mcpauth: no usable metadata for issuer $ISSUER/tenant ($ISSUER/.well-known/oauth-authorization-server/tenant: HTTP status 404)" \
	"type=oauth tries only the RFC 8414 form"
"$MCPAUTH" discover "$ISSUER/tenant/" --type oidc --insecure-http > /dev/null 2> "$T/err"
is "$?:$(cat "$T/err")" "1:mcpauth: no usable metadata for issuer $ISSUER/tenant/ ($ISSUER/tenant/.well-known/openid-configuration: issuer is \"$ISSUER/tenant\", expected \"$ISSUER/tenant/\" exactly)" \
	"issuer mismatch (trailing slash) refused"
"$MCPAUTH" discover "$ISSUER/tenant" > /dev/null 2> "$T/err"
case "$(cat "$T/err")" in *"oauth-authorization-server/tenant: only https URLs are fetched (insecure_http is off);"*) r=0 ;; *) r=1 ;; esac
ok $r "plain http refused without --insecure-http"
printf 'issuer %s/tenant\ninsecure_http on\nresource %s\n' "$ISSUER" "$RES" > "$T/disc.conf"
"$MCPAUTH" check-config -c "$T/disc.conf" > "$T/out" 2>&1
is "$?:$(tail -1 "$T/out")" "0:# issuer $ISSUER/tenant: 1 keys usable, 0 skipped" \
	"check-config discovers and fetches the key set"

# An issuer string from a document is escaped in the error.
mkdir -p "$T/as/.well-known/oauth-authorization-server"
printf '{"issuer":"evil\\nmcpauth: forged line","jwks_uri":"%s/rot.json"}' "$ISSUER" \
	> "$T/as/.well-known/oauth-authorization-server/esc"
"$MCPAUTH" discover "$ISSUER/esc" --type oauth --insecure-http > /dev/null 2> "$T/err"
is "$?:$(wc -l < "$T/err"):$(cat "$T/err")" "1:1:mcpauth: no usable metadata for issuer $ISSUER/esc ($ISSUER/.well-known/oauth-authorization-server/esc: issuer is \"evil\\x0amcpauth: forged line\", expected \"$ISSUER/esc\" exactly)" \
	"a newline in a document's issuer is escaped, not a second log line"

# --- metadata that moves: jwks_uri found again (finding 5) -------------------
# Keys moved to a new jwks_uri while the old one still serves the old set.
meta mf mf-old
issuer_ctl "maxage?path=/mf-old.json&seconds=1" > /dev/null
mconf mf
start_mcpauth mf "$T/mf.conf"
decide mf "$(token "$T/k1.pem" k1 read "$ISSUER/mf")"
is "$(status_of)" 200 "jwks_uri that will fail: its key works"
meta mf mf-new
issuer_ctl "mode?path=/mf-old.json&mode=500" > /dev/null
t2mf=$(token "$T/k2.pem" k2 read "$ISSUER/mf")
# From now on mf-old.json is fetched every second and fails; checked below.
meta mv mv-old
mconf mv
start_mcpauth mv "$T/mv.conf"
t1mv=$(token "$T/k1.pem" k1 read "$ISSUER/mv")
t2mv=$(token "$T/k2.pem" k2 read "$ISSUER/mv")
decide mv "$t1mv"
is "$(status_of)" 200 "jwks_uri that moves: the old key works"
meta mv mv-new
wait_for status_is mv "$t2mv" 200
ok $? "jwks_uri moved: the new kid, absent from the old set, made mcpauth discover the metadata again"
grep -q "issuer $ISSUER/mv: jwks_uri is now $ISSUER/mv-new.json" "$T/mv.log"
ok $? "the move is logged"
decide mv "$t1mv"
is "$(status_of)" 401 "a key left behind at the old jwks_uri stops working"
# Metadata with a max-age is discovered again when it runs out.
meta ma ma-keys
issuer_ctl "maxage?path=/ma-meta.json&seconds=1" > /dev/null
mconf ma
start_mcpauth ma "$T/ma.conf"
wait_for count_ge ma-meta.json 3
ok $? "metadata with max-age=1 is fetched again as it ages"
# The old jwks_uri fails repeatedly: the metadata is asked again.
wait_for status_is mf "$t2mf" 200
ok $? "jwks_uri failing three times in a row: metadata discovered again, new keys used"
# With cache_dir, metadata older than its lifetime is not used as it is.
meta cm cm-keys
mkdir -m 700 "$T/cmcache"
mconf cm "cache_dir $T/cmcache"
cgi_cm() {
	env -i GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET "HTTP_AUTHORIZATION=Bearer $1" \
		"$MCPAUTH" -c "$T/cm.conf" < /dev/null 2>> "$T/cm.log" | tr -d '\r' > "$T/out"
	out=$(cat "$T/out")
}
tcm=$(token "$T/k1.pem" k1 read "$ISSUER/cm")
cgi_cm "$tcm"
is "$(status_of) $(count cm-meta.json)" "200 1" "cache_dir: the first run discovers the metadata"
cgi_cm "$tcm"
is "$(status_of) $(count cm-meta.json)" "200 1" "cache_dir: a fresh cached document is used"
touch -d '2 hours ago' "$T/cmcache"/meta-*.json
cgi_cm "$tcm"
is "$(status_of) $(count cm-meta.json)" "200 2" "cache_dir: metadata two hours old is discovered again"

# --- rotation ---------------------------------------------------------------
conf rot rot "jwks_min_refresh 1"
start_mcpauth rot "$T/rot.conf"
decide rot "$t1"
is "$(status_of)" 200 "rotation: old key works"
cp "$T/k2.json" "$T/as/rot.json"
decide rot "$t2"
is "$(status_of) $(header WWW-Authenticate | sed 's/.*error_description=//')" '401 "no key with kid \"k2\""' \
	"rotation: a new kid is refused until the set is fetched"
wait_for status_is rot "$t2" 200
ok $? "rotation: the unknown kid made a refresh; new key accepted"
decide rot "$t1"
is "$(status_of)" 401 "rotation: a key that left the set stops working"

# --- refresh on max-age -------------------------------------------------------
issuer_ctl "maxage?path=/maxage.json&seconds=2" > /dev/null
conf maxage maxage "jwks_min_refresh 1"
start_mcpauth maxage "$T/maxage.conf"
wait_for count_ge maxage.json 3
ok $? "Cache-Control: max-age=2 makes the key set refetched every 2 s"
issuer_ctl "maxage?path=/maxage.json&seconds=-1" > /dev/null

# --- max-age is capped at a day (finding 9) ------------------------------------
issuer_ctl "maxage?path=/cap.json&seconds=172800" > /dev/null
conf cap cap
start_mcpauth cap "$T/cap.conf"
grep -q "issuer $ISSUER: key set from $ISSUER/cap.json installed; next refresh in 86400 s" "$T/cap.log"
ok $? "max-age of two days: refreshed after one day"

# --- an identical key set keeps the token cache -----------------------------------
issuer_ctl "maxage?path=/same.json&seconds=1" > /dev/null
conf same same "jwks_min_refresh 1"
start_mcpauth same "$T/same.conf"
decide same "$t1"
decide same "$t1"
is "$(grep -c 'decision status=200 .* cache=hit ' "$T/same.log")" 1 "token cache: a repeat is a hit"
n=$(count same.json)
wait_for count_ge same.json $((n + 1))
wait_for grep -q "key set from $ISSUER/same.json unchanged" "$T/same.log"
ok $? "the key set was fetched again, unchanged"
decide same "$t1"
is "$(grep 'decision status=200' "$T/same.log" | tail -1 | sed 's/.* cache=\([^ ]*\) .*/\1/')" hit \
	"an identical key set does not flush the token cache"
issuer_ctl "maxage?path=/same.json&seconds=-1" > /dev/null

# --- a flood of unknown kids --------------------------------------------------
conf flood flood
start_mcpauth flood "$T/flood.conf"
i=0
while [ $i -lt 200 ]; do
	"$FCGI_CLIENT" "unix:$T/flood.sock" DOCUMENT_URI=/_auth \
		"HTTP_AUTHORIZATION=Bearer $(token "$T/k1.pem" "rnd$i$$")" > /dev/null
	i=$((i + 1))
done
sleep 2	# two refresher ticks
is "$(count flood.json)" 1 "200 unknown kids within 60 s: no fetch beyond the first"
decide flood "$t1"
is "$(status_of)" 200 "flood: known keys still work"

# --- issuer down at start, then up ------------------------------------------
issuer_ctl "mode?path=/down.json&mode=500" > /dev/null
conf down down
start_mcpauth down "$T/down.conf"
decide down "$t1"
is "$(status_of) $(body)" "500 {\"error\":\"server_error\",\"error_description\":\"no key set could be obtained for issuer $ISSUER\"}" \
	"issuer down at start: 500, never a 2xx"
grep -q "key set fetch failed, keeping the last good one: $ISSUER/down.json: HTTP status 500" "$T/down.log"
ok $? "issuer down at start: logged"
issuer_ctl "mode?path=/down.json&mode=ok" > /dev/null
wait_for status_is down "$t1" 200
ok $? "issuer back: retried with backoff, now 200"

# --- issuer down or broken after start ----------------------------------------
conf after after "jwks_min_refresh 1"
start_mcpauth after "$T/after.conf"
decide after "$t1"
is "$(status_of)" 200 "after start: known key works"
n=1
for mode in 500 garbage big close; do
	issuer_ctl "mode?path=/after.json&mode=$mode" > /dev/null
	sleep 1.1	# let jwks_min_refresh pass
	decide after "$(token "$T/k1.pem" "unknown-$mode")"
	n=$((n + 1))
	wait_for count_ge after.json $n
	ok $? "issuer answers $mode: the unknown kid made a fetch"
	decide after "$t1"
	is "$(status_of)" 200 "issuer answers $mode: the last good key set keeps serving"
done
grep -q "after.json: larger than 262144 bytes" "$T/after.log"
ok $? "a 10 MB key set is refused at the size cap"
grep -q "key set: malformed JSON; keeping the last good one" "$T/after.log"
ok $? "a garbage key set is logged and ignored"

# --- CGI with cache_dir -------------------------------------------------------
conf cgi cgi "cache_dir $T/cache"
cgi() {
	env -i GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET "HTTP_AUTHORIZATION=Bearer $1" \
		"$MCPAUTH" -c "$T/cgi.conf" < /dev/null 2> "$T/cgi.log" | tr -d '\r' > "$T/out"
	out=$(cat "$T/out")
}
cgi "$t1"
is "$(status_of) $(header X-Auth-Subject)" "200 bob" "CGI: one request answered"
is "$(count cgi.json)" 1 "CGI: first run fetched the key set"
issuer_ctl "mode?path=/cgi.json&mode=500" > /dev/null
cgi "$t1"
is "$(status_of) $(count cgi.json)" "200 1" "CGI: second run starts warm from cache_dir, no fetch"
ls "$T/cache" | grep -q '^jwks-[0-9a-f]*\.json$'
ok $? "cache_dir holds the key set"

# --- SIGHUP and SIGTERM ---------------------------------------------------------
conf hup hup "required_scopes read"
start_mcpauth hup "$T/hup.conf"
decide hup "$t1"
is "$(status_of)" 200 "before SIGHUP: scope read suffices"
conf hup hup "required_scopes write"
kill -HUP "$PID_hup"
wait_for status_is hup "$t1" 403
ok $? "after SIGHUP: the new required_scopes apply"
echo "bogus directive" >> "$T/hup.conf"
kill -HUP "$PID_hup"
wait_for grep -q "reload failed, keeping the running configuration: $T/hup.conf:5: unknown directive \"bogus\"" "$T/hup.log"
ok $? "a broken config on SIGHUP is logged"
decide hup "$t1"
is "$(status_of)" 403 "a broken config on SIGHUP keeps the old one serving"
kill -TERM "$PID_hup"
wait "$PID_hup"
is "$?" 0 "SIGTERM: exit status 0"
tail -1 "$T/hup.log" | grep -q "mcpauth: stopped"
ok $? "SIGTERM: every thread finished"

# SIGHUP while the issuer is down keeps the key sets (finding 6).
conf hd hd
start_mcpauth hd "$T/hd.conf"
decide hd "$t1"
is "$(status_of)" 200 "before the issuer goes down: 200"
issuer_ctl "mode?path=/hd.json&mode=500" > /dev/null
conf hd hd "leeway 30"
kill -HUP "$PID_hd"
wait_for grep -q "reloaded $T/hd.conf" "$T/hd.log"
decide hd "$t1"
is "$(status_of)" 200 "SIGHUP with the issuer down: the key set is carried over, 200"
conf hd hd-moved
issuer_ctl "mode?path=/hd-moved.json&mode=500" > /dev/null
kill -HUP "$PID_hd"
wait_for sh -c "[ \$(grep -c 'reloaded $T/hd.conf' '$T/hd.log') -eq 2 ]"
decide hd "$t1"
is "$(status_of)" 500 "an issuer whose jwks= changed starts empty: 500 until fetched"

# SIGHUP never waits on the network; SIGTERM follows at once.
conf sig sig "required_scopes read"
start_mcpauth sig "$T/sig.conf"
decide sig "$t1"
is "$(status_of)" 200 "before SIGHUP: 200"
for i in 1 2 3 4; do
	issuer_ctl "mode?path=/hang$i.json&mode=hang" > /dev/null
done
conf sig sig "required_scopes write" \
	"issuer $ISSUER/h1 metadata=$ISSUER/hang1.json" \
	"issuer $ISSUER/h2 metadata=$ISSUER/hang2.json" \
	"issuer $ISSUER/h3 metadata=$ISSUER/hang3.json" \
	"issuer $ISSUER/h4 metadata=$ISSUER/hang4.json"
kill -HUP "$PID_sig"
wait_for count_ge hang1.json 1	# a fetch of a new issuer hangs now
decide sig "$t1"
is "$(status_of)" 403 "SIGHUP adding issuers that hang: the new configuration already applies"
kill -TERM "$PID_sig"
wait_for sh -c "! kill -0 $PID_sig"
ok $? "SIGTERM during a hanging fetch: the process exits without waiting for it"
wait "$PID_sig"
is "$?" 0 "and exits with status 0"

finish
