/*
 * review.h: what one row of crm-playbook results says.  The intervals of
 * the differences (Newcombe's for rates, a seeded bootstrap for revenue
 * per contact), whether the row has the evidence to judge, what it needs
 * when not, and the coupon rules.  No SQLite, no output: the command
 * writes what this decides, and the unit test checks it.
 */
#ifndef PLAYBOOK_REVIEW_H
#define PLAYBOOK_REVIEW_H

#include <stdint.h>

#include "playbook/run.h"

#define PB_DETECT	0.02	/* the uplift a step should be able to show */
#define PB_MIN_COUNT	30	/* coupons (claims) before the coupon rules */
#define PB_MIN_BUYERS	5	/* buyers each side before a revenue interval */

struct pb_limits {
	int64_t	 min_claim;	/* percent: advise below it */
	int64_t	 min_use;	/* percent */
	int	 claims_known;	/* the store has claim events */
};

enum pb_verdict {
	PV_NONE,		/* nothing to compare (an empty side) */
	PV_WORKS,		/* the interval lies above 0 */
	PV_HURTS,		/* the interval lies below 0 */
	PV_NOUPLIFT,		/* holds 0, and the groups could see 2 points */
	PV_TOOSMALL		/* holds 0, and the groups are too small */
};

struct pb_eval {
	int	 has_d;		/* bought: treated rate less comparison's */
	double	 pt, ph, d, lo, hi;
	int	 has_rev;	/* revenue per contact, minor units */
	double	 rd;
	int	 has_rci;	/* its bootstrap interval */
	double	 rlo, rhi;
	int	 has_claim;	/* claim rates (pairs of variants) */
	double	 cd, clo, chi;
	int	 has_use;	/* use rates (pairs of variants) */
	double	 ud, ulo, uhi;
	enum pb_verdict verdict;
	int64_t	 need, hneed;	/* more contacts each side needs */
	int64_t	 even;		/* each side, with equal sides */
	int	 low_claim;	/* rule: raise the discount */
	int	 low_use;	/* rule: lower the threshold */
};

/*
 * Judges one row.  seed drives the bootstrap: the same seed and the same
 * contacts give the same interval.
 */
void	 pb_evaluate(const struct pb_group *g, enum pb_by by,
	    const struct pb_limits *l, uint64_t seed, struct pb_eval *e);

#endif /* PLAYBOOK_REVIEW_H */
