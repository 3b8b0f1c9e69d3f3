/*
 * model.h: the customer-base models: BG/NBD (Fader, Hardie and Lee
 * 2005), MBG/NBD (Batislam, Denizel and Filiztekin 2007), Pareto/NBD
 * (Schmittlein, Morrison and Colombo 1987, in Fader and Hardie's
 * notation) and the Gamma-Gamma spend model (Fader, Hardie and Lee
 * 2005, Hardie's note 025).  A customer is (x, t_x, T): repeat purchase
 * days, the time from the first to the last purchase day, and from the
 * first purchase day to the end, all in one unit (days or weeks).
 */
#ifndef PREDICT_MODEL_H
#define PREDICT_MODEL_H

#include <stddef.h>

enum pd_model { PD_BGNBD, PD_MBGNBD, PD_PARETO, PD_GG, PD_NMODELS };

struct pd_model_info {
	const char *name;		/* --model: "bgnbd" */
	const char *title;		/* "BG/NBD" */
	int	 np;			/* parameters */
	const char *par[4];		/* their names */
};
extern const struct pd_model_info pd_models[PD_NMODELS];
/* The model of a --model name, or -1. */
int	pd_model_byname(const char *name);

/* A distinct customer history and how many customers have it. */
struct pd_row {
	double	 x, tx, T;
	double	 w;
};

/* Distinct (x, mean spend) of repeat buyers, for Gamma-Gamma. */
struct pd_spend {
	double	 x, m;
	double	 w;
};

/* log-likelihood of one history (transaction models). */
double	pd_ll_row(enum pd_model m, const double *p, double x, double tx,
	    double T);
/* The sum over rows, weighted; -inf when a term is not finite. */
double	pd_ll(enum pd_model m, const double *p, const struct pd_row *v,
	    size_t n);
/*
 * The same and its gradient in the parameters (BG/NBD, MBG/NBD), into
 * g; analytic, for the quasi-Newton fit.
 */
double	pd_ll_grad(enum pd_model m, const double *p, const struct pd_row *v,
	    size_t n, double *g);
double	pd_gg_ll_grad(const double *p, const struct pd_spend *v, size_t n,
	    double *g);
double	pd_gg_ll_row(const double *p, double x, double m);
double	pd_gg_ll(const double *p, const struct pd_spend *v, size_t n);

/* P(alive at T | x, t_x, T). */
double	pd_palive(enum pd_model m, const double *p, double x, double tx,
	    double T);
/* E[purchases in (T, T + t] | x, t_x, T]. */
double	pd_expected(enum pd_model m, const double *p, double x, double tx,
	    double T, double t);
/* P(no purchase in (T, T + t] | x, t_x, T). */
double	pd_p_none(enum pd_model m, const double *p, double x, double tx,
	    double T, double t);
/* E[X(t)] for a customer who made the first purchase at 0. */
double	pd_uncond(enum pd_model m, const double *p, double t);
/* P(X(t) = 0) for such a customer. */
double	pd_uncond_none(enum pd_model m, const double *p, double t);
/*
 * The median wait for the next purchase of a customer still active:
 * the purchase process after T is a Pareto II (Lomax) wait with shape
 * r + x and scale alpha + T.
 */
double	pd_next_wait(const double *p, double x, double T);
/*
 * Discounted expected purchases over (T, T + h] at the continuous rate
 * delta per unit: the integral of e^(-delta t) dE[Y(t)].
 */
double	pd_discounted(enum pd_model m, const double *p, double x, double tx,
	    double T, double h, double delta);
/* Gamma-Gamma: E[spend per purchase | x, mean m] (x = 0: the mean). */
double	pd_gg_mean(const double *p, double x, double m);

#endif /* PREDICT_MODEL_H */
