#!/bin/sh
test_description='--xlsx, --excel and --encoding big5 on every program that writes rows'
. "$(dirname "$0")/test-lib.sh"

# The workbooks are read back by openpyxl, not by crmkit.  The store:
# amy (1) bought 2 x 150.50 on 2026-01-05; bob (2) 1200.00 on 2026-02-10;
# cy (3) 150.50 on 2026-03-01 and 3 x 1200.00 on 2026-04-01 (3750.50 in
# all).  The one gap is 31 days, so the lost threshold is 93.  amy's name
# and the products are formulas to Excel; cy's name begins with +.
PY=/usr/bin/python3
export CRM_DB=o.db

# rd FILE: each sheet's name, frozen cell, whether its header is bold, and
# its rows, each cell as s:text, n:number/format, d:day or - (empty).
cat >rd.py <<\EOF
import datetime, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
for ws in wb.worksheets:
    bold = all(c.font.b for c in ws[1])
    print("sheet %s freeze=%s bold=%d rows=%d" % (ws.title, ws.freeze_panes,
          bold, ws.max_row))
    for row in ws.iter_rows(min_row=2):
        out = []
        for c in row:
            v = c.value
            if v is None:
                out.append("-")
            elif isinstance(v, str):
                out.append("s:" + v)
            elif isinstance(v, datetime.datetime):
                out.append("d:" + v.strftime("%Y-%m-%d"))
            else:
                out.append("n:%s/%s" % (v, c.number_format))
        print("|".join(out))
EOF
rd() { "$PY" rd.py "$1"; }

# csvof FILE: the workbook's sheets as the CSV crmkit writes (amounts with
# two decimals, shares with four, days as YYYY-MM-DD), one after another.
cat >csvof.py <<\EOF
import csv, datetime, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
w = csv.writer(sys.stdout, lineterminator="\n")
for ws in wb.worksheets:
    for row in ws.iter_rows():
        out = []
        for c in row:
            v, f = c.value, c.number_format
            if v is None:
                out.append("")
            elif isinstance(v, datetime.datetime):
                out.append(v.strftime("%Y-%m-%d"))
            elif isinstance(v, str):
                out.append(v)
            elif f.endswith("%"):
                out.append("%.4f" % v)
            elif "." in f:
                out.append("%.*f" % (len(f) - f.index(".") - 1, v))
            elif isinstance(v, float) and v != int(v):
                out.append(repr(v))
            else:
                out.append("%d" % v)
        w.writerow(out)
EOF
csvof() { "$PY" csvof.py "$1"; }

test_expect_success 'the store' '
	cat >o.csv <<-\EOF &&
	order_id,ordered_at,channel,status,account,phone,email,name,sku,product,category,quantity,unit_price
	A1,2026-01-05 10:00:00,web,completed,amy,0912345678,amy@example.com,"=HYPERLINK(""http://x.example"",""y"")",SKU-1,@SUM(A1),gifts,2,150.5
	A2,2026-02-10 11:00:00,web,completed,bob,0922333444,bob@example.com,王小明,SKU-2,-5% 折扣組,tea,1,1200
	A3,2026-03-01 12:00:00,web,completed,cy,0933444555,cy@example.com,+陳,SKU-1,@SUM(A1),gifts,1,150.5
	A4,2026-04-01 12:00:00,web,completed,cy,0933444555,cy@example.com,+陳,SKU-2,-5% 折扣組,tea,3,1200
	EOF
	crm-import -q o.csv &&
	test "$(sql o.db "SELECT group_concat(id || name, \" \") FROM customers")" = \
	    "1=HYPERLINK(\"http://x.example\",\"y\") 2王小明 3+陳"
'

test_expect_success 'crm-rfm --xlsx: ids, codes and phones text, counts and amounts numbers, days dates' '
	crm-rfm --as-of 2026-05-01 --columns name,phone,last_order \
	    --xlsx r.xlsx </dev/null >out &&
	test ! -s out &&
	rd r.xlsx >got &&
	cat >want <<-\EOF &&
	sheet rfm freeze=A2 bold=1 rows=4
	s:1|n:116/#,##0|n:1/#,##0|n:301/#,##0.00|n:1/#,##0|n:1/#,##0|n:1/#,##0|s:111|s:Lost|s:=HYPERLINK("http://x.example","y")|s:0912345678|d:2026-01-05
	s:2|n:80/#,##0|n:1/#,##0|n:1200/#,##0.00|n:2/#,##0|n:1/#,##0|n:2/#,##0|s:212|s:About To Sleep|s:王小明|s:0922333444|d:2026-02-10
	s:3|n:30/#,##0|n:2/#,##0|n:3750.5/#,##0.00|n:4/#,##0|n:4/#,##0|n:4/#,##0|s:444|s:Champions|s:+陳|s:0933444555|d:2026-04-01
	EOF
	test_cmp want got &&
	crm-rfm --as-of 2026-05-01 --columns name,phone,last_order </dev/null >plain.csv &&
	csvof r.xlsx >back.csv && test_cmp plain.csv back.csv &&
	crm-rfm --as-of 2026-05-01 --summary --xlsx rs.xlsx </dev/null &&
	crm-rfm --as-of 2026-05-01 --summary </dev/null >plain.csv &&
	csvof rs.xlsx >back.csv && test_cmp plain.csv back.csv &&
	rd rs.xlsx | grep "^s:Champions|n:1/#,##0|n:0.3333/#,##0.0000|n:2/#,##0|n:3750.5/#,##0.00|n:1875.25/#,##0.00$"
'

test_expect_success 'crm-segment --xlsx: napl and an expression, with --columns' '
	crm-segment --as-of 2026-05-01 --columns phone,spent --xlsx s.xlsx \
	    napl </dev/null &&
	rd s.xlsx >got &&
	cat >want <<-\EOF &&
	sheet napl freeze=A2 bold=1 rows=4
	s:1|s:lost|n:116/#,##0|n:93/#,##0|s:0912345678|n:301/#,##0.00
	s:2|s:new|n:80/#,##0|n:93/#,##0|s:0922333444|n:1200/#,##0.00
	s:3|s:active|n:30/#,##0|n:93/#,##0|s:0933444555|n:3750.5/#,##0.00
	EOF
	test_cmp want got &&
	crm-segment --as-of 2026-05-01 --columns name,aov,first_order \
	    --xlsx e.xlsx "spent > 1000" </dev/null &&
	rd e.xlsx >got &&
	cat >want <<-\EOF &&
	sheet customers freeze=A2 bold=1 rows=3
	s:2|s:王小明|n:1200/#,##0.00|d:2026-02-10
	s:3|s:+陳|n:1875.25/#,##0.00|d:2026-03-01
	EOF
	test_cmp want got &&
	crm-segment --as-of 2026-05-01 --summary --xlsx ns.xlsx napl </dev/null &&
	crm-segment --as-of 2026-05-01 --summary napl </dev/null >plain.csv &&
	csvof ns.xlsx >back.csv && test_cmp plain.csv back.csv
'

test_expect_success 'crm-report --xlsx: a sheet per table, every part unless --part names one' '
	crm-report --as-of 2026-05-01 --xlsx c.xlsx cycle </dev/null >out &&
	test ! -s out &&
	rd c.xlsx | grep "^sheet" | sed "s/ rows=.*//" >got &&
	test "$(grep -c "freeze=A2 bold=1" got)" = 5 &&
	crm-report --as-of 2026-05-01 --xlsx p.xlsx products </dev/null &&
	rd p.xlsx >got &&
	grep -c "^sheet" got >n && echo 2 >want && test_cmp want n &&
	grep "^sheet products freeze=A2 bold=1 rows=3$" got &&
	grep "^sheet Categories freeze=A2 bold=1 rows=3$" got &&
	grep "^n:1/#,##0|s:SKU-2|s:-5% 折扣組|s:tea|n:4800/#,##0.00|n:0.9" got &&
	crm-report --as-of 2026-05-01 --part categories --xlsx k.xlsx \
	    products </dev/null &&
	rd k.xlsx | grep -c "^sheet" >n && echo 1 >want && test_cmp want n &&
	crm-report --as-of 2026-05-01 --part categories products </dev/null \
	    >plain.csv &&
	csvof k.xlsx >back.csv && test_cmp plain.csv back.csv
'

cat >t.playbook <<\EOF
playbook t
cap 1
seed 7
measure 30

step thanks
    audience  new
    trigger   3 days after first purchase
    template  thanks
    coupon    SECOND
    threshold 1000
    discount  200
    valid     30
    priority  90
    holdout   0%
EOF

test_expect_success 'crm-playbook run --xlsx: amounts numbers, the code text, the expiry a date' '
	crm-playbook run -n -q --date 2026-02-13 --columns spent --xlsx pb.xlsx \
	    t.playbook </dev/null 2>/dev/null &&
	rd pb.xlsx >got &&
	grep "^sheet t freeze=A2 bold=1 rows=2$" got &&
	grep "^s:2|s:王小明|s:bob@example.com|s:0922333444|s:email|s:thanks|s:thanks|s:SECOND-[0-9A-Z]*|n:1000/#,##0.00|n:200/#,##0.00|d:2026-03-15|s:treatment|n:1200/#,##0.00$" got &&
	crm-playbook run -n -q --date 2026-02-13 --columns spent t.playbook \
	    </dev/null >plain.csv 2>/dev/null &&
	csvof pb.xlsx >back.csv && test_cmp plain.csv back.csv
'

test_expect_success 'crm-playbook run: a workbook that cannot be written records nothing' '
	cp o.db w.db &&
	{ crm-playbook run -q --db w.db --date 2026-02-13 \
	    --xlsx nodir/pb.xlsx t.playbook </dev/null 2>err; test $? = 1; } &&
	test_grep "nodir/pb.xlsx" err &&
	test "$(sql w.db "SELECT count(*) FROM contacts")" = 0 &&
	crm-playbook run -q --db w.db --date 2026-02-13 --xlsx pb2.xlsx \
	    t.playbook </dev/null 2>/dev/null &&
	test "$(sql w.db "SELECT count(*) FROM contacts")" = 1
'

test_expect_success 'a run that fails writes no workbook and leaves an older one as it was' '
	{ crm-report --xlsx gone.xlsx customer 999 </dev/null 2>err;
	    test $? = 1; } &&
	test ! -e gone.xlsx &&
	crm-report --xlsx kept.xlsx customer 1 </dev/null &&
	cksum <kept.xlsx >before &&
	{ crm-report --xlsx kept.xlsx customer 999 </dev/null 2>err;
	    test $? = 1; } &&
	cksum <kept.xlsx >after && test_cmp before after
'

test_expect_success 'crm-playbook results --xlsx: the table and its review on one sheet' '
	crm-playbook results --db w.db --as-of 2026-05-01 --xlsx res.xlsx \
	    </dev/null &&
	crm-playbook results --db w.db --as-of 2026-05-01 </dev/null \
	    >plain.csv &&
	csvof res.xlsx >back.csv && test_cmp plain.csv back.csv &&
	rd res.xlsx | grep "^sheet .* freeze=A2 bold=1 rows=5$"
'

# A points programme over the store above: 1 point per 100, gold from
# 3000 spent in 12 months.  amy 301.00: 3 points; bob 1200.00: 12; cy
# 150.50 then 3600.00 (150.50 before it, under gold): 1 + 36 = 37, and
# gold with 3750.50 spent, no tier above.
cat >p.programme <<\EOF
programme club
start 2026-01-01
earn 1 per 100
tier gold 3000 12m
EOF

test_expect_success 'crm-points balances --xlsx and --excel: the id text, points and amounts numbers' '
	crm-points --as-of 2026-05-01 --xlsx pt.xlsx balances p.programme \
	    </dev/null >out &&
	test ! -s out &&
	rd pt.xlsx >got &&
	cat >want <<-\EOF &&
	sheet balances freeze=A2 bold=1 rows=4
	s:1|n:3/#,##0|n:0/#,##0|n:0/#,##0|n:0/#,##0|n:3/#,##0|n:0/#,##0|-|n:301/#,##0.00|n:2699/#,##0.00|n:0/#,##0
	s:2|n:12/#,##0|n:0/#,##0|n:0/#,##0|n:0/#,##0|n:12/#,##0|n:0/#,##0|-|n:1200/#,##0.00|n:1800/#,##0.00|n:0/#,##0
	s:3|n:37/#,##0|n:0/#,##0|n:0/#,##0|n:0/#,##0|n:37/#,##0|n:0/#,##0|s:gold|n:3750.5/#,##0.00|-|n:0/#,##0
	EOF
	test_cmp want got &&
	crm-points --as-of 2026-05-01 balances p.programme </dev/null \
	    >plain.csv &&
	csvof pt.xlsx >back.csv && test_cmp plain.csv back.csv &&
	crm-points --as-of 2026-05-01 --excel balances p.programme \
	    </dev/null >pt.csv &&
	printf "\357\273\277customer_id,earned,returned,redeemed,expired,balance,pending,tier,tier_spend,to_next_tier,lapsing_30d\r\n" >want &&
	printf "\"=\"\"1\"\"\",3,0,0,0,3,0,,301.00,2699.00,0\r\n" >>want &&
	printf "\"=\"\"2\"\"\",12,0,0,0,12,0,,1200.00,1800.00,0\r\n" >>want &&
	printf "\"=\"\"3\"\"\",37,0,0,0,37,0,gold,3750.50,,0\r\n" >>want &&
	test_cmp want pt.csv &&
	{ crm-points --excel check p.programme 2>err; test $? = 2; } &&
	test_grep "check writes no rows" err
'

# crm-predict needs a history a fit can take: the modelled orders.
test_expect_success 'crm-predict customers and summary --xlsx and --excel: the id text, figures numbers' '
	awk -f "$SRC_DIR/examples/predict-orders.awk" >g.csv &&
	crm-import -q --db g.db --tz UTC g.csv &&
	crm-predict --db g.db --as-of 2026-06-30 --horizon 90 \
	    --xlsx pc.xlsx customers </dev/null >out &&
	test ! -s out &&
	rd pc.xlsx >got &&
	sed -n 1p got | grep "^sheet customers freeze=A2 bold=1 rows=" &&
	sed 1d got >rows &&
	test "$(wc -l <rows)" -gt 100 &&
	! grep -v "^s:[0-9]*|n:[0-9]*/#,##0|n:[0-9]*/#,##0|n:[0-9]*/#,##0|n:[0-9.e-]*/#,##0.0000|n:[0-9.e-]*/#,##0.0000|n:[0-9.e-]*/#,##0.0000|n:[0-9.]*/#,##0.00|n:[0-9.]*/#,##0.00|\(-\|d:20[0-9-]*\)$" rows &&
	grep -q "|d:20" rows &&
	crm-predict --db g.db --as-of 2026-06-30 --horizon 90 customers \
	    </dev/null >plain.csv &&
	csvof pc.xlsx >back.csv && test_cmp plain.csv back.csv &&
	crm-predict --db g.db --as-of 2026-06-30 --xlsx ps.xlsx summary \
	    </dev/null &&
	rd ps.xlsx | sed -n 2p | grep "^s:1|n:[0-9]*/#,##0|n:[0-9]*/#,##0|n:[0-9]*/#,##0|n:[0-9.]*/#,##0.00$" &&
	crm-predict --db g.db --as-of 2026-06-30 summary </dev/null >plain.csv &&
	csvof ps.xlsx >back.csv && test_cmp plain.csv back.csv &&
	crm-predict --db g.db --as-of 2026-06-30 --horizon 90 --excel \
	    customers </dev/null >pc.csv &&
	head -c 3 pc.csv | od -An -c | grep "357 273 277" &&
	crm-predict --db g.db --as-of 2026-06-30 --horizon 90 customers \
	    </dev/null >plain.csv &&
	test "$(grep -c "$(printf "\r")\$" pc.csv)" = "$(wc -l <plain.csv)" &&
	sed -n 2p plain.csv | sed "s/^\([0-9]*\),/\"=\"\"\1\"\"\",/; s/\$/$(printf "\r")/" >want &&
	sed -n 2p pc.csv >got && test_cmp want got
'

# The bytes Excel gets: a BOM, CRLF, formulas made inert with ', text of
# digits as ="...".
test_expect_success '--excel, byte by byte' '
	crm-segment --as-of 2026-05-01 --columns name,phone,spent,last_order \
	    --excel "orders >= 1" </dev/null >x.csv &&
	printf "\357\273\277customer_id,name,phone,spent,last_order\r\n" >want &&
	printf "\"=\"\"1\"\"\",\"'\''=HYPERLINK(\"\"http://x.example\"\",\"\"y\"\")\",\"=\"\"0912345678\"\"\",301.00,2026-01-05\r\n" >>want &&
	printf "\"=\"\"2\"\"\",王小明,\"=\"\"0922333444\"\"\",1200.00,2026-02-10\r\n" >>want &&
	printf "\"=\"\"3\"\"\",'\''+陳,\"=\"\"0933444555\"\"\",3750.50,2026-04-01\r\n" >>want &&
	test_cmp want x.csv &&
	crm-report --as-of 2026-05-01 --excel products </dev/null >p.csv &&
	head -c 3 p.csv | od -An -c | grep "357 273 277" &&
	test "$(grep -c "$(printf "\r")\$" p.csv)" = "$(wc -l <p.csv)" &&
	grep "^1,SKU-2,'\''-5% 折扣組,tea,4800.00," p.csv &&
	grep "^2,SKU-1,'\''@SUM(A1),gifts,451.50," p.csv &&
	crm-rfm --as-of 2026-05-01 --excel </dev/null >r.csv &&
	grep "^\"=\"\"3\"\"\",30,2,3750.50,4,4,4,\"=\"\"444\"\"\",Champions$(printf "\r")\$" r.csv &&
	crm-playbook run -n -q --date 2026-02-13 --excel t.playbook \
	    </dev/null >pb.csv 2>/dev/null &&
	grep "^\"=\"\"2\"\"\",王小明,bob@example.com,\"=\"\"0922333444\"\"\",email," pb.csv
'

test_expect_success 'plain CSV on a pipe is as it was: no BOM, LF, nothing guarded' '
	crm-segment --as-of 2026-05-01 --columns name,phone "orders >= 1" \
	    </dev/null >plain.csv &&
	cat >want <<-\EOF &&
	customer_id,name,phone
	1,"=HYPERLINK(""http://x.example"",""y"")",0912345678
	2,王小明,0922333444
	3,+陳,0933444555
	EOF
	test_cmp want plain.csv &&
	crm-segment --as-of 2026-05-01 --columns name,phone --encoding utf-8 \
	    "orders >= 1" </dev/null >u.csv &&
	test_cmp want u.csv
'

# big5 PROG ARGS: the Big5 output, turned back into UTF-8, is the UTF-8.
big5() {
	"$@" </dev/null >u.out 2>/dev/null &&
	"$@" --encoding big5 </dev/null >b.out 2>/dev/null &&
	! cmp -s u.out b.out &&
	iconv -f CP950 -t UTF-8 b.out >back.out &&
	test_cmp u.out back.out
}

test_expect_success '--encoding big5: the same text in CP950, for every program' '
	big5 crm-rfm --as-of 2026-05-01 --columns name &&
	big5 crm-rfm --as-of 2026-05-01 --columns name -T &&
	big5 crm-segment --as-of 2026-05-01 --columns name napl &&
	big5 crm-report --as-of 2026-05-01 products &&
	big5 crm-playbook run -n -q --date 2026-02-13 t.playbook &&
	crm-segment --as-of 2026-05-01 --columns name --excel --encoding big5 \
	    "orders >= 2" </dev/null >xb.csv &&
	printf "customer_id,name\r\n\"=\"\"3\"\"\",'\''+\263\257\r\n" >want &&
	test_cmp want xb.csv
'

test_expect_success '--encoding big5: a character CP950 cannot hold is an error naming the row' '
	printf "order_id,ordered_at,account,name,sku,quantity,unit_price\nE1,2026-01-05,eve,Eve \360\237\230\200,S1,1,10\n" >emoji.csv &&
	cp o.db b.db && crm-import -q --db b.db emoji.csv &&
	{ crm-segment --db b.db --columns name --encoding big5 "orders >= 1" \
	    </dev/null >out 2>err; test $? = 1; } &&
	test_grep "^crm-segment: output row 5, column 2: U+1F600 has no Big5 (CP950) form" err &&
	test "$(wc -l <out)" = 4 &&
	{ crm-rfm --db b.db --columns name --encoding big5 </dev/null \
	    >out 2>err; test $? = 1; } &&
	test_grep "^crm-rfm: output row 5, column 10: U+1F600" err &&
	{ crm-report --db b.db --encoding big5 customer 4 </dev/null \
	    >out 2>err; test $? = 1; } &&
	test_grep "^crm-report: output row [0-9]*, column 2: U+1F600" err
'

test_expect_success 'mistakes: a workbook on a pipe, Big5 in a workbook, --count in one' '
	{ crm-rfm --xlsx - </dev/null 2>err; test $? = 2; } &&
	test_grep "a workbook needs a file name" err &&
	{ crm-report --xlsx x.xlsx --encoding big5 summary </dev/null 2>err;
	    test $? = 1; } &&
	test_grep "a workbook is always Unicode" err &&
	{ crm-report --table --encoding big5 summary </dev/null 2>err;
	    test $? = 1; } &&
	test_grep "is for CSV, not --table" err &&
	{ crm-segment --count --xlsx x.xlsx lost </dev/null 2>err;
	    test $? = 2; } &&
	test_grep "count prints a number" err &&
	{ crm-rfm --encoding latin1 </dev/null 2>err; test $? = 2; } &&
	test_grep "not utf-8 or big5" err &&
	{ crm-playbook check --excel t.playbook 2>err; test $? = 2; } &&
	test_grep "check writes no rows" err
'

test_done
