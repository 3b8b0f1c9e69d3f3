/*
 * stats_test.c: the interval functions against published values, and
 * the coverage of the difference interval in simulated data where the
 * two groups have the same rate (what a message that changes nothing
 * looks like).  Expected values: Newcombe 1998 (Statistics in Medicine
 * 17:873-890), Table II, method 10, and worked out by hand or with awk.
 */
#include <math.h>
#include <stdio.h>

#include "stats.h"
#include "unit.h"

#define NEAR(got, want, tol) do {					\
	double g_ = (got), w_ = (want);					\
	if (fabs(g_ - w_) <= (tol))					\
		unit_pass++;						\
	else {								\
		unit_fail++;						\
		printf("not ok %s:%d: %s = %.6f, want %.6f\n", __FILE__,	\
		    __LINE__, #got, g_, w_);				\
	}								\
} while (0)

/* Newcombe's interval rounded to four decimals, as the paper gives it. */
static void
check_newcombe(int k1, int n1, int k2, int n2, double wlo, double whi)
{
	double d, lo, hi;

	CHECK(stats_newcombe(k1, n1, k2, n2, STATS_Z95, &d, &lo, &hi) == 0);
	NEAR(lo, wlo, 0.00005);
	NEAR(hi, whi, 0.00005);
}

static void
test_published(void)
{
	double lo, hi, d;

	/* Table II, method 10. */
	check_newcombe(56, 70, 48, 80, 0.0524, 0.3339);
	check_newcombe(9, 10, 3, 10, 0.1705, 0.8090);
	check_newcombe(6, 7, 2, 7, 0.0582, 0.8062);
	check_newcombe(5, 56, 0, 29, -0.0381, 0.1926);
	check_newcombe(0, 10, 0, 20, -0.1611, 0.2775);
	check_newcombe(10, 10, 0, 20, 0.6791, 1.0000);
	/* The audit's case: 17 of 383 contacted bought, none of 10 held
	 * out.  The normal approximation said [0.0238, 0.0650]. */
	check_newcombe(17, 383, 0, 10, -0.2336, 0.0699);
	/* Wilson for 0/10 is [0, z^2 / (10 + z^2)] = [0, 0.2775]; for 10/10
	 * [10 / (10 + z^2), 1] = [0.7225, 1]. */
	stats_wilson(0, 10, STATS_Z95, &lo, &hi);
	NEAR(lo, 0, 1e-12);
	NEAR(hi, 3.841459 / 13.841459, 1e-6);
	stats_wilson(10, 10, STATS_Z95, &lo, &hi);
	NEAR(lo, 10 / 13.841459, 1e-6);
	NEAR(hi, 1, 1e-12);
	CHECK(stats_newcombe(1, 0, 0, 10, STATS_Z95, &d, &lo, &hi) == -1);
	CHECK(stats_newcombe(1, 10, 0, 0, STATS_Z95, &d, &lo, &hi) == -1);
}

static void
test_sample_size(void)
{
	int64_t n1, n2;

	/* 5% against 7%, equal groups: (1.96 sqrt(2 .06 .94) + 0.8416
	 * sqrt(.07 .93 + .05 .95))^2 / .02^2 = 2212.2, so 2213 each. */
	CHECK(stats_two_prop_n(0.05, 0.02, 1, &n1, &n2) == 0);
	CHECK_INT(n2, 2213);
	CHECK_INT(n1, 2213);
	/* 20% against 22%, nine contacted for one held out: by awk,
	 * pm = (9 .22 + .2) / 10 = .218;
	 * (1.96 sqrt(.218 .782 10/9) + .8416 sqrt(.22 .78 / 9 + .2 .8))^2
	 * / .0004 = 3655.2 -> 3656 held out, 32904 contacted. */
	CHECK(stats_two_prop_n(0.20, 0.02, 9, &n1, &n2) == 0);
	CHECK_INT(n2, 3656);
	CHECK_INT(n1, 32904);
	CHECK(stats_two_prop_n(0.99, 0.02, 1, &n1, &n2) == -1);
	CHECK(stats_two_prop_n(0.1, 0, 1, &n1, &n2) == -1);
}

/* Bernoulli(p) successes in n trials. */
static int64_t
draw(struct stats_rng *r, int64_t n, double p)
{
	int64_t i, k = 0;

	for (i = 0; i < n; i++)
		k += stats_rng_unit(r) < p;
	return k;
}

/*
 * No effect: both groups buy at rate p.  The share of draws whose 95%
 * interval holds 0 must be near 0.95.  10,000 draws: the share's own
 * standard error is 0.002, so 0.93-0.97 leaves no room for luck to
 * decide.
 */
static void
test_coverage(void)
{
	static const int64_t sizes[][2] = { { 10, 300 }, { 30, 300 },
	    { 300, 300 } };
	static const double rates[] = { 0.05, 0.2 };
	struct stats_rng r;
	size_t i, j;
	int t, held, draws = 10000;
	double d, lo, hi, cov;

	stats_rng_seed(&r, 20261202);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (j = 0; j < sizeof(rates) / sizeof(rates[0]); j++) {
			for (t = held = 0; t < draws; t++) {
				int64_t k1 = draw(&r, sizes[i][0], rates[j]);
				int64_t k2 = draw(&r, sizes[i][1], rates[j]);

				stats_newcombe(k1, sizes[i][0], k2,
				    sizes[i][1], STATS_Z95, &d, &lo, &hi);
				held += lo <= 0 && 0 <= hi;
			}
			cov = (double)held / draws;
			printf("# coverage %lld vs %lld at %.2f: %.4f\n",
			    (long long)sizes[i][0], (long long)sizes[i][1],
			    rates[j], cov);
			CHECK(cov >= 0.93 && cov <= 0.97);
		}
}

static void
test_rng_boot(void)
{
	static const int64_t a[] = { 0, 0, 0, 1000, 0, 5000, 0, 0 };
	static const int64_t b[] = { 0, 0, 0, 0 };
	static const int64_t one[] = { 700 };
	struct stats_rng r;
	double lo, hi, lo2, hi2;
	uint64_t v;
	int i, seen[7] = { 0 };

	/* splitmix64 from 0: the published first output. */
	stats_rng_seed(&r, 0);
	v = stats_rng_next(&r);
	CHECK(v == 0xe220a8397b1dcdafULL);
	for (i = 0; i < 7000; i++)
		seen[stats_rng_below(&r, 7)]++;
	for (i = 0; i < 7; i++)
		CHECK(seen[i] > 850 && seen[i] < 1150);
	/* The same seed, the same interval; it holds the observed
	 * difference 750 and lies within what resamples can give. */
	CHECK(stats_boot_diff(a, 8, b, 4, 7, STATS_BOOT_REPS, &lo, &hi) == 0);
	CHECK(stats_boot_diff(a, 8, b, 4, 7, STATS_BOOT_REPS, &lo2, &hi2)
	    == 0);
	CHECK(lo == lo2 && hi == hi2);
	CHECK(lo >= 0 && lo <= 750 && hi >= 750 && hi <= 5000);
	/* One value each: no spread. */
	CHECK(stats_boot_diff(one, 1, one, 1, 7, 100, &lo, &hi) == 0);
	NEAR(lo, 0, 0);
	NEAR(hi, 0, 0);
	CHECK(stats_boot_diff(a, 0, b, 4, 7, 100, &lo, &hi) == -1);
}

int
main(void)
{
	test_published();
	test_sample_size();
	test_coverage();
	test_rng_boot();
	return unit_done();
}
