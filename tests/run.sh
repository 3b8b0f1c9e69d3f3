#!/bin/sh
# run.sh NAME:BINDIR:BUILDDIR ...: runs the unit tests in BUILDDIR/unit
# and every tests/t*.sh against BINDIR, for each build named, and closes
# with one line 'N passed, N failed' over them all.
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
pass=0
fail=0
log=$(mktemp)
for spec in "$@"; do
	name=${spec%%:*}
	rest=${spec#*:}
	bindir=${rest%%:*}
	build=${rest#*:}
	case $name in
	san)	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
		export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99 ;;
	*)	unset ASAN_OPTIONS UBSAN_OPTIONS ;;
	esac
	for t in "$build"/unit/*_test tests/t[0-9]*.sh; do
		[ -e "$t" ] || continue
		case $t in
		*.sh) CRM_BIN="$top/$bindir" sh "$t" >"$log" 2>&1 ;;
		*) "$t" >"$log" 2>&1 ;;
		esac
		rc=$?
		line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
		p=${line%% passed*}
		f=${line#*passed, }
		f=${f%% failed*}
		if [ -z "$line" ]; then
			p=0
			f=1
		elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1
		fi
		pass=$((pass + p))
		fail=$((fail + f))
		if [ "$f" -ne 0 ]; then
			echo "FAIL $name $(basename "$t"): $p passed, $f failed (exit $rc)"
			grep -v '^ok ' "$log" | head -n 60
		else
			echo "ok   $name $(basename "$t"): $p passed"
		fi
	done
done
rm -f "$log"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
