#!/bin/sh
# demo.sh: imports every bundled example into a fresh store and shows what
# was stored.  `make demo` runs it; tests/t0100-examples.sh checks it.
set -e
cd "$(dirname "$0")/.."
top=$(pwd)
PATH="$top/bin:$PATH"
: "${DEMO_DIR:=$top/build/demo}"
mkdir -p "$DEMO_DIR"
db="$DEMO_DIR/crm.db"
rm -f "$db" "$db-wal" "$db-shm"
export CRM_DB="$db"

echo "== crm-import: the plain format (examples/orders.csv)"
crm-import examples/orders.csv

echo
echo "== the store: $db"
sqlite3 -header -column "$db" "
SELECT (SELECT count(*) FROM customers) AS customers,
       (SELECT count(*) FROM orders) AS orders,
       (SELECT count(*) FROM orders WHERE status IN ('completed', 'pending')) AS purchases,
       (SELECT printf('%.2f', sum(net) / 100.0) FROM orders) AS revenue,
       (SELECT count(*) FROM customer_stats WHERE purchase_days >= 2) AS repeat_buyers;"
echo
echo "== the five best customers"
sqlite3 -header -column "$db" "
SELECT c.id AS customer_id, c.name, c.channel, s.purchases AS orders,
       s.purchase_days AS days, printf('%.2f', s.spent / 100.0) AS spent,
       date(s.last_at, 'unixepoch') AS last_order
FROM customers c JOIN customer_stats s ON s.customer_id = c.id
ORDER BY s.spent DESC, c.id LIMIT 5;"
