#!/bin/sh
# The counts the weekly readers read instead of every customer
# (stats_days: customers by last purchase day and purchase days;
# stats_gaps: by first-to-second gap; kept by triggers on
# customer_stats, schema version 9) against plain SQL over
# customer_stats after each kind of write, and what crm-segment --summary
# napl and the lost threshold make of them against the per-customer list.
test_description='stats_days and stats_gaps follow customer_stats'
. "$(dirname "$0")/test-lib.sh"

gen=$SRC_DIR/build/plain/gen-orders

# stats_agree DB: customer_stats against plain SQL over the orders: a
# row for each customer with a purchase, their purchases, purchase days,
# spend (purchases and credit notes), first, second and last days (an
# import rewrites only the rows of the customers it touched, and drops
# the row of one left with no purchase).
stats_agree() {
	sql "$1" "WITH p AS (SELECT customer_id AS c, ordered_at / 86400 AS d
	    FROM orders WHERE status IN ('completed', 'pending')
	    AND customer_id IS NOT NULL)
	  SELECT c, count(*), count(DISTINCT d),
	    (SELECT sum(net) FROM orders o WHERE o.customer_id = c
	     AND o.status IN ('completed', 'pending', 'credit')),
	    min(d), (SELECT min(d2) FROM (SELECT d AS d2 FROM p p2
	     WHERE p2.c = p.c AND p2.d > (SELECT min(d) FROM p p3
	     WHERE p3.c = p.c))), max(d)
	  FROM p GROUP BY c ORDER BY c" >stats.want &&
	sql "$1" "SELECT customer_id, purchases, purchase_days, spent,
	    first_day, second_day, last_day FROM customer_stats
	    ORDER BY customer_id" >stats.got &&
	test_cmp stats.want stats.got
}

test_expect_success 'a first import' '
	"$gen" -s 41 -n 6000 >a.csv &&
	crm-import -q --db s.db a.csv &&
	counts_agree s.db && stats_agree s.db
'

test_expect_success 'a second file, half its buyers known' '
	"$gen" -s 42 -n 3000 -c 600 --id-prefix B --first-customer 900 \
	    --start 2025-11-01 --days 30 >b.csv &&
	crm-import -q --db s.db b.csv &&
	counts_agree s.db && stats_agree s.db
'

# Every seventh order of the first file cancelled: customers lose
# purchase days, some their second one, some every purchase (their row
# in customer_stats goes).
test_expect_success 'a re-import that cancels orders' '
	awk -F, -v OFS=, "NR > 1 && \$4 != \"status\" {
	    if (!(\$1 in k)) k[\$1] = n++; if (k[\$1] % 7 == 3) \$4 = \"cancelled\" }
	    { print }" a.csv >a2.csv &&
	! cmp -s a.csv a2.csv &&
	sql s.db "SELECT count(*) FROM customer_stats" >before &&
	crm-import -q --db s.db a2.csv &&
	sql s.db "SELECT count(*) FROM customer_stats" >after &&
	! test_cmp before after >/dev/null &&
	counts_agree s.db && stats_agree s.db
'

test_expect_success 'a split and a link' '
	id=$(sql s.db "SELECT customer_id FROM customer_stats
	    WHERE purchase_days >= 3 ORDER BY customer_id LIMIT 1") &&
	crm-import -q --db s.db --split $id &&
	counts_agree s.db && stats_agree s.db &&
	crm-import -q --db s.db --link 1,2 &&
	counts_agree s.db && stats_agree s.db
'

# The check can fail: without the triggers the counts fall behind.
test_expect_success 'without the triggers the counts go wrong (the check works)' '
	cp s.db t.db &&
	sqlite3 t.db "DROP TRIGGER stats_add; DROP TRIGGER stats_remove;
	    DROP TRIGGER stats_change" &&
	"$gen" -s 43 -n 500 -c 100 --id-prefix C --start 2025-12-01 --days 5 >c.csv &&
	crm-import -q --db t.db c.csv &&
	! counts_agree t.db
'

# napl --summary (counted off stats_days as of the newest day, off every
# customer as of an earlier one) against the per-customer list; the
# threshold against ceil(3 x the median first-to-second gap), the median
# worked out with awk from every customer's gap.
for asof in 2025-12-31 2025-06-30; do
test_expect_success "napl --summary against the list as of $asof" '
	crm-segment --db s.db --as-of '$asof' napl >list &&
	awk -F, "NR > 1 { n[\$2]++ } END {
	    print \"potential,\" n[\"potential\"] + 0; print \"new,\" n[\"new\"] + 0;
	    print \"active,\" n[\"active\"] + 0; print \"lost,\" n[\"lost\"] + 0 }" \
	    list >expect &&
	crm-segment --db s.db --as-of '$asof' --summary --csv napl >sum &&
	sed 1d sum | cut -d, -f1,2 >actual &&
	test_cmp expect actual
'
done

test_expect_success 'the lost threshold is 3 x the median gap, from every customer' '
	sql s.db "SELECT second_day - first_day FROM customer_stats
	    WHERE second_day IS NOT NULL ORDER BY 1" |
	awk "{ g[n++] = \$1 } END { m = (g[int((n - 1) / 2)] + g[int(n / 2)]) / 2;
	    l = 3 * m; print (l == int(l)) ? l : int(l) + 1 }" >expect &&
	crm-segment --db s.db --as-of 2025-12-31 napl | sed -n 2p |
	    cut -d, -f4 >actual &&
	test_cmp expect actual
'

test_expect_success 'every table, index and trigger of the store is in crm-store(5)' '
	sql s.db "SELECT name FROM sqlite_master WHERE type IN (\"table\",
	    \"index\", \"trigger\") AND name NOT LIKE \"sqlite_%\"" >names &&
	test -s names &&
	while read -r n; do
		grep -q "^\.S[sy] .*\<$n\>" "$SRC_DIR/man/crm-store.5" ||
		    grep -q "^\.Pq Sy .*\<$n\>" "$SRC_DIR/man/crm-store.5" ||
		    { echo "$n not in crm-store(5)"; return 1; }
	done <names
'

test_done
