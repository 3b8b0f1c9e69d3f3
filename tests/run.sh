#!/bin/sh
# run.sh NAME:BINDIR:BUILDDIR ...: runs the unit tests in BUILDDIR/unit
# and every tests/t*.sh against BINDIR, for each build named, and closes
# with one line 'N passed, N failed, N skipped' over them all.  Each
# program's own closing line is 'N passed, N failed' (the unit tests) or
# 'N passed, N failed, N skipped' (tests/test-lib.sh); one without it, or
# one that ran nothing, or that exits non-zero with no failure counted,
# counts as one failed.
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
pass=0
fail=0
skip=0
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
		line=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' \
		    "$log" | tail -n 1)
		p=${line%% passed*}
		f=${line#*passed, }
		f=${f%% failed*}
		case $line in
		*skipped) s=${line##*failed, }; s=${s%% skipped} ;;
		*) s=0 ;;
		esac
		if [ -z "$line" ]; then
			p=0 f=1 s=0
		elif [ $((p + f + s)) -eq 0 ]; then
			f=1		# it ran nothing
		elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1
		fi
		pass=$((pass + p))
		fail=$((fail + f))
		skip=$((skip + s))
		if [ "$f" -ne 0 ]; then
			echo "FAIL $name $(basename "$t"): $p passed, $f failed, $s skipped (exit $rc)"
			grep -v '^ok ' "$log" | head -n 60
		elif [ "$s" -ne 0 ]; then
			echo "ok   $name $(basename "$t"): $p passed, $s skipped"
			sed -n 's/^ok [0-9]* # skip /    skip: /p; s/^1\.\.0 # SKIP /    skip: /p' "$log"
		else
			echo "ok   $name $(basename "$t"): $p passed"
		fi
	done
done
rm -f "$log"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
