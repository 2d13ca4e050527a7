#!/bin/sh
# Run every libFuzzer target for SECONDS each under ASan + UBSan, from
# seeds made on the spot plus the saved regressions; print executions and
# coverage per target.  A crash stops with its input saved in
# build/fuzz/crashes/; keep it in tests/fuzz/regressions/<target>/.
# usage: scripts/fuzz.sh SECONDS [BUILD_DIR]
set -eu
secs=$1
top=$(cd "$(dirname "$0")/.." && pwd)
b=${2:-$top/build/fuzz}
work=$b/work
rm -rf "$work"
mkdir -p "$work" "$b/crashes"
sh "$top/scripts/fuzz-seeds.sh" "$work/seeds" "$b/mint" > /dev/null
status=0
for t in $(ls "$top"/tests/fuzz/fuzz_*.c | sed 's|.*/fuzz_\(.*\)\.c$|\1|'); do
	mkdir -p "$work/corpus-$t"
	reg=$top/tests/fuzz/regressions/$t
	[ -d "$reg" ] || reg=""
	echo "== fuzz_$t: $secs s"
	if "$b/fuzz_$t" -max_total_time="$secs" -max_len=20000 \
	    -close_fd_mask=2 -print_final_stats=1 \
	    -artifact_prefix="$b/crashes/$t-" "$work/corpus-$t" \
	    "$work/seeds/$t" $reg > "$work/$t.log" 2>&1; then
		grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' \
		    "$work/$t.log" | tail -2
	else
		status=1
		echo "fuzz_$t FAILED:"
		grep -A30 'ERROR\|runtime error' "$work/$t.log" | head -40
	fi
done
exit $status
