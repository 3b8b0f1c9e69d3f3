#!/bin/sh
# crm-playbook as an experiment: the intervals with a zero-buyer holdout,
# A/B variants (the draw, a known winner, no difference), and the lost
# trigger across days when the repurchase cycle changes.  Every expected
# value is worked out in the comments (Wilson bounds by the formula
# (p + z^2/2n -+ z sqrt(p q / n + z^2 / 4n^2)) / (1 + z^2 / n), z = 1.96).
test_description='crm-playbook intervals, variants and lost spells'
. "$(dirname "$0")/test-lib.sh"

# people FILE N DAY: N customers u1..uN, each with one purchase on DAY.
people() {
	awk -v n="$2" -v day="$3" 'BEGIN {
		print "order_id,ordered_at,status,account,email,sku,product,quantity,unit_price"
		for (i = 1; i <= n; i++)
			printf "A%d,%s 10:00,completed,u%d,u%d@example.com,S1,Tea,1,100\n", i, day, i, i
	}' >"$1"
}

# buys FILE DAY ID...: a purchase of 250 on DAY for each customer.
buys() {
	f=$1 day=$2
	shift 2
	echo "order_id,ordered_at,status,account,email,sku,product,quantity,unit_price" >"$f"
	for i in "$@"; do
		echo "B$i,$day 10:00,completed,u$i,u$i@example.com,S1,Tea,1,250"
	done >>"$f"
}

# contacts DB STEP FROM TO GRP [VARIANT]: contacts of step STEP on day
# 19724 (2024-01-02) for the customers FROM..TO.
contacts() {
	sql "$1" "WITH RECURSIVE n(i) AS (SELECT $3 UNION ALL SELECT i + 1
	      FROM n WHERE i < $4)
	    INSERT INTO contacts (playbook, step, day, customer_id, template,
	      grp, created_at, variant)
	    SELECT 'x', '$2', 19724, i, 't', '$5', 0,
	      $(test -n "$6" && echo "'$6'" || echo NULL) FROM n"
}

# The audit's case: 383 contacted, 17 bought; 10 held out, none bought.
# Wilson 17/383: 0.0279 .. 0.0700; 0/10: 0 .. z^2 / (10 + z^2) = 0.2775.
# Newcombe: 0.0444 - sqrt((0.0444 - 0.0279)^2 + 0.2775^2) = -0.2336,
# 0.0444 + (0.0700 - 0.0444) = 0.0699.  The normal approximation gave
# 0.0238 .. 0.0650, as if the step worked.  Pooled 17/393 = 0.04326, the
# groups 38.3 to 1: pm = (38.3 x 0.06326 + 0.04326) / 39.3 = 0.06275;
# (1.96 sqrt(pm qm (1 + 1/38.3)) + 0.8416 sqrt(0.06326 x 0.93674 / 38.3
# + 0.04326 x 0.95674))^2 / 0.0004 = 1075.4 -> 1076 held out (1066
# more), 38.3 x 1076 = 41210.8 -> 41211 contacted (40828 more).  With
# equal groups (a 50% holdout): pm = 0.05326, (1.96 sqrt(2 pm qm) +
# 0.8416 sqrt(0.06326 x 0.93674 + 0.04326 x 0.95674))^2 / 0.0004 =
# 1977.5 -> 1978 each.  Revenue per contact: 17 x 250 / 383 = 11.10,
# with no interval (nobody held out bought: a bootstrap would resample
# the holdout to 0 every time and call 11.10 sure).
test_expect_success 'a holdout with no buyer: the interval holds 0' '
	people zero.csv 393 2024-01-01 &&
	crm-import --db zero.db -q zero.csv &&
	buys zb.csv 2024-01-10 $(seq 1 17) &&
	crm-import --db zero.db -q zb.csv &&
	contacts zero.db thanks 1 383 treatment &&
	contacts zero.db thanks 384 393 holdout &&
	crm-playbook results --db zero.db --as-of 2024-03-01 >actual &&
	grep "^x,step,thanks," actual | cut -d, -f4-22,32 >row &&
	echo "0,383,10,,,,,17,0.0444,0,0.0000,0.0444,-0.2336,0.0699,4250.00,0.00,11.10,,,too small to tell: 40828 more contacted and 1066 more held out would show 2 points" >expect &&
	test_cmp expect row &&
	grep "^x,review,thanks,.*thanks cannot be judged yet (+4.4 \[-23.4, +7.0\]).*(with a 50% holdout, 1978 in each group)" actual &&
	! grep -e "works" -e "stop" actual
'

# 4 contacted, none bought; 1 held out who bought: the normal
# approximation said -1.0 .. -1.0 and "change or stop".  Wilson 0/4:
# 0 .. z^2 / (4 + z^2) = 0.4899, 1/1: 1 / (1 + z^2) = 0.2065 .. 1.
# Newcombe: -1 - sqrt(0 + 0) = -1 .. -1 + sqrt(0.4899^2 + 0.7935^2) =
# -0.0675: below 0 (one buyer held out against none of four).
test_expect_success 'four against one: an interval, not a collapse' '
	people few.csv 5 2024-01-01 &&
	crm-import --db few.db -q few.csv &&
	buys fb.csv 2024-01-10 5 &&
	crm-import --db few.db -q fb.csv &&
	contacts few.db s 1 4 treatment &&
	contacts few.db s 5 5 holdout &&
	crm-playbook results --db few.db --as-of 2024-03-01 >actual &&
	grep "^x,step,s," actual | cut -d, -f15-17 >row &&
	echo "-1.0000,-1.0000,-0.0675" >expect &&
	test_cmp expect row
'

# A step with variants A and B (100 each) and a holdout of 100.
#   A: 40 bought; B: 10; holdout: 10.
#   A against B: Wilson 40/100: 0.3094 .. 0.4980; 10/100: 0.0552 ..
#     0.1744.  Newcombe: 0.30 - sqrt(0.0906^2 + 0.0744^2) = 0.1828,
#     0.30 + sqrt(0.0980^2 + 0.0448^2) = 0.4077: above 0, A wins.
#   A against the holdout: the same counts as A against B, the same
#     interval.
#   B against the holdout: 0.10 - 0.10 = 0; Newcombe 0 -+ sqrt(0.0448^2
#     + 0.0744^2) = -0.0868 .. 0.0868: no winner, too small for 2
#     points (pooled 0.10: (1.96 sqrt(2 .11 .89) + .8416 sqrt(.12 .88 +
#     .1 .9))^2 / .0004 = 3840.8 -> 3841 each, 3741 more).
test_expect_success 'two variants: A wins against B, B does nothing' '
	people ab.csv 300 2024-01-01 &&
	crm-import --db ab.db -q ab.csv &&
	buys abb.csv 2024-01-10 $(seq 1 40) $(seq 101 110) $(seq 201 210) &&
	crm-import --db ab.db -q abb.csv &&
	contacts ab.db offer 1 100 treatment A &&
	contacts ab.db offer 101 200 treatment B &&
	contacts ab.db offer 201 300 holdout &&
	crm-playbook results --db ab.db --as-of 2024-03-01 >actual &&
	grep -e "^x,variant," -e "^x,versus," actual |
	    cut -d, -f2,3,5,6,11,13,15-17,31 >rows &&
	cat >expect <<-EOF &&
	variant,offer/A,100,100,40,10,0.3000,0.1828,0.4077,
	variant,offer/B,100,100,10,10,0.0000,-0.0868,0.0868,
	versus,offer/A vs B,100,100,40,10,0.3000,0.1828,0.4077,A
	EOF
	test_cmp expect rows &&
	grep "^x,versus,offer/A vs B,.*,A,A wins$" actual &&
	grep "^x,variant,offer/B,.*too small to tell: 3741 more contacted and 3741 more held out" actual &&
	grep "^x,review,offer/A vs B,.*offer/A vs B: A wins (+30.0 \[+18.3, +40.8\]" actual
'

# Revenue per contact, A against the holdout: every buyer spent 250, so
# the difference is 250 x (0.40 - 0.10) = 75.00, and its bootstrap
# interval should be near the normal one, 250 x (0.30 -+ 1.96 sqrt(0.4 x
# 0.6 / 100 + 0.1 x 0.9 / 100)) = 46.85 .. 103.15: it must hold 75 and
# lie within 40 .. 110.  The same store gives the same bytes.
test_expect_success 'revenue per contact: a bootstrap interval, the same every time' '
	grep "^x,variant,offer/A," actual | cut -d, -f20-22 >rev &&
	IFS=, read d lo hi <rev &&
	test "$d" = 75.00 &&
	awk -v lo="$lo" -v hi="$hi" "BEGIN { exit !(lo >= 40 && lo < 75 && hi > 75 && hi <= 110) }" &&
	crm-playbook results --db ab.db --as-of 2024-03-01 >again &&
	test_cmp actual again
'

# No difference: A 10 of 100, B 11 of 100 (Wilson 0.0625 .. 0.1863).
# Newcombe: -0.01 - sqrt((0.10 - 0.0552)^2 + (0.1863 - 0.11)^2) =
# -0.0985, -0.01 + sqrt((0.1744 - 0.10)^2 + (0.11 - 0.0625)^2) = 0.0782.
test_expect_success 'two variants, no difference: no winner' '
	people nd.csv 200 2024-01-01 &&
	crm-import --db nd.db -q nd.csv &&
	buys ndb.csv 2024-01-10 $(seq 1 10) $(seq 101 111) &&
	crm-import --db nd.db -q ndb.csv &&
	contacts nd.db offer 1 100 treatment A &&
	contacts nd.db offer 101 200 treatment B &&
	crm-playbook results --db nd.db --as-of 2024-03-01 >actual &&
	grep "^x,versus," actual | cut -d, -f3,15-17,31 >row &&
	echo "offer/A vs B,-0.0100,-0.0985,0.0782," >expect &&
	test_cmp expect row &&
	! grep "wins" actual
'

# The draw: SHA-256 of "7\0ab\0offer\0ID\0variant\0", its first four
# bytes as a number, mod 10000: below 5000 is A (the first 50%), else B.
# B has a template of its own; A keeps the step's.
test_expect_success 'run: each customer variant is drawn from the seed and recorded' '
	people v.csv 40 2024-01-01 &&
	crm-import --db v.db -q v.csv &&
	cat >ab.playbook <<-EOF &&
	playbook ab
	cap 1
	seed 7
	step offer
	    audience  new
	    trigger   3 days after first purchase
	    template  t
	    coupon    AB
	    threshold 500
	    discount  50
	    valid     10
	    variant   A 50%
	    variant   B 50% template t-b discount 100
	EOF
	crm-playbook run -q --db v.db --date 2024-01-04 ab.playbook >run.csv &&
	sql v.db "SELECT customer_id || '\'','\'' || variant || '\'','\'' || template ||
	    '\'','\'' || discount FROM contacts ORDER BY customer_id" >recorded &&
	for id in $(sql v.db "SELECT customer_id FROM contacts ORDER BY customer_id"); do
		h=$(printf "7\\0ab\\0offer\\0%s\\0variant\\0" "$id" | sha256sum | cut -c1-8) &&
		if [ $(( 0x$h % 10000 )) -lt 5000 ]; then
			echo "$id,A,t,5000"
		else
			echo "$id,B,t-b,10000"
		fi
	done >expect &&
	test_cmp expect recorded &&
	test "$(wc -l <expect)" = 40 &&
	grep -c ",B," expect >nb && test "$(cat nb)" -gt 10 && test "$(cat nb)" -lt 30 &&
	sed 1d run.csv | cut -d, -f1,7,10 | sort -t, -k1,1n >listed &&
	awk -F, "{ printf \"%s,%s,%d.00\\n\", \$1, \$3, \$4 / 100 }" expect >expect.listed &&
	test_cmp expect.listed listed &&
	crm-playbook run -q --db v.db --date 2024-01-04 ab.playbook >again &&
	test_cmp run.csv again
'

test_expect_success 'the variants: shares, names, coupon terms' '
	printf "playbook p\ncap 1\nstep s\n audience new\n trigger 1 day after purchase\n template t\n variant A 50%%\n variant B 40%%\n" >v1.pb &&
	! crm-playbook check v1.pb 2>err &&
	test_grep "v1.pb:8: the variants of step .s. share 90.00%, not 100%" err &&
	printf "playbook p\ncap 1\nstep s\n audience new\n trigger 1 day after purchase\n template t\n variant A 100%%\n" >v2.pb &&
	! crm-playbook check v2.pb 2>err &&
	test_grep "v2.pb:7: step .s. has one variant" err &&
	printf "playbook p\ncap 1\nstep s\n audience new\n trigger 1 day after purchase\n template t\n variant A 50%% discount 10\n variant B 50%%\n" >v3.pb &&
	! crm-playbook check v3.pb 2>err &&
	test_grep "v3.pb:7: variant .A. sets coupon terms but step .s. has no .coupon." err &&
	printf "playbook p\ncap 1\nstep s\n audience new\n trigger 1 day after purchase\n template t\n variant A 50%%\n variant A 50%%\n" >v4.pb &&
	! crm-playbook check v4.pb 2>err &&
	test_grep "v4.pb:8: variant .A. again (first on line 7)" err
'

# Lost spells across days when the cycle changes.  Repeat buyers k1
# (1 and 11 January) and k2 (1 and 12 January): cycle 10.5, threshold
# ceil(31.5) = 32.  k3 (1 January) buys again on 5 March: gaps 10, 11, 64,
# cycle 11, threshold 33.  k4 and k5 (29 February) buy again on 10 March:
# gaps 10, 10, 10, 11, 64, cycle 10, threshold 30.  One lapsed customer
# bought on each day from 27 January to 11 February.  "0 days after
# lost": due once the last purchase is more than the threshold ago.
#   1-4 March (32): bought 28-31 January, one a day (d - 33).
#   5 March (33, the day before 32): the purchase days that crossed the
#     line since yesterday: after 4 March - 33 = 31 January and up to
#     5 March - 34 = 31 January: none (31 January was taken on the
#     4th; by the old exact-day rule it was due again).
#   6-9 March (33): 1-4 February.
#   10 March (30, the day before 33): after 9 March - 34 = 4 February, up
#     to 10 March - 31 = 8 February: 5, 6, 7 and 8 February (by the old
#     rule only 8 February: 5-7 February never turned lost).
#   11, 12 March (30): 9, 10 February.
test_expect_success 'after lost: once per lapse, across days when the cycle moves' '
	{
		echo "order_id,ordered_at,status,account,email,sku,product,quantity,unit_price"
		for r in "1 k1 2024-01-01" "2 k1 2024-01-11" "3 k2 2024-01-01" \
		    "4 k2 2024-01-12" "5 k3 2024-01-01" "6 k3 2024-03-05" \
		    "7 k4 2024-02-29" "8 k4 2024-03-10" "9 k5 2024-02-29" \
		    "10 k5 2024-03-10"; do
			set -- $r
			echo "C$1,$3 10:00,completed,$2,$2@example.com,S1,Tea,1,100"
		done
		for d in 2024-01-27 2024-01-28 2024-01-29 2024-01-30 2024-01-31 \
		    2024-02-01 2024-02-02 2024-02-03 2024-02-04 2024-02-05 \
		    2024-02-06 2024-02-07 2024-02-08 2024-02-09 2024-02-10 \
		    2024-02-11; do
			echo "L$d,$d 10:00,completed,l$d,l$d@example.com,S1,Tea,1,100"
		done
	} >lost.csv &&
	crm-import --db l.db -q lost.csv &&
	for d in 2024-03-04:32 2024-03-05:33 2024-03-10:30; do
		crm-report --db l.db --as-of ${d%:*} --part threshold cycle |
		    awk -F, "\$4 == 1 { print \$3 }" >th &&
		test "$(cat th)" = "${d#*:}" || return 1
	done &&
	printf "playbook lost\ncap 1\nstep gone\n audience lost\n trigger 0 days after lost\n template t\n" >lost.playbook &&
	for d in 01 02 03 04 05 06 07 08 09 10 11 12; do
		crm-playbook run -q --db l.db --date 2024-03-$d lost.playbook \
		    >/dev/null || return 1
	done &&
	sql l.db "SELECT date(k.day * 86400, '\''unixepoch'\'') || '\'' '\'' ||
	    substr(c.email, 2, 10) FROM contacts k JOIN customers c ON
	    c.id = k.customer_id ORDER BY k.day, c.email" >actual &&
	cat >expect <<-EOF &&
	2024-03-01 2024-01-28
	2024-03-02 2024-01-29
	2024-03-03 2024-01-30
	2024-03-04 2024-01-31
	2024-03-06 2024-02-01
	2024-03-07 2024-02-02
	2024-03-08 2024-02-03
	2024-03-09 2024-02-04
	2024-03-10 2024-02-05
	2024-03-10 2024-02-06
	2024-03-10 2024-02-07
	2024-03-10 2024-02-08
	2024-03-11 2024-02-09
	2024-03-12 2024-02-10
	EOF
	test_cmp expect actual
'

# Contacted on 4 March for the lapse that began with the purchase of 31
# January; with a fixed threshold of 33 that lapse is due again on 5
# March by the day's rule, but the step contacted them since their last
# purchase: not due.  After a purchase on 6 March, the next lapse is.
test_expect_success 'not due again for a step until they buy' '
	test "$(crm-playbook run -n -q --db l.db --lost-after 33 --date 2024-03-05 \
	    lost.playbook | sed 1d | cut -d, -f3)" = "" &&
	echo "order_id,ordered_at,status,account,email,sku,product,quantity,unit_price" >again.csv &&
	echo "R1,2024-03-06 10:00,completed,l2024-01-31,l2024-01-31@example.com,S1,Tea,1,100" >>again.csv &&
	crm-import --db l.db -q again.csv &&
	crm-playbook run -n -q --db l.db --lost-after 33 --date 2024-04-09 \
	    lost.playbook | sed 1d | cut -d, -f3 >due &&
	echo l2024-01-31@example.com >expect &&
	test_cmp expect due
'

# coupons DB FROM TO: give the contacts of customers FROM..TO the code
# X-<id>.  claims DB FROM TO: claim those codes on 3 January.
coupons() {
	sql "$1" "UPDATE contacts SET coupon_code = 'X-' || customer_id
	    WHERE customer_id BETWEEN $2 AND $3"
}
claims() {
	sql "$1" "WITH RECURSIVE n(i) AS (SELECT $2 UNION ALL SELECT i + 1
	      FROM n WHERE i < $3)
	    INSERT INTO events (kind, at, customer_id, email, campaign, coupon)
	    SELECT 'coupon_claimed', 1704268800 + i, i, '', 'x', 'X-' || i
	    FROM n"
}

# The coupon rules wait for 30 coupons and a rate surely below the
# limit.  Step "low": 40 coupons, 2 claimed: Wilson 2/40 is 0.0138 ..
# 0.1650, below 20%: raise the discount.  Step "few": 20 coupons, none
# claimed (Wilson 0 .. 0.1611, below 20%) but fewer than 30: nothing.
# Step "unused": 40 coupons, 36 claimed (0.9, not low), 3 used: Wilson
# 3/36 is 0.0287 .. 0.2183, below 50%: lower the threshold.  The one
# change to try next is the claim rule's (it comes first).
test_expect_success 'the coupon rules: minimum counts, and the change to try next' '
	people cp.csv 100 2024-01-01 &&
	crm-import --db cp.db -q cp.csv &&
	contacts cp.db low 1 40 treatment &&
	contacts cp.db few 41 60 treatment &&
	contacts cp.db unused 61 100 treatment &&
	coupons cp.db 1 100 &&
	claims cp.db 1 2 &&
	claims cp.db 61 96 &&
	{
		echo "order_id,ordered_at,status,account,email,sku,product,quantity,unit_price,coupon"
		for i in 61 62 63; do
			echo "U$i,2024-01-05 10:00,completed,u$i,u$i@example.com,S1,Tea,1,900,X-$i"
		done
	} >used.csv &&
	crm-import --db cp.db -q used.csv &&
	crm-playbook results --db cp.db --as-of 2024-03-01 >actual &&
	grep "^x,step," actual | cut -d, -f3,7-10 >rows &&
	cat >expect <<-EOF &&
	few,0,0.0000,0,
	low,2,0.0500,0,0.0000
	unused,36,0.9000,3,0.0833
	EOF
	test_cmp expect rows &&
	grep "^x,step,low,.*,low claim rate: raise the discount; nobody held out yet" actual &&
	grep "^x,step,unused,.*,claimed but not used: lower the threshold; nobody held out yet" actual &&
	! grep "^x,step,few,.*raise" actual &&
	grep "^x,review,low,.*try next: raise the discount of low (claim rate 0.0500, below 20%)" actual &&
	test "$(grep -c "try next" actual)" = 1
'

test_expect_success 'results as a table: the review under it' '
	crm-playbook results --table --db cp.db --as-of 2024-03-01 >table &&
	test_grep "^Review of x" table &&
	test_grep "^- try next: raise the discount of low" table &&
	! grep ",review," table
'

test_done
