#!/bin/sh
# bench-segment.sh: crm-segment on the bench store (tools/bench.sh sets
# BENCH_DB and BENCH_REF).  The issue's targets: napl over all customers
# at most 0.1x the sqlite3 shell's .import of the same file, a filter
# with a product condition at most 0.3x, both under 64 MB.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BENCH_DIR:=$top/build/bench}"
db=$BENCH_DB
last=$(sqlite3 "$db" "SELECT date(max(ordered_at), 'unixepoch') FROM orders")

# one LABEL TARGET CMD...: times CMD and prints a line.
one() {
	label=$1
	target=$2
	shift 2
	/usr/bin/time -f '%e %M' -o "$BENCH_DIR/time.out" "$@" >"$BENCH_DIR/out.csv" \
	    2>/dev/null </dev/null || { echo "bench-segment: $label failed" >&2; exit 1; }
	awk -v l="$label" -v t="$target" -v ref="$BENCH_REF" \
	    -v n="$(($(wc -l <"$BENCH_DIR/out.csv") - 1))" '
	    { printf "crm-segment %s: %.2f s, %.2fx .import (target %s), %.0f MB peak (%d rows)\n",
	      l, $1, (ref > 0 ? $1 / ref : 0), t, $2 / 1024, n }' "$BENCH_DIR/time.out"
}

one "napl, all customers" 0.1x crm-segment --db "$db" --as-of "$last" napl
one "napl --summary" 0.1x crm-segment --db "$db" --as-of "$last" napl --summary
one "bought(sku = 'SKU-0042', since -30d)" 0.3x crm-segment --db "$db" \
    --as-of "$last" "bought(sku = 'SKU-0042', since -30d)"
one "bought(category = ..., since -1y) >= 2" 0.3x crm-segment --db "$db" \
    --as-of "$last" "bought(category = '$(sqlite3 "$db" \
    "SELECT category FROM products ORDER BY id LIMIT 1")', since -1y) >= 2"
one "orders >= 2 and spent > 3000, 3 columns" - crm-segment --db "$db" \
    --as-of "$last" --columns name,orders,spent "orders >= 2 and spent > 3000"
one "rfm_segment = 'Champions'" - crm-segment --db "$db" --as-of "$last" \
    "rfm_segment = 'Champions'"
rm -f "$BENCH_DIR/out.csv" "$BENCH_DIR/time.out"
