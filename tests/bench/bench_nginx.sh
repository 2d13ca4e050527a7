#!/bin/bash
# bench_nginx.sh: mcpauth end to end behind nginx auth_request, against the
# floors nginx itself sets, all on loopback on this machine.
#
#   tests/bench/bench_nginx.sh
#
# Setups, each its own nginx (worker_processes 1) written by
# scripts/local-nginx.sh from the shipped fcgi-conf/nginx files, so every
# setup has the same /mcp location (auth_request, the eight
# auth_request_set, the proxy_set_header lines, proxy_pass with keepalive)
# and the same app:
#   a    absolute floor: the auth location is `internal; return 204;`
#        (`return 401;` for workloads mcpauth refuses), nothing else changed
#   t    transport floor: the shipped auth location (mcpauth-fastcgi.conf)
#        talking to noop_responder (tests/bench/noop_responder.c: libfcgi,
#        2 threads each in an FCGX_Accept_r loop, a bare "Status: 200 OK",
#        or "Status: 401" for refusal workloads) over a unix socket; it
#        closes as mcpauth does on a unix socket (FCGX_Detach, no close
#        handshake); NOOP_HANDSHAKE=1 gives it libfcgi's own close instead
#   m    mcpauth serve --threads 2 on a unix socket, the shipped config
#   mc   the same with the documented decision cache (local-nginx.sh cache)
#   th   HTTP transport floor: the shipped HTTP recipe (mcpauth-http.conf,
#        auth locations via mcpauth-http-auth.conf: HEAD, HTTP/1.1,
#        keepalive) talking to http_null (tests/bench/http_null.c:
#        libmicrohttpd as mcpauth uses it, 2 threads, a bare 200, or 401
#        for refusal workloads) over a unix socket
#   h    mcpauth serve --http on a unix socket (the same mcpauth process
#        as m), behind mcpauth-http.conf
# The app: a `return 200 "ok"` server block on APP_PORT added to the same
# nginx (one line, `include app.conf;`, appended to the generated
# nginx.conf; the generated site config is untouched).  All setups pay
# the same app cost, in the same single worker; refusals (401) never
# reach the app, in the floors as with mcpauth.
#
# Workloads (wrk -t1 -c32, tests/bench/tokens.lua, GET /mcp):
#   rep     one valid RS256 token, repeated
#   rs10k   10,000 distinct valid RS256 tokens, round-robin
#   es10k   10,000 distinct valid ES256 tokens, round-robin
#   badsig  one RS256 token signed by the wrong key (same kid): refused
#   none    no Authorization header: refused
# The floors are run for every workload, with that workload's requests
# (the same header sizes), answering 204/200 for the allow workloads and
# 401 for the refusal ones.
# mcpauth runs with token_cache_entries $TOKEN_CACHE (default 1000): its
# cache is direct-mapped, so 10,000 tokens round-robin through 1000 slots
# miss nearly always and rs10k/es10k measure fresh signature checks; the
# hit% column shows what happened.
#
# Every round runs every workload on every setup, the setup order rotated
# from round to round (A and B interleaved); medians over ROUNDS rounds.
# mcpauth's CPU per request comes from /proc/PID/stat utime+stime (clock
# ticks) over each run, divided by wrk's request count (per client
# request); for mc also per decision mcpauth actually made (its log lines).
# Targets are printed, never enforced.
#
# Tunables (environment): DUR (4 s per run), ROUNDS (3), CONNS (32),
# DISTINCT (10000), TOKEN_CACHE (1000), THREADS (2), NOOP_HANDSHAKE (0),
# BASE_PORT (18400: nginx on BASE+1..6, the apps on BASE+51..56), KEEP=1
# keeps the work directory, PROFILE=1 adds (PROFILE=only runs just) a perf
# and strace profile of mcpauth during (m) runs of PDUR (4) seconds.
set -eu

DUR=${DUR:-4}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-32}
DISTINCT=${DISTINCT:-10000}
TOKEN_CACHE=${TOKEN_CACHE:-1000}
THREADS=${THREADS:-2}
HZ=$(getconf CLK_TCK)
BASE=${BASE_PORT:-18400}

T=$(mktemp -d /tmp/bench_nginx.XXXXXX)
PIDS=""
cleanup() {
	trap - EXIT INT TERM
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

BENCH=bench_nginx
. "$(dirname "$0")/common.sh"

# --- machine -------------------------------------------------------------------
echo "bench_nginx: mcpauth behind nginx auth_request, end to end"
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sort | uniq -c |
	sed 's/^ *//' | paste -sd';'), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "software: $(nginx -v 2>&1 | sed 's/.*: //'), $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)," \
	"$(openssl version | cut -d' ' -f1-2), $(uname -sr)"
b0=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' /proc/stat)
sleep 1
busy_pct=$(awk -v b0="$b0" '/^cpu / { split(b0, a, " ")
	b = $2 + $3 + $4 + $7 + $8 + $9 - a[1]; i = $5 + $6 - a[2]
	printf "%.0f", 100 * b / (b + i) }' /proc/stat)
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); machine busy before start: ${busy_pct}%"
echo "runs: wrk -t1 -c$CONNS -d${DUR}s, $ROUNDS rounds interleaved, medians;" \
	"nginx worker_processes 1; mcpauth --threads $THREADS, token_cache_entries $TOKEN_CACHE;" \
	"noop_responder close: $([ "${NOOP_HANDSHAKE:-0}" = 1 ] && echo "libfcgi handshake" || echo "detached, as mcpauth")"
echo

command -v nginx >/dev/null || die "nginx not installed"
command -v wrk >/dev/null || die "wrk not installed"

bench_build noop_responder
# The HTTP floor is a libmicrohttpd program.
# shellcheck disable=SC2046
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -g -Wall -Wextra -pthread \
	-o build/http_null tests/bench/http_null.c \
	$(pkg-config --cflags --libs libmicrohttpd) -lpthread
HNULL=$top/build/http_null
NOOP=$top/build/noop_responder
LUA=$top/tests/bench/tokens.lua

# --- keys and tokens --------------------------------------------------------------
say "keys and tokens"
bench_keys
"$MINT" keygen rsa2048 "$T/wrong.pem"
many "$T/rs.txt" "$T/k1.pem" RS256 k1 "$DISTINCT" 2
many "$T/es.txt" "$T/k2.pem" ES256 k2 "$DISTINCT" 2
head -n 1 "$T/rs.txt" > "$T/one.txt"
# shellcheck disable=SC2059  # the payload template is the format
"$MINT" sign "$T/wrong.pem" RS256 '{"alg":"RS256","typ":"at+jwt","kid":"k1"}' \
	"$(printf "$payload" 0 0)" > "$T/bad.txt"

bench_raw_verify 1

# --- mcpauth and the noop responders ---------------------------------------------------
bench_conf "$T/mcpauth.conf" "$TOKEN_CACHE"
"$MCPAUTH" verify -c "$T/mcpauth.conf" < "$T/one.txt" > /dev/null ||
	die "mcpauth verify refuses the benchmark token"
"$MCPAUTH" verify -c "$T/mcpauth.conf" < "$T/bad.txt" > /dev/null 2>&1 &&
	die "mcpauth verify accepts the bad-signature token"

MLOG=$T/mcpauth.log
: > "$MLOG"
# O_APPEND: the log can be emptied between runs while mcpauth writes on.
# shellcheck disable=SC2086
"$MCPAUTH" serve -c "$T/mcpauth.conf" --listen "unix:$T/mcpauth.sock" \
	--http "unix:$T/mcpauth.http" --threads "$THREADS" $ROOTOPT 2>> "$MLOG" &
MPID=$!
PIDS="$PIDS $MPID"
wait_sock "$T/mcpauth.sock" "$MPID" "$MLOG"
wait_sock "$T/mcpauth.http" "$MPID" "$MLOG"
"$HNULL" "$T/hnull200.sock" "$THREADS" 200 2> "$T/hnull200.log" &
H200=$!
PIDS="$PIDS $H200"
"$HNULL" "$T/hnull401.sock" "$THREADS" 401 2> "$T/hnull401.log" &
H401=$!
PIDS="$PIDS $H401"
wait_sock "$T/hnull200.sock" "$H200" "$T/hnull200.log"
wait_sock "$T/hnull401.sock" "$H401" "$T/hnull401.log"
HS=""
[ "${NOOP_HANDSHAKE:-0}" = 1 ] && HS=handshake
# shellcheck disable=SC2086
"$NOOP" "$T/noop200.sock" "$THREADS" 200 $HS 2> "$T/noop200.log" &
N200=$!
PIDS="$PIDS $N200"
# shellcheck disable=SC2086
"$NOOP" "$T/noop401.sock" "$THREADS" 401 $HS 2> "$T/noop401.log" &
N401=$!
PIDS="$PIDS $N401"
wait_sock "$T/noop200.sock" "$N200" "$T/noop200.log"
wait_sock "$T/noop401.sock" "$N401" "$T/noop401.log"

# --- nginx instances ------------------------------------------------------------------
# make_nginx NAME SOCKET INDEX [cache] [AUTH_RETURN] [http]: an nginx from
# local-nginx.sh in $T/NAME on port BASE+INDEX, its app on BASE+50+INDEX;
# with AUTH_RETURN the auth locations answer that status themselves; with
# http, the HTTP recipe (mcpauth-http.conf) to SOCKET.
declare -A PORT MASTER
make_nginx() {
	local name=$1 sock=$2 i=$3 cache=${4:-} ret=${5:-} http=${6:-} dir=$T/$1
	local port=$((BASE + i)) app=$((BASE + 50 + i))
	sh scripts/local-nginx.sh "$dir" "$sock" "$app" "$port" "$cache" $http
	if [ -n "$ret" ]; then
		sed -i "s|^\( *\)include $dir/mcpauth-fastcgi.conf;|\1internal; return $ret;|" \
			"$dir/site.conf"
		grep -q "return $ret;" "$dir/site.conf" || die "$name: no auth location to replace"
	fi
	cat > "$dir/app.conf" <<APP
# The app behind /mcp, the same for every setup.
server {
    listen 127.0.0.1:$app;
    location / { default_type text/plain; return 200 "ok\n"; }
}
APP
	sed -i "s|^\( *\)include $dir/site.conf;|&\n\1include $dir/app.conf;|" "$dir/nginx.conf"
	grep -q "app.conf" "$dir/nginx.conf" || die "$name: cannot add the app"
	nginx -p "$dir" -c "$dir/nginx.conf" -t > "$dir/t.log" 2>&1 ||
		{ cat "$dir/t.log" >&2; die "$name: bad nginx config"; }
	nginx -p "$dir" -c "$dir/nginx.conf" 2> "$dir/stderr.log" &
	MASTER[$name]=$!
	PIDS="$PIDS $!"
	PORT[$name]=$port
}
make_nginx a200 "$T/none.sock" 1 "" 204
make_nginx a401 "$T/none.sock" 2 "" 401
make_nginx t200 "$T/noop200.sock" 3
make_nginx t401 "$T/noop401.sock" 4
make_nginx m "$T/mcpauth.sock" 5
make_nginx mc "$T/mcpauth.sock" 6 cache
make_nginx th200 "$T/hnull200.sock" 7 "" "" http
make_nginx th401 "$T/hnull401.sock" 8 "" "" http
make_nginx h "$T/mcpauth.http" 9 "" "" http

# probe NAME TOKFILE EXPECT: one request through curl answers EXPECT.
probe() {
	local hdr=() code
	[ "$2" != - ] && hdr=(-H "Authorization: Bearer $(cat "$2")")
	for _ in $(seq 50); do
		code=$(curl -s -o /dev/null -w '%{http_code}' "${hdr[@]}" \
			"http://127.0.0.1:${PORT[$1]}/mcp" || true)
		[ "$code" != 000 ] && break
		sleep 0.1
	done
	[ "$code" = "$3" ] || { tail -n 5 "$T/$1/error.log" >&2; die "$1: got $code, expected $3"; }
}
for s in a200 t200 m mc th200 h; do probe "$s" "$T/one.txt" 200; done
probe m "$T/bad.txt" 401
probe m - 401
probe h "$T/bad.txt" 401
probe h - 401
probe th401 - 401
probe a401 - 401
probe t401 - 401

worker_of() {	# the worker of nginx master $1
	ps --ppid "$1" -o pid=,args= | awk '/worker process/ { print $1; exit }'
}
declare -A WORKER
for s in "${!MASTER[@]}"; do
	WORKER[$s]=$(worker_of "${MASTER[$s]}")
	[ -n "${WORKER[$s]}" ] || die "$s: no nginx worker"
done

ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
# Busy and idle clock ticks of the whole machine.
machine() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' /proc/stat; }
# CPU of this shell's finished children (wrk), in clock ticks.
child_ticks() {	# sets CT; `times` must run in this shell, not a subshell
	times > "$T/times"
	CT=$(tail -n 1 "$T/times" | awk -v hz="$HZ" '{ t = 0
		for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] }
		printf "%.0f", t * hz }')
}

# --- runs ------------------------------------------------------------------------------
# Workload table: name, token file, the floors' status class.
WL="rep:$T/one.txt:200 rs10k:$T/rs.txt:200 es10k:$T/es.txt:200 badsig:$T/bad.txt:401 none:-:401"
SETUPS="a t m mc th h"
ROWS=$T/rows
: > "$ROWS"

# run SETUP WORKLOAD TOKFILE CLASS ROUND [warm]: one wrk run; appends
# setup workload round req/s p99_us requests non2xx errors srv_us ngx_us
# decisions hits to $ROWS (srv_us: CPU of mcpauth or of the noop
# responder per client request; decisions/hits: mcpauth's log lines).
run() {
	local setup=$1 wl=$2 file=$3 class=$4 round=$5 warm=${6:-} inst srv out
	local d=$DUR s0 s1 w0 w1 dec=- hits=-
	case $setup in
	a) inst=a$class srv="" ;;
	t) inst=t$class; [ "$class" = 200 ] && srv=$N200 || srv=$N401 ;;
	th) inst=th$class; [ "$class" = 200 ] && srv=$H200 || srv=$H401 ;;
	*) inst=$setup srv=$MPID ;;
	esac
	[ -n "$warm" ] && d=1
	: > "$MLOG"
	s0=0; [ -n "$srv" ] && s0=$(ticks "$srv")
	w0=$(ticks "${WORKER[$inst]}")
	child_ticks; c0=$CT
	read -r b0 i0 < <(machine)
	out=$(wrk -t1 -c"$CONNS" -d"${d}s" -s "$LUA" \
		"http://127.0.0.1:${PORT[$inst]}/mcp" -- "$file" /mcp 2>&1) ||
		die "wrk failed: $out"
	read -r b1 i1 < <(machine)
	w1=$(ticks "${WORKER[$inst]}")
	s1=0; [ -n "$srv" ] && s1=$(ticks "$srv")
	child_ticks; c1=$CT
	[ -n "$warm" ] && return 0
	line=$(echo "$out" | grep '^RESULT') || die "no wrk result: $out"
	if [ "$srv" = "$MPID" ]; then
		dec=$(grep -c 'decision status=' "$MLOG" || true)
		hits=$(grep -c 'cache=hit' "$MLOG" || true)
	fi
	echo "$line" | awk -v s="$setup" -v w="$wl" -v r="$round" -v ds="$((s1 - s0))" \
		-v dw="$((w1 - w0))" -v hz="$HZ" -v dec="$dec" -v hits="$hits" \
		-v db="$((b1 - b0))" -v di="$((i1 - i0))" -v dc="$((c1 - c0))" '{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		n = v["requests"]
		# other: machine CPU used by none of wrk, the nginx worker and
		# the responder (kernel threads, other tenants), % of the machine
		other = (db - ds - dw - dc) / (db + di) * 100
		printf "%s %s %s %.0f %d %d %d %d %.2f %.2f %s %s %.0f %.0f\n", s, w, r,
		    n / (v["duration_us"] / 1e6), v["p99_us"], n, v["non2xx"],
		    v["errors"], ds * 1e6 / hz / n, dw * 1e6 / hz / n, dec, hits,
		    100 * di / (db + di), other < 0 ? 0 : other
	}' >> "$ROWS"
	say "$(tail -n 1 "$ROWS")"
}

if [ "${PROFILE:-}" != only ]; then
say "warm-up"
for w in $WL; do
	IFS=: read -r name file class <<< "$w"
	for s in $SETUPS; do run "$s" "$name" "$file" "$class" 0 warm; done
done
say "measuring: $ROUNDS rounds x 5 workloads x 6 setups x ${DUR}s"
say "columns: setup workload round req/s p99_us requests non2xx errors srv_us ngx_us decisions hits idle% other%"
for r in $(seq "$ROUNDS"); do
	# Rotate the setup order every round.
	# shellcheck disable=SC2086
	set -- $SETUPS
	for _ in $(seq $(((r - 1) % 6))); do set -- "$@" "$1"; shift; done
	order="$*"
	for w in $WL; do
		IFS=: read -r name file class <<< "$w"
		for s in $order; do run "$s" "$name" "$file" "$class" "$r"; done
	done
done

# --- report --------------------------------------------------------------------------
echo
awk -v raw_rs="$raw_rs" -v raw_es="$raw_es" -v speed="$speed_rs" '
function median(a, n,    i, j, t, b) {
	for (i = 1; i <= n; i++) b[i] = a[i]
	for (i = 2; i <= n; i++) { t = b[i]; for (j = i - 1; j >= 1 && b[j] > t; j--) b[j + 1] = b[j]; b[j + 1] = t }
	return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
}
function med(s, w, f,    r, a, n) {
	n = 0
	for (r = 1; r <= R; r++) if ((s, w, r) in val) { split(val[s, w, r], x, " "); a[++n] = x[f] }
	return n ? median(a, n) : "nan"
}
function ratio(s1, s2, w,    r, a, n, x, y, lo, hi) {
	n = 0; lo = 1e9; hi = 0
	for (r = 1; r <= R; r++) {
		split(val[s1, w, r], x, " "); split(val[s2, w, r], y, " ")
		a[++n] = x[4] / y[4]
		if (a[n] < lo) lo = a[n]; if (a[n] > hi) hi = a[n]
	}
	RLO = lo; RHI = hi
	return median(a, n)
}
function verdict(ok) { return ok ? "MET" : "MISSED" }
{
	val[$1, $2, $3] = $0
	if ($3 > R) R = $3
	# allow workloads must be all 2xx, refusals all non-2xx; no socket errors
	want = ($2 == "badsig" || $2 == "none") ? $6 : 0
	if ($7 != want || $8 != 0) bad[$1, $2] = bad[$1, $2] sprintf(" r%d:non2xx=%d,err=%d", $3, $7, $8)
}
END {
	ns = split("a t m mc th h", S, " "); nw = split("rep rs10k es10k badsig none", W, " ")
	fmt = "%-7s %-4s %9s %8s %9s %8s %9s %6s %6s\n"
	printf fmt, "load", "setup", "req/s", "p99_ms", "srv_us/r", "ngx_us/r", "dec_us", "hit%", "oth%"
	printf fmt, "----", "-----", "-----", "------", "--------", "--------", "------", "----", "----"
	for (i = 1; i <= nw; i++) {
		w = W[i]
		for (j = 1; j <= ns; j++) {
			s = S[j]
			rps = med(s, w, 4); p99 = med(s, w, 5) / 1000
			srv = (s == "a") ? "-" : sprintf("%.2f", med(s, w, 9))
			ngx = sprintf("%.2f", med(s, w, 10))
			dec = "-"; hit = "-"
			if (s == "m" || s == "mc" || s == "h") {
				# CPU per decision mcpauth made (mc: fewer than requests)
				n = 0
				for (r = 1; r <= R; r++) {
					split(val[s, w, r], x, " ")
					if (x[11] > 0) { a2[++n] = x[9] * x[6] / x[11] }
					h[r] = x[11] > 0 ? 100 * x[12] / x[11] : 0
					dd[r] = x[6] > 0 ? 100 * x[11] / x[6] : 0
				}
				dec = n ? sprintf("%.2f", median(a2, n)) : "-"
				hit = sprintf("%.0f", median(h, R))
				decshare[s, w] = median(dd, R)
			}
			cpu[s, w] = (s == "a") ? 0 : med(s, w, 9) + 0
			oth = med(s, w, 14); if (oth > OTH) OTH = oth
			printf fmt, w, s, sprintf("%.0f", rps), sprintf("%.2f", p99), srv, ngx, dec, hit, oth
			if ((s, w) in bad) warn = warn sprintf("  %s/%s:%s\n", s, w, bad[s, w])
		}
	}
	print ""
	print "  req/s, p99_ms: medians over the rounds (wrk -t1 -c32); srv_us/r: CPU"
	print "  (utime+stime) of mcpauth (m, mc) or noop_responder (t) per client"
	print "  request; ngx_us/r: the nginx worker the same way; dec_us: mcpauth CPU"
	print "  per decision it made (mc: nginx answers cache hits itself); hit%:"
	print "  mcpauth token-cache hits among its decisions; oth%: machine CPU used"
	print "  by none of wrk, the nginx worker and the responder (other tenants,"
	print "  kernel threads), % of the machine: above ~5 the figures are disturbed"
	if (OTH > 5) printf "  WARNING: other load on the machine during the runs (up to %.0f%%)\n", OTH
	for (i = 1; i <= nw; i++)
		if (decshare["mc", W[i]] < 99.5)
			printf "  mc/%s: mcpauth saw %.1f%% of the requests\n", W[i], decshare["mc", W[i]]
	if (warn != "") printf "\nWARNING: unexpected statuses, socket errors or timeouts (wrk --timeout 2s)" \
	    " in some runs:\n%s", warn
	print ""
	printf "%-8s %14s %14s %14s %14s %14s\n", "load", "m/t", "mc/a", "h/m", "h/th", "th/t"
	for (i = 1; i <= nw; i++) {
		w = W[i]
		mt = ratio("m", "t", w); mtl = RLO; mth = RHI
		ma = ratio("mc", "a", w); mal = RLO; mah = RHI
		hm = ratio("h", "m", w); hml = RLO; hmh = RHI
		ht = ratio("h", "th", w); htl = RLO; hth = RHI
		tt = ratio("th", "t", w); ttl = RLO; tth = RHI
		MT[w] = mt; MA[w] = ma; HM[w] = hm; HT[w] = ht
		printf "%-8s %5.3f %-8s %5.3f %-8s %5.3f %-8s %5.3f %-8s %5.3f %-8s\n", w,
		    mt, sprintf("(%.2f-%.2f)", mtl, mth), ma, sprintf("(%.2f-%.2f)", mal, mah),
		    hm, sprintf("(%.2f-%.2f)", hml, hmh), ht, sprintf("(%.2f-%.2f)", htl, hth),
		    tt, sprintf("(%.2f-%.2f)", ttl, tth)
	}
	print "  median of the per-round ratios of req/s (range over the rounds)"
	print ""
	print "targets (printed, not enforced):"
	printf "  m/t  rep     >= 0.9   %.3f  %s\n", MT["rep"], verdict(MT["rep"] >= 0.9)
	printf "  m/t  badsig  >= 0.9   %.3f  %s\n", MT["badsig"], verdict(MT["badsig"] >= 0.9)
	printf "  m/t  none    >= 0.9   %.3f  %s\n", MT["none"], verdict(MT["none"] >= 0.9)
	printf "  m/t  rs10k   >= 0.8   %.3f  %s\n", MT["rs10k"], verdict(MT["rs10k"] >= 0.8)
	printf "  mc/a rep     >= 0.5   %.3f  %s\n", MA["rep"], verdict(MA["rep"] >= 0.5)
	printf "  h/m  rep     >= 1.6   %.3f  %s\n", HM["rep"], verdict(HM["rep"] >= 1.6)
	printf "  h/m  rs10k   >= 1.6   %.3f  %s\n", HM["rs10k"], verdict(HM["rs10k"] >= 1.6)
	printf "  h/m  badsig  >= 1.6   %.3f  %s\n", HM["badsig"], verdict(HM["badsig"] >= 1.6)
	printf "  h/th rep     >= 0.9   %.3f  %s\n", HT["rep"], verdict(HT["rep"] >= 0.9)
	printf "  h/th rs10k   >= 0.9   %.3f  %s\n", HT["rs10k"], verdict(HT["rs10k"] >= 0.9)
	printf "  h/th badsig  >= 0.9   %.3f  %s\n", HT["badsig"], verdict(HT["badsig"] >= 0.9)
	c = cpu["m", "rep"]
	printf "  cached decision, mcpauth CPU <= 5 us:  %.2f us  %s\n", c, verdict(c <= 5)
	printf "    above the transport floor (noop %.2f us): %.2f us  %s\n", cpu["t", "rep"],
	    c - cpu["t", "rep"], verdict(c - cpu["t", "rep"] <= 5)
	f = cpu["m", "rs10k"]; fl = cpu["t", "rs10k"]
	printf "  fresh RS256 decision <= 1.1 x raw verify:  %.2f us / %.2f us = %.2f  %s\n",
	    f, raw_rs, f / raw_rs, verdict(f / raw_rs <= 1.1)
	printf "    vs openssl speed rsa2048 (%s us): %.2f; above the transport floor" \
	    " (noop %.2f us): %.2f us = %.2f x raw\n", speed, (speed + 0 > 0 ? f / speed : 0),
	    fl, f - fl, (f - fl) / raw_rs
	printf "  fresh ES256 decision: %.2f us, raw verify %.2f us (%.2f x)\n",
	    cpu["m", "es10k"], raw_es, cpu["m", "es10k"] / raw_es
	printf "  raw verify (build/bench_verify openssl_us: EVP_DigestVerify, fresh ctx):" \
	    " RS256 %.2f us, ES256 %.2f us\n", raw_rs, raw_es
}' "$ROWS"
fi	# PROFILE != only

# --- profile (PROFILE=1 or PROFILE=only) ------------------------------------------------
# Where mcpauth's CPU goes during (m) runs: perf (cpu-clock samples, the
# machine has no hardware counters) by shared object and by symbol, and
# strace -c for its system calls per request (and noop_responder's).
if [ -n "${PROFILE:-}" ]; then
	command -v perf >/dev/null || die "PROFILE needs perf"
	PDUR=${PDUR:-4}
	echo
	echo "profile of mcpauth (pid $MPID) behind nginx (m), wrk -t1 -c$CONNS -d${PDUR}s per workload"
	for w in $WL; do
		IFS=: read -r name file class <<< "$w"
		[ "$name" = es10k ] && continue
		: > "$MLOG"
		perf record -q -e cpu-clock -F 4999 -g -o "$T/perf.$name" -p "$MPID" \
			-- sleep "$PDUR" > /dev/null 2>&1 &
		ppid=$!
		PIDS="$PIDS $ppid"
		sleep 0.2
		out=$(wrk -t1 -c"$CONNS" -d"$((PDUR - 1))s" -s "$LUA" \
			"http://127.0.0.1:${PORT[m]}/mcp" -- "$file" /mcp 2>&1)
		wait "$ppid" || true
		dec=$(grep -c 'decision status=' "$MLOG" || true)
		echo
		echo "== $name: $dec decisions, $(echo "$out" | sed -n 's/^RESULT \(requests=[0-9]*\).*/\1/p')," \
			"$(perf report -i "$T/perf.$name" --stdio 2>/dev/null | sed -n 's/^# Samples: \([0-9]*\).*/\1/p' | head -n 1) samples"
		echo "-- by object (self %)"
		perf report -i "$T/perf.$name" --stdio --no-children --sort dso -g none 2>/dev/null |
			grep '%' | grep -v '^#' | head -n 8
		echo "-- by symbol (self %, top 25)"
		perf report -i "$T/perf.$name" --stdio --no-children --sort dso,symbol -g none 2>/dev/null |
			grep '%' | grep -v '^#' | head -n 25 | cut -c1-110
	done
	if command -v strace >/dev/null; then
		for c in "m rep $MPID ${PORT[m]}" "m none $MPID ${PORT[m]}" \
		    "t rep $N200 ${PORT[t200]}"; do
			read -r setup w pid port <<< "$c"
			file=$T/one.txt; [ "$w" = none ] && file=-
			: > "$MLOG"
			strace -c -f -o "$T/strace.$w" -p "$pid" 2> /dev/null &
			spid=$!
			PIDS="$PIDS $spid"
			sleep 0.5
			out=$(wrk -t1 -c"$CONNS" -d2s -s "$LUA" "http://127.0.0.1:$port/mcp" \
				-- "$file" /mcp 2>&1)
			kill -INT "$spid" 2>/dev/null || true
			wait "$spid" 2>/dev/null || true
			# requests as wrk counted them (strace slows everything)
			dec=$(echo "$out" | sed -n 's/^RESULT requests=\([0-9]*\).*/\1/p')
			echo
			echo "== strace -c -f, ($setup) $w: $dec requests; system calls per request:"
			awk -v d="$dec" '$1 ~ /^[0-9.]+$/ && NF >= 5 && $4 / d >= 0.01 {
				printf "  %-14s %6.2f/request  %5s%% of syscall time\n", $NF, $4 / d, $1
			}' "$T/strace.$w" | head -n 14
		done
	fi
fi
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg); total time $(($(date +%s) - t_start)) s"
