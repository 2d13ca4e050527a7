#!/bin/sh
# Install every package needed to build, test and benchmark mcpauth.
# Idempotent: packages already present are left alone.
set -eu

PKGS="build-essential pkg-config clang libclang-rt-14-dev
libfcgi-dev libfcgi-bin libcurl4-openssl-dev libcjson-dev libssl-dev openssl
perl curl python3 nginx-light apache2 libapache2-mod-fcgid spawn-fcgi wrk
nodejs mandoc debhelper lintian systemd adduser libmicrohttpd-dev caddy prometheus"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
