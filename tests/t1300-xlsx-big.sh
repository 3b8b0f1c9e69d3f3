#!/bin/sh
test_description='crm-import: a 100,000-row workbook streams, in bounded memory'
. "$(dirname "$0")/test-lib.sh"

PY=/usr/bin/python3
# Peak memory means nothing under the sanitizers (shadow memory).
san=${ASAN_OPTIONS:+1}

# peak crm-import -q --db DB FILE: runs it, sets $kb to its peak
# resident memory and keeps it in kb.FILE.
peak() {
	/usr/bin/time -f %M -o rss "$@" && kb=$(tail -n 1 rss) &&
	echo "$kb" >"$TRASH/kb.$(basename "$5")"
}

test_expect_success 'a 100,000-row sheet (shared strings, as Excel writes) stores what its CSV stores' '
	"$SRC_DIR/build/plain/gen-orders" -s 7 -n 100000 >big.csv &&
	"$PY" "$TEST_DIR/mkxlsx.py" big big.csv big.xlsx &&
	peak crm-import -q --db c.db big.csv && ckb=$kb &&
	peak crm-import -q --db x.db big.xlsx && xkb=$kb &&
	echo "peak: CSV $ckb KB, workbook $xkb KB" &&
	test "$(sql x.db "SELECT count(*) FROM orders")" -gt 10000 &&
	q="SELECT * FROM orders ORDER BY 1" &&
	sql c.db "$q" >c.out && sql x.db "$q" >x.out && test_cmp c.out x.out &&
	if [ -z "$san" ]; then
		test "$xkb" -lt 65536 &&
		# the shared strings of 100,000 rows take about 5 MB
		test "$xkb" -lt $((ckb + 12288))
	fi
'

test_expect_success 'memory does not grow with rows: 10x the rows, not 10x the memory' '
	head -n 10001 big.csv >small.csv &&
	"$PY" "$TEST_DIR/mkxlsx.py" big small.csv small.xlsx &&
	peak crm-import -q --db s.db small.xlsx && skb=$kb &&
	xkb=$(cat kb.big.xlsx) &&
	echo "peak: 10,000 rows $skb KB, 100,000 rows $xkb KB" &&
	if [ -z "$san" ]; then
		test "$xkb" -lt $((skb * 2))
	fi
'

test_done
