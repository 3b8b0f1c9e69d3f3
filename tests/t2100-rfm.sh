#!/bin/sh
# crm-rfm on a small store whose scores were worked out by hand (the
# numbers are in the comments), then its options and its errors.
test_description='crm-rfm'
. "$(dirname "$0")/test-lib.sh"

# The store: nine buyers (ids in order of appearance: 1 Ann ... 9 Jay)
# and one member who never bought (10 Ivy).  As of 2024-12-31:
#
#   id  last day    R days  orders  spent  notes
#   1   2024-12-30      1       3   3200
#   2   2024-12-30      1       1   1000   ties with 1 on recency
#   3   2024-11-11     50       2    700   two orders on one day
#   4   2024-06-01    213       1   1000
#   5   2024-06-01    213       1    500   a cancelled order 12-31
#   6   2024-10-01     91       1    200   a returned order 11-11
#   7   2024-03-01    305       1    500   an order 2025-01-15 (later)
#   8   2024-12-01     30       1   2000
#   9   2024-12-05     26       2    700
#
# n = 9, five bins: break point k is the ceil(9k/5) = 2nd, 4th, 6th,
# 8th value in ascending order; a value scores 1 + the break points it
# is strictly above.
#   last day: 03-01 06-01 06-01 10-01 11-11 12-01 12-05 12-30 12-30
#             break points 06-01 10-01 12-01 12-30
#             -> 7,4,5: 1   6: 2   3,8: 3   9,1,2: 4 (nobody is above 12-30)
#   orders:   1 1 1 1 1 1 2 2 3, break points 1 1 1 2
#             -> one order: 1   two: 4   three: 5
#   spent:    200 500 500 700 700 1000 1000 2000 3200,
#             break points 500 700 1000 2000
#             -> 200,500: 1   700: 2   1000: 3   2000: 4   3200: 5
test_expect_success 'a store with ties, returns, cancellations, members' '
	crm-import --db s.db -q "$DATA/segment-orders.csv" &&
	sqlite3 s.db <"$DATA/segment-extra.sql"
'

cat >expect <<'EOF'
customer_id,recency_days,frequency,monetary,r,f,m,rfm,segment
1,1,3,3200.00,4,5,5,455,Champions
2,1,1,1000.00,4,1,3,413,Potential Loyalist
3,50,2,700.00,3,4,2,342,Others
4,213,1,1000.00,1,1,3,113,Others
5,213,1,500.00,1,1,1,111,Lost
6,91,1,200.00,2,1,1,211,About To Sleep
7,305,1,500.00,1,1,1,111,Lost
8,30,1,2000.00,3,1,4,314,Others
9,26,2,700.00,4,4,2,442,Others
EOF
test_expect_success 'scores and segments as worked out by hand' '
	crm-rfm --db s.db --as-of 2024-12-31 >actual &&
	test_cmp expect actual
'

cat >ties.awk <<'EOF'
# Fails when two rows with equal R, F or M values differ in that score.
NR > 1 {
	if (($2 in r && r[$2] != $5) || ($3 in f && f[$3] != $6) ||
	    ($4 in m && m[$4] != $7))
		bad = 1
	r[$2] = $5; f[$3] = $6; m[$4] = $7
}
END { exit bad }
EOF
test_expect_success 'equal values always share a score' '
	crm-rfm --db s.db --as-of 2024-12-31 >out &&
	awk -F, -f ties.awk out &&
	crm-rfm --db s.db --as-of 2024-12-31 --bins 3 >out &&
	awk -F, -f ties.awk out
'

test_expect_success 'scores agree with 1 + floor(5 * (RANK() - 1) / n) in SQL' '
	sql s.db "WITH s AS (SELECT customer_id, MAX(ordered_at / 86400) AS d,
	    COUNT(*) AS f, SUM(net) AS m FROM orders
	    WHERE status IN ('\''completed'\'', '\''pending'\'')
	    AND ordered_at < 20089 * 86400 GROUP BY customer_id),
	  n AS (SELECT COUNT(*) AS n FROM s)
	  SELECT customer_id || '\'','\'' || (20088 - d) || '\'','\'' || f ||
	    '\'','\'' || (1 + 5 * (RANK() OVER (ORDER BY d) - 1) / n) ||
	    '\'','\'' || (1 + 5 * (RANK() OVER (ORDER BY f) - 1) / n) ||
	    '\'','\'' || (1 + 5 * (RANK() OVER (ORDER BY m) - 1) / n)
	  FROM s, n ORDER BY customer_id" >expect.sql &&
	crm-rfm --db s.db --as-of 2024-12-31 | sed 1d | cut -d, -f1-3,5-7 >actual &&
	test_cmp expect.sql actual
'

cat >expect <<'EOF'
segment,customers,share,orders,revenue,aov
Champions,1,0.1111,3,3200.00,1066.67
Loyal Customers,0,0.0000,0,0.00,0.00
Can't Lose Them,0,0.0000,0,0.00,0.00
New Customers,0,0.0000,0,0.00,0.00
Promising,0,0.0000,0,0.00,0.00
Need Attention,0,0.0000,0,0.00,0.00
About To Sleep,1,0.1111,1,200.00,200.00
Potential Loyalist,1,0.1111,1,1000.00,1000.00
At Risk,0,0.0000,0,0.00,0.00
Lost,2,0.2222,2,1000.00,500.00
Others,4,0.4444,6,4400.00,733.33
EOF
test_expect_success '--summary: customers, share, orders, revenue, aov' '
	crm-rfm --db s.db --as-of 2024-12-31 --summary >actual &&
	test_cmp expect actual
'

test_expect_success 'a list on stdin narrows the output, not the scores' '
	printf "customer_id\n5\n1\n" |
	crm-rfm --db s.db --as-of 2024-12-31 >actual &&
	printf "%s\n" "customer_id,recency_days,frequency,monetary,r,f,m,rfm,segment" \
	    "1,1,3,3200.00,4,5,5,455,Champions" \
	    "5,213,1,500.00,1,1,1,111,Lost" >expect2 &&
	test_cmp expect2 actual
'

# Only 1 and 5 scored: n = 2, break points the ceil(2k/5) = 1st, 1st,
# 2nd, 2nd value: 1 is above two of them on every measure.
test_expect_success '--within scores only the list' '
	printf "customer_id\n5\n1\n" |
	crm-rfm --db s.db --as-of 2024-12-31 --within >actual &&
	printf "%s\n" "customer_id,recency_days,frequency,monetary,r,f,m,rfm,segment" \
	    "1,1,3,3200.00,3,3,3,333,Loyal Customers" \
	    "5,213,1,500.00,1,1,1,111,Lost" >expect2 &&
	test_cmp expect2 actual
'

test_expect_code 2 '--within without a list is a usage error' '
	crm-rfm --db s.db --as-of 2024-12-31 --within </dev/null
'

# Two bins: the break point is the 5th value: last day 11-11, orders 1,
# spent 700.
test_expect_success '--bins 2' '
	crm-rfm --db s.db --as-of 2024-12-31 --bins 2 | cut -d, -f1,5-8 >actual &&
	printf "%s\n" customer_id,r,f,m,rfm 1,2,2,2,222 2,2,1,2,212 3,1,2,1,121 \
	    4,1,1,2,112 5,1,1,1,111 6,1,1,1,111 7,1,1,1,111 8,2,1,2,212 \
	    9,2,2,1,221 >expect2 &&
	test_cmp expect2 actual
'

test_expect_success '--as-of in the past: later orders do not count' '
	crm-rfm --db s.db --as-of 2024-11-30 | cut -d, -f1-4 >actual &&
	printf "%s\n" customer_id,recency_days,frequency,monetary \
	    1,19,1,1000.00 3,19,2,700.00 4,182,1,1000.00 5,182,1,500.00 \
	    6,60,1,200.00 7,274,1,500.00 9,25,1,500.00 >expect2 &&
	test_cmp expect2 actual
'

test_expect_success 'recency, frequency, monetary agree with SQL over the orders' '
	for d in 2024-06-30 2024-11-11 2025-01-31; do
		n=$(sql s.db "SELECT CAST(julianday('\''$d'\'') - 2440587.5 AS INTEGER)") &&
		sql s.db "SELECT customer_id || '\'','\'' || ($n - MAX(ordered_at / 86400)) ||
		    '\'','\'' || COUNT(*) || '\'','\'' || printf('\''%d.%02d'\'', SUM(net) / 100, SUM(net) % 100)
		    FROM orders WHERE status IN ('\''completed'\'', '\''pending'\'')
		    AND ordered_at < ($n + 1) * 86400 GROUP BY customer_id
		    ORDER BY customer_id" >expect.$d &&
		crm-rfm --db s.db --as-of $d | sed 1d | cut -d, -f1-4 >actual.$d &&
		test_cmp expect.$d actual.$d || return 1
	done
'

cat >rules <<'EOF'
# recent buyers first, then one-time buyers
4-5 *   *   Recent
*   1   *   Once
EOF
test_expect_success '--segments FILE: the shop'\''s own table, first match wins' '
	crm-rfm --db s.db --as-of 2024-12-31 --segments rules | cut -d, -f1,9 >actual &&
	printf "%s\n" customer_id,segment 1,Recent 2,Recent 3,Others 4,Once \
	    5,Once 6,Once 7,Once 8,Once 9,Recent >expect2 &&
	test_cmp expect2 actual &&
	crm-rfm --db s.db --as-of 2024-12-31 --segments rules --summary |
	    cut -d, -f1,2 >actual &&
	printf "%s\n" segment,customers Recent,3 Once,5 Others,1 >expect2 &&
	test_cmp expect2 actual
'

test_expect_success '-T writes TSV' '
	crm-rfm --db s.db --as-of 2024-12-31 -T | sed -n 3p >actual &&
	printf "2\t1\t1\t1000.00\t4\t1\t3\t413\tPotential Loyalist\n" >expect2 &&
	test_cmp expect2 actual
'

cat >table.sed <<'EOF'
/^\.Bl -column "Potential Loyalist"/,/^\.El/!d
/^\.It /!d
/Em Segment/d
s/^\.It //
s/^\\&//
s/ Ta /|/g
EOF
test_expect_success 'the default table is the one in crm-rfm(1)' '
	sed -f table.sed "$SRC_DIR/man/crm-rfm.1" >man.table &&
	printf "%s\n" "Champions|4-5|4-5|4-5" "Loyal Customers|2-5|3-5|3-5" \
	    "Can'\''t Lose Them|1|4-5|4-5" "New Customers|4-5|1|1" \
	    "Promising|3-4|1|1" "Need Attention|2-3|2-3|2-3" \
	    "About To Sleep|2-3|1-2|1-2" "Potential Loyalist|3-5|1-3|1-3" \
	    "At Risk|1-2|2-5|2-5" "Lost|1-2|1-2|1-2" >expect2 &&
	test_cmp expect2 man.table &&
	awk -F"|" "{ print \$2, \$3, \$4, \$1 }" man.table >table &&
	crm-rfm --db s.db --as-of 2024-12-31 --segments table >a &&
	crm-rfm --db s.db --as-of 2024-12-31 >b &&
	test_cmp a b &&
	crm-rfm --db s.db --as-of 2024-12-31 --segments "$SRC_DIR/examples/segments.txt" >c &&
	test_cmp b c
'

# Bad input: a clear message and exit 1; bad usage: exit 2.
cat >bad-rules <<'EOF'
4-5 * * Fine
6-2 * * Backwards
EOF
test_expect_success 'a bad rule table: file:line, exit 1' '
	{ crm-rfm --db s.db --as-of 2024-12-31 --segments bad-rules >out 2>err;
	  test $? = 1; } &&
	test_grep "^crm-rfm: bad-rules:2: bad R range" err && test ! -s out
'

test_expect_success 'a rule without a name: exit 1' '
	echo "1 1 1" >noname &&
	{ crm-rfm --db s.db --segments noname 2>err; test $? = 1; } &&
	test_grep "noname:1: a rule needs a segment name" err
'

test_expect_success 'a bad --as-of date is a usage error: exit 2' '
	{ crm-rfm --db s.db --as-of 2024-02-30 >out 2>err; test $? = 2; } &&
	test_grep "^crm-rfm: --as-of: day out of range: .2024-02-30." err &&
	test_grep "^usage: crm-rfm" err
'

test_expect_success 'a list without a customer_id column: exit 1' '
	{ printf "id\n1\n" | crm-rfm --db s.db --as-of 2024-12-31 >out 2>err;
	  test $? = 1; } &&
	test_grep "customer_id" err
'

test_expect_code 2 '--bins 0 is a usage error' '
	crm-rfm --db s.db --bins 0
'

test_expect_code 2 'an operand is a usage error' '
	crm-rfm --db s.db extra
'

test_expect_code 1 'no store: exit 1' '
	crm-rfm --db nothing.db
'

test_done
