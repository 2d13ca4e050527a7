# tap.sh: TAP helpers for shell tests.  Source it; call tap_done last.
TAP_N=0
TAP_FAILED=0

ok() {	# ok CONDITION-EXIT-STATUS NAME (TAP_PREFIX, if set, starts NAME)
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAP_N - ${TAP_PREFIX:-}$2"
	else
		echo "not ok $TAP_N - ${TAP_PREFIX:-}$2"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

is() {	# is GOT WANT NAME
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
	fi
}

tap_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
