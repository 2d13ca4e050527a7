# lib.sh: helpers for the identity provider fixtures (tests/providers/*.sh),
# sourced by tests/unit/test_providers.sh with tap.sh, $top, $T, $MINT and
# $MCPAUTH set.  Each fixture mints tokens in its provider's documented
# shape and checks them with `mcpauth verify` against the configuration
# the README gives for that provider, read from the README itself.

# Tokens are minted valid until 2100 so that verify's output is fixed.
EXP=4102444800
IAT=1700000000

# provider_dir NAME: a fresh directory for NAME's keys and files.
provider_dir() {
	rm -rf "$T/$1"
	mkdir -p "$T/$1"
	echo "$T/$1"
}

# provider_config NAME DIR: the README's configuration block for NAME
# (the first ``` block after "<!-- provider: NAME -->"), with each issuer
# reading its key set from DIR/jwks.json instead of the network.
provider_config() {
	awk -v mark="<!-- provider: $1 -->" '
		$0 == mark { on = 1; next }
		on && /^```/ { if (inside) exit; inside = 1; next }
		on && inside { print }' "$top/README.md" |
	sed -e 's/ jwks=[^ ]*//' -e 's/ metadata=[^ ]*//' \
	    -e "s|^issuer [^ ]*|& jwks=$2/jwks.json|" > "$2/mcpauth.conf"
	[ -s "$2/mcpauth.conf" ]
	ok $? "$1: the README has its configuration"
}

# provider_keys DIR TYPE KID ALG: a key and the key set holding it.
provider_keys() {
	"$MINT" keygen "$2" "$1/key.pem"
	"$MINT" jwks "$1/key.pem,$3,$4,sig" > "$1/jwks.json"
}

# mint DIR ALG HEADER PAYLOAD: a token signed with DIR's key.
mint() {
	"$MINT" sign "$1/key.pem" "$2" "$3" "$4"
}

# verify DIR TOKEN [ARGS...]: sets rc, out (without the claims member,
# which repeats the payload) and err.
verify() {
	_d=$1 _t=$2
	shift 2
	printf '%s\n' "$_t" | "$MCPAUTH" verify -c "$_d/mcpauth.conf" "$@" \
	    > "$_d/out" 2> "$_d/err"
	rc=$?
	out=$(python3 -c 'import json, sys
o = json.load(sys.stdin)
o.pop("claims", None)
print(json.dumps(o, separators=(",", ":"), ensure_ascii=False))' \
	    < "$_d/out" 2> /dev/null)
	[ -s "$_d/out" ] || out=""
	err=$(cat "$_d/err")
}

# accepts NAME DIR TOKEN WANT: verify allows TOKEN and prints WANT (the
# auth info without claims).
accepts() {
	verify "$2" "$3"
	is "$rc:$out:$err" "0:$4:" "$1"
}

# refuses NAME DIR TOKEN STATUS WANT [ARGS...]: verify exits STATUS with
# WANT on stderr.
refuses() {
	_n=$1 _d=$2 _t=$3 _s=$4 _w=$5
	shift 5
	verify "$_d" "$_t" "$@"
	is "$rc:$out:$err" "$_s::$_w" "$_n"
}
