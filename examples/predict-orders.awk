# predict-orders.awk: orders from the process crm-predict(1) models, for
# its examples and tests: N customers (-v n=, default 1000) make their
# first purchase in the first four months of 2025; each then buys at a
# rate of its own (gamma distributed, a purchase every 30 days on
# average) and, after each purchase, drops out for good with a chance of
# its own (15% to 45%), until 2026-06-30.  A customer spends around an
# amount of its own; one order in twenty is cancelled.  Random numbers
# come from a Park-Miller generator (-v seed=, default 1), the same in
# every awk.  Writes crm-import's plain format.
function rnd() {
	seed = (seed * 16807) % 2147483647
	return seed / 2147483647
}
# Days since 1970-01-01 to YYYY-MM-DD (H. Hinnant's civil_from_days).
function civil(z,    era, doe, yoe, y, doy, mp, d, m) {
	z += 719468
	era = int(z / 146097)
	doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
	y = yoe + era * 400
	doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153)
	d = doy - int((153 * mp + 2) / 5) + 1
	m = mp < 10 ? mp + 3 : mp - 9
	return sprintf("%04d-%02d-%02d", y + (m <= 2), m, d)
}
function order(c, day, amount) {
	k++
	printf "P%06d,%s 12:00:00,shopee,%s,c%05d,,,,SKU-1,Tea,Food,1,%d\n",
	    k, civil(day), rnd() < 0.05 ? "cancelled" : "completed", c, amount
}
BEGIN {
	if (n == "")
		n = 1000
	if (seed == "")
		seed = 1
	start = 20089		# 2025-01-01
	end = 20634		# 2026-06-30
	print "order_id,ordered_at,channel,status,account,phone,email,name,sku,product,category,quantity,unit_price"
	for (c = 1; c <= n; c++) {
		t = start + int(rnd() * 120)
		lambda = (-log(rnd()) - log(rnd())) / 60
		p = 0.15 + 0.3 * rnd()
		base = 200 + int(rnd() * 1800)
		for (;;) {
			order(c, int(t), base * (0.6 + 0.8 * rnd()))
			if (rnd() < p)
				break
			t += -log(rnd()) / lambda
			if (t >= end + 1)
				break
		}
	}
}
