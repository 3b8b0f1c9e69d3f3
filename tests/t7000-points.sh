#!/bin/sh
# crm-points: hand-worked ledgers.  Every figure below is worked out by
# hand from the programme and the history (tests/data/points-orders.csv
# and points-history.sql; see the comments), not by running the program.
test_description='crm-points ledgers'
. "$(dirname "$0")/test-lib.sh"

cat >p.programme <<'EOF'
programme club          # a comment
start 2024-01-01
earn 1 per 100
pending 14
signup 100
birthday 200
first-purchase 50
expire 365
tier gold 3000 12m multiplier 2
value 0.1
EOF

test_expect_success 'a store: orders, a credit note, a member, a redemption' '
	crm-points check p.programme >out &&
	test_grep "programme club, 1 tier, no holdout" out &&
	crm-import --db t.db -q "$DATA/points-orders.csv" &&
	sqlite3 t.db <"$DATA/points-history.sql"
'

# Customer 1 joined before the start: signup 100 on 2024-01-01.  O0 is
# before the start: no points, but it counts for the tier (700).
#   O1 01-10 1250: 12 (spend before 700: no tier), first-purchase 50,
#      both usable 01-24.
#   O2 02-01 2000: spend before 1950 < 3000: 20, usable 02-15.
#   C1 02-05 -500: spend before 3950: gold x2, takes 5 x 2 = 10 back
#      from the pending O2 lot (20 -> 10).
#   birthday 2024-02-29 (a leap year): 200.
#   O3 03-01 1000: spend in the 12 months before 3450: gold, 10 x 2 = 20.
#   O4 04-01 555: spend 4450: gold, 5 x 2 = 10.
#   O2's 10 left become usable on 02-15, O3's 20 on 03-15, O4's on 04-15.
#   R1 06-01 120: signup 100, O1 12, 8 of first-purchase (50 -> 42).
#   Lapses (earned + 365 days): first-purchase 42 on 2025-01-09, O2 10
#   on 2025-01-31, birthday 200 on 2025-02-28, O3 20 on 2025-03-01.
#   birthday 2025-02-28 (29 February in a common year): 200.
# As of 2025-03-15: earned 100+12+50+20+200+20+10+200 = 612, returned
# 10, redeemed 120, expired 42+10+200+20 = 272, balance 210 (O4 10 and
# the 2025 birthday 200); O4 lapses 2025-04-01, within 30 days: 10.
# Tier window 2024-03-16..2025-03-15: 555 spent, no tier, 2445 to gold.
# Customer 2 (no member record): B1 900 gives 9 and first-purchase 50;
# the credit within pending takes the newest pending 9.  The cancelled
# order earns nothing.  Its 50 lapse on 2025-05-01: within 90 days.
test_expect_success 'balances as of 2025-03-15' '
	crm-points --db t.db --as-of 2025-03-15 balances p.programme >out &&
	cat >expect <<-\EOF &&
	customer_id,earned,returned,redeemed,expired,balance,pending,tier,tier_spend,to_next_tier,lapsing_30d
	1,612,10,120,272,210,0,,555.00,2445.00,10
	2,59,9,0,0,50,0,,0.00,3000.00,0
	EOF
	test_cmp expect out
'

test_expect_success 'balances --columns: the identities after the figures' '
	crm-points --db t.db --as-of 2025-03-15 --columns account,orders \
	    balances p.programme >out &&
	cat >expect <<-\EOF &&
	customer_id,earned,returned,redeemed,expired,balance,pending,tier,tier_spend,to_next_tier,lapsing_30d,account,orders
	1,612,10,120,272,210,0,,555.00,2445.00,10,web:a1,5
	2,59,9,0,0,50,0,,0.00,3000.00,0,web:b2,1
	EOF
	test_cmp expect out &&
	COLUMNS=200 crm-points --db t.db --as-of 2025-03-15 --table \
	    --columns account balances p.programme | grep -q " web:b2 *\$"
'

test_expect_code 2 '--columns goes with balances' \
	'crm-points --db t.db --columns account liability p.programme'

# The segment language, from the ledgers above: as of 2025-03-15
# customer 1 holds 210 with 10 lapsing on 2025-04-01 (17 days on),
# customer 2 holds 50 lapsing on 2025-05-01 (47 days on); as of
# 2024-04-15 customer 1 is gold (5005 spent in the 12 months).
test_expect_success 'crm-segment --programme: points, tier, points_expiring()' '
	seg() { crm-segment --db t.db --programme p.programme "$@" 2>/dev/null |
	    sed 1d | tr "\n" " "; } &&
	test "$(seg --as-of 2025-03-15 "points >= 100")" = "1 " &&
	test "$(seg --as-of 2025-03-15 "points = 50")" = "2 " &&
	test "$(seg --as-of 2025-03-15 "points_expiring(17) = 10")" = "1 " &&
	test "$(seg --as-of 2025-03-15 "points_expiring(16)")" = "" &&
	test "$(seg --as-of 2025-03-15 "points_expiring(47) >= 50")" = "2 " &&
	test "$(seg --as-of 2025-03-15 "points_expiring(46) >= 1")" = "1 " &&
	test "$(seg --as-of 2024-04-15 "tier = \"gold\"")" = "1 " &&
	test "$(seg --as-of 2025-03-15 "tier = \"gold\"")" = ""
'

test_expect_code 1 'points in an expression without --programme' '
	crm-segment --db t.db --as-of 2025-03-15 "points > 1" 2>err;
	rc=$?; cat err; grep -q "name its file with --programme" err &&
	exit $rc
'

# The points trigger: a batch comes within 30 days of lapsing on the day
# it lapses less 30, if any of it is left (see the ledgers above): the
# first-purchase 42 lapse 2025-01-09 (due 2024-12-10), O2's 10 on
# 2025-01-31 (due 2025-01-01), the 2024 birthday on 2025-02-28 (due
# 2025-01-29), O3's 20 on 2025-03-01 (due 2025-01-30), O4's 10 on
# 2025-04-01 (due 2025-03-02); customer 2's 50 on 2025-05-01 (due
# 2025-04-01).  E-mail addresses make them reachable.
mkdir -p pb
cat >pb/pts.playbook <<'EOF'
playbook pts
cap 1
seed 1
programme ../p.programme

step lapsing
    audience  everyone
    trigger   points lapse within 30
    template  use-them
EOF

test_expect_success 'playbook: points lapse within 30, once a batch' '
	crm-playbook check pb/pts.playbook &&
	cp t.db e.db &&
	sql e.db "UPDATE customers SET email = \"c\" || id || \"@example.com\"" &&
	for d in 2024-12-09 2024-12-10 2024-12-11 2025-01-01 2025-01-29 \
	    2025-01-30 2025-03-01 2025-03-02 2025-04-01; do
		echo "$d: $(crm-playbook run --dry-run --db e.db --date $d \
		    pb/pts.playbook 2>/dev/null | sed 1d | cut -d, -f1 |
		    tr "\n" " ")" || return 1
	done >got &&
	cat >want <<-\EOF &&
	2024-12-09: 
	2024-12-10: 1 
	2024-12-11: 
	2025-01-01: 1 
	2025-01-29: 1 
	2025-01-30: 1 
	2025-03-01: 
	2025-03-02: 1 
	2025-04-01: 2 
	EOF
	test_cmp want got
'

test_expect_code 1 'playbook: the points trigger needs a programme line' '
	grep -v "^programme" pb/pts.playbook >pb/none.playbook &&
	crm-playbook check pb/none.playbook 2>err;
	rc=$?; cat err;
	grep -q "none.playbook:7: .points lapse within. needs a .programme FILE. line" err &&
	exit $rc
'

test_expect_code 1 'playbook: a segment with points needs a programme line' '
	sed "s/audience  everyone/audience  segment points > 100/" \
	    pb/none.playbook >pb/seg.playbook &&
	sed -i "/^    trigger/s/.*/    trigger   1 days after purchase/" \
	    pb/seg.playbook &&
	crm-playbook check pb/seg.playbook 2>err;
	rc=$?; cat err; grep -q "seg.playbook:6: points, tier" err &&
	exit $rc
'

test_expect_success 'statement: every entry with the order behind it' '
	crm-points --db t.db --as-of 2025-03-15 statement p.programme 1 >out &&
	cat >expect <<-\EOF &&
	date,entry,points,balance,pending,usable_from,ref,amount,tier,multiplier,asked
	2024-01-01,signup,100,100,0,,,,,,
	2024-01-10,first-purchase,50,100,50,2024-01-24,O1,,,,
	2024-01-10,earn,12,100,62,2024-01-24,O1,1250.00,,1.00,
	2024-02-01,earn,20,162,20,2024-02-15,O2,2000.00,,1.00,
	2024-02-05,return,-10,162,10,,C1,-500.00,gold,2.00,10
	2024-02-29,birthday,200,372,0,,,,,,
	2024-03-01,earn,20,372,20,2024-03-15,O3,1000.00,gold,2.00,
	2024-04-01,earn,10,392,10,2024-04-15,O4,555.00,gold,2.00,
	2024-06-01,redeem,-120,282,0,,R1,,,,120
	2025-01-09,expire,-42,240,0,,,,,,
	2025-01-31,expire,-10,230,0,,,,,,
	2025-02-28,expire,-200,30,0,,,,,,
	2025-02-28,birthday,200,230,0,,,,,,
	2025-03-01,expire,-20,210,0,,,,,,
	EOF
	test_cmp expect out
'

test_expect_success 'as of 2024-01-20: pending points are not yet usable' '
	crm-points --db t.db --as-of 2024-01-20 balances p.programme >out &&
	sed -n 2p out >row &&
	echo "1,162,0,0,0,100,62,,1950.00,1050.00,0" >expect &&
	test_cmp expect row
'

test_expect_success 'liability: outstanding, value, breakage from history' '
	crm-points --db t.db --as-of 2025-03-15 liability p.programme >out &&
	cat >expect <<-\EOF &&
	measure,value
	members,2
	points_usable,260
	points_pending,0
	points_outstanding,260
	outstanding_value,26.00
	redeemed_to_date,120
	expired_to_date,272
	breakage_redemptions,1
	breakage_rate,0.6939
	expected_breakage,180
	expected_breakage_value,18.00
	lapsing_30d,10
	lapsing_90d,60
	lapsing_30d_value,1.00
	lapsing_90d_value,6.00
	EOF
	test_cmp expect out
'

# One redemption is no history to judge breakage by: the table says so.
test_expect_success 'liability: a breakage rate on 1 redemption is called thin' '
	crm-points --db t.db --as-of 2025-03-15 --table liability p.programme >out &&
	test_grep "rests on 1 redemption: too few to trust" out
'

test_expect_success 'the same inputs give the same bytes' '
	crm-points --db t.db --as-of 2025-03-15 balances p.programme >a &&
	crm-points --db t.db --as-of 2025-03-15 balances p.programme >b &&
	cmp a b
'

test_expect_success 'check reports every error with its line' '
	cat >bad.programme <<-\EOF &&
	programme club
	start 2024-02-30
	earn 1 per 0
	tier gold 5000 12m
	tier silver 3000 12m
	holdout 80%
	colour blue
	EOF
	{ crm-points check bad.programme 2>err; test $? = 1; } &&
	cat >expect <<-\EOF &&
	bad.programme:2: bad start date '"'"'2024-02-30'"'"' (YYYY-MM-DD)
	bad.programme:3: the amount per points must be above 0
	bad.programme:5: tier '"'"'silver'"'"' must need more spend than '"'"'gold'"'"' before it
	bad.programme:6: bad holdout '"'"'80%'"'"' (above 0% and at most 50%)
	bad.programme:7: unknown key '"'"'colour'"'"'
	EOF
	test_cmp expect err
'

test_done
