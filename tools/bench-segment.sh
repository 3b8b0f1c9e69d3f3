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

# The product filter, checked on the bench data against plain SQL over
# the order lines.
d=$(sqlite3 "$db" "SELECT max(ordered_at) / 86400 FROM orders")
sqlite3 -batch "$db" "SELECT o.customer_id FROM orders o
    JOIN order_items i ON i.order_id = o.id JOIN products p ON p.id = i.product_id
    WHERE o.status IN ('completed', 'pending') AND i.quantity > i.returned_qty
    AND p.sku = 'SKU-0042' AND o.ordered_at >= ($d - 30) * 86400
    AND o.ordered_at < ($d + 1) * 86400 GROUP BY 1 ORDER BY 1" >"$BENCH_DIR/seg.sql.csv"
crm-segment --db "$db" --as-of "$last" "bought(sku = 'SKU-0042', since -30d)" \
    </dev/null | sed 1d >"$BENCH_DIR/seg.out.csv"
if cmp -s "$BENCH_DIR/seg.sql.csv" "$BENCH_DIR/seg.out.csv"; then
	echo "crm-segment bought() agrees with SQL over the order lines: $(wc -l <"$BENCH_DIR/seg.out.csv") customers"
else
	echo "crm-segment bought() DIFFERS from SQL over the order lines" >&2
	exit 1
fi
rm -f "$BENCH_DIR/out.csv" "$BENCH_DIR/time.out" "$BENCH_DIR/seg.sql.csv" \
    "$BENCH_DIR/seg.out.csv"
