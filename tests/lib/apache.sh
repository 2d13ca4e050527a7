# apache.sh: a real Apache httpd for integration tests, run from a
# configuration the test writes.  Source after tap.sh and harness.sh.
APACHE=${APACHE:-$(command -v apache2 || echo /usr/sbin/apache2)}
MODS=${APACHE_MODULES:-/usr/lib/apache2/modules}

# apache_require: Apache with mod_authnz_fcgi and mod_fcgid, or the test
# fails (scripts/install-deps.sh installs them: missing is a failure).
apache_require() {
	if [ ! -x "$APACHE" ] || [ ! -f "$MODS/mod_authnz_fcgi.so" ] ||
	    [ ! -f "$MODS/mod_fcgid.so" ]; then
		echo "not ok 1 - apache2 with mod_authnz_fcgi and mod_fcgid installed"
		echo "1..1"
		exit 1
	fi
}

# apache_user: as root (CI), Apache and what it starts serve as an
# unprivileged user, as they would in production.  Sets APACHE_USER ("" when
# not root) and APACHE_USER_LINES (User and Group directives, or "").
apache_user() {
	APACHE_USER="" APACHE_USER_LINES=""
	[ "$(id -u)" -eq 0 ] || return 0
	APACHE_USER=www-data
	id "$APACHE_USER" >/dev/null 2>&1 || APACHE_USER=nobody
	APACHE_USER_LINES="User $APACHE_USER
Group $(id -gn "$APACHE_USER")"
}

# apache_base DIR: the start of an httpd.conf that keeps every file of
# Apache's own in DIR and loads the modules the tests use (call
# apache_user first).
apache_base() {
	cat <<CONF
ServerRoot $1
DefaultRuntimeDir $1
PidFile $1/httpd.pid
Mutex file:$1 default
ErrorLog $T/apache.log
LogLevel warn
ServerName 127.0.0.1
$APACHE_USER_LINES
LoadModule mpm_event_module $MODS/mod_mpm_event.so
LoadModule authn_core_module $MODS/mod_authn_core.so
LoadModule authz_core_module $MODS/mod_authz_core.so
LoadModule authz_user_module $MODS/mod_authz_user.so
LoadModule authz_host_module $MODS/mod_authz_host.so
LoadModule authnz_fcgi_module $MODS/mod_authnz_fcgi.so
LoadModule proxy_module $MODS/mod_proxy.so
LoadModule proxy_http_module $MODS/mod_proxy_http.so
LoadModule proxy_fcgi_module $MODS/mod_proxy_fcgi.so
LoadModule headers_module $MODS/mod_headers.so
LoadModule setenvif_module $MODS/mod_setenvif.so
LoadModule env_module $MODS/mod_env.so
LoadModule alias_module $MODS/mod_alias.so
LoadModule cgid_module $MODS/mod_cgid.so
LoadModule fcgid_module $MODS/mod_fcgid.so
ScriptSock $1/cgid.sock
FcgidIPCDir $1/fcgid
FcgidProcessTableFile $1/fcgid_shm
CONF
}

# start_apache CONF PORT...: run Apache in the foreground until the test
# ends, and wait until it answers on every PORT.  Sets PID_apache.
start_apache() {
	conf=$1
	shift
	"$APACHE" -f "$conf" -DFOREGROUND 2>> "$T/apache.log" &
	PID_apache=$!
	PIDS="$PIDS $!"
	# Apache runs in a session of its own (setsid), so a signal to the
	# test's process group never reaches it: stop it from the EXIT trap on
	# a signal too, and, should the test be killed outright, from a
	# watchdog.
	trap 'exit 143' HUP INT TERM
	(while kill -0 $$ 2>/dev/null; do sleep 1; done; kill $PIDS) > /dev/null 2>&1 &
	PIDS="$PIDS $!"
	wait_for apache_up "$@" && kill -0 "$PID_apache" 2>/dev/null ||
	    { echo "# apache did not start"; sed 's/^/# /' "$T/apache.log"; exit 1; }
}

# apache_up PORT...: Apache answers on every PORT, or has died (no use
# waiting then).
apache_up() {
	kill -0 "$PID_apache" 2>/dev/null || return 0
	for p in "$@"; do
		curl -so /dev/null "http://127.0.0.1:$p/" || return 1
	done
}

# apache_shared PORT CONF [DIRECTIVES]: the shared hosting of
# fcgi-conf/htaccess-fcgid: $T/site/shared/.htaccess from the shipped file
# with mod_fcgid starting $T/bin/mcpauth (a copy of $MCPAUTH, wherever the
# checkout is) on CONF, and on stdout the <VirtualHost> for PORT whose
# document root is $T/site, app.cgi files run as CGI, with DIRECTIVES
# (text) at its end.
apache_shared() {
	mkdir -p "$T/bin" "$T/site/shared"
	cp "$MCPAUTH" "$T/bin/mcpauth"
	sed -e "s|/usr/local/bin/mcpauth|$T/bin/mcpauth|g" -e "s|/etc/mcpauth/mcpauth.conf|$2|g" \
		"$top/fcgi-conf/htaccess-fcgid" > "$T/site/shared/.htaccess"
	cat <<CONF
<VirtualHost 127.0.0.1:$1>
    DocumentRoot $T/site
    <Directory $T/site>
        AllowOverride FileInfo AuthConfig
        Options +ExecCGI
        Require all granted
        <Files app.cgi>
            SetHandler cgi-script
        </Files>
    </Directory>
${3:-}
</VirtualHost>
CONF
}
