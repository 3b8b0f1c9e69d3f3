/*
 * stats.h: interval estimates for comparing two groups, and the group
 * sizes a comparison needs.  crm-playbook measures its steps with them;
 * the same intervals serve any command that compares a treated group
 * with a held-out one.
 */
#ifndef STATS_H
#define STATS_H

#include <stddef.h>
#include <stdint.h>

#define STATS_Z95	1.959963984540054	/* two-sided 95% */
#define STATS_Z80	0.841621233572914	/* one-sided 80% (power) */

/*
 * The Wilson score interval of the proportion k/n (n > 0) for the normal
 * quantile z: the roots of |p - k/n| = z sqrt(p (1 - p) / n).
 */
void	 stats_wilson(int64_t k, int64_t n, double z, double *lo,
	    double *hi);
/*
 * Newcombe's hybrid score interval (method 10 of Newcombe 1998,
 * Statistics in Medicine 17:873-890) for the difference of two
 * independent proportions k1/n1 - k2/n2, from the two Wilson intervals
 * (l1, u1) and (l2, u2):
 *   d - sqrt((p1 - l1)^2 + (u2 - p2)^2),  d + sqrt((u1 - p1)^2 + (p2 - l2)^2).
 * Returns 0, or -1 (nothing set) when either group is empty.
 */
int	 stats_newcombe(int64_t k1, int64_t n1, int64_t k2, int64_t n2,
	    double z, double *d, double *lo, double *hi);
/*
 * The group sizes that detect a difference delta over the rate p0 with a
 * two-sided 5% test at 80% power, with the first group ratio times the
 * second (Fleiss' formula for two proportions, no continuity
 * correction):
 *   n2 = (za sqrt(pm qm (1 + 1/r)) + zb sqrt(p1 q1 / r + p0 q0))^2 / delta^2
 * with p1 = p0 + delta, pm = (r p1 + p0) / (r + 1), n1 = r n2, both
 * rounded up.  Returns 0, or -1 when the arguments make no sense.
 */
int	 stats_two_prop_n(double p0, double delta, double ratio,
	    int64_t *n1, int64_t *n2);

/* A small reproducible generator (splitmix64): the same seed, the same
 * numbers on every machine. */
struct stats_rng {
	uint64_t s;
};

void	 stats_rng_seed(struct stats_rng *r, uint64_t seed);
uint64_t stats_rng_next(struct stats_rng *r);
/* Uniform in [0, 1). */
double	 stats_rng_unit(struct stats_rng *r);
/* Uniform in [0, n), n > 0, without modulo bias. */
uint64_t stats_rng_below(struct stats_rng *r, uint64_t n);

#define STATS_BOOT_REPS	2000

/*
 * The bootstrap percentile interval (2.5% and 97.5%) of mean(a) -
 * mean(b), over reps resamples of each group drawn with seed: no
 * assumption about the shape of the values.  Returns 0, or -1 when either
 * group is empty.
 */
int	 stats_boot_diff(const int64_t *a, size_t na, const int64_t *b,
	    size_t nb, uint64_t seed, int reps, double *lo, double *hi);

#endif /* STATS_H */
