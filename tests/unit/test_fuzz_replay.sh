#!/bin/sh
# Every fuzz target on its seeds and on every saved crash input
# (tests/fuzz/regressions/<target>/), without libFuzzer: each input must
# run to the end (under make asan, with no sanitizer report).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
B=${BUILD:-$top/build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
sh "$top/scripts/fuzz-seeds.sh" "$T/seeds" "${MINT:-$B/mint}" > /dev/null
for t in $(ls "$top"/tests/fuzz/fuzz_*.c | sed 's|.*/fuzz_\(.*\)\.c$|\1|'); do
	reg=$top/tests/fuzz/regressions/$t
	[ -d "$reg" ] || reg=""
	"$B/replay_$t" "$T/seeds/$t" $reg > "$T/out" 2> "$T/err"
	rc=$?
	n=$(grep -c '^ok' "$T/out")
	ok $rc "fuzz_$t replays its $n inputs"
	[ $rc -eq 0 ] || tail -20 "$T/err" | sed 's/^/# /'
	[ "$n" -gt 0 ]
	ok $? "fuzz_$t has inputs to replay"
done
tap_done
