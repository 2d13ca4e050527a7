#!/bin/sh
# Hostile HTTP clients against serve --http (SPEC §15 limits): thousands
# of idle keep-alive connections, slowloris-style heads trickling in, a
# long pipelined burst.  Meanwhile decisions for others keep flowing and
# mcpauth's memory (VmRSS) stays bounded.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"
RAW="python3 $top/tests/tools/rawhttp.py"
IDLE=2000

"$MINT" keygen p256 "$T/k.pem"
"$MINT" jwks "$T/k.pem,k1" > "$T/jwks.json"
ISS=https://as.example.com
RES=https://mcp.example.com/mcp
printf 'issuer %s jwks=%s\nresource %s\n' "$ISS" "$T/jwks.json" "$RES" > "$T/m.conf"
start_mcpauth m "$T/m.conf" --http "unix:$T/m.http" --threads 2
wait_for test -S "$T/m.http" || { echo "# no HTTP socket"; exit 1; }
tok=$("$MINT" sign "$T/k.pem" ES256 '{"alg":"ES256","kid":"k1"}' \
	"{\"iss\":\"$ISS\",\"aud\":\"$RES\",\"exp\":$(($(date +%s) + 600)),\"sub\":\"alice\"}")
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$PID_m/status"; }
# flow N: N decisions for a well-behaved client; prints their statuses.
flow() {
	i=0
	while [ $i -lt "$1" ]; do
		curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 \
			--unix-socket "$T/m.http" -H "Authorization: Bearer $tok" http://m/auth
		i=$((i + 1))
	done | sort | uniq -c | sed 's/^ *//'
}
is "$(flow 20)" "20 200" "warm-up: 20 decisions"
rss0=$(rss)

# --- thousands of idle keep-alive connections ------------------------------------
printf 'GET /auth HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n' "$tok" > "$T/req"
mkfifo "$T/hold"
$RAW "$T/m.http" idle $IDLE "$T/req" < "$T/hold" > "$T/idle.out" &
IDLE_PID=$!
exec 3> "$T/hold"	# the idle connections stay open until fd 3 closes
wait_for grep -q '^open' "$T/idle.out"
is "$(cat "$T/idle.out")" "open $IDLE" "$IDLE connections answered once and kept idle"
is "$(flow 50)" "50 200" "with $IDLE idle connections open, 50 decisions for another client"
rss1=$(rss)
echo "# VmRSS: $rss0 kB before, $rss1 kB with $IDLE idle connections"
# Each connection may hold its 80 KiB memory pool (src/http.c POOL_SIZE)
# and little else; under AddressSanitizer, its redzones and quarantine
# add to that.
per=88 after=16384
nm -D "$MCPAUTH" 2>/dev/null | grep -q __asan_init && per=128 after=65536
[ $((rss1 - rss0)) -lt $((IDLE * per)) ]
ok $? "memory with $IDLE idle connections: at most $per kB each ($((rss1 - rss0)) kB in all)"
exec 3>&-
wait "$IDLE_PID"

# --- slowloris: heads trickling in one byte a second -------------------------------
$RAW "$T/m.http" slow 200 4 > "$T/slow.out" &
SLOW_PID=$!
wait_for grep -q '^slow' "$T/slow.out"
is "$(flow 30)" "30 200" "with 200 heads trickling in, 30 decisions for another client"
wait "$SLOW_PID"
is "$(tail -n 1 "$T/slow.out")" "closed 0" "the slow clients were not cut off within their 4 s"

# --- a long pipelined burst ------------------------------------------------------------
i=0
: > "$T/burst"
while [ $i -lt 300 ]; do cat "$T/req" >> "$T/burst"; i=$((i + 1)); done
printf 'GET /auth HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >> "$T/burst"
$RAW "$T/m.http" send "$T/burst" > "$T/raw"
is "$(grep -o 'HTTP/1\.1 [0-9]*' "$T/raw" | sort | uniq -c | sed 's/^ *//' | tr '\n' ,)" \
	"300 HTTP/1.1 200,1 HTTP/1.1 401," "301 pipelined requests: 301 answers"

rss2=$(rss)
echo "# VmRSS: $rss2 kB at the end"
[ $((rss2 - rss0)) -lt $after ]
ok $? "memory once they are gone: less than $((after / 1024)) MB above the start ($((rss2 - rss0)) kB)"
is "$(flow 10)" "10 200" "decisions still flow"
stop_mcpauth m
counts=$(http_counts m)
echo "# $counts"
case $counts in
*" requests answered") ok 0 "mcpauth reports its connections and requests ($counts)" ;;
*) ok 1 "mcpauth reports its connections and requests" ;;
esac

finish
