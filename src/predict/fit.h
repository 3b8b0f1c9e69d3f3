/*
 * fit.h: maximum likelihood for the models, over the distinct rows.
 */
#ifndef PREDICT_FIT_H
#define PREDICT_FIT_H

#include <stddef.h>

#include "predict/model.h"

struct pd_fit {
	enum pd_model model;
	double	 par[4];		/* the estimates */
	double	 se[4];			/* their standard errors, or NAN */
	double	 ll;			/* log-likelihood at the estimates */
	double	 n;			/* customers the fit rests on */
	int	 iter, evals;		/* optimiser steps, evaluations */
	int	 converged;
	int	 edge;			/* bit i: parameter i at the edge */
};

/* The edge of the parameter space the fits stop at. */
#define PD_EDGE_LO	1e-7
#define PD_EDGE_HI	1e9

/* Fits a transaction model; returns 0, or -1 when it did not converge. */
int	pd_fit_tx(enum pd_model m, const struct pd_row *v, size_t n,
	    struct pd_fit *f);
/* Fits Gamma-Gamma to the repeat buyers' mean spend; 0 or -1 likewise. */
int	pd_fit_gg(const struct pd_spend *v, size_t n, struct pd_fit *f);

#endif /* PREDICT_FIT_H */
