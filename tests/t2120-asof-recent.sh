#!/bin/sh
# t2120-asof-recent.sh: the customers as of a day just before the
# store's newest order.  Such a day (a cron that imports this morning's
# orders, then asks about yesterday) takes customer_stats' rows of the
# customers with no later order and computes only the others from their
# orders; every figure must still be what plain SQL over the orders
# gives, credit notes and guest orders after the day included.
test_description='as of a day just before the newest order'
. "$(dirname "$0")/test-lib.sh"

# day DATE: its day number.
day() {
	sqlite3 :memory: "SELECT CAST(julianday('$1') - 2440587.5 AS INT)"
}

# rfm_sql DB DAY [FILTER]: customer_id, recency, frequency and monetary
# (net of credit notes) of every customer with a purchase up to DAY.
rfm_sql() {
	sqlite3 -batch -noheader -separator , "$1" "SELECT customer_id,
	    $2 - MAX(CASE WHEN status <> 'credit' THEN ordered_at / 86400 END),
	    SUM(status <> 'credit'),
	    printf('%d.%02d', SUM(net) / 100, SUM(net) % 100)
	    FROM orders WHERE status IN ('completed', 'pending', 'credit')
	    AND customer_id IS NOT NULL AND ordered_at < ($2 + 1) * 86400 $3
	    GROUP BY customer_id HAVING SUM(status <> 'credit') > 0
	    ORDER BY customer_id"
}

# 90 days of orders (2024-01-01 to 2024-03-30); then, over its last six
# days, credit notes for half of some earlier orders, an order of no
# known buyer each day, and a credit note of a buyer never seen before.
test_expect_success 'a store with credit notes and guests in its last days' '
	"$SRC_DIR/build/plain/gen-orders" -s 11 -n 3000 --days 90 >g.csv &&
	awk -F, -v OFS=, '\''
	NR == 1 { print; next }
	$1 != last && ++n % 9 == 0 && n < 900 {
		d = 25 + n % 6
		print "C" $1, "2024-03-" d " 08:00", $3, "credit", $5, "", "",
		    "", $9, "x", "y", -1, int($17 / 2), 0, 0, "", -int($17 / 2)
	}
	{ last = $1 }
	END {
		for (d = 25; d <= 30; d++)
			print "G" d, "2024-03-" d " 09:00", "shopee", "completed",
			    "", "", "", "", "SKU-0001", "x", "y", 1, 700, 0, 0, "",
			    700
		print "CN1", "2024-03-28 10:00", "shopee", "credit",
		    "newcomer", "", "", "", "SKU-0001", "x", "y", -1, 300, 0,
		    0, "", -300
	}'\'' g.csv >c.csv &&
	crm-import -q --db g.db g.csv c.csv &&
	test "$(sql g.db "SELECT count(*) FROM orders WHERE status = '\''credit'\''
	    AND ordered_at >= $(day 2024-03-25) * 86400")" -ge 80 &&
	test "$(sql g.db "SELECT count(*) FROM orders WHERE customer_id IS NULL")" = 6
'

test_expect_success 'crm-rfm as of each of the last days agrees with SQL' '
	for d in 2024-03-24 2024-03-25 2024-03-27 2024-03-29 2024-03-30; do
		rfm_sql g.db $(day $d) >expect.$d &&
		crm-rfm --db g.db --as-of $d | sed 1d | cut -d, -f1-4 >actual.$d &&
		test_cmp expect.$d actual.$d || return 1
	done
'

test_expect_success 'a customer list as of such a day agrees with SQL' '
	sql g.db "SELECT DISTINCT customer_id FROM orders WHERE customer_id % 3 = 0
	    AND customer_id IS NOT NULL ORDER BY 1" >ids &&
	{ echo customer_id; cat ids; } >list.csv &&
	rfm_sql g.db $(day 2024-03-27) "AND customer_id % 3 = 0" >expect &&
	crm-rfm --db g.db --as-of 2024-03-27 --within <list.csv |
	    sed 1d | cut -d, -f1-4 >actual &&
	test_cmp expect actual
'

test_expect_success 'crm-segment: spend net of later credit notes does not count' '
	rfm_sql g.db $(day 2024-03-26) | awk -F, '\''$3 >= 2 && $4 > 1000 { print $1 }'\'' >expect &&
	crm-segment --db g.db --as-of 2024-03-26 "orders >= 2 and spent > 1000" |
	    sed 1d >actual &&
	test_cmp expect actual &&
	test -s expect
'

test_done
