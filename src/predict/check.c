/*
 * check.c: crm-predict check: a model fitted on the calibration period
 * (up to --as-of minus --holdout) against what the same customers did
 * in the holdout: repeat purchase days per frequency class, per cohort
 * and in total; the lost rule's verdicts; P(alive) deciles; and the
 * cumulative repeat purchases week by week.
 */
#include <err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "predict/internal.h"

#define NCLASS	8		/* x = 0..6, 7+ */
#define MAX_WEEK_ROWS 60	/* the weekly chart's rows, at most */

struct eval {
	enum pd_model m;
	struct pd_fit f;
	double	*pred;			/* per histogram entry: E[Y(holdout)] */
	double	*pnone;			/* P(no purchase in the holdout) */
	double	*palive;
	double	 act[NCLASS], prd[NCLASS], n[NCLASS];
	double	 error;			/* sum |actual - predicted| / actual */
};

static int
evaluate(struct data *d, enum pd_model m, struct eval *e)
{
	struct pd_row *rows, *r;
	struct rec rc;
	size_t *map, i;
	double h = (double)d->o->holdout / d->o->unit, sa = 0, se = 0;
	long k;
	int c;

	memset(e, 0, sizeof(*e));
	e->m = m;
	if (fit_tx(d, m, &e->f, &rows, &map) != 0) {
		free(rows);
		free(map);
		return -1;
	}
	e->pred = xmalloc((d->hist.n + 1) * sizeof(double));
	e->pnone = xmalloc((d->hist.n + 1) * sizeof(double));
	e->palive = xmalloc((d->hist.n + 1) * sizeof(double));
	for (i = 0; i < d->hist.n; i++) {
		r = &rows[map[i]];
		e->pred[i] = pd_expected(m, e->f.par, r->x, r->tx, r->T, h);
		e->pnone[i] = pd_p_none(m, e->f.par, r->x, r->tx, r->T, h);
		e->palive[i] = pd_palive(m, e->f.par, r->x, r->tx, r->T);
	}
	free(rows);
	free(map);
	rewind(d->tmp);
	while (fread(&rc, sizeof(rc), 1, d->tmp) == 1) {
		k = pd_hist_find(&d->hist, rc.key, 0);
		c = (int)(rc.key >> 42) < NCLASS - 1 ? (int)(rc.key >> 42) :
		    NCLASS - 1;
		e->act[c] += (double)rc.hold;
		e->prd[c] += e->pred[k];
		e->n[c]++;
	}
	for (c = 0; c < NCLASS; c++) {
		sa += e->act[c];
		se += fabs(e->act[c] - e->prd[c]);
	}
	e->error = se / fmax(sa, 1);
	return 0;
}

static void
eval_free(struct eval *e)
{
	free(e->pred);
	free(e->pnone);
	free(e->palive);
}

static int
shown(const struct tout *o, const struct predict_opts *po, const char *part)
{
	if (po->part != NULL)
		return strcmp(po->part, part) == 0;
	return o->mode == TM_TABLE || strcmp(part, "frequency") == 0;
}

/* A table of holdout purchases by group: the group, customers, actual,
 * predicted. */
static void
by_group(struct table *t, struct tout *o, const char *group,
    const char *title)
{
	tout_title(o, "Repeat purchase days in the holdout, by %s", title);
	table_init(t, o);
	table_col(t, group, NULL, TC_LEFT);
	table_col(t, "customers", NULL, 0);
	table_col(t, "actual", NULL, 0);
	table_col(t, "predicted", NULL, 0);
}

static void
part_frequency(struct tout *o, const struct eval *e)
{
	struct table t;
	char lab[8];
	int c;

	by_group(&t, o, "x", "purchase days repeated in the calibration "
	    "(mean per customer)");
	table_col(&t, "actual_total", "total actual", 0);
	table_col(&t, "predicted_total", "total predicted", 0);
	for (c = 0; c < NCLASS; c++) {
		snprintf(lab, sizeof(lab), c == NCLASS - 1 ? "%d+" : "%d", c);
		table_str(&t, lab);
		table_int(&t, (int64_t)e->n[c]);
		if (e->n[c] > 0) {
			table_num(&t, e->act[c] / e->n[c], 4);
			table_num(&t, e->prd[c] / e->n[c], 4);
		} else {
			table_null(&t);
			table_null(&t);
		}
		table_int(&t, (int64_t)e->act[c]);
		table_num(&t, e->prd[c], 2);
		table_endrow(&t);
	}
	table_end(&t);
}

static void
part_cohort(struct tout *o, struct data *d, const struct eval *e)
{
	struct table t;
	struct rec rc;
	double *n, *act, *prd;
	int y0, m0, y, m, dd, nm, i;
	char lab[16];

	civil_from_days(d->first_min, &y0, &m0, &dd);
	civil_from_days(d->cal_end, &y, &m, &dd);
	nm = (y - y0) * 12 + (m - m0) + 1;
	n = xmalloc(3 * nm * sizeof(double));
	memset(n, 0, 3 * nm * sizeof(double));
	act = n + nm;
	prd = act + nm;
	rewind(d->tmp);
	while (fread(&rc, sizeof(rc), 1, d->tmp) == 1) {
		civil_from_days(rc.first, &y, &m, &dd);
		i = (y - y0) * 12 + (m - m0);
		n[i]++;
		act[i] += (double)rc.hold;
		prd[i] += e->pred[pd_hist_find(&d->hist, rc.key, 0)];
	}
	by_group(&t, o, "cohort", "month of the first purchase");
	for (i = 0; i < nm; i++) {
		if (n[i] == 0)
			continue;
		snprintf(lab, sizeof(lab), "%04d-%02d", y0 + (m0 - 1 + i) / 12,
		    (m0 - 1 + i) % 12 + 1);
		table_str(&t, lab);
		table_int(&t, (int64_t)n[i]);
		table_int(&t, (int64_t)act[i]);
		table_num(&t, prd[i], 2);
		table_endrow(&t);
	}
	table_end(&t);
	free(n);
}

static void
part_total(struct tout *o, const struct eval *e)
{
	struct table t;
	double n = 0, a = 0, p = 0;
	int c;

	for (c = 0; c < NCLASS; c++) {
		n += e->n[c];
		a += e->act[c];
		p += e->prd[c];
	}
	tout_title(o, "Repeat purchase days in the holdout, all customers");
	table_init(&t, o);
	table_col(&t, "customers", NULL, 0);
	table_col(&t, "actual", NULL, 0);
	table_col(&t, "predicted", NULL, 0);
	table_col(&t, "error_pct", "error %", 0);
	table_col(&t, "class_error_pct", "class error %", 0);
	table_int(&t, (int64_t)n);
	table_int(&t, (int64_t)a);
	table_num(&t, p, 2);
	table_num(&t, a > 0 ? 100 * (p - a) / a : 0, 2);
	table_num(&t, 100 * e->error, 2);
	table_endrow(&t);
	table_end(&t);
	tout_note(o, "error: predicted against actual in total; class error: "
	    "the sum over the frequency classes of |actual - predicted|, "
	    "against the actual total (what chooses the model).");
}

static int
part_lost(sqlite3 *db, struct tout *o, struct data *d, const struct eval *e)
{
	struct table t;
	struct rec rc;
	double n = 0, back = 0, pred = 0, pal = 0, cycle;
	int64_t L;
	long basis, k;

	if (stats_asof(db, d->cal_end) != 0 ||
	    (L = lost_threshold(db, d->o->lost_after, &cycle, &basis)) < 0)
		return -1;
	rewind(d->tmp);
	while (fread(&rc, sizeof(rc), 1, d->tmp) == 1) {
		if (d->cal_end - rc.last <= L)
			continue;
		k = pd_hist_find(&d->hist, rc.key, 0);
		n++;
		back += rc.hold > 0;
		pred += 1 - e->pnone[k];
		pal += e->palive[k];
	}
	tout_title(o, "The lost rule at the calibration end: customers it "
	    "called lost who bought again in the holdout");
	table_init(&t, o);
	table_col(&t, "lost_after", "lost after (days)", 0);
	table_col(&t, "called_lost", "called lost", 0);
	table_col(&t, "bought_again", "bought again", 0);
	table_col(&t, "predicted", "predicted", 0);
	table_col(&t, "mean_p_alive", "mean P(alive)", 0);
	table_int(&t, L);
	table_int(&t, (int64_t)n);
	table_int(&t, (int64_t)back);
	table_num(&t, pred, 2);
	if (n > 0)
		table_num(&t, pal / n, 4);
	else
		table_null(&t);
	table_endrow(&t);
	table_end(&t);
	tout_note(o, "predicted: the customers the model expects to buy in "
	    "the holdout, the sum of 1 - P(no purchase).");
	return 0;
}

static const double *sort_pa;

static int
by_palive(const void *a, const void *b)
{
	double x = sort_pa[*(const size_t *)a], y = sort_pa[*(const size_t *)b];

	return x < y ? -1 : x > y;
}

static void
part_palive(struct tout *o, struct data *d, const struct eval *e)
{
	struct table t;
	struct rec rc;
	size_t *ix, i;
	int *dec, k;
	double cum = 0, n[10], pa[10], lo[10], hi[10], buy[10], pred[10];
	long j;

	ix = xmalloc((d->hist.n + 1) * sizeof(*ix));
	dec = xmalloc((d->hist.n + 1) * sizeof(*dec));
	for (i = 0; i < d->hist.n; i++)
		ix[i] = i;
	sort_pa = e->palive;
	qsort(ix, d->hist.n, sizeof(*ix), by_palive);
	/* Deciles of customers by P(alive); a history's customers stay
	 * together, so ties never straddle two deciles. */
	for (i = 0; i < d->hist.n; i++) {
		k = (int)(10 * cum / d->customers);
		dec[ix[i]] = k > 9 ? 9 : k;
		cum += d->hist.w[ix[i]];
	}
	memset(n, 0, sizeof(n));
	memset(pa, 0, sizeof(pa));
	memset(buy, 0, sizeof(buy));
	memset(pred, 0, sizeof(pred));
	for (k = 0; k < 10; k++) {
		lo[k] = 1;
		hi[k] = 0;
	}
	rewind(d->tmp);
	while (fread(&rc, sizeof(rc), 1, d->tmp) == 1) {
		j = pd_hist_find(&d->hist, rc.key, 0);
		k = dec[j];
		n[k]++;
		pa[k] += e->palive[j];
		lo[k] = fmin(lo[k], e->palive[j]);
		hi[k] = fmax(hi[k], e->palive[j]);
		buy[k] += rc.hold > 0;
		pred[k] += 1 - e->pnone[j];
	}
	tout_title(o, "P(alive) at the calibration end, in deciles, against "
	    "the share who bought in the holdout");
	table_init(&t, o);
	table_col(&t, "decile", NULL, 0);
	table_col(&t, "customers", NULL, 0);
	table_col(&t, "p_alive_from", "P(alive) from", 0);
	table_col(&t, "p_alive_to", "to", 0);
	table_col(&t, "mean_p_alive", "mean", 0);
	table_col(&t, "bought", "bought", 0);
	table_col(&t, "predicted", "predicted", 0);
	for (k = 0; k < 10; k++) {
		if (n[k] == 0)
			continue;
		table_int(&t, k + 1);
		table_int(&t, (int64_t)n[k]);
		table_num(&t, lo[k], 4);
		table_num(&t, hi[k], 4);
		table_num(&t, pa[k] / n[k], 4);
		table_num(&t, buy[k] / n[k], 4);
		table_num(&t, pred[k] / n[k], 4);
		table_endrow(&t);
	}
	table_end(&t);
	tout_note(o, "bought: the share who bought in the holdout; "
	    "predicted: the model's, the mean of 1 - P(no purchase). "
	    "Customers with the same history share a decile.");
	free(ix);
	free(dec);
}

static int64_t *sort_days;

static int
by_day(const void *a, const void *b)
{
	int64_t x = sort_days[*(const size_t *)a];
	int64_t y = sort_days[*(const size_t *)b];

	return x < y ? -1 : x > y;
}

static size_t *
day_order(const struct pd_hist *h)
{
	size_t *ix = xmalloc((h->n + 1) * sizeof(*ix)), i;

	for (i = 0; i < h->n; i++)
		ix[i] = i;
	sort_days = h->k1;
	qsort(ix, h->n, sizeof(*ix), by_day);
	return ix;
}

/*
 * A line of the chart: the actual as a solid bar, the predicted as a
 * mark (shaded where it falls inside the bar), in whole columns.
 */
static char *
chart(double act, double pred, double max, int width, char *buf)
{
	int na = (int)lround(act / max * width), np, c;
	char *p = buf;

	np = (int)lround(pred / max * width);
	for (c = 0; c < width && (c < na || c < np); c++) {
		if (c == np - 1)
			p = stpcpy(p, c < na ? "▒" : "│");
		else
			p = stpcpy(p, c < na ? "█" : " ");
	}
	*p = '\0';
	return buf;
}

/* The last day of the chart and the predicted value there. */
static double
predicted_at(const struct data *d, const struct eval *e, const size_t *fi,
    int64_t day)
{
	double pred = 0;
	size_t i;

	for (i = 0; i < d->firsts.n && d->firsts.k1[fi[i]] <= day; i++)
		pred += d->firsts.w[fi[i]] * pd_uncond(e->m, e->f.par,
		    (double)(day - d->firsts.k1[fi[i]]) / d->o->unit);
	return pred;
}

static void
part_weekly(struct tout *o, struct data *d, const struct eval *e)
{
	struct table t;
	size_t *fi, *ri, j = 0;
	int64_t step, weeks, day, start = d->first_min;
	double act = 0, pred, max;
	char lab[11], *bar;
	int width;

	weeks = (d->end - start) / 7 + 1;
	step = 7 * ((weeks + MAX_WEEK_ROWS - 1) / MAX_WEEK_ROWS);
	fi = day_order(&d->firsts);
	ri = day_order(&d->repeats);
	for (j = 0, max = 0; j < d->repeats.n; j++)
		max += d->repeats.w[j];
	max = fmax(1, fmax(max, predicted_at(d, e, fi, d->end)));
	width = o->width - 50 < 10 ? 10 : o->width - 50;
	bar = xmalloc(4 * (size_t)width + 8);
	j = 0;
	tout_title(o, "Cumulative repeat purchase days, actual and predicted "
	    "(%s), every %lld days", pd_models[e->m].title, (long long)step);
	table_init(&t, o);
	table_col(&t, "day", NULL, TC_LEFT);
	table_col(&t, "period", NULL, TC_LEFT);
	table_col(&t, "actual", NULL, 0);
	table_col(&t, "predicted", NULL, 0);
	table_col(&t, "chart", "█ actual  │ predicted", TC_LEFT | TC_TTYONLY);
	for (day = start + step; ; day += step) {
		if (day > d->end)
			day = d->end;
		for (; j < d->repeats.n && d->repeats.k1[ri[j]] <= day; j++)
			act += d->repeats.w[ri[j]];
		pred = predicted_at(d, e, fi, day);
		table_str(&t, day_format(day, lab));
		table_str(&t, day <= d->cal_end ? "calibration" : "holdout");
		table_int(&t, (int64_t)act);
		table_num(&t, pred, 1);
		table_cell(&t, "", chart(act, pred, max, width, bar), 0);
		table_endrow(&t);
		if (day == d->end)
			break;
	}
	table_end(&t);
	free(fi);
	free(ri);
	free(bar);
}

int
pd_check(sqlite3 *db, struct tout *o, struct data *d)
{
	struct eval ev[3], *e;
	char a[11], b[11], c[11];
	int i, n = 0, best = -1, rc = EXIT_DATA;

	if (gate_tx(d) != 0)
		return EXIT_DATA;
	if (d->o->model >= 0) {
		if (evaluate(d, d->o->model, &ev[0]) != 0)
			goto out;
		n = 1;
		best = 0;
	} else {
		for (i = 0; i < 3; i++) {
			if (evaluate(d, (enum pd_model)i, &ev[n]) != 0) {
				eval_free(&ev[n]);
				continue;
			}
			if (best < 0 || ev[n].error < ev[best].error)
				best = n;
			n++;
		}
		if (best < 0)
			goto out;
		for (i = 0; i < n; i++)
			warnx("%s: holdout error %.2f%%%s", pd_models[ev[i].m].name,
			    100 * ev[i].error, i == best ?
			    ": the best, checked below (--model to choose)" :
			    "");
	}
	e = &ev[best];
	tout_title(o, "Check: %s fitted up to %s, holdout %s to %s "
	    "(%lld days)", pd_models[e->m].title, day_format(d->cal_end, a),
	    day_format(d->cal_end + 1, b), day_format(d->end, c),
	    (long long)d->o->holdout);
	if (o->mode == TM_TABLE && d->o->part == NULL)
		fit_table(o, d, &e->f);
	if (shown(o, d->o, "frequency"))
		part_frequency(o, e);
	if (shown(o, d->o, "cohort"))
		part_cohort(o, d, e);
	if (shown(o, d->o, "total"))
		part_total(o, e);
	if (shown(o, d->o, "lost") && part_lost(db, o, d, e) != 0)
		goto out;
	if (shown(o, d->o, "palive"))
		part_palive(o, d, e);
	if (shown(o, d->o, "weekly"))
		part_weekly(o, d, e);
	rc = 0;
out:
	for (i = 0; i < n; i++)
		eval_free(&ev[i]);
	return rc;
}
