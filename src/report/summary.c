/*
 * summary.c: crm-report's summary report: customers, orders, revenue,
 * AOV, repurchase rate and the shop's stage, against the period before.
 */
#include <err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Whether day d is in period p. */
static int
in_period(const struct period *p, int64_t d)
{
	return d >= p->from && d <= p->to;
}

/* Adds a customer-day to the shop-level figures of the periods it is in. */
static void
shop_add(struct period **ps, const struct cday *d, int64_t *first)
{
	int k;

	if (d->day < *first)
		*first = d->day;
	for (k = 0; k < 2; k++)
		if (in_period(ps[k], d->day)) {
			ps[k]->sorders += d->n;
			ps[k]->srevenue += d->rev;
			if (d->cid == 0)
				ps[k]->grevenue += d->rev;
		}
}

/*
 * Both periods in one pass: a customer is returning in a period when
 * they bought before it or on two or more days in it.  A customer's
 * revenue is net of their returns in the period; a customer with only
 * returns in it is not one of its customers.  The same pass, and one over
 * the guests' days, adds up the shop-level figures (every purchase and
 * return, guests' too) and finds the scope's first day (*first_day, or
 * NOFROM).
 */
static int
period_agg(struct rp_ctx *c, struct period *cur, struct period *prev,
    int64_t *first_day)
{
	struct rp_cdays it;
	struct pcust pc[2];
	struct period *ps[2] = { cur, prev };
	struct cday d;
	int64_t cid = -1, first = 0, any = INT64_MAX;
	int rc, k, g;

	memset(pc, 0, sizeof(pc));
	for (g = 0; g < 2; g++) {
		if (rp_cdays_open(c, &it, g) != 0)
			return -1;
		while ((rc = rp_cdays_next(&it, &d)) > 0) {
			shop_add(ps, &d, &any);
			if (g)
				continue;
			if (d.cid != cid) {
				for (k = 0; k < 2; k++)
					rp_pcust_close(ps[k], &pc[k], first);
				cid = d.cid;
				first = INT64_MAX;
			}
			if (d.n > 0 && first == INT64_MAX)
				first = d.day;
			for (k = 0; k < 2; k++)
				if (in_period(ps[k], d.day)) {
					pc[k].n += d.n;
					pc[k].rev += d.rev;
					pc[k].days += d.n > 0;
				}
		}
		rp_cdays_close(&it);
		if (rc < 0)
			return -1;
		if (!g)
			for (k = 0; k < 2; k++)
				rp_pcust_close(ps[k], &pc[k], first);
	}
	*first_day = any == INT64_MAX ? NOFROM : any;
	return 0;
}

/* Average revenue per month: revenue x (365.25 / 12) / days. */
static int64_t
monthly_revenue(const struct period *a)
{
	int64_t days = a->to - a->from + 1;

	return days > 0 ? rp_div_round(a->srevenue * 1461, 48 * days) : 0;
}

struct stage {
	int	 n;
	const char *focus;
	const char *metric;		/* what the target is on */
	double	 target;
};

/*
 * The stages consultants teach, by monthly revenue (in the shop's
 * currency, NT$ for a Taiwanese shop): under 300k traffic and a 20%
 * repurchase rate first; 300k to 1M returning customers; over 1M
 * operations and RFM segments.
 */
static struct stage
stage_of(int64_t monthly)
{
	if (monthly < 300000LL * 100)
		return (struct stage){ 1, "traffic: bring in new buyers and "
		    "reach a 20% repurchase rate", "repurchase_rate", 0.20 };
	if (monthly <= 1000000LL * 100)
		return (struct stage){ 2, "returning customers: bring first "
		    "buyers back", "returning_revenue_share", 0.40 };
	return (struct stage){ 3, "operations: RFM segments and a playbook "
	    "per segment (crm-rfm, crm-playbook)", "returning_revenue_share",
	    0.60 };
}

static double
stage_value(const struct stage *s, const struct period *a)
{
	if (strcmp(s->metric, "repurchase_rate") == 0)
		return a->customers ? (double)a->returning / a->customers : 0;
	return a->srevenue ? (double)a->ret_revenue / a->srevenue : 0;
}

/*
 * The change from before to now, in points for a rate, else in percent;
 * "-" when the two are not comparable (unlike spans of data, or a rate
 * with an empty denominator) or before is zero.
 */
static void
change_cell(struct table *t, double now, double before, int pct_points,
    int comparable)
{
	char b[32];

	if (!comparable)
		table_null(t);
	else if (pct_points) {
		snprintf(b, sizeof(b), "%+.1f pt", 100 * (now - before));
		table_cell(t, "", b, 0);
	} else if (before == 0)
		table_cell(t, "", "-", 0);
	else {
		snprintf(b, sizeof(b), "%+.1f%%", 100 * (now / before - 1));
		table_cell(t, "", b, 0);
	}
}

int
rp_summary(struct rp_ctx *c)
{
	struct period cur, prev;
	struct period *ps[2] = { &cur, &prev };
	struct table t;
	struct stage sg;
	int64_t days, first, ddays[2];
	char a[11], b[11], m1[48], m2[64];
	int i, unlike, twd = strcmp(c->currency, "TWD") == 0;

	memset(&cur, 0, sizeof(cur));
	cur.to = c->has_to ? c->to : c->asof;
	if (c->has_from)
		cur.from = c->from;
	else {
		int y, m, d, dim;

		/* Twelve months: from the day after the same date a year
		 * before (29 February counts as the 28th). */
		civil_from_days(cur.to, &y, &m, &d);
		dim = (int)(days_from_civil(m == 12 ? y : y - 1, m % 12 + 1,
		    1) - days_from_civil(y - 1, m, 1));
		cur.from = days_from_civil(y - 1, m, 1) + (d < dim ? d : dim);
	}
	days = cur.to - cur.from + 1;
	memset(&prev, 0, sizeof(prev));
	prev.to = cur.from - 1;
	prev.from = prev.to - days + 1;
	if (period_agg(c, &cur, &prev, &first) != 0)
		return -1;
	/* Days of each period on or after the scope's first order: when a
	 * period starts before it, its totals cover fewer days of data. */
	for (i = 0; i < 2; i++) {
		int64_t f = ps[i]->from > first ? ps[i]->from : first;

		ddays[i] = first == NOFROM || f > ps[i]->to ? 0 :
		    ps[i]->to - f + 1;
	}
	unlike = ddays[0] != days || ddays[1] != days;

	if (c->out.mode != TM_TABLE) {
		table_init(&t, &c->out);
		table_col(&t, "period", NULL, 0);
		table_col(&t, "from", NULL, 0);
		table_col(&t, "to", NULL, 0);
		table_col(&t, "days", NULL, 0);
		table_col(&t, "customers", NULL, 0);
		table_col(&t, "orders", NULL, 0);
		table_col(&t, "revenue", NULL, 0);
		table_col(&t, "aov", NULL, 0);
		table_col(&t, "orders_per_customer", NULL, 0);
		table_col(&t, "returning_customers", NULL, 0);
		table_col(&t, "repurchase_rate", NULL, 0);
		table_col(&t, "returning_revenue", NULL, 0);
		table_col(&t, "returning_revenue_share", NULL, 0);
		table_col(&t, "monthly_revenue", NULL, 0);
		table_col(&t, "stage", NULL, 0);
		table_col(&t, "focus", NULL, 0);
		table_col(&t, "target_metric", NULL, 0);
		table_col(&t, "target", NULL, 0);
		table_col(&t, "guest_revenue", NULL, 0);
		table_col(&t, "guest_revenue_share", NULL, 0);
		table_col(&t, "days_with_data", NULL, 0);
		for (i = 0; i < 2; i++) {
			struct period *p = ps[i];

			sg = stage_of(monthly_revenue(p));
			table_str(&t, i == 0 ? "current" : "previous");
			table_str(&t, rp_day(p->from, a));
			table_str(&t, rp_day(p->to, b));
			table_int(&t, p->to - p->from + 1);
			table_int(&t, p->customers);
			table_int(&t, p->sorders);
			table_money(&t, p->srevenue);
			table_money(&t, rp_div_round(p->srevenue, p->sorders));
			if (p->customers)
				table_num(&t, (double)p->orders /
				    p->customers, 2);
			else
				table_null(&t);
			table_int(&t, p->returning);
			table_ratio(&t, p->returning, p->customers);
			table_money(&t, p->ret_revenue);
			table_ratio(&t, p->ret_revenue, p->srevenue);
			table_money(&t, monthly_revenue(p));
			if (twd) {
				table_int(&t, sg.n);
				table_str(&t, sg.focus);
				table_str(&t, sg.metric);
				table_num(&t, sg.target, 2);
			} else {
				table_null(&t);
				table_null(&t);
				table_null(&t);
				table_null(&t);
			}
			table_money(&t, p->grevenue);
			table_ratio(&t, p->grevenue, p->srevenue);
			table_int(&t, ddays[i]);
			table_endrow(&t);
		}
		table_end(&t);
		return 0;
	}

	tout_title(&c->out, "Summary: %s to %s (%lld days)",
	    rp_day(cur.from, a), rp_day(cur.to, b), (long long)days);
	if (c->channel != NULL || c->list || cur.to != c->asof)
		rp_scope_note(c, cur.from, cur.to);
	table_init(&t, &c->out);
	table_col(&t, "metric", "", TC_LEFT);
	table_col(&t, "current", "this period", 0);
	snprintf(m2, sizeof(m2), "previous (from %s)", rp_day(prev.from, a));
	table_col(&t, "previous", m2, 0);
	table_col(&t, "change", "change", 0);
	/* A rate compares when both denominators hold something. */
#define ROW(label, cell, nowv, prevv, pts, cmp) do {			\
	table_str(&t, label);						\
	for (i = 0; i < 2; i++) {					\
		struct period *p = ps[i];				\
		cell;							\
	}								\
	change_cell(&t, nowv, prevv, pts, cmp);				\
	table_endrow(&t);						\
} while (0)
#define RATE(n, d) (d ? (double)(n) / (d) : 0)
	ROW("customers", table_int(&t, p->customers),
	    (double)cur.customers, (double)prev.customers, 0, !unlike);
	ROW("orders", table_int(&t, p->sorders),
	    (double)cur.sorders, (double)prev.sorders, 0, !unlike);
	ROW("revenue", table_money(&t, p->srevenue),
	    (double)cur.srevenue, (double)prev.srevenue, 0, !unlike);
	if (cur.grevenue != 0 || prev.grevenue != 0)
		ROW("  of no known buyer", table_ratio(&t, p->grevenue,
		    p->srevenue), RATE(cur.grevenue, cur.srevenue),
		    RATE(prev.grevenue, prev.srevenue), 1,
		    cur.srevenue && prev.srevenue);
	ROW("average order value", table_money(&t, rp_div_round(p->srevenue,
	    p->sorders)), RATE(cur.srevenue, cur.sorders),
	    RATE(prev.srevenue, prev.sorders), 0, cur.sorders && prev.sorders);
	ROW("orders per customer", p->customers ? table_num(&t,
	    (double)p->orders / p->customers, 2) : table_null(&t),
	    RATE(cur.orders, cur.customers), RATE(prev.orders, prev.customers),
	    0, cur.customers && prev.customers);
	ROW("returning customers", table_int(&t, p->returning),
	    (double)cur.returning, (double)prev.returning, 0, !unlike);
	ROW("repurchase rate", table_ratio(&t, p->returning, p->customers),
	    RATE(cur.returning, cur.customers),
	    RATE(prev.returning, prev.customers), 1,
	    cur.customers && prev.customers);
	ROW("returning revenue", table_money(&t, p->ret_revenue),
	    (double)cur.ret_revenue, (double)prev.ret_revenue, 0, !unlike);
	ROW("returning revenue share", table_ratio(&t, p->ret_revenue,
	    p->srevenue), RATE(cur.ret_revenue, cur.srevenue),
	    RATE(prev.ret_revenue, prev.srevenue), 1,
	    cur.srevenue && prev.srevenue);
	ROW("monthly revenue", table_money(&t, monthly_revenue(p)),
	    (double)monthly_revenue(&cur), (double)monthly_revenue(&prev), 0,
	    !unlike);
#undef RATE
#undef ROW
	table_end(&t);
	for (i = 1; i >= 0; i--)
		if (first != NOFROM && ddays[i] != days)
			tout_note(&c->out, "The %s period holds data on %lld of"
			    " its %lld days (the first order is from %s): its"
			    " totals are not compared.", i ? "previous" :
			    "current", (long long)ddays[i], (long long)days,
			    rp_day(first, a));
	rp_currency_note(c);

	/* The stages are the consultants' NT$ figures: for TWD only. */
	if (!twd)
		return 0;
	sg = stage_of(monthly_revenue(&cur));
	tout_title(&c->out, "Stage %d of 3 (%s a month)", sg.n,
	    rp_money(c, monthly_revenue(&cur), m1));
	tout_note(&c->out, "Focus: %s.", sg.focus);
	{
		double v = stage_value(&sg, &cur);
		const char *what = strcmp(sg.metric, "repurchase_rate") == 0 ?
		    "repurchase rate" : "returning revenue share";

		if (v >= sg.target)
			tout_note(&c->out, "Target: %s %.0f%%: reached "
			    "(%.1f%%).", what, 100 * sg.target, 100 * v);
		else
			tout_note(&c->out, "Target: %s %.0f%%: now %.1f%%, "
			    "%.1f points to go.", what, 100 * sg.target,
			    100 * v, 100 * (sg.target - v));
	}
	return 0;
}
