#!/bin/sh
# crm-import reads its input before it takes the store's write lock: a
# fifo whose writer is slow, or a pipe from a converter, holds up only
# its own run.  The input waited for is copied to a temporary file in
# $TMPDIR, unlinked and readable by its owner only, so nothing of it is
# left behind.
test_description='crm-import: the input is read before the store is locked'
. "$(dirname "$0")/test-lib.sh"

H='order_id,ordered_at,account,quantity,unit_price,status'

test_expect_success 'a fifo with a slow writer, and a second import meanwhile' '
	printf "$H\nF1,2024-01-01,f1,1,10,completed\n" >f.csv &&
	printf "$H\nS1,2024-01-02,s1,1,20,completed\n" >s.csv &&
	crm-import -q --db l.db s.csv &&
	mkfifo fifo &&
	mkdir tmp &&
	{ (sleep 3; cat f.csv) >fifo & } &&
	{ TMPDIR=$PWD/tmp crm-import -q --db l.db fifo 2>first.err;
	  echo $? >first.rc; echo first >>order; } &
	sleep 1 &&
	printf "$H\nS2,2024-01-03,s2,1,30,completed\n" >s2.csv &&
	{ crm-import -q --db l.db s2.csv 2>second.err; echo $? >second.rc
	  echo second >>order; } &&
	wait &&
	test "$(cat first.rc)" = 0 && test "$(cat second.rc)" = 0 &&
	test_cmp /dev/null first.err && test_cmp /dev/null second.err &&
	printf "second\nfirst\n" >expect &&
	test_cmp expect order &&
	test "$(sql l.db "SELECT group_concat(order_no, \" \") FROM
	    (SELECT order_no FROM orders ORDER BY order_no)")" = "F1 S1 S2" &&
	test "$(ls tmp | wc -l)" = 0
'

test_expect_success 'a pipe: stored as from a file, named stdin' '
	cat f.csv | crm-import -q --db p.db &&
	test "$(sql p.db "SELECT file FROM imports")" = stdin &&
	test "$(sql p.db "SELECT order_no FROM orders")" = F1
'

test_expect_success 'a missing input is named before the store is opened' '
	{ crm-import --db new.db f.csv nosuch.csv 2>err; test $? = 1; } &&
	test_grep "^crm-import: nosuch.csv: No such file or directory" err &&
	test ! -e new.db
'

test_done
