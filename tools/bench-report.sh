#!/bin/sh
# bench-report.sh: crm-report on the bench store (tools/bench.sh sets
# BENCH_DB and BENCH_REF).  The issue's target: each report at most 0.2x
# the sqlite3 shell's .import of the same file, under 64 MB.  Each report
# is timed piped (its default CSV table, as a script reads it) and in the
# table form (every table of it, as a person reads it).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BENCH_DIR:=$top/build/bench}"
mkdir -p "$BENCH_DIR"
db=$BENCH_DB
last=$(sqlite3 "$db" "SELECT date(max(ordered_at), 'unixepoch') FROM orders")

# one LABEL CMD...: times CMD and prints a line.
one() {
	label=$1
	shift
	/usr/bin/time -f '%e %M %U %S' -o "$BENCH_DIR/time.out" "$@" \
	    >"$BENCH_DIR/out.txt" 2>/dev/null </dev/null ||
	    { echo "bench-report: $label failed" >&2; exit 1; }
	awk -v l="$label" -v ref="$BENCH_REF" '
	    { printf "crm-report %s: %.2f s (CPU %.2f s), %.2fx .import (target 0.2x), %.0f MB peak\n",
	      l, $1, $3 + $4, (ref > 0 ? $1 / ref : 0), $2 / 1024 }' \
	    "$BENCH_DIR/time.out"
}

for r in summary cycle monthly cohort products basket heatmap channels \
    migration quality; do
	one "$r" crm-report --db "$db" --as-of "$last" "$r"
done
for p in "cycle products" "cycle histogram" "cycle threshold" \
    "products categories" "basket summary" "channels overlap"; do
	set -- $p
	one "$1 --part $2" crm-report --db "$db" --as-of "$last" --part "$2" "$1"
done
for r in summary cycle products; do
	COLUMNS=100 one "$r --table" crm-report --db "$db" --as-of "$last" \
	    --table "$r"
done
one "summary --channel momo" crm-report --db "$db" --as-of "$last" \
    --channel momo summary
