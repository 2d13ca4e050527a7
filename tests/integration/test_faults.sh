#!/bin/sh
# Faults: an issuer that hangs, a broken cache_dir, a key set planted in
# cache_dir by someone else, and a child killed under load behind nginx.
# Never fail open, never stop answering.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"

mkdir -p "$T/as"
"$MINT" keygen rsa2048 "$T/k.pem"
"$MINT" jwks "$T/k.pem,k1" > "$T/as/jwks.json"
start_issuer "$T/as"
RES=https://mcp.example.com/mcp
exp=$(($(date +%s) + 600))
token() {
	"$MINT" sign "$T/k.pem" RS256 "{\"alg\":\"RS256\",\"kid\":\"$1\"}" \
		"{\"iss\":\"$ISSUER\",\"aud\":\"$RES\",\"exp\":$exp,\"sub\":\"erin\"}"
}
good=$(token k1)
decide() { fcgi "$1" responder DOCUMENT_URI=/_auth "HTTP_AUTHORIZATION=Bearer $2"; }
count() { issuer_ctl "count?path=/jwks.json"; }
count_ge() { [ "$(count)" -ge "$1" ]; }

# --- the issuer hangs ---------------------------------------------------------
printf 'issuer %s jwks=%s/jwks.json\ninsecure_http on\njwks_min_refresh 1\nresource %s\n' \
	"$ISSUER" "$ISSUER" "$RES" > "$T/h.conf"
start_mcpauth h "$T/h.conf"
decide h "$good"
is "$(status_of)" 200 "before the hang: 200"
issuer_ctl "mode?path=/jwks.json&mode=hang" > /dev/null
sleep 1.1
n=$(count)
decide h "$(token unknown-1)"
is "$(status_of)" 401 "an unknown kid is refused at once, not held for the fetch"
wait_for count_ge $((n + 1))
ok $? "the unknown kid started a fetch, which now hangs"
i=0
while [ $i -lt 20 ]; do
	decide h "$good"
	[ "$(status_of)" = 200 ] || break
	i=$((i + 1))
done
is "$i" 20 "while the fetch hangs, 20 requests with a known key get 200"
wait_for grep -q "key set fetch failed, keeping the last good one: $ISSUER/jwks.json: Timeout was reached" "$T/h.log"
ok $? "the hung fetch ends at the fetch timeout and is logged"
decide h "$good"
is "$(status_of)" 200 "after the timeout the old keys still serve"
issuer_ctl "mode?path=/jwks.json&mode=ok" > /dev/null

# --- cache_dir: corrupt, missing, not a directory -------------------------------
mkdir -p "$T/cache"
printf 'issuer %s jwks=%s/jwks.json\ninsecure_http on\ncache_dir %s\nresource %s\n' \
	"$ISSUER" "$ISSUER" "$T/cache" "$RES" > "$T/c.conf"
cgi() {	# cgi CONF [TOKEN]
	env -i GATEWAY_INTERFACE=CGI/1.1 "HTTP_AUTHORIZATION=Bearer ${2:-$good}" \
		"$MCPAUTH" -c "$1" < /dev/null 2> "$T/cgi.log" | tr -d '\r' > "$T/out"
	out=$(cat "$T/out")
}
cgi "$T/c.conf"
is "$(status_of)" 200 "CGI with an empty cache_dir: fetched, 200"
f=$(ls "$T/cache"/jwks-*.json)
echo "not json {{{" > "$f"
cgi "$T/c.conf"
is "$(status_of)" 200 "a corrupt cached key set: ignored, fetched again, 200"
grep -q "cache_dir: ignoring cached key set of $ISSUER: key set: malformed JSON" "$T/cgi.log"
ok $? "the corrupt cache file is logged"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$f"
ok $? "and replaced by the good key set"
sed "s|cache_dir .*|cache_dir $T/missing/dir|" "$T/c.conf" > "$T/m.conf"
cgi "$T/m.conf"
is "$(status_of)" 200 "a missing cache_dir: 200 all the same"
grep -q "cache_dir $T/missing/dir: not used: No such file or directory" "$T/cgi.log"
ok $? "a missing cache_dir is logged"
: > "$T/file"
sed "s|cache_dir .*|cache_dir $T/file|" "$T/c.conf" > "$T/f.conf"
cgi "$T/f.conf"
is "$(status_of)" 200 "a cache_dir that is a file: 200 all the same"
grep -q "cache_dir $T/file: not used: Not a directory" "$T/cgi.log"
ok $? "an unusable cache_dir is logged"

# --- cache_dir: a key set planted by someone else is never used (finding 4) ---
"$MINT" keygen p256 "$T/evil.pem"
"$MINT" jwks "$T/evil.pem,evil" > "$T/evil.json"
evil=$("$MINT" sign "$T/evil.pem" ES256 '{"alg":"ES256","kid":"evil"}' \
	"{\"iss\":\"$ISSUER\",\"aud\":\"$RES\",\"exp\":$exp,\"sub\":\"mallory\"}")
mkdir -m 700 "$T/pc"
sed "s|cache_dir .*|cache_dir $T/pc|" "$T/c.conf" > "$T/pc.conf"
cgi "$T/pc.conf"
is "$(status_of)" 200 "planted: the cache is filled while the issuer is up"
f=$(ls "$T/pc"/jwks-*.json)
is "$(stat -c '%a %U' "$f") $(ls -A "$T/pc" | grep -vc '^jwks-')" "600 root 0" \
	"a cached key set is written whole, mode 0600, no temporary file left"
issuer_ctl "mode?path=/jwks.json&mode=500" > /dev/null
plant() {	# plant: the attacker's key set in place of the cached one
	rm -f "$f"
	cp "$T/evil.json" "$f"
	chmod 600 "$f"
}
plant
cgi "$T/pc.conf" "$evil"
is "$(status_of)" 200 "control: a set this user wrote is trusted, so a planted one would be"
for mode in 770 777; do
	chmod $mode "$T/pc"
	cgi "$T/pc.conf" "$evil"
	is "$(status_of)" 500 "planted in a cache_dir of mode $mode, issuer down: 500, not 200"
	grep -q "cache_dir $T/pc: not used: writable by group or others" "$T/cgi.log"
	ok $? "mode $mode: the log says why"
done
chmod 700 "$T/pc"
chown nobody "$f"
cgi "$T/pc.conf" "$evil"
is "$(status_of)" 500 "planted by another user (file owned by nobody): 500, not 200"
grep -q "cache_dir: ignoring $f: not owned by the effective user" "$T/cgi.log"
ok $? "another owner: the log says why"
plant
chmod 666 "$f"
cgi "$T/pc.conf" "$evil"
is "$(status_of)" 500 "a cached file writable by others: 500, not 200"
grep -q "cache_dir: ignoring $f: writable by group or others" "$T/cgi.log"
ok $? "a writable file: the log says why"
rm -f "$f"
ln -s "$T/evil.json" "$f"
cgi "$T/pc.conf" "$evil"
is "$(status_of)" 500 "a symbolic link in cache_dir: 500, not 200"
grep -q "cache_dir: ignoring $f: a symbolic link" "$T/cgi.log"
ok $? "a symbolic link: the log says why"
issuer_ctl "mode?path=/jwks.json&mode=ok" > /dev/null

# --- a child killed under load, behind nginx -------------------------------------
printf 'issuer %s jwks=%s/jwks.json\ninsecure_http on\nresource %s\n' \
	"$ISSUER" "$ISSUER" "$RES" > "$T/s.conf"
chmod -R a+rX "$T"
spawn-fcgi -s "$T/s.sock" -F 2 -u nobody -g nogroup -- \
	"$MCPAUTH" serve -c "$T/s.conf" > /dev/null 2>&1
wait_for test -S "$T/s.sock"
kids=$(pgrep -f "$MCPAUTH serve -c $T/s.conf" | tr '\n' ' ')
PIDS="$PIDS $kids"
is "$(echo $kids | wc -w)" 2 "spawn-fcgi -F 2: two children"
start_app
start_nginx "$T/s.sock"
load() {	# load N: N requests through nginx; prints "200s others"
	i=0 good200=0 other=0
	while [ $i -lt "$1" ]; do
		c=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $good" "$NGINX/mcp")
		if [ "$c" = 200 ]; then good200=$((good200 + 1)); else other=$((other + 1)); fi
		i=$((i + 1))
	done
	echo "$good200 $other"
}
is "$(load 50)" "50 0" "50 requests through both children: all 200"
kill -KILL $(echo $kids | cut -d' ' -f1)
is "$(load 50)" "50 0" "after one child is killed, the other answers every request"
kill -KILL $(echo $kids | cut -d' ' -f2)
r=$(load 5)
is "$r" "0 5" "with no child left, nginx refuses (500), never lets a request through"
grep -q "auth request unexpected status: 502\|connect() to unix:$T/s.sock failed" "$T/nginx/error.log"
ok $? "nginx logs why"

finish
