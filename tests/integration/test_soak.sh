#!/bin/sh
# Many concurrent requests while the configuration is reloaded (SIGHUP)
# and the key set is refreshed and changed underneath: every good token
# stays allowed, every unknown kid stays refused.  make tsan runs it under
# ThreadSanitizer.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"

mkdir -p "$T/as"
"$MINT" keygen rsa2048 "$T/k1.pem"
"$MINT" keygen p256 "$T/k2.pem"
"$MINT" keygen rsa2048 "$T/k9.pem"
"$MINT" jwks "$T/k1.pem,k1" "$T/k2.pem,k2" > "$T/both.json"
"$MINT" jwks "$T/k1.pem,k1" "$T/k2.pem,k2" "$T/k9.pem,k3" > "$T/more.json"
cp "$T/both.json" "$T/as/jwks.json"
start_issuer "$T/as"
# A max-age of 1 s: the refresher fetches the set about every second.
issuer_ctl "maxage?path=/jwks.json&seconds=1" > /dev/null
RES=https://mcp.example.com/mcp
# No cache_dir: every reload must carry the key set over by itself.
cat > "$T/m.conf" <<CONF
issuer $ISSUER jwks=$ISSUER/jwks.json
insecure_http on
jwks_min_refresh 1
token_cache_entries 64
resource $RES
CONF
start_mcpauth m "$T/m.conf" --threads 4

# 200 distinct good tokens (RS256 and ES256: more than the cache holds),
# and 50 whose kid the issuer never publishes.
exp=$(($(date +%s) + 600))
i=0
while [ $i -lt 100 ]; do
	for k in k1:RS256 k2:ES256; do
		"$MINT" sign "$T/${k%:*}.pem" "${k#*:}" \
			"{\"alg\":\"${k#*:}\",\"kid\":\"${k%:*}\"}" \
			"{\"iss\":\"$ISSUER\",\"aud\":\"$RES\",\"exp\":$exp,\"sub\":\"u$i\"}"
	done
	i=$((i + 1))
done > "$T/good.txt"
i=0
while [ $i -lt 50 ]; do
	"$MINT" sign "$T/k9.pem" RS256 '{"alg":"RS256","kid":"k9"}' \
		"{\"iss\":\"$ISSUER\",\"aud\":\"$RES\",\"exp\":$exp,\"sub\":\"x$i\"}"
	i=$((i + 1))
done > "$T/unknown.txt"

# rounds NAME TOKENS COUNT CLIENTS: rounds of COUNT requests from CLIENTS
# concurrent clients until $T/stop exists; one result line per round.
rounds() {
	while [ ! -e "$T/stop" ]; do
		"$FCGI_CLIENT" -r authorizer -n "$3" -c "$4" -t "$2" \
			"unix:$T/m.sock" MCPAUTH_RESOURCE=$RES 2>&1 |
			sed 's/ seconds=.*//'
	done > "$T/$1.out"
}
fetches0=$(issuer_ctl "count?path=/jwks.json")
rounds good "$T/good.txt" 400 4 &
good=$!
rounds unknown "$T/unknown.txt" 100 2 &
unknown=$!
# Meanwhile: 8 reloads, and the key set changing between two contents.
for hup in 1 2 3 4 5 6 7 8; do
	sleep 0.3
	kill -HUP "$PID_m"
	if [ $((hup % 2)) -eq 0 ]; then
		cp "$T/more.json" "$T/as/jwks.json"
	else
		cp "$T/both.json" "$T/as/jwks.json"
	fi
done
sleep 0.3
touch "$T/stop"
wait $good $unknown
n=$(wc -l < "$T/good.out")
echo "# $n rounds of 400 good, $(wc -l < "$T/unknown.out") of 100 unknown"
is "$(sort -u "$T/good.out")" "requests=400 ok=400" \
	"rounds of 400 requests from 4 clients with good tokens: all allowed"
is "$(sort -u "$T/unknown.out")" "requests=100 ok=0" \
	"rounds of 100 requests with an unknown kid: all answered, none allowed"
is "$(grep -c "reloaded $T/m.conf" "$T/m.log")" 8 "8 reloads during the run"
[ "$(issuer_ctl "count?path=/jwks.json")" -gt "$fetches0" ]
ok $? "the key set was fetched again during the run"
fcgi m authorizer MCPAUTH_RESOURCE=$RES "HTTP_AUTHORIZATION=Bearer $(head -1 "$T/good.txt")"
is "$(status_of)" 200 "still serving afterwards"
finish
