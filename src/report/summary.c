/*
 * report_sales.c: crm-report's summary, monthly, cohort, basket,
 * heatmap, channels and quality reports.
 */
#include <err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* ==== summary ==== */

/*
 * Both periods in one pass: a customer is returning in a period when
 * they bought before it or on two or more days in it.
 */
static int
period_agg(struct rp_ctx *c, struct period *cur, struct period *prev)
{
	sqlite3_stmt *st;
	struct pcust pc[2];
	struct period *ps[2] = { cur, prev };
	struct cday d;
	int64_t cid = -1, first = 0;
	int rc, k;

	if ((st = rp_cust_days(c)) == NULL)
		return -1;
	memset(pc, 0, sizeof(pc));
	while ((rc = store_step(st)) == SQLITE_ROW) {
		rp_cday_get(st, &d);
		if (d.cid != cid) {
			for (k = 0; k < 2; k++)
				rp_pcust_close(ps[k], &pc[k], first);
			cid = d.cid;
			first = d.day;
		}
		for (k = 0; k < 2; k++)
			if (d.day >= ps[k]->from && d.day <= ps[k]->to) {
				pc[k].n += d.n;
				pc[k].rev += d.rev;
				pc[k].days++;
			}
	}
	for (k = 0; k < 2; k++)
		rp_pcust_close(ps[k], &pc[k], first);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Average revenue per month: revenue x (365.25 / 12) / days. */
static int64_t
monthly_revenue(const struct period *a)
{
	int64_t days = a->to - a->from + 1;

	return days > 0 ? rp_div_round(a->revenue * 1461, 48 * days) : 0;
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
	return a->revenue ? (double)a->ret_revenue / a->revenue : 0;
}

static void
change_cell(struct table *t, double now, double before, int pct_points)
{
	char b[32];

	if (pct_points) {
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
	int64_t days;
	char a[11], b[11], m1[40], m2[64];
	int i;

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
	if (period_agg(c, &cur, &prev) != 0)
		return -1;

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
		for (i = 0; i < 2; i++) {
			struct period *p = ps[i];

			sg = stage_of(monthly_revenue(p));
			table_str(&t, i == 0 ? "current" : "previous");
			table_str(&t, rp_day(p->from, a));
			table_str(&t, rp_day(p->to, b));
			table_int(&t, p->to - p->from + 1);
			table_int(&t, p->customers);
			table_int(&t, p->orders);
			table_money(&t, p->revenue);
			table_money(&t, rp_div_round(p->revenue, p->orders));
			if (p->customers)
				table_num(&t, (double)p->orders /
				    p->customers, 2);
			else
				table_null(&t);
			table_int(&t, p->returning);
			table_ratio(&t, p->returning, p->customers);
			table_money(&t, p->ret_revenue);
			table_ratio(&t, p->ret_revenue, p->revenue);
			table_money(&t, monthly_revenue(p));
			table_int(&t, sg.n);
			table_str(&t, sg.focus);
			table_str(&t, sg.metric);
			table_num(&t, sg.target, 2);
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
#define ROW(label, cell, nowv, prevv, pts) do {				\
	table_str(&t, label);						\
	for (i = 0; i < 2; i++) {					\
		struct period *p = ps[i];				\
		cell;							\
	}								\
	change_cell(&t, nowv, prevv, pts);				\
	table_endrow(&t);						\
} while (0)
	ROW("customers", table_int(&t, p->customers),
	    (double)cur.customers, (double)prev.customers, 0);
	ROW("orders", table_int(&t, p->orders),
	    (double)cur.orders, (double)prev.orders, 0);
	ROW("revenue", table_money(&t, p->revenue),
	    (double)cur.revenue, (double)prev.revenue, 0);
	ROW("average order value", table_money(&t, rp_div_round(p->revenue,
	    p->orders)), cur.orders ? (double)cur.revenue / cur.orders : 0,
	    prev.orders ? (double)prev.revenue / prev.orders : 0, 0);
	ROW("orders per customer", p->customers ? table_num(&t,
	    (double)p->orders / p->customers, 2) : table_null(&t),
	    cur.customers ? (double)cur.orders / cur.customers : 0,
	    prev.customers ? (double)prev.orders / prev.customers : 0, 0);
	ROW("returning customers", table_int(&t, p->returning),
	    (double)cur.returning, (double)prev.returning, 0);
	ROW("repurchase rate", table_ratio(&t, p->returning, p->customers),
	    cur.customers ? (double)cur.returning / cur.customers : 0,
	    prev.customers ? (double)prev.returning / prev.customers : 0, 1);
	ROW("returning revenue", table_money(&t, p->ret_revenue),
	    (double)cur.ret_revenue, (double)prev.ret_revenue, 0);
	ROW("returning revenue share", table_ratio(&t, p->ret_revenue,
	    p->revenue), cur.revenue ? (double)cur.ret_revenue / cur.revenue :
	    0, prev.revenue ? (double)prev.ret_revenue / prev.revenue : 0, 1);
	ROW("monthly revenue", table_money(&t, monthly_revenue(p)),
	    (double)monthly_revenue(&cur), (double)monthly_revenue(&prev), 0);
#undef ROW
	table_end(&t);

	sg = stage_of(monthly_revenue(&cur));
	tout_title(&c->out, "Stage %d of 3 (%s a month)", sg.n,
	    fmt_money(monthly_revenue(&cur), m1));
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

/* ==== monthly ==== */

int
rp_monthly(struct rp_ctx *c)
{
	struct table t;
	sqlite3_stmt *st;
	struct cday d;
	struct period *mp = NULL;
	struct pcust pc;
	int64_t from = c->has_from ? c->from : NOFROM;
	int64_t to = c->has_to ? c->to : c->asof;
	int64_t m0, m1, cid = -1, first = 0, cm = -1, k, nm;
	char m[16];
	int rc = -1;

	if (rp_scope_months(c, &m0, &m1) != 0)
		return -1;
	nm = m0 < 0 ? 0 : m1 - m0 + 1;
	if (nm > 0 && (mp = calloc((size_t)nm, sizeof(*mp))) == NULL)
		err(EXIT_DATA, NULL);
	for (k = 0; k < nm; k++)
		mp[k].from = rp_month_start(m0 + k);
	memset(&pc, 0, sizeof(pc));
	if ((st = rp_cust_days(c)) == NULL)
		goto done;
	/* Each customer's days, month by month: the month is the period. */
	while ((rc = store_step(st)) == SQLITE_ROW) {
		rp_cday_get(st, &d);
		if (d.cid != cid || rp_month_of(d.day) != cm) {
			if (cm >= 0)
				rp_pcust_close(&mp[cm - m0], &pc, first);
			if (d.cid != cid)
				first = d.day;
			cid = d.cid;
			cm = rp_month_of(d.day);
		}
		if (d.day >= from && d.day <= to) {
			pc.n += d.n;
			pc.rev += d.rev;
			pc.days++;
		}
	}
	if (cm >= 0)
		rp_pcust_close(&mp[cm - m0], &pc, first);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto done;
	tout_title(&c->out, "New and returning customers by month");
	rp_scope_note(c, from, to);
	table_init(&t, &c->out);
	table_col(&t, "month", NULL, TC_LEFT);
	table_col(&t, "customers", NULL, 0);
	table_col(&t, "new_customers", "new", 0);
	table_col(&t, "returning_customers", "returning", 0);
	table_col(&t, "orders", NULL, TC_OPTIONAL);
	table_col(&t, "revenue", NULL, 0);
	table_col(&t, "new_revenue", NULL, TC_CSVONLY);
	table_col(&t, "returning_revenue", "ret. revenue", TC_OPTIONAL);
	table_col(&t, "repurchase_rate", "rate", 0);
	table_col(&t, "bar", "", TC_BAR);
	for (k = 0; k < nm; k++) {
		struct period *p = &mp[k];

		if (p->customers == 0)
			continue;
		table_str(&t, rp_month(m0 + k, m));
		table_int(&t, p->customers);
		table_int(&t, p->customers - p->returning);
		table_int(&t, p->returning);
		table_int(&t, p->orders);
		table_money(&t, p->revenue);
		table_money(&t, p->revenue - p->ret_revenue);
		table_money(&t, p->ret_revenue);
		table_ratio(&t, p->returning, p->customers);
		table_cell(&t, "", "", (double)p->revenue);
		table_barpart(&t, (double)p->ret_revenue);
		table_endrow(&t);
	}
	table_end(&t);
	tout_note(&c->out, "%sbar: revenue, %s█%s%s from returning customers, "
	    "░ from new%s", tc_dim(&c->out), tc_off(&c->out), tc_bar(&c->out),
	    tc_dim(&c->out), tc_off(&c->out));
	rc = 0;
done:
	free(mp);
	return rc;
}

/* ==== cohort ==== */

int
rp_cohort(struct rp_ctx *c)
{
	struct table t;
	sqlite3_stmt *st;
	int64_t from = c->has_from ? c->from : NOFROM;
	int64_t to = c->has_to ? c->to : c->asof;
	int64_t m0 = -1, m1 = -1, nm, last = rp_month_of(c->asof);
	int64_t *size = NULL, *active = NULL, *repeat = NULL;
	int64_t ci, k, cum;
	char m[16], lab[16];
	int rc = -1, shown, kmax;

	if (rp_scope_months(c, &m0, &m1) != 0)
		return -1;
	nm = m0 < 0 ? 0 : last - m0 + 1;
	if (nm > 0) {
		struct cday d;
		int64_t cid = -1, f = 0, ck = -1, nd = 0, k0;

		/* Cohorts x months since: small (months, not customers). */
		size = calloc((size_t)(m1 - m0 + 1), sizeof(*size));
		active = calloc((size_t)((m1 - m0 + 1) * nm), sizeof(*active));
		repeat = calloc((size_t)((m1 - m0 + 1) * nm), sizeof(*repeat));
		if (size == NULL || active == NULL || repeat == NULL)
			err(EXIT_DATA, NULL);
		if ((st = rp_cust_days(c)) == NULL)
			goto done;
		while (store_step(st) == SQLITE_ROW) {
			rp_cday_get(st, &d);
			if (d.cid != cid) {
				cid = d.cid;
				f = d.day;
				nd = 0;
				ck = -1;
				if (f >= from && f <= to)
					size[rp_month_of(f) - m0]++;
			}
			nd++;
			if (f < from || f > to)
				continue;
			ci = rp_month_of(f) - m0;
			k0 = rp_month_of(d.day) - rp_month_of(f);
			if (k0 != ck)
				active[ci * nm + k0]++;
			ck = k0;
			if (nd == 2)
				repeat[ci * nm + k0]++;
		}
		if (sqlite3_errcode(c->db) != SQLITE_DONE &&
		    sqlite3_errcode(c->db) != SQLITE_OK) {
			sqlite3_finalize(st);
			goto done;
		}
		sqlite3_finalize(st);
	}
	if (c->out.mode != TM_TABLE) {
		table_init(&t, &c->out);
		table_col(&t, "cohort", NULL, 0);
		table_col(&t, "customers", NULL, 0);
		table_col(&t, "month", NULL, 0);
		table_col(&t, "active", NULL, 0);
		table_col(&t, "active_share", NULL, 0);
		table_col(&t, "repeat", NULL, 0);
		table_col(&t, "repeat_share", NULL, 0);
		for (ci = 0; nm > 0 && ci <= m1 - m0; ci++) {
			if (size[ci] == 0)
				continue;
			cum = 0;
			for (k = 0; k <= last - (m0 + ci); k++) {
				cum += repeat[ci * nm + k];
				table_str(&t, rp_month(m0 + ci, m));
				table_int(&t, size[ci]);
				table_int(&t, k);
				table_int(&t, active[ci * nm + k]);
				table_ratio(&t, active[ci * nm + k], size[ci]);
				table_int(&t, cum);
				table_ratio(&t, cum, size[ci]);
				table_endrow(&t);
			}
		}
		table_end(&t);
		rc = 0;
		goto done;
	}
	tout_title(&c->out, "Cohorts by first-purchase month: share who had "
	    "bought again, by months since");
	rp_scope_note(c, from, to);
	kmax = (int)nm;
	shown = (c->out.width - 7 - 2 - 9) / 8;
	if (shown < 1)
		shown = 1;
	if (shown > kmax)
		shown = kmax;
	table_init(&t, &c->out);
	table_col(&t, "cohort", NULL, TC_LEFT);
	table_col(&t, "customers", NULL, 0);
	{
		static char labels[TABLE_MAXCOLS][24];

		for (k = 0; k < shown && k < TABLE_MAXCOLS - 2; k++) {
			snprintf(labels[k], sizeof(labels[k]), "M%lld",
			    (long long)k);
			table_col(&t, labels[k], NULL, 0);
		}
	}
	for (ci = 0; nm > 0 && ci <= m1 - m0; ci++) {
		if (size[ci] == 0)
			continue;
		table_str(&t, rp_month(m0 + ci, m));
		table_int(&t, size[ci]);
		cum = 0;
		for (k = 0; k < shown && k < TABLE_MAXCOLS - 2; k++) {
			if (k > last - (m0 + ci)) {
				table_cell(&t, "", "", 0);
				continue;
			}
			cum += repeat[ci * nm + k];
			table_ratio(&t, cum, size[ci]);
		}
		table_endrow(&t);
	}
	table_end(&t);
	if (shown < kmax) {
		snprintf(lab, sizeof(lab), "M%d", kmax - 1);
		tout_note(&c->out, "%sM%d to %s not shown: a wider terminal or "
		    "--csv shows them%s", tc_dim(&c->out), shown, lab,
		    tc_off(&c->out));
	}
	tout_note(&c->out, "%sMk: share of the cohort whose second purchase "
	    "day came within k months of the first%s", tc_dim(&c->out),
	    tc_off(&c->out));
	rc = 0;
done:
	free(size);
	free(active);
	free(repeat);
	return rc;
}

/* ==== basket ==== */

int
rp_basket(struct rp_ctx *c)
{
	struct table t;
	sqlite3_stmt *st;
	int64_t from = c->has_from ? c->from : NOFROM;
	int64_t to = c->has_to ? c->to : c->asof;
	int64_t cnt[MAXBR] = { 0 }, rev[MAXBR] = { 0 }, v, sum = 0;
	int64_t above = 0, near = 0, nearlo;
	struct quant q;
	long n = 0;
	char a[40], b[40];
	int rc, j;

	/* How many first (a plain scan), then the values in order. */
	st = rp_prep(c, "SELECT COUNT(*) FROM temp.p"
	    " WHERE t >= ?1 * 86400 AND t < (?2 + 1) * 86400");
	if (st == NULL)
		return -1;
	rp_bind2(st, from, to);
	rc = store_step(st);
	if (rc == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return -1;
	st = rp_prep(c, "SELECT max(net - shipping, 0) FROM temp.p"
	    " WHERE t >= ?1 * 86400 AND t < (?2 + 1) * 86400 ORDER BY 1");
	if (st == NULL)
		return -1;
	rp_bind2(st, from, to);
	rp_quant_start(&q, n);
	nearlo = c->free_ship - c->free_ship / 5;
	while ((rc = store_step(st)) == SQLITE_ROW) {
		v = sqlite3_column_int64(st, 0);
		rp_quant_add(&q, (double)v);
		sum += v;
		for (j = c->nbrackets - 1; j > 0 && v < c->brackets[j]; j--)
			;
		if (v >= c->brackets[0] || j > 0) {
			cnt[j]++;
			rev[j] += v;
		}
		if (v >= c->free_ship)
			above++;
		else if (v >= nearlo)
			near++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (rp_part_is(c, "brackets", 1)) {
		tout_title(&c->out, "Order values (goods, without shipping)");
		rp_scope_note(c, from, to);
		table_init(&t, &c->out);
		table_col(&t, "from", NULL, TC_CSVONLY);
		table_col(&t, "to", NULL, TC_CSVONLY);
		table_col(&t, "bracket", NULL, TC_TTYONLY | TC_LEFT);
		table_col(&t, "orders", NULL, 0);
		table_col(&t, "share", NULL, 0);
		table_col(&t, "revenue", NULL, TC_OPTIONAL);
		table_col(&t, "revenue_share", "rev share", TC_OPTIONAL);
		table_col(&t, "bar", "", TC_BAR);
		for (j = 0; j < c->nbrackets; j++) {
			char lab[96];

			table_money(&t, c->brackets[j]);
			if (j + 1 < c->nbrackets) {
				table_money(&t, c->brackets[j + 1]);
				snprintf(lab, sizeof(lab), "%s - %s",
				    fmt_money(c->brackets[j], a),
				    fmt_money(c->brackets[j + 1], b));
			} else {
				table_null(&t);
				snprintf(lab, sizeof(lab), "%s +",
				    fmt_money(c->brackets[j], a));
			}
			table_str(&t, lab);
			table_int(&t, cnt[j]);
			table_ratio(&t, cnt[j], n);
			table_money(&t, rev[j]);
			table_ratio(&t, rev[j], sum);
			table_cell(&t, "", "", (double)cnt[j]);
			table_endrow(&t);
		}
		table_end(&t);
		tout_note(&c->out, "%sa bracket holds values from its lower "
		    "bound up to, not including, the next%s", tc_dim(&c->out),
		    tc_off(&c->out));
	}
	if (!rp_part_is(c, "summary", 0))
		return 0;
	if (c->out.mode == TM_TABLE) {
		char p1[16], p2[16];

		tout_title(&c->out, "Free shipping from %s",
		    fmt_money(c->free_ship, a));

		tout_note(&c->out, "%lld of %ld orders (%s) reach it; %lld "
		    "more (%s) are within 20%% below it, at %s or more.",
		    (long long)above, n, fmt_pct(above, n, p1),
		    (long long)near, fmt_pct(near, n, p2),
		    fmt_money(nearlo, a));
		tout_note(&c->out, "Mean order %s, median %s.",
		    fmt_money(rp_div_round(sum, n), a), n ? fmt_money((int64_t)
		    llround(rp_quant_get(&q, 1)), b) : "-");
		return 0;
	}
	table_init(&t, &c->out);
	table_col(&t, "orders", NULL, 0);
	table_col(&t, "revenue", NULL, 0);
	table_col(&t, "mean", NULL, 0);
	table_col(&t, "median", NULL, 0);
	table_col(&t, "free_shipping", NULL, 0);
	table_col(&t, "above", NULL, 0);
	table_col(&t, "above_share", NULL, 0);
	table_col(&t, "near_below", NULL, 0);
	table_col(&t, "near_below_share", NULL, 0);
	table_int(&t, n);
	table_money(&t, sum);
	table_money(&t, rp_div_round(sum, n));
	if (n)
		table_money(&t, (int64_t)llround(rp_quant_get(&q, 1)));
	else
		table_null(&t);
	table_money(&t, c->free_ship);
	table_int(&t, above);
	table_ratio(&t, above, n);
	table_int(&t, near);
	table_ratio(&t, near, n);
	table_endrow(&t);
	table_end(&t);
	return 0;
}

/* ==== heatmap ==== */

static const char *const wdays[7] = { "Mon", "Tue", "Wed", "Thu", "Fri",
	"Sat", "Sun" };

int
rp_heatmap(struct rp_ctx *c)
{
	struct table t;
	sqlite3_stmt *st;
	int64_t from = c->has_from ? c->from : NOFROM;
	int64_t to = c->has_to ? c->to : c->asof;
	int64_t n[7][24], rv[7][24], max = 0, total = 0, hour[24] = { 0 };
	int rc, d, h, best[3][2], k, narrow;
	FILE *fp;
	char *mem = NULL;
	size_t memlen = 0;

	memset(n, 0, sizeof(n));
	memset(rv, 0, sizeof(rv));
	/* Monday is 0; 1970-01-01, day 0, was a Thursday. */
	st = rp_prep(c, "SELECT ((day + 3) % 7 + 7) % 7, (t - day * 86400)"
	    " / 3600, COUNT(*), SUM(net) FROM temp.p"
	    " WHERE t >= ?1 * 86400 AND t < (?2 + 1) * 86400"
	    " GROUP BY 1, 2");
	if (st == NULL)
		return -1;
	rp_bind2(st, from, to);
	while ((rc = store_step(st)) == SQLITE_ROW) {
		d = sqlite3_column_int(st, 0);
		h = sqlite3_column_int(st, 1);
		n[d][h] = sqlite3_column_int64(st, 2);
		rv[d][h] = sqlite3_column_int64(st, 3);
		if (n[d][h] > max)
			max = n[d][h];
		total += n[d][h];
		hour[h] += n[d][h];
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (c->out.mode != TM_TABLE) {
		table_init(&t, &c->out);
		table_col(&t, "weekday", NULL, 0);
		table_col(&t, "hour", NULL, 0);
		table_col(&t, "orders", NULL, 0);
		table_col(&t, "revenue", NULL, 0);
		table_col(&t, "share", NULL, 0);
		for (d = 0; d < 7; d++)
			for (h = 0; h < 24; h++) {
				table_str(&t, wdays[d]);
				table_int(&t, h);
				table_int(&t, n[d][h]);
				table_money(&t, rv[d][h]);
				table_ratio(&t, n[d][h], total);
				table_endrow(&t);
			}
		table_end(&t);
		return 0;
	}
	tout_title(&c->out, "Orders by weekday and hour");
	rp_scope_note(c, from, to);
	narrow = c->out.width < 4 + 24 * 3;
	if ((fp = open_memstream(&mem, &memlen)) == NULL)
		return -1;
	fprintf(fp, "%s    ", tc_dim(&c->out));
	for (h = 0; h < 24; h++)
		if (narrow)
			fputc(h % 6 == 0 ? '0' + h / 10 : ' ', fp);
		else
			fprintf(fp, " %02d", h);
	fprintf(fp, "%s\n", tc_off(&c->out));
	for (d = 0; d < 7; d++) {
		fprintf(fp, "%s", wdays[d]);
		for (h = 0; h < 24; h++) {
			const char *s = shade((double)n[d][h], (double)max);

			if (narrow)
				fprintf(fp, "%.3s", *s == ' ' ? " " : s);
			else
				fprintf(fp, " %s", s);
		}
		fputc('\n', fp);
	}
	fclose(fp);
	put_lines(&c->out, mem, memlen);
	free(mem);
	tout_note(&c->out, "%s░ to 25%%  ▒ 50%%  ▓ 75%%  █ 100%% of the "
	    "busiest hour (%s orders); %s orders in all%s",
	    tc_dim(&c->out), fmt_int(max, (char[32]){ 0 }),
	    fmt_int(total, (char[32]){ 0 }), tc_off(&c->out));
	/* The three busiest weekday-hours and hours of the day. */
	for (k = 0; k < 3; k++) {
		best[k][0] = best[k][1] = -1;
		for (d = 0; d < 7; d++)
			for (h = 0; h < 24; h++) {
				int taken = 0, j;

				for (j = 0; j < k; j++)
					if (best[j][0] == d && best[j][1] == h)
						taken = 1;
				if (!taken && n[d][h] > 0 && (best[k][0] < 0 ||
				    n[d][h] > n[best[k][0]][best[k][1]]))
					best[k][0] = d, best[k][1] = h;
			}
	}
	if (best[0][0] >= 0) {
		struct buf s = { 0 };

		for (k = 0; k < 3 && best[k][0] >= 0; k++)
			buf_printf(&s, "%s%s %02d:00 (%s)", k ? ", " : "",
			    wdays[best[k][0]], best[k][1],
			    fmt_int(n[best[k][0]][best[k][1]], (char[32]){ 0 }));
		tout_note(&c->out, "Busiest: %s.", s.s);
		buf_reset(&s);
		for (k = 0, h = 0; h < 24; h++)
			if (hour[h] > hour[k])
				k = h;
		tout_note(&c->out, "Busiest hour of the day: %02d:00 (%s of "
		    "orders); mail shortly before it.", k,
		    fmt_pct(hour[k], total, (char[16]){ 0 }));
		buf_free(&s);
	}
	return 0;
}

/* ==== channels ==== */

/*
 * Channels and the sets of channels customers bought on, from one pass
 * over (customer, channel) in customer order: a shop has a handful of
 * channels, so the totals are a few entries found by name.
 */
struct chan {
	char	*name;			/* a channel, or a set 'a+b' */
	int	 nch;			/* channels in the set */
	int64_t	 cust, orders, rev, only;
};

struct chans {
	struct chan *e;
	size_t	 n, cap;
};

/* The index of the entry called name, added when new. */
static size_t
chan_find(struct chans *cs, const char *name, int nch)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (strcmp(cs->e[i].name, name) == 0)
			return i;
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 8;
		cs->e = xrealloc(cs->e, cs->cap * sizeof(*cs->e));
	}
	memset(&cs->e[cs->n], 0, sizeof(cs->e[0]));
	cs->e[cs->n].name = xstrdup(name);
	cs->e[cs->n].nch = nch;
	return cs->n++;
}

static void
chans_free(struct chans *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		free(cs->e[i].name);
	free(cs->e);
}

static int
chan_by_rev(const void *pa, const void *pb)
{
	const struct chan *a = pa, *b = pb;

	if (a->rev != b->rev)
		return a->rev > b->rev ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int
combo_order(const void *pa, const void *pb)
{
	const struct chan *a = pa, *b = pb;

	if ((a->nch > 1) != (b->nch > 1))
		return a->nch > 1 ? -1 : 1;
	if (a->cust != b->cust)
		return a->cust > b->cust ? -1 : 1;
	return strcmp(a->name, b->name);
}

struct cch {				/* one channel of the customer at hand */
	size_t	 ch;			/* its entry in the channel totals */
	int64_t	 n, rev;
};

/* Adds the customer at hand to the channel and set totals. */
static void
cust_channels(struct chans *chs, struct chans *sets, struct cch *cur,
    size_t *ncur, struct buf *combo)
{
	struct chan *set, *ch;
	size_t i;

	if (*ncur == 0)
		return;
	i = chan_find(sets, combo->s, (int)*ncur);
	set = &sets->e[i];
	set->cust++;
	for (i = 0; i < *ncur; i++) {
		ch = &chs->e[cur[i].ch];
		ch->cust++;
		ch->orders += cur[i].n;
		ch->rev += cur[i].rev;
		ch->only += *ncur == 1;
		set->orders += cur[i].n;
		set->rev += cur[i].rev;
	}
	*ncur = 0;
	buf_reset(combo);
}

int
rp_channels(struct rp_ctx *c)
{
	struct table t;
	sqlite3_stmt *st;
	struct chans chs = { NULL, 0, 0 }, sets = { NULL, 0, 0 };
	struct cch *cur = NULL;
	struct buf combo = { 0 };
	size_t ncur = 0, capcur = 0, i;
	int64_t from = c->has_from ? c->from : NOFROM;
	int64_t to = c->has_to ? c->to : c->asof, total = 0, cust = 0;
	int64_t cid = -1, multi = 0;
	int rc, ret = -1;

	st = rp_prep(c, "SELECT cid, channel, COUNT(*), SUM(net) FROM temp.p"
	    " WHERE t >= ?1 * 86400 AND t < (?2 + 1) * 86400"
	    " GROUP BY cid, channel ORDER BY cid, channel");
	if (st == NULL)
		return -1;
	rp_bind2(st, from, to);
	buf_adds(&combo, "");
	while ((rc = store_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);

		if (id != cid) {
			cust_channels(&chs, &sets, cur, &ncur, &combo);
			cid = id;
			cust++;
		}
		if (name == NULL)
			name = "";
		if (ncur == capcur) {
			capcur = capcur ? capcur * 2 : 8;
			cur = xrealloc(cur, capcur * sizeof(*cur));
		}
		cur[ncur].ch = chan_find(&chs, name, 1);
		cur[ncur].n = sqlite3_column_int64(st, 2);
		cur[ncur].rev = sqlite3_column_int64(st, 3);
		total += cur[ncur].rev;
		/* Channels come sorted, so the set's name is too. */
		buf_printf(&combo, "%s%s", ncur > 0 ? "+" : "", name);
		ncur++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto done;
	cust_channels(&chs, &sets, cur, &ncur, &combo);
	if (chs.n > 0)
		qsort(chs.e, chs.n, sizeof(*chs.e), chan_by_rev);
	if (sets.n > 0)
		qsort(sets.e, sets.n, sizeof(*sets.e), combo_order);
	if (rp_part_is(c, "channels", 1)) {
		tout_title(&c->out, "Channels");
		rp_scope_note(c, from, to);
		table_init(&t, &c->out);
		table_col(&t, "channel", NULL, TC_LEFT);
		table_col(&t, "customers", NULL, 0);
		table_col(&t, "orders", NULL, 0);
		table_col(&t, "revenue", NULL, 0);
		table_col(&t, "revenue_share", "share", 0);
		table_col(&t, "aov", "AOV", TC_OPTIONAL);
		table_col(&t, "only_here", "only here", TC_OPTIONAL);
		table_col(&t, "bar", "", TC_BAR);
		for (i = 0; i < chs.n; i++) {
			struct chan *ch = &chs.e[i];

			table_str(&t, ch->name);
			table_int(&t, ch->cust);
			table_int(&t, ch->orders);
			table_money(&t, ch->rev);
			table_ratio(&t, ch->rev, total);
			table_money(&t, rp_div_round(ch->rev, ch->orders));
			table_int(&t, ch->only);
			table_cell(&t, "", "", (double)ch->rev);
			table_endrow(&t);
		}
		table_end(&t);
	}
	if (rp_part_is(c, "overlap", 0)) {
		tout_title(&c->out, "Customers by the channels they bought on");
		table_init(&t, &c->out);
		table_col(&t, "channels", NULL, TC_LEFT | TC_SHRINK);
		table_col(&t, "count", NULL, TC_CSVONLY);
		table_col(&t, "customers", NULL, 0);
		table_col(&t, "customer_share", "share", 0);
		table_col(&t, "orders", NULL, TC_OPTIONAL);
		table_col(&t, "revenue", NULL, TC_OPTIONAL);
		table_col(&t, "bar", "", TC_BAR);
		for (i = 0; i < sets.n; i++) {
			struct chan *set = &sets.e[i];

			if (set->nch > 1)
				multi += set->cust;
			table_str(&t, set->name);
			table_int(&t, set->nch);
			table_int(&t, set->cust);
			table_ratio(&t, set->cust, cust);
			table_int(&t, set->orders);
			table_money(&t, set->rev);
			table_cell(&t, "", "", (double)set->cust);
			table_endrow(&t);
		}
		table_end(&t);
		tout_note(&c->out, "%lld of %lld customers (%s) bought on more "
		    "than one channel.", (long long)multi, (long long)cust,
		    fmt_pct(multi, cust, (char[16]){ 0 }));
	}
	ret = 0;
done:
	chans_free(&chs);
	chans_free(&sets);
	free(cur);
	buf_free(&combo);
	return ret;
}

/* ==== quality ==== */

struct check {
	const char *name;
	const char *label;
	const char *why;
	int64_t	 count, base;
};

/*
 * The customers who ordered in [from, to] (view ao) and are in
 * customers: v[0] how many, then how many have no phone and no email,
 * no phone, no email, a masked name, and orders on two channels or
 * more.  Customer ids lie close together, so each one's first channel
 * (as a small number) and whether another followed are kept by id from
 * a plain scan of the orders, then the customers are read in id order:
 * no grouping sort and no lookup per customer.  Far-apart ids fall back
 * to the same in SQL.
 */
static int
quality_customers(struct rp_ctx *c, int64_t from, int64_t to, int64_t *v)
{
	sqlite3_stmt *st;
	int32_t *ch = NULL;		/* per id: -1 none, else channel */
	uint8_t *multi = NULL;
	char *names[256];
	int64_t maxcid = -1, k;
	int nnames = 0, rc = -1, i, j;

	for (i = 0; i < 6; i++)
		v[i] = 0;
	if ((st = rp_prep(c, "SELECT max(id) FROM main.customers")) == NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		maxcid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (maxcid > 64 * 1024 * 1024) {
		st = rp_prep(c, "SELECT COUNT(*), total(c.phone IS NULL AND"
		    " c.email IS NULL), total(c.phone IS NULL),"
		    " total(c.email IS NULL), total(c.name LIKE '%*%'),"
		    " total(x.multi)"
		    " FROM (SELECT cid, MIN(channel) < MAX(channel) AS multi"
		    "  FROM temp.ao"
		    "  WHERE t >= ?1 * 86400 AND t < (?2 + 1) * 86400"
		    "  GROUP BY cid) x"
		    " JOIN main.customers c ON c.id = x.cid");
		if (st == NULL)
			return -1;
		rp_bind2(st, from, to);
		if ((rc = store_step(st)) == SQLITE_ROW)
			for (i = 0; i < 6; i++)
				v[i] = sqlite3_column_int64(st, i);
		sqlite3_finalize(st);
		return rc == SQLITE_ROW ? 0 : -1;
	}
	if (maxcid < 0)
		return 0;
	ch = xmalloc(((size_t)maxcid + 1) * sizeof(*ch));
	multi = calloc((size_t)maxcid + 1, 1);
	if (multi == NULL)
		err(EXIT_DATA, NULL);
	for (k = 0; k <= maxcid; k++)
		ch[k] = -1;
	st = rp_prep(c, "SELECT cid, channel FROM temp.ao"
	    " WHERE t >= ?1 * 86400 AND t < (?2 + 1) * 86400");
	if (st == NULL)
		goto done;
	rp_bind2(st, from, to);
	while ((rc = store_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);

		if (id < 0 || id > maxcid)
			continue;	/* in no customer row: not joined */
		if (name == NULL)
			name = "";
		for (j = 0; j < nnames && strcmp(names[j], name) != 0; j++)
			;
		if (j == nnames) {
			if (nnames == 256) {
				warnx("%s: more than 256 channels",
				    store_path(c->db));
				rc = SQLITE_ERROR;
				break;
			}
			names[nnames++] = xstrdup(name);
		}
		if (ch[id] < 0)
			ch[id] = j;
		else if (ch[id] != j)
			multi[id] = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		rc = -1;
		goto done;
	}
	rc = -1;
	st = rp_prep(c, "SELECT id, phone IS NULL, email IS NULL,"
	    " name LIKE '%*%' FROM main.customers");
	if (st == NULL)
		goto done;
	while ((i = store_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		int np = sqlite3_column_int(st, 1);
		int ne = sqlite3_column_int(st, 2);

		if (id < 0 || id > maxcid || ch[id] < 0)
			continue;
		v[0]++;
		v[1] += np && ne;
		v[2] += np;
		v[3] += ne;
		v[4] += sqlite3_column_int(st, 3);
		v[5] += multi[id];
	}
	sqlite3_finalize(st);
	if (i == SQLITE_DONE)
		rc = 0;
done:
	for (j = 0; j < nnames; j++)
		free(names[j]);
	free(ch);
	free(multi);
	return rc;
}

int
rp_quality(struct rp_ctx *c)
{
	struct check ck[16];
	struct table t;
	sqlite3_stmt *st;
	int64_t from = c->has_from ? c->from : NOFROM;
	int64_t to = c->has_to ? c->to : c->asof, v[16];
	int n = 0, i, rc;

	memset(v, 0, sizeof(v));
	st = rp_prep(c, "SELECT COUNT(*), total(status = 'cancelled'),"
	    " total(status = 'returned'),"
	    " total(status IN ('completed', 'pending') AND refund > 0),"
	    " total(status = 'pending'),"
	    " total(status IN ('completed', 'pending')),"
	    " total(status IN ('completed', 'pending') AND net = 0)"
	    " FROM temp.ao WHERE t >= ?1 * 86400 AND t < (?2 + 1) * 86400");
	if (st == NULL)
		return -1;
	rp_bind2(st, from, to);
	if ((rc = store_step(st)) == SQLITE_ROW)
		for (i = 0; i < 7; i++)
			v[i] = sqlite3_column_int64(st, i);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return -1;
	ck[n++] = (struct check){ "cancelled", "cancelled orders",
	    "not revenue; counted nowhere else", v[1], v[0] };
	ck[n++] = (struct check){ "returned", "returned orders",
	    "fully refunded: not purchases", v[2], v[0] };
	ck[n++] = (struct check){ "partly_returned", "partly returned",
	    "revenue is net of the refund", v[3], v[0] };
	ck[n++] = (struct check){ "pending", "pending orders",
	    "counted as purchases; may still be cancelled", v[4], v[0] };
	ck[n++] = (struct check){ "zero_value", "zero-value purchases",
	    "lower the AOV; gifts or full discounts?", v[6], v[5] };
	st = rp_prep(c, "SELECT total(orders_unchanged + orders_updated),"
	    " total(orders_new + orders_unchanged + orders_updated)"
	    " FROM main.imports");
	if (st == NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW) {
		v[7] = sqlite3_column_int64(st, 0);
		v[8] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	ck[n++] = (struct check){ "duplicate_orders", "orders seen again",
	    "an order imported twice is stored once (all imports)", v[7],
	    v[8] };
	if (quality_customers(c, from, to, v + 9) != 0)
		return -1;
	ck[n++] = (struct check){ "no_contact", "customers with no phone "
	    "or email", "cannot be reached outside the platform", v[10], v[9] };
	ck[n++] = (struct check){ "no_phone", "customers with no phone",
	    "masked or missing: SMS impossible", v[11], v[9] };
	ck[n++] = (struct check){ "no_email", "customers with no email",
	    "mail impossible", v[12], v[9] };
	ck[n++] = (struct check){ "masked_name", "masked names (*)",
	    "the platform hid the buyer", v[13], v[9] };
	ck[n++] = (struct check){ "multi_channel", "customers on 2+ channels",
	    "matched across channels by phone or email", v[14], v[9] };
	st = rp_prep(c, "SELECT COUNT(*), total(reason LIKE 'phone %'),"
	    " total(reason LIKE 'email %'), total(reason LIKE 'account %')"
	    " FROM main.merges");
	if (st == NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW)
		for (i = 0; i < 4; i++)
			v[i] = sqlite3_column_int64(st, i);
	sqlite3_finalize(st);
	ck[n++] = (struct check){ "merges", "customer records merged",
	    "one buyer found under two records (all imports)", v[0], v[9] };
	ck[n++] = (struct check){ "merges_by_phone", "merged by phone",
	    "a shared phone may be a household, not one person", v[1], v[0] };
	ck[n++] = (struct check){ "merges_by_email", "merged by email",
	    "", v[2], v[0] };
	ck[n++] = (struct check){ "merges_by_account", "merged by account",
	    "one account that another record's phone or email named",
	    v[3], v[0] };

	tout_title(&c->out, "Data quality: what may mislead");
	rp_scope_note(c, from, to);
	table_init(&t, &c->out);
	table_col(&t, "check", NULL, TC_CSVONLY);
	table_col(&t, "label", "", TC_LEFT | TC_TTYONLY);
	table_col(&t, "count", NULL, 0);
	table_col(&t, "base", "of", 0);
	table_col(&t, "share", NULL, 0);
	table_col(&t, "why", "why it matters", TC_LEFT | TC_TTYONLY |
	    TC_SHRINK);
	for (i = 0; i < n; i++) {
		table_str(&t, ck[i].name);
		table_str(&t, ck[i].label);
		table_int(&t, ck[i].count);
		table_int(&t, ck[i].base);
		table_ratio(&t, ck[i].count, ck[i].base);
		table_str(&t, ck[i].why);
		table_endrow(&t);
	}
	table_end(&t);
	return 0;
}

