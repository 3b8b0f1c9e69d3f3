/*
 * review.c: the judgement of one row of crm-playbook results.
 */
#include <string.h>

#include "crm.h"
#include "playbook/review.h"
#include "stats.h"

/* Whole percent limit: the rate's Wilson interval lies below it. */
static int
surely_below(int64_t k, int64_t n, int64_t pct)
{
	double lo, hi;

	if (n < PB_MIN_COUNT)
		return 0;
	stats_wilson(k, n, STATS_Z95, &lo, &hi);
	return hi * 100 < (double)pct;
}

/*
 * The contacts each side still needs to see PB_DETECT at the pooled rate
 * with the sides in their present proportion; 0 and 0 when it has them.
 */
static void
needs(const struct pb_group *g, struct pb_eval *e)
{
	double p0 = (double)(g->bought + g->hbought) /
	    (double)(g->contacted + g->held_out);
	int64_t n1, n2, other;

	e->need = e->hneed = e->even = 0;
	/* Near 100% nobody can buy 2 points more: count that as seen. */
	if (p0 + PB_DETECT > 1 || stats_two_prop_n(p0, PB_DETECT,
	    (double)g->contacted / (double)g->held_out, &n1, &n2) != 0)
		return;
	/* A 50% holdout needs the fewest contacts in all. */
	if (stats_two_prop_n(p0, PB_DETECT, 1, &e->even, &other) != 0)
		e->even = 0;
	if (n1 > g->contacted)
		e->need = n1 - g->contacted;
	if (n2 > g->held_out)
		e->hneed = n2 - g->held_out;
}

void
pb_evaluate(const struct pb_group *g, enum pb_by by,
    const struct pb_limits *l, uint64_t seed, struct pb_eval *e)
{
	memset(e, 0, sizeof(*e));
	e->verdict = PV_NONE;
	if (stats_newcombe(g->bought, g->contacted, g->hbought, g->held_out,
	    STATS_Z95, &e->d, &e->lo, &e->hi) == 0) {
		e->has_d = 1;
		e->pt = (double)g->bought / (double)g->contacted;
		e->ph = (double)g->hbought / (double)g->held_out;
		needs(g, e);
		if (e->lo > 0)
			e->verdict = PV_WORKS;
		else if (e->hi < 0)
			e->verdict = PV_HURTS;
		else if (e->need == 0 && e->hneed == 0)
			e->verdict = PV_NOUPLIFT;
		else
			e->verdict = PV_TOOSMALL;
	}
	if (g->contacted > 0 && g->held_out > 0) {
		e->has_rev = 1;
		e->rd = (double)g->revenue / (double)g->contacted -
		    (double)g->hrevenue / (double)g->held_out;
	}
	/* A bootstrap of a handful of purchases knows nothing of the
	 * spend it has not seen (a holdout with no buyer resamples to 0
	 * every time): no interval below PB_MIN_BUYERS a side. */
	if (e->has_rev && g->bought >= PB_MIN_BUYERS &&
	    g->hbought >= PB_MIN_BUYERS)
		e->has_rci = stats_boot_diff(g->rev, g->nrev, g->hrev,
		    g->nhrev, seed, STATS_BOOT_REPS, &e->rlo, &e->rhi) == 0;
	if (by == PB_BY_VERSUS) {
		if (l->claims_known)
			e->has_claim = stats_newcombe(g->claimed, g->coupons,
			    g->hclaimed, g->hcoupons, STATS_Z95, &e->cd,
			    &e->clo, &e->chi) == 0;
		e->has_use = stats_newcombe(g->used, g->claimed, g->hused,
		    g->hclaimed, STATS_Z95, &e->ud, &e->ulo, &e->uhi) == 0;
		return;
	}
	/* The coupon rules: only once the rate is surely below the limit,
	 * and never before PB_MIN_COUNT coupons (claims). */
	e->low_claim = l->claims_known && surely_below(g->claimed, g->coupons,
	    l->min_claim);
	e->low_use = surely_below(g->used, g->claimed, l->min_use);
}
