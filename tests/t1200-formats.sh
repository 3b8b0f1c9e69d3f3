#!/bin/sh
test_description='crm-import: Shopee, momo, QDM, Shopify, members, events, claims; one buyer across channels'
. "$(dirname "$0")/test-lib.sh"

# The expected figures come from examples/README.md, where the examples'
# generator checked them by re-merging the records independently.
EX=$SRC_DIR/examples
ORDERS="shopee-orders shopee-orders-old momo-orders qdm-orders shopify-orders"

import_all() {
	for f in $ORDERS qdm-members; do
		crm-import -q "$@" "$EX/$f.csv" || return 1
	done
}

test_expect_success 'each export is recognised from its header, and said' '
	for f in $ORDERS qdm-members email-events coupon-claims; do
		crm-import --db one-$f.db "$EX/$f.csv" 2>err || { cat err; exit 1; }
		grep "format" err >>formats
	done &&
	cat >expect <<-EOF &&
	crm-import: $EX/shopee-orders.csv: format shopee (recognised from the header)
	crm-import: $EX/shopee-orders-old.csv: format shopee-old (recognised from the header)
	crm-import: $EX/momo-orders.csv: format momo (recognised from the header)
	crm-import: $EX/qdm-orders.csv: format qdm (recognised from the header)
	crm-import: $EX/shopify-orders.csv: format shopify (recognised from the header)
	crm-import: $EX/qdm-members.csv: format qdm-members (recognised from the header)
	crm-import: $EX/email-events.csv: format email-events (recognised from the header)
	crm-import: $EX/coupon-claims.csv: format coupon-claims (recognised from the header)
	EOF
	test_cmp expect formats
'

test_expect_success 'customers per file, alone' '
	for f in shopee-orders:29 shopee-orders-old:8 momo-orders:18 qdm-orders:17 qdm-members:29 shopify-orders:6; do
		test "$(sql one-${f%:*}.db "SELECT count(*) FROM customers")" = ${f#*:} ||
		{ echo "${f%:*}: $(sql one-${f%:*}.db "SELECT count(*) FROM customers")"; exit 1; }
	done
'

test_expect_success 'all order and member files: 79 customers, 68 who ordered, 64 who bought, 11 potential' '
	import_all --db all.db &&
	echo "79|68|64|29|11" >expect &&
	sql all.db "SELECT (SELECT count(*) FROM customers),
	    (SELECT count(DISTINCT customer_id) FROM orders),
	    (SELECT count(*) FROM customer_stats),
	    (SELECT count(*) FROM members),
	    (SELECT count(*) FROM customers c WHERE is_member AND NOT EXISTS
	        (SELECT 1 FROM orders o WHERE o.customer_id = c.id))" >actual &&
	test_cmp expect actual
'

test_expect_success 'without merging across channels: 90 customers' '
	import_all --db nomerge.db --no-merge &&
	test "$(sql nomerge.db "SELECT count(*) FROM customers")" = 90
'

# channels NAME: the channels one person's orders are in.
channels() {
	sql all.db "SELECT group_concat(DISTINCT o.channel) FROM (SELECT channel
	    FROM orders WHERE customer_id = (SELECT customer_id FROM identities
	    WHERE kind = \"$1\" AND value = \"$2\") ORDER BY channel) o"
}

test_expect_success 'the same phone or email in other forms is one buyer across channels' '
	test "$(channels account tea.lover88)" = "momo,qdm,shopee" &&
	test "$(channels account meimei_tw)" = "shopee,shopify" &&
	test "$(channels phone 0933456789)" = "qdm,shopify" &&
	test "$(channels account yating.chang)" = "momo,shopee" &&
	test "$(channels phone 0921987654)" = "momo,qdm" &&
	test "$(channels phone 0987112233)" = "momo,shopify" &&
	test "$(channels phone 0958246135)" = "momo,qdm" &&
	test "$(channels account yizhen0707)" = "qdm,shopee"
'

test_expect_success 'a member who never bought on QDM joins her Shopee orders' '
	test "$(sql all.db "SELECT count(*) FROM members m JOIN orders o
	    USING (customer_id) WHERE m.member_no = \"M00024\"
	    AND o.channel = \"shopee\"")" = 1
'

test_expect_success 'a masked phone, the shop phone and a family line merge nobody' '
	test "$(sql all.db "SELECT count(DISTINCT customer_id) FROM orders
	    WHERE buyer IN (\"shopee:a:tea.lover88\", \"shopee:a:choco_bear\",
	    \"shopee:a:sunny.day\")")" = 3 &&
	test "$(sql all.db "SELECT count(DISTINCT customer_id) FROM orders
	    WHERE buyer IN (\"shopee:a:snackqueen\", \"shopee:a:kuo_tea\",
	    \"shopee:a:milk.tea.fan\", \"shopee:a:yuki_hsu\")")" = 4 &&
	test "$(sql all.db "SELECT count(DISTINCT customer_id) FROM orders
	    WHERE channel = \"momo\" AND buyer LIKE \"momo:n:周%\"")" = 5 &&
	test "$(sql all.db "SELECT count(*) FROM orders WHERE buyer = \"momo:n:周子軒\"")" = 2 &&
	test "$(sql all.db "SELECT count(DISTINCT customer_id) FROM orders
	    WHERE buyer = \"momo:n:周子軒\"")" = 1
'

test_expect_success 'shared values are reported and marked' '
	crm-import --db rep.db "$EX/shopee-orders.csv" "$EX/momo-orders.csv" 2>err &&
	test_grep "phone 0227\*\*\*899 is shared by different buyers in shopee" err &&
	test_grep "phone 0223\*\*\*789 is shared by different buyers in momo" err &&
	printf "0223456789\n0227718899\n" >expect &&
	sql rep.db "SELECT value FROM identities WHERE shared ORDER BY 1" >actual &&
	test_cmp expect actual
'

test_expect_success 'names never merge: two people called 林佳穎' '
	test "$(sql all.db "SELECT count(*) FROM customers WHERE name = \"林佳穎\"")" = 2
'

test_expect_success 'Shopee: cancel reasons, a lost parcel, a partial and a full return' '
	cat >expect <<-\EOF &&
	260427SJNU24Z0|returned
	260517KESX9UQT|cancelled
	260629KUNV8U8N|cancelled
	260713UH0PJ9JZ|completed
	260714RG4BU26M|cancelled
	260909FG3MAL7R|completed
	261015YGB45BCC|cancelled
	EOF
	sql one-shopee-orders.db "SELECT order_no, status FROM orders WHERE order_no IN
	    (\"260427SJNU24Z0\", \"260517KESX9UQT\", \"260629KUNV8U8N\", \"260713UH0PJ9JZ\",
	     \"260714RG4BU26M\", \"260909FG3MAL7R\", \"261015YGB45BCC\") ORDER BY 1" >actual &&
	test_cmp expect actual &&
	echo "44|4|1" >expect &&
	sql one-shopee-orders.db "SELECT sum(status IN (\"completed\", \"pending\")),
	    sum(status = \"cancelled\"), sum(status = \"returned\") FROM orders" >actual &&
	test_cmp expect actual &&
	test "$(sql one-shopee-orders.db "SELECT net FROM orders WHERE order_no = \"260909FG3MAL7R\"")" = 117500
'

test_expect_success 'Shopee: the partial return lowers the order by one 880' '
	sqlite3 raw.db ".mode csv" ".import \"$EX/shopee-orders.csv\" s" &&
	paid=$(sqlite3 raw.db "SELECT DISTINCT replace(買家總支付金額, \",\", \"\")
	    FROM s WHERE 訂單編號 = \"260713UH0PJ9JZ\"") &&
	test "$(sql one-shopee-orders.db "SELECT total / 100, refund / 100, net / 100
	    FROM orders WHERE order_no = \"260713UH0PJ9JZ\"")" = "$paid|880|$((paid - 880))"
'

test_expect_success 'Shopee: order values repeated on every line count once' '
	sqlite3 raw.db "SELECT sum(t) FROM (SELECT DISTINCT 訂單編號,
	    replace(買家總支付金額, \",\", \"\") + 0 AS t FROM s)" >expect &&
	sql one-shopee-orders.db "SELECT sum(total) / 100 FROM orders" >actual &&
	test_cmp expect actual
'

test_expect_success 'Shopee old layout: the items of one cell become lines' '
	test "$(sql one-shopee-orders-old.db "SELECT count(*) FROM orders")" = 10 &&
	sqlite3 raw.db ".mode csv" ".import \"$EX/shopee-orders-old.csv\" o" &&
	sqlite3 raw.db "SELECT sum(replace(\"訂單小計 (TWD)\", \",\", \"\") + 0) FROM o" >expect &&
	sql one-shopee-orders-old.db "SELECT sum(items_total) / 100 FROM orders" >actual &&
	test_cmp expect actual &&
	test "$(sql one-shopee-orders-old.db "SELECT p.name FROM order_items i
	    JOIN products p ON p.id = i.product_id JOIN orders o ON o.id = i.order_id
	    WHERE o.order_no = \"250525QWH7CSB6\" AND i.line = 2")" = "桂花烏龍冷泡茶包 15入"
'

test_expect_success 'momo: Big5 recognised, 14-character orders, price as revenue, cost as cost' '
	test "$(sql one-momo-orders.db "SELECT encoding FROM imports")" = CP950 &&
	test "$(sql one-momo-orders.db "SELECT count(*) FROM orders")" = 24 &&
	iconv -f CP950 -t UTF-8 "$EX/momo-orders.csv" >momo.csv &&
	sqlite3 raw.db ".mode csv" ".import momo.csv m" &&
	sqlite3 raw.db "SELECT sum(\"售價(含稅)\" * 數量), sum(\"進價(含稅)\" * 數量) FROM m" >expect &&
	sql one-momo-orders.db "SELECT sum(amount) / 100, sum(cost) / 100 FROM order_items" >actual &&
	test_cmp expect actual &&
	echo "20|2|2" >expect &&
	sql one-momo-orders.db "SELECT sum(status = \"completed\"), sum(status = \"pending\"),
	    sum(status = \"returned\") FROM orders" >actual &&
	test_cmp expect actual
'

test_expect_success 'QDM: statuses, coupons and totals as the export says' '
	echo "21|2|1|1|6" >expect &&
	sql one-qdm-orders.db "SELECT sum(status = \"completed\"), sum(status = \"cancelled\"),
	    sum(status = \"returned\"), sum(status = \"pending\"),
	    sum(coupon IS NOT NULL) FROM orders" >actual &&
	test_cmp expect actual
'

test_expect_success 'Shopify: cancelled, partial and full refunds, offsets' '
	cat >expect <<-\EOF &&
	#1003|cancelled
	#1004|completed
	#1005|returned
	EOF
	sql one-shopify-orders.db "SELECT order_no, status FROM orders
	    WHERE order_no IN (\"#1003\", \"#1004\", \"#1005\") ORDER BY 1" >actual &&
	test_cmp expect actual &&
	test "$(sql one-shopify-orders.db "SELECT datetime(ordered_at, \"unixepoch\")
	    FROM orders WHERE order_no = \"#1001\"")" = "2026-03-26 21:07:44" &&
	test "$(sql one-shopify-orders.db "SELECT count(*) FROM order_items")" = 13
'

test_expect_success 'members: birthdays, genders and tags; potential customers' '
	test "$(sql one-qdm-members.db "SELECT birthday, gender FROM members WHERE member_no = \"M00002\"")" = "1972-11-26|F" &&
	test "$(sql one-qdm-members.db "SELECT group_concat(tag, \"+\") FROM (SELECT tag
	    FROM tags t JOIN members m USING (customer_id) WHERE m.member_no = \"M00003\" ORDER BY tag)")" = "VIP+茶友" &&
	test "$(sql one-qdm-members.db "SELECT count(*) FROM customers WHERE is_member")" = 29
'

test_expect_success 'events and claims: matched by email, phone or account; unknown kept' '
	crm-import -q --db all.db "$EX/email-events.csv" "$EX/coupon-claims.csv" &&
	echo "102|98|28|26" >expect &&
	sql all.db "SELECT sum(kind != \"coupon_claimed\"),
	    sum(kind != \"coupon_claimed\" AND customer_id IS NOT NULL),
	    sum(kind = \"coupon_claimed\"),
	    sum(kind = \"coupon_claimed\" AND customer_id IS NOT NULL) FROM events" >actual &&
	sql all.db "SELECT count(DISTINCT email) FROM events WHERE customer_id IS NULL
	    AND kind != \"coupon_claimed\"" >unknown &&
	echo 4 >expect.unknown && test_cmp expect.unknown unknown
'

test_expect_success 're-importing everything changes nothing' '
	sqlite3 all.db .dump | grep -v "^INSERT INTO imports" >before &&
	import_all --db all.db &&
	crm-import -q --db all.db "$EX/email-events.csv" "$EX/coupon-claims.csv" &&
	sqlite3 all.db .dump | grep -v "^INSERT INTO imports" >after &&
	test_cmp before after
'

test_expect_success 'a re-import whose status changed updates the order' '
	sed "s/^\(QD2611176153,[^,]*\),待出貨,/\1,已完成,/" "$EX/qdm-orders.csv" >qdm2.csv &&
	crm-import --db all.db qdm2.csv 2>err &&
	test_grep "orders 0 new, 1 updated, 24 unchanged" err &&
	test "$(sql all.db "SELECT status FROM orders WHERE order_no = \"QD2611176153\"")" = completed
'

test_expect_success '--explain says why records are one customer; --split parts them for good' '
	id=$(sql all.db "SELECT customer_id FROM identities WHERE value = \"tea.lover88\"") &&
	crm-import --db all.db --explain $id >why &&
	test_grep "^$id,identity,phone,,0912345678,first given by shopee:a:tea.lover88" why &&
	test_grep "^$id,identity,name_address,momo,陳怡君|" why &&
	crm-import -q --db all.db --split $id &&
	test "$(sql all.db "SELECT count(*) FROM customers")" = 81 &&
	import_all --db all.db &&
	test "$(sql all.db "SELECT count(*) FROM customers")" = 81 &&
	crm-import --db all.db --explain $id >why2 &&
	test_grep "0912345678,unlinked by hand" why2
'

test_expect_success '--link makes two customers one' '
	a=$(sql all.db "SELECT customer_id FROM identities WHERE value = \"tea.lover88\"") &&
	b=$(sql all.db "SELECT customer_id FROM identities WHERE value = \"M00003\"") &&
	crm-import -q --db all.db --link $a,$b &&
	test "$(sql all.db "SELECT count(*) FROM customers")" = 80 &&
	test_grep "by hand" "$(crm-import --db all.db --explain $a >l; echo l)"
'

# Every write of customer_stats above (imports, a status change, a
# split, a link) went through the triggers that keep the counts.
test_expect_success 'the stage and cycle counts follow imports, a split and a link' '
	counts_agree all.db &&
	test "$(sql all.db "SELECT sum(customers) FROM stats_days")" = \
	    "$(sql all.db "SELECT count(*) FROM customer_stats")"
'

test_expect_success '--format forces a format; a wrong one is refused plainly' '
	{ crm-import --db w.db --format momo "$EX/qdm-orders.csv" 2>err; test $? = 1; } &&
	test_grep "no column for field .ordered_at." err &&
	{ crm-import --db w.db --format nosuch x.csv 2>err; test $? = 2; } &&
	test_grep "unknown format .nosuch." err &&
	{ crm-import --db w.db --kind members "$EX/qdm-orders.csv" 2>err; test $? = 1; } &&
	test_grep "not a format crm-import knows" err
'

test_expect_success 'a header no format knows gets the list of formats' '
	printf "a,b,c\n1,2,3\n" >odd.csv &&
	{ crm-import --db w.db odd.csv 2>err; test $? = 1; } &&
	test_grep "odd.csv:1: not a format crm-import knows (coupon-claims, email-events, momo, plain, points-redemptions, qdm, qdm-members, shopee, shopee-old, shopify)" err
'

test_expect_success '--format-file takes a corrected copy of a format' '
	sed "s/^ordered_at *=.*/ordered_at = 下單時間/" "$SRC_DIR/share/formats/qdm.fmt" >my.fmt &&
	sed "1s/訂單日期/下單時間/" "$EX/qdm-orders.csv" >renamed.csv &&
	crm-import -q --db f.db --format-file my.fmt renamed.csv &&
	test "$(sql f.db "SELECT count(*) FROM orders")" = 25 &&
	printf "format = broken\nwhat = ever\n" >bad.fmt &&
	{ crm-import --db f.db --format-file bad.fmt renamed.csv 2>err; test $? = 2; } &&
	test_grep "unknown field .what." err
'

test_expect_success 'Big5 forced, UTF-8 with a BOM, CRLF' '
	crm-import -q --db b5.db --encoding CP950 "$EX/momo-orders.csv" &&
	test "$(sql b5.db "SELECT count(*) FROM orders")" = 24 &&
	head -c 3 "$EX/shopee-orders.csv" | od -An -tx1 | grep -q "ef bb bf" &&
	test "$(sql one-shopee-orders.db "SELECT encoding FROM imports")" = UTF-8
'

test_expect_success 'an encoding that cannot be read says which line and what to try' '
	iconv -f CP950 -t UTF-8 "$EX/momo-orders.csv" >momo-utf8.csv &&
	{ crm-import --db e.db --encoding CP950 momo-utf8.csv 2>err; test $? = 1; } &&
	test_grep "momo-utf8.csv:1: byte [0-9]* is not valid CP950; try --encoding" err &&
	{ crm-import --db e.db --encoding KOI9-XX momo-utf8.csv 2>err; test $? = 1; } &&
	test_grep "unknown encoding" err
'

test_expect_success 'a damaged spreadsheet is named as one, from a file or stdin' '
	printf "PK\003\004rest of a zip" >orders.xlsx &&
	{ crm-import --db x.db orders.xlsx 2>err; test $? = 1; } &&
	test_grep "orders.xlsx: a damaged .xlsx (zip) file: Not a zip archive" err &&
	{ crm-import --db x.db - <orders.xlsx 2>err; test $? = 1; } &&
	test_grep "stdin: a damaged .xlsx (zip) file" err &&
	{ cat orders.xlsx | crm-import --db x.db 2>err; test $? = 1; } &&
	test_grep "stdin: a damaged .xlsx (zip) file" err
'

test_done
