/*
 * predict_test.c: crm-predict's special functions and likelihoods
 * against values worked out independently (closed forms, and mpmath at
 * 30 digits: numerical integration of the Pareto/NBD term and the
 * BG/NBD likelihood as its two terms in full), the fits on the
 * published CDNOW summary against the published estimates, and a
 * million synthetic customers with x up to 5,000 and T up to 7,300
 * days fitted and scored without a NaN or an infinity.
 */
#include <math.h>
#include <stdlib.h>

#include "crm.h"
#include "predict/fit.h"
#include "predict/model.h"
#include "predict/special.h"
#include "predict/summary.h"
#include "unit.h"

#define NEAR(got, want, tol) do {					\
	double g_ = (got), w_ = (want);					\
	if (fabs(g_ - w_) <= (tol))					\
		unit_pass++;						\
	else {								\
		unit_fail++;						\
		printf("not ok %s:%d: %s = %.10g, want %.10g\n",	\
		    __FILE__, __LINE__, #got, g_, w_);			\
	}								\
} while (0)

static uint64_t seed = 7;

static double
unif(void)
{
	uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return ((z ^ (z >> 31)) >> 11) * (1.0 / 9007199254740992.0);
}

static void
special(void)
{
	double z;

	/* 2F1(1, 1; 2; z) = -log(1 - z) / z; 2F1(1/2, 1/2; 3/2; z) =
	 * asin(sqrt z) / sqrt z. */
	for (z = 0.1; z < 1; z += 0.2)
		NEAR(hyp2f1(1, 1, 2, z), -log1p(-z) / z, 1e-13);
	NEAR(hyp2f1(1, 1, 2, 0.999), -log(0.001) / 0.999, 1e-9);
	NEAR(hyp2f1(0.5, 0.5, 1.5, 0.64), asin(0.8) / 0.8, 1e-13);
	/* 2F1(a, b; b; z) = (1 - z)^-a, with a negative c's neighbour. */
	NEAR(hyp2f1(0.3, -0.7, -0.7, 0.5), pow(0.5, -0.3), 1e-12);
	NEAR(digamma(1), -0.57721566490153286, 1e-12);
	NEAR(digamma(0.5), -0.57721566490153286 - 2 * log(2), 1e-12);
	/* mpmath: log of the quadrature of (al+t)^-R (be+t)^-(S+1), over
	 * pieces where the integrand falls steeply. */
	NEAR(log_pnbd_integral(3, 0.2, 40.5, 0.7, 10, 500),
	    -108.992929507132, 1e-9);
	NEAR(log_pnbd_integral(0.2, 30, 4.5, 0.7, 0, INFINITY),
	    -1.40625683391848, 1e-9);
	/* z = 0.999 either way round: the continued fraction's side. */
	NEAR(log_pnbd_integral(0.01, 10, 1.6, 0.3, 0, 50),
	    0.245259847393292, 1e-11);
	NEAR(log_pnbd_integral(10, 0.01, 1.6, 0.3, 0, 50),
	    -1.29063651771993, 1e-11);
	CHECK(log_pnbd_integral(1, 2, 3, 4, 5, 5) == -INFINITY);
}

static void
likelihoods(void)
{
	static const double bg[4] = { 0.242593, 4.413532, 0.792886, 2.425752 };
	static const double pn[4] = { 0.5533, 10.578, 0.6061, 11.669 };
	static const double pn2[4] = { 0.9, 5.0, 0.5, 2.0 };
	static const double gg[3] = { 6.25, 3.74, 15.44 };
	double x = 2, tx = 30.43, T = 38.86, r = bg[0], al = bg[1];
	double a = bg[2], b = bg[3], direct;

	/* BG/NBD as the paper writes it, in plain arithmetic. */
	direct = log(exp(lgamma(a + b) + lgamma(b + x) - lgamma(b) -
	    lgamma(a + b + x)) * exp(lgamma(r + x) - lgamma(r)) *
	    pow(al, r) / pow(al + T, r + x) + exp(lgamma(a + b) +
	    lgamma(b + x - 1) - lgamma(b) - lgamma(a + b + x)) * a *
	    exp(lgamma(r + x) - lgamma(r)) * pow(al, r) /
	    pow(al + tx, r + x));
	NEAR(pd_ll_row(PD_BGNBD, bg, x, tx, T), direct, 1e-12);
	NEAR(pd_ll_row(PD_BGNBD, bg, 2, 30.43, 38.86), -9.45970085021012,
	    1e-10);
	NEAR(pd_ll_row(PD_BGNBD, bg, 0, 0, 38.86), -0.553807287755504, 1e-10);
	NEAR(pd_ll_row(PD_BGNBD, bg, 1, 1.71, 38.86), -4.47043801356362,
	    1e-10);
	NEAR(pd_ll_row(PD_BGNBD, bg, 29, 38.57, 38.86), -44.4583689152158,
	    1e-9);
	NEAR(pd_ll_row(PD_PARETO, pn, 2, 30.43, 38.86), -9.55412996081621,
	    1e-9);
	NEAR(pd_ll_row(PD_PARETO, pn, 0, 0, 38.86), -0.521267068568038, 1e-9);
	NEAR(pd_ll_row(PD_PARETO, pn, 26, 30.86, 31), -39.1307165906413,
	    1e-9);
	NEAR(pd_ll_row(PD_PARETO, pn, 3, 5, 60), -9.84323079351437, 1e-9);
	NEAR(pd_ll_row(PD_PARETO, pn2, 2, 30.43, 38.86), -10.3307918489142,
	    1e-9);
	NEAR(pd_ll_row(PD_PARETO, pn2, 7, 3, 100), -9.61849999256646, 1e-9);

	/* Published: Fader, Hardie and Lee (2005) and the notes. */
	NEAR(pd_uncond(PD_BGNBD, bg, 1), 0.0532, 0.00005);
	NEAR(pd_uncond(PD_BGNBD, bg, 3), 0.1506, 0.00005);
	NEAR(pd_uncond(PD_BGNBD, bg, 32), 1.0437, 0.00005);
	/* 1.8576 is printed for t = 78; 2F1 by mpmath gives 1.857972. */
	NEAR(pd_uncond(PD_BGNBD, bg, 78), 1.857972, 0.000001);
	/* P(X(39) = 0) = 0.5738 with the paper's three-decimal estimates. */
	{
		static const double bg3[4] = { 0.243, 4.414, 0.793, 2.426 };

		NEAR(pd_uncond_none(PD_BGNBD, bg3, 39), 0.5738, 0.00005);
	}
	NEAR(pd_expected(PD_BGNBD, bg, 2, 30.43, 38.86, 39), 1.226, 0.0005);
	NEAR(pd_palive(PD_PARETO, pn, 26, 30.86, 31), 0.9979, 0.00005);
	NEAR(pd_expected(PD_PARETO, pn, 26, 30.86, 31, 52), 25.46, 0.005);
	/* Gamma-Gamma: E[M] = p (gamma + x m) / (p x + q - 1). */
	NEAR(pd_gg_mean(gg, 2, 22.35), 6.25 * (15.44 + 44.7) / (12.5 + 2.74),
	    1e-12);
	/* P(none in t) for a BG/NBD customer: 1 - P + P (al/(al+t))^r... */
	NEAR(pd_p_none(PD_BGNBD, bg, 0, 0, 0, 39),
	    pow(al / (al + 39), r), 1e-12);
	/* ...and Pareto/NBD's, which tends to 1 - P(alive) E[lambda/(...)]. */
	CHECK(pd_p_none(PD_PARETO, pn, 2, 30.43, 38.86, 52) >
	    1 - pd_palive(PD_PARETO, pn, 2, 30.43, 38.86));
	/* Gradients against central differences. */
	{
		struct pd_row v[3] = { { 2, 30.43, 38.86, 3 },
		    { 0, 0, 38.86, 5 }, { 29, 38.57, 38.86, 1 } };
		double g[4], p[4], h = 1e-6, num;
		int m, i;

		for (m = PD_BGNBD; m <= PD_MBGNBD; m++) {
			pd_ll_grad(m, bg, v, 3, g);
			NEAR(pd_ll_grad(m, bg, v, 3, g), pd_ll(m, bg, v, 3),
			    1e-9);
			for (i = 0; i < 4; i++) {
				memcpy(p, bg, sizeof(p));
				p[i] += h;
				num = pd_ll(m, p, v, 3);
				p[i] -= 2 * h;
				num = (num - pd_ll(m, p, v, 3)) / (2 * h);
				NEAR(g[i], num, 1e-5);
			}
		}
	}
}

/* Rows of a summary CSV: id, x, t_x, T[, zbar]. */
static int
load_cdnow(const char *path, struct pd_row **rows, size_t *nr,
    struct pd_spend **sp, size_t *ns)
{
	FILE *fp = fopen(path, "r");
	char line[256];
	double x, tx, T, z;
	int k;

	if (fp == NULL)
		return -1;
	*rows = xmalloc(4000 * sizeof(**rows));
	*sp = xmalloc(4000 * sizeof(**sp));
	*nr = *ns = 0;
	fgets(line, sizeof(line), fp);
	while (fgets(line, sizeof(line), fp) != NULL && *nr < 4000) {
		k = sscanf(line, "%*d,%lf,%lf,%lf,%lf", &x, &tx, &T, &z);
		if (k < 3)
			continue;
		(*rows)[*nr].x = x;
		(*rows)[*nr].tx = tx;
		(*rows)[*nr].T = T;
		(*rows)[(*nr)++].w = 1;
		if (k == 4 && x > 0) {
			(*sp)[*ns].x = x;
			(*sp)[*ns].m = z;
			(*sp)[(*ns)++].w = 1;
		}
	}
	fclose(fp);
	return 0;
}

static int
by_x(const void *a, const void *b)
{
	const struct pd_row *p = a, *q = b;

	return p->x < q->x ? -1 : p->x > q->x;
}

static void
cdnow(void)
{
	const char *dir = getenv("SHARED") ? getenv("SHARED") : "../shared";
	struct pd_row *rows;
	struct pd_spend *sp;
	struct pd_fit f;
	char path[512];
	size_t nr, ns;

	snprintf(path, sizeof(path), "%s/data/cdnow/"
	    "cdnow_customers_summary_with_transactions.csv", dir);
	if (load_cdnow(path, &rows, &nr, &sp, &ns) != 0) {
		printf("# no %s: the CDNOW fits skipped\n", path);
		return;
	}
	CHECK_INT(nr, 2357);
	CHECK_INT(ns, 946);
	qsort(rows, nr, sizeof(*rows), by_x);
	/*
	 * The published estimates were fitted to these very rows (t_x and T
	 * in weeks to two decimals), so they must come out to the printed
	 * digits: half a unit of the last one, and the log-likelihood to
	 * 0.005.
	 */
	CHECK(pd_fit_tx(PD_BGNBD, rows, nr, &f) == 0);
	NEAR(f.par[0], 0.242593, 0.000005);
	NEAR(f.par[1], 4.413532, 0.00005);
	NEAR(f.par[2], 0.792886, 0.000005);
	NEAR(f.par[3], 2.425752, 0.00005);
	NEAR(f.ll, -9582.43, 0.005);
	/*
	 * Pareto/NBD: the published log-likelihood (-9594.98, from exact
	 * days: t5000-predict) is -9594.974 on these rounded rows at the
	 * published estimates; the fit finds a point at least as good, near the
	 * independent fit (0.55315, 10.57633, 0.60625, 11.67150): the
	 * surface is flat in beta, so to a thousandth of each there.
	 */
	{
		static const double pub[4] = { 0.5533, 10.578, 0.6061, 11.669 };
		double lp = pd_ll(PD_PARETO, pub, rows, nr);

		NEAR(lp, -9594.974, 0.0005);
		CHECK(pd_fit_tx(PD_PARETO, rows, nr, &f) == 0);
		CHECK(f.ll >= lp - 1e-9);
		NEAR(f.ll, -9594.98, 0.01);
		NEAR(f.par[0] / 0.55315, 1, 0.001);
		NEAR(f.par[1] / 10.57633, 1, 0.001);
		NEAR(f.par[2] / 0.60625, 1, 0.001);
		NEAR(f.par[3] / 11.67150, 1, 0.001);
	}
	/* Gamma-Gamma on the two-decimal means: lifetimes' 6.25, 3.74,
	 * 15.45 (the exact means give Hardie's 15.44: t5000-predict). */
	CHECK(pd_fit_gg(sp, ns, &f) == 0);
	NEAR(f.par[0], 6.25, 0.005);
	NEAR(f.par[1], 3.74, 0.005);
	NEAR(f.par[2], 15.45, 0.005);
	NEAR(f.ll, -4055.92, 0.01);
	free(rows);
	free(sp);
}

/*
 * A million customers over twenty years, x up to 5,000: histories on a
 * grid of weeks (so the distinct rows stay few), compressed as
 * crm-predict compresses them, then fitted and scored.
 */
static void
synthetic(void)
{
	struct pd_hist h = { 0 };
	struct pd_row *rows;
	struct pd_fit f;
	static const double pn[4] = { 0.6, 400, 0.5, 3000 };
	double lam, bad = 0, ok = 0, v[6];
	int64_t T, tx, x;
	size_t i;
	long c;
	int m, k;

	for (c = 0; c < 1000000; c++) {
		T = 28 * (int64_t)(unif() * 261);
		lam = c % 1000 == 0 ? 0.7 : 0.02 * -log(unif() + 1e-300);
		x = (int64_t)(lam * (double)T * unif());
		x = x > 5000 ? 5000 : x > T ? T : x;
		if (x > 40)		/* fewer distinct rows: a faster test */
			x -= x % (x > 1000 ? 500 : 20);
		tx = x == 0 ? 0 : T - 91 * (int64_t)(unif() * (double)(T / 91) *
		    (1 - (double)x / ((double)x + 3)));
		if (c == 0) {
			x = 5000;
			tx = T = 7300;
		}
		pd_hist_add(&h, pd_key(x, tx, T), 0);
	}
	CHECK(h.n < 100000);
	rows = pd_rows(&h, 1, NULL);
	CHECK(rows[h.n - 1].x == 5000);
	CHECK(pd_fit_tx(PD_BGNBD, rows, h.n, &f) == 0);
	for (k = 0; k < 4; k++)
		CHECK(isfinite(f.par[k]) && f.par[k] > 0);
	CHECK(isfinite(f.ll));
	for (m = PD_BGNBD; m <= PD_PARETO; m++) {
		const double *p = m == PD_PARETO ? pn : f.par;

		CHECK(isfinite(pd_ll(m, p, rows, h.n)));
		for (i = 0; i < h.n; i += m == PD_PARETO ? 7 : 1) {
			v[0] = pd_palive(m, p, rows[i].x, rows[i].tx, rows[i].T);
			v[1] = pd_expected(m, p, rows[i].x, rows[i].tx,
			    rows[i].T, 365);
			v[2] = pd_p_none(m, p, rows[i].x, rows[i].tx, rows[i].T,
			    365);
			v[3] = pd_discounted(m, p, rows[i].x, rows[i].tx,
			    rows[i].T, 365, 0.0003);
			v[4] = pd_next_wait(p, rows[i].x, rows[i].T);
			v[5] = pd_ll_row(m, p, rows[i].x, rows[i].tx, rows[i].T);
			for (k = 0; k < 6; k++) {
				if (!isfinite(v[k]) || (k < 3 && v[k] < 0) ||
				    (k != 1 && k < 3 && v[k] > 1 + 1e-12))
					bad++;
				else
					ok++;
			}
		}
	}
	CHECK(bad == 0);
	CHECK(ok > 0);
	printf("# synthetic: %zu distinct rows of 1000000 customers; "
	    "BG/NBD r %.4f alpha %.2f a %.4f b %.4f\n", h.n, f.par[0],
	    f.par[1], f.par[2], f.par[3]);
	free(rows);
	pd_hist_free(&h);
}

int
main(void)
{
	special();
	likelihoods();
	cdnow();
	synthetic();
	return unit_done();
}
