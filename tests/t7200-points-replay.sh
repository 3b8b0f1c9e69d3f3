#!/bin/sh
# crm-points: balances on generated orders against SQL over the same
# orders, replay of two files side by side, and evaluate with a holdout
# whose draw and figures are worked out here with sha256sum and awk.
test_description='crm-points on generated data, replay, evaluate'
. "$(dirname "$0")/test-lib.sh"

GEN="$SRC_DIR/build/plain/gen-orders"

# Days in SQL from local seconds.
test_expect_success 'generated orders: balances, pending and expired agree with SQL' '
	"$GEN" -s 3 -n 3000 -c 300 --start 2024-01-01 --days 500 >g.csv &&
	crm-import --db g.db -q g.csv &&
	printf "programme gen\nstart 2024-03-01\nearn 1 per 100\npending 14\nexpire 365\n" >g.programme &&
	crm-points --db g.db --as-of 2025-04-20 balances g.programme |
	    awk -F, "NR > 1 && \$2 > 0 { print \$1 \",\" \$2 \",\" \$5 \",\" \$6 \",\" \$7 }" >out &&
	s=$(sql g.db "SELECT CAST(julianday(\"2024-03-01\") - 2440587.5 AS INTEGER)") &&
	a=$(sql g.db "SELECT CAST(julianday(\"2025-04-20\") - 2440587.5 AS INTEGER)") &&
	sql g.db "WITH p AS (SELECT customer_id AS c, ordered_at / 86400 AS d,
	    net / 10000 AS pts FROM orders WHERE status IN (\"completed\", \"pending\")
	    AND ordered_at / 86400 BETWEEN $s AND $a)
	  SELECT c || \",\" || SUM(pts) || \",\" ||
	    SUM(CASE WHEN d + 365 <= $a THEN pts ELSE 0 END) || \",\" ||
	    SUM(CASE WHEN d + 365 > $a AND d + 14 <= $a THEN pts ELSE 0 END) || \",\" ||
	    SUM(CASE WHEN d + 14 > $a THEN pts ELSE 0 END)
	  FROM p GROUP BY c HAVING SUM(pts) > 0 ORDER BY c" >expect &&
	test $(wc -l <expect) -gt 100 &&
	test_cmp expect out
'


cat >p.programme <<'EOF'
programme club
start 2024-06-01
earn 1 per 100
pending 14
signup 100
birthday 200
first-purchase 50
expire 365
tier gold 3000 12m multiplier 2
value 0.1
EOF

cat >p2.programme <<'EOF'
programme alt
start 2025-01-01
earn 2 per 100
tier silver 4000 12m multiplier 1.5
EOF

at() { echo "CAST((julianday('$1 12:00') - 2440587.5) * 86400 AS INTEGER)"; }

# Each file as if it had started on 2024-01-01, redemptions left out.
# club: customer 1 signup 100 (joined 2023-12-01), O1 12 + first 50,
# O2 20 (spend before 1950), C1 takes 5 x 2 (spend 3950: gold) = 10,
# birthday 2024-02-29 200, O3 20 (spend 3450: gold), O4 10; the signup
# lot, never used, lapses on 2024-12-31.  Customer 2: B1 9 + first 50,
# C2 takes 9.  Issued 71 + 100 + 200 + 100 = 471, returned 19, expired
# 100, outstanding 302 + 50 = 352; value of 452 and 352 at 0.1.  Gold
# on 2024-12-31: 4305 spent since 2024-01-01.
# alt: customer 1 O1 24, O2 40, C1 takes 10 (3950 < 4000), O3 20, O4
# 5 x 2 x 1.5 = 15 (spend 4450: silver); customer 2 B1 18, C2 takes 18.
test_expect_success 'replay of two files side by side' '
	crm-import --db t.db -q "$DATA/points-orders.csv" &&
	sqlite3 t.db <"$DATA/points-history.sql" &&
	crm-points --db t.db --as-of 2025-03-01 --from 2024-01-01 --to 2024-12-31 \
	    replay p.programme p2.programme >out &&
	cat >expect <<-\EOF &&
	measure,p.programme,p2.programme
	members,2,2
	points_earned,71,117
	points_signup,100,0
	points_birthday,200,0
	points_first_purchase,100,0
	points_issued,471,117
	points_returned,19,28
	points_expired,100,0
	points_outstanding,352,89
	value_issued,45.20,0.00
	value_outstanding,35.20,0.00
	tier_gold,1,0
	tier_silver,0,1
	EOF
	test_cmp expect out
'

test_expect_success 'replay wants --from' '
	{ crm-points --db t.db replay p.programme 2>err; test $? = 2; } &&
	test_grep "replay wants --from" err
'

# Evaluate: twelve customers with a 50% holdout, seed 5.  The draw is
# worked out with sha256sum: SHA-256 of "5\0club\0holdout\0ID\0", its
# first four bytes mod 10000, below 5000.
cat >h.programme <<'EOF'
programme club
start 2025-01-01
earn 1 per 100
holdout 50%
seed 5
EOF

test_expect_success 'evaluate: the figures per group and the holdout draw' '
	{
	echo "order_id,ordered_at,channel,status,account,phone,email,name,sku,product,category,quantity,unit_price,shipping,discount,coupon,paid_total"
	i=1
	while [ $i -le 12 ]; do
		# Customer i: one order in 2024; in 2025 (i % 3) + 1 orders of
		# 100 x i on different days.
		echo "A$i,2024-06-0$((i % 9 + 1)) 10:00:00,web,completed,c$i,,,,S1,P,C,1,500,0,0,,500"
		k=0
		while [ $k -le $((i % 3)) ]; do
			echo "B$i-$k,2025-0$((k + 2))-1$((i % 9)) 10:00:00,web,completed,c$i,,,,S1,P,C,1,$((100 * i)),0,0,,$((100 * i))"
			k=$((k + 1))
		done
		i=$((i + 1))
	done
	} >e.csv &&
	crm-import --db e.db -q e.csv &&
	sql e.db "SELECT id FROM customers ORDER BY id" >ids &&
	while read -r id; do
		h=$(printf "5\0club\0holdout\0%s\0" "$id" | sha256sum | cut -c1-8) &&
		if [ $(( 0x$h % 10000 )) -lt 5000 ]; then echo "$id h"; else echo "$id m"; fi
	done <ids >draw &&
	grep -q " h" draw && grep -q " m" draw &&
	# Every customer bought once before (1 order of 500) and 1 to 3
	# times after, so everyone is returning after; AOV after is the
	# group revenue over its orders.
	sql e.db "SELECT customer_id, COUNT(*), SUM(net) FROM orders
	    WHERE ordered_at >= $(at 2025-01-01) GROUP BY customer_id" |
	    tr "|" " " | sort >after &&
	sort draw | join - after | awk "
	    { g = \$2 == \"m\" ? \"members\" : \"holdout\"; c[g]++; o[g] += \$3; r[g] += \$4 }
	    END { for (g in c) printf \"%s,after,%d,%d,%.2f,%d,1.0000,%.2f,%.2f\n\",
	        g, c[g], o[g], r[g] / 100, c[g], r[g] / o[g] / 100, o[g] / c[g] }" |
	    sort >expect &&
	crm-points --db e.db --as-of 2025-12-31 --part figures evaluate h.programme |
	    awk -F, "\$2 == \"after\" { print \$1 \",\" \$2 \",\" \$5 \",\" \$6 \",\" \$7 \",\" \$8 \",\" \$9 \",\" \$10 \",\" \$11 }" |
	    sort >out &&
	test_cmp expect out
'

test_expect_success 'evaluate: the difference lies inside its interval; same bytes twice' '
	crm-points --db e.db --as-of 2025-12-31 --part difference evaluate h.programme >d1 &&
	crm-points --db e.db --as-of 2025-12-31 --part difference evaluate h.programme >d2 &&
	cmp d1 d2 &&
	test $(wc -l <d1) = 4 &&
	awk -F, "NR > 1 { if (\$5 > \$4 || \$4 > \$6) bad = 1; if (\$4 - (\$2 - \$3) > 0.0002 || \$4 - (\$2 - \$3) < -0.0002) bad = 1 }
	    END { exit bad }" d1
'

test_expect_success 'evaluate without a holdout says so' '
	crm-points --db e.db --as-of 2025-12-31 --table evaluate p2.programme >out &&
	test_grep "^No holdout in the file: the change from before to after" out
'

test_done
