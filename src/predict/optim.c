/*
 * optim.c: Nelder-Mead with restarts, and the numeric Hessian.
 */
#include <math.h>
#include <string.h>

#include "predict/optim.h"

#define NM_MAXITER	4000	/* steps in one run */
#define NM_RESTARTS	12	/* runs after the first, at most */
#define NM_FTOL		1e-11	/* relative spread of the simplex values */
#define NM_XTOL		1e-7	/* its size, in log-parameters */

struct nm {
	opt_fn	 f;
	void	*arg;
	int	 n, evals;
};

static double
eval(struct nm *s, const double *x)
{
	double v = s->f(x, s->arg);

	s->evals++;
	return isfinite(v) ? v : INFINITY;
}

/* One Nelder-Mead run from x0 with initial steps of step; 1: converged. */
static int
nm_run(struct nm *s, double *x0, double *f0, double step, int *iter)
{
	double p[OPT_MAXP + 1][OPT_MAXP], fv[OPT_MAXP + 1];
	double c[OPT_MAXP], xr[OPT_MAXP], xe[OPT_MAXP], fr, fe, fc, t;
	double xc[OPT_MAXP], size;
	int n = s->n, i, j, k, lo, hi, nh;

	for (i = 0; i <= n; i++) {
		memcpy(p[i], x0, n * sizeof(double));
		if (i > 0)
			p[i][i - 1] += step;
		fv[i] = i == 0 ? *f0 : eval(s, p[i]);
	}
	for (k = 0; k < NM_MAXITER; k++) {
		lo = hi = 0;
		for (i = 1; i <= n; i++) {
			if (fv[i] < fv[lo])
				lo = i;
			if (fv[i] > fv[hi])
				hi = i;
		}
		nh = lo == 0 ? 1 : 0;
		for (i = 0; i <= n; i++)
			if (i != hi && fv[i] > fv[nh])
				nh = i;
		size = 0;
		for (i = 0; i <= n; i++)
			for (j = 0; j < n; j++)
				size = fmax(size, fabs(p[i][j] - p[lo][j]));
		if (isfinite(fv[hi]) && fv[hi] - fv[lo] <=
		    NM_FTOL * (fabs(fv[lo]) + 1e-8) && size < NM_XTOL)
			break;
		for (j = 0; j < n; j++) {
			c[j] = 0;
			for (i = 0; i <= n; i++)
				if (i != hi)
					c[j] += p[i][j];
			c[j] /= n;
			xr[j] = c[j] + (c[j] - p[hi][j]);
		}
		fr = eval(s, xr);
		if (fr < fv[lo]) {
			for (j = 0; j < n; j++)
				xe[j] = c[j] + 2 * (c[j] - p[hi][j]);
			fe = eval(s, xe);
			if (fe < fr) {
				memcpy(p[hi], xe, n * sizeof(double));
				fv[hi] = fe;
			} else {
				memcpy(p[hi], xr, n * sizeof(double));
				fv[hi] = fr;
			}
			continue;
		}
		if (fr < fv[nh]) {
			memcpy(p[hi], xr, n * sizeof(double));
			fv[hi] = fr;
			continue;
		}
		/* Contract, outside or inside. */
		t = fr < fv[hi] ? 0.5 : -0.5;
		for (j = 0; j < n; j++)
			xc[j] = c[j] + t * (c[j] - p[hi][j]);
		fc = eval(s, xc);
		if (fc < fmin(fr, fv[hi])) {
			memcpy(p[hi], xc, n * sizeof(double));
			fv[hi] = fc;
			continue;
		}
		/* Shrink towards the best. */
		for (i = 0; i <= n; i++) {
			if (i == lo)
				continue;
			for (j = 0; j < n; j++)
				p[i][j] = p[lo][j] + 0.5 * (p[i][j] - p[lo][j]);
			fv[i] = eval(s, p[i]);
		}
	}
	*iter += k;
	lo = 0;
	for (i = 1; i <= n; i++)
		if (fv[i] < fv[lo])
			lo = i;
	memcpy(x0, p[lo], n * sizeof(double));
	*f0 = fv[lo];
	return k < NM_MAXITER;
}

void
opt_minimise(opt_fn f, void *arg, int n, const double *theta,
    struct opt_result *res)
{
	struct nm s = { f, arg, n, 0 };
	double x[OPT_MAXP], fx, before, step = 1;
	int conv = 0, r;

	memset(res, 0, sizeof(*res));
	memcpy(x, theta, n * sizeof(double));
	fx = eval(&s, x);
	for (r = 0; r <= NM_RESTARTS; r++) {
		before = fx;
		conv = nm_run(&s, x, &fx, step, &res->iter);
		/* A restart that finds nothing better ends it: the
		 * simplex had not collapsed on a false minimum. */
		if (r > 0 && conv && before - fx <= NM_FTOL * (fabs(fx) + 1))
			break;
		step = r == 0 ? 0.3 : 0.1;
	}
	memcpy(res->theta, x, n * sizeof(double));
	res->f = fx;
	res->evals = s.evals;
	res->restarts = r > NM_RESTARTS ? NM_RESTARTS : r;
	res->converged = conv && r <= NM_RESTARTS && isfinite(fx);
}

int
opt_inverse_hessian(opt_fn f, void *arg, int n, const double *theta,
    double h, double *cov)
{
	double H[OPT_MAXP][2 * OPT_MAXP], x[OPT_MAXP], f0, fpp, fpm, fmp, fmm;
	double piv, t;
	int i, j, k;

	memcpy(x, theta, n * sizeof(double));
	f0 = f(x, arg);
	for (i = 0; i < n; i++) {
		for (j = i; j < n; j++) {
			if (i == j) {
				x[i] = theta[i] + h;
				fpp = f(x, arg);
				x[i] = theta[i] - h;
				fmm = f(x, arg);
				x[i] = theta[i];
				H[i][i] = (fpp - 2 * f0 + fmm) / (h * h);
				continue;
			}
			x[i] = theta[i] + h, x[j] = theta[j] + h;
			fpp = f(x, arg);
			x[j] = theta[j] - h;
			fpm = f(x, arg);
			x[i] = theta[i] - h;
			fmm = f(x, arg);
			x[j] = theta[j] + h;
			fmp = f(x, arg);
			x[i] = theta[i], x[j] = theta[j];
			H[i][j] = H[j][i] = (fpp - fpm - fmp + fmm) /
			    (4 * h * h);
		}
	}
	/* Gauss-Jordan on [H | I]; positive pivots all the way means
	 * positive definite (no pivoting is needed then). */
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			H[i][n + j] = i == j;
	for (i = 0; i < n; i++) {
		piv = H[i][i];
		if (!(piv > 0) || !isfinite(piv))
			return -1;
		for (j = 0; j < 2 * n; j++)
			H[i][j] /= piv;
		for (k = 0; k < n; k++) {
			if (k == i)
				continue;
			t = H[k][i];
			for (j = 0; j < 2 * n; j++)
				H[k][j] -= t * H[i][j];
		}
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			cov[i * n + j] = H[i][n + j];
	return 0;
}

#define BFGS_MAXITER	300
#define BFGS_GTOL	1e-10	/* gradient, relative to |f| + 1 */
#define BFGS_GNEAR	1e-7	/* the same, when no step improves */
#define BFGS_HALVINGS	40	/* of the step, before giving up */

void
opt_bfgs(opt_gfn fg, void *arg, int n, const double *theta, double edge_lo,
    double edge_hi, struct opt_result *res)
{
	double x[OPT_MAXP], g[OPT_MAXP], xn[OPT_MAXP], gn[OPT_MAXP];
	double H[OPT_MAXP][OPT_MAXP], d[OPT_MAXP], s[OPT_MAXP], y[OPT_MAXP];
	double Hy[OPT_MAXP], f, fn, t, gd, sy, yHy, gmax;
	int i, j, k, ls, near = 0, out;

	memset(res, 0, sizeof(*res));
	memcpy(x, theta, n * sizeof(double));
	f = fg(x, g, arg);
	res->evals = 1;
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			H[i][j] = i == j;
	for (k = 0; k < BFGS_MAXITER && isfinite(f); k++) {
		gmax = 0;
		for (i = 0; i < n; i++)
			gmax = fmax(gmax, fabs(g[i]));
		if (gmax <= BFGS_GTOL * (fabs(f) + 1)) {
			res->converged = 1;
			break;
		}
		/* Within rounding of the minimum: no step can do better. */
		near = gmax <= BFGS_GNEAR * (fabs(f) + 1);
		gd = 0;
		for (i = 0; i < n; i++) {
			d[i] = 0;
			for (j = 0; j < n; j++)
				d[i] -= H[i][j] * g[j];
			gd += d[i] * g[i];
		}
		if (gd >= 0) {		/* not downhill: start over */
			for (i = 0; i < n; i++) {
				for (j = 0; j < n; j++)
					H[i][j] = i == j;
				d[i] = -g[i];
			}
			gd = 0;
			for (i = 0; i < n; i++)
				gd -= g[i] * g[i];
		}
		/* No step longer than 2 in log-parameters (a factor e^2). */
		t = 1;
		for (i = 0; i < n; i++)
			if (fabs(d[i]) * t > 2)
				t = 2 / fabs(d[i]);
		for (ls = 0; ls < BFGS_HALVINGS; ls++, t *= 0.5) {
			for (i = 0; i < n; i++)
				xn[i] = x[i] + t * d[i];
			fn = fg(xn, gn, arg);
			res->evals++;
			if (isfinite(fn) && fn <= f + 1e-4 * t * gd)
				break;
		}
		if (ls == BFGS_HALVINGS) {
			res->converged = near;
			break;
		}
		sy = 0;
		for (i = 0; i < n; i++) {
			s[i] = xn[i] - x[i];
			y[i] = gn[i] - g[i];
			sy += s[i] * y[i];
		}
		memcpy(x, xn, n * sizeof(double));
		memcpy(g, gn, n * sizeof(double));
		if (near && f - fn <= 1e-15 * (fabs(f) + 1)) {
			f = fn;
			res->converged = 1;
			break;
		}
		/* Past the edge and hardly gaining: the supremum is out
		 * there, and the caller says so. */
		for (i = 0, out = 0; i < n; i++)
			out |= x[i] < edge_lo || x[i] > edge_hi;
		if (out && f - fn <= 1e-9 * (fabs(f) + 1)) {
			f = fn;
			break;
		}
		f = fn;
		if (sy <= 1e-12)
			continue;
		yHy = 0;
		for (i = 0; i < n; i++) {
			Hy[i] = 0;
			for (j = 0; j < n; j++)
				Hy[i] += H[i][j] * y[j];
			yHy += y[i] * Hy[i];
		}
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				H[i][j] += (1 + yHy / sy) * s[i] * s[j] / sy -
				    (Hy[i] * s[j] + s[i] * Hy[j]) / sy;
	}
	memcpy(res->theta, x, n * sizeof(double));
	res->f = f;
	res->iter = k;
}
