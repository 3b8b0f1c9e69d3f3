#!/bin/sh
# bench-xlsx.sh: crm-import of the bench's orders as a workbook against
# the same orders as CSV.  The issue's targets: at most 2x the CSV's
# time, under 64 MB.  The workbook is written by libxlsxwriter
# (tools/csv2xlsx.c: text in its cells, numbers and dates typed, as
# openpyxl and libxlsxwriter write them); with BENCH_XLSX_SST=1 also one
# with its text in a shared string table, as Excel writes it
# (tests/mkxlsx.py big: slow to make), whose table is held in memory.
# Run alone or from tools/bench.sh (BENCH_CSV: its 1M-line file).
set -e
. "$(dirname "$0")/bench-lib.sh"
: "${BENCH_LINES:=1000000}"
cd "$BENCH_DIR"
csv=${BENCH_CSV:-$BENCH_DIR/main.csv}
[ -f "$csv" ] || "$top/build/plain/gen-orders" -s 1 -n "$BENCH_LINES" >"$csv"
lines=$(($(sed -n '$=' "$csv") - 1))

tool=$top/build/plain/csv2xlsx
[ "$tool" -nt "$top/tools/csv2xlsx.c" ] && [ "$tool" -nt "$top/build/plain/libcrm.a" ] ||
	cc -O2 -I"$top/src/lib" -o "$tool" "$top/tools/csv2xlsx.c" \
	    "$top/build/plain/libcrm.a" -lcsv $(pkg-config --cflags --libs \
	    sqlite3 libutf8proc libzip expat xlsxwriter) -lm -pthread
[ main.xlsx -nt "$csv" ] || "$tool" "$csv" main.xlsx
imp=$top/bin/crm-import

run() {
	rm -f "$1"*
	/usr/bin/time -f '%e %M %U %S' -o time.out "$imp" -q --db "$@" ||
	    { echo "bench: crm-import $2 failed" >&2; exit 1; }
	secs=$(awk '{print $1}' time.out)
	kb=$(awk '{print $2}' time.out)
	cpu=$(awk '{printf "%.2f", $3 + $4}' time.out)
}
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b != "" && b < a) ? b : a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
q="SELECT count(*), (SELECT count(*) FROM customers), sum(net) FROM orders"

# compare FILE LABEL: best of 2 each, in turn, against the CSV.
compare() {
	c= ccpu= x= xcpu= xkb=0
	for round in 1 2; do
		run csv.db "$csv"
		c=$(min "$secs" "$c")
		ccpu=$(min "$cpu" "$ccpu")
		run xlsx.db "$1"
		x=$(min "$secs" "$x")
		xcpu=$(min "$cpu" "$xcpu")
		[ "$kb" -gt "$xkb" ] && xkb=$kb
	done
	echo "crm-import, $lines lines as $2 ($(($(wc -c <"$1") / 1048576)) MB): $x s, $(ratio "$x" "$c")x the same as CSV ($c s; CPU: $xcpu s, $(ratio "$xcpu" "$ccpu")x; limit 2x; best of 2 each), $(mb "$xkb") MB peak (limit 64 MB)"
	a=$(sqlite3 xlsx.db "$q")
	if [ "$a" != "$(sqlite3 csv.db "$q")" ]; then
		echo "bench: the workbook and CSV stores differ" >&2
		exit 1
	fi
}

compare main.xlsx "a workbook (text in cells)"
if [ "${BENCH_XLSX_SST:-0}" = 1 ]; then
	[ sst.xlsx -nt "$csv" ] ||
		/usr/bin/python3 "$top/tests/mkxlsx.py" big "$csv" sst.xlsx
	compare sst.xlsx "a workbook (shared strings)"
fi
rm -f csv.db* xlsx.db*
