#!/bin/sh
test_description='crm-import --sheet: a workbook sheet by name or number'
. "$(dirname "$0")/test-lib.sh"

# The workbooks are made by openpyxl (tests/mkxlsx.py), not by crmkit: a
# notes sheet first, the QDM orders second, named 訂單.
EX=$SRC_DIR/examples
PY=/usr/bin/python3
mk() { "$PY" "$TEST_DIR/mkxlsx.py" "$@"; }
sum() { cat "$1"* | cksum; }

test_expect_success 'the workbook: notes first, the orders second' '
	mk csv "$EX/qdm-orders.csv" two.xlsx --sheet 訂單 &&
	"$PY" -c "import openpyxl; wb = openpyxl.load_workbook(\"two.xlsx\"); ws = wb.create_sheet(\"Notes\", 0); ws.append([\"exported by hand\"]); wb.save(\"two.xlsx\")" &&
	crm-import -q --db c.db "$EX/qdm-orders.csv"
'

test_expect_success 'by number and by name: the same store as the CSV, named file:sheet' '
	crm-import --db n.db --sheet 2 two.xlsx 2>err &&
	test_grep "^crm-import: two.xlsx:訂單: format qdm (recognised from the header)" err &&
	test "$(sql n.db "SELECT file FROM imports")" = "two.xlsx:訂單" &&
	crm-import -q --db s.db --sheet 訂單 - <two.xlsx &&
	for t in orders order_items customers identities; do
		test "$(sql c.db "SELECT count(*) FROM $t")" = \
		    "$(sql n.db "SELECT count(*) FROM $t")" &&
		test "$(sql c.db "SELECT count(*) FROM $t")" = \
		    "$(sql s.db "SELECT count(*) FROM $t")" || return 1
	done &&
	test "$(sql c.db "SELECT group_concat(order_no || net, \" \") FROM orders")" = \
	    "$(sql s.db "SELECT group_concat(order_no || net, \" \") FROM orders")"
'

test_expect_success 'the first sheet is the default: here the notes, which are no format' '
	{ crm-import --db f.db two.xlsx 2>err; test $? = 1; } &&
	test_grep "^crm-import: two.xlsx:Notes:1: not a format crm-import knows" err
'

test_expect_success 'a sheet the workbook lacks lists those it has, and stores nothing' '
	sum n.db >before &&
	{ crm-import --db n.db --sheet 3 two.xlsx 2>err; test $? = 1; } &&
	test_grep "^crm-import: two.xlsx: no sheet .3. in the workbook; its sheets: 1 .Notes., 2 .訂單." err &&
	test_grep "nothing was stored" err &&
	{ crm-import --db n.db --sheet Orders two.xlsx 2>err; test $? = 1; } &&
	test_grep "no sheet .Orders. in the workbook" err &&
	sum n.db >after && test_cmp before after
'

test_expect_success 'a CSV file ignores --sheet; an empty name is a usage error' '
	crm-import -q --db v.db --sheet 2 "$EX/qdm-orders.csv" &&
	{ crm-import --db v.db --sheet "" two.xlsx 2>err; test $? = 2; } &&
	test_grep "sheet needs a sheet" err
'

test_done
