# Shared setup of the service benchmarks (bench_service.sh, bench_nginx.sh),
# sourced after `set -eu` with BENCH set to the script's name and T to its
# work directory.  Defines say, die, the build, the keys and tokens, the raw
# OpenSSL verify cost, the mcpauth configuration and wait_sock.

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
t_start=$(date +%s)
MCPAUTH=$top/build/mcpauth
MINT=$top/build/mint
ISS=https://as.example.com
RES=https://mcp.example.com/mcp
# serve refuses root unless told; a benchmark on a throwaway box may be root.
ROOTOPT=""
[ "$(id -u)" -eq 0 ] && ROOTOPT=--allow-root

say() { printf '# %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$BENCH" "$*" >&2; exit 1; }

# bench_build HELPER: mcpauth, mint, bench_verify, and build/HELPER from
# tests/bench/HELPER.c (a libfcgi program).
bench_build() {
	say "building"
	make -s build/mcpauth build/mint build/fcgi_client build/bench_verify >&2
	# shellcheck disable=SC2046
	cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -g -Wall -Wextra -pthread \
		-o "build/$1" "tests/bench/$1.c" \
		$(pkg-config --cflags --libs fcgi 2>/dev/null || echo -lfcgi)
}

# bench_keys: an RS256 key k1 and an ES256 key k2 in $T/jwks.json, and the
# payload template of the tokens (user-%d, bench-%d: the token's number).
bench_keys() {
	"$MINT" keygen rsa2048 "$T/k1.pem"
	"$MINT" keygen p256 "$T/k2.pem"
	"$MINT" jwks "$T/k1.pem,k1,RS256,sig" "$T/k2.pem,k2,ES256,sig" > "$T/jwks.json"
	now=$(date +%s)
	payload="{\"iss\":\"$ISS\",\"sub\":\"user-%d\",\"aud\":\"$RES\",\"exp\":$((now + 7200)),\"iat\":$now,\"nbf\":$now,\"jti\":\"bench-%d\",\"client_id\":\"bench-client\",\"scope\":\"mcp:read mcp:write\"}"
}

# many FILE KEY ALG KID N PAR: N distinct tokens, one a line, signed by
# PAR mints at once.
many() {
	local file=$1 key=$2 alg=$3 kid=$4 n=$5 par=$6 j from to pids="" parts=""
	for j in $(seq 0 $((par - 1))); do
		from=$((n * j / par)) to=$((n * (j + 1) / par))
		"$MINT" many "$key" "$alg" $((to - from)) \
			"{\"alg\":\"$alg\",\"typ\":\"at+jwt\",\"kid\":\"$kid\"}" \
			"$payload" "$from" > "$file.$j" &
		pids="$pids $!" parts="$parts $file.$j"
	done
	for j in $pids; do wait "$j" || die "mint many failed"; done
	# shellcheck disable=SC2086
	cat $parts > "$file"
	[ "$(wc -l < "$file")" -eq "$n" ] || die "expected $n tokens in $file"
}

# bench_raw_verify SECONDS: raw_rs and raw_es, bench_verify's openssl_us
# column (EVP_DigestVerify with a fresh context per check, the way mcpauth
# calls it), and speed_rs from `openssl speed rsa2048` (nan if absent).
bench_raw_verify() {
	say "raw OpenSSL verify"
	build/bench_verify RS256 ES256 > "$T/raw.txt"
	raw_rs=$(awk '$1 == "RS256" { print $3 }' "$T/raw.txt")
	raw_es=$(awk '$1 == "ES256" { print $3 }' "$T/raw.txt")
	speed_rs=$(openssl speed -mr -seconds "$1" rsa2048 2>/dev/null |
		awk -F: '/^\+F2:/ && $3 == 2048 { printf "%.2f", 1e6 / $5 }')
	{ [ -n "$raw_rs" ] && [ -n "$raw_es" ]; } || die "bench_verify failed"
	[ -n "$speed_rs" ] || speed_rs=nan
}

# bench_conf FILE CACHE_ENTRIES: the mcpauth configuration of every run.
bench_conf() {
	cat > "$1" <<CONF
issuer $ISS jwks=$T/jwks.json
resource $RES
    required_scopes mcp:read
token_cache_entries $2
CONF
}

# wait_sock SOCK PID LOG: until SOCK exists; PID must stay up meanwhile.
wait_sock() {
	for _ in $(seq 150); do
		[ -S "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || { cat "$3" >&2; die "$1: server exited"; }
		sleep 0.1
	done
	die "$1 did not appear"
}
