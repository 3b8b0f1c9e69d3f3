#!/bin/sh
# t3500-honest.sh: the readers on a store shaped like a real line-item
# log (issue 11): credit notes minutes and months after their sale,
# orders of no known buyer, a store whose data ends long before the
# as-of day, a shop in pounds, a file of dates without times, and names
# misspelt on the command line.  Every expected value is worked out by
# hand below from tests/data/honest-orders.csv and honest-returns.sql.
#
# The orders (amounts in TWD; shipping in the order's net):
#   A1 2025-01-10 alice  shopee  2 TEA-01 x 450 + 1 CUP-01 x 300 + 60 = 1260
#   A3 2025-01-20 alice  shopee  1 CUP-01 x 300                      =  300
#   A2 2025-03-05 alice  shopee  1 TEA-01                            =  450
#   B1 2025-02-01 bob    momo    100 BIG-01 x 100                   = 10000
#   CB1 2025-02-01 09:12 bob momo  credit: -100 BIG-01              = -10000
#   B2 2025-04-01 bob    momo    1 TEA-01                            =  450
#   C1 2025-03-20 carol  shopee  2 CUP-01 + 60                       =  660
#   CC1 2025-05-15 carol shopee  credit: -1 CUP-01                   = -300
#   D1 2025-01-15 dave   momo    1 TEA-01                            =  450
#   G1 2025-02-10 (none) shopee  3 TEA-01                            = 1350
#   G2 2025-04-20 (none) momo    1 BIG-01                            =  100
# Purchases 9 (7 of known buyers), 15020.00; credits -10300.00; net
# revenue 4720.00, of it 1450.00 (30.72%) of no known buyer.
test_description='returns, guest orders and honest figures'
. "$(dirname "$0")/test-lib.sh"

AS=2025-06-30

test_expect_success 'a store with credit notes and guest orders' '
	crm-import -q --db h.db "$DATA/honest-orders.csv" &&
	cp h.db plain.db &&
	sqlite3 h.db <"$DATA/honest-returns.sql" &&
	test "$(sql h.db "SELECT COUNT(*) FROM orders")" = 11
'

# 2025-01-10 to 2025-06-30: 172 days, all of the data.  Customers alice,
# bob, carol, dave; returning alice (3 days) and bob (2 days): 2, 50%.
# Their revenue net of returns: alice 2010, bob 10000 - 10000 + 450 =
# 450: 2460.00, 2460 / 4720 = 0.5212.  AOV 4720 / 9 = 524.44; orders per
# customer 7 / 4 = 1.75; monthly 4720 x 365.25 / 12 / 172 = 835.26.
test_expect_success 'summary: returns lower revenue, guests count in the shop only' '
	crm-report --db h.db --as-of $AS --from 2025-01-10 summary >out &&
	sed -n 2p out | cut -d, -f1-14 >actual &&
	echo current,2025-01-10,2025-06-30,172,4,9,4720.00,524.44,1.75,2,0.5000,2460.00,0.5212,835.26 >expect &&
	test_cmp expect actual &&
	sed -n 2p out | cut -d, -f19-21 >actual &&
	echo 1450.00,0.3072,172 >expect &&
	test_cmp expect actual
'

test_expect_success 'summary: the share of revenue of no known buyer on a terminal' '
	crm-report --db h.db --as-of $AS --from 2025-01-10 --table summary >out &&
	test_grep "^  of no known buyer  *30\.7%" out &&
	test_grep "^revenue  *4,720\.00" out
'

# TEA-01: 2 + 1 + 1 + 1 + 3 (guest) = 8 units, 3600.00, orders A1 A2 B2
# D1 G1, buyers alice bob dave; CUP-01: 1 + 1 + 2 - 1 = 3 units, 900.00;
# BIG-01: 100 - 100 + 1 = 1 unit, 100.00, orders B1 G2, buyer bob.  The
# top product is the tea, not the box whose sale was credited.
test_expect_success 'products: credit lines lower units and revenue' '
	crm-report --db h.db --as-of $AS products | cut -d, -f2,5,7-9 >actual &&
	cat >expect <<-\EOF &&
	sku,revenue,quantity,orders,buyers
	TEA-01,3600.00,8,5,3
	CUP-01,900.00,3,3,2
	BIG-01,100.00,1,2,1
	EOF
	test_cmp expect actual
'

# shopee: 1260 + 300 + 450 + 660 + 1350 - 300 = 3720.00, 5 orders,
# customers alice and carol; momo: 10000 - 10000 + 450 + 450 + 100 =
# 1000.00, 4 orders, customers bob and dave.
test_expect_success 'channels: net of returns, guest orders without a customer' '
	crm-report --db h.db --as-of $AS channels | cut -d, -f1-4 >actual &&
	cat >expect <<-\EOF &&
	channel,customers,orders,revenue
	shopee,2,5,3720.00
	momo,2,4,1000.00
	EOF
	test_cmp expect actual
'

# January: alice on two days (returning), dave new; February: bob new,
# B1 and its credit net 0, G1 1350; May: the credit of C1 alone.  Revenue per month sums to the summary's 4720.00.
test_expect_success 'monthly: returns on their own month, guests in orders and revenue' '
	crm-report --db h.db --as-of $AS monthly | cut -d, -f1-6 >actual &&
	cat >expect <<-\EOF &&
	month,customers,new_customers,returning_customers,orders,revenue
	2025-01,2,1,1,3,2010.00
	2025-02,1,1,0,2,1350.00
	2025-03,2,1,1,2,1110.00
	2025-04,1,0,1,2,550.00
	2025-05,0,0,0,0,-300.00
	EOF
	test_cmp expect actual
'

# From 2025-01-15: alice bought on 2025-01-10, before the period, and
# again on 2025-01-20: returning in January as the summary says; dave
# (2025-01-15) is new.
test_expect_success 'monthly --from clips the first month as summary does' '
	crm-report --db h.db --as-of $AS --from 2025-01-15 monthly |
	    sed -n 2p | cut -d, -f1-4 >actual &&
	echo 2025-01,2,1,1 >expect &&
	test_cmp expect actual &&
	crm-report --db h.db --as-of $AS --from 2025-01-15 --to 2025-01-31 \
	    summary | sed -n 2p | cut -d, -f5,10 >actual &&
	echo 2,1 >expect &&
	test_cmp expect actual
'

test_expect_success 'basket and heatmap count purchases, guests included' '
	crm-report --db h.db --as-of $AS basket |
	    awk -F, "NR > 1 { n += \$3 } END { print n }" >actual &&
	echo 9 >expect &&
	test_cmp expect actual &&
	crm-report --db h.db --as-of $AS heatmap |
	    awk -F, "NR > 1 { n += \$3 } END { print n }" >actual &&
	echo 9 >expect &&
	test_cmp expect actual
'

test_expect_success 'quality counts credit notes and purchases of no known buyer' '
	crm-report --db h.db --as-of $AS quality >out &&
	test_grep "^credit_notes,2,11,0.1818$" out &&
	test_grep "^no_buyer,2,9,0.2222$" out
'

# Monetary value net of credits: bob 10450 - 10000 = 450, carol 660 - 300
# = 360; as of 2025-03-01 bob's sale and its credit net 0.  The guests
# are nobody's.
test_expect_success 'crm-rfm: monetary value net of credits, now and as of a day' '
	crm-rfm --db h.db --as-of $AS | cut -d, -f1,3,4 >actual &&
	cat >expect <<-\EOF &&
	customer_id,frequency,monetary
	1,3,2010.00
	2,2,450.00
	3,1,360.00
	4,1,450.00
	EOF
	test_cmp expect actual &&
	crm-rfm --db h.db --as-of 2025-03-01 | cut -d, -f1,3,4 >actual &&
	cat >expect <<-\EOF &&
	customer_id,frequency,monetary
	1,2,1560.00
	2,1,0.00
	4,1,450.00
	EOF
	test_cmp expect actual
'

test_expect_success 'crm-segment: spent net of credits; guests in no stage' '
	crm-segment --db h.db --as-of 2025-03-01 "spent <= 0" >actual &&
	printf "customer_id\n2\n" >expect &&
	test_cmp expect actual &&
	crm-segment --db h.db --as-of $AS "spent < 400" >actual &&
	printf "customer_id\n3\n" >expect &&
	test_cmp expect actual &&
	crm-segment --db h.db --as-of $AS --count napl >actual &&
	echo 4 >expect &&
	test_cmp expect actual
'

# Thin periods: 2025-04-01 to 2025-06-30 (91 days); the previous period,
# 2024-12-31 to 2025-03-31, holds data from 2025-01-10: 81 days.
test_expect_success 'summary: a previous period with fewer days of data is not compared' '
	crm-report --db h.db --as-of $AS --from 2025-04-01 summary |
	    cut -d, -f1,21 >actual &&
	printf "period,days_with_data\ncurrent,91\nprevious,81\n" >expect &&
	test_cmp expect actual &&
	crm-report --db h.db --as-of $AS --from 2025-04-01 --table summary >out &&
	test_grep "previous period holds data on 81 of its 91 days" out &&
	test_grep "^revenue .* -$" out &&
	test_grep "^customers .* -$" out &&
	test_grep "^repurchase rate .*pt$" out
'

test_expect_success 'summary: no change for a rate with an empty side' '
	crm-report --db h.db --as-of $AS --from 2025-01-10 --table summary >out &&
	test_grep "^repurchase rate  *50\.0%  *-  *-$" out &&
	! grep "+0\.0 pt" out
'

test_expect_success 'currency: TWD by default with the stage advice' '
	crm-report --db h.db --as-of $AS --table summary >out &&
	test_grep "^Stage 1 of 3 (TWD " out &&
	test_grep "^Amounts in TWD\.$" out
'

test_expect_success 'currency: another currency is named and gets no stage' '
	cp h.db gbp.db &&
	sql gbp.db "INSERT OR REPLACE INTO meta VALUES ('"'currency'"', '"'GBP'"')" &&
	crm-report --db gbp.db --as-of $AS --table summary >out &&
	test_grep "^Amounts in GBP\.$" out &&
	crm-report --db gbp.db --as-of $AS --table monthly >out2 &&
	test_grep "^Amounts in GBP\.$" out2 &&
	! grep -i "stage\|target" out &&
	crm-report --db gbp.db --as-of $AS summary | sed -n 2p |
	    cut -d, -f15-18 >actual &&
	echo ",,," >expect &&
	test_cmp expect actual
'

# The newest order is the credit CC1 of 2025-05-15.  The cycle: alice
# 2025-01-10 to 01-20, 10 days; bob 02-01 to 04-01, 59 days; median
# 34.5, threshold ceil(103.5) = 104 days: 2025-08-27 is 104 days after,
# 2025-08-28 105.
test_expect_success 'as-of far from the data: every reader says so once' '
	crm-report --db h.db --as-of 2025-08-27 summary >out 2>err &&
	test ! -s err &&
	msg="the newest order is from 2025-05-15, 105 days before the as-of day 2025-08-28; pass --as-of 2025-05-15 to see the store as of then" &&
	crm-report --db h.db --as-of 2025-08-28 summary >out 2>err &&
	echo "crm-report: $msg" >expect && test_cmp expect err &&
	crm-rfm --db h.db --as-of 2025-08-28 >out 2>err &&
	echo "crm-rfm: $msg" >expect && test_cmp expect err &&
	crm-segment --db h.db --as-of 2025-08-28 lost >out 2>err &&
	echo "crm-segment: $msg" >expect && test_cmp expect err &&
	crm-playbook results --db h.db --as-of 2025-08-28 >out 2>err &&
	echo "crm-playbook: $msg" >expect && test_cmp expect err &&
	crm-playbook run --db h.db --dry-run --date 2025-08-28 \
	    "$DATA/playbook-timeline.playbook" >out 2>err &&
	test_grep "^crm-playbook: the newest order is from 2025-05-15, 105 days before the as-of day 2025-08-28; pass --date 2025-05-15" err &&
	test $(grep -c "newest order" err) -eq 1 &&
	crm-report --db h.db --as-of 2025-08-28 --lost-after 200 summary \
	    >out 2>err &&
	test ! -s err
'

test_expect_success 'data without times: the heatmap says so and advises no hour' '
	cat >d.csv <<-\EOF &&
	order_id,ordered_at,channel,status,account,phone,email,name,sku,product,category,quantity,unit_price
	X1,2025-03-01,shopee,completed,kim,0911111111,,Kim,A,A,c,1,100
	X2,2025-03-04,shopee,completed,lee,0922222222,,Lee,A,A,c,2,100
	EOF
	crm-import -q --db d.db d.csv &&
	crm-report --db d.db --as-of 2025-03-31 --table heatmap >out &&
	test_grep "no time of day" out &&
	! grep "Busiest\|mail shortly" out &&
	crm-report --db h.db --as-of $AS --table heatmap >out &&
	test_grep "Busiest hour of the day" out
'

test_expect_success 'an unknown --channel is an error naming the known ones' '
	test_expect_code_2() { "$@"; test $? -eq 2; } &&
	test_expect_code_2 crm-report --db h.db --as-of $AS --channel momoo \
	    summary >out 2>err &&
	test ! -s out &&
	test_grep "no order on channel .momoo. (channels: momo, shopee)" err &&
	crm-report --db h.db --as-of $AS --channel MOMO summary >out &&
	test_grep "^current,[^,]*,[^,]*,[^,]*,2,4,1000.00," out
'

test_expect_success 'crm-segment: segment names in any case; unknown ones and tags are errors' '
	crm-segment --db h.db --as-of $AS --columns rfm_segment \
	    "rfm_segment = '"'champions'"' or rfm_segment = '"'CHAMPIONS'"'" >out &&
	crm-segment --db h.db --as-of $AS --columns rfm_segment \
	    "rfm_segment = '"'Champions'"'" >expect &&
	test_cmp expect out &&
	{ crm-segment --db h.db --as-of $AS "rfm_segment = '"'champion'"'" \
	    >out 2>err; test $? -eq 2; } &&
	test_grep "unknown segment .champion. (did you mean .Champions.?)" err &&
	{ crm-segment --db h.db --as-of $AS "rfm_segment in ('"'Lost'"', '"'Sleepy'"')" \
	    >out 2>err; test $? -eq 2; } &&
	test_grep "unknown segment .Sleepy. (segments: Champions, " err &&
	{ crm-segment --db h.db --as-of $AS "tag = '"'vip'"'" >out 2>err;
	    test $? -eq 2; } &&
	test_grep "unknown tag .vip. (tags: none)" err &&
	crm-segment --db h.db --as-of $AS "not tag = '"'vip'"'" >out
'

test_expect_success 'before the returns: the same store without them' '
	crm-report --db plain.db --as-of $AS --from 2025-01-10 summary |
	    sed -n 2p | cut -d, -f6,7 >actual &&
	echo 7,13570.00 >expect &&
	test_cmp expect actual
'

test_done
