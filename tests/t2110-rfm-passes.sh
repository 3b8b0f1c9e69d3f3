#!/bin/sh
# crm-rfm's shortcuts against its plain passes on a store of thousands
# of customers: the whole store's recency break points, read off
# stats_days as of the newest day, against those of a pass over every
# customer (--within a list of them all); the scores against RANK() in
# SQL.
test_description='crm-rfm: break points off stats_days'
. "$(dirname "$0")/test-lib.sh"

gen=$SRC_DIR/build/plain/gen-orders

test_expect_success 'a store of a few thousand customers' '
	"$gen" -s 61 -n 30000 >a.csv &&
	crm-import -q --db s.db a.csv &&
	counts_agree s.db &&
	test "$(sql s.db "SELECT count(*) FROM customer_stats")" -gt 2000 &&
	sql s.db "SELECT date(max(ordered_at) + 8 * 3600, '\''unixepoch'\'')
	    FROM orders" >newest &&
	{ echo customer_id; sql s.db "SELECT customer_id FROM customer_stats"; } >all
'

# As of the newest day the store is scored through stats_days; --within
# a list of every customer scores the same customers through the passes.
for bins in 5 3 7 100; do
test_expect_success "--bins $bins: the break points off stats_days are the passes' ones" '
	crm-rfm --db s.db --as-of $(cat newest) --bins '$bins' >whole &&
	crm-rfm --db s.db --as-of $(cat newest) --bins '$bins' --within <all >passes &&
	test $(wc -l <whole) = $(wc -l <all) &&
	test_cmp whole passes
'
done

# The check can fail: stats_days moved by a day scores everyone else.
test_expect_success 'the whole store is scored off stats_days (the check works)' '
	cp s.db moved.db &&
	sqlite3 moved.db "UPDATE stats_days SET last_day = last_day + 100000;
	    UPDATE stats_days SET last_day = last_day - 99999" &&
	crm-rfm --db moved.db --as-of $(cat newest) >moved &&
	crm-rfm --db s.db --as-of $(cat newest) >want &&
	! test_cmp want moved >/dev/null &&
	crm-rfm --db moved.db --as-of $(cat newest) --within <all >passes &&
	test_cmp want passes
'

test_expect_success 'scores agree with 1 + floor(5 * (RANK() - 1) / n) in SQL' '
	sql s.db "WITH n AS (SELECT count(*) AS n FROM customer_stats)
	  SELECT customer_id || '\'','\'' ||
	    (1 + 5 * (RANK() OVER (ORDER BY last_day) - 1) / n) || '\'','\'' ||
	    (1 + 5 * (RANK() OVER (ORDER BY purchases) - 1) / n) || '\'','\'' ||
	    (1 + 5 * (RANK() OVER (ORDER BY spent) - 1) / n)
	  FROM customer_stats, n ORDER BY customer_id" >expect &&
	crm-rfm --db s.db --as-of $(cat newest) | sed 1d | cut -d, -f1,5-7 >actual &&
	test_cmp expect actual
'

test_done
