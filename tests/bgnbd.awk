# bgnbd.awk: BG/NBD's per-customer figures from its parameters, for the
# tests, worked from Fader, Hardie and Lee (2005) apart from the C code:
# reads crm-predict summary rows (customer_id,x,t_x,T in days) and
# writes customer_id,p_alive,expected,p_none over the next h days.
#   L1 = (alpha + T)^-(r + x), L2 = [x > 0] a / (b + x - 1) (alpha + t_x)^-(r + x)
#   P(alive) = L1 / (L1 + L2)
#   P(none in h) = ((alpha + T + h)^-(r + x) + L2) / (L1 + L2)
#   E[Y(h)] = (a + b + x - 1) / (a - 1) (1 - ((alpha + T) / (alpha + T + h))^(r + x)
#       2F1(r + x, b + x; a + b + x - 1; h / (alpha + T + h))) P(alive)
# with 2F1 summed as its series until the terms vanish.  -v r= alpha= a=
# b= h=.
function f21(p, q, c, z,    s, t, k) {
	s = 1
	t = 1
	for (k = 0; k < 100000; k++) {
		t *= (p + k) * (q + k) / ((c + k) * (k + 1)) * z
		s += t
		if (t < 1e-15 * s)
			break
	}
	return s
}
BEGIN { FS = "," }
NR > 1 {
	x = $2; tx = $3; T = $4
	l1 = 1
	l2 = x > 0 ? a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ^ (r + x) : 0
	palive = l1 / (l1 + l2)
	pnone = (((alpha + T) / (alpha + T + h)) ^ (r + x) + l2) / (l1 + l2)
	g = f21(r + x, b + x, a + b + x - 1, h / (alpha + T + h))
	e = (a + b + x - 1) / (a - 1) * palive * \
	    (1 - ((alpha + T) / (alpha + T + h)) ^ (r + x) * g)
	printf "%s,%.10f,%.10f,%.10f\n", $1, palive, e, pnone
}
