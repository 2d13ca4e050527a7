#!/bin/sh
# The man pages: clean under mandoc's linter, and never behind the code:
# every directive the parser accepts is documented in mcpauth.conf(5) and
# every documented directive is accepted; the same for the options of
# main.c and mcpauth(8); the configuration examples load as written.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
MCPAUTH=${MCPAUTH:-$top/build/mcpauth}
MINT=${MINT:-$top/build/mint}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
man8=$top/man/mcpauth.8
man5=$top/man/mcpauth.conf.5

mandoc -T lint -W warning "$man8" "$man5" > "$T/lint" 2>&1
is "$?:$(cat "$T/lint")" "0:" "mandoc -T lint -W warning prints nothing"

# The directive tables of the parser: every array of struct directive
# in src/.
awk '/struct directive [a-z_]*\[\] *= *\{/ { on = 1; next }
     on && /^\};/ { on = 0 }
     on' "$top"/src/*.c |
	sed -n 's/^[[:space:]]*{ *"\([a-z_]*\)".*/\1/p' | sort -u > "$T/parsed"
# The directives documented: the .It Ic items of mcpauth.conf(5).
sed -n 's/^\.It Ic \([a-z_]*\).*/\1/p' "$man5" | sort -u > "$T/documented"
[ "$(wc -l < "$T/parsed")" -ge 17 ]
ok $? "the parser's directive table is found ($(wc -l < "$T/parsed") directives)"
missing=$(comm -23 "$T/parsed" "$T/documented" | tr '\n' ' ')
is "$missing" "" "every directive config.c accepts is in mcpauth.conf(5)"
extra=$(comm -13 "$T/parsed" "$T/documented" | tr '\n' ' ')
is "$extra" "" "mcpauth.conf(5) documents no directive that config.c refuses"

# Options: those main.c compares, and those --help shows.
{
	grep -o 'strcmp(argv\[i\], "-[^"]*")' "$top/src/main.c" |
		sed 's/.*"\(-[^"]*\)".*/\1/'
	"$MCPAUTH" --help | grep -o -- '\(^\|[[ ]\)--*[a-z][a-z-]*' |
		sed 's/^[[ ]*//'
} | sort -u > "$T/options"
mandoc -T ascii "$man8" | sed "s/.\x08//g" > "$T/man8.txt"
sed -n 's/^\.\(.*\)/\1/p' "$man8" | grep -o 'Fl \\*-*[a-z][a-z-]*' |
	sed 's/^Fl \\*\(.*\)/-\1/' | sort -u > "$T/documented_opts"
[ "$(wc -l < "$T/options")" -ge 10 ]
ok $? "main.c's options are found ($(wc -l < "$T/options") options)"
missing=""
for o in $(cat "$T/options"); do
	grep -q -e "\(^\|[^a-z-]\)$o\([^a-z-]\|$\)" "$T/man8.txt" ||
		missing="$missing $o"
done
is "$missing" "" "every option main.c accepts is in mcpauth(8)"
extra=$(comm -13 "$T/options" "$T/documented_opts" | tr '\n' ' ')
is "$extra" "" "mcpauth(8) documents no option that main.c refuses"

# Every example of mcpauth.conf(5) loads as written; only the issuers get
# a local key set, so that nothing is fetched.
"$MINT" keygen p256 "$T/k.pem"
"$MINT" jwks "$T/k.pem,k1" > "$T/jwks.json"
awk -v dir="$T" '/^\.Bd -literal/ { n++; on = 1; next }
	/^\.Ed/ { on = 0 }
	on { print > (dir "/example" n ".conf") }' "$man5"
n=0
for f in "$T"/example*.conf; do
	n=$((n + 1))
	sed -i "s|^\(issuer [^ ]*\)\( .*\)\{0,1\}$|\1\2 jwks=$T/jwks.json|; s| jwks=jwks.json||" "$f"
	"$MCPAUTH" check-config -c "$f" > "$T/out" 2>&1
	rc=$?
	ok $rc "mcpauth.conf(5) example $n loads"
	[ $rc -eq 0 ] || sed 's/^/# /' "$T/out"
done
[ $n -ge 3 ]
ok $? "the examples are found ($n)"
tap_done
