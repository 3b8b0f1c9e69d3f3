#!/bin/sh
# crm-rfm and crm-segment on a generated store of 20,000 order lines,
# checked against plain SQL over the orders and order lines (never the
# per-customer aggregates the programs read), at the last day and in the
# past.
test_description='crm-rfm and crm-segment against SQL on generated orders'
. "$(dirname "$0")/test-lib.sh"

gen="$SRC_DIR/build/plain/gen-orders"

test_expect_success 'a generated store' '
	"$gen" -s 7 -n 20000 >orders.csv &&
	crm-import --db g.db -q orders.csv &&
	last=$(sql g.db "SELECT max(ordered_at) / 86400 FROM orders") &&
	test "$last" -gt 0
'

last=$(sql g.db "SELECT max(ordered_at) / 86400 FROM orders" 2>/dev/null)
past=$((last - 200))
day() { sql g.db "SELECT date($1 * 86400, 'unixepoch')"; }
P="status IN ('completed', 'pending')"

# purchases as of day $1: customer_id, last day, orders, spent
stats() {
	echo "CREATE TEMP TABLE st AS SELECT customer_id, MAX(ordered_at / 86400) AS d,
	    COUNT(*) AS f, SUM(net) AS m,
	    COUNT(DISTINCT ordered_at / 86400) AS days
	    FROM orders WHERE $P AND ordered_at < ($1 + 1) * 86400
	    GROUP BY customer_id;"
}

for d in $last $past; do
	for b in 5 3; do
		test_expect_success "crm-rfm --bins $b as of $(day $d): RANK() in SQL" "
			{ stats $d; echo \"SELECT customer_id || ',' || ($d - d) || ',' || f ||
			    ',' || (1 + $b * (RANK() OVER (ORDER BY d) - 1) / n) ||
			    ',' || (1 + $b * (RANK() OVER (ORDER BY f) - 1) / n) ||
			    ',' || (1 + $b * (RANK() OVER (ORDER BY m) - 1) / n)
			    FROM st, (SELECT COUNT(*) AS n FROM st) ORDER BY customer_id;\"; } |
			    sqlite3 -batch g.db >expect &&
			crm-rfm --db g.db --as-of $(day $d) --bins $b | sed 1d |
			    cut -d, -f1-3,5-7 >actual &&
			test_cmp expect actual
		"
	done
done

test_expect_success 'crm-segment rfm_segment agrees with crm-rfm' '
	crm-rfm --db g.db --as-of $(day $last) |
	    awk -F, "NR > 1 && \$9 == \"At Risk\" { print \$1 }" >expect &&
	test -s expect &&
	crm-segment --db g.db --as-of $(day $last) "rfm_segment = '\''At Risk'\''" |
	    sed 1d >actual &&
	test_cmp expect actual &&
	crm-rfm --db g.db --as-of $(day $last) | sed 1d | cut -d, -f1,8,9 >expect &&
	crm-segment --db g.db --as-of $(day $last) --columns rfm,rfm_segment purchased |
	    sed 1d >actual &&
	test_cmp expect actual
'

test_expect_success 'napl --lost-after 90 as of the last day and in the past' '
	for d in $last $past; do
		{ stats $d; echo "SELECT customer_id || '\'','\'' || CASE
		    WHEN $d - d > 90 THEN '\''lost'\''
		    WHEN days >= 2 THEN '\''active'\'' ELSE '\''new'\'' END ||
		    '\'','\'' || ($d - d) || '\'',90'\'' FROM st ORDER BY customer_id;"; } |
		    sqlite3 -batch g.db >expect &&
		crm-segment --db g.db --as-of $(day $d) --lost-after 90 napl |
		    sed 1d >actual &&
		test_cmp expect actual || return 1
	done
'

test_expect_success 'the lost threshold is 3 x the median first-to-second purchase gap' '
	{ stats $last; echo "CREATE TEMP TABLE g AS SELECT s.customer_id,
	    (SELECT MIN(ordered_at / 86400) FROM orders o WHERE o.customer_id = s.customer_id
	     AND $P AND ordered_at / 86400 > (SELECT MIN(ordered_at / 86400) FROM orders o2
	     WHERE o2.customer_id = s.customer_id AND $P)) -
	    (SELECT MIN(ordered_at / 86400) FROM orders o WHERE o.customer_id = s.customer_id
	     AND $P) AS gap FROM st s WHERE days >= 2;
	    SELECT CAST(3 * AVG(gap) + 0.999999 AS INTEGER) FROM (SELECT gap FROM g ORDER BY gap
	    LIMIT 2 - (SELECT COUNT(*) FROM g) % 2
	    OFFSET ((SELECT COUNT(*) FROM g) - 1) / 2);"; } |
	    sqlite3 -batch g.db >expect &&
	crm-segment --db g.db --as-of $(day $last) napl --summary |
	    sed -n 2p | cut -d, -f4 >actual &&
	test_cmp expect actual
'

# "bought" in SQL: purchases with a line not fully returned that matches.
bought() {
	echo "SELECT o.customer_id FROM orders o JOIN order_items i ON i.order_id = o.id
	    JOIN products p ON p.id = i.product_id WHERE o.$P
	    AND i.quantity > i.returned_qty AND ordered_at < ($1 + 1) * 86400
	    AND ordered_at >= ($2) * 86400 AND ($3)
	    GROUP BY o.customer_id HAVING $4 ORDER BY 1;"
}

test_expect_success 'bought(sku, since -30d) as SQL over the order lines' '
	sku=$(sql g.db "SELECT sku FROM products ORDER BY id LIMIT 1") &&
	bought $last "$last - 30" "p.sku = '\''$sku'\''" "COUNT(DISTINCT o.id) >= 1" |
	    sqlite3 -batch g.db >expect &&
	test -s expect &&
	crm-segment --db g.db --as-of $(day $last) \
	    "bought(sku = '\''$sku'\'', since -30d) >= 1" | sed 1d >actual &&
	test_cmp expect actual
'

test_expect_success 'bought(category, between) >= 2 and units() in the past' '
	cat=$(sql g.db "SELECT category FROM products ORDER BY id LIMIT 1") &&
	bought $past "$past - 99" "p.category = '\''$cat'\''" "COUNT(DISTINCT o.id) >= 2" |
	    sqlite3 -batch g.db >expect &&
	test -s expect &&
	crm-segment --db g.db --as-of $(day $past) \
	    "bought(category = '\''$cat'\'', between -99d and today) >= 2" |
	    sed 1d >actual &&
	test_cmp expect actual &&
	bought $past 0 "p.category = '\''$cat'\''" "SUM(i.quantity - i.returned_qty) >= 5" |
	    sqlite3 -batch g.db >expect &&
	crm-segment --db g.db --as-of $(day $past) \
	    "units(category = '\''$cat'\'') >= 5" | sed 1d >actual &&
	test_cmp expect actual
'

test_expect_success 'orders() and spent() in a window as SQL over the orders' '
	sql g.db "SELECT customer_id FROM orders WHERE $P
	    AND ordered_at >= ($past - 59) * 86400 AND ordered_at < ($past + 1) * 86400
	    GROUP BY customer_id HAVING COUNT(*) >= 2 AND SUM(net) > 200000
	    ORDER BY 1" >expect &&
	test -s expect &&
	crm-segment --db g.db --as-of $(day $past) \
	    "orders(since -59d) >= 2 and spent(since -59d) > 2000" | sed 1d >actual &&
	test_cmp expect actual
'

test_expect_success 'stage = lost counts what napl calls lost' '
	crm-segment --db g.db --as-of $(day $last) napl | grep -c ",lost," >expect &&
	crm-segment --db g.db --as-of $(day $last) --count lost >actual &&
	test_cmp expect actual
'

test_done
