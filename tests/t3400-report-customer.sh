#!/bin/sh
# crm-report customer WHO: one customer's story, found by any of the
# shop's identities, with every value worked out by hand or by SQL.
test_description='crm-report customer'
. "$(dirname "$0")/test-lib.sh"

# The store of t2500 (tests/data/identities-orders.csv; see there), plus
# two contacts of playbook t, a claim of Mei's code (written in lower
# case with a blank, as claims come), an opened mail and a tag.
# Days: 20028 = 2024-11-01, 20047 = 2024-11-20, 20058 = 2024-12-01.
test_expect_success 'the store' '
	crm-import --db c.db -q "$DATA/identities-orders.csv" &&
	sql c.db "INSERT INTO contacts (playbook, step, day, customer_id,
	    template, coupon_code, threshold, discount, expires_day, grp,
	    created_at) VALUES
	    ('\''t'\'', '\''winback'\'', 20028, 2, '\''wb'\'', '\''WB-ABC'\'',
	     100000, 20000, 20058, '\''treatment'\'', 0),
	    ('\''t'\'', '\''winback'\'', 20047, 1, '\''wb'\'', '\''WB-XYZ'\'',
	     100000, 20000, 20077, '\''holdout'\'', 0);
	    INSERT INTO events (kind, at, customer_id, email, campaign, coupon)
	    VALUES ('\''coupon_claimed'\'', 1730628000, 2, '\''mei@example.com'\'',
	     '\'''\'', '\''wb-abc '\''),
	    ('\''opened'\'', 1730540000, 2, '\''mei@example.com'\'',
	     '\''autumn'\'', '\'''\'');
	    INSERT INTO tags (tag, customer_id, source, added_at)
	    VALUES ('\''vip'\'', 2, '\''test'\'', 1730000000);"
'

rep() {
	crm-report --db c.db --as-of 2024-12-31 "$@" </dev/null
}

# The value of field $1 in a profile on stdin.
field() {
	awk -F, -v f="$1" '$1 == f { print $2 }'
}

test_expect_success 'every identity finds the same customer' '
	for who in 2 meimei_tw shopee:meimei_tw qdm:M0011 MEI@example.com \
	    "+886 922 333 444" 0922-333-444; do
		test "$(rep customer "$who" | field customer_id)" = 2 || {
			echo "$who"; exit 1; }
	done
'

# Cycle: Wen 10-01 -> 12-01 (61 days), Mei 09-01 -> 11-15 (75): median
# 68.0, lost after ceil(3 x 68) = 204.  Mei: 11-15 to 12-31 is 46 days,
# 46 / 68 = 0.676, 204 - 46 = 158 to go.  Wen: 30 days, 0.441, 174.
test_expect_success 'profile: identities, stage and the cycle position' '
	rep customer 2 >mei.csv &&
	test "$(head -1 mei.csv)" = "field,value" &&
	for kv in name=Mei account=shopee:meimei_tw phone=0922333444 \
	    email=mei@example.com first_channel=shopee stage=active \
	    days_since=46 orders=2 purchase_days=2 spent=2000.00 aov=1000.00 \
	    first_order=2024-09-01 last_order=2024-11-15 tags=vip \
	    lost_after=204 shop_cycle_days=68.0 cycles_since=0.68 \
	    days_to_lost=158; do
		test "$(field ${kv%%=*} <mei.csv)" = "${kv#*=}" || {
			echo "$kv: $(field ${kv%%=*} <mei.csv)"; exit 1; }
	done &&
	test "$(field channels <mei.csv)" = "qdm shopee" &&
	test "$(field accounts <mei.csv)" = "shopee:meimei_tw qdm:M0011" &&
	rep customer wen_0529 >wen.csv &&
	test "$(field phone <wen.csv)" = "" &&
	test "$(field spent <wen.csv)" = 800.00 &&
	test "$(field cycles_since <wen.csv)" = 0.44 &&
	test "$(field days_to_lost <wen.csv)" = 174
'

test_expect_success 'profile: RFM as crm-rfm gives it' '
	crm-rfm --db c.db --as-of 2024-12-31 </dev/null |
	    awk -F, "\$1 == 2 { print \$5 \$6 \$7, \$9 }" >expect &&
	echo "$(field rfm <mei.csv) $(field rfm_segment <mei.csv)" >actual &&
	test_cmp expect actual
'

test_expect_success 'identities: the facts of crm-import --explain' '
	crm-import --db c.db --explain 2 | cut -d, -f2- >expect &&
	rep --part identities customer 2 >actual &&
	test_cmp expect actual
'

test_expect_success 'orders: every order of any status, as SQL has them' '
	sql c.db "SELECT order_no || '\'','\'' || status || '\'','\'' ||
	    printf('\''%.2f'\'', net / 100.0) FROM orders WHERE customer_id = 2
	    ORDER BY ordered_at" >expect &&
	rep --part orders customer 2 | sed 1d | cut -d, -f3,4,7 >actual &&
	test_cmp expect actual &&
	rep --part orders customer 2 | sed -n 3p | cut -d, -f12 >actual &&
	echo WB-ABC >expect && test_cmp expect actual
'

test_expect_success 'lines: a return and its amount' '
	rep --part lines customer 1 >lines.csv &&
	test "$(sed -n 3p lines.csv)" = "W2,1,TEA-2,Green,2,1,300.00,600.00,300.00"
'

# Mei: code WB-ABC claimed 11-03, used in M2 on 11-15, her next purchase.
# Wen was held out on 11-20: no code; her next purchase W2 on 12-01 (300).
test_expect_success 'contacts: coupon, claim, use and the purchase that followed' '
	cat >expect <<-\EOF &&
	day,playbook,step,group,coupon,expires,claimed,used_order,next_purchase,next_order,next_net
	2024-11-01,t,winback,treatment,WB-ABC,2024-12-01,2024-11-03,M2,2024-11-15,M2,1200.00
	EOF
	rep --part contacts customer 2 >actual &&
	test_cmp expect actual &&
	rep --part contacts customer 1 | sed 1d >actual &&
	echo "2024-11-20,t,winback,holdout,,,,,2024-12-01,W2,300.00" >expect &&
	test_cmp expect actual
'

test_expect_success 'as of an earlier day: later facts do not exist' '
	crm-report --db c.db --as-of 2024-11-10 --part contacts customer 2 \
	    </dev/null | sed 1d >actual &&
	echo "2024-11-01,t,winback,treatment,WB-ABC,2024-12-01,2024-11-03,,,," >expect &&
	test_cmp expect actual &&
	crm-report --db c.db --as-of 2024-11-10 --part orders customer 2 \
	    </dev/null | sed 1d | cut -d, -f3 >actual &&
	echo M1 >expect && test_cmp expect actual
'

test_expect_success 'tags and events' '
	rep --part tags customer 2 | sed 1d >actual &&
	echo "vip,test,2024-10-27" >expect && test_cmp expect actual &&
	rep --part events customer 2 | sed 1d | cut -d, -f2,3 >actual &&
	printf "opened,autumn\ncoupon_claimed,\n" >expect && test_cmp expect actual
'

test_expect_success 'the table form says where the customer stands' '
	COLUMNS=80 rep --table customer 2 >out &&
	test_grep "Customer 2 (found by customer_id)" out &&
	test_grep "Last purchase 46 days ago: 0.68 of the shop.s cycle of 68.0" out &&
	for t in "Why these records" Orders "Order lines" Tags "Playbook contacts"; do
		test_grep "$t" out || exit 1
	done
'

test_expect_success 'the table form fits 60, 80 and 120 columns' '
	for w in 60 80 120; do
		COLUMNS=$w rep --table customer 2 >out &&
		test $(wc -L <out) -le $w || { echo "$w: $(wc -L <out)"; exit 1; }
	done
'

test_expect_success 'nobody by that name: exit 1, the value masked' '
	{ rep customer 0912000666 >out 2>err; test $? = 1; } &&
	test_grep "no customer .0912\*\*\*666." err &&
	! grep -q 0912000666 err &&
	{ rep customer zed@example.com >out 2>err; test $? = 1; } &&
	test_grep "z\*\*\*@example.com" err
'

test_expect_code 2 'customer needs who' 'rep customer'
test_expect_code 2 'customer has no part nope' 'rep --part nope customer 2'

test_done
