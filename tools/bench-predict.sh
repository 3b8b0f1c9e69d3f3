#!/bin/sh
# bench-predict.sh: crm-predict on the bench store (tools/bench.sh sets
# BENCH_DB and BENCH_REF).  The issue's target: BG/NBD and Gamma-Gamma
# fitted and every customer scored at most 0.5x the sqlite3 shell's
# .import of the same file; and a million customers under 64 MB (a
# store of its own: BENCH_PREDICT_BIG customers, 0 skips).
set -e
. "$(dirname "$0")/bench-lib.sh"
db=$BENCH_DB
last=$(bench_last "$db")
: "${BENCH_PREDICT_BIG:=1000000}"

bench_one crm-predict "summary as of $last" - \
    crm-predict --db "$db" --as-of "$last" summary
bench_one crm-predict "BG/NBD fit as of $last" - \
    crm-predict --db "$db" --as-of "$last" fit
bench_one crm-predict "customers (BG/NBD and Gamma-Gamma) as of $last" 0.5x \
    crm-predict --db "$db" --as-of "$last" customers
bench_one crm-predict "check, 180-day holdout" - \
    crm-predict --db "$db" --as-of "$last" --holdout 180 --model bgnbd check

# The summary, checked on the bench data against plain SQL over the
# orders: purchase days per customer, the first and the last.
d=$(sqlite3 "$db" "SELECT max(ordered_at) / 86400 FROM orders")
sqlite3 -batch "$db" "WITH p AS (SELECT DISTINCT customer_id,
    ordered_at / 86400 AS day FROM orders
    WHERE status IN ('completed', 'pending') AND ordered_at < ($d + 1) * 86400)
  SELECT customer_id || ',' || (count(*) - 1) || ',' || (max(day) - min(day))
    || ',' || ($d - min(day)) FROM p GROUP BY customer_id
  ORDER BY customer_id" >"$BENCH_DIR/predict.sql.csv"
crm-predict --db "$db" --as-of "$last" summary </dev/null |
    sed 1d | cut -d, -f1-4 >"$BENCH_DIR/predict.out.csv"
if cmp -s "$BENCH_DIR/predict.sql.csv" "$BENCH_DIR/predict.out.csv"; then
	echo "crm-predict summary agrees with SQL over the orders: $(wc -l <"$BENCH_DIR/predict.out.csv") customers"
else
	echo "crm-predict summary DIFFERS from SQL over the orders" >&2
	exit 1
fi

# A million customers, two to three orders each, over five years.
if [ "$BENCH_PREDICT_BIG" -gt 0 ]; then
	big=$BENCH_DIR/predict-big.db
	if ! [ -f "$big" ]; then
		awk -v n="$BENCH_PREDICT_BIG" -f "$top/examples/predict-orders.awk" \
		    >"$BENCH_DIR/predict-big.csv"
		crm-import -q --db "$big" "$BENCH_DIR/predict-big.csv"
		rm -f "$BENCH_DIR/predict-big.csv"
	fi
	n=$(sqlite3 "$big" "SELECT count(*) FROM customers")
	bench_one crm-predict "customers, $n customers (limit 64 MB)" - \
	    crm-predict --db "$big" --as-of 2026-06-30 --model mbgnbd customers
fi
rm -f "$BENCH_DIR/out.csv" "$BENCH_DIR/time.out" \
    "$BENCH_DIR/predict.sql.csv" "$BENCH_DIR/predict.out.csv"
