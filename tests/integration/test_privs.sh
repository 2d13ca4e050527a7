#!/bin/sh
# Privileges: serve refuses root unless told, drops to --user after
# binding; files with unsafe permissions are reported.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "# these checks need root, which CI has"
	ok 1 "running as root"
	tap_done
	exit
fi
chmod 755 "$T"
"$MINT" keygen p256 "$T/k.pem"
"$MINT" jwks "$T/k.pem,e1" > "$T/jwks.json"
printf 'issuer https://as.example jwks=%s\nresource https://mcp.example/mcp\n' \
	"$T/jwks.json" > "$T/m.conf"
chmod 644 "$T/jwks.json" "$T/m.conf"
port=$(free_port)

"$MCPAUTH" serve -c "$T/m.conf" --listen "127.0.0.1:$port" 2> "$T/err"
is "$?:$(cat "$T/err")" "2:mcpauth: refusing to serve as root: give --user NAME to drop to after binding, or --allow-root" \
	"as root without --user or --allow-root: refused"
"$MCPAUTH" serve -c "$T/m.conf" --listen "127.0.0.1:$port" --user nosuchuser 2> "$T/err"
is "$?:$(cat "$T/err")" "2:mcpauth: --user nosuchuser: no such user" "unknown --user refused"

"$MCPAUTH" serve -c "$T/m.conf" --listen "127.0.0.1:$port" --user nobody 2> "$T/p.log" &
pid=$!
PIDS="$PIDS $pid"
SERVICES="${SERVICES:-} $pid"
wait_for grep -q "serving 127.0.0.1:$port" "$T/p.log"
ok $? "serving with --user nobody"
is "$(awk '/^Uid:/ {print $2, $3, $4, $5}' /proc/$pid/status)" \
	"$(id -u nobody) $(id -u nobody) $(id -u nobody) $(id -u nobody)" \
	"every uid is nobody's after binding"
"$FCGI_CLIENT" "127.0.0.1:$port" DOCUMENT_URI=/_auth > "$T/out"
is "$(head -1 "$T/out" | tr -d '\r')" "Status: 401 Unauthorized" "and it answers"

chmod 666 "$T/m.conf"
"$MCPAUTH" check-config -c "$T/m.conf" > /dev/null 2> "$T/err"
is "$(cat "$T/err")" "mcpauth: warning: $T/m.conf is writable by other users" \
	"a world-writable config is reported"
chmod 644 "$T/m.conf"
mkdir -m 777 "$T/cache"
echo "cache_dir $T/cache" >> "$T/m.conf"
"$MCPAUTH" check-config -c "$T/m.conf" > /dev/null 2> "$T/err"
is "$(cat "$T/err")" "mcpauth: warning: cache_dir $T/cache is writable by other users" \
	"a world-writable cache_dir is reported"
finish
