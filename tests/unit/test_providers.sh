#!/bin/sh
# Identity providers (SPEC §13): each fixture in tests/providers/ mints
# tokens in one provider's documented shape and runs `mcpauth verify`
# with the configuration the README's "Identity providers" section gives
# for it, so that the README and the code cannot drift apart.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
MCPAUTH=${MCPAUTH:-$top/build/mcpauth}
MINT=${MINT:-$top/build/mint}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$top/tests/providers/lib.sh"

n=0
for f in "$top"/tests/providers/[a-z]*.sh; do
	[ "$(basename "$f")" = lib.sh ] && continue
	. "$f"
	n=$((n + 1))
done
# Auth0, Entra ID v1 and v2, Okta, Keycloak, Cognito, ZITADEL, Logto, Google.
[ "$n" -ge 9 ]
ok $? "every provider of the README has a fixture ($n)"
# Every provider block in the README has a fixture of that name.
for p in $(sed -n 's/^<!-- provider: \([a-z0-9-]*\) -->$/\1/p' "$top/README.md"); do
	[ -f "$top/tests/providers/$p.sh" ]
	ok $? "README provider $p has tests/providers/$p.sh"
done
tap_done
