#!/bin/sh
# Redemptions through crm-import: the redemptions kind (format
# points-redemptions) and the points_used column of an order export, as
# crm-points' ledgers see them.  Every figure is worked out by hand in
# the comments, not by running the programs.
test_description='crm-import: points redemptions and points used'
. "$(dirname "$0")/test-lib.sh"

# Plain points: floor(net / 100) points an order, nothing pending,
# nothing lapses, no bonus, no tier.
cat >p.programme <<'EOF'
programme club
start 2024-01-01
earn 1 per 100
EOF

# ann (customer 1): W1 2 x 1500 = 3000 -> 30 points on 02-01; W2 800 +
# 450 = 1250 -> 12 on 03-10, and she paid 25 points on it (both its rows
# say 25: counted once).  bob (customer 2): W3 990 -> 9 on 03-12, no
# points used (0).
cat >orders.csv <<'EOF'
order_id,ordered_at,account,email,product,quantity,unit_price,points_used
W1,2024-02-01 10:00,ann,ann@example.com,tea,2,1500,
W2,2024-03-10 09:30,ann,,tea,1,800,25
W2,2024-03-10 09:30,ann,,cup,1,450,25
W3,2024-03-12 15:00,bob,,tea,1,990,0
EOF

# ann uses 10 more (by her e-mail, in capitals), bob 4 (by his account);
# RD-3 is a phone no customer has yet.
cat >redemptions.csv <<'EOF'
redemption_id,buyer,redeemed_at,points
RD-1,ANN@example.com,2024-04-01,10
RD-2,bob,2024-04-02 18:00,4
RD-3,0912-000-111,2024-04-25 12:00,3
EOF

test_expect_success 'orders with points_used, then a redemptions export' '
	crm-import --db t.db orders.csv 2>err &&
	test_grep "orders.csv: points used by 1 order: redemptions 1 new, 0 updated, 0 unchanged" err &&
	crm-import --db t.db redemptions.csv 2>err &&
	test_grep "redemptions.csv: format points-redemptions (recognised from the header)" err &&
	test_grep "redemptions.csv: 3 rows read, redemptions 3 new, 0 updated, 0 unchanged, 1 of no known customer, 0 rows rejected" err &&
	sql t.db "SELECT channel, ref, coalesce(customer_id, \"-\"), points,
	    datetime(at, \"unixepoch\") FROM redemptions ORDER BY ref" >out &&
	cat >expect <<-\EOF &&
	shop|RD-1|1|10|2024-04-01 00:00:00
	shop|RD-2|2|4|2024-04-02 18:00:00
	shop|RD-3|-|3|2024-04-25 12:00:00
	shop|W2|1|25|2024-03-10 09:30:00
	EOF
	test_cmp expect out
'

# As of 2024-05-01: ann earned 30 + 12 = 42, used 25 (W2, after W2 earned
# the same day) and 10 (RD-1): 42 - 35 = 7.  bob earned 9, used 4: 5.
test_expect_success 'balances: the redemptions lower the balance by their points' '
	crm-points --db t.db --as-of 2024-05-01 balances p.programme >bal &&
	cat >expect <<-\EOF &&
	customer_id,earned,returned,redeemed,expired,balance,pending,tier,tier_spend,to_next_tier,lapsing_30d
	1,42,0,35,0,7,0,,,,0
	2,9,0,4,0,5,0,,,,0
	EOF
	test_cmp expect bal
'

# ann's statement: each redemption with its reference, the order's under
# the order number; the balance after each entry: 30, 42, 17, 7.
test_expect_success 'statement: each redemption with its reference' '
	crm-points --db t.db --as-of 2024-05-01 statement p.programme 1 >st &&
	cat >expect <<-\EOF &&
	date,entry,points,balance,pending,usable_from,ref,amount,tier,multiplier,asked
	2024-02-01,earn,30,30,0,,W1,3000.00,,1.00,
	2024-03-10,earn,12,42,0,,W2,1250.00,,1.00,
	2024-03-10,redeem,-25,17,0,,W2,,,,25
	2024-04-01,redeem,-10,7,0,,RD-1,,,,10
	EOF
	test_cmp expect st
'

test_expect_success 'importing both again changes nothing' '
	sqlite3 t.db ".dump redemptions" >red.before &&
	sqlite3 t.db ".dump orders" >ord.before &&
	crm-import --db t.db orders.csv redemptions.csv 2>err &&
	test_grep "orders.csv: 4 rows read, orders 0 new, 0 updated, 3 unchanged" err &&
	test_grep "orders.csv: points used by 1 order: redemptions 0 new, 0 updated, 1 unchanged" err &&
	test_grep "redemptions.csv: 3 rows read, redemptions 0 new, 0 updated, 3 unchanged, 1 of no known customer" err &&
	sqlite3 t.db ".dump redemptions" >red.after &&
	sqlite3 t.db ".dump orders" >ord.after &&
	test_cmp red.before red.after &&
	test_cmp ord.before ord.after &&
	crm-points --db t.db --as-of 2024-05-01 balances p.programme >bal2 &&
	test_cmp bal bal2
'

# W4: the phone of RD-3 buys 500 (5 points) on 04-20 as customer 3.  The
# redemptions file read again gives RD-3 its customer: 5 - 3 = 2.
test_expect_success 'a redemption of no known buyer gets one when read again' '
	cat >later.csv <<-\EOF &&
	order_id,ordered_at,phone,product,quantity,unit_price
	W4,2024-04-20 11:00,0912000111,tea,1,500
	EOF
	crm-import -q --db t.db later.csv &&
	crm-import --db t.db redemptions.csv 2>err &&
	test_grep "redemptions 0 new, 1 updated, 2 unchanged, 0 of no known customer" err &&
	crm-points --db t.db --as-of 2024-05-01 balances p.programme >out &&
	test_grep "^3,5,0,3,0,2,0," out
'

# Merging customers carries their redemptions: bob's account given to
# ann's e-mail joins them, and RD-2 goes with bob's orders.
test_expect_success 'a merge moves the redemptions to the kept customer' '
	cp t.db m.db &&
	crm-import -q --db m.db --link 1,2 &&
	test "$(sql m.db "SELECT count(*) FROM redemptions WHERE customer_id = 2")" = 0 &&
	test "$(sql m.db "SELECT customer_id FROM redemptions WHERE ref = \"RD-2\"")" = 1
'

test_expect_success 'an order that now uses no points takes its redemption back' '
	cp t.db z.db &&
	sed "s/,25\$/,0/" orders.csv >zero.csv &&
	crm-import -q --db z.db zero.csv &&
	test "$(sql z.db "SELECT count(*) FROM redemptions WHERE ref = \"W2\"")" = 0 &&
	test "$(sql z.db "SELECT count(*) FROM redemptions")" = 3
'

# A cancelled order gives its points back: no redemption, and the one an
# earlier import of it stored goes.
test_expect_success 'a cancelled order uses no points' '
	cp t.db c.db &&
	sed -e "1s/\$/,status/" -e "2,\$s/\$/,completed/" orders.csv >st.csv &&
	crm-import -q --db c.db st.csv &&
	test "$(sql c.db "SELECT points FROM redemptions WHERE ref = \"W2\"")" = 25 &&
	sed "/^W2/s/completed\$/cancelled/" st.csv >cancel.csv &&
	crm-import -q --db c.db cancel.csv &&
	test "$(sql c.db "SELECT count(*) FROM redemptions WHERE ref = \"W2\"")" = 0
'

# bad FILE FIELD REASON: importing FILE exits 1 naming line 3 and FIELD,
# and the store is as it was, byte for byte.
bad() {
	sqlite3 t.db .dump >dump.before &&
	{ crm-import --db t.db "$1" 2>err; test $? = 1; } &&
	test_grep "^crm-import: $1:3: field '$2': $3" err &&
	sqlite3 t.db .dump >dump.after &&
	test_cmp dump.before dump.after
}

# badrow NAME ROW FIELD REASON: the header and RD-1 then ROW, as NAME.csv,
# is bad at line 3 in FIELD for REASON.
badrow() {
	{ head -2 redemptions.csv; echo "$2"; } >"$1.csv" &&
	bad "$1.csv" "$3" "$4"
}

test_expect_success 'a bad row: exit 1, file:line:field, the store unchanged' '
	badrow zero "RD-9,bob,2024-04-03,0" points \
	    "0 points (a redemption uses 1 or more): .0." &&
	badrow noref ",bob,2024-04-03,5" redemption_id \
	    "no redemption reference" &&
	badrow date "RD-9,bob,2024-02-30,5" redeemed_at ".*2024-02-30" &&
	badrow frac "RD-9,bob,2024-04-03,1.5" points \
	    "not a whole number of points: .1.5." &&
	badrow neg "RD-9,bob,2024-04-03,-2" points "negative points: .-2." &&
	badrow word "RD-9,bob,2024-04-03,ten" points \
	    "not a whole number of points: .ten." &&
	badrow masked "RD-9,******0111,2024-04-03,5" buyer \
	    "no buyer (empty or masked)" &&
	badrow twice "RD-1,ann@example.com,2024-04-01,11" redemption_id \
	    "redemption RD-1 is given twice in this file"
'

test_expect_success 'the rows of one order must agree on the points used' '
	cat >disagree.csv <<-\EOF &&
	order_id,ordered_at,account,product,quantity,unit_price,points_used
	W5,2024-04-10 10:00,ann,tea,1,300,5
	W5,2024-04-10 10:00,ann,cup,1,300,6
	EOF
	bad disagree.csv points_used "6 points used, but an earlier row of order W5 gives 5 (from line 2)" &&
	cat >badused.csv <<-\EOF &&
	order_id,ordered_at,account,product,quantity,unit_price,points_used
	W5,2024-04-10 10:00,ann,tea,1,300,
	W5,2024-04-10 10:00,ann,cup,1,300,-5
	EOF
	bad badused.csv points_used "negative points: .-5."
'

test_expect_success '--skip-bad keeps the good rows and writes the bad one' '
	cp t.db s.db &&
	{ head -2 redemptions.csv; echo "RD-8,bob,2024-04-03,0"
	    echo "RD-7,bob,2024-04-03,1"; } >mixed.csv &&
	crm-import -q --db s.db --skip-bad rej.csv mixed.csv &&
	test_grep "^mixed.csv,3,points," rej.csv &&
	test "$(sql s.db "SELECT group_concat(ref) FROM redemptions WHERE ref IN (\"RD-7\", \"RD-8\")")" = RD-7
'

test_expect_success '--kind redemptions takes no other kind of file' '
	{ crm-import --db k.db --kind redemptions orders.csv 2>err; test $? = 1; } &&
	test_grep "not a format crm-import knows (points-redemptions)" err &&
	{ crm-import --db k.db --kind claims redemptions.csv 2>err; test $? = 1; } &&
	{ crm-import --db k.db --format points-redemptions orders.csv 2>err; test $? = 1; } &&
	test_grep "no column for field .ref." err
'

test_expect_code 2 'an unknown --kind is a usage error' \
	'crm-import --db k.db --kind redemption redemptions.csv'

# The same export in Big5 with Chinese headers, and in UTF-8 with a BOM
# and CRLF: the same rows as the UTF-8 file.
test_expect_success 'Big5 and a BOM: the same redemptions' '
	cat >zh.csv <<-\EOF &&
	兌換編號,會員,兌換時間,點數
	RD-1,ANN@example.com,2024/4/1,10
	RD-2,bob,2024/4/2 18:00,4
	RD-3,0912-000-111,2024/4/25 12:00,3
	EOF
	iconv -f UTF-8 -t CP950 zh.csv >big5.csv &&
	crm-import -q --db t.db big5.csv &&
	test "$(sql t.db "SELECT encoding, kind, format, orders_unchanged FROM imports ORDER BY id DESC LIMIT 1")" = "CP950|redemptions|points-redemptions|3" &&
	{ printf "\357\273\277"; sed "s/\$/\r/" zh.csv; } >bom.csv &&
	crm-import -q --db t.db bom.csv &&
	test "$(sql t.db "SELECT encoding, orders_unchanged FROM imports ORDER BY id DESC LIMIT 1")" = "UTF-8|3" &&
	crm-points --db t.db --as-of 2024-05-01 balances p.programme >bal3 &&
	test_grep "^1,42,0,35,0,7," bal3
'

test_done
