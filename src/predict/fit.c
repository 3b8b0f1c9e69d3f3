/*
 * fit.c: maximum likelihood on log-parameters (so every parameter stays
 * positive without bounds), Nelder-Mead with restarts, and standard
 * errors from the numeric Hessian by the delta method.
 */
#include <math.h>
#include <string.h>

#include "predict/fit.h"
#include "predict/optim.h"

struct ctx {
	enum pd_model m;
	const struct pd_row *rows;
	const struct pd_spend *sp;
	size_t	 n;
	int	 evals;			/* of the likelihood */
};

static double
neg_ll(const double *th, void *arg)
{
	struct ctx *c = arg;
	double p[4];
	int i;

	c->evals++;
	for (i = 0; i < pd_models[c->m].np; i++) {
		p[i] = exp(th[i]);
		if (!(p[i] > 1e-10 && p[i] < 1e10))
			return INFINITY;
	}
	if (c->m == PD_GG)
		return -pd_gg_ll(p, c->sp, c->n);
	return -pd_ll(c->m, p, c->rows, c->n);
}

/* The same with the gradient in log-parameters: dLL/dlog p = p dLL/dp. */
static double
neg_ll_grad(const double *th, double *g, void *arg)
{
	struct ctx *c = arg;
	double p[4], l;
	int i, np = pd_models[c->m].np;

	c->evals++;
	for (i = 0; i < np; i++) {
		p[i] = exp(th[i]);
		if (!(p[i] > 1e-10 && p[i] < 1e10))
			return INFINITY;
	}
	l = c->m == PD_GG ? pd_gg_ll_grad(p, c->sp, c->n, g) :
	    pd_ll_grad(c->m, p, c->rows, c->n, g);
	for (i = 0; i < np; i++)
		g[i] = -g[i] * p[i];
	return -l;
}

/*
 * Pareto/NBD's gradient by central differences: its terms' derivatives
 * in r and s have no closed form in the same functions.
 */
static double
neg_ll_numgrad(const double *th, double *g, void *arg)
{
	double x[4], f = neg_ll(th, arg), h = 1e-5, a, b;
	int i, np = 4;

	memcpy(x, th, sizeof(x));
	for (i = 0; i < np && isfinite(f); i++) {
		x[i] = th[i] + h;
		a = neg_ll(x, arg);
		x[i] = th[i] - h;
		b = neg_ll(x, arg);
		x[i] = th[i];
		g[i] = (a - b) / (2 * h);
	}
	return f;
}

/* Parameters the likelihood drove to the edge of the space, as bits. */
static int
edges(const double *th, int np)
{
	int i, e = 0;

	for (i = 0; i < np; i++)
		if (th[i] < log(PD_EDGE_LO) || th[i] > log(PD_EDGE_HI))
			e |= 1 << i;
	return e;
}

/*
 * BFGS (on the analytic gradient, or Pareto/NBD's numeric one), and
 * Nelder-Mead with restarts from where it stopped when it did not
 * converge.
 */
static void
minimise(struct ctx *c, const double *th, struct opt_result *res)
{
	struct opt_result nm;
	int np = pd_models[c->m].np;

	opt_bfgs(c->m == PD_PARETO ? neg_ll_numgrad : neg_ll_grad, c, np, th,
	    log(PD_EDGE_LO), log(PD_EDGE_HI), res);
	if (res->converged || edges(res->theta, np) != 0)
		return;
	opt_minimise(neg_ll, c, np, res->theta, &nm);
	nm.iter += res->iter;
	nm.evals += res->evals;
	*res = nm;
}

static int
finish(struct ctx *c, const struct opt_result *res, struct pd_fit *f)
{
	double cov[OPT_MAXP * OPT_MAXP];
	int np = pd_models[c->m].np, i, ok;

	f->model = c->m;
	for (i = 0; i < np; i++)
		f->par[i] = exp(res->theta[i]);
	f->ll = -res->f;
	f->iter = res->iter;
	f->evals = c->evals;
	f->edge = edges(res->theta, np);
	/* A supremum on the edge: the likelihood rises all the way to it,
	 * which is a finding about the data, not a failure to converge. */
	f->converged = res->converged || f->edge != 0;
	/* d theta = d p / p: se(p) = p se(log p) at the maximum. */
	ok = opt_inverse_hessian(neg_ll, c, np, res->theta, 1e-4, cov) == 0;
	for (i = 0; i < np; i++)
		f->se[i] = ok && cov[i * np + i] >= 0 ?
		    f->par[i] * sqrt(cov[i * np + i]) : NAN;
	return f->converged ? 0 : -1;
}

int
pd_fit_tx(enum pd_model m, const struct pd_row *v, size_t n,
    struct pd_fit *f)
{
	struct ctx c = { m, v, NULL, n, 0 };
	struct opt_result res;
	double th[4], sx = 0, sT = 0, sw = 0;
	size_t i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < n; i++) {
		sx += v[i].w * v[i].x;
		sT += v[i].w * v[i].T;
		sw += v[i].w;
	}
	f->n = sw;
	/* A start in the right scale: purchase rate about mean x / T. */
	th[0] = 0;
	th[1] = log(fmax(sT / fmax(sx, 1), 1e-3));
	th[2] = 0;
	th[3] = m == PD_PARETO ? th[1] + log(4) : 0;
	minimise(&c, th, &res);
	return finish(&c, &res, f);
}

int
pd_fit_gg(const struct pd_spend *v, size_t n, struct pd_fit *f)
{
	struct ctx c = { PD_GG, NULL, v, n, 0 };
	struct opt_result res;
	double th[3], sm = 0, sw = 0;
	size_t i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < n; i++) {
		sm += v[i].w * v[i].m;
		sw += v[i].w;
	}
	f->n = sw;
	th[0] = log(2);
	th[1] = log(3);
	th[2] = log(fmax(sm / fmax(sw, 1), 1e-3));
	minimise(&c, th, &res);
	return finish(&c, &res, f);
}
