/*
 * special.c: 2F1 and the Pareto/NBD integral, in log space.
 */
#include <math.h>

#include "predict/special.h"

#define SERIES_MAX	200000	/* terms before the tail is estimated */
#define SERIES_EPS	1e-16

double
logaddexp(double a, double b)
{
	if (a == -INFINITY)
		return b;
	if (b == -INFINITY)
		return a;
	if (a < b)
		return b + log1p(exp(a - b));
	return a + log1p(exp(b - a));
}

double
logsubexp(double a, double b)
{
	if (b == -INFINITY)
		return a;
	if (b >= a)
		return -INFINITY;
	return a + log1p(-exp(b - a));
}

/*
 * The series, its terms rescaled (a power of e kept apart) so that
 * large terms never overflow; returns log|F| and sets *sign.
 */
double
log_hyp2f1(double A, double B, double C, double z, int *sign)
{
	double t = 1, sum = 1, ls = 0, rho, tail;
	double past = fmax(0, fmax(-A, -B));
	long n;

	*sign = 1;
	if (z == 0)
		return 0;
	for (n = 0; n < SERIES_MAX; n++) {
		rho = (A + n) * (B + n) / ((C + n) * (n + 1)) * z;
		t *= rho;
		sum += t;
		if (fabs(sum) > 1e200 || fabs(t) > 1e200) {
			ls += log(1e200);
			sum /= 1e200;
			t /= 1e200;
		}
		if (t == 0)
			break;
		/* Past the sign changes the terms keep one sign and the
		 * ratio tends to z from one side: what is left is about
		 * t rho / (1 - rho). */
		if (n > past + 1 && fabs(rho) < 1) {
			tail = fabs(t) * fmax(fabs(rho), z) /
			    (1 - fmax(fabs(rho), z));
			if (tail < SERIES_EPS * fabs(sum))
				break;
		}
	}
	if (n == SERIES_MAX) {
		rho = (A + n) * (B + n) / ((C + n) * (n + 1)) * z;
		if (rho < 1 && rho > 0)
			sum += t * rho / (1 - rho);
	}
	if (sum < 0) {
		*sign = -1;
		sum = -sum;
	}
	return ls + log(sum);
}

double
hyp2f1(double A, double B, double C, double z)
{
	int sign;
	double l = log_hyp2f1(A, B, C, z, &sign);

	return sign * exp(l);
}

/*
 * log G(u), G(u) = u^a 2F1(a, k; a + 1; d u) / a, through
 * 2F1(a, k; a + 1; z) = (1 - z)^(1 - k) 2F1(1, a + 1 - k; a + 1; z),
 * whose terms (a + 1 - k)_n / (a + 1)_n z^n are positive and fall.
 */
/*
 * 2F1(1, b; c; z) = 2F1(b, 1; c; z) for 0 <= z < 1, c > b > 0: the
 * series while z is small; near 1, where the series needs thousands of
 * terms, Gauss's continued fraction for F(a, b+1; c+1; z) / F(a, b; c; z)
 * with b = 0, evaluated by Lentz's method: all its partial numerators
 * are negative (a Stieltjes fraction), so it converges, and fast.
 */
static double
f1(double b, double c, double z)
{
	double t = 1, sum = 1, rho = 0, f, C, D, k, delta, cg = c - 1;
	long n, j;

	if (z <= 0.5) {
		for (n = 0; n < SERIES_MAX && z > 0; n++) {
			rho = (b + n) / (c + n) * z;
			t *= rho;
			sum += t;
			if (t * z / (1 - z) < SERIES_EPS * sum)
				break;
		}
		return sum;
	}
	f = C = 1;
	D = 0;
	for (j = 1; j < SERIES_MAX; j++) {
		n = (j - 1) / 2;
		if (j % 2)
			k = (b + n) * (cg + n) / ((cg + 2 * n) * (cg + 2 * n + 1));
		else
			k = (n + 1) * (cg - b + n + 1) / ((cg + 2 * n + 1) *
			    (cg + 2 * n + 2));
		D = 1 - k * z * D;
		if (D == 0)
			D = 1e-300;
		C = 1 - k * z / C;
		if (C == 0)
			C = 1e-300;
		D = 1 / D;
		delta = C * D;
		f *= delta;
		if (fabs(delta - 1) < SERIES_EPS)
			break;
	}
	return 1 / f;
}

static double
log_g(double u, double a, double k, double d)
{
	double z = d * u;

	if (u == 0)
		return -INFINITY;
	return a * log(u) - log(a) + (1 - k) * log1p(-z) +
	    log(f1(a + 1 - k, a + 1, z));
}

double
log_pnbd_integral(double alpha, double beta, double R, double S,
    double lo, double hi)
{
	double m, d, k, a = R + S;

	if (!(hi > lo))
		return -INFINITY;
	if (alpha >= beta) {
		m = alpha;
		d = alpha - beta;
		k = S + 1;
	} else {
		m = beta;
		d = beta - alpha;
		k = R;
	}
	return logsubexp(log_g(1 / (m + lo), a, k, d),
	    isinf(hi) ? -INFINITY : log_g(1 / (m + hi), a, k, d));
}

double
digamma(double x)
{
	double r = 0, f;

	while (x < 10) {
		r -= 1 / x;
		x += 1;
	}
	f = 1 / (x * x);
	return r + log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 -
	    f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
}
