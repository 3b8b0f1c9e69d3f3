/*
 * stats.c: Wilson and Newcombe intervals, the two-proportion sample
 * size, a seeded generator and the bootstrap of a difference of means.
 */
#include <math.h>
#include <stdlib.h>

#include "crm.h"
#include "stats.h"

void
stats_wilson(int64_t k, int64_t n, double z, double *lo, double *hi)
{
	double p = (double)k / (double)n, nn = (double)n, z2 = z * z;
	double den = 1 + z2 / nn;
	double mid = (p + z2 / (2 * nn)) / den;
	double half = z * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / den;

	*lo = mid - half;
	*hi = mid + half;
	/* The bounds are exact at k = 0 and k = n; rounding may leave a
	 * trace below 0 or above 1. */
	if (k == 0 || *lo < 0)
		*lo = 0;
	if (k == n || *hi > 1)
		*hi = 1;
}

int
stats_newcombe(int64_t k1, int64_t n1, int64_t k2, int64_t n2, double z,
    double *d, double *lo, double *hi)
{
	double p1, p2, l1, u1, l2, u2;

	if (n1 <= 0 || n2 <= 0)
		return -1;
	p1 = (double)k1 / (double)n1;
	p2 = (double)k2 / (double)n2;
	stats_wilson(k1, n1, z, &l1, &u1);
	stats_wilson(k2, n2, z, &l2, &u2);
	*d = p1 - p2;
	*lo = *d - sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2));
	*hi = *d + sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2));
	return 0;
}

int
stats_two_prop_n(double p0, double delta, double ratio, int64_t *n1,
    int64_t *n2)
{
	double p1 = p0 + delta, pm, a, b, n;

	if (!(delta > 0) || !(ratio > 0) || p0 < 0 || p1 > 1)
		return -1;
	pm = (ratio * p1 + p0) / (ratio + 1);
	a = STATS_Z95 * sqrt(pm * (1 - pm) * (1 + 1 / ratio));
	b = STATS_Z80 * sqrt(p1 * (1 - p1) / ratio + p0 * (1 - p0));
	n = (a + b) * (a + b) / (delta * delta);
	/* A hair below a whole number is that number, not the next. */
	*n2 = (int64_t)ceil(n - 1e-9);
	*n1 = (int64_t)ceil(ratio * (double)*n2 - 1e-9);
	return 0;
}

void
stats_rng_seed(struct stats_rng *r, uint64_t seed)
{
	r->s = seed;
}

uint64_t
stats_rng_next(struct stats_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double
stats_rng_unit(struct stats_rng *r)
{
	return (double)(stats_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t
stats_rng_below(struct stats_rng *r, uint64_t n)
{
	uint64_t lim = -n % n, v;	/* 2^64 mod n: the biased tail */

	while ((v = stats_rng_next(r)) < lim)
		;
	return v % n;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The mean of n values drawn with replacement from v. */
static double
resample_mean(struct stats_rng *r, const int64_t *v, size_t n)
{
	double sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += (double)v[stats_rng_below(r, n)];
	return sum / (double)n;
}

int
stats_boot_diff(const int64_t *a, size_t na, const int64_t *b, size_t nb,
    uint64_t seed, int reps, double *lo, double *hi)
{
	struct stats_rng r;
	double *d;
	int i, ilo, ihi;

	if (na == 0 || nb == 0 || reps < 1)
		return -1;
	d = xrealloc(NULL, (size_t)reps * sizeof(*d));
	stats_rng_seed(&r, seed);
	for (i = 0; i < reps; i++)
		d[i] = resample_mean(&r, a, na) - resample_mean(&r, b, nb);
	qsort(d, (size_t)reps, sizeof(*d), cmp_double);
	/* The 2.5th and 97.5th percentiles, by rank. */
	ilo = (int)floor(0.025 * (reps - 1) + 0.5);
	ihi = (int)floor(0.975 * (reps - 1) + 0.5);
	*lo = d[ilo];
	*hi = d[ihi];
	free(d);
	return 0;
}
