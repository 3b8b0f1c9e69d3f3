#!/bin/sh
test_description='crm-import: .xlsx workbooks read as their CSV would be'
. "$(dirname "$0")/test-lib.sh"

# The workbooks are made by openpyxl (tests/mkxlsx.py), not by crmkit.
EX=$SRC_DIR/examples
PY=/usr/bin/python3
mk() { "$PY" "$TEST_DIR/mkxlsx.py" "$@"; }

# dump DB: what an import stored, without the file's name and hash.
dump() {
	for t in orders order_items customers identities contacts products; do
		echo "== $t"
		sqlite3 -batch -noheader "$1" "SELECT * FROM $t ORDER BY 1"
	done
	echo "== imports"
	sqlite3 -batch -noheader "$1" "SELECT kind, format, rows_read,
	    rows_rejected, orders_new, orders_updated, orders_unchanged,
	    customers_new, records_new FROM imports ORDER BY id"
}

# same CSV XLSX [ARGS]: both import to the same store.
same() {
	rm -f c.db x.db &&
	crm-import -q --db c.db $3 "$1" &&
	crm-import -q --db x.db $3 "$2" &&
	dump c.db >c.dump && dump x.db >x.dump &&
	test "$(grep -c . x.dump)" -gt 12 &&
	test_cmp c.dump x.dump
}

test_expect_success 'the examples as workbooks (text, shared or in cells) store what their CSVs store' '
	mk csv "$EX/shopee-orders.csv" shopee.xlsx --sst &&
	mk csv "$EX/momo-orders.csv" momo.xlsx --enc cp950 &&
	mk csv "$EX/qdm-orders.csv" qdm.xlsx --sst &&
	mk part qdm.xlsx xl/sharedStrings.xml | grep -q "<si><t xml:space=.preserve.>QD2507088986</t></si>" &&
	same "$EX/shopee-orders.csv" shopee.xlsx &&
	same "$EX/momo-orders.csv" momo.xlsx &&
	same "$EX/qdm-orders.csv" qdm.xlsx
'

test_expect_success 'recognised by their bytes, named file:sheet, from a file or stdin' '
	cp shopee.xlsx shopee.csv &&
	crm-import --db n.db shopee.csv 2>err &&
	test_grep "^crm-import: shopee.csv:Sheet1: format shopee (recognised from the header)" err &&
	crm-import --db n2.db - <qdm.xlsx 2>err &&
	test_grep "^crm-import: stdin:Sheet1: format qdm" err &&
	cat momo.xlsx | crm-import --db n3.db 2>err &&
	test_grep "^crm-import: stdin:Sheet1: format momo" err &&
	dump n3.db >n3.dump && same "$EX/momo-orders.csv" momo.xlsx &&
	test_cmp c.dump n3.dump
'

test_expect_success 'numbers and dates as numbers: serials in date styles, 1900 and 1904' '
	mk csv "$EX/qdm-orders.csv" qdm-typed.xlsx --typed &&
	mk csv "$EX/momo-orders.csv" momo-typed.xlsx --enc cp950 --typed &&
	mk csv "$EX/shopee-orders.csv" shopee-1904.xlsx --typed --1904 &&
	mk part qdm-typed.xlsx xl/worksheets/sheet1.xml >sheet.xml &&
	grep -q "<c r=\"B2\" s=\"[0-9]*\" t=\"n\"><v>45846.714" sheet.xml &&
	mk part shopee-1904.xlsx xl/workbook.xml | grep -q date1904 &&
	same "$EX/qdm-orders.csv" qdm-typed.xlsx &&
	same "$EX/momo-orders.csv" momo-typed.xlsx &&
	same "$EX/shopee-orders.csv" shopee-1904.xlsx
'

test_expect_success 'a phone stored as a number is the same as its digits as text' '
	cat >p.csv <<-\EOF &&
	order_id,ordered_at,phone,account,unit_price,quantity
	A1,2024-03-01,912345678,ann,199.5,2
	A2,2024-03-02 10:30:00,0912345678,bob,0.1,1
	A3,2024-03-03,+886912345679,cy,1000000,3
	EOF
	mk csv p.csv p.xlsx --typed &&
	mk part p.xlsx xl/worksheets/sheet1.xml >sheet.xml &&
	grep -q "<c r=\"C2\" t=\"n\"><v>912345678</v>" sheet.xml &&
	grep -q "<c r=\"E2\" t=\"n\"><v>199.5</v>" sheet.xml &&
	same p.csv p.xlsx &&
	test "$(sql x.db "SELECT count(*) FROM identities WHERE value LIKE \"%912345678\"")" -ge 1
'

test_expect_success 'cells a row skips, or lacks at its end, are empty fields' '
	cat >s.csv <<-\EOF &&
	order_id,ordered_at,channel,status,account,phone,unit_price,coupon
	S1,2024-01-05,web,completed,amy,,100,
	S2,2024-01-06,,completed,bea,0911222333,50,SPRING
	S3,2024-01-07,web,completed,,0911222444,70,
	EOF
	mk csv s.csv s.xlsx --sst &&
	mk part s.xlsx xl/worksheets/sheet1.xml >sheet.xml &&
	grep -q "<c r=\"E2\" t=\"s\"><v>[0-9]*</v></c><c r=\"G2\"" sheet.xml &&
	! grep -q "r=\"H2\"" sheet.xml &&
	same s.csv s.xlsx
'

test_expect_success 'the first sheet is read, whichever sheets follow' '
	mk csv "$EX/qdm-orders.csv" two.xlsx &&
	"$PY" -c "import openpyxl; wb = openpyxl.load_workbook(\"two.xlsx\"); wb.create_sheet(\"Notes\").append([\"x\"]); wb.save(\"two.xlsx\")" &&
	same "$EX/qdm-orders.csv" two.xlsx
'

# sum DB: the store's bytes, to show a failed import changed nothing.
sum() { cat "$1"* | cksum; }

test_expect_success 'a damaged zip is named as one and stores nothing' '
	rm -f e.db && crm-import -q --db e.db "$EX/qdm-orders.csv" &&
	sum e.db >before &&
	head -c 3000 shopee.xlsx >cut.xlsx &&
	{ crm-import --db e.db cut.xlsx 2>err; test $? = 1; } &&
	test_grep "^crm-import: cut.xlsx: a damaged .xlsx (zip) file: Not a zip archive" err &&
	test_grep "nothing was stored" err &&
	sum e.db >after && test_cmp before after
'

test_expect_success 'a zip that is not a workbook says so' '
	printf "order_id\n" >a.txt && rm -f a.zip &&
	"$PY" -c "import zipfile; zipfile.ZipFile(\"a.zip\", \"w\").write(\"a.txt\")" &&
	{ crm-import --db e.db a.zip 2>err; test $? = 1; } &&
	test_grep "a.zip: a zip file, not an .xlsx workbook" err &&
	sum e.db >after && test_cmp before after
'

test_expect_success 'a missing shared string names sheet, row and column, and stores nothing' '
	mk edit qdm.xlsx bad-sst.xlsx xl/worksheets/sheet1.xml \
	    "(<c r=\"D7\" t=\"s\"><v>)[0-9]+" "\\g<1>99999" &&
	{ crm-import --db e.db bad-sst.xlsx 2>err; test $? = 1; } &&
	test_grep "^crm-import: bad-sst.xlsx:Sheet1:7: field .會員帳號. (cell D7): shared string 99999 is missing (the workbook has [0-9]*)" err &&
	sum e.db >after && test_cmp before after
'

test_expect_success 'a number past 15 significant digits is an error, not a rounding' '
	cat >big.csv <<-\EOF &&
	order_id,ordered_at,account,unit_price
	B1,2024-01-05,amy,100
	1234567890123456789,2024-01-06,bea,50
	EOF
	mk csv big.csv big.xlsx --typed &&
	mk edit big.xlsx big.xlsx.tmp xl/worksheets/sheet1.xml \
	    "<c r=\"A3\" t=\"inlineStr\"><is><t>[0-9]+</t></is>" \
	    "<c r=\"A3\" t=\"n\"><v>1234567890123456789</v>" &&
	mv big.xlsx.tmp big.xlsx &&
	{ crm-import --db e.db big.xlsx 2>err; test $? = 1; } &&
	test_grep "^crm-import: big.xlsx:Sheet1:3: field .order_id. (cell A3): the number 1234567890123456789 has more than 15 significant digits, more than Excel keeps" err &&
	sum e.db >after && test_cmp before after
'

test_expect_success 'serial 60, the 1900 system'"'"'s 1900-02-29, is an error' '
	mk edit qdm-typed.xlsx feb29.xlsx xl/worksheets/sheet1.xml \
	    "(<c r=\"B3\" s=\"[0-9]+\"[^>]*><v>)[0-9.]+" "\\g<1>60.5" &&
	{ crm-import --db e.db feb29.xlsx 2>err; test $? = 1; } &&
	test_grep "feb29.xlsx:Sheet1:3: field .訂單日期. (cell B3): 60.5 is 1900-02-29, a day that does not exist" err &&
	mk edit qdm-typed.xlsx feb28.xlsx xl/worksheets/sheet1.xml \
	    "(<c r=\"B3\" s=\"[0-9]+\"[^>]*><v>)[0-9.]+" "\\g<1>59.75" &&
	crm-import -q --db f.db feb28.xlsx &&
	test "$(sql f.db "SELECT datetime(ordered_at, \"unixepoch\") FROM orders WHERE order_no = \"QD2507101872\"")" = "1900-02-28 18:00:00"
'

test_expect_success 'an Excel 97 file (.xls) is refused with a hint' '
	printf "\320\317\021\340\241\261\032\341rest" >old.xls &&
	{ crm-import --db e.db old.xls 2>err; test $? = 1; } &&
	test_grep "old.xls:1: this is an Excel 97 spreadsheet (.xls), not CSV; convert it first" err &&
	test_grep "save it as .xlsx or CSV" err
'

test_done
