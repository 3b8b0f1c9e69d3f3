#!/bin/sh
# bench-segment.sh: crm-segment on the bench store (tools/bench.sh sets
# BENCH_DB and BENCH_REF).  The issue's targets: napl over all customers
# at most 0.1x the sqlite3 shell's .import of the same file, a filter
# with a product condition at most 0.3x, both under 64 MB.
set -e
. "$(dirname "$0")/bench-lib.sh"
db=$BENCH_DB
last=$(bench_last "$db")


bench_one crm-segment "napl, all customers" 0.1x crm-segment --db "$db" --as-of "$last" napl
bench_one crm-segment "napl --summary" 0.1x crm-segment --db "$db" --as-of "$last" napl --summary
bench_one crm-segment "bought(sku = 'SKU-0042', since -30d)" 0.3x crm-segment --db "$db" \
    --as-of "$last" "bought(sku = 'SKU-0042', since -30d)"
bench_one crm-segment "bought(category = ..., since -1y) >= 2" 0.3x crm-segment --db "$db" \
    --as-of "$last" "bought(category = '$(sqlite3 "$db" \
    "SELECT category FROM products ORDER BY id LIMIT 1")', since -1y) >= 2"
bench_one crm-segment "orders >= 2 and spent > 3000, 3 columns" - crm-segment --db "$db" \
    --as-of "$last" --columns name,orders,spent "orders >= 2 and spent > 3000"
bench_one crm-segment "rfm_segment = 'Champions'" - crm-segment --db "$db" --as-of "$last" \
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
