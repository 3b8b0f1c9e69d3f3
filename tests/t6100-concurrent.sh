#!/bin/sh
# Imports of different files into one store at the same time, with
# readers looping all the while: every import lands whole, nobody sees
# "database is locked" or "busy", every reader exits 0.  The counts
# expected are worked out from the files with awk, not with crmkit.
test_description='concurrent imports with readers looping'
. "$(dirname "$0")/test-lib.sh"

gen=$SRC_DIR/build/plain/gen-orders

# reader NAME CMD...: runs CMD again and again until ./stop exists,
# keeping the stderr of every run in NAME.err and one line a run in
# NAME.runs ("exit N"); at least 3 runs, the last one after stop.
reader() {
	_name=$1
	shift
	_i=0
	while :; do
		"$@" >/dev/null 2>>"$_name.err"
		echo "exit $?" >>"$_name.runs"
		_i=$((_i + 1))
		[ -f stop ] && [ $_i -ge 3 ] && break
	done
}

test_expect_success 'four files with overlapping customers' '
	"$gen" -s 21 -n 2000 --id-prefix K >base.csv &&
	"$gen" -s 22 -n 5000 -c 900 --id-prefix L --first-customer 200 >l.csv &&
	"$gen" -s 23 -n 5000 -c 900 --id-prefix M --first-customer 500 >m.csv &&
	"$gen" -s 24 -n 5000 -c 900 --id-prefix N --first-customer 800 >n.csv &&
	"$gen" -s 25 -n 5000 -c 900 --id-prefix Q --channel momo >q.csv &&
	crm-import -q --db c.db base.csv
'

# Orders: distinct order ids (the first column, never quoted); lines:
# rows after the header (no field spans lines in these files).
orders() {
	awk -F, 'FNR > 1 && !seen[FILENAME "," $1]++ { n++ } END { print n }' "$@"
}
lines() {
	awk 'FNR > 1 { n++ } END { print n }' "$@"
}

test_expect_success 'four imports at once, three readers looping' '
	rm -f stop &&
	{ reader summary crm-report summary --db c.db --as-of 2025-12-31 & } &&
	{ reader napl crm-segment napl --db c.db --as-of 2025-12-31 & } &&
	{ reader rfm crm-rfm --db c.db --as-of 2025-12-31 & } &&
	pids= &&
	for f in l m n q; do
		{ crm-import -q --db c.db $f.csv 2>$f.err; echo $? >$f.rc; } &
		pids="$pids $!"
	done &&
	for p in $pids; do wait $p; done &&
	touch stop && wait &&
	for f in l m n q; do
		test "$(cat $f.rc)" = 0 && test_cmp /dev/null $f.err || return 1
	done &&
	cat summary.err napl.err rfm.err >readers.err &&
	test_cmp /dev/null readers.err &&
	cat summary.runs napl.runs rfm.runs | sort -u >codes &&
	echo "exit 0" >expect && test_cmp expect codes &&
	for r in summary napl rfm; do
		test "$(wc -l <$r.runs)" -ge 3 || return 1
	done
'

test_expect_success 'nothing lost: every order and line of the five files' '
	test "$(sql c.db "PRAGMA integrity_check")" = ok &&
	echo "$(orders base.csv l.csv m.csv n.csv q.csv)|$(lines base.csv l.csv m.csv n.csv q.csv)" >expect &&
	sql c.db "SELECT (SELECT count(*) FROM orders) || \"|\" ||
	    (SELECT count(*) FROM order_items)" >actual &&
	test_cmp expect actual &&
	for f in base l m n q; do
		printf "%s.csv|%s\n" $f "$(lines $f.csv)" || return 1
	done >expect &&
	sql c.db "SELECT file, rows_read FROM imports ORDER BY file" >actual &&
	test_cmp expect actual
'

test_expect_success 'the same files one after the other give the same store' '
	for f in base l m n q; do
		crm-import -q --db s.db $f.csv || return 1
	done &&
	q="SELECT channel, order_no, status, net, lines FROM orders
	    ORDER BY channel, order_no" &&
	sql s.db "$q" >expect && sql c.db "$q" >actual &&
	test_cmp expect actual &&
	q="SELECT count(*), count(DISTINCT customer_id) FROM orders" &&
	test "$(sql c.db "$q")" = "$(sql s.db "$q")"
'

test_done
