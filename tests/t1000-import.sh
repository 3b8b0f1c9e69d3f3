#!/bin/sh
test_description='crm-import: the plain format, normalisation, idempotence, aggregates'
. "$(dirname "$0")/test-lib.sh"

O=$DATA/import/orders.csv

# dump DB: the store's data, without the run log, for before/after checks.
dump() {
	sqlite3 -batch "$1" "SELECT * FROM customers ORDER BY id;
		SELECT * FROM identities ORDER BY kind, channel, value;
		SELECT id, channel, order_no, customer_id, ordered_at, status,
		  items_total, shipping, discount, total, refund, net, coupon,
		  lines FROM orders ORDER BY id;
		SELECT * FROM order_items ORDER BY order_id, line;
		SELECT * FROM customer_stats ORDER BY customer_id;
		SELECT * FROM products ORDER BY id;
		SELECT count(*) FROM imports;"
}

test_expect_success 'imports the plain format and says what it stored' '
	crm-import --db s.db $O 2>err &&
	test_grep "7 rows read, orders 6 new, 0 updated, 0 unchanged, 3 customers new, 0 rows rejected" err
'

test_expect_success 'orders: totals, statuses, coupons (worked by hand)' '
	cat >expect <<-\EOF &&
	shopee|S1|1|2024-01-05 10:00:00|completed|275000|6000|0|281000|0|281000||2
	shopee|S2|2|2024-02-07 09:05:00|completed|120000|0|10000|110000|0|110000|WELCOME100|1
	qdm|Q1|1|2024-02-07 20:00:00|completed|105150|0|0|105150|0|105150||1
	momo|M1|3|2024-03-01 00:00:00|cancelled|35000|0|0|35000|0|0||1
	shopee|S3|1|2024-03-02 08:00:00|completed|120000|0|0|120000|0|120000||1
	shopee|S4|1|2024-03-02 18:00:00|completed|35000|6000|0|41000|0|41000||1
	EOF
	sql s.db "SELECT channel, order_no, customer_id,
	    datetime(ordered_at, \"unixepoch\"), status, items_total, shipping,
	    discount, total, refund, net, coupon, lines FROM orders ORDER BY id" >actual &&
	test_cmp expect actual
'

test_expect_success 'one buyer: full-width phone matches across channels, masked phone matches nobody' '
	cat >expect <<-\EOF &&
	1|陳小美|amy@example.com|0912345678|shopee
	2|林大明|bob@example.com||shopee
	3|王五||0922111222|momo
	EOF
	sql s.db "SELECT id, name, email, phone, channel FROM customers ORDER BY id" >actual &&
	test_cmp expect actual &&
	cat >expect <<-\EOF &&
	account|qdm|q-amy|1
	account|shopee|amy|1
	account|shopee|bob|2
	email||amy@example.com|1
	email||bob@example.com|2
	phone||0912345678|1
	phone||0922111222|3
	EOF
	sql s.db "SELECT kind, channel, value, customer_id FROM identities ORDER BY 1, 2, 3" >actual &&
	test_cmp expect actual
'

test_expect_success 'aggregates follow DESIGN.md: purchase days, spend, second day' '
	cat >expect <<-\EOF &&
	1|4|3|547150|2024-01-05|2024-02-07|2024-03-02
	2|1|1|110000|2024-02-07||2024-02-07
	EOF
	sql s.db "SELECT customer_id, purchases, purchase_days, spent,
	    date(first_day * 86400, \"unixepoch\"),
	    date(second_day * 86400, \"unixepoch\"),
	    date(last_day * 86400, \"unixepoch\")
	    FROM customer_stats ORDER BY 1" >actual &&
	test_cmp expect actual
'

test_expect_success 'aggregates equal an independent SQL computation' '
	sql s.db "SELECT customer_id, count(*), count(DISTINCT ordered_at / 86400),
	    sum(net) FROM orders WHERE status NOT IN (\"cancelled\", \"returned\")
	    GROUP BY customer_id ORDER BY 1" >expect &&
	sql s.db "SELECT customer_id, purchases, purchase_days, spent
	    FROM customer_stats ORDER BY 1" >actual &&
	test_cmp expect actual
'

test_expect_success 'days round down before 1970: aggregates, monthly, heatmap' '
	H=order_id,ordered_at,channel,status,account,sku,product,quantity,unit_price &&
	cat >old.csv <<-EOF &&
	$H
	A1,1969-12-31 23:00,qdm,completed,ann,T1,tea,1,100
	A2,1970-01-01 01:00,qdm,completed,ann,T1,tea,1,100
	B1,1969-12-31 10:00,qdm,completed,bob,T1,tea,1,100
	B2,1969-12-31 20:00,qdm,completed,bob,T1,tea,1,100
	EOF
	crm-import -q --db old.db --tz UTC old.csv &&
	cat >expect <<-\EOF &&
	ann|2|-1|0|0
	bob|1|-1||-1
	EOF
	sql old.db "SELECT i.value, purchase_days, first_day, second_day,
	    last_day FROM customer_stats s JOIN identities i
	    ON i.customer_id = s.customer_id ORDER BY 1" >actual &&
	test_cmp expect actual &&
	crm-report --db old.db --as-of 1970-01-31 heatmap >hm &&
	test_grep "^Wed,10,1," hm && test_grep "^Wed,20,1," hm &&
	test_grep "^Wed,23,1," hm && test_grep "^Thu,1,1," hm &&
	crm-report --db old.db --as-of 1970-01-31 monthly >mo &&
	test_grep "^1969-12,2,2,0,3,300.00," mo &&
	test_grep "^1970-01,1,0,1,1,100.00," mo
'

test_expect_success 'the store is private, in WAL mode, versioned' '
	test "$(stat -c %a s.db)" = 600 &&
	test "$(sql s.db "PRAGMA journal_mode")" = wal &&
	test "$(sql s.db "PRAGMA user_version")" -ge 1 &&
	test "$(sql s.db "PRAGMA application_id")" = 1129467211
'

test_expect_success 'each run is logged with the file sha256 and counts' '
	sha=$(sha256sum <$O | cut -d" " -f1) &&
	echo "$O|$sha|7|6|3" >expect &&
	sql s.db "SELECT file, sha256, rows_read, orders_new, customers_new FROM imports" >actual &&
	test_cmp expect actual
'

test_expect_success 'the same file twice changes nothing' '
	dump s.db | sed "\$d" >before &&
	crm-import --db s.db $O 2>err &&
	test_grep "orders 0 new, 0 updated, 6 unchanged, 0 customers new" err &&
	dump s.db | sed "\$d" >after &&
	test_cmp before after
'

test_expect_success 'overlapping exports give each order once' '
	head -4 $O >jan-feb.csv &&
	{ head -1 $O; sed -n "4,8p" $O; } >feb-mar.csv &&
	crm-import -q --db o.db jan-feb.csv feb-mar.csv &&
	dump s.db | sed -n "/^1|/p" | head -3 >/dev/null &&
	test "$(sql o.db "SELECT count(*) FROM orders")" = 6 &&
	test "$(sql o.db "SELECT count(*) FROM order_items")" = 7 &&
	sql s.db "SELECT order_no, total, net FROM orders ORDER BY order_no" >expect &&
	sql o.db "SELECT order_no, total, net FROM orders ORDER BY order_no" >actual &&
	test_cmp expect actual
'

test_expect_success 'a status change updates the order and the aggregates' '
	sed "s/^S3,2024-03-02 08:00,shopee,completed/S3,2024-03-02 08:00,shopee,returned/" $O >returned.csv &&
	crm-import --db s.db returned.csv 2>err &&
	test_grep "orders 0 new, 1 updated, 5 unchanged" err &&
	test "$(sql s.db "SELECT status, net FROM orders WHERE order_no = \"S3\"")" = "returned|0" &&
	echo "1|3|3|427150" >expect &&
	sql s.db "SELECT customer_id, purchases, purchase_days, spent FROM customer_stats WHERE customer_id = 1" >actual &&
	test_cmp expect actual
'

test_expect_success 'a partial return lowers the order, a full one makes it returned' '
	cat >r.csv <<-\EOF &&
	order_id,ordered_at,account,sku,quantity,unit_price,returned_quantity
	R1,2024-05-01,zoe,A,3,100,1
	R1,2024-05-01,zoe,B,1,50,0
	R2,2024-05-02,zoe,A,2,100,2
	EOF
	crm-import -q --db r.db r.csv &&
	cat >expect <<-\EOF &&
	R1|completed|35000|10000|25000
	R2|returned|20000|20000|0
	EOF
	sql r.db "SELECT order_no, status, total, refund, net FROM orders ORDER BY 1" >actual &&
	test_cmp expect actual &&
	test "$(sql r.db "SELECT purchases, spent FROM customer_stats")" = "1|25000"
'

test_expect_success 'dates: slashes, one-digit months, no seconds, offsets to the shop zone' '
	cat >d.csv <<-\EOF &&
	order_id,ordered_at,account,unit_price
	D1,2024/3/5,x,1
	D2,2024-3-5 7:08,x,1
	D3,2024-03-05T23:30:00Z,x,1
	D4,2024-03-05 10:00:00 -0500,x,1
	D5,20240305,x,1
	EOF
	crm-import -q --db d.db d.csv &&
	cat >expect <<-\EOF &&
	D1|2024-03-05 00:00:00
	D2|2024-03-05 07:08:00
	D3|2024-03-06 07:30:00
	D4|2024-03-05 23:00:00
	D5|2024-03-05 00:00:00
	EOF
	sql d.db "SELECT order_no, datetime(ordered_at, \"unixepoch\") FROM orders ORDER BY 1" >actual &&
	test_cmp expect actual &&
	test "$(sql d.db "SELECT value FROM meta WHERE key = \"tz\"")" = Asia/Taipei
'

test_expect_success 'another zone with --tz, kept by the store' '
	printf "order_id,ordered_at,account,unit_price\nZ1,2024-03-05T12:00:00Z,x,1\n" >z.csv &&
	crm-import -q --tz Europe/London --db z.db z.csv &&
	test "$(sql z.db "SELECT datetime(ordered_at, \"unixepoch\") FROM orders")" = "2024-03-05 12:00:00" &&
	test_expect_code_in() { "$@"; test $? = 1; } &&
	test_expect_code_in crm-import -q --tz Asia/Taipei --db z.db z.csv 2>err &&
	test_grep "keeps times in Europe/London" err
'

test_expect_success 'TSV with -t, and stdin' '
	tr "," "\t" <$DATA/import/retail.csv | sed 1q >/dev/null &&
	printf "order_id\tordered_at\taccount\tunit_price\nT1\t2024-01-01\tann\t1,000\n" >t.tsv &&
	crm-import -q -t --db t.db <t.tsv &&
	test "$(sql t.db "SELECT order_no, total FROM orders")" = "T1|100000" &&
	test "$(sql t.db "SELECT file FROM imports")" = stdin
'

test_expect_success '--map imports a line-item log as it is (credit notes, 17850.0 ids)' '
	crm-import -q --db u.db --channel online --map-file $DATA/import/retail.map \
	    $DATA/import/retail.csv &&
	cat >expect <<-\EOF &&
	536365|17850|completed|3564|2010-12-01 08:26:00
	536366|17850|completed|1110|2010-12-01 08:28:00
	536367|13047|completed|5408|2010-12-01 08:34:00
	536380|17809|completed|3480|2010-12-01 09:41:00
	C536379|14527|credit|-2750|2010-12-01 09:41:00
	EOF
	sql u.db "SELECT o.order_no, i.value, o.status, o.net,
	    datetime(o.ordered_at, \"unixepoch\") FROM orders o
	    JOIN identities i ON i.customer_id = o.customer_id AND i.kind = \"account\"
	    ORDER BY 1" >actual &&
	test_cmp expect actual &&
	test "$(sql u.db "SELECT purchases, purchase_days, spent FROM customer_stats s
	    JOIN identities i USING (customer_id) WHERE i.value = \"17850\"")" = "2|1|4674"
'

test_expect_success '--map on the command line does the same' '
	crm-import -q --db u2.db --channel online --map order_id=InvoiceNo,ordered_at=InvoiceDate,account=CustomerID,sku=StockCode,product=Description,quantity=Quantity,unit_price=UnitPrice \
	    $DATA/import/retail.csv &&
	sql u.db "SELECT order_no, net FROM orders ORDER BY 1" >expect &&
	sql u2.db "SELECT order_no, net FROM orders ORDER BY 1" >actual &&
	test_cmp expect actual
'

test_expect_success 'Chinese statuses' '
	cat >c.csv <<-\EOF &&
	order_id,ordered_at,account,status,unit_price
	C1,2024-01-01,a,已完成,1
	C2,2024-01-01,a,已取消,1
	C3,2024-01-01,a,退貨/退款,1
	C4,2024-01-01,a,待出貨,1
	C5,2024-01-01,a,Cancelled,1
	EOF
	crm-import -q --db c.db c.csv &&
	printf "C1|completed\nC2|cancelled\nC3|returned\nC4|pending\nC5|cancelled\n" >expect &&
	sql c.db "SELECT order_no, status FROM orders ORDER BY 1" >actual &&
	test_cmp expect actual
'

test_expect_success 'an order whose lines come apart in the file is still one order' '
	cat >split.csv <<-\EOF &&
	order_id,ordered_at,account,sku,quantity,unit_price
	X1,2024-01-01,a,A,1,100
	X2,2024-01-01,b,A,1,100
	X1,2024-01-01,a,B,2,50
	EOF
	crm-import -q --db x.db split.csv &&
	test "$(sql x.db "SELECT order_no, lines, total FROM orders WHERE order_no = \"X1\"")" = "X1|2|20000" &&
	test "$(sql x.db "SELECT count(*) FROM order_items")" = 3
'

test_expect_success 'a progress line while a large file is read on a terminal, none when piped' '
	"$SRC_DIR/build/plain/gen-orders" -s 5 -n 60000 >p.csv &&
	if command -v script >/dev/null; then
		script -qec "crm-import --db p1.db p.csv" typescript >/dev/null &&
		tr "\r" "\n" <typescript | grep -q "p.csv: *[0-9]*% [0-9]* rows"
	fi &&
	crm-import --db p2.db p.csv 2>err &&
	! grep -q "% " err
'

test_expect_success '-q silences the summary' '
	crm-import -q --db q.db $O 2>err &&
	test ! -s err
'

# A later order fills in what a customer lacked, also after a merge,
# and never writes over what it had.  (crm-import skips the update where
# it knows nothing is missing: this checks it asks where something is.)
test_expect_success 'a customer gains the name, e-mail or phone it lacked' '
	H=order_id,ordered_at,channel,status,account,phone,email,name,sku,product,quantity,unit_price &&
	cat >fill.csv <<-EOF &&
	$H
	F1,2025-01-01 10:00,shopee,completed,a1,0911000001,,Ann,T1,tea,1,100
	F2,2025-01-02 10:00,shopee,completed,a1,0911000001,ann@example.com,Ann,T1,tea,1,100
	F3,2025-01-03 10:00,momo,completed,,0922000002,bee@example.com,,T1,tea,1,100
	F4,2025-01-04 10:00,shopee,completed,c3,0933000003,,Cat,T1,tea,1,100
	F5,2025-01-05 10:00,shopee,completed,c3,0933000003,bee@example.com,Cat,T1,tea,1,100
	F6,2025-01-06 10:00,shopee,completed,c3,0933000003,bee@example.com,Cathy,T1,tea,1,100
	F7,2025-01-07 10:00,momo,completed,,0922000002,cee@example.com,,T1,tea,1,100
	EOF
	crm-import -q --db fill.db fill.csv &&
	cat >expect <<-\EOF &&
	1|Ann|ann@example.com|0911000001
	2|Cat|bee@example.com|0922000002
	EOF
	sql fill.db "SELECT id, name, email, phone FROM customers ORDER BY id" >actual &&
	test_cmp expect actual &&
	sql fill.db "SELECT kept_id, merged_id FROM merges" >actual &&
	echo "2|3" >expect && test_cmp expect actual
'

# Whether a customer bought in a channel under another buyer key, after
# a merge gave it the orders of a second one: Bo's momo order, merged
# into u1 by the e-mail, makes u1's phone in Cy's momo order a phone that
# two momo buyers share.  (crm-import answers from memory for customers
# it made: this checks a merge adds the other's keys.)
test_expect_success 'a merged customer buys under both its buyer keys' '
	H=order_id,ordered_at,channel,status,account,phone,email,name,sku,product,quantity,unit_price &&
	cat >keys.csv <<-EOF &&
	$H
	K1,2025-01-01 10:00,shopee,completed,u1,0911000001,,Al,T1,tea,1,100
	K2,2025-01-02 10:00,momo,completed,,0922000002,bo@example.com,Bo,T1,tea,1,100
	K3,2025-01-03 10:00,shopee,completed,u1,0911000001,bo@example.com,Al,T1,tea,1,100
	K4,2025-01-04 10:00,momo,completed,,0911000001,,Cy,T1,tea,1,100
	EOF
	crm-import --db keys.db keys.csv 2>err &&
	test_grep "keys.csv:5: phone 0911\*\*\*001 is shared by different buyers in momo" err &&
	cat >expect <<-\EOF &&
	K1|1
	K2|1
	K3|1
	K4|3
	EOF
	sql keys.db "SELECT order_no, customer_id FROM orders ORDER BY 1" >actual &&
	test_cmp expect actual &&
	# The same into a store that has a customer already (Qi, 1).
	{ echo "$H" && echo "K0,2024-12-01 10:00,qdm,completed,q9,,,Qi,T1,tea,1,100"; } >k0.csv &&
	crm-import -q --db keys2.db k0.csv &&
	crm-import --db keys2.db keys.csv 2>err &&
	test_grep "keys.csv:5: phone 0911\*\*\*001 is shared by different buyers in momo" err &&
	test "$(sql keys2.db "SELECT customer_id FROM orders WHERE order_no = '\''K0'\''")" = 1 &&
	sql keys2.db "SELECT order_no, customer_id - 1 FROM orders
	    WHERE order_no <> '\''K0'\'' ORDER BY 1" >actual &&
	test_cmp expect actual
'

test_done
