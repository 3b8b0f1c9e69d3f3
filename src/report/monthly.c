/*
 * monthly.c: crm-report's monthly report: new and returning customers and
 * revenue per month.
 */
#include <err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

int
rp_monthly(struct rp_ctx *c)
{
	struct table t;
	struct rp_cdays it;
	struct cday d;
	struct period *mp = NULL;
	struct pcust pc;
	int64_t from = c->has_from ? c->from : NOFROM;
	int64_t to = c->has_to ? c->to : c->asof;
	int64_t m0, m1, cid = -1, first = 0, cm = -1, k, nm;
	char m[16];
	int rc = -1, more;

	if (rp_scope_months(c, &m0, &m1) != 0)
		return -1;
	nm = m0 < 0 ? 0 : m1 - m0 + 1;
	if (nm > 0 && (mp = calloc((size_t)nm, sizeof(*mp))) == NULL)
		err(EXIT_DATA, NULL);
	/* Each month clipped to the period, as the summary clips its own:
	 * a customer who bought before --from is returning in it. */
	for (k = 0; k < nm; k++) {
		mp[k].from = rp_month_start(m0 + k);
		if (mp[k].from < from)
			mp[k].from = from;
	}
	if (nm > 0 && rp_shop(c, from, to, 1, m0, mp, nm) != 0)
		goto done;
	memset(&pc, 0, sizeof(pc));
	if (rp_cdays_open(c, &it, 0) != 0)
		goto done;
	/* Each customer's days, month by month: the month is the period. */
	while ((more = rp_cdays_next(&it, &d)) > 0) {
		if (d.cid != cid || rp_month_of(d.day) != cm) {
			if (cm >= 0)
				rp_pcust_close(&mp[cm - m0], &pc, first);
			if (d.cid != cid)
				first = INT64_MAX;
			cid = d.cid;
			cm = rp_month_of(d.day);
		}
		if (d.n > 0 && first == INT64_MAX)
			first = d.day;
		if (d.day >= from && d.day <= to) {
			pc.n += d.n;
			pc.rev += d.rev;
			pc.days += d.n > 0;
		}
	}
	if (cm >= 0)
		rp_pcust_close(&mp[cm - m0], &pc, first);
	rp_cdays_close(&it);
	if (more < 0)
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

		if (p->customers == 0 && p->sorders == 0 && p->srevenue == 0)
			continue;
		table_str(&t, rp_month(m0 + k, m));
		table_int(&t, p->customers);
		table_int(&t, p->customers - p->returning);
		table_int(&t, p->returning);
		table_int(&t, p->sorders);
		table_money(&t, p->srevenue);
		table_money(&t, p->revenue - p->ret_revenue);
		table_money(&t, p->ret_revenue);
		table_ratio(&t, p->returning, p->customers);
		table_cell(&t, "", "", (double)p->srevenue);
		table_barpart(&t, (double)p->ret_revenue);
		table_endrow(&t);
	}
	table_end(&t);
	tout_note(&c->out, "%sbar: revenue, %s█%s%s from returning customers, "
	    "░ from new%s", tc_dim(&c->out), tc_off(&c->out), tc_bar(&c->out),
	    tc_dim(&c->out), tc_off(&c->out));
	rp_currency_note(c);
	rc = 0;
done:
	free(mp);
	return rc;
}
