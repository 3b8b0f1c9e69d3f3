/*
 * optim.h: minimising a smooth function of a few parameters (the
 * negative log-likelihood over log-parameters): Nelder-Mead, restarted
 * from its own best point until a restart no longer improves it, and
 * the inverse of the numeric Hessian for standard errors.
 */
#ifndef PREDICT_OPTIM_H
#define PREDICT_OPTIM_H

#define OPT_MAXP	4

typedef double (*opt_fn)(const double *theta, void *arg);

struct opt_result {
	double	 theta[OPT_MAXP];	/* the minimum */
	double	 f;			/* the value there */
	int	 iter;			/* Nelder-Mead steps, all restarts */
	int	 evals;			/* function evaluations */
	int	 restarts;
	int	 converged;		/* 1: the simplex shrank to tolerance */
};

/* A function that also writes its gradient into g. */
typedef double (*opt_gfn)(const double *theta, double *g, void *arg);

/*
 * Minimises fg from theta by BFGS with a backtracking line search;
 * converged when the gradient vanishes to tolerance.  It also stops,
 * not converged, when a parameter is outside [edge_lo, edge_hi] and a
 * step gains almost nothing.
 */
void	opt_bfgs(opt_gfn fg, void *arg, int n, const double *theta,
	    double edge_lo, double edge_hi, struct opt_result *res);
/* Minimises f from theta; a value that is not finite counts as +inf. */
void	opt_minimise(opt_fn f, void *arg, int n, const double *theta,
	    struct opt_result *res);
/*
 * The inverse of f's Hessian at theta by central differences (steps of
 * h), into cov (n x n).  Returns 0, or -1 when the Hessian is not
 * positive definite (then cov is left undefined).
 */
int	opt_inverse_hessian(opt_fn f, void *arg, int n, const double *theta,
	    double h, double *cov);

#endif /* PREDICT_OPTIM_H */
