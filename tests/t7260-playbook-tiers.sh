#!/bin/sh
# crm-playbook's tier triggers, 'tier reached' and 'tier lost within N',
# over the programme's ledger.  The members and their tiers are worked
# out by hand in the comments.
test_description='crm-playbook: tier reached, tier lost within N'
. "$(dirname "$0")/test-lib.sh"

cat >p.programme <<'EOF'
programme club
start 2024-01-01
earn 1 per 100
tier silver 1000 12m
tier gold 3000 12m
EOF

# The 12-month window ending on day D starts the day after D's date a
# year before: on 2025-03-10 it is 2024-03-11..2025-03-10.
#   ann (1): 600 on 2025-01-10, 500 on 2025-03-01: 600 the day before,
#     1100 on 03-01: silver reached on 2025-03-01 (she keeps it until
#     2026-01-11, when the January order leaves the window).
#   bob (2): 2500 on 2024-03-20, 800 on 2024-09-01: 3300, gold.  The
#     March order is in the window up to 2025-03-19 (it starts on
#     2024-03-20) and out on 2025-03-20 (it starts on 2024-03-21): 800
#     left, no tier.  On 2025-03-10 he loses gold in 10 days.
#   cat (3): 3500 on 2025-02-01: gold reached that day, held for a year.
#   dan (4): 200 on 2025-02-15: no tier, none to reach or lose.
cat >orders.csv <<'EOF'
order_id,ordered_at,account,email,product,quantity,unit_price
A1,2025-01-10 10:00,ann,ann@example.com,tea,1,600
B1,2024-03-20 10:00,bob,bob@example.com,tea,1,2500
B2,2024-09-01 10:00,bob,bob@example.com,tea,1,800
C1,2025-02-01 10:00,cat,cat@example.com,tea,1,3500
D1,2025-02-15 10:00,dan,dan@example.com,tea,1,200
A2,2025-03-01 10:00,ann,ann@example.com,tea,1,500
EOF

test_expect_success 'a store, and the tiers as crm-points sees them' '
	crm-import -q --db t.db orders.csv &&
	crm-points --db t.db --as-of 2025-03-10 balances p.programme |
	    cut -d, -f1,8,9 >got &&
	cat >want <<-\EOF &&
	customer_id,tier,tier_spend
	1,silver,1100.00
	2,gold,3300.00
	3,gold,3500.00
	4,,200.00
	EOF
	test_cmp want got &&
	crm-points --db t.db --as-of 2025-03-20 balances p.programme |
	    grep "^2," | cut -d, -f8,9 >got &&
	echo ",800.00" >want &&
	test_cmp want got
'

mkdir pb
cat >pb/tiers.playbook <<'EOF'
playbook tiers
cap 1
seed 1
programme ../p.programme

step reached
    audience  everyone
    trigger   tier reached
    template  welcome-tier

step losing14
    audience  everyone
    trigger   tier lost within 14
    template  keep-it
EOF
sed -e 's/within 14/within 5/' -e 's/losing14/losing5/' \
    pb/tiers.playbook >pb/tiers5.playbook

# due PLAYBOOK DAY...: each day and the customers due (a dry run).
due() {
	pb=$1
	shift
	for d; do
		echo "$d: $(crm-playbook run --dry-run --db t.db --date "$d" \
		    "$pb" 2>/dev/null | sed 1d | cut -d, -f1,6 | tr "\n" " ")" ||
		    return 1
	done
}

# ann reached silver on 03-01 only, cat gold on 02-01 only; bob's gold
# goes on 03-20: within 14 days from 03-06 on, within 5 from 03-15 on.
test_expect_success 'tier reached on its day; tier lost within 14' '
	crm-playbook check pb/tiers.playbook &&
	due pb/tiers.playbook 2025-01-31 2025-02-01 2025-02-28 2025-03-01 \
	    2025-03-02 2025-03-05 2025-03-06 2025-03-10 2025-03-19 \
	    2025-03-20 >got &&
	cat >want <<-\EOF &&
	2025-01-31: 
	2025-02-01: 3,reached 
	2025-02-28: 
	2025-03-01: 1,reached 
	2025-03-02: 
	2025-03-05: 
	2025-03-06: 2,losing14 
	2025-03-10: 2,losing14 
	2025-03-19: 2,losing14 
	2025-03-20: 
	EOF
	test_cmp want got
'

test_expect_success 'tier lost within 5: not 10 days before, 4 days before' '
	due pb/tiers5.playbook 2025-03-10 2025-03-14 2025-03-15 >got &&
	cat >want <<-\EOF &&
	2025-03-10: 
	2025-03-14: 
	2025-03-15: 2,losing5 
	EOF
	test_cmp want got
'

# Recorded: bob is written to on 03-10 and not again while he buys
# nothing; a purchase on 03-12 (100: 3400, still gold, and the March
# order still leaves on 03-20) makes him due again on 03-13.
test_expect_success 'tier lost: once, until the member buys again' '
	cp t.db r.db &&
	crm-playbook run -q --db r.db --date 2025-03-10 pb/tiers.playbook \
	    >/dev/null &&
	crm-playbook run --dry-run --db r.db --date 2025-03-12 \
	    pb/tiers.playbook 2>/dev/null | sed 1d >got &&
	test_cmp /dev/null got &&
	printf "%s\n" "order_id,ordered_at,account,product,quantity,unit_price" \
	    "B3,2025-03-12 10:00,bob,tea,1,100" >more.csv &&
	crm-import -q --db r.db more.csv &&
	crm-playbook run --dry-run --db r.db --date 2025-03-13 \
	    pb/tiers.playbook 2>/dev/null | sed 1d | cut -d, -f1,6 >got &&
	echo "2,losing14" >want &&
	test_cmp want got
'

test_expect_code 1 'the tier triggers need a programme line' '
	grep -v "^programme" pb/tiers.playbook >pb/none.playbook &&
	crm-playbook check pb/none.playbook 2>err;
	rc=$?; cat err;
	grep -q "none.playbook:8: .tier reached. needs a .programme FILE. line" err &&
	grep -q "none.playbook:13: .tier lost within. needs a .programme FILE. line" err &&
	exit $rc
'

test_expect_code 1 'the tier triggers need a programme with tiers' '
	grep -v "^tier" p.programme >notiers.programme &&
	sed "s|../p.programme|../notiers.programme|" pb/tiers.playbook \
	    >pb/notiers.playbook &&
	crm-playbook check pb/notiers.playbook 2>err;
	rc=$?; cat err;
	grep -q "notiers.playbook:6: step .reached.: the programme ../notiers.programme has no tier" err &&
	exit $rc
'

test_expect_code 1 'tier lost within wants a number of days' '
	sed "s/within 14/within soon/" pb/tiers.playbook >pb/bad.playbook &&
	crm-playbook check pb/bad.playbook 2>err;
	rc=$?; cat err;
	grep -q "bad.playbook:13: bad number of days .soon. (want 1 to 3650)" err &&
	exit $rc
'

test_done
