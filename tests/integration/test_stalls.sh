#!/bin/sh
# Stalled peers never hold a worker thread: with --threads 2, more peers
# than threads that send part of a request and stop, over a unix socket
# and over TCP, while real requests are answered; mcpauth closes the
# stalled connections at its deadline and says why, without the token.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/harness.sh"

local_issuer
printf 'issuer %s jwks=%s\nresource %s\n' "$ISS" "$T/jwks.json" "$RES" > "$T/m.conf"
exp=$(($(date +%s) + 600))
tok=$("$MINT" sign "$T/k.pem" RS256 '{"alg":"RS256","kid":"k1"}' \
	"{\"iss\":\"$ISS\",\"aud\":\"$RES\",\"exp\":$exp,\"sub\":\"alice\"}")
DEADLINE=5

# stall.py ADDR STATUSFILE TOKEN-PREFIX: 3 peers that send 4 bytes of a
# record header, 1 that sends a whole BEGIN_REQUEST and part of a params
# record (part of an Authorization header), then stop.  Writes "open 4"
# once all are connected and sent, then waits (60 s at most) for mcpauth
# to close them and appends "closed K bytes B" (B: bytes mcpauth sent).
cat > "$T/stall.py" <<'PY'
import select, socket, sys, time
addr, status, prefix = sys.argv[1], sys.argv[2], sys.argv[3].encode()
def connect():
    if addr.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX)
        s.connect(addr[5:])
        return s
    host, port = addr.rsplit(":", 1)
    return socket.create_connection((host, int(port)))
begin = bytes([1, 1, 0, 1, 0, 8, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0])
name, value = b"HTTP_AUTHORIZATION", b"Bearer " + prefix
pair = bytes([len(name), 0x80, 0, 1, 0]) + name + value
params = bytes([1, 4, 0, 1, 1, 0, 0, 0]) + pair   # claims 256 bytes
socks = []
for payload in [bytes([1, 1, 0, 1])] * 3 + [begin + params]:
    s = connect()
    s.sendall(payload)
    socks.append(s)
with open(status, "w") as f:
    f.write("open %d\n" % len(socks))
closed, got, end = 0, 0, time.time() + 60
while socks and time.time() < end:
    r, _, _ = select.select(socks, [], [], 1)
    for s in r:
        try:
            data = s.recv(4096)
        except OSError:
            data = b""
        got += len(data)
        if not data:
            closed += 1
            socks.remove(s)
            s.close()
with open(status, "a") as f:
    f.write("closed %d bytes %d\n" % (closed, got))
PY

# stall NAME ADDR: start the stalled peers in the background.
stall() {
	python3 "$T/stall.py" "$2" "$T/$1.stall" "$(echo "$tok" | cut -c1-40)" &
	eval "STALL_$1=$!"
	wait_for grep -q '^open 4$' "$T/$1.stall" || { echo "# stall $1 did not connect"; exit 1; }
}

# ask NAME ADDR: a real request with the token and one without.
ask() {
	"$FCGI_CLIENT" -r authorizer "$2" MCPAUTH_RESOURCE=$RES \
		"HTTP_AUTHORIZATION=Bearer $tok" > "$T/out" 2>/dev/null
	is "$? $(tr -d '\r' < "$T/out" | sed -n 's/^Status: //p')" "0 200 OK" \
		"$1: a valid token is answered 200 behind 4 stalled peers"
	"$FCGI_CLIENT" -r authorizer "$2" MCPAUTH_RESOURCE=$RES > "$T/out" 2>/dev/null
	is "$? $(tr -d '\r' < "$T/out" | sed -n 's/^Status: //p')" "0 401 Unauthorized" \
		"$1: no token is answered 401 behind 4 stalled peers"
}

# settled NAME LABEL: the stalled peers were closed by mcpauth, logged.
settled() {
	eval "wait \$STALL_$1"
	is "$(sed -n 2p "$T/$1.stall")" "closed 4 bytes 0" \
		"$2: mcpauth closed the 4 stalled connections, answering nothing"
	is "$(grep -c "connection dropped: no complete request within $DEADLINE s" "$T/$1.log")" 4 \
		"$2: one log line per dropped connection"
}

start_mcpauth u "$T/m.conf" --threads 2
port=$(free_port)
"$MCPAUTH" serve -c "$T/m.conf" --listen "127.0.0.1:$port" --threads 2 \
	$([ "$(id -u)" -eq 0 ] && echo --allow-root) 2>> "$T/t.log" &
PIDS="$PIDS $!"
SERVICES="$SERVICES $!"
wait_for grep -q serving "$T/t.log" || { echo "# mcpauth did not start"; cat "$T/t.log"; exit 1; }

stall u "unix:$T/u.sock"
stall t "127.0.0.1:$port"
ask unix "unix:$T/u.sock"
ask tcp "127.0.0.1:$port"
is "$(cat "$T/u.stall") $(cat "$T/t.stall")" "open 4 open 4" \
	"all answered while every stalled peer was still connected"
settled u unix
settled t tcp
grep "connection dropped" "$T/u.log" | head -1 | sed 's/^/# /'
! grep -qF "$(echo "$tok" | cut -c1-20)" "$T/u.log" "$T/t.log"
ok $? "no part of the token is logged"

# Kept connections (FCGI_KEEP_CONN) wait with the watcher between requests.
echo "$tok" > "$T/tok.txt"
kept() {	# kept NAME ADDR
	"$FCGI_CLIENT" -r authorizer -k -n 50 -c 2 -t "$T/tok.txt" "$2" \
		MCPAUTH_RESOURCE=$RES > "$T/out" 2>&1
	is "$? $(sed 's/ seconds=.*//' "$T/out")" "0 requests=50 ok=50" \
		"$1: 50 requests on 2 kept connections, all answered 200"
}
kept unix "unix:$T/u.sock"
kept tcp "127.0.0.1:$port"

# Not FastCGI at all: refused without an answer, and the service goes on.
printf 'GET / HTTP/1.0\r\n\r\n' > "$T/http.txt"
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(open(sys.argv[2], "rb").read()); s.settimeout(30)
print(len(s.recv(4096)))' "$T/u.sock" "$T/http.txt" > "$T/http.out" 2>&1
is "$(cat "$T/http.out")" 0 "an HTTP request on the FastCGI socket gets no answer"
is "$(grep -c "connection dropped: no readable FastCGI request" "$T/u.log")" 1 \
	"and is logged as unreadable"
ask "unix, then" "unix:$T/u.sock"
finish
