/*
 * basket.c: crm-report's basket report: order values in brackets and the
 * free-shipping threshold.
 */
#include <err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

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
		rp_currency_note(c);
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
