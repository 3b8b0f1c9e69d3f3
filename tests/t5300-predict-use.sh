#!/bin/sh
# t5300-predict-use.sh: the customer-base model used elsewhere: the
# segment language's p_alive, expected_orders, churn_risk and clv, from
# a stored fit or one made in memory, checked against BG/NBD's formulas
# worked in awk (tests/bgnbd.awk) from the parameters; the expressions
# are crm-segment(1)'s, The model's fields.
test_description='crm-predict used by the segment language'
. "$(dirname "$0")/test-lib.sh"

asof=2026-06-30

test_expect_success 'orders drawn from the modelled process' '
	awk -f "$SRC_DIR/examples/predict-orders.awk" >g.csv &&
	crm-import -q --db g.db --tz UTC g.csv &&
	crm-predict --db g.db --as-of $asof summary >sum
'

# The stored fit's parameters are set to round values: only a reader
# that takes them from the store gives what the awk gives.
test_expect_success 'the segment language reads the stored fit' '
	cp g.db s.db &&
	crm-predict --db s.db --as-of $asof fit >/dev/null &&
	sql s.db "UPDATE fits SET p1 = 0.5, p2 = 20, p3 = 0.8, p4 = 2.5" &&
	awk -v r=0.5 -v alpha=20 -v a=0.8 -v b=2.5 -v h=90 \
	    -f "$SRC_DIR/tests/bgnbd.awk" sum >model &&
	awk -F, "\$2 < 0.3 { print \$1 }" model >want &&
	test $(wc -l <want) -gt 100 &&
	crm-segment --db s.db --as-of $asof "p_alive < 0.3" | sed 1d >got &&
	test_cmp want got &&
	awk -F, "\$3 >= 0.2 && \$4 < 0.85 { print \$1 }" model >want &&
	test $(wc -l <want) -gt 10 &&
	crm-segment --db s.db --as-of $asof \
	    "expected_orders >= 0.2 and churn_risk < 0.85" | sed 1d >got &&
	test_cmp want got &&
	test "$(sql s.db "SELECT count(*) FROM fits")" = 1
'

test_expect_success 'without a stored fit: fitted in memory, nothing stored' '
	cp g.db m.db &&
	crm-segment --db m.db --as-of $asof "p_alive >= 0.5" | sed 1d >got &&
	test "$(sql m.db "SELECT count(*) FROM fits")" = 0 &&
	crm-predict --db m.db --as-of $asof fit >fit &&
	set -- $(sed -n "2,5p" fit | cut -d, -f3) &&
	awk -v r=$1 -v alpha=$2 -v a=$3 -v b=$4 -v h=90 \
	    -f "$SRC_DIR/tests/bgnbd.awk" sum |
	    awk -F, "\$2 >= 0.5 { print \$1 }" >want &&
	test $(wc -l <want) -gt 10 &&
	test_cmp want got
'

test_expect_success 'clv: CLV over 365 days at 10% a year, as crm-predict customers' '
	crm-predict --db m.db --as-of $asof --horizon 365 --discount 10 \
	    customers | awk -F, "NR > 1 && \$9 > 300 { print \$1 }" >want &&
	test $(wc -l <want) -gt 10 &&
	crm-segment --db m.db --as-of $asof "clv > 300" | sed 1d >got &&
	test_cmp want got &&
	crm-segment --db m.db --as-of $asof lost | sed 1d | sort >lost &&
	sort want | join - lost | sort -n >want2 &&
	test $(wc -l <want2) -gt 0 &&
	crm-segment --db m.db --as-of $asof "clv > 300 and lost" |
	    sed 1d >got && test_cmp want2 got
'

test_expect_success 'a customer who never bought has no model figures' '
	head -2 "$SRC_DIR/examples/qdm-members.csv" >m.csv &&
	crm-import -q --db m.db m.csv &&
	id=$(sql m.db "SELECT max(id) FROM customers") &&
	test -z "$(sql m.db "SELECT 1 FROM orders WHERE customer_id = $id")" &&
	crm-segment --db m.db --as-of $asof "p_alive < 2 or not p_alive < 2" |
	    grep -c "^$id\$" >got && echo 1 >want && test_cmp want got &&
	crm-segment --db m.db --as-of $asof "p_alive < 2" | grep -c "^$id\$" >got;
	echo 0 >want && test_cmp want got
'

test_expect_code 1 'p_alive wants a number' '
	crm-segment --db m.db --as-of $asof "p_alive < \"high\"" 2>err;
	rc=$?; cat err; grep -q "wants a number" err && exit $rc
'

test_expect_code 1 'too little data for the model: said, exit 1' '
	{ echo order_id,ordered_at,channel,status,account,phone,email,name,sku,product,category,quantity,unit_price
	  echo A1,2025-01-01 09:00,shop,completed,a,,,,S,P,C,1,100; } >few.csv &&
	crm-import -q --db few.db --tz UTC few.csv &&
	crm-segment --db few.db --as-of 2025-06-30 "churn_risk > 0.5" 2>err;
	rc=$?; cat err;
	grep -q "bought on a single day" err && exit $rc
'

# The lost rule (no purchase in more than 60 days: T - t_x > 60) and
# the model's P(alive) and expected purchase days in 90 days, by the
# stored fit, summed per group in awk.
test_expect_success 'report cycle --part model: the model next to the lost rule' '
	awk -F, "NR == FNR { p[\$1] = \$2; e[\$1] = \$3; next }
	    FNR > 1 { g = \$4 - \$3 > 60; n[g]++; al[g] += p[\$1] >= 0.5
	    ex[g] += e[\$1] }
	    END { printf \"lost,60,%d,%d,%.4f,%.2f\\n\", n[1], al[1], al[1] / n[1], ex[1]
	    printf \"not lost,60,%d,%d,%.4f,%.2f\\n\", n[0], al[0], al[0] / n[0], ex[0] }" \
	    model sum >want &&
	crm-report --db s.db --as-of $asof --lost-after 60 --part model \
	    cycle >out &&
	sed 1d out >got && test_cmp want got &&
	head -1 out >got &&
	echo rule,lost_after,customers,model_alive,model_alive_share,expected_purchases >want &&
	test_cmp want got
'

test_expect_code 1 'report cycle --part model covers everyone' '
	crm-report --db s.db --as-of $asof --channel shopee --part model cycle
'

cat >model.playbook <<'EOF'
playbook model
cap 1
seed 1
measure 30

step fading
    audience  everyone
    trigger   p_alive falls below 0.3
    template  miss-you
EOF

# Due: P(alive) below 0.3 as of the day and not below it the day before
# (T one day less), both by the stored fit of the day; a customer who
# bought on the day (t_x = T) is not due.
due_on() {
	crm-predict --db pb.db --as-of $1 summary >sum1 &&
	awk -v r=0.5 -v alpha=20 -v a=0.8 -v b=2.5 -v h=90 \
	    -f "$SRC_DIR/tests/bgnbd.awk" sum1 >today &&
	awk -F, "NR == 1 || \$3 < \$4 { print \$1 \",\" \$2 \",\" \$3 \",\" \$4 - (NR > 1) }" sum1 |
	    awk -v r=0.5 -v alpha=20 -v a=0.8 -v b=2.5 -v h=90 \
	    -f "$SRC_DIR/tests/bgnbd.awk" >yesterday &&
	awk -F, "NR == FNR { y[\$1] = \$2; next }
	    \$2 < 0.3 && (\$1 in y) && y[\$1] >= 0.3 { print \$1 }" \
	    yesterday today
}

test_expect_success 'playbook: p_alive falls below 0.3, by the fit of the day' '
	crm-playbook check model.playbook &&
	cp g.db pb.db &&
	for d in 2025-10-01 2025-12-01 2025-12-02; do
		crm-predict --db pb.db --as-of $d fit >/dev/null || return 1
	done &&
	sql pb.db "UPDATE fits SET p1 = 0.5, p2 = 20, p3 = 0.8, p4 = 2.5" &&
	due_on 2025-10-01 >want &&
	due_on 2025-12-01 >>want &&
	due_on 2025-12-02 >>want &&
	test $(wc -l <want) -ge 3 &&
	for d in 2025-10-01 2025-12-01 2025-12-02; do
		crm-playbook run --db pb.db --date $d model.playbook |
		    sed 1d | cut -d, -f1 || return 1
	done >got &&
	test_cmp want got
'

test_expect_code 1 'playbook: the level is between 0 and 1' '
	sed "s/below 0.3/below 1.5/" model.playbook >bad.playbook &&
	crm-playbook check bad.playbook 2>err;
	rc=$?; cat err; grep -q "bad.playbook:8: bad level .1.5." err &&
	exit $rc
'

test_expect_success 'playbook: too little data: the step is skipped, said' '
	crm-playbook run --db few.db --date 2025-06-30 model.playbook \
	    >out 2>err &&
	grep -q "step .fading.: no P(alive)" err &&
	test $(wc -l <out) = 1
'

test_done
