#!/bin/sh
# t5000-predict-cdnow.sh: crm-predict on the CDNOW sample (2,357
# customers of Fader, Hardie and Lee 2005), calibration to 1997-09-30 in
# weeks: the summary against the published summary files and against
# awk over the raw log, and the fits against the published estimates.
test_description='crm-predict on CDNOW'
. "$(dirname "$0")/test-lib.sh"

DIR="$SHARED/data/cdnow"
RAW="$DIR/CDNOW_sample.txt"

if ! [ -r "$RAW" ] || ! [ -r "$DIR/cdnow_customers_summary.csv" ]; then
	say "no $RAW: skipped"
	test_done
	exit 0
fi

# The sample as the plain format: one order per line, the sample id as
# the account, so customer ids follow the sample ids.
to_plain='BEGIN { print "order_id,ordered_at,channel,status,account,phone,email,name,sku,product,category,quantity,unit_price" }
$1 ~ /^[0-9]+$/ {
	printf "T%d,%s-%s-%s,cdnow,completed,%d,,,,CD,CD,music,1,%s\n", NR,
	    substr($3, 1, 4), substr($3, 5, 2), substr($3, 7, 2), $2, $5
}'

# Per customer from "id yyyymmdd dollars" lines in order: x, t_x, T in
# days to 1997-09-30 and the mean of the repeat days (same-day
# transactions summed; in cents, rounded half up), independently of
# crm-predict.
by_days='function day(s,  y, m, d) {
	y = substr(s, 1, 4) + 0; m = substr(s, 5, 2) + 0; d = substr(s, 7, 2) + 0
	if (m <= 2) { y--; m += 12 }
	return int(365.25 * (y + 4716)) + int(30.6001 * (m + 1)) + d
}
function out() {
	if (c == "") return
	m = x ? int((2 * rep + x) / (2 * x)) : 0
	printf "%d,%d,%d,%d,%d.%02d\n", c, x, last - first, end - first,
	    int(m / 100), m % 100
}
BEGIN { end = day("19970930") }
$2 > 19970930 { next }
$1 != c { out(); c = $1; first = last = day($2); x = 0; rep = 0; prev = $2 }
$2 != prev { x++; last = day($2); prev = $2 }
day($2) != first { rep += int($3 * 100 + 0.5) }
END { out() }'

# near FILE NAME WANT TOL: the value of NAME in fit output is within TOL.
near() {
	awk -F, -v n="$2" -v w="$3" -v t="$4" '$2 == n { seen = 1; d = $3 - w
	    if (d < 0) d = -d
	    if (d > t) { print n " = " $3 ", want " w " +- " t; bad = 1 } }
	    END { exit !(seen && !bad) }' "$1"
}
# printed FILE NAME FMT WANT: NAME's value printed with FMT is WANT.
printed() {
	awk -F, -v n="$2" -v f="$3" -v w="$4" '$2 == n { seen = 1
	    g = sprintf(f, $3); if (g != w) { print n " = " g ", want " w; bad = 1 } }
	    END { exit !(seen && !bad) }' "$1"
}

test_expect_success 'the sample imported, customer ids the sample ids' '
	tr -d "\r" <"$RAW" | awk "$to_plain" >s.csv &&
	test $(sed 1d s.csv | wc -l) -eq 6919 &&
	crm-import -q --db s.db s.csv &&
	test "$(sql s.db "SELECT count(*) FROM identities WHERE kind = '\''account'\''
	    AND CAST(value AS INTEGER) <> customer_id")" = 0
'

test_expect_success 'summary in weeks equals the published summary with spend' '
	crm-predict --db s.db --as-of 1997-09-30 --unit weeks summary >got &&
	head -1 got >hdr && echo "customer_id,x,t_x,T,mean_value" >want.hdr &&
	test_cmp want.hdr hdr &&
	tr -d "\r" <"$DIR/cdnow_customers_summary_with_transactions.csv" |
	    sed 1d | awk 1 >want &&
	sed 1d got >have && test $(wc -l <have) -eq 2357 &&
	test_cmp want have
'

test_expect_success 'summary in weeks equals the published frequency, recency, T' '
	sed 1d "$DIR/cdnow_customers_summary.csv" | tr -d "\r" |
	    awk -F, "{ printf \"%d,%d,%.2f,%.2f\n\", \$1, \$2, \$3, \$4 }" >want &&
	cut -d, -f1-4 have >have4 && test_cmp want have4
'

test_expect_success 'summary in days against awk over the raw log' '
	tr -d "\r" <"$RAW" | awk "\$1 ~ /^[0-9]+$/ { print \$2 + 0, \$3, \$5 }" |
	    awk "$by_days" >want &&
	crm-predict --db s.db --as-of 1997-09-30 summary | sed 1d >have &&
	test_cmp want have
'

# Estimates: the published ones were fitted to the summary files, whose
# t_x and T are weeks rounded to two decimals; the store gives exact
# days, which moves the fourth significant digit (fitted to the files
# themselves, tests/unit/predict_test.c gets the published digits).  So
# each estimate is checked to two units of its fourth digit, and the
# log-likelihood, which the rounding moves far less, to the digits
# printed.
test_expect_success 'BG/NBD: r 0.2426, alpha 4.4135, a 0.7929, b 2.4257, LL -9582.43' '
	crm-predict --db s.db --as-of 1997-09-30 --unit weeks --model bgnbd \
	    fit >fit &&
	near fit r 0.2426 0.0002 && near fit alpha 4.4135 0.002 &&
	near fit a 0.7929 0.0002 && near fit b 2.4257 0.002 &&
	printed fit log_likelihood %.2f -9582.43 &&
	printed fit customers %d 2357
'

test_expect_success 'Pareto/NBD: the independent fit, LL -9594.98' '
	crm-predict --db s.db --as-of 1997-09-30 --unit weeks --model pareto \
	    fit >fit &&
	near fit r 0.55315 0.0006 && near fit alpha 10.57633 0.011 &&
	near fit s 0.60625 0.0006 && near fit beta 11.67150 0.012 &&
	printed fit log_likelihood %.2f -9594.98
'

test_expect_success 'Gamma-Gamma: p 6.25, q 3.74, gamma 15.44, LL -4055.92' '
	crm-predict --db s.db --as-of 1997-09-30 --unit weeks --model gg \
	    fit >fit &&
	printed fit p %.2f 6.25 && printed fit q %.2f 3.74 &&
	printed fit gamma %.2f 15.44 &&
	printed fit log_likelihood %.2f -4055.92 &&
	printed fit customers %d 946
'

test_expect_success 'customer 1 (x 2, t_x 30.43, T 38.86): 1.226 purchases in 39 weeks' '
	crm-predict --db s.db --as-of 1997-09-30 --unit weeks --horizon 273 \
	    customers >cust &&
	test $(sed 1d cust | wc -l) -eq 2357 &&
	awk -F, "NR == 2 { printf \"%s,%s,%s,%.3f\n\", \$1, \$3, \$4, \$6 }" \
	    cust >got && echo "1,30.43,38.86,1.226" >want && test_cmp want got
'

test_expect_success 'check: the holdout purchases, per frequency class, as awk counts them' '
	tr -d "\r" <"$RAW" | awk "\$1 ~ /^[0-9]+$/ { print \$2 + 0, \$3 }" |
	    sort -u | awk "\$1 != c { c = \$1; n = 0 }
	    { if (\$2 <= 19970930) n++; else h[c]++; x[c] = n - 1 }
	    END { for (c in x) { k = x[c] > 7 ? 7 : x[c]; a[k] += h[c]; m[k]++ }
	      for (k = 0; k <= 7; k++) print (k == 7 ? \"7+\" : k) \",\" m[k] \",\" a[k] }" \
	    >want &&
	crm-predict --db s.db --as-of 1998-06-30 --unit weeks --holdout 273 \
	    --model bgnbd check >got.csv 2>err &&
	sed 1d got.csv | cut -d, -f1,2,5 >got && test_cmp want got &&
	test_cmp /dev/null err
'

test_expect_success 'check without --model says which it took, on stderr' '
	crm-predict --db s.db --as-of 1998-06-30 --unit weeks --holdout 273 \
	    --part total check >got 2>err &&
	test_grep "the best, checked below" err &&
	test $(wc -l <err) -eq 3 &&
	cut -d, -f1,2 got >have && printf "customers,actual\n2357,1882\n" >want &&
	test_cmp want have
'

test_done
