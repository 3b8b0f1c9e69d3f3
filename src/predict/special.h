/*
 * special.h: the special functions the customer-base models need, in
 * log space where the values over- or underflow: the Gauss
 * hypergeometric function 2F1 for the cases the models use, and the
 * Pareto/NBD integral.
 */
#ifndef PREDICT_SPECIAL_H
#define PREDICT_SPECIAL_H

/* The digamma function, for x > 0. */
double	digamma(double x);
/* log(e^a + e^b), exact when either is -inf. */
double	logaddexp(double a, double b);
/* log(e^a - e^b) for a >= b; -inf when equal. */
double	logsubexp(double a, double b);

/*
 * 2F1(A, B; C; z) for 0 <= z < 1 by its series, for the transformed
 * arguments the BG/NBD family uses (C not a non-positive integer).
 * Terms are summed until they no longer change the sum; a geometric
 * estimate of the tail ends a series that converges slowly (z near 1).
 */
double	hyp2f1(double A, double B, double C, double z);
/* log|2F1(A, B; C; z)|, its sign in *sign. */
double	log_hyp2f1(double A, double B, double C, double z, int *sign);

/*
 * log of the integral from lo to hi (hi may be INFINITY) of
 * (alpha + t)^-R (beta + t)^-(S + 1) dt: the Pareto/NBD term.  It is
 * computed through 2F1(R + S, k; R + S + 1; z) after the Euler
 * transformation, whose series has positive, falling terms for every
 * R, S > 0, so x in the thousands and T of decades stay finite.
 * -inf when lo == hi.
 */
double	log_pnbd_integral(double alpha, double beta, double R, double S,
	    double lo, double hi);

#endif /* PREDICT_SPECIAL_H */
