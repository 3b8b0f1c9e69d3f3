#!/bin/sh
# crm-rfm's shortcuts against its plain passes on a store of thousands
# of customers: the whole store's recency break points, read off
# stats_days as of the newest day, against those of a pass over every
# customer (--within a list of them all); --summary, scored in the pass
# that settles the spend break points, against the list summed with awk;
# the scores against RANK() in SQL.
test_description='crm-rfm: break points off stats_days, --summary in one or two passes'
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

for bins in 5 7 100; do
test_expect_success "--bins $bins: scores agree with 1 + floor(B * (RANK() - 1) / n) in SQL" '
	sql s.db "WITH n AS (SELECT count(*) AS n FROM customer_stats)
	  SELECT customer_id || '\'','\'' ||
	    (1 + '$bins' * (RANK() OVER (ORDER BY last_day) - 1) / n) || '\'','\'' ||
	    (1 + '$bins' * (RANK() OVER (ORDER BY purchases) - 1) / n) || '\'','\'' ||
	    (1 + '$bins' * (RANK() OVER (ORDER BY spent) - 1) / n)
	  FROM customer_stats, n ORDER BY customer_id" >expect &&
	crm-rfm --db s.db --as-of $(cat newest) --bins '$bins' |
	    sed 1d | cut -d, -f1,5-7 >actual &&
	test_cmp expect actual
'
done

# Customers, orders and revenue per segment, in minor units, off the
# list (sum.awk) and off --summary (sum2.awk).
cat >sum.awk <<'EOF'
function minor(s) { return s ~ /^-/ ? -minor(substr(s, 2)) :
	substr(s, 1, length(s) - 3) * 100 + substr(s, length(s) - 1) }
NR > 1 { c[$9]++; o[$9] += $3; r[$9] += minor($4) }
END { for (s in c) printf "%s,%d,%d,%d\n", s, c[s], o[s], r[s] }
EOF
cat >sum2.awk <<'EOF'
function minor(s) { return s ~ /^-/ ? -minor(substr(s, 2)) :
	substr(s, 1, length(s) - 3) * 100 + substr(s, length(s) - 1) }
NR > 1 && $2 > 0 { printf "%s,%d,%d,%d\n", $1, $2, $4, minor($5) }
EOF
for asof in newest 2025-06-30; do
test_expect_success "--summary sums the list as of $asof" '
	d=$(test '$asof' = newest && cat newest || echo '$asof') &&
	crm-rfm --db s.db --as-of $d >list &&
	awk -F, -f sum.awk list | sort >expect &&
	crm-rfm --db s.db --as-of $d --summary --csv >sum &&
	awk -F, -f sum2.awk sum | sort >actual &&
	test_cmp expect actual &&
	crm-rfm --db s.db --as-of $d --summary --csv --within <all >sum.w &&
	test_cmp sum sum.w &&
	crm-rfm --db s.db --as-of $d --summary --csv <all >sum.l &&
	test_cmp sum sum.l
'
done

test_expect_success '--summary of a list scored over everyone sums that list' '
	awk "NR == 1 || NR % 3 == 2" all >some &&
	crm-rfm --db s.db --as-of $(cat newest) <some >list &&
	test $(wc -l <list) = $(wc -l <some) &&
	awk -F, -f sum.awk list | sort >expect &&
	crm-rfm --db s.db --as-of $(cat newest) --summary --csv <some >sum &&
	awk -F, -f sum2.awk sum | sort >actual &&
	test_cmp expect actual &&
	crm-rfm --db s.db --as-of $(cat newest) --within <some >listw &&
	awk -F, -f sum.awk listw | sort >expect &&
	crm-rfm --db s.db --as-of $(cat newest) --summary --csv --within <some >sum &&
	awk -F, -f sum2.awk sum | sort >actual &&
	test_cmp expect actual
'

test_done
