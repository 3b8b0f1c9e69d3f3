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
# after it):
#   thanks, treatment 2, 3, 5: 2 bought with the code on 10 March (700.00
#     net, 100.00 off), 3 bought on 8 March without it (600.00), 5 only on
#     25 March, after its window (7 to 20 March): 2 of 3 bought, 1300.00.
#     Claimed: 2 and 3 (2 of 3, 0.6667); used: 2 (1 of 2 claims, 0.5).
#   thanks, holdout 1, 4, 6: 1 bought on 12 March (700.00); 4's order was
#     cancelled; 6 bought nothing: 1 of 3.
#   uplift = 2/3 - 1/3 = 0.3333, se = sqrt(2 (2/9) / 3) = 0.3849,
#     95% interval 0.3333 -+ 1.96 x 0.3849 = -0.4211 .. 1.0877: it
#     includes 0, so "no uplift".
#   survey, treatment 8: bought on 15 March (pending, 350.00); no holdout.
cat >expect-results.csv <<'EOF'
playbook,by,name,contacted,held_out,claimed,claim_rate,used,use_rate,bought,bought_rate,holdout_bought,holdout_rate,uplift,ci_low,ci_high,revenue,holdout_revenue,coupon_revenue,discount_cost,advice
timeline,step,thanks,3,3,2,0.6667,1,0.5000,2,0.6667,1,0.3333,0.3333,-0.4211,1.0877,1300.00,700.00,700.00,100.00,no uplift over the holdout: change or stop the step
timeline,step,survey,1,0,,,,,1,1.0000,0,,,,,350.00,0.00,,,
timeline,coupon,SECOND,3,3,2,0.6667,1,0.5000,2,0.6667,1,0.3333,0.3333,-0.4211,1.0877,1300.00,700.00,700.00,100.00,no uplift over the holdout: change or stop the step
timeline,audience,new,3,3,2,0.6667,1,0.5000,2,0.6667,1,0.3333,0.3333,-0.4211,1.0877,1300.00,700.00,700.00,100.00,no uplift over the holdout: change or stop the step
timeline,audience,"new, active",1,0,,,,,1,1.0000,0,,,,,350.00,0.00,,,
EOF

test_expect_success 'results: every count and rate as worked out by hand' '
	crm-playbook results --db t.db --as-of 2024-04-30 "$PB" >actual &&
	test_cmp expect-results.csv actual
'

test_expect_success 'results: the coupon advice, with stricter rates' '
	crm-playbook results --db t.db --as-of 2024-04-30 --min-claim-rate 70 \
	    --min-use-rate 60 "$PB" >actual &&
	grep "^timeline,step,thanks," actual | cut -d, -f21 >advice &&
	echo "low claim rate: raise the discount; claimed but not used: lower the threshold; no uplift over the holdout: change or stop the step" >expect &&
	test_cmp expect advice
'

# As of 9 March only 3's purchase (8 March) is in; both claims are.  With
# 3-day windows, only 3's purchase falls inside one.
test_expect_success 'results: an earlier as-of day and a shorter window' '
	crm-playbook results --db t.db --as-of 2024-03-09 "$PB" >actual &&
	grep "^timeline,step,thanks," actual >row &&
	echo "timeline,step,thanks,3,3,2,0.6667,0,0.0000,1,0.3333,0,0.0000,0.3333,-0.2001,0.8668,600.00,0.00,0.00,0.00,claimed but not used: lower the threshold; no uplift over the holdout: change or stop the step" >expect &&
	test_cmp expect row &&
	crm-playbook results --db t.db --as-of 2024-04-30 --days 3 "$PB" >actual &&
	grep "^timeline,step,thanks," actual | cut -d, -f10-18 >row &&
	echo "1,0.3333,0,0.0000,0.3333,-0.2001,0.8668,600.00,0.00" >expect &&
	test_cmp expect row
'

test_expect_success 'results without a file: every playbook, by step and coupon' '
	crm-playbook results --db t.db --as-of 2024-04-30 --days 14 >actual &&
	grep -v ",audience," expect-results.csv >expect &&
	{ head -n 1 expect && grep ",survey," expect && grep ",thanks," expect &&
	  grep ",coupon," expect; } >expect.sorted &&
	test_cmp expect.sorted actual
'

test_expect_success 'results as TSV' '
	crm-playbook results -T --db t.db --as-of 2024-04-30 "$PB" >actual &&
	tr "\t" , <actual | sed "s/,new, active,/,\"new, active\",/" >back &&
	test_cmp expect-results.csv back
'

test_done
