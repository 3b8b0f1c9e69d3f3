#!/bin/sh
# bench-rfm.sh: crm-rfm on the bench store (tools/bench.sh sets BENCH_DB
# and BENCH_REF).  The issue's target: scoring all customers at most 0.1x
# the sqlite3 shell's .import of the same file, under 64 MB: it reads
# the per-customer aggregates, never the order lines.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BENCH_DIR:=$top/build/bench}"
db=$BENCH_DB
last=$(sqlite3 "$db" "SELECT date(max(ordered_at), 'unixepoch') FROM orders")
past=$(sqlite3 "$db" "SELECT date(max(ordered_at) - 180 * 86400, 'unixepoch') FROM orders")

# one LABEL TARGET CMD...: times CMD and prints a line.
one() {
	label=$1
	target=$2
	shift 2
	/usr/bin/time -f '%e %M' -o "$BENCH_DIR/time.out" "$@" >"$BENCH_DIR/out.csv" \
	    2>/dev/null </dev/null || { echo "bench-rfm: $label failed" >&2; exit 1; }
	awk -v l="$label" -v t="$target" -v ref="$BENCH_REF" \
	    -v n="$(($(wc -l <"$BENCH_DIR/out.csv") - 1))" '
	    { printf "crm-rfm %s: %.2f s, %.2fx .import (target %s), %.0f MB peak (%d rows)\n",
	      l, $1, (ref > 0 ? $1 / ref : 0), t, $2 / 1024, n }' "$BENCH_DIR/time.out"
}

one "all customers as of $last" 0.1x crm-rfm --db "$db" --as-of "$last"
one "--summary as of $last" 0.1x crm-rfm --db "$db" --as-of "$last" --summary
one "all customers as of $past (from the orders)" - crm-rfm --db "$db" --as-of "$past"
rm -f "$BENCH_DIR/out.csv" "$BENCH_DIR/time.out"
