#!/bin/sh
# crm-import on input that is not what it seems: endless NUL bytes, a
# field or a record too long to be data, old Mac line ends (CR only),
# and Latin-1 that reads as Big5 as well.  Each is refused early, with
# the file and line, and nothing stored; or read as it was meant.
test_description='crm-import: hostile and odd input'
. "$(dirname "$0")/test-lib.sh"

H='order_id,ordered_at,account,name,unit_price,qty,status'

test_expect_success '200 MB of NUL bytes on a pipe: refused at once, little memory' '
	head -c 200000000 /dev/zero |
	    /usr/bin/time -f %M -o rss crm-import --db z.db 2>err
	test $? = 1 &&
	test_grep "^crm-import: stdin:1: binary data (a NUL byte)" err &&
	test_grep "nothing was stored" err &&
	test $(tail -n 1 rss) -lt 65536
'

test_expect_success 'a NUL byte on a later line of a record: that line' '
	printf "%s\nA1,2024-01-01,u1,\"Ann\nx\000\",1,1,completed\n" "$H" >nul.csv &&
	{ crm-import --db n.db nul.csv 2>err; test $? = 1; } &&
	test_grep "^crm-import: nul.csv:3: binary data (a NUL byte)" err
'

test_expect_success 'a 50 MB unquoted field: refused with its line and name' '
	{ printf "%s\nA1,2024-01-01,u1,Ann,1,1,completed\nA2,2024-01-01,u2," "$H" &&
	    head -c 50000000 /dev/zero | tr "\000" x &&
	    printf ",1,1,completed\n"; } >big.csv &&
	{ /usr/bin/time -f %M -o rss crm-import --db big.db big.csv 2>err
	    test $? = 1; } &&
	test_grep "^crm-import: big.csv:3: field '\''name'\'': longer than 4194304 bytes$" err &&
	test_grep "nothing was stored" err &&
	test $(tail -n 1 rss) -lt 65536
'

test_expect_success 'a 5 MB quoted field: refused the same way' '
	{ printf "%s\nA2,2024-01-01,u2,\"" "$H" &&
	    head -c 5000000 /dev/zero | tr "\000" x &&
	    printf "\",1,1,completed\n"; } >bigq.csv &&
	{ crm-import --db big.db bigq.csv 2>err; test $? = 1; } &&
	test_grep "^crm-import: bigq.csv:2: field '\''name'\'': longer than 4194304 bytes$" err
'

test_expect_success 'CR-only line ends (old Mac files): every order' '
	printf "%s\rA1,2024-01-01,u1,Ann,1,1,completed\rA2,2024-01-02,u2,Bob,2,1,completed\r" \
	    "$H" >mac.csv &&
	crm-import --db mac.db mac.csv 2>err &&
	printf "A1|Ann\nA2|Bob\n" >expect &&
	sql mac.db "SELECT order_no, name FROM orders o JOIN customers c
	    ON c.id = o.customer_id ORDER BY order_no" >actual &&
	test_cmp expect actual
'

test_expect_success 'in a file with line feeds, a CR inside a field is data' '
	printf "%s\nA1,2024-01-01,u1,\"Ann\rLee\",1,1,completed\n" "$H" >crin.csv &&
	crm-import --db crin.db crin.csv &&
	test "$(sql crin.db "SELECT count(*) FROM orders")" = 1
'

# Every byte above 0x7f here is an accented letter followed by an ASCII
# letter, which is also a Big5 pair: e9 65 "Renee" reads as Ren嶪.
test_expect_success 'Latin-1 that is also Big5: refused, nothing stored' '
	printf "%s\nA1,2024-01-01,u1,Ren\351e,1,1,completed\nA2,2024-01-02,u2,M\374ller,2,1,completed\nA3,2024-01-03,u3,Jos\351 Luis,3,1,completed\n" \
	    "$H" >latin1.csv &&
	{ crm-import --db l.db latin1.csv 2>err; test $? = 1; } &&
	test_grep "^crm-import: latin1.csv:2: text could be Big5 or Latin-1; name it with --encoding big5 or --encoding latin1$" err &&
	test_grep "nothing was stored" err &&
	test ! -e l.db && test ! -e l.db-new
'

test_expect_success '... and read right when named' '
	crm-import -q --db l.db --encoding latin1 latin1.csv &&
	printf "Ren\303\251e\nM\303\274ller\nJos\303\251 Luis\n" >expect &&
	sql l.db "SELECT name FROM customers ORDER BY id" >actual &&
	test_cmp expect actual
'

test_expect_success 'Big5 is still recognised' '
	crm-import -q --db b5.db "$SRC_DIR/examples/momo-orders.csv" &&
	test "$(sql b5.db "SELECT encoding FROM imports")" = CP950
'

test_done
