#!/bin/sh
# bench-rfm.sh: crm-rfm on the bench store (tools/bench.sh sets BENCH_DB
# and BENCH_REF).  The issue's target: scoring all customers at most 0.1x
# the sqlite3 shell's .import of the same file, under 64 MB: it reads
# the per-customer aggregates, never the order lines.
set -e
. "$(dirname "$0")/bench-lib.sh"
db=$BENCH_DB
last=$(bench_last "$db")
past=$(bench_last "$db" 180)


bench_one crm-rfm "all customers as of $last" 0.1x crm-rfm --db "$db" --as-of "$last"
bench_one crm-rfm "--summary as of $last" 0.1x crm-rfm --db "$db" --as-of "$last" --summary
bench_one crm-rfm "all customers as of $past (from the orders)" - crm-rfm --db "$db" --as-of "$past"

# The numbers, checked on the bench data against plain SQL over the
# orders: 1 + floor(5 * (RANK() - 1) / N) per measure.
d=$(sqlite3 "$db" "SELECT max(ordered_at) / 86400 FROM orders")
sqlite3 -batch "$db" "WITH s AS (SELECT customer_id, MAX(ordered_at / 86400) AS d,
    COUNT(*) AS f, SUM(net) AS m FROM orders
    WHERE status IN ('completed', 'pending') AND ordered_at < ($d + 1) * 86400
    GROUP BY customer_id), n AS (SELECT COUNT(*) AS n FROM s)
  SELECT customer_id || ',' || ($d - d) || ',' || f || ',' ||
    (1 + 5 * (RANK() OVER (ORDER BY d) - 1) / n) || ',' ||
    (1 + 5 * (RANK() OVER (ORDER BY f) - 1) / n) || ',' ||
    (1 + 5 * (RANK() OVER (ORDER BY m) - 1) / n)
  FROM s, n ORDER BY customer_id" >"$BENCH_DIR/rfm.sql.csv"
crm-rfm --db "$db" --as-of "$last" </dev/null | sed 1d | cut -d, -f1-3,5-7 \
    >"$BENCH_DIR/rfm.out.csv"
if cmp -s "$BENCH_DIR/rfm.sql.csv" "$BENCH_DIR/rfm.out.csv"; then
	echo "crm-rfm scores agree with SQL over the orders: $(wc -l <"$BENCH_DIR/rfm.out.csv") customers"
else
	echo "crm-rfm scores DIFFER from SQL over the orders" >&2
	exit 1
fi
rm -f "$BENCH_DIR/out.csv" "$BENCH_DIR/time.out" "$BENCH_DIR/rfm.sql.csv" \
    "$BENCH_DIR/rfm.out.csv"
