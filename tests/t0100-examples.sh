#!/bin/sh
test_description='the bundled examples run, and what they store is right'
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'examples/demo.sh runs' '
	DEMO_DIR=$TRASH/demo sh "$SRC_DIR/examples/demo.sh" >out 2>err &&
	test_grep "^customers  buyers" out
'

# examples/README.md gives the counts, worked out by re-merging the
# records independently of crm-import.
test_expect_success 'the demo store: 79 customers, 64 buyers, 29 members, 130 events' '
	echo "79|64|29|130" >expect &&
	sql demo/crm.db "SELECT (SELECT count(*) FROM customers),
	    (SELECT count(*) FROM customer_stats), (SELECT count(*) FROM members),
	    (SELECT count(*) FROM events)" >actual &&
	test_cmp expect actual
'

test_expect_success 'examples/orders.csv, the plain format, imports' '
	crm-import -q --db plain.db "$SRC_DIR/examples/orders.csv"
'

# Independent figures, from the CSV loaded as it is by the sqlite3 shell:
# orders once each (order-level values repeat on each line), revenue from
# paid_total of the orders neither cancelled nor returned, and customers
# as the connected groups of channel accounts, phones and emails that
# orders share (masked phones share nothing).
test_expect_success 'the plain store holds what examples/orders.csv says' '
	sqlite3 raw.db ".mode csv" ".import $SRC_DIR/examples/orders.csv o" &&
	cat >q.sql <<-\EOF &&
	CREATE TABLE k AS SELECT DISTINCT order_id, "a:" || channel || ":" || account AS key FROM o WHERE account != ""
	  UNION SELECT DISTINCT order_id, "p:" || phone FROM o WHERE phone != "" AND phone NOT LIKE "%*%"
	  UNION SELECT DISTINCT order_id, "e:" || lower(email) FROM o WHERE email != "";
	CREATE TABLE e AS SELECT a.key AS x, b.key AS y FROM k a JOIN k b USING (order_id);
	WITH RECURSIVE r(x, y) AS (SELECT x, y FROM e UNION SELECT r.x, e.y FROM r JOIN e ON e.x = r.y)
	SELECT (SELECT count(DISTINCT c) FROM (SELECT x, min(y) AS c FROM r GROUP BY x)),
	  (SELECT count(DISTINCT order_id) FROM o),
	  (SELECT count(DISTINCT order_id) FROM o WHERE status IN ("completed", "pending")),
	  (SELECT printf("%.2f", sum(t)) FROM (SELECT DISTINCT order_id, paid_total + 0 AS t FROM o
	      WHERE status IN ("completed", "pending")));
	EOF
	sqlite3 raw.db <q.sql | tr , "|" >expect &&
	sql plain.db "SELECT (SELECT count(*) FROM customers),
	    (SELECT count(*) FROM orders),
	    (SELECT count(*) FROM orders WHERE status IN (\"completed\", \"pending\")),
	    (SELECT printf(\"%.2f\", sum(net) / 100.0) FROM orders)" >actual &&
	test_cmp expect actual
'

test_done
