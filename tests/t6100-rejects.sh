#!/bin/sh
# crm-import --skip-bad FILE writes whole rows, phones and e-mails with
# them, to FILE: it is created readable by its owner only, like the
# store, and it is written only by a run that goes through.  A run that
# fails (no store, a missing input, bad input it cannot skip) leaves a
# FILE that was there as it was.
# crm-import writes the rejects to a temporary file made 0600 beside
# FILE, renamed over FILE only when the run commits.
test_description='crm-import --skip-bad: the rejects file'
. "$(dirname "$0")/test-lib.sh"

H='order_id,ordered_at,account,phone,quantity,unit_price,status'

# mode FILE: its permissions as ls -l shows them, "-rw-------".
mode() {
	ls -l "$1" | cut -c1-10
}

test_expect_success 'a file with a bad row, and rejects kept from before' '
	printf "$H\nA1,2024-01-01,a,0912345678,1,1,completed\nA2,2024-13-01,b,0922345678,1,1,completed\n" >in.csv &&
	printf "file,line,field,reason,row...\nold.csv,7,phone,kept,X\n" >keep.csv &&
	cp keep.csv keep.orig &&
	crm-import -q --db s.db --skip-bad rejects.csv in.csv &&
	test_grep "^in.csv,3,ordered_at,.*0922345678" rejects.csv
'

test_expect_success 'the rejects file is created 0600 under umask 022' '
	rm -f r1.csv &&
	(umask 022 && crm-import -q --db u1.db --skip-bad r1.csv in.csv) &&
	test "$(mode r1.csv)" = "-rw-------"
'

test_expect_success 'the rejects file is created 0600 under umask 000' '
	rm -f r2.csv &&
	(umask 000 && crm-import -q --db u2.db --skip-bad r2.csv in.csv) &&
	test "$(mode r2.csv)" = "-rw-------"
'

test_expect_success 'no store: the rejects file is left as it was' '
	cp keep.orig keep.csv &&
	{ crm-import --db /nonexistent/x.db --skip-bad keep.csv in.csv \
	    2>err; test $? = 1; } &&
	test_grep "/nonexistent/x.db" err &&
	test_cmp keep.orig keep.csv
'

test_expect_success 'a missing input: the rejects file is left as it was' '
	cp keep.orig keep.csv &&
	{ crm-import --db s.db --skip-bad keep.csv in.csv nosuch.csv \
	    2>err; test $? = 1; } &&
	test_grep "nosuch.csv" err &&
	test_cmp keep.orig keep.csv
'

test_expect_success 'input it cannot skip: the rejects file is left as it was' '
	cp keep.orig keep.csv &&
	printf "$H\nA3,2024-01-01,c,0933345678,1,1,completed\nA4,2024-13-01,\"d,1,1,completed\n" >cut.csv &&
	{ crm-import --db s.db --skip-bad keep.csv cut.csv 2>err
	  test $? = 1; } &&
	test_grep "unterminated quoted field" err &&
	test_cmp keep.orig keep.csv
'

test_expect_success 'a run that goes through replaces the rejects file' '
	cp keep.orig keep.csv &&
	crm-import -q --db s.db --skip-bad keep.csv in.csv &&
	test_grep "^in.csv,3,ordered_at," keep.csv &&
	! grep "^old.csv" keep.csv
'

test_done
