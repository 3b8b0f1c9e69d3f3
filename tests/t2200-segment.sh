#!/bin/sh
# crm-segment on the small store of t2100 (see there for its orders):
# every expression of crm-segment(1) picks the customers worked out by
# hand; napl stages by hand and by SQL; columns, counts, saved tags,
# lists on stdin, and mistakes.
test_description='crm-segment'
. "$(dirname "$0")/test-lib.sh"

# As of 2024-12-31: buyers 1-9, member 10 (Ivy, never bought, born
# 1990-11-05, tag vip), Bob (2) a member born 1985-11-30; Ann (1) tag
# vip; Bob opened double11 on 2024-11-10, Cat (3) clicked it 2024-12-15.
# Cat and Hal (8) bought on momo, Fay (6) on qdm, the rest on shopee.
# Repurchase cycle: Ann 11-11 -> 12-20 (39 days), Jay 11-05 -> 12-05
# (30): median 34.5, lost threshold ceil(3 x 34.5) = 104.
test_expect_success 'the store' '
	crm-import --db s.db -q "$DATA/segment-orders.csv" &&
	sqlite3 s.db <"$DATA/segment-extra.sql"
'

seg() {
	crm-segment --db s.db --as-of 2024-12-31 "$@"
}

# Who each example of the manual picks.  Shop AOV as of 12-31: 9800.00
# over 13 orders = 753.85; after the 11-11 window Ann averaged 1100.00,
# Jay 200.00, Cat nothing.
cat >picks <<'EOF'
orders >= 2 and spent > 3000|1
last_order < -90d|4 5 6 7
bought(sku = 'SKU-0042', since -30d) >= 1|1 2 8
stage = 'lost'|4 5 7
rfm_segment IN ('At Risk', "Can't Lose Them")|
tag = 'vip'|1 10
opened('double11')|2
not clicked(any, since -30d)|1 2 4 5 6 7 8 9 10
channel = 'momo'|3 8
birthday_month = 11|2 10
age BETWEEN 25 AND 34|10
lost and not tag in ('vip', 'staff')|4 5 7
bought(category = 'tea' or product contains 'Oolong') >= 2|1
units(sku = 'SKU-0042', between 2024-12-01 and 2024-12-31) >= 2|8
first_order >= 2024-11-01 and channel != 'shopee'|3 8
orders(between 2024-11-01 and 2024-11-11) and aov(after 2024-11-11) >= shop_aov|1
orders(between 2024-11-01 and 2024-11-11) and aov(after 2024-11-11) < shop_aov|9
orders(between 2024-11-01 and 2024-11-11) and orders(after 2024-11-11) = 0|3
purchased and not orders(between 2024-11-01 and 2024-11-11)|2 4 5 6 7 8
EOF

test_expect_success 'every example in crm-segment(1) picks whom it should' '
	sed -n "s/^\.Dl //p" "$SRC_DIR/man/crm-segment.1" |
	    sed "s/\\\\(dq/\"/g" >examples &&
	test $(wc -l <examples) -ge 15 &&
	while IFS= read -r e; do
		want=$(awk -F"|" -v e="$e" "\$1 == e { print \$2; f = 1 }
		    END { if (!f) print \"MISSING\" }" picks) &&
		got=$(seg "$e" </dev/null | sed 1d | tr "\n" " " | sed "s/ \$//") &&
		if [ "$got" != "$want" ]; then
			echo "$e: got \"$got\", want \"$want\""
			exit 1
		fi
	done <examples
'

test_expect_success 'more conditions' '
	while IFS="|" read -r e want; do
		got=$(seg "$e" </dev/null | sed 1d | tr "\n" " " | sed "s/ \$//") &&
		if [ "$got" != "$want" ]; then
			echo "$e: got \"$got\", want \"$want\""
			exit 1
		fi
	done <<-EOF
	potential|10
	member|2 10
	purchased|1 2 3 4 5 6 7 8 9
	orders = 0|10
	not purchased|10
	days_since between 26 and 50|3 8 9
	first_order = 2024-11-11|1 3
	last_order >= -1m|1 2 8 9
	last_order >= -1y and last_order < -6m|4 5 7
	spent(since 2024-12-01) >= 2000|1 8
	orders(until 2024-11-11) >= 1 and orders(since 2024-12-01) = 0|3 4 5 6 7
	bought(sku in ('"'"'SKU-0007'"'"', '"'"'SKU-0105'"'"'), channel = '"'"'momo'"'"')|3
	bought(any, before 2024-06-02)|4 5 7
	bought(not category = '"'"'tea'"'"')|1 3 5 7 9
	name contains '"'"'a'"'"'|1 3 4 6 8 9
	name matches '"'"'?a?'"'"'|3 4 6 8 9
	email matches '"'"'*@example.com'"'"'|1 10
	gender = '"'"'f'"'"'|10
	age not between 25 and 34|2
	r = 4 and f >= 4|1 9
	rfm = '"'"'111'"'"'|5 7
	aov >= 1000|1 2 4 8
	clicked('"'"'double11'"'"') or opened(any)|2 3
	opened(any, since 2024-11-11)|
	joined <= 2024-01-01|2
	customer_id in (3, 1, 12)|1 3
	EOF
'

test_expect_success '--segments: rfm_segment by the shop'\''s own table, as crm-rfm' '
	printf "%s\n" "4-5 * * Recent" "* 1 * Once" >rules &&
	seg --segments rules "rfm_segment = '\''Once'\''" </dev/null >actual &&
	crm-rfm --db s.db --as-of 2024-12-31 --segments rules |
	    awk -F, "NR == 1 { print \"customer_id\" } \$9 == \"Once\" { print \$1 }" >expect &&
	test_cmp expect actual &&
	seg --segments rules --columns rfm_segment "customer_id = 2" </dev/null >actual &&
	printf "customer_id,rfm_segment\n2,Recent\n" >expect && test_cmp expect actual &&
	{ seg --segments nothing.txt lost 2>err; test $? = 1; } &&
	test_grep "nothing.txt" err
'

test_expect_success 'member as of a day before Ivy joined' '
	crm-segment --db s.db --as-of 2024-04-30 member </dev/null >actual &&
	printf "customer_id\n2\n" >expect && test_cmp expect actual
'

cat >expect <<'EOF'
customer_id,stage,days_since,lost_after
1,active,1,104
2,new,1,104
3,new,50,104
4,lost,213,104
5,lost,213,104
6,new,91,104
7,lost,305,104
8,new,30,104
9,active,26,104
10,potential,,104
EOF
test_expect_success 'napl: stages, days since, the threshold from the cycle' '
	seg napl >actual 2>err &&
	test_cmp expect actual
'

cat >expect <<'EOF'
stage,customers,share,lost_after
potential,1,0.1000,104
new,4,0.4000,104
active,2,0.2000,104
lost,3,0.3000,104
EOF
test_expect_success 'napl --summary' '
	seg napl --summary >actual &&
	test_cmp expect actual
'

test_expect_success 'napl --lost-after agrees with SQL over the orders' '
	sql s.db "SELECT customer_id || '\'','\'' || CASE
	    WHEN 20088 - MAX(ordered_at / 86400) > 60 THEN '\''lost'\''
	    WHEN COUNT(DISTINCT ordered_at / 86400) >= 2 THEN '\''active'\''
	    ELSE '\''new'\'' END || '\'','\'' || (20088 - MAX(ordered_at / 86400)) ||
	    '\'',60'\''
	    FROM orders WHERE status IN ('\''completed'\'', '\''pending'\'')
	    AND ordered_at < 20089 * 86400 GROUP BY customer_id
	    UNION ALL SELECT customer_id || '\'',potential,,60'\'' FROM members
	    WHERE customer_id NOT IN (SELECT customer_id FROM orders
	    WHERE status IN ('\''completed'\'', '\''pending'\''))" | sort -n >expect.sql &&
	seg napl --lost-after 60 | sed 1d | sort -n >actual &&
	test_cmp expect.sql actual
'

# As of 2024-11-30 nobody has bought on two days: no cycle, 365 days,
# with a note.  Bob had not bought yet: a member, potential.  Hal had
# not bought: not there.  Gus's order of 2025 does not count.
cat >expect <<'EOF'
customer_id,stage,days_since,lost_after
1,new,19,200
2,potential,,200
3,new,19,200
4,new,182,200
5,new,182,200
6,new,60,200
7,lost,274,200
9,new,25,200
10,potential,,200
EOF
test_expect_success 'napl --as-of in the past' '
	crm-segment --db s.db --as-of 2024-11-30 --lost-after 200 napl >actual &&
	test_cmp expect actual &&
	crm-segment --db s.db --as-of 2024-11-30 napl >/dev/null 2>err &&
	test_grep "no repurchase cycle; taking 365 days" err
'

test_expect_success 'a list on stdin narrows napl' '
	printf "customer_id\n10\n4\n" | seg napl >actual &&
	printf "%s\n" customer_id,stage,days_since,lost_after \
	    4,lost,213,104 10,potential,,104 >expect &&
	test_cmp expect actual
'

cat >expect <<'EOF'
customer_id,name,stage,orders,spent,aov,first_order,last_order,tags,age,gender,rfm,rfm_segment,first_channel
1,Ann,active,3,3200.00,1066.67,2024-11-11,2024-12-30,vip,,,455,Champions,shopee
2,Bob,new,1,1000.00,1000.00,2024-12-30,2024-12-30,,39,M,413,Potential Loyalist,shopee
10,Ivy,potential,0,0.00,,,,vip,34,F,,,qdm
EOF
test_expect_success '--columns' '
	seg --columns name,stage,orders,spent,aov,first_order,last_order,tags,age,gender,rfm,rfm_segment,first_channel \
	    "customer_id in (1, 2, 10)" >actual &&
	test_cmp expect actual
'

# An expression's audience is picked without a table of stages; a
# column that reads one (days_since alone: no lost threshold) makes it.
test_expect_success '--columns days_since of an expression: as napl says' '
	seg --columns days_since "customer_id in (4, 7, 10)" >actual &&
	seg napl | awk -F, "NR == 1 { print \"customer_id,days_since\" }
	    \$1 == 4 || \$1 == 7 || \$1 == 10 { print \$1 \",\" \$3 }" >expect &&
	test_cmp expect actual
'

test_expect_success '--count, and lists chained through stdin' '
	seg --count lost >actual &&
	echo 3 >expect && test_cmp expect actual &&
	seg lost | seg --count "orders = 1" >actual &&
	test_cmp expect actual &&
	seg "tag = '\''vip'\''" | seg potential >actual &&
	printf "customer_id\n10\n" >expect && test_cmp expect actual
'

test_expect_success 'the expression may be several words' '
	seg orders ">=" 2 and spent ">" 3000 >actual &&
	printf "customer_id\n1\n" >expect && test_cmp expect actual
'

test_expect_success '-T writes TSV' '
	seg -T --columns name,spent "customer_id = 2" >actual &&
	printf "customer_id\tname\tspent\n2\tBob\t1000.00\n" >expect &&
	test_cmp expect actual
'

test_expect_success '--save makes a tag exactly the list; --unsave removes it' '
	seg --save winback lost >out 2>err &&
	test_grep "tag .winback.: 3 added, 0 removed" err &&
	sql s.db "SELECT customer_id FROM tags WHERE tag = '\''winback'\''
	    ORDER BY 1" | tr "\n" " " >actual &&
	printf "4 5 7 " >expect && test_cmp expect actual &&
	seg --lost-after 60 --save winback lost >out 2>err &&
	test_grep "1 added, 0 removed" err &&
	seg -q --save winback "customer_id = 4" >out 2>err && test ! -s err &&
	sql s.db "SELECT customer_id || source FROM tags WHERE tag = '\''winback'\''" >actual &&
	echo 4crm-segment >expect && test_cmp expect actual &&
	seg --count "tag = '\''winback'\''" >actual &&
	echo 1 >expect && test_cmp expect actual &&
	crm-segment --db s.db --unsave winback 2>err &&
	test_grep "0 added, 1 removed" err &&
	{ seg --count "tag = '\''winback'\''" >actual 2>err; test $? -eq 2; } &&
	test_grep "unknown tag .winback. (tags: vip)" err && test ! -s actual
'

# Kim: order R1 (1300.00 less a 300.00 refund: 2 mugs, one returned,
# and a tea returned) and R2 (3 teas, 900.00); Lee's only order was
# returned.
test_expect_success 'returns: amounts, lines and units' '
	crm-import --db r.db -q "$DATA/segment-returns.csv" &&
	crm-rfm --db r.db --as-of 2024-12-31 | cut -d, -f1-4 >actual &&
	printf "%s\n" customer_id,recency_days,frequency,monetary \
	    1,29,2,1900.00 >expect && test_cmp expect actual &&
	for e in "bought(sku = '\''SKU-2'\'') = 1" "units(sku = '\''SKU-2'\'') = 3" \
	    "bought(sku = '\''SKU-1'\'') = 1" "units(sku = '\''SKU-1'\'') = 1" \
	    "spent = 1900" "orders = 2"; do
		crm-segment --db r.db --as-of 2024-12-31 "$e" </dev/null >actual &&
		printf "customer_id\n1\n" >expect && test_cmp expect actual ||
		return 1
	done &&
	crm-segment --db r.db --as-of 2024-12-31 --count \
	    "bought(sku = '\''SKU-2'\'', until 2024-12-01)" >actual &&
	echo 0 >expect && test_cmp expect actual
'

cat >expect <<'EOF'
crm-segment: expression, column 17: unknown field 'spnt'; did you mean 'spent'?
  orders >= 2 and spnt > 3000
                  ^
EOF
test_expect_success 'a mistake: the expression, a caret, exit 1' '
	{ seg "orders >= 2 and spnt > 3000" >out 2>actual; test $? = 1; } &&
	test_cmp expect actual && test ! -s out
'

test_expect_success 'a caret under the right column after wide characters' '
	{ seg "name = '\''陳'\'' and last_order < 2024-02-30" 2>actual; test $? = 1; } &&
	printf "%s\n" \
	    "crm-segment: expression, column 30: bad date '\''2024-02-30'\'': day out of range" \
	    "  name = '\''陳'\'' and last_order < 2024-02-30" \
	    "                               ^" >expect &&
	test_cmp expect actual
'

test_expect_success 'a bad date in a window, an unknown stage: exit 1' '
	{ seg "orders(since -30x) > 1" 2>err; test $? = 1; } &&
	test_grep "column 17: bad number or relative date" err &&
	{ seg "stage = '\''gone'\''" 2>err; test $? = 1; } &&
	test_grep "unknown stage" err
'

test_expect_success 'an unknown column is a bad option value: exit 2' '
	{ seg --columns name,colour lost >out 2>err; test $? = 2; } &&
	test_grep "unknown column .colour." err && test ! -s out
'

test_expect_success 'exit 2 for an unknown column in every program' '
	{ seg --columns colour napl >out 2>err; test $? = 2; } &&
	test_grep "unknown column .colour." err && test ! -s out &&
	{ crm-rfm --db s.db --as-of 2024-12-31 --columns colour >out 2>err
	  test $? = 2; } &&
	test_grep "unknown column .colour." err && test ! -s out &&
	{ crm-playbook run --db s.db --columns colour \
	    "$SRC_DIR/tests/data/playbook-timeline.playbook" >out 2>err
	  test $? = 2; } &&
	test_grep "unknown column .colour." err && test ! -s out
'

test_expect_success 'a bad --as-of is a usage error: exit 2' '
	{ crm-segment --db s.db --as-of 2024-13-01 napl 2>err; test $? = 2; } &&
	test_grep "^crm-segment: --as-of: month out of range: .2024-13-01." err
'

test_expect_success '--save never creates a store' '
	{ crm-segment --db none.db --save x lost 2>err; test $? = 1; } &&
	test ! -e none.db && test_grep "no store here" err
'

# Members who never bought, their ids between the buyers' (the members
# file came first): the plain napl list reads the stages as they are
# made, the list with a column from the stage table; both in customer_id
# order, the same rows, and the potential ones those SQL finds.
test_expect_success 'napl: members who never bought among the buyers, in id order' '
	crm-import --db m.db -q "$SRC_DIR/examples/qdm-members.csv" &&
	crm-import --db m.db -q "$SRC_DIR/examples/qdm-orders.csv" &&
	for d in 2026-06-30 2026-03-01; do
		crm-segment --db m.db --as-of $d napl | sed 1d >stream &&
		crm-segment --db m.db --as-of $d --columns name napl | sed 1d |
		    cut -d, -f1-4 >table &&
		test_cmp table stream &&
		cut -d, -f1 stream | sort -n -c &&
		sql m.db "SELECT m.customer_id FROM members m
		    WHERE (m.joined_at IS NULL OR m.joined_at <
		      unixepoch(\"$d\", \"+1 day\"))
		    AND NOT EXISTS (SELECT 1 FROM orders o
		      WHERE o.customer_id = m.customer_id
		      AND o.status IN (\"completed\", \"pending\")
		      AND o.ordered_at < unixepoch(\"$d\", \"+1 day\"))
		    GROUP BY 1 ORDER BY 1" >expect &&
		grep ",potential," stream | cut -d, -f1 >actual &&
		test_cmp expect actual &&
		test "$(wc -l <expect)" -ge 3 || return 1
	done
'

test_expect_code 2 'no expression is a usage error' 'crm-segment --db s.db'
test_expect_code 2 '--summary without napl' 'seg --summary lost'
test_expect_code 2 '--save with napl' 'seg --save x napl'
test_expect_code 2 'a bad --lost-after' 'seg --lost-after soon napl'
test_expect_code 2 '--unsave with an expression' 'seg --unsave x lost'

test_done
