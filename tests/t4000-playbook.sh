#!/bin/sh
# crm-playbook: a simulated timeline.  Orders are imported, the playbook
# runs day by day, later orders (some with the coupon codes it handed
# out) and coupon claims arrive, and every count and rate of `results`
# is checked against values worked out by hand below.
test_description='crm-playbook timeline'
. "$(dirname "$0")/test-lib.sh"

PB="$DATA/playbook-timeline.playbook"
run_day() {
	crm-playbook run --db t.db --lost-after 90 --date "2024-03-$1" "$PB" \
	    >"run-$1.csv" 2>"run-$1.err"
}

test_expect_success 'the timeline playbook and the standard one check' '
	crm-playbook check "$PB" &&
	crm-playbook check "$SRC_DIR/examples/standard.playbook"
'

test_expect_success 'import the first orders' '
	crm-import --db t.db -q "$DATA/playbook-orders1.csv" &&
	test "$(sql t.db "SELECT count(*) FROM customers")" = 8
'

# Seed 13 draws customers 1, 4 and 6 into the thanks step's 50% holdout
# (the draw is checked on its own below); customer 7 has neither an
# email nor a phone; customer 3 only a phone.
cat >expect-04.csv <<'EOF'
customer_id,name,email,phone,channel,step,template,coupon,threshold,discount,expires,group
1,Chen One,c1@example.com,,,thanks,,,,,,holdout
2,Lin Two,c2@example.com,,email,thanks,thanks,CODE2,500.00,100.00,2024-03-18,treatment
EOF

test_expect_success '--dry-run writes the list and records nothing' '
	crm-playbook run --dry-run --db t.db --lost-after 90 --date 2024-03-04 \
	    "$PB" >dry-04.csv 2>dry.err &&
	sed "s/SECOND-[0-9A-Z]*/CODE2/" dry-04.csv >dry-04.masked &&
	test_cmp expect-04.csv dry-04.masked &&
	test_grep "dry run: nothing recorded" dry.err &&
	test "$(sql t.db "SELECT count(*) FROM contacts")" = 0
'

test_expect_success 'run day by day, 1 to 10 March' '
	for d in 01 02 03 04 05 06 07 08 09 10; do
		run_day $d || return 1
	done &&
	test "$(sql t.db "SELECT count(*) FROM contacts")" = 7
'

test_expect_success 'the dry run gave the same bytes as the real run' '
	test_cmp dry-04.csv run-04.csv
'

test_expect_success 'days with nobody due write only the header' '
	for d in 01 02 03 07 08 10; do
		test "$(wc -l <run-$d.csv)" = 1 || return 1
	done
'

test_expect_success 'the contacts of each day' '
	code() { sql t.db "SELECT coupon_code FROM contacts WHERE customer_id = $1"; } &&
	sed "s/CODE2/$(code 2)/" expect-04.csv >expect &&
	test_cmp expect run-04.csv &&
	cat >expect <<-EOF &&
	customer_id,name,email,phone,channel,step,template,coupon,threshold,discount,expires,group
	3,Wang Three,,0912345678,sms,thanks,thanks,$(code 3),500.00,100.00,2024-03-19,treatment
	4,Huang Four,c4@example.com,,,thanks,,,,,,holdout
	EOF
	test_cmp expect run-05.csv &&
	cat >expect <<-EOF &&
	customer_id,name,email,phone,channel,step,template,coupon,threshold,discount,expires,group
	5,Chang Five,c5@example.com,,email,thanks,thanks,$(code 5),500.00,100.00,2024-03-20,treatment
	6,Liu Six,c6@example.com,,,thanks,,,,,,holdout
	EOF
	test_cmp expect run-06.csv &&
	cat >expect <<-EOF &&
	customer_id,name,email,phone,channel,step,template,coupon,threshold,discount,expires,group
	8,Tsai Eight,c8@example.com,,email,survey,survey,,,,,treatment
	EOF
	test_cmp expect run-09.csv
'

# 6 March: customers 5, 6 and 7 are 3 days past their first purchase;
# 7 cannot be reached.  8 March: customers 1 and 2 are 7 days past their
# purchase but got the thanks on the 4th, inside the 5-day cap.
# 9 March: 3 and 4 are capped likewise, 8 (two purchase days, last on
# the 2nd) gets the survey.
test_expect_success 'due, capped and unreachable customers are counted' '
	test_grep ": 2024-03-06: 3 due, 1 contacted, 1 held out, 0 capped, 1 unreachable" run-06.err &&
	test_grep ": 2024-03-08: 2 due, 0 contacted, 0 held out, 2 capped, 0 unreachable" run-08.err &&
	test_grep ": 2024-03-09: 3 due, 1 contacted, 0 held out, 2 capped, 0 unreachable" run-09.err &&
	test_grep ": 2024-03-10: 3 due, 0 contacted, 0 held out, 2 capped, 1 unreachable" run-10.err
'

test_expect_success 'the holdout draw is SHA-256 of seed, playbook, step, customer' '
	for c in 1 2 3 4 5 6; do
		h=$(printf "%s\0" 13 timeline thanks $c | sha256sum | cut -c1-8) &&
		if [ $((0x$h % 10000)) -lt 5000 ]; then g=holdout; else g=treatment; fi &&
		echo "$c|$g" || return 1
	done >expect &&
	sql t.db "SELECT customer_id, grp FROM contacts WHERE step = '\''thanks'\''
	    ORDER BY customer_id" >actual &&
	test_cmp expect actual
'

test_expect_success 'coupon codes: one per contact, recorded for holdouts too' '
	sql t.db "SELECT coupon_code FROM contacts WHERE step = '\''thanks'\''" >codes &&
	test "$(grep -c -E "^SECOND-[0-9A-HJKMNP-TV-Z]{10}$" codes)" = 6 &&
	test "$(sort -u codes | wc -l)" = 6 &&
	sql t.db "SELECT count(*) FROM contacts WHERE step = '\''survey'\'' AND coupon_code IS NULL" >n &&
	test "$(cat n)" = 1
'

# The shop's export has the code in small letters: it still counts.
test_expect_success 'the later orders (one with a code) and the claims' '
	code2=$(sql t.db "SELECT lower(coupon_code) FROM contacts WHERE customer_id = 2") &&
	sed "s/@C2@/$code2/" "$DATA/playbook-orders2.csv" >later.csv &&
	crm-import --db t.db -q later.csv &&
	c2=$(sql t.db "SELECT coupon_code FROM contacts WHERE customer_id = 2") &&
	c3=$(sql t.db "SELECT coupon_code FROM contacts WHERE customer_id = 3") &&
	c1=$(sql t.db "SELECT coupon_code FROM contacts WHERE customer_id = 1") &&
	# The claims and the mailer events, through crm-import when this
	# build reads them (--kind claims, --kind events), else the rows it
	# would store, put in with the sqlite3 shell.  The claim of customer 3
	# is in small letters: it still counts.
	if crm-import --help | grep -q -- "events or claims"; then
		lc3=$(echo "$c3" | tr A-Z a-z) &&
		cat >claims.csv <<-EOF &&
		coupon,buyer,claimed_at
		$c2,c2@example.com,2024-03-09 10:00
		$lc3,0912345678,2024-03-06 10:00
		EOF
		crm-import --db t.db -q --kind claims claims.csv &&
		printf "email,campaign,event,time\nc5@example.com,thanks,opened,2024-03-05 10:00\n" >events.csv &&
		crm-import --db t.db -q --kind events events.csv
	else
		sql t.db "INSERT INTO events (kind, at, customer_id, email, campaign, coupon) VALUES
		    ('\''coupon_claimed'\'', strftime('\''%s'\'', '\''2024-03-09 10:00'\''), 2, '\''c2@example.com'\'', '\''thanks'\'', '\''$c2'\''),
		    ('\''coupon_claimed'\'', strftime('\''%s'\'', '\''2024-03-06 10:00'\''), 3, '\'''\'', '\''thanks'\'', '\''$c3'\''),
		    ('\''opened'\'', strftime('\''%s'\'', '\''2024-03-05 10:00'\''), 5, '\''c5@example.com'\'', '\''thanks'\'', '\'''\'')"
	fi &&
	test "$(sql t.db "SELECT count(*) FROM events WHERE kind = '\''coupon_claimed'\''")" = 2 &&
	test "$(sql t.db "SELECT count(*) FROM events")" = 3 &&
	test -n "$c1"
'

test_expect_success 'a rerun of a recorded day gives the same bytes and records nothing, even with the steps reordered' '
	run_day 04 && run_day 09 &&
	test "$(sql t.db "SELECT count(*) FROM contacts")" = 7 &&
	sed "s/CODE2/$(sql t.db "SELECT coupon_code FROM contacts WHERE customer_id = 2")/" \
	    expect-04.csv >expect &&
	test_cmp expect run-04.csv &&
	test_grep "already recorded 2 contacts for 2024-03-04" run-04.err &&
	crm-playbook run --dry-run --db t.db --lost-after 90 --date 2024-03-04 "$PB" \
	    >again 2>/dev/null &&
	test_cmp expect again &&
	{ sed -n "1,6p" "$PB"; sed -n "/^step survey/,\$p" "$PB";
	  sed -n "/^step thanks/,/^\$/p" "$PB"; } >reordered.playbook &&
	crm-playbook check reordered.playbook &&
	crm-playbook run -q --db t.db --date 2024-03-04 reordered.playbook >again &&
	test_cmp expect again &&
	test "$(sql t.db "SELECT count(*) FROM contacts")" = 7
'

# By hand, with a 14-day window (the day after the contact to 14 days
# after it; every window has closed by 30 April):
#   thanks, treatment 2, 3, 5: 2 bought with the code on 10 March (700.00
#     net, 100.00 off), 3 bought on 8 March without it (600.00), 5 only on
#     25 March, after its window (7 to 20 March): 2 of 3 bought, 1300.00.
#     Claimed: 2 and 3 (2 of 3, 0.6667); used: 2 (1 of 2 claims, 0.5).
#   thanks, holdout 1, 4, 6: 1 bought on 12 March (700.00); 4's order was
#     cancelled; 6 bought nothing: 1 of 3.
#   uplift = 2/3 - 1/3 = 0.3333.  Wilson (z = 1.96) for 2/3 is
#     (p + z^2/6 -+ z sqrt(p q / 3 + z^2 / 36)) / (1 + z^2 / 3)
#     = 0.2077 .. 0.9385, for 1/3 0.0615 .. 0.7923; Newcombe:
#     0.3333 - sqrt(0.4590^2 + 0.4590^2) = -0.3158,
#     0.3333 + sqrt(0.2718^2 + 0.2718^2) = 0.7178.  (The normal
#     approximation said -0.4211 .. 1.0877.)
#   revenue per contact: 1300/3 - 700/3 = 200.00; no bootstrap interval
#     with fewer than 5 buyers a side.
#   too small: the pooled rate is 3/6; 2 points over 0.5 at 80% power
#     with equal groups needs (1.96 sqrt(2 .51 .49) + .8416 sqrt(.52 .48
#     + .5 .5))^2 / .02^2 = 9805.9 -> 9806 each, 9803 more.
#   survey, treatment 8: bought on 15 March (pending, 350.00); no holdout
#     share, so nothing to tell.
cat >expect-results.csv <<'EOF'
playbook,by,name,measuring,contacted,held_out,claimed,claim_rate,used,use_rate,bought,bought_rate,holdout_bought,holdout_rate,uplift,ci_low,ci_high,revenue,holdout_revenue,revenue_uplift,revenue_ci_low,revenue_ci_high,coupon_revenue,discount_cost,claim_uplift,claim_ci_low,claim_ci_high,use_uplift,use_ci_low,use_ci_high,winner,advice
timeline,step,thanks,0,3,3,2,0.6667,1,0.5000,2,0.6667,1,0.3333,0.3333,-0.3158,0.7178,1300.00,700.00,200.00,,,700.00,100.00,,,,,,,,too small to tell: 9803 more contacted and 9803 more held out would show 2 points
timeline,step,survey,0,1,0,,,,,1,1.0000,0,,,,,350.00,0.00,,,,,,,,,,,,,no holdout: cannot tell
timeline,coupon,SECOND,0,3,3,2,0.6667,1,0.5000,2,0.6667,1,0.3333,0.3333,-0.3158,0.7178,1300.00,700.00,200.00,,,700.00,100.00,,,,,,,,too small to tell: 9803 more contacted and 9803 more held out would show 2 points
timeline,audience,new,0,3,3,2,0.6667,1,0.5000,2,0.6667,1,0.3333,0.3333,-0.3158,0.7178,1300.00,700.00,200.00,,,700.00,100.00,,,,,,,,too small to tell: 9803 more contacted and 9803 more held out would show 2 points
timeline,audience,"new, active",0,1,0,,,,,1,1.0000,0,,,,,350.00,0.00,,,,,,,,,,,,,nobody held out yet: cannot tell
timeline,review,thanks,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"thanks cannot be judged yet (+33.3 [-31.6, +71.8]): 9803 more contacted and 9803 more held out would show 2 points (with a 50% holdout, 9806 in each group)"
timeline,review,survey,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"survey cannot be judged: it has no holdout (give it one, like 10%)"
timeline,review,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,try next: nothing yet: no coupon is surely below the claim or use limits
EOF

test_expect_success 'results: every count and rate as worked out by hand' '
	crm-playbook results --db t.db --as-of 2024-04-30 "$PB" >actual &&
	test_cmp expect-results.csv actual
'

test_expect_success 'results: the same store gives the same bytes' '
	crm-playbook results --db t.db --as-of 2024-04-30 "$PB" >again &&
	test_cmp actual again
'

# Three coupons are too few for the coupon rules (30): whatever the
# limits, no advice to raise the discount or lower the threshold.
test_expect_success 'results: no coupon advice from three coupons' '
	crm-playbook results --db t.db --as-of 2024-04-30 --min-claim-rate 70 \
	    --min-use-rate 60 "$PB" >actual &&
	grep "^timeline,step,thanks," actual >row &&
	! grep -e "raise the discount" -e "lower the threshold" actual &&
	grep "too small to tell" row
'

# As of 9 March every 14-day window is still open: nothing is counted,
# everything is measuring (6 thanks contacts, 1 survey).  With 3-day
# windows the thanks contacts of 4, 5 and 6 March have closed (by 7, 8
# and 9 March), the survey of 9 March has not.  Inside them only 3's
# purchase of 8 March falls: 1 of 3 against 0 of 3.  Wilson for 0/3 is
# 0 .. z^2 / (3 + z^2) = 0.5615; Newcombe: 0.3333 - sqrt((0.3333 -
# 0.0615)^2 + 0.5615^2) = -0.2905, 0.3333 + (0.7923 - 0.3333) = 0.7923.
# Both claims are in (6 and 9 March), no use.  Revenue per contact:
# 600 / 3 - 0 = 200.00, no interval (one buyer).
# Pooled 1/6: (1.96 sqrt(2 pm qm) + .8416 sqrt(p1 q1 + p0 q0))^2 / .0004
# with p0 = .16667, p1 = .18667, pm = .17667: 5707.2 -> 5708, 5705 more.
test_expect_success 'results: open windows are measuring, not counted' '
	crm-playbook results --db t.db --as-of 2024-03-09 "$PB" >actual &&
	grep "^timeline,step," actual | cut -d, -f1-6 >rows &&
	printf "%s\n" timeline,step,thanks,6,0,0 timeline,step,survey,1,0,0 >expect &&
	test_cmp expect rows &&
	grep "^timeline,review,,.*still measuring: 7 contacts" actual &&
	crm-playbook results --db t.db --as-of 2024-03-09 --days 3 "$PB" >actual &&
	grep "^timeline,step,thanks," actual >row &&
	echo "timeline,step,thanks,0,3,3,2,0.6667,0,0.0000,1,0.3333,0,0.0000,0.3333,-0.2905,0.7923,600.00,0.00,200.00,,,0.00,0.00,,,,,,,,too small to tell: 5705 more contacted and 5705 more held out would show 2 points" >expect &&
	test_cmp expect row &&
	grep "^timeline,step,survey,1,0,0," actual &&
	grep "still measuring: 1 contact whose" actual
'

test_expect_success 'results without a file: every playbook, by step and coupon' '
	crm-playbook results --db t.db --as-of 2024-04-30 --days 14 >actual &&
	# Without the file its holdout shares are unknown: the survey has
	# nobody held out yet.
	grep -v -e ",audience," -e ",review," expect-results.csv |
	    sed "s/,no holdout: cannot tell/,nobody held out yet: cannot tell/" >expect &&
	{ head -n 1 expect && grep ",step,survey," expect &&
	  grep ",step,thanks," expect && grep ",coupon," expect &&
	  echo "timeline,review,survey,,,,,,,,,,,,,,,,,,,,,,,,,,,,,survey cannot be judged yet: nobody held out so far" &&
	  grep -e ",review,thanks," -e ",review,," expect-results.csv; } >expect.sorted &&
	test_cmp expect.sorted actual
'

test_expect_success 'results as TSV' '
	crm-playbook results -T --db t.db --as-of 2024-04-30 "$PB" >actual &&
	# Fields with commas are quoted in CSV only.
	tr "\t" , <actual >back &&
	tr -d "\"" <expect-results.csv >expect &&
	test_cmp expect back
'

# Returns count against the revenue they take back: a credit note of
# 100.00 from customer 2 on 15 March (inside the thanks window, 5 to 18
# March) and one of 50.00 from holdout 6 on 16 March, who bought nothing
# (6 stays a non-buyer, the group loses 50.00).  By hand: treatment
# 1300 - 100 = 1200.00, holdout 700 - 50 = 650.00, per contact
# 1200/3 - 650/3 = 183.33; the counts and rates as before.  A copy of the
# store, so the tests above keep theirs.
test_expect_success 'results: credit notes in the window come off the revenue' '
	cp t.db tc.db &&
	sqlite3 tc.db "INSERT INTO orders (channel, order_no, customer_id,
	    ordered_at, status, items_total, total, net, lines, digest)
	    VALUES (\"shop\", \"CR2\", 2, strftime(\"%s\", \"2024-03-15 10:00\"),
	    \"credit\", -10000, -10000, -10000, 0, 0),
	    (\"shop\", \"CR6\", 6, strftime(\"%s\", \"2024-03-16 10:00\"),
	    \"credit\", -5000, -5000, -5000, 0, 0)" &&
	crm-playbook results --db tc.db --as-of 2024-04-30 "$PB" >actual &&
	grep "^timeline,step,thanks," actual | cut -d, -f11-20 >row &&
	echo "2,0.6667,1,0.3333,0.3333,-0.3158,0.7178,1200.00,650.00,183.33" >expect &&
	test_cmp expect row
'

test_done
