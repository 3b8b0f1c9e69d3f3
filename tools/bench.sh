#!/bin/sh
# bench.sh: crmkit's speed and memory, as ratios to the sqlite3 shell's
# .import of the same file on the same machine in the same run (shared
# machines are noisy; a ratio travels, seconds do not).
#
#   BENCH_LINES  lines in the main file      [default: 1000000]
#   BENCH_BIG    lines in the memory check and the weekly job's large store
#                [default: 5000000; 0 skips]
#   BENCH_DIR    where files go              [default: build/bench]
#   BENCH_WEEK   lines of the week in bench-weekly.sh [default: 34000]
#   BENCH_ROUNDS rounds of .import and the first import, in turn [default: 3]
#
# Each program's own measurements are in tools/bench-*.sh; they get
# BENCH_DB (the store after the main import), BENCH_CSV and BENCH_REF
# (seconds .import took) and print one line per measurement.
set -e
cd "$(dirname "$0")/.."
top=$(pwd)
: "${BENCH_LINES:=1000000}" "${BENCH_BIG:=5000000}"
: "${BENCH_DIR:=$top/build/bench}"
gen=$top/build/plain/gen-orders
imp=$top/bin/crm-import
mkdir -p "$BENCH_DIR"
cd "$BENCH_DIR"

# measure LABEL CMD...: runs CMD, sets $secs and $kb (peak RSS).
measure() {
	label=$1
	shift
	/usr/bin/time -f '%e %M %U %S' -o time.out "$@" || {
		echo "bench: $label failed" >&2
		exit 1
	}
	secs=$(awk '{print $1}' time.out)
	kb=$(awk '{print $2}' time.out)
	cpu=$(awk '{printf "%.2f", $3 + $4}' time.out)
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

[ -f main.csv ] && [ "$(sed -n '$=' main.csv)" -gt "$BENCH_LINES" ] ||
	"$gen" -s 1 -n "$BENCH_LINES" >main.csv
[ -f new.csv ] || "$gen" -s 2 -n 50000 --id-prefix N --start 2026-01-01 \
	--days 30 --first-customer 195000 >new.csv

# The reference and the first import, in turn, BENCH_ROUNDS times: on a
# shared machine one run of either may land in a neighbour's burst, so
# the medians are what count, and each round's ratio is shown beside.
# median LIST: the middle of the numbers (the mean of the two middle ones).
median() {
	printf '%s\n' $1 | sort -n | awk '{ v[NR] = $1 }
	    END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
: "${BENCH_ROUNDS:=3}"
refs= refcpus= firsts= firstcpus= rounds= refkb=0 firstkb=0
i=0
while [ $i -lt "$BENCH_ROUNDS" ]; do
	rm -f ref.db*
	measure ".import" sqlite3 ref.db ".mode csv" ".import main.csv orders"
	refs="$refs $secs" refcpus="$refcpus $cpu" r=$secs
	[ "$kb" -gt "$refkb" ] && refkb=$kb
	rm -f bench.db*
	measure "crm-import" "$imp" -q --db bench.db main.csv
	firsts="$firsts $secs" firstcpus="$firstcpus $cpu"
	[ "$kb" -gt "$firstkb" ] && firstkb=$kb
	rounds="$rounds $(ratio "$secs" "$r")x"
	i=$((i + 1))
done
ref=$(median "$refs") refcpu=$(median "$refcpus")
first=$(median "$firsts") firstcpu=$(median "$firstcpus")
echo "sqlite3 .import of $BENCH_LINES lines: median $ref s of$refs ($refcpu s CPU), $(mb "$refkb") MB peak (the reference)"
echo "crm-import, $BENCH_LINES lines into an empty store: median $first s of$firsts, $(ratio "$first" "$ref")x .import (target 2.5x; each round:$rounds; CPU: $firstcpu s, $(ratio "$firstcpu" "$refcpu")x), $(mb "$firstkb") MB peak"

measure "crm-import again" "$imp" -q --db bench.db main.csv
echo "crm-import, the same file again (nothing changes): $secs s, $(ratio "$secs" "$ref")x .import (CPU: $(ratio "$cpu" "$refcpu")x), $(mb "$kb") MB peak"

cp bench.db inc.db
sync	# the copy on disk first: its flush is not the import's cost
measure "crm-import new" "$imp" -q --db inc.db new.csv
echo "crm-import, 50000 new lines into the full store: $secs s, $(ratio "$secs" "$first")x the first import (CPU: $(ratio "$cpu" "$firstcpu")x; lines: 0.05x), $(mb "$kb") MB peak"
rm -f inc.db*

# The same orders as a Shopee export saved in Big5 (format from the
# header, encoding from the bytes) and as a plain UTF-8 file, all shopee.
[ -f shopee-big5.csv ] && [ -f shopee-plain.csv ] &&
	[ "$(sed -n '$=' shopee-plain.csv)" -gt "$BENCH_LINES" ] || {
	"$gen" -s 1 -n "$BENCH_LINES" --layout shopee |
		iconv -f UTF-8 -t CP950 >shopee-big5.csv
	"$gen" -s 1 -n "$BENCH_LINES" --channel shopee >shopee-plain.csv
}
# A ratio of two runs of a few seconds: each is run twice, in turn, and
# the faster of each pair counts, so a neighbour's burst weighs less.
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b != "" && b < a) ? b : a }'; }
plain= plaincpu= big5= big5cpu= big5kb=0
for round in 1 2; do
	rm -f shopee-plain.db* shopee-big5.db*
	measure "crm-import plain shopee" "$imp" -q --db shopee-plain.db shopee-plain.csv
	plain=$(min "$secs" "$plain")
	plaincpu=$(min "$cpu" "$plaincpu")
	measure "crm-import Shopee Big5" "$imp" -q --db shopee-big5.db shopee-big5.csv
	big5=$(min "$secs" "$big5")
	big5cpu=$(min "$cpu" "$big5cpu")
	[ "$kb" -gt "$big5kb" ] && big5kb=$kb
done
echo "crm-import, Shopee export in Big5: $big5 s, $(ratio "$big5" "$plain")x the same data in the plain format in UTF-8 (CPU: $(ratio "$big5cpu" "$plaincpu")x; limit 1.15x; best of 2 each), $(mb "$big5kb") MB peak"
q="SELECT count(*), (SELECT count(*) FROM customers), sum(net) FROM orders"
a=$(sqlite3 shopee-big5.db "$q")
if [ "$a" = "$(sqlite3 shopee-plain.db "$q")" ]; then
	echo "crm-import, Shopee and plain stores agree: $a (orders|customers|sum(net))"
else
	echo "bench: Shopee and plain stores differ" >&2
	exit 1
fi
rm -f shopee-plain.db* shopee-big5.db*

export BENCH_DB="$BENCH_DIR/bench.db" BENCH_CSV="$BENCH_DIR/main.csv"
export BENCH_REF="$ref" BENCH_FIRST="$first" BENCH_DIR
for b in "$top"/tools/bench-*.sh; do
	[ -e "$b" ] || continue
	PATH="$top/bin:$PATH" sh "$b" || echo "bench: $(basename "$b") failed"
done

if [ "$BENCH_BIG" -gt 0 ]; then
	"$gen" -s 3 -n "$BENCH_BIG" >big.csv
	rm -f big.db*
	measure "crm-import big" "$imp" -q --db big.db big.csv
	echo "crm-import, $BENCH_BIG lines: $secs s, $(mb "$kb") MB peak (limit 64 MB)"
	rm -f big.db* big.csv
	# The weekly job on a store of BENCH_BIG lines (its own history, of
	# the same shape as big.csv, whose first import sets the cost a line
	# the week's is held against).
	BENCH_LINES=$BENCH_BIG BENCH_DB= BENCH_CSV= BENCH_FIRST=$secs \
	    PATH="$top/bin:$PATH" sh "$top/tools/bench-weekly.sh" ||
	    echo "bench: weekly $BENCH_BIG failed"
fi
