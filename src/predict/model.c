/*
 * model.c: likelihoods and per-customer expressions of the models.
 * Everything is worked in log space; a quantity that must be a
 * probability is kept in [0, 1].
 */
#include <math.h>
#include <string.h>

#include "predict/model.h"
#include "predict/special.h"

const struct pd_model_info pd_models[PD_NMODELS] = {
	{ "bgnbd", "BG/NBD", 4, { "r", "alpha", "a", "b" } },
	{ "mbgnbd", "MBG/NBD", 4, { "r", "alpha", "a", "b" } },
	{ "pareto", "Pareto/NBD", 4, { "r", "alpha", "s", "beta" } },
	{ "gg", "Gamma-Gamma", 3, { "p", "q", "gamma" } }
};

int
pd_model_byname(const char *name)
{
	int i;

	for (i = 0; i < PD_NMODELS; i++)
		if (strcmp(name, pd_models[i].name) == 0)
			return i;
	return -1;
}

/* The terms of a log-likelihood that depend on x only. */
struct xterms {
	double	 x, c;
};

static void
xterms(enum pd_model m, const double *p, double x, struct xterms *k)
{
	double r = p[0], al = p[1], a = p[2], b = p[3];

	k->x = x;
	k->c = lgamma(r + x) - lgamma(r) + r * log(al);
	switch (m) {
	case PD_BGNBD:
		k->c += lgamma(a + b) + lgamma(b + x) - lgamma(b) -
		    lgamma(a + b + x);
		break;
	case PD_MBGNBD:
		k->c += lgamma(a + b) + lgamma(b + x + 1) - lgamma(b) -
		    lgamma(a + b + x + 1);
		break;
	default:
		k->c += p[2] * log(p[3]);	/* s log beta */
		break;
	}
}

static double
ll_rest(enum pd_model m, const double *p, double x, double tx, double T)
{
	double r = p[0], al = p[1], a = p[2], b = p[3], s, be;

	switch (m) {
	case PD_BGNBD:
		return logaddexp(-(r + x) * log(al + T), x > 0 ?
		    log(a) - log(b + x - 1) - (r + x) * log(al + tx) :
		    -INFINITY);
	case PD_MBGNBD:
		return -(r + x) * log(al + T) + logaddexp(0, log(a) -
		    log(b + x) + (r + x) * (log(al + T) - log(al + tx)));
	default:
		s = p[2];
		be = p[3];
		return logaddexp(-(r + x) * log(al + T) - s * log(be + T),
		    log(s) + log_pnbd_integral(al, be, r + x, s, tx, T));
	}
}

double
pd_ll_row(enum pd_model m, const double *p, double x, double tx, double T)
{
	struct xterms k;

	xterms(m, p, x, &k);
	return k.c + ll_rest(m, p, x, tx, T);
}

double
pd_ll(enum pd_model m, const double *p, const struct pd_row *v, size_t n)
{
	struct xterms k;
	double sum = 0, l;
	size_t i;

	k.x = -1;
	for (i = 0; i < n; i++) {
		if (v[i].x != k.x)
			xterms(m, p, v[i].x, &k);
		l = k.c + ll_rest(m, p, v[i].x, v[i].tx, v[i].T);
		if (!isfinite(l))
			return -INFINITY;
		sum += v[i].w * l;
	}
	return sum;
}

/*
 * BG/NBD: LL = C(x) + log(e^A3 + e^A4), A3 = -(r+x) log(al+T),
 * A4 = log a - log(b+x-1) - (r+x) log(al+t_x) when x > 0; with w the
 * weight of A4, the derivatives are those of C plus w times A4's and
 * (1 - w) times A3's.  MBG/NBD: LL = C'(x) + A3 + log(1 + e^A4'),
 * A4' = log a - log(b+x) + (r+x)(log(al+T) - log(al+t_x)).
 */
double
pd_ll_grad(enum pd_model m, const double *p, const struct pd_row *v,
    size_t n, double *g)
{
	double r = p[0], al = p[1], a = p[2], b = p[3], x = -1;
	double c = 0, cr = 0, ca = 0, cb = 0, lat, latx, a3, a4, w, l, rx;
	double sum = 0, lga = log(a), lal = log(al), ww;
	double gab = lgamma(a + b) - lgamma(b) - lgamma(r), pab = digamma(a + b);
	double pr = digamma(r), pb = digamma(b), lbx = 0, one = m == PD_MBGNBD;
	size_t i;

	g[0] = g[1] = g[2] = g[3] = 0;
	for (i = 0; i < n; i++) {
		if (v[i].x != x) {
			x = v[i].x;
			rx = r + x;
			c = lgamma(rx) + r * lal + gab + lgamma(b + x + one) -
			    lgamma(a + b + x + one);
			cr = digamma(rx) - pr + lal;
			ca = pab - digamma(a + b + x + one);
			cb = pab + digamma(b + x + one) - pb -
			    digamma(a + b + x + one);
			lbx = log(b + x + one - 1);
		}
		rx = r + x;
		ww = v[i].w;
		lat = log(al + v[i].T);
		latx = log(al + v[i].tx);
		if (m == PD_BGNBD) {
			a3 = -rx * lat;
			if (x > 0) {
				a4 = lga - lbx - rx * latx;
				l = logaddexp(a3, a4);
				w = exp(a4 - l);
			} else {
				l = a3;
				w = 0;
			}
			g[0] += ww * (cr - (1 - w) * lat - w * latx);
			g[1] += ww * (r / al - rx * ((1 - w) / (al + v[i].T) +
			    w / (al + v[i].tx)));
			g[2] += ww * (ca + w / a);
			g[3] += ww * (cb - w / (b + x - 1 + (x == 0)));
		} else {
			a4 = lga - lbx + rx * (lat - latx);
			l = -rx * lat + logaddexp(0, a4);
			w = a4 > 0 ? 1 / (1 + exp(-a4)) : exp(a4) / (1 + exp(a4));
			g[0] += ww * (cr - lat + w * (lat - latx));
			g[1] += ww * (r / al - rx / (al + v[i].T) + w * rx *
			    (1 / (al + v[i].T) - 1 / (al + v[i].tx)));
			g[2] += ww * (ca + w / a);
			g[3] += ww * (cb - w / (b + x));
		}
		l += c;
		if (!isfinite(l))
			return -INFINITY;
		sum += ww * l;
	}
	return sum;
}

double
pd_gg_ll_grad(const double *p, const struct pd_spend *v, size_t n,
    double *g)
{
	double q = p[1], ga = p[2], x = -1, px = 0, c = 0, lq = 0, dpx = 0;
	double sum = 0, lm, lgm, l, ww, pq = digamma(q), lga = log(ga);
	size_t i;

	g[0] = g[1] = g[2] = 0;
	for (i = 0; i < n; i++) {
		if (v[i].x != x) {
			x = v[i].x;
			px = p[0] * x;
			c = lgamma(px + q) - lgamma(px) - lgamma(q) + q * lga +
			    px * log(x);
			lq = digamma(px + q);
			dpx = lq - digamma(px) + log(x);
		}
		ww = v[i].w;
		lm = log(v[i].m);
		lgm = log(ga + x * v[i].m);
		l = c + (px - 1) * lm - (px + q) * lgm;
		if (!isfinite(l))
			return -INFINITY;
		sum += ww * l;
		g[0] += ww * x * (dpx + lm - lgm);
		g[1] += ww * (lq - pq + lga - lgm);
		g[2] += ww * (q / ga - (px + q) / (ga + x * v[i].m));
	}
	return sum;
}

double
pd_gg_ll_row(const double *p, double x, double m)
{
	double px = p[0] * x, q = p[1], g = p[2];

	return lgamma(px + q) - lgamma(px) - lgamma(q) + q * log(g) +
	    (px - 1) * log(m) + px * log(x) - (px + q) * log(g + x * m);
}

double
pd_gg_ll(const double *p, const struct pd_spend *v, size_t n)
{
	double sum = 0, l, x = -1, c = 0, px, q = p[1], g = p[2];
	size_t i;

	for (i = 0; i < n; i++) {
		px = p[0] * v[i].x;
		if (v[i].x != x) {
			x = v[i].x;
			c = lgamma(px + q) - lgamma(px) - lgamma(q) +
			    q * log(g) + px * log(x);
		}
		l = c + (px - 1) * log(v[i].m) - (px + q) *
		    log(g + v[i].x * v[i].m);
		if (!isfinite(l))
			return -INFINITY;
		sum += v[i].w * l;
	}
	return sum;
}

/* log of the odds of having dropped out against being alive. */
static double
log_odds_gone(enum pd_model m, const double *p, double x, double tx,
    double T)
{
	double r = p[0], al = p[1], a = p[2], b = p[3];

	switch (m) {
	case PD_BGNBD:
		if (x == 0)
			return -INFINITY;
		return log(a) - log(b + x - 1) + (r + x) * (log(al + T) -
		    log(al + tx));
	case PD_MBGNBD:
		return log(a) - log(b + x) + (r + x) * (log(al + T) -
		    log(al + tx));
	default:
		return log(a) + (r + x) * log(al + T) + a * log(b + T) +
		    log_pnbd_integral(al, b, r + x, a, tx, T);
	}
}

double
pd_palive(enum pd_model m, const double *p, double x, double tx, double T)
{
	double l = log_odds_gone(m, p, x, tx, T);

	return l > 0 ? exp(-l) / (1 + exp(-l)) : 1 / (1 + exp(l));
}

/* (1 - e^(-k L)) / k, and its limit L as k goes to 0. */
static double
one_minus_pow(double k, double L)
{
	if (fabs(k) < 1e-12)
		return L;
	return -expm1(-k * L) / k;
}

double
pd_expected(enum pd_model m, const double *p, double x, double tx,
    double T, double t)
{
	double r = p[0], al = p[1], a = p[2], b = p[3], z, c, v, lf, e;
	int sign;

	if (t <= 0)
		return 0;
	if (m == PD_PARETO)
		return pd_palive(m, p, x, tx, T) * (r + x) * (b + T) /
		    (al + T) * one_minus_pow(a - 1, log1p(t / (b + T)));
	z = t / (al + T + t);
	if (fabs(a - 1) < 1e-9)		/* removable: keep off it */
		a = a < 1 ? 1 - 1e-9 : 1 + 1e-9;
	/* BG/NBD: ((al+T)/(al+T+t))^(r+x) 2F1(r+x, b+x; c; z), and
	 * MBG/NBD the same with b+x+1: Euler-transformed, both are
	 * (1-z)^(a-1) 2F1(c-r-x, a-1; c; z), a series that converges
	 * fast when x is large. */
	c = m == PD_BGNBD ? a + b + x - 1 : a + b + x;
	lf = log_hyp2f1(c - r - x, a - 1, c, z, &sign);
	v = (a - 1) * log1p(-z) + lf;
	e = sign > 0 ? -expm1(v) : 1 + exp(v);
	return c / (a - 1) * e * pd_palive(m, p, x, tx, T);
}

double
pd_p_none(enum pd_model m, const double *p, double x, double tx,
    double T, double t)
{
	double r = p[0], al = p[1], s = p[2], be = p[3], pa, q;

	pa = pd_palive(m, p, x, tx, T);
	q = (r + x) * (log(al + T) - log(al + T + t));
	if (m == PD_PARETO) {
		/* Alive at T, lambda ~ Gamma(r+x, al+T) and mu ~
		 * Gamma(s, be+T) apart: no purchase before dropping out
		 * or before T + t. */
		q = logaddexp(q + s * (log(be + T) - log(be + T + t)),
		    log(s) + (r + x) * log(al + T) + s * log(be + T) +
		    log_pnbd_integral(al, be, r + x, s, T, T + t));
	}
	q = exp(q);
	return fmin(1, 1 - pa + pa * fmin(1, q));
}

double
pd_uncond(enum pd_model m, const double *p, double t)
{
	return pd_expected(m, p, 0, 0, 0, t);
}

double
pd_uncond_none(enum pd_model m, const double *p, double t)
{
	return pd_p_none(m, p, 0, 0, 0, t);
}

double
pd_next_wait(const double *p, double x, double T)
{
	return (p[1] + T) * expm1(log(2) / (p[0] + x));
}

#define SIMPSON_N	16	/* intervals: E(t) is smooth and concave */

double
pd_discounted(enum pd_model m, const double *p, double x, double tx,
    double T, double h, double delta)
{
	double sum = 0, t, f, step = h / SIMPSON_N, eh = 0;
	int i;

	if (h <= 0)
		return 0;
	for (i = 1; i <= SIMPSON_N; i++) {
		t = i * step;
		f = pd_expected(m, p, x, tx, T, t);
		if (i == SIMPSON_N)
			eh = f;
		f *= exp(-delta * t);
		sum += (i == SIMPSON_N ? 1 : i % 2 ? 4 : 2) * f;
	}
	/* By parts: e^(-dh) E(h) + d * integral of e^(-dt) E(t). */
	return exp(-delta * h) * eh + delta * sum * step / 3;
}

double
pd_gg_mean(const double *p, double x, double m)
{
	return p[0] * (p[2] + x * m) / (p[0] * x + p[1] - 1);
}
