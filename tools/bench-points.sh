#!/bin/sh
# bench-points.sh: crm-points on the bench store (tools/bench.sh sets
# BENCH_DB and BENCH_REF).  The issue's target: balances for every
# customer at most 0.3x the sqlite3 shell's .import of the same file,
# under 64 MB: one customer's history at a time, read in customer order
# through the orders_customer index.
set -e
. "$(dirname "$0")/bench-lib.sh"
db=$BENCH_DB
last=$(bench_last "$db")
start=$(bench_last "$db" 365)
pfile=$BENCH_DIR/points.programme
cat >"$pfile" <<EOP
programme bench
start $start
earn 1 per 100
pending 14
signup 100
birthday 200
first-purchase 50
expire 180
tier silver 5000 12m
tier gold 20000 12m multiplier 1.5
value 0.1
EOP
bench_one crm-points "balances as of $last" 0.3x crm-points --db "$db" --as-of "$last" balances "$pfile"
bench_one crm-points "liability as of $last" - crm-points --db "$db" --as-of "$last" liability "$pfile"

# A plain programme's balances against SQL over the orders: every
# purchase from the start earns floor(net / 100).
printf 'programme plain\nstart %s\nearn 1 per 100\n' "$start" >"$pfile"
crm-points --db "$db" --as-of "$last" balances "$pfile" </dev/null |
    awk -F, 'NR > 1 && $2 > 0 { print $1 "," $6 }' >"$BENCH_DIR/points.out.csv"
sqlite3 -batch "$db" "SELECT customer_id || ',' || SUM(net / 10000)
    FROM orders WHERE status IN ('completed', 'pending')
      AND ordered_at >= CAST((julianday('$start') - 2440587.5) * 86400 AS INTEGER)
      AND ordered_at < CAST((julianday('$last') + 1 - 2440587.5) * 86400 AS INTEGER)
      AND customer_id IS NOT NULL
    GROUP BY customer_id HAVING SUM(net / 10000) > 0
    ORDER BY customer_id" >"$BENCH_DIR/points.sql.csv"
if cmp -s "$BENCH_DIR/points.sql.csv" "$BENCH_DIR/points.out.csv"; then
	echo "crm-points balances agree with SQL over the orders: $(wc -l <"$BENCH_DIR/points.out.csv") customers"
else
	echo "crm-points balances DIFFER from SQL over the orders" >&2
	exit 1
fi
rm -f "$BENCH_DIR/out.csv" "$BENCH_DIR/time.out" "$pfile" \
    "$BENCH_DIR/points.sql.csv" "$BENCH_DIR/points.out.csv"
