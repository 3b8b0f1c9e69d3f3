#!/bin/sh
# demo.sh: imports the bundled exports of one small shop (Shopee, momo,
# QDM, Shopify, its members, email events and coupon claims) into a fresh
# store and shows what was stored.  `make demo` runs it;
# tests/t0100-examples.sh checks it.
set -e
cd "$(dirname "$0")/.."
top=$(pwd)
PATH="$top/bin:$PATH"
: "${DEMO_DIR:=$top/build/demo}"
mkdir -p "$DEMO_DIR"
db="$DEMO_DIR/crm.db"
rm -f "$db" "$db-wal" "$db-shm"
export CRM_DB="$db"

echo "== crm-import: every export as the platforms hand them out"
for f in shopee-orders-old shopee-orders momo-orders qdm-orders \
    shopify-orders qdm-members email-events coupon-claims; do
	crm-import "examples/$f.csv"
done

echo
echo "== the store: $db"
sqlite3 -header -column "$db" "
SELECT (SELECT count(*) FROM customers) AS customers,
       (SELECT count(*) FROM customer_stats) AS buyers,
       (SELECT count(*) FROM orders) AS orders,
       (SELECT count(*) FROM orders WHERE status IN ('completed', 'pending')) AS purchases,
       (SELECT printf('%.0f', sum(net) / 100.0) FROM orders) AS revenue,
       (SELECT count(*) FROM customer_stats WHERE purchase_days >= 2) AS repeat_buyers,
       (SELECT count(*) FROM members) AS members,
       (SELECT count(*) FROM events) AS events;"
echo
echo "== customers who buy on more than one channel"
sqlite3 -header -column "$db" "
SELECT o.customer_id, group_concat(DISTINCT o.channel) AS channels,
       count(*) AS orders
FROM orders o
GROUP BY o.customer_id HAVING count(DISTINCT o.channel) > 1
ORDER BY o.customer_id;"
if [ -x bin/crm-report ]; then
	echo
	echo "== crm-report summary --as-of 2026-11-23"
	crm-report summary --as-of 2026-11-23 --table || true
fi
