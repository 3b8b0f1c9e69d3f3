#!/bin/sh
# t3200-report-cdnow.sh: crm-report on the CDNOW transaction log (Fader
# and Hardie's 23,570 customers, 69,659 transactions), checked against
# figures computed here with awk from the raw file.
test_description='crm-report on CDNOW'
. "$(dirname "$0")/test-lib.sh"

RAW="$SHARED/data/cdnow/CDNOW_master.txt"

[ -r "$RAW" ] || test_skip_all "no $RAW (the shared data is not beside this tree)"

test_expect_success 'the log converted to the plain format and imported' '
	tr -d "\r" <"$RAW" | awk "
	BEGIN { print \"order_id,ordered_at,channel,status,account,phone,email,name,sku,product,category,quantity,unit_price\" }
	\$1 ~ /^[0-9]+$/ {
		printf \"T%d,%s-%s-%s,cdnow,completed,%s,,,,CD,CD,music,1,%s\n\",
		    NR, substr(\$2, 1, 4), substr(\$2, 5, 2), substr(\$2, 7, 2),
		    \$1, \$4
	}" >cdnow.csv &&
	test $(sed 1d cdnow.csv | wc -l) -eq 69659 &&
	crm-import -q --db c.db cdnow.csv
'

# The raw file as "customer day" lines, one per transaction.
test_expect_success 'purchase days from the raw file' '
	tr -d "\r" <"$RAW" | awk "\$1 ~ /^[0-9]+$/ { print \$1, \$2, \$4 }" >tx &&
	awk "{ print \$1, \$2 }" tx | sort -u >days &&
	test $(wc -l <tx) -eq 69659
'

test_expect_success 'customers, orders, revenue 2,500,315.63' '
	crm-report --db c.db --as-of 1998-06-30 --from 1997-01-01 \
	    --to 1998-06-30 summary | sed -n 2p | cut -d, -f5-7 >actual &&
	awk "{ c[\$1] = 1; n++; s += \$3 } END {
	    k = 0; for (x in c) k++; printf \"%d,%d,%.2f\n\", k, n, s }" tx >expect &&
	test_cmp expect actual &&
	echo "23570,69659,2500315.63" >expect && test_cmp expect actual
'

test_expect_success 'orders per customer and AOV' '
	crm-report --db c.db --as-of 1998-06-30 --from 1997-01-01 \
	    --to 1998-06-30 summary | sed -n 2p | cut -d, -f8,9 >actual &&
	awk "{ c[\$1] = 1; n++; s += \$3 } END {
	    k = 0; for (x in c) k++;
	    printf \"%.2f,%.2f\n\", s / n, n / k }" tx >expect &&
	test_cmp expect actual
'

test_expect_success 'repurchase rate in the first quarter of 1997' '
	awk "\$2 >= 19970101 && \$2 <= 19970331 { d[\$1 \" \" \$2] = 1; c[\$1] = 1 }
	    END { for (k in d) { split(k, a, \" \"); n[a[1]]++ }
	      for (x in c) { t++; if (n[x] >= 2) r++ }
	      printf \"%d,%d,%.4f\n\", t, r, r / t }" tx >expect &&
	crm-report --db c.db --as-of 1998-06-30 --from 1997-01-01 \
	    --to 1997-03-31 summary | sed -n 2p | cut -d, -f5,10,11 >actual &&
	test_cmp expect actual
'

test_expect_success 'the repurchase cycle: first to second purchase day' '
	awk "function day(s,  y, m, d) {
	        y = substr(s, 1, 4) + 0; m = substr(s, 5, 2) + 0; d = substr(s, 7, 2) + 0
	        if (m <= 2) { y--; m += 12 }
	        return int(365.25 * (y + 4716)) + int(30.6001 * (m + 1)) + d }
	    { if (\$1 != c) { c = \$1; k = 0 } k++
	      if (k == 1) a = day(\$2)
	      if (k == 2) print day(\$2) - a }" days | sort -n >gaps &&
	awk "function fd(v) { return v == int(v) ? sprintf(\"%d\", v) : sprintf(\"%.1f\", v) }
	    { g[n++] = \$1 }
	    END { p = (n - 1) * 0.5; k = int(p); f = p - k
	      m = g[k] + f * (g[k + 1] - g[k])
	      p = (n - 1) * 0.25; k = int(p); f = p - k; q1 = g[k] + f * (g[k + 1] - g[k])
	      p = (n - 1) * 0.75; k = int(p); f = p - k; q3 = g[k] + f * (g[k + 1] - g[k])
	      printf \"first_second,%d,%s,%s,%s\n\", n, fd(q1), fd(m), fd(q3) }" \
	    gaps >expect &&
	crm-report --db c.db --as-of 1998-06-30 cycle | grep "^first_second," |
	    cut -d, -f1,4,7-9 >actual &&
	test_cmp expect actual
'

test_expect_success 'the lost threshold is three cycles' '
	m=$(cut -d, -f4 expect) &&
	crm-report --db c.db --as-of 1998-06-30 --part threshold cycle |
	    awk -F, "\$4 == 1 { print \$3 }" >actual &&
	awk -v m="$m" "BEGIN { x = 3 * m; printf \"%d\n\", x == int(x) ? x : int(x) + 1 }" >want &&
	test_cmp want actual
'

test_expect_success 'monthly customers and revenue against the raw file' '
	awk "{ m = substr(\$2, 1, 4) \"-\" substr(\$2, 5, 2)
	    if (!((m, \$1) in seen)) { seen[m, \$1] = 1; c[m]++ }
	    r[m] += \$3 }
	    END { for (m in c) printf \"%s,%d,%.2f\n\", m, c[m], r[m] }" tx |
	    sort >expect &&
	crm-report --db c.db --as-of 1998-06-30 monthly | sed 1d |
	    cut -d, -f1,2,6 >actual &&
	test_cmp expect actual
'

test_expect_success 'cohorts: three first-purchase months' '
	awk "\$1 != c { c = \$1; n[substr(\$2, 1, 4) \"-\" substr(\$2, 5, 2)]++ }
	    END { for (m in n) print m, n[m] }" days | sort >expect &&
	crm-report --db c.db --as-of 1998-06-30 cohort |
	    awk -F, "\$3 == 0 { print \$1, \$2 }" >actual &&
	test_cmp expect actual &&
	test $(wc -l <actual) -eq 3
'

test_done
