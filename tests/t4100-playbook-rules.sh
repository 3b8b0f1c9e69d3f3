#!/bin/sh
# crm-playbook: each trigger, audience and rule on a small store whose
# dates are chosen so that the due customers can be read off by hand;
# the playbook file's errors; usage errors.
test_description='crm-playbook triggers, audiences, cap and errors'
. "$(dirname "$0")/test-lib.sh"

# Purchase days: 1: 1 and 11 Jan; 2: 1 and 21 Jan; 3: 5 and 15 Jan;
# 4: 1 Feb (phone only; a member since June 2023).  As of 20 February
# 1 and 3 are lost (more than 30 days), 2 active, 4 new.  Repurchase cycle (median first-to-second gap
# of 10, 20, 10) = 10 days, so the lost threshold is 30 days.
cat >orders.csv <<'EOF'
order_id,ordered_at,channel,status,account,phone,email,name,sku,product,category,quantity,unit_price
1,2024-01-01 10:00,shop,completed,a1,,c1@example.com,One,S1,Tea,tea,1,100
2,2024-01-01 11:00,shop,completed,a2,0911000002,c2@example.com,Two,S1,Tea,tea,1,100
3,2024-01-05 10:00,shop,completed,a3,,c3@example.com,Three,S1,Tea,tea,1,100
4,2024-01-11 10:00,shop,completed,a1,,c1@example.com,One,S1,Tea,tea,1,100
5,2024-01-15 10:00,shop,completed,a3,,c3@example.com,Three,S1,Tea,tea,1,100
6,2024-01-21 10:00,shop,completed,a2,0911000002,c2@example.com,Two,S1,Tea,tea,1,100
7,2024-02-01 10:00,shop,completed,a4,0911000004,,Four,S1,Tea,tea,1,100
EOF

# due 'AUDIENCE' 'TRIGGER' DATE [options]: the customers due (dry run).
due() {
	aud=$1 trig=$2 date=$3
	shift 3
	cat >one.playbook <<-EOF
	playbook one
	cap 1
	step s
	    audience $aud
	    trigger  $trig
	    template t
	EOF
	crm-playbook run -n -q --db t.db --date "$date" "$@" one.playbook |
	    sed 1d | cut -d, -f1 | tr '\n' ' '
}

test_expect_success 'setup: orders, a member who never bought, birthdays' '
	crm-import --db t.db -q orders.csv &&
	sql t.db "INSERT INTO customers (id, name, email, channel, first_seen,
	      is_member) VALUES (100, '\''Member'\'', '\''m@example.com'\'',
	      '\''shop'\'', strftime('\''%s'\'', '\''2024-02-10'\''), 1);
	    INSERT INTO members (channel, member_no, customer_id, joined_at,
	      birthday) VALUES (
	      '\''shop'\'', '\''M100'\'', 100,
	      strftime('\''%s'\'', '\''2024-02-10 09:00'\''), '\''2000-02-29'\''),
	      ('\''shop'\'', '\''M4'\'', 4, strftime('\''%s'\'', '\''2023-06-01'\''),
	      '\''1985-03-10'\'')"
'

test_expect_success 'N days after first purchase' '
	test "$(due purchased "3 days after first purchase" 2024-01-04)" = "1 2 " &&
	test "$(due purchased "3 days after first purchase" 2024-01-08)" = "3 " &&
	test "$(due purchased "3 days after first purchase" 2024-01-05)" = ""
'

test_expect_success 'N days after purchase: the latest, as of the day' '
	test "$(due purchased "7 days after purchase" 2024-01-08)" = "1 2 " &&
	test "$(due purchased "7 days after purchase" 2024-01-18)" = "1 " &&
	test "$(due purchased "7 days after purchase" 2024-01-22)" = "3 "
'

test_expect_success 'N days after the 2nd purchase' '
	test "$(due active "2 days after 2nd purchase" 2024-01-13)" = "1 " &&
	test "$(due active "2 days after 2nd purchase" 2024-01-17)" = "3 " &&
	test "$(due active "2 days after 2nd purchase" 2024-01-23)" = "2 " &&
	test "$(due active "2 days after 3rd purchase" 2024-01-23)" = ""
'

test_expect_success 'N days after the repurchase cycle (10 days)' '
	test "$(due purchased "0 days after cycle" 2024-01-21)" = "1 " &&
	test "$(due purchased "0 days after cycle" 2024-01-25)" = "3 " &&
	test "$(due purchased "5 days after cycle" 2024-01-30)" = "3 "
'

test_expect_success 'N days after turning lost (threshold 30 days)' '
	test "$(due lost "0 days after lost" 2024-02-11)" = "1 " &&
	test "$(due lost "0 days after lost" 2024-02-15)" = "3 " &&
	test "$(due lost "4 days after lost" 2024-02-25)" = "2 " &&
	test "$(due lost "0 days after lost" 2024-01-22 --lost-after 10)" = "1 " &&
	test "$(due purchased "0 days after lost" 2024-03-03)" = "4 "
'

test_expect_success 'N days after joining, never bought' '
	test "$(due potential "10 days after joining" 2024-02-20)" = "100 " &&
	test "$(due everyone "10 days after joining" 2024-02-21)" = ""
'

test_expect_success 'N days before the birthday (29 February on the 28th)' '
	test "$(due everyone "7 days before birthday" 2024-03-03)" = "4 " &&
	test "$(due everyone "7 days before birthday" 2024-02-22)" = "100 " &&
	test "$(due everyone "7 days before birthday" 2024-02-21)" = "" &&
	test "$(due everyone "7 days before birthday" 2025-02-21)" = "100 " &&
	test "$(due lost "7 days before birthday" 2024-03-03)" = "4 " &&
	test "$(due new "7 days before birthday" 2024-03-03)" = ""
'

test_expect_success 'audiences: stages as of the day' '
	test "$(due "new, potential" "from 2024-02-20 to 2024-02-20" 2024-02-20)" = "4 100 " &&
	test "$(due active "from 2024-02-20 to 2024-02-20" 2024-02-20)" = "2 " &&
	test "$(due lost "from 2024-02-20 to 2024-02-20" 2024-02-20)" = "1 3 " &&
	test "$(due everyone "from 2024-01-06 to 2024-01-06" 2024-01-06)" = "1 2 3 4 " &&
	test "$(due "new" "from 2024-01-06 to 2024-01-06" 2024-01-06)" = "1 2 3 "
'

test_expect_success 'audiences: a crm-segment expression' '
	test "$(due "segment orders >= 2 and customer_id != 3" "from 2024-02-20 to 2024-02-20" 2024-02-20)" = "1 2 "
'

test_expect_success 'a customer list on stdin narrows the audience' '
	printf "customer_id\n2\n4\n" >list.csv &&
	test "$(due purchased "from 2024-02-20 to 2024-02-20" 2024-02-20 <list.csv)" = "2 4 "
'

cat >campaign.playbook <<'EOF'
playbook campaign
cap 1
step spring
    audience new
    trigger  from 2024-02-05 to 2024-02-07
    template spring
EOF
cat >later.playbook <<'EOF'
playbook later
cap 7
step news
    audience purchased
    trigger  from 2024-02-05 to 2024-02-20
    template news
EOF

test_expect_success 'a window contacts each customer once' '
	crm-playbook run -q --db t.db --date 2024-02-05 campaign.playbook >a &&
	crm-playbook run -q --db t.db --date 2024-02-06 campaign.playbook >b &&
	test "$(sed 1d a | cut -d, -f1)" = 4 &&
	test "$(wc -l <b)" = 1
'

test_expect_success 'the cap spans playbooks, holdouts included' '
	crm-playbook run --db t.db --date 2024-02-06 later.playbook >a 2>err &&
	test_grep "4 due, 3 contacted, 0 held out, 1 capped, 0 unreachable" err &&
	test "$(sed 1d a | cut -d, -f1 | tr "\n" " ")" = "1 2 3 " &&
	crm-playbook run -n --db t.db --date 2024-02-11 later.playbook >a 2>err &&
	test_grep "1 due, 0 contacted, 0 held out, 1 capped" err &&
	crm-playbook run -n -q --db t.db --date 2024-02-12 later.playbook >a &&
	test "$(sed 1d a | cut -d, -f1 | tr "\n" " ")" = "4 "
'

cat >prio.playbook <<'EOF'
playbook prio
cap 1
step low
    audience purchased
    trigger  from 2024-02-20 to 2024-02-20
    template low
    priority 1
step high
    audience active
    trigger  from 2024-02-20 to 2024-02-20
    template high
    priority 5
step tie
    audience active
    trigger  from 2024-02-20 to 2024-02-20
    template tie
    priority 5
EOF

test_expect_success 'run -T writes TSV' '
	crm-playbook run -n -q -T --db t.db --date 2024-02-20 prio.playbook >tsv &&
	printf "customer_id\tname\temail\tphone\tchannel\tstep\ttemplate\tcoupon\tthreshold\tdiscount\texpires\tgroup\n" >expect &&
	head -n 1 tsv >actual &&
	test_cmp expect actual &&
	test "$(sed -n 2p tsv | cut -f1,6,12)" = "$(printf "1\tlow\ttreatment")"
'

test_expect_success 'the higher priority wins; on a tie, the earlier step' '
	crm-playbook run -n -q --db t.db --date 2024-02-20 prio.playbook |
	    cut -d, -f1,6 >actual &&
	printf "customer_id,step\n1,low\n3,low\n4,low\n2,high\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'via: email, sms, and unsubscribed or bounced addresses' '
	test "$(due purchased "from 2024-02-20 to 2024-02-20" 2024-02-20)" = "1 2 3 4 " &&
	printf "    via email\n" >>one.playbook &&
	crm-playbook run -n -q --db t.db --date 2024-02-20 one.playbook |
	    cut -d, -f1,5 >actual &&
	printf "customer_id,channel\n1,email\n2,email\n3,email\n" >expect &&
	test_cmp expect actual &&
	sed "s/via email/via sms/" one.playbook >sms.playbook &&
	crm-playbook run -n -q --db t.db --date 2024-02-20 sms.playbook |
	    cut -d, -f1,5 >actual &&
	printf "customer_id,channel\n2,sms\n4,sms\n" >expect &&
	test_cmp expect actual &&
	sql t.db "INSERT INTO events (kind, at, customer_id, email) VALUES
	    ('\''unsubscribed'\'', strftime('\''%s'\'', '\''2024-02-15'\''), 2,
	    '\''c2@example.com'\''),
	    ('\''bounced'\'', strftime('\''%s'\'', '\''2024-02-15'\''), 3,
	    '\''c3@example.com'\'')" &&
	sed "/via/d" one.playbook >any.playbook &&
	crm-playbook run -n --db t.db --date 2024-02-20 any.playbook 2>err |
	    cut -d, -f1,3,4,5 >actual &&
	printf "customer_id,email,phone,channel\n1,c1@example.com,,email\n2,,0911000002,sms\n4,,0911000004,sms\n" >expect &&
	test_cmp expect actual &&
	test_grep "4 due, 3 contacted, 0 held out, 0 capped, 1 unreachable" err &&
	sed "s/2024-02-20/2024-02-14/g" any.playbook >before.playbook &&
	crm-playbook run -n -q --db t.db --date 2024-02-14 before.playbook |
	    cut -d, -f1,5 >actual &&
	printf "customer_id,channel\n1,email\n2,email\n3,email\n4,sms\n" >expect &&
	test_cmp expect actual &&
	sql t.db "INSERT INTO events (kind, at, customer_id, email) VALUES
	    ('\''unsubscribed'\'', strftime('\''%s'\'', '\''2024-02-16'\''), NULL,
	    '\''C1@example.com'\'')" &&
	crm-playbook run -n --db t.db --date 2024-02-20 any.playbook 2>err |
	    cut -d, -f1,5 >actual &&
	printf "customer_id,channel\n2,sms\n4,sms\n" >expect &&
	test_cmp expect actual &&
	test_grep "4 due, 2 contacted, 0 held out, 0 capped, 2 unreachable" err
'

test_expect_success 'the standard playbook runs, and its results read back' '
	crm-playbook run -q --db t.db --date 2024-03-03 \
	    "$SRC_DIR/examples/standard.playbook" >std.csv &&
	test "$(sed 1d std.csv | cut -d, -f1,6,12)" = "4,birthday,treatment" &&
	grep -q -E ",BDAY-[0-9A-Z]{10},0.00,15%,2024-04-02,treatment$" std.csv &&
	crm-playbook results -q --db t.db --as-of 2024-03-10 \
	    "$SRC_DIR/examples/standard.playbook" >res.csv &&
	# Its 30-day window is open on 10 March: measuring, not counted.
	grep -q "^standard,step,birthday,1,0,0," res.csv &&
	grep -q "^standard,coupon,BDAY,1,0,0," res.csv &&
	grep -q "^standard,audience,everyone,1,0,0," res.csv
'

# 20 contacted, 15 bought; 20 held out, 2 bought: uplift 0.75 - 0.10 =
# 0.65.  Wilson (z = 1.96, z^2 / 20 = 0.19208): 15/20 is (0.75 + 0.09604
# -+ 1.96 sqrt(0.009375 + 0.0024)) / 1.19208 = 0.5313 .. 0.8881, 2/20 is
# 0.0279 .. 0.3010; Newcombe: 0.65 - sqrt(0.2187^2 + 0.2010^2) = 0.3529,
# 0.65 + sqrt(0.1381^2 + 0.0721^2) = 0.8058: above 0, so it works.
# Revenue per contact: 15 x 250 / 20 - 2 x 250 / 20 = 162.50, without
# an interval (2 buyers held out, fewer than 5).
test_expect_success 'results: a clear uplift, its interval, and it works' '
	{
		echo "order_id,ordered_at,status,account,email,sku,product,quantity,unit_price"
		i=1
		while [ $i -le 40 ]; do
			echo "A$i,2024-01-01 10:00,completed,u$i,u$i@example.com,S1,Tea,1,100"
			i=$((i + 1))
		done
		for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 21 22; do
			echo "B$i,2024-01-05 10:00,completed,u$i,u$i@example.com,S1,Tea,1,250"
		done
	} >up.csv &&
	crm-import --db up.db -q up.csv &&
	sql up.db "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1
	      FROM n WHERE i < 40)
	    INSERT INTO contacts (playbook, step, day, customer_id, template,
	      grp, created_at)
	    SELECT '\''up'\'', '\''s'\'', 19724, i, '\''t'\'',
	      CASE WHEN i <= 20 THEN '\''treatment'\'' ELSE '\''holdout'\'' END, 0
	    FROM n" &&
	crm-playbook results --db up.db --as-of 2024-02-01 >actual &&
	cat >expect <<-EOF &&
	playbook,by,name,measuring,contacted,held_out,claimed,claim_rate,used,use_rate,bought,bought_rate,holdout_bought,holdout_rate,uplift,ci_low,ci_high,revenue,holdout_revenue,revenue_uplift,revenue_ci_low,revenue_ci_high,coupon_revenue,discount_cost,claim_uplift,claim_ci_low,claim_ci_high,use_uplift,use_ci_low,use_ci_high,winner,advice
	up,step,s,0,20,20,,,,,15,0.7500,2,0.1000,0.6500,0.3529,0.8058,3750.00,500.00,162.50,,,,,,,,,,,,works: keep it
	up,review,s,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"s works: +65.0 [+35.3, +80.6] points bought over the holdout"
	up,review,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,try next: nothing yet: no coupon is surely below the claim or use limits
	EOF
	test_cmp expect actual
'

# ==== The playbook file's errors ====

# bad LINE 'MESSAGE': the playbook in bad.playbook fails with MESSAGE.
bad() {
	test_expect_code 1 "check: $2" "
		crm-playbook check bad.playbook 2>err
	"
	echo "crm-playbook: bad.playbook:$1: $2" >expect.err
	test_expect_success "the message: $2" 'grep -Fx -f expect.err err'
}

head='playbook p
cap 3
'
step='step s
  audience new
  trigger 3 days after first purchase
  template t
'
printf '%s%s  colour red\n' "$head" "$step" >bad.playbook
bad 7 "unknown key 'colour'"

# Every mistake of the file, each with its line, in the order of the
# lines (worked out by hand from the file below), and exit 1.
printf 'cap 3\nstep a/b\n  trigger soon\nstep c\n  audience new\n  trigger 1 day after purchase\n  template t\n  via fax\n  colour red\n' >bad.playbook
cat >expect.all <<'EOF2'
crm-playbook: bad.playbook:2: no 'playbook NAME' line before the first step
crm-playbook: bad.playbook:2: step 'a/b' has no 'audience'
crm-playbook: bad.playbook:2: bad step name 'a/b' (letters, digits, '.', '_' and '-')
crm-playbook: bad.playbook:2: step 'a/b' has no 'template'
crm-playbook: bad.playbook:3: bad trigger 'soon' (want 'N days after first purchase', 'N days after purchase', 'N days after 2nd purchase', 'N days after cycle', 'N days after lost', 'N days after joining', 'N days before birthday', 'p_alive falls below P', 'points lapse within N', 'tier reached', 'tier lost within N' or 'from YYYY-MM-DD to YYYY-MM-DD')
crm-playbook: bad.playbook:8: bad via 'fax' (want email, sms or any)
crm-playbook: bad.playbook:9: unknown key 'colour'
EOF2
test_expect_code 1 'check: every mistake of the file' '
	crm-playbook check bad.playbook 2>err
'
test_expect_success 'check: each with its line, in order' '
	sort expect.all >a && sort err >b && test_cmp a b &&
	cut -d: -f3 err >lines && sort -n -c lines
'
printf '%sstep s\n  audience new\n  template t\n' "$head" >bad.playbook
bad 3 "step 's' has no 'trigger'"
printf 'playbook p\nstep s\n' >bad.playbook
bad 2 "no 'cap DAYS' line before the first step (at most one message per customer in DAYS days)"
printf '%s%s%s' "$head" "$step" "$step" >bad.playbook
bad 7 "step 's' again (first on line 3)"
printf '%s%scap 4\n' "$head" "$step" >bad.playbook
bad 7 "'cap' belongs before the first step"
printf '%s%s  discount 100\n' "$head" "$step" >bad.playbook
bad 7 "'discount' without 'coupon' in step 's'"
printf '%s%s  coupon X\n  discount 100\n' "$head" "$step" >bad.playbook
bad 7 "coupon 'X' has no 'valid' (days the code stays valid)"
printf '%s%s  coupon X\n  discount 100\n  threshold 100\n  valid 3\n' "$head" "$step" >bad.playbook
bad 8 "the discount is not below the threshold"
printf '%s%s  holdout 10\n' "$head" "$step" >bad.playbook
bad 7 "bad holdout '10' (want a percent from 0% to 100%, like 10%)"
printf '%s%s  template u\n' "$head" "$step" >bad.playbook
bad 7 "'template' again in step 's' (first on line 6)"
printf '%sstep s\n  audience new\n  trigger from 2024-02-30 to 2024-03-01\n' "$head" >bad.playbook
bad 5 "bad date '2024-02-30' (want YYYY-MM-DD)"
printf '%sstep s\n  audience new\n  trigger 3 days after 2th purchase\n' "$head" >bad.playbook
bad 5 "bad ordinal '2th' (want 2nd, 3rd, 4th, ...)"
printf '%sstep s\n  audience new\n  trigger 3 weeks after purchase\n' "$head" >bad.playbook
bad 5 "bad trigger '3 weeks after purchase' (want 'N days after first purchase', 'N days after purchase', 'N days after 2nd purchase', 'N days after cycle', 'N days after lost', 'N days after joining', 'N days before birthday', 'p_alive falls below P', 'points lapse within N', 'tier reached', 'tier lost within N' or 'from YYYY-MM-DD to YYYY-MM-DD')"
printf '%sstep s\n  audience new, gone\n' "$head" >bad.playbook
bad 4 "unknown audience 'gone' (want stages potential, new, active, lost or purchased, separated by commas; 'everyone'; or 'segment EXPRESSION')"
printf 'cap 3\n  audience new\n' >bad.playbook
bad 2 "'audience' outside a step (open one with 'step NAME')"
printf '# nothing\nplaybook p\ncap 3\n' >bad.playbook
bad 3 "no steps (open one with 'step NAME')"

test_expect_success 'a bad segment expression: its line, and a caret' '
	printf "%sstep s\n  audience segment orders >=\n  trigger 3 days after purchase\n  template t\n" \
	    "$head" >bad.playbook &&
	test_expect_code_1() { "$@"; test $? = 1; } &&
	test_expect_code_1 crm-playbook check bad.playbook 2>err &&
	test_grep "^crm-playbook: bad.playbook:4: bad segment expression:" err &&
	test_grep "^ *\^$" err
'

test_expect_success 'comments and quotes' '
	printf "%sstep s # the first\n  audience segment name = %s # a comment\n  trigger 3 days after purchase\n  template t\n" \
	    "$head" "'\''#1'\''" >ok.playbook &&
	crm-playbook check ok.playbook
'

test_expect_code 1 'run refuses a bad playbook and records nothing' '
	crm-playbook run --db t.db --date 2024-02-20 bad.playbook
'

# ==== Usage ====

test_expect_code 2 'no command' 'crm-playbook'
test_expect_code 2 'an unknown command' 'crm-playbook send x'
test_expect_code 2 'check wants a file' 'crm-playbook check'
test_expect_code 2 'run wants a file' 'crm-playbook run --db t.db'
test_expect_code 2 'a bad --date' 'crm-playbook run --date 2024-13-01 one.playbook'
test_expect_code 2 '--days is for results' 'crm-playbook run --days 3 one.playbook'
test_expect_code 2 '--dry-run is for run' 'crm-playbook results --dry-run'
test_expect_code 2 'results takes one file' 'crm-playbook results a b'
test_expect_code 2 'a bad --days' 'crm-playbook results --days 0'
test_expect_code 2 'an unknown option' 'crm-playbook run --colour one.playbook'
test_expect_code 1 'no store' 'crm-playbook run --db nowhere.db one.playbook'
test_expect_code 1 'no playbook file' 'crm-playbook check nowhere.playbook'

test_expect_success '--help and --version' '
	crm-playbook --help >out && test_grep "^usage: crm-playbook check" out &&
	crm-playbook results --help >out && test_grep "^usage:" out &&
	crm-playbook --version >out && test_grep "^crm-playbook [0-9]" out
'

test_done
