#!/bin/sh
# The Debian package, end to end (a CI step; needs root and apt):
# make deb; lintian with no error or warning; apt-get install; the units
# pass systemd-analyze verify; the installed binary and /etc/mcpauth serve
# through systemd's own socket activation tool as the mcpauth user; the
# nginx and socket activation tests against /usr/sbin/mcpauth and the
# installed nginx examples; apt-get purge leaves no file, directory or
# user behind.  Output is TAP.  No systemd needs to run: verify reads the
# unit files, systemd-socket-activate passes the socket as systemd does.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. "$top/tests/lib/tap.sh"
T=$(mktemp -d)
SA_PID=""
cleanup() {
	[ -n "$SA_PID" ] && kill "$SA_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
# It installs and purges a package: as root, or through sudo.
[ "$(id -u)" -eq 0 ] || exec sudo sh "$0" "$@"

make deb > "$T/build.log" 2>&1
rc=$?
ok $rc "make deb builds build/deb/mcpauth_*.deb"
[ $rc -eq 0 ] || { tail -30 "$T/build.log" | sed 's/^/# /'; tap_done; exit 1; }
deb=$(ls build/deb/mcpauth_*.deb)
make -s build/mint build/fcgi_client > /dev/null

# --- lintian ------------------------------------------------------------------
lintian --fail-on error,warning build/deb/mcpauth_*.changes > "$T/lintian" 2>&1
rc=$?
grep -v '^running with root privileges' "$T/lintian" | sed 's/^/# lintian: /'
ok $rc "lintian: no error, no warning"
is "$(grep -c '^[EW]:' "$T/lintian")" 0 "lintian printed no E: or W: tag"

# --- install ------------------------------------------------------------------
dpkg -s mcpauth > /dev/null 2>&1 && apt-get purge -y -q mcpauth > /dev/null 2>&1
apt-get install -y -q "./$deb" > "$T/install.log" 2>&1
rc=$?
ok $rc "apt-get install ./$deb"
[ $rc -eq 0 ] || { tail -30 "$T/install.log" | sed 's/^/# /'; tap_done; exit 1; }
dpkg -L mcpauth > "$T/files"
test -x /usr/sbin/mcpauth
ok $? "/usr/sbin/mcpauth is installed"
is "$(dpkg-query -W -f='${Conffiles}' mcpauth | awk '{print $1}' | tr '\n' ' ')" \
	"/etc/mcpauth/mcpauth.conf " "/etc/mcpauth/mcpauth.conf is the one conffile"
for f in /usr/share/man/man8/mcpauth.8.gz /usr/share/man/man5/mcpauth.conf.5.gz \
    /usr/share/doc/mcpauth/examples/nginx/mcpauth.conf \
    /usr/share/doc/mcpauth/examples/apache-authnz-fcgi.conf \
    /lib/systemd/system/mcpauth.service /lib/systemd/system/mcpauth.socket; do
	test -f "$f"
	ok $? "installed: $f"
done
is "$(getent passwd mcpauth | cut -d: -f6,7)" "/nonexistent:/usr/sbin/nologin" \
	"the mcpauth system user exists, without a home or shell"

# --- the units ----------------------------------------------------------------
systemd-analyze verify /lib/systemd/system/mcpauth.socket \
	/lib/systemd/system/mcpauth.service > "$T/verify" 2>&1
rc=$?
sed 's/^/# /' "$T/verify"
is "$rc:$(cat "$T/verify")" "0:" "systemd-analyze verify: the units are clean"
unit() { sed -n "s/^$1=//p" /lib/systemd/system/mcpauth.service; }
is "$(unit NoNewPrivileges) $(unit ProtectSystem) $(unit PrivateTmp) $(unit CapabilityBoundingSet)|" \
	"yes strict yes |" "the service is hardened, with an empty capability bounding set"
is "$(unit RestrictAddressFamilies)" "AF_UNIX AF_INET AF_INET6" \
	"the service may use only unix and IP sockets"
is "$(sed -n 's/^\(ListenStream\|SocketGroup\|SocketMode\)=//p' /lib/systemd/system/mcpauth.socket | tr '\n' ' ')" \
	"/run/mcpauth/mcpauth.sock www-data 0660 " \
	"the socket unit owns /run/mcpauth/mcpauth.sock, group www-data, 0660"

# --- the installed files, the way the service runs them -----------------------
/usr/sbin/mcpauth check-config > "$T/out" 2>&1
is "$?:$(cat "$T/out")" "1:mcpauth: /etc/mcpauth/mcpauth.conf: no issuer configured" \
	"the shipped configuration is refused until an issuer is set"
ISS=https://as.example.com
RES=https://mcp.example.com/mcp
build/mint keygen p256 "$T/k.pem"
# The key set stays outside /etc/mcpauth, which purge must leave empty.
chmod 755 "$T"
build/mint jwks "$T/k.pem,k1" > "$T/jwks.json"
sed -e "s|^#issuer https://auth.example.com|issuer $ISS jwks=$T/jwks.json|" \
    -e "s|^#cache_dir|cache_dir|" -e "s|^#resource .*|resource $RES|" \
    -e "s|^#    required_scopes|    required_scopes|" \
    /etc/mcpauth/mcpauth.conf > "$T/conf" && cp "$T/conf" /etc/mcpauth/mcpauth.conf
install -d -o mcpauth -g mcpauth -m 750 /var/cache/mcpauth	# CacheDirectory=
runuser -u mcpauth -- /usr/sbin/mcpauth check-config > "$T/out" 2>&1
rc=$?
ok $rc "the edited /etc/mcpauth/mcpauth.conf passes check-config as user mcpauth"
[ $rc -eq 0 ] || sed 's/^/# /' "$T/out"
# ExecStart as the unit has it, as User=mcpauth, on a socket passed by
# systemd-socket-activate (LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES).
exec_start=$(unit ExecStart)
sock=$T/mcpauth.sock
# shellcheck disable=SC2086
systemd-socket-activate -l "$sock" -- setpriv --reuid=mcpauth \
	--regid=mcpauth --init-groups -- $exec_start 2> "$T/sa.log" &
SA_PID=$!
i=0
while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
tok=$(build/mint sign "$T/k.pem" ES256 '{"alg":"ES256","kid":"k1"}' \
	"{\"iss\":\"$ISS\",\"aud\":\"$RES\",\"exp\":$(($(date +%s) + 600)),\"sub\":\"alice\",\"scope\":\"mcp:tools\"}")
build/fcgi_client "unix:$sock" REQUEST_METHOD=GET DOCUMENT_URI=/mcp \
	"HTTP_AUTHORIZATION=Bearer $tok" | tr -d '\r' > "$T/out"
is "$(sed -n 's/^\(Status\|X-Auth-Subject\): //p' "$T/out" | tr '\n' ' ')" "200 OK alice " \
	"the installed service decides on a socket from systemd-socket-activate: 200"
build/fcgi_client "unix:$sock" REQUEST_METHOD=GET DOCUMENT_URI=/mcp | tr -d '\r' > "$T/out"
is "$(sed -n 's/^WWW-Authenticate: //p' "$T/out")" \
	"Bearer resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\", scope=\"mcp:tools\"" \
	"and refuses a request without a token with the challenge"
is "$(ps -o user= -p "$SA_PID")" mcpauth "it runs as user mcpauth"
grep -q "serving fd 3 (systemd)" "$T/sa.log"
ok $? "it serves fd 3, passed by systemd's own tool"
kill -TERM "$SA_PID"
wait "$SA_PID"
is "$?" 0 "it exits 0 on SIGTERM"
SA_PID=""

# --- the end-to-end tests, on the installed binary and nginx examples ----------
MCPAUTH=/usr/sbin/mcpauth MINT="$top/build/mint" \
	FCGI_CLIENT="$top/build/fcgi_client" BUILD="$top/build" \
	MCPAUTH_NGINX_CONF=/usr/share/doc/mcpauth/examples/nginx \
	prove tests/integration/test_nginx.sh \
	tests/integration/test_socket_activation.sh > "$T/prove" 2>&1
rc=$?
sed 's/^/# /' "$T/prove"
ok $rc "test_nginx.sh and test_socket_activation.sh pass on the installed package"

# --- purge ----------------------------------------------------------------------
apt-get purge -y -q mcpauth > "$T/purge.log" 2>&1
ok $? "apt-get purge mcpauth"
left=""
while read -r f; do
	case $f in
	/.|/etc|/lib|/lib/systemd|/lib/systemd/system|/usr|/usr/sbin|/usr/share|\
	/usr/share/doc|/usr/share/man|/usr/share/man/man5|/usr/share/man/man8)
		continue ;;	# shared with other packages
	esac
	[ -e "$f" ] && left="$left $f"
done < "$T/files"
for f in /etc/mcpauth /var/cache/mcpauth /var/lib/systemd/deb-systemd-helper-enabled/mcpauth.service.dsh-also \
    /var/lib/systemd/deb-systemd-helper-enabled/mcpauth.socket.dsh-also; do
	[ -e "$f" ] && left="$left $f"
done
is "$left" "" "purge leaves none of the package's files or directories behind"
is "$(getent passwd mcpauth; getent group mcpauth)" "" "purge removes the mcpauth user and group"
is "$(dpkg-query -W -f='${Status}' mcpauth 2>/dev/null)" "" "dpkg no longer knows mcpauth"
tap_done
