#!/bin/sh
test_description='crm-import: credit notes, guest orders, whole orders, currency, future dates, padded logs'
. "$(dirname "$0")/test-lib.sh"

MAP=$DATA/import/retail.map

# A line-item log shaped like the UCI Online Retail set: a guest order
# (no CustomerID), a credit note months after its sale (C560001), a line
# priced 0.001, an 80995-unit sale credited 12 minutes later (C581484).
cat >uci.csv <<'EOF'
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536544,21773,DECORATIVE ROSE BATHROOM BOTTLE,1,12/1/2010 14:32,2.51,,United Kingdom
536544,47421,ASSORTED COLOUR LIGHTS,2,12/1/2010 14:32,0.42,,United Kingdom
540001,22423,REGENCY CAKESTAND 3 TIER,4,1/5/2011 10:00,12.75,14911.0,EIRE
540001,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,1/5/2011 10:00,2.55,14911.0,EIRE
553573,22980,PANTRY SCRUBBING BRUSH,1,5/18/2011 9:52,1.65,16446.0,United Kingdom
553573,22982,PANTRY PASTRY BRUSH,1,5/18/2011 9:52,1.25,16446.0,United Kingdom
C560001,22423,REGENCY CAKESTAND 3 TIER,-2,7/20/2011 11:00,12.75,14911.0,EIRE
570001,85123A,WHITE HANGING HEART T-LIGHT HOLDER,12,10/3/2011 14:00,2.55,14911.0,EIRE
573008,23107,FELTCRAFT BUTTERFLY HEARTS,1,10/27/2011 12:23,4.95,13952.0,United Kingdom
573008,PADS,PADS TO MATCH ALL CUSHIONS,5,10/27/2011 12:23,0.001,13952.0,United Kingdom
581483,23843,"PAPER CRAFT , LITTLE BIRDIE",80995,12/9/2011 9:15,2.08,16446.0,United Kingdom
C581484,23843,"PAPER CRAFT , LITTLE BIRDIE",-80995,12/9/2011 9:27,2.08,16446.0,United Kingdom
EOF

test_expect_success 'a line-item log with credit notes, a guest order and a 0.001 price imports whole' '
	crm-import --db u.db --currency GBP --channel online --map-file $MAP \
	    uci.csv 2>err &&
	test_grep "12 rows read, orders 8 new, 0 updated, 0 unchanged, 3 customers new, 0 rows rejected" err &&
	test_grep "uci.csv: 1 order without a known buyer (guest checkouts) stored for shop-level figures" err
'

# By hand: 536544 = 2.51 + 2 x 0.42 = 3.35; 540001 = 4 x 12.75 + 6 x
# 2.55 = 66.30; 553573 = 1.65 + 1.25 = 2.90; C560001 = -2 x 12.75 =
# -25.50; 570001 = 12 x 2.55 = 30.60; 573008 = 4.95 + 5 x 0.001 (0.005,
# half away from zero: 0.01) = 4.96; 581483 = 80995 x 2.08 = 168469.60,
# and C581484 its negative.
test_expect_success 'credit notes are orders of status credit, negative, on their own day' '
	cat >expect <<-\EOF &&
	536544||completed|335|335|0|335|2|2010-12-01 14:32:00
	540001|14911|completed|6630|6630|0|6630|2|2011-01-05 10:00:00
	553573|16446|completed|290|290|0|290|2|2011-05-18 09:52:00
	C560001|14911|credit|-2550|-2550|0|-2550|1|2011-07-20 11:00:00
	570001|14911|completed|3060|3060|0|3060|1|2011-10-03 14:00:00
	573008|13952|completed|496|496|0|496|2|2011-10-27 12:23:00
	581483|16446|completed|16846960|16846960|0|16846960|1|2011-12-09 09:15:00
	C581484|16446|credit|-16846960|-16846960|0|-16846960|1|2011-12-09 09:27:00
	EOF
	sql u.db "SELECT o.order_no, (SELECT value FROM identities i
	    WHERE i.customer_id = o.customer_id AND kind = \"account\"),
	    status, items_total, total, refund, net, lines,
	    datetime(ordered_at, \"unixepoch\") FROM orders o ORDER BY id" >actual &&
	test_cmp expect actual
'

test_expect_success 'a credit note keeps its lines negative' '
	cat >expect <<-\EOF &&
	573008|23107|1|0|495|495
	573008|PADS|5|0|0|1
	C560001|22423|-2|0|1275|-2550
	C581484|23843|-80995|0|208|-16846960
	EOF
	sql u.db "SELECT o.order_no, p.sku, i.quantity, i.returned_qty,
	    i.unit_price, i.amount FROM order_items i
	    JOIN orders o ON o.id = i.order_id JOIN products p
	    ON p.id = i.product_id WHERE o.status = \"credit\"
	    OR o.order_no = \"573008\" ORDER BY o.order_no, i.line" >actual &&
	test_cmp expect actual
'

# Revenue: 3.35 + 66.30 + 2.90 - 25.50 + 30.60 + 4.96 + 168469.60
# - 168469.60 = 82.61.  Customers: 14911 bought twice on two days,
# 66.30 + 30.60 - 25.50 = 71.40; 16446 twice, 2.90 + 0 = 2.90 (the
# 168472.50 before credits counted); 13952 once, 4.96.  No row for the
# guest order.
test_expect_success 'revenue and spend count the credits; purchases do not' '
	test "$(sql u.db "SELECT sum(net) FROM orders
	    WHERE status IN (\"completed\", \"pending\", \"credit\")")" = 8261 &&
	cat >expect <<-\EOF &&
	13952|1|1|496|2011-10-27|2011-10-27
	14911|2|2|7140|2011-01-05|2011-10-03
	16446|2|2|290|2011-05-18|2011-12-09
	EOF
	sql u.db "SELECT i.value, purchases, purchase_days, spent,
	    date(first_day * 86400, \"unixepoch\"),
	    date(last_day * 86400, \"unixepoch\")
	    FROM customer_stats s JOIN identities i
	    ON i.customer_id = s.customer_id AND i.kind = \"account\"
	    ORDER BY 1" >actual &&
	test_cmp expect actual &&
	test "$(sql u.db "SELECT count(*) FROM customer_stats")" = 3
'

# The windowed amounts count a window's credit notes as spent does:
# 14911 after 1 July 2011: C560001 -25.50 and 570001 30.60, spent 5.10
# in 1 order; 16446 after it: 581483 168,469.60 credited in full by
# C581484, spent 0.00 in 1 order, aov 0; 14911 in July and August: only
# the credit, -25.50 in no order.  Counting purchases alone said 30.60
# and 168,469.60.
test_expect_success 'spent() and aov() of a window count its credit notes' '
	seg() { crm-segment --db u.db --as-of 2011-12-31 --columns account "$1" |
	    sed 1d | cut -d, -f2; } &&
	test "$(seg "spent(after 2011-07-01) > 5 and spent(after 2011-07-01) < 6")" = online:14911 &&
	test "$(seg "aov(after 2011-07-01) = 0 and orders(after 2011-07-01) = 1")" = online:16446 &&
	test "$(seg "spent(between 2011-07-01 and 2011-08-31) = -25.50 and orders(between 2011-07-01 and 2011-08-31) = 0")" = online:14911
'

test_expect_success 'the same file again changes nothing, guest order included' '
	sqlite3 u.db "SELECT * FROM orders ORDER BY id; SELECT * FROM order_items;
	    SELECT * FROM customer_stats" >before &&
	crm-import --db u.db --channel online --map-file $MAP uci.csv 2>err &&
	test_grep "orders 0 new, 0 updated, 8 unchanged, 0 customers new" err &&
	sqlite3 u.db "SELECT * FROM orders ORDER BY id; SELECT * FROM order_items;
	    SELECT * FROM customer_stats" >after &&
	test_cmp before after
'

test_expect_success 'a customer with credits only has no aggregates; the credit column marks a credit' '
	cat >cr.csv <<-\EOF &&
	order_id,ordered_at,account,sku,quantity,unit_price,is_credit
	R1,2024-02-01,ann,A,2,100,
	R2,2024-03-01,bob,A,1,100,yes
	R3,2024-03-02,ann,A,1,100,1
	R4,2024-03-03,ann,A,1,100,no
	EOF
	crm-import -q --db cr.db --map credit=is_credit cr.csv &&
	cat >expect <<-\EOF &&
	R1|completed|20000|2
	R2|credit|-10000|-1
	R3|credit|-10000|-1
	R4|completed|10000|1
	EOF
	sql cr.db "SELECT order_no, status, net, (SELECT sum(quantity)
	    FROM order_items WHERE order_id = o.id) FROM orders o ORDER BY 1" >actual &&
	test_cmp expect actual &&
	test "$(sql cr.db "SELECT purchases, purchase_days, spent FROM customer_stats")" = "2|2|20000" &&
	printf "order_id,ordered_at,account,unit_price,status\nK1,2024-01-01,ann,5,credit note\n" >k.csv &&
	crm-import -q --db k.db k.csv &&
	test "$(sql k.db "SELECT status, net FROM orders")" = "credit|-500"
'

test_expect_success 'a store made before credits: the first re-import turns its cancelled credit notes into credits, then nothing changes' '
	sqlite3 old.db "PRAGMA user_version" >/dev/null &&
	crm-import -q --db old.db --channel online --map-file $MAP uci.csv &&
	sqlite3 old.db "UPDATE orders SET status = \"cancelled\", net = 0,
	    total = -total, items_total = -items_total, digest = 0
	    WHERE status = \"credit\"" &&
	crm-import --db old.db --channel online --map-file $MAP uci.csv 2>err &&
	test_grep "orders 0 new, 2 updated, 6 unchanged" err &&
	test "$(sql old.db "SELECT group_concat(status || \":\" || net) FROM orders
	    WHERE order_no LIKE \"C%\"")" = "credit:-2550,credit:-16846960"
'

test_expect_success 'a return within an order still lowers that order' '
	printf "order_id,ordered_at,account,sku,quantity,unit_price\nP1,2024-01-01,ann,A,3,100\nP1,2024-01-01,ann,B,-1,50\n" >part.csv &&
	crm-import -q --db part.db part.csv &&
	test "$(sql part.db "SELECT status, items_total, refund, net FROM orders")" = "completed|35000|5000|30000"
'

test_expect_success 'rows whose order lies apart in the file: unchanged on every rerun' '
	cat >apart.csv <<-\EOF &&
	order_id,ordered_at,account,sku,quantity,unit_price
	542806,2024-01-01,ann,A,1,100
	542807,2024-01-01,bob,A,1,100
	542806,2024-01-01,ann,B,2,50
	542808,2024-01-02,cyd,C,1,10
	542806,2024-01-01,ann,C,1,7
	EOF
	crm-import --db ap.db apart.csv 2>err &&
	test_grep "orders 3 new, 0 updated, 0 unchanged" err &&
	test "$(sql ap.db "SELECT lines, total FROM orders WHERE order_no = \"542806\"")" = "3|20700" &&
	sqlite3 ap.db "SELECT * FROM orders ORDER BY id; SELECT * FROM order_items" >before &&
	crm-import --db ap.db apart.csv 2>err &&
	test_grep "orders 0 new, 0 updated, 3 unchanged" err &&
	crm-import --db ap.db apart.csv 2>err &&
	test_grep "orders 0 new, 0 updated, 3 unchanged" err &&
	sqlite3 ap.db "SELECT * FROM orders ORDER BY id; SELECT * FROM order_items" >after &&
	test_cmp before after &&
	sed "s/ann,C,1,7/ann,C,1,8/" apart.csv >apart2.csv &&
	crm-import --db ap.db apart2.csv 2>err &&
	test_grep "orders 0 new, 1 updated, 2 unchanged" err &&
	test "$(sql ap.db "SELECT lines, total FROM orders WHERE order_no = \"542806\"")" = "3|20800"
'

test_expect_success 'an order stored from part of a file grows when the whole file comes' '
	head -2 apart.csv >first.csv &&
	crm-import -q --db gr.db first.csv &&
	crm-import --db gr.db apart.csv 2>err &&
	test_grep "orders 2 new, 1 updated, 0 unchanged" err &&
	test "$(sql gr.db "SELECT lines, total FROM orders WHERE order_no = \"542806\"")" = "3|20700" &&
	crm-import --db gr.db apart.csv 2>err &&
	test_grep "orders 0 new, 0 updated, 3 unchanged" err
'

test_expect_success 'a cut file replaces the orders it holds whole, and says which lost lines' '
	cat >seven.csv <<-\EOF &&
	order_id,ordered_at,account,sku,quantity,unit_price
	536365,2010-12-01 08:26,17850,85123A,6,2.55
	536365,2010-12-01 08:26,17850,71053,6,3.39
	536365,2010-12-01 08:26,17850,84406B,8,2.75
	536365,2010-12-01 08:26,17850,84029G,6,3.39
	536365,2010-12-01 08:26,17850,84029E,6,3.39
	536365,2010-12-01 08:26,17850,22752,2,7.65
	536365,2010-12-01 08:26,17850,21730,6,4.25
	EOF
	crm-import -q --db cut.db seven.csv &&
	head -3 seven.csv >head.csv &&
	crm-import --db cut.db head.csv 2>err &&
	test_grep "head.csv:2: order 536365 had 7 lines and now has 2: this file replaces it whole" err &&
	test "$(sql cut.db "SELECT lines, total FROM orders")" = "2|3564" &&
	crm-import --db cut.db seven.csv 2>err &&
	! grep -q "now has" err &&
	test "$(sql cut.db "SELECT lines, total FROM orders")" = "7|13912"
'

test_expect_success 'the currency: set once, from --currency, the format or TWD' '
	test "$(sql u.db "SELECT value FROM meta WHERE key = \"currency\"")" = GBP &&
	{ crm-import --db u.db --currency USD --channel online --map-file $MAP uci.csv 2>err; test $? = 1; } &&
	test_grep "the store keeps amounts in GBP, not USD (from --currency)" err &&
	{ crm-import --db u.db $TEST_DIR/../examples/shopee-orders.csv 2>err; test $? = 1; } &&
	test_grep "keeps amounts in GBP, not TWD (from .*shopee.fmt)" err &&
	crm-import -q --db t.db part.csv &&
	test "$(sql t.db "SELECT value FROM meta WHERE key = \"currency\"")" = TWD &&
	{ crm-import --db t.db --currency gbp part.csv 2>err; test $? = 2; } &&
	test_grep "3 capitals" err
'

test_expect_success 'orders dated after today are said, and counted' '
	printf "order_id,ordered_at,account,unit_price\nF1,2024-01-01,ann,1\nF2,2031-05-06,bob,1\nF3,2206-01-01,cyd,1\n" >fut.csv &&
	crm-import --db fut.db fut.csv 2>err &&
	test_grep "fut.csv:3: order F2 is dated 2031-05-06, after today" err &&
	test_grep "fut.csv:4: order F3 is dated 2206-01-01, after today" err &&
	test_grep "3 rows read, orders 3 new.*0 rows rejected, 2 orders dated after today" err
'

test_expect_success '--skip-bad rejects an order whole, each row with its own fields' '
	cat >mixed.csv <<-\EOF &&
	order_id,ordered_at,account,sku,quantity,unit_price
	536414,2024-01-01,ann,A,1,100
	536414,2024-01-01,ann,B,x,5
	536415,2024-01-02,bob,A,1,100
	536414,2024-01-01,ann,C,2,3
	EOF
	crm-import --db sk.db --skip-bad rej.csv mixed.csv 2>err &&
	cat >expect <<-\EOF &&
	file,line,field,reason,row...
	mixed.csv,2,order_id,another row of order 536414 is bad,536414,2024-01-01,ann,A,1,100
	mixed.csv,3,quantity,not a whole number: '"'"'x'"'"',536414,2024-01-01,ann,B,x,5
	mixed.csv,5,order_id,another row of order 536414 is bad,536414,2024-01-01,ann,C,2,3
	EOF
	test_cmp expect rej.csv &&
	test_grep "4 rows read, orders 1 new.*3 rows rejected (1 order rejected whole)" err &&
	test "$(sql sk.db "SELECT group_concat(order_no) FROM orders")" = 536415 &&
	{ echo order_id,ordered_at,account,sku,quantity,unit_price;
	  sed 1d rej.csv | cut -d, -f5- | sed "s/,x,/,1,/"; } >fixed.csv &&
	crm-import -q --db sk.db fixed.csv &&
	test "$(sql sk.db "SELECT lines, total FROM orders WHERE order_no = \"536414\"")" = "3|11100"
'

test_expect_success 'messages mask phones and e-mails' '
	printf "order_id,ordered_at,account,email,unit_price\nE1,2024-01-01,ann,alice@example.com,1\nE2,2024-01-02,bob,alice@example.com,1\n" >sh.csv &&
	crm-import --db sh2.db sh.csv 2>err &&
	test_grep "email a\*\*\*@example.com is shared" err &&
	! grep -q alice err &&
	printf "order_id,ordered_at,phone,unit_price\nP1,2024-01-01,09123abc45,1\n" >ph.csv &&
	{ crm-import --db ph.db ph.csv 2>err; test $? = 1; } &&
	test_grep "'"'"'09\*\*\*45'"'"' is not a phone number" err
'

test_expect_success '--blanks reads a space-padded log such as CDNOW' '
	cat >cdnow.txt <<-\EOF &&
	order_id  account  ordered_at  quantity  paid_total
	    1     00001 19970101  1   11.77
	    2     00002 19970112  1   12.00
	    3     00002 19970112  5   77.00
	 4 00003 19970102 2 20.76   
	EOF
	crm-import --blanks --db cd.db cdnow.txt 2>err &&
	test_grep "4 rows read, orders 4 new, 0 updated, 0 unchanged, 3 customers new, 0 rows rejected" err &&
	cat >expect <<-\EOF &&
	1|00001|1177|1997-01-01
	2|00002|1200|1997-01-12
	3|00002|7700|1997-01-12
	4|00003|2076|1997-01-02
	EOF
	sql cd.db "SELECT order_no, (SELECT value FROM identities i
	    WHERE i.customer_id = o.customer_id), total,
	    date(ordered_at, \"unixepoch\") FROM orders o ORDER BY 1" >actual &&
	test_cmp expect actual &&
	{ crm-import -d " " --db cd2.db cdnow.txt 2>err; test $? = 1; }
'

test_done
