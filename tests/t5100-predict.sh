#!/bin/sh
# t5100-predict.sh: crm-predict's rules (what a purchase day is, as of
# a day), its data gates, its command line, and customers and check on
# orders drawn from the modelled process (examples/predict-orders.awk),
# checked against the summaries and against each other.
test_description='crm-predict'
. "$(dirname "$0")/test-lib.sh"

hdr=order_id,ordered_at,channel,status,account,phone,email,name,sku,product,category,quantity,unit_price

test_expect_success 'a few orders: same-day orders, cancelled, later ones' '
	cat >few.csv <<-EOF &&
	$hdr
	A1,2025-01-01 09:00,shop,completed,a,,,,S,P,C,1,100
	A2,2025-01-01 18:00,shop,completed,a,,,,S,P,C,1,50
	A3,2025-02-01 10:00,shop,completed,a,,,,S,P,C,1,200
	A4,2025-02-01 11:00,shop,cancelled,a,,,,S,P,C,1,999
	A5,2025-03-01 10:00,shop,pending,a,,,,S,P,C,1,300
	A6,2025-12-01 10:00,shop,completed,a,,,,S,P,C,1,700
	B1,2025-03-15 10:00,shop,completed,b,,,,S,P,C,1,80
	C1,2025-03-15 10:00,shop,cancelled,c,,,,S,P,C,1,80
	D1,2025-07-01 10:00,shop,completed,d,,,,S,P,C,1,80
	EOF
	crm-import -q --db few.db --tz UTC few.csv
'

test_expect_success 'summary: purchase days, repeat days only, up to --as-of' '
	crm-predict --db few.db --as-of 2025-06-30 summary >got &&
	cat >want <<-EOF &&
	customer_id,x,t_x,T,mean_value
	1,2,59,180,250.00
	2,0,0,107,0.00
	EOF
	test_cmp want got &&
	crm-predict --db few.db --as-of 2025-06-30 --unit weeks summary |
	    sed -n 2p >got && echo "1,2,8.43,25.71,250.00" >want &&
	test_cmp want got
'

test_expect_code 1 'too few repeat buyers: how many, and how many more' '
	crm-predict --db few.db --as-of 2025-06-30 fit 2>err;
	rc=$?; cat err;
	grep -q "only 1 of 2 customers bought on two or more days by 2025-06-30; a fit needs at least 30 (29 more)" err &&
	exit $rc
'

test_expect_code 1 'everyone on a single day: said so' '
	{ echo "$hdr"; for i in 1 2 3 4 5; do
	    echo "S$i,2025-0$i-10,shop,completed,s$i,,,,S,P,C,1,10"; done; } >one.csv &&
	crm-import -q --db one.db --tz UTC one.csv &&
	crm-predict --db one.db --as-of 2025-09-30 customers 2>err;
	rc=$?; cat err;
	grep -q "every one of the 5 customers bought on a single day by 2025-09-30" err &&
	exit $rc
'

test_expect_success 'orders drawn from the modelled process' '
	awk -f "$SRC_DIR/examples/predict-orders.awk" >g.csv &&
	crm-import -q --db g.db --tz UTC g.csv
'

test_expect_code 1 'too short a history: how long, and how much more' '
	crm-predict --db g.db --as-of 2025-02-15 fit 2>err;
	rc=$?; cat err;
	grep -q "the history is 45 days (first purchase 2025-01-01, end 2025-02-15); a fit needs at least 60 days (15 more)" err &&
	exit $rc
'

test_expect_code 2 'an unknown command' 'crm-predict --db g.db forecast'
test_expect_code 2 'no command' 'crm-predict --db g.db'
test_expect_code 2 'an unknown unit' 'crm-predict --db g.db --unit months fit'
test_expect_code 2 'an unknown model' 'crm-predict --db g.db --model nbd fit'
test_expect_code 2 'Gamma-Gamma alone cannot score customers' \
	'crm-predict --db g.db --model gg customers'
test_expect_code 2 '--part goes with check' 'crm-predict --db g.db --part lost fit'
test_expect_code 2 '--discount is a percentage' \
	'crm-predict --db g.db --discount 150 customers'

test_expect_success 'fit: parameters, standard errors, log-likelihood, iterations' '
	crm-predict --db g.db --as-of 2026-06-30 --model mbgnbd fit >fit 2>err &&
	test_cmp /dev/null err &&
	cut -d, -f1,2 fit >got &&
	printf "%s\n" model,name mbgnbd,r mbgnbd,alpha mbgnbd,a mbgnbd,b \
	    mbgnbd,log_likelihood mbgnbd,iterations mbgnbd,customers >want &&
	test_cmp want got &&
	awk -F, "NR > 1 && NR < 6 && !(\$3 > 0 && \$4 > 0) { exit 1 }" fit &&
	test "$(awk -F, "\$2 == \"customers\" { print \$3 }" fit)" = \
	    "$(crm-predict --db g.db --as-of 2026-06-30 summary | sed 1d | wc -l)"
'

test_expect_success 'customers: one row each, probabilities in [0, 1]' '
	crm-predict --db g.db --as-of 2026-06-30 summary | sed 1d >sum &&
	crm-predict --db g.db --as-of 2026-06-30 --horizon 90 customers >cust &&
	head -1 cust >got &&
	echo "customer_id,x,t_x,T,p_alive,purchases_90d,no_purchase_90d,spend,clv_90d_10%,next_purchase" >want &&
	test_cmp want got &&
	sed 1d cust | cut -d, -f1-4 >got && cut -d, -f1-4 sum >want &&
	test_cmp want got &&
	sed 1d cust | awk -F, "\$5 < 0 || \$5 > 1 || \$7 < 0 || \$7 > 1 ||
	    \$6 < 0 || \$8 <= 0 || (\$5 >= 0.5) != (\$10 != \"\") { print; bad = 1 }
	    END { exit bad }"
'

test_expect_success 'customers: undiscounted CLV is spend times purchases' '
	crm-predict --db g.db --as-of 2026-06-30 --discount 0 customers |
	    sed 1d | awk -F, "{ d = \$9 - \$8 * \$6; if (d < 0) d = -d
	    if (d > 0.01 + \$8 * 0.00006) { print; bad = 1 } } END { exit bad }" &&
	crm-predict --db g.db --as-of 2026-06-30 --discount 20 customers |
	    sed 1d | awk -F, "\$9 > \$8 * (\$6 + 0.00005) + 0.01 { print; bad = 1 }
	    END { exit bad }"
'

test_expect_success 'customers --columns: the identities of crm-rfm --columns' '
	crm-predict --db g.db --as-of 2026-06-30 --columns account,name \
	    customers >cust &&
	head -1 cust | cut -d, -f11- >got && echo account,name >want &&
	test_cmp want got &&
	sed 1d cust | cut -d, -f1,11,12 >got &&
	crm-rfm --db g.db --as-of 2026-06-30 --columns account,name |
	    sed 1d | cut -d, -f1,10,11 >want &&
	test_cmp want got &&
	grep -q "^1,shopee:c00001,\$" got &&
	crm-predict --db g.db --as-of 2026-06-30 --columns plain customers \
	    >/dev/null &&
	COLUMNS=200 crm-predict --db g.db --as-of 2026-06-30 --table \
	    --columns account customers | grep -q " shopee:c00001 *\$"
'

test_expect_code 2 '--columns goes with customers' \
	'crm-predict --db g.db --columns account fit'
test_expect_code 2 '--columns: an unknown column' \
	'crm-predict --db g.db --columns shoe_size customers'

cat >hash.sql <<'EOF'
SELECT count(*) || ':' || max(id) || ':' || sum(net) || ':' ||
    sum(customer_id) FROM orders
    WHERE status IN ('completed', 'pending')
    AND customer_id IS NOT NULL AND ordered_at < 1782864000;
EOF
cat >par.sql <<'EOF'
SELECT printf('%.6f', p1), printf('%.6f', p2), printf('%.6f', p3),
    printf('%.6f', p4), printf('%.4f', log_likelihood), customers
    FROM fits;
EOF

# The fits table: day 20634 is 2026-06-30; the hash counts the
# purchases of customers placed before 2026-07-01 00:00 (1782864000).
test_expect_success 'fit stores its fit with the data hash; customers stores nothing' '
	cp g.db s.db && sql s.db "DELETE FROM fits" &&
	crm-predict --db s.db --as-of 2026-06-30 customers >before &&
	test "$(sql s.db "SELECT count(*) FROM fits")" = 0 &&
	crm-predict --db s.db --as-of 2026-06-30 fit >fit &&
	sql s.db "$(cat hash.sql)" >want &&
	sql s.db "SELECT data_hash FROM fits WHERE model = \"bgnbd\"
	    AND unit = 1 AND as_of = 20634" >got &&
	test_cmp want got &&
	sql s.db "$(cat par.sql)" | tr "|" "\n" >got &&
	sed -n "2,6p;8p" fit | cut -d, -f3 >want &&
	test_cmp want got &&
	crm-predict --db s.db --as-of 2026-06-30 customers >after &&
	test_cmp before after &&
	crm-predict --db s.db --as-of 2026-06-30 fit >/dev/null &&
	test "$(sql s.db "SELECT count(*) FROM fits")" = 1
'

# BG/NBD: P(alive) = 1 / (1 + [x > 0] a / (b + x - 1)
# ((alpha + T) / (alpha + t_x))^(r + x)), from the stored parameters.
cat >palive.awk <<'EOF'
BEGIN { FS = ","; r = 0.5; al = 20; a = 0.8; b = 2.5 }
{
	p = 1
	if ($2 > 0)
		p = 1 / (1 + a / (b + $2 - 1) * ((al + $4) / (al + $3)) ^ (r + $2))
	d = p - $5
	if (d < 0)
		d = -d
	if (d > 0.00006) {
		print
		bad = 1
	}
}
END { exit bad }
EOF

test_expect_success 'customers use the stored fit while the data hash holds' '
	sql s.db "UPDATE fits SET p1 = 0.5, p2 = 20, p3 = 0.8, p4 = 2.5" &&
	crm-predict --db s.db --as-of 2026-06-30 customers >cust &&
	sed 1d cust | awk -f palive.awk &&
	! cmp -s cust before
'

test_expect_success 'a purchase imported up to the day: the stored fit is not used' '
	{ echo "$hdr"; echo "N1,2026-05-01 10:00,shop,completed,c00001,,,,S,P,C,1,50"; } >n.csv &&
	crm-import -q --db s.db --tz UTC n.csv &&
	cp g.db fresh.db && crm-import -q --db fresh.db --tz UTC n.csv &&
	crm-predict --db s.db --as-of 2026-06-30 customers >got &&
	crm-predict --db fresh.db --as-of 2026-06-30 customers >want &&
	test_cmp want got &&
	! test_cmp before got
'

# What happened in the holdout, from the two summaries: x at the end
# against x at the calibration end, per customer of the calibration.
test_expect_success 'check: holdout purchases per frequency class, as the summaries say' '
	crm-predict --db g.db --as-of 2026-01-01 summary | sed 1d | sort >cal &&
	crm-predict --db g.db --as-of 2026-06-30 summary | sed 1d | sort >all &&
	join -t, cal all | awk -F, "{ k = \$2 > 7 ? 7 : \$2; n[k]++; a[k] += \$6 - \$2 }
	    END { for (k = 0; k <= 7; k++) print (k == 7 ? \"7+\" : k) \",\" n[k] \",\" a[k] }" >want &&
	crm-predict --db g.db --as-of 2026-06-30 --holdout 180 --model mbgnbd \
	    check >got.csv &&
	sed 1d got.csv | cut -d, -f1,2,5 >got && test_cmp want got
'

test_expect_success 'check: the lost rule, the deciles and the chart add up' '
	join -t, cal all | awk -F, "\$4 - \$3 > 60 { n++; if (\$6 > \$2) b++ }
	    END { print \"60,\" n \",\" b }" >want &&
	crm-predict --db g.db --as-of 2026-06-30 --holdout 180 --model mbgnbd \
	    --lost-after 60 --part lost check | sed 1d | cut -d, -f1-3 >got &&
	test_cmp want got &&
	crm-predict --db g.db --as-of 2026-06-30 --holdout 180 --model mbgnbd \
	    --part palive check >dec &&
	test "$(sed 1d dec | awk -F, "{ s += \$2 } END { print s }")" = \
	    "$(wc -l <cal)" &&
	join -t, cal all | awk -F, "{ s += \$6 } END { print s }" >want &&
	crm-predict --db g.db --as-of 2026-06-30 --holdout 180 --model mbgnbd \
	    --part weekly check | tail -1 | cut -d, -f3 >got &&
	test_cmp want got
'

test_expect_success 'check: the model by holdout error, said on stderr' '
	crm-predict --db g.db --as-of 2026-06-30 --holdout 180 --part total \
	    check >got 2>err &&
	test $(grep -c "holdout error" err) -eq 3 &&
	test $(grep -c "the best, checked below" err) -eq 1
'

test_expect_success 'a table on request, TSV with -T' '
	COLUMNS=100 crm-predict --db g.db --as-of 2026-06-30 --table \
	    --holdout 180 check >tab 2>/dev/null &&
	test_grep "^Repeat purchase days in the holdout, by month" tab &&
	test_grep "^Cumulative repeat purchase days" tab &&
	crm-predict --db g.db --as-of 2026-06-30 -T summary | head -1 >got &&
	printf "customer_id\tx\tt_x\tT\tmean_value\n" >want && test_cmp want got
'

test_done
