#!/bin/sh
test_description='crm-import: bad input, rejects, kills and concurrent runs'
. "$(dirname "$0")/test-lib.sh"

O=$DATA/import/orders.csv
H='order_id,ordered_at,account,quantity,unit_price,status'

snapshot() {
	sqlite3 -batch "$1" ".dump" | grep -v "^INSERT INTO imports"
}

# bad NAME CONTENT MESSAGE: importing CONTENT (printf format) into the
# store base.db fails with exit 1 and MESSAGE, and the store stays as it
# was.
bad() {
	test_expect_success "$1" "
		cp base.db b.db && snapshot b.db >before &&
		printf '$2' >in.csv &&
		{ crm-import --db b.db in.csv 2>err; test \$? = 1; } &&
		test_grep \"$3\" err &&
		snapshot b.db >after &&
		test_cmp before after
	"
}

test_expect_success 'a store to spoil' '
	crm-import -q --db base.db $O &&
	rm -f base.db-wal base.db-shm
'

bad 'unterminated quote' "$H\nA1,2024-01-01,a,1,1,completed\nA2,2024-01-01,\"b,1,1,completed\n" \
	'in.csv:3: unterminated quoted field'
bad 'a quote inside a field' "$H\nA1,2024-01-01,a\"b,1,1,completed\n" \
	'in.csv:2: malformed quoting'
bad 'a short row' "$H\nA1,2024-01-01,a,1,1,completed\nA2,2024-01-01,b\n" \
	"in.csv:3: field 'quantity': missing: the row has 3 fields"
bad 'a bad date' "$H\nA1,2024-02-30,a,1,1,completed\n" \
	"in.csv:2: field 'ordered_at': day out of range: '2024-02-30'"
bad 'a date that is not one' "$H\nA1,yesterday,a,1,1,completed\n" \
	"in.csv:2: field 'ordered_at': not a date"
bad 'a bad amount' "$H\nA1,2024-01-01,a,1,12.3.4,completed\n" \
	"in.csv:2: field 'unit_price': not an amount: '12.3.4'"
bad 'a bad quantity' "$H\nA1,2024-01-01,a,two,1,completed\n" \
	"in.csv:2: field 'quantity': not a whole number: 'two'"
bad 'an unknown status' "$H\nA1,2024-01-01,a,1,1,shipped-ish\n" \
	"in.csv:2: field 'status': unknown status 'shipped-ish'"
bad 'invalid UTF-8 after UTF-8' "$H\nA1,2024-01-01,陳,1,1,completed\nA2,2024-01-01,\377\376,1,1,completed\n" \
	"in.csv:3: field 'account': invalid UTF-8"
bad 'bytes neither UTF-8 nor Big5' "$H\nA1,2024-01-01,\377\377,1,1,completed\n" \
	"in.csv:2: text is neither UTF-8 nor Big5"
bad 'two rows of one order, two days' \
	"$H\nA1,2024-01-01,a,1,1,completed\nA1,2024-01-02,a,1,1,completed\n" \
	"in.csv:3: field 'ordered_at': '2024-01-02' is not the day an earlier row of order A1 gives (from line 2)"
bad 'two rows of one order, two buyers' \
	"$H\nA1,2024-01-01,a,1,1,completed\nA1,2024-01-01,b,1,1,completed\n" \
	"in.csv:3: field 'account': another account than an earlier row of order A1 gives (from line 2): one order has one buyer"
bad 'two rows of one order, two phones' \
	"order_id,ordered_at,phone,unit_price\nA1,2024-01-01,0912345678,1\nA1,2024-01-01,0922345678,1\n" \
	"in.csv:3: field 'phone': another phone than an earlier row"
bad 'a column named twice' \
	"order_id,ordered_at,account,quantity,unit_price,unit_price\nA1,2024-01-01,a,1,1,2\n" \
	"in.csv:1: columns 5 and 6 are both named 'unit_price' (field 'unit_price')"
bad 'a line of 0 units' "$H\nA1,2024-01-01,a,0,10,completed\n" \
	"in.csv:2: field 'quantity': 0 units"
bad 'an ESC in a name' \
	"order_id,ordered_at,account,name,unit_price\nA1,2024-01-01,a,Ann\033[2J,1\n" \
	"in.csv:2: field 'name': control character U+001B in the text"
bad 'a BEL in a product' \
	"order_id,ordered_at,account,product,unit_price\nA1,2024-01-01,a,Tea\007,1\n" \
	"in.csv:2: field 'product': control character U+0007 in the text"

test_expect_success 'later rows may leave the date and the buyer empty' '
	printf "$H\nA1,2024-01-01,a,1,1,completed\nA1,,,2,1,\n" >in.csv &&
	crm-import -q --db e.db in.csv &&
	test "$(sql e.db "SELECT count(*) FROM order_items")" = 2
'

test_expect_success 'lines of one order stamped minutes apart: the earliest counts' '
	printf "$H\nT1,2024-01-01 10:02,a,1,1,completed\nT1,2024-01-01 10:01,a,1,1,completed\nT1,2024-01-01 10:03,a,1,1,completed\n" >in.csv &&
	crm-import -q --db tm.db --tz UTC in.csv &&
	test "$(sql tm.db "SELECT datetime(ordered_at, \"unixepoch\") FROM orders")" = "2024-01-01 10:01:00"
'

test_expect_success 'bidi controls are dropped from a name, with a warning' '
	printf "order_id,ordered_at,account,name,unit_price\nA1,2024-01-01,a,Ann\342\200\256gpj.exe\342\200\254,1\nA2,2024-01-01,b,\342\201\246Bo,1\n" >in.csv &&
	crm-import --db bidi.db in.csv 2>err &&
	test_grep "^crm-import: in.csv:2: field .name.: bidi control characters removed$" err &&
	test_grep "^crm-import: in.csv: bidi control characters removed from 2 fields$" err &&
	printf "Anngpj.exe\nBo\n" >expect &&
	sql bidi.db "SELECT name FROM customers ORDER BY id" >actual &&
	test_cmp expect actual
'

test_expect_success 'with --skip-bad, an order with a second buyer goes whole' '
	printf "$H\nB1,2024-01-01,a,1,1,completed\nB1,2024-01-01,b,1,1,completed\nB2,2024-01-01,c,1,1,completed\n" >in.csv &&
	crm-import -q --db sk.db --skip-bad rej.csv in.csv &&
	test "$(sql sk.db "SELECT group_concat(order_no) FROM orders")" = B2 &&
	test_grep "^in.csv,2,order_id,another row of order B1 is bad," rej.csv &&
	test_grep "^in.csv,3,account,another account than an earlier row of order B1 gives (from line 2)" rej.csv
'

bad 'a missing required column' "order_id,account,unit_price\nA1,a,1\n" \
	"in.csv:1: no column for 'ordered_at': this looks like format plain"
bad 'a plain file without ordered_at: not taken for email events' \
	"order_id,account,email,quantity,unit_price\nA1,a,a@x.example,1,1\n" \
	"in.csv:1: no column for 'ordered_at': this looks like format plain (5 columns match its fields)"
bad 'a plain file without order_id or ordered_at: both named' \
	"order_no,account,email,quantity,unit_price\nA1,a,a@x.example,1,1\n" \
	"in.csv:1: no column for 'order_id', 'ordered_at': this looks like format plain (4 columns"
bad 'a TSV read without -t: pass -t' "order_id\tordered_at\taccount\nA1\t2024-01-01\ta\n" \
	"in.csv:1: not a format crm-import knows .*; the header has tabs: pass -t$"
bad 'a file separated by semicolons: pass -d' "order_id;ordered_at;account\nA1;2024-01-01;a\n" \
	"in.csv:1: not a format crm-import knows .*; the header has semicolons: pass -d ';'$"

test_expect_success '--map with a field misspelt: did you mean' '
	{ crm-import --db b.db --map orderd_at=Date in.csv 2>err
	  test $? = 2; } &&
	test_grep "^crm-import: --map: unknown field .orderd_at.; did you mean .ordered_at.?" err &&
	printf "orderd_at = Date\n" >m.map &&
	{ crm-import --db b.db --map-file m.map in.csv 2>err
	  test $? = 2; } &&
	test_grep "^crm-import: m.map:1: unknown field .orderd_at.; did you mean .ordered_at.?" err
'
bad 'no column names the buyer' "order_id,ordered_at,unit_price\nA1,2024-01-01,1\n" \
	'no column names the buyer'
bad 'a bad phone, masked in the message' "order_id,ordered_at,phone,unit_price\nA1,2024-01-01,call me,1\n" \
	"in.csv:2: field 'phone': 'c\\*\\*\\*e' is not a phone number"
bad 'an empty file' "" 'in.csv: empty file'
bad 'binary garbage' "\037\213\010\000\000\000\000\000\000\003" 'binary data'
bad 'a damaged spreadsheet' "PK\003\004\024\000\006\000" \
	'in.csv: a damaged .xlsx (zip) file: Not a zip archive'
bad 'a bad row late in the file' "$H\nA1,2024-01-01,a,1,1,completed\nA2,2024-01-01,b,1,1,completed\nA3,2024-01-01,c,1,-5,completed\n" \
	"in.csv:4: field 'unit_price': negative price"

test_expect_success 'a header alone is not an error' '
	printf "$H\n" >h.csv &&
	crm-import --db h.db h.csv 2>err &&
	test_grep "no rows after the header" err
'

test_expect_success 'a missing file: exit 1, nothing stored' '
	cp base.db m.db && snapshot m.db >before &&
	{ crm-import --db m.db nosuch.csv 2>err; test $? = 1; } &&
	test_grep "nosuch.csv: No such file" err &&
	snapshot m.db >after && test_cmp before after
'

test_expect_success 'a directory: exit 1, nothing stored' '
	cp base.db d.db && snapshot d.db >before && mkdir -p adir &&
	{ crm-import --db d.db adir 2>err; test $? = 1; } &&
	test_grep "^crm-import: adir: Is a directory$" err &&
	snapshot d.db >after && test_cmp before after
'

test_expect_success 'usage errors exit 2' '
	{ crm-import --no-such-option 2>err; test $? = 2; } &&
	test_grep "usage: crm-import" err &&
	{ crm-import --map nonsense 2>err; test $? = 2; } &&
	test_grep "is not FIELD=COLUMN" err &&
	{ crm-import --map colour=Farbe 2>err; test $? = 2; } &&
	test_grep "unknown field .colour." err &&
	{ crm-import --tz Mars/Olympus 2>err; test $? = 2; } &&
	test_grep "unknown time zone" err
'

test_expect_success '--skip-bad imports the good rows and lists the bad ones' '
	printf "$H\nA1,2024-01-01,a,1,1,completed\nA2,2024-13-01,b,1,1,completed\nA3,2024-01-02,c,x,1,completed\nA4,2024-01-03,d,2,5,completed\n" >mixed.csv &&
	crm-import --db k.db --skip-bad rejects.csv mixed.csv 2>err &&
	test_grep "4 rows read, orders 2 new.*2 rows rejected" err &&
	cat >expect <<-\EOF &&
	file,line,field,reason,row...
	mixed.csv,3,ordered_at,month out of range: '"'"'2024-13-01'"'"',A2,2024-13-01,b,1,1,completed
	mixed.csv,4,quantity,not a whole number: '"'"'x'"'"',A3,2024-01-02,c,x,1,completed
	EOF
	test_cmp expect rejects.csv &&
	test "$(sql k.db "SELECT group_concat(order_no) FROM orders")" = "A1,A4" &&
	test "$(sql k.db "SELECT rows_rejected FROM imports")" = 2
'

test_expect_success 'a newer store is refused' '
	cp base.db n.db && sqlite3 n.db "PRAGMA user_version = 999" &&
	{ crm-import --db n.db $O 2>err; test $? = 1; } &&
	test_grep "schema version 999, newer than this program" err
'

test_expect_success 'a database that is not a crmkit store is refused' '
	sqlite3 other.db "CREATE TABLE t(x); PRAGMA user_version = 3" &&
	{ crm-import --db other.db $O 2>err; test $? = 1; } &&
	test_grep "not a crmkit store" err
'

test_expect_success 'a file that is not a database is refused' '
	cp $O notdb.db &&
	{ crm-import --db notdb.db $O 2>err; test $? = 1; } &&
	test_grep "not a database" err
'

gen=$SRC_DIR/build/plain/gen-orders

# kill_when_written FILE PID: kills PID once FILE has something in it (an
# import of big.csv that has begun to write: more than half of its
# 300,000 lines are still to come), or after 10 seconds; fails when PID
# had ended before.
kill_when_written() {
	_i=0
	while [ ! -s "$1" ] && [ $_i -lt 200 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	kill -9 "$2" && { wait "$2"; true; }
}

test_expect_success 'a run killed half-way leaves the store as it was' '
	"$gen" -s 7 -n 300000 >big.csv &&
	cp base.db kill.db && snapshot kill.db >before &&
	{ crm-import -q --db kill.db big.csv & }
	pid=$!
	kill_when_written kill.db-wal $pid &&
	test "$(sql kill.db "PRAGMA integrity_check")" = ok &&
	snapshot kill.db >after &&
	test_cmp before after
'

test_expect_success 'a first import killed half-way leaves no store; the next builds it' '
	{ crm-import -q --db new.db big.csv & }
	pid=$!
	kill_when_written new.db-new $pid &&
	test ! -e new.db && test -e new.db-new &&
	{ crm-rfm --db new.db >out 2>err; test $? = 1; } &&
	test_grep "no store here" err &&
	crm-import -q --db new.db $O &&
	test ! -e new.db-new &&
	test "$(sql new.db "PRAGMA integrity_check")" = ok &&
	test "$(sql new.db "PRAGMA journal_mode")" = wal &&
	test "$(stat -c %a new.db)" = 600 &&
	test "$(sql new.db "SELECT count(*) FROM orders")" = \
	    "$(sql base.db "SELECT count(*) FROM orders")"
'

test_expect_success 'two imports at once both land, one after the other' '
	"$gen" -s 8 -n 40000 --id-prefix A >one.csv &&
	"$gen" -s 9 -n 40000 --id-prefix B >two.csv &&
	crm-import -q --db seq.db one.csv && crm-import -q --db seq.db two.csv &&
	{ crm-import -q --db par.db one.csv & }
	p1=$!
	{ crm-import -q --db par.db two.csv & }
	p2=$!
	wait $p1 && wait $p2 &&
	test "$(sql par.db "PRAGMA integrity_check")" = ok && test ! -e par.db-new &&
	q="SELECT count(*), sum(net), count(DISTINCT customer_id) FROM orders" &&
	test "$(sql par.db "$q")" = "$(sql seq.db "$q")" &&
	test "$(sql par.db "SELECT count(*) FROM imports")" = 2
'

test_done
