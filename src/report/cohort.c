/*
 * cohort.c: crm-report's cohort report: first-purchase month cohorts and the
 * share who bought again.
 */
#include <err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

int
rp_cohort(struct rp_ctx *c)
{
	struct table t;
	struct rp_cdays it;
	int64_t from = c->has_from ? c->from : NOFROM;
	int64_t to = c->has_to ? c->to : c->asof;
	int64_t m0 = -1, m1 = -1, nm, last = rp_month_of(c->asof);
	int64_t *size = NULL, *active = NULL, *repeat = NULL;
	int64_t ci, k, cum;
	char m[16], lab[16];
	int rc = -1, more, shown, kmax;

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
		if (rp_cdays_open(c, &it, 0) != 0)
			goto done;
		while ((more = rp_cdays_next(&it, &d)) > 0) {
			if (d.n == 0)		/* returns only: no purchase */
				continue;
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
		rp_cdays_close(&it);
		if (more < 0)
			goto done;
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
