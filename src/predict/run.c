/*
 * run.c: crm-predict's commands: summary, fit, customers and check.
 * One pass over the store collects the distinct histories (for the
 * fits) and, when rows per customer are wanted, writes each customer's
 * summary to a temporary file that the output reads back, so memory
 * grows with distinct histories, never with customers.
 */
#include <err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audience.h"
#include "crm.h"
#include "table.h"
#include "predict/fit.h"
#include "predict/predict.h"
#include "predict/summary.h"
#include "predict/internal.h"

const char *const pd_check_parts[] = { "frequency", "cohort", "total",
	"lost", "palive", "weekly", NULL };

static void
put_unit(struct buf *b, int64_t days, int unit)
{
	if (unit == 1)
		buf_add_dec(b, days);
	else
		buf_printf(b, "%.2f", (double)days / unit);
}

void
tab_unit(struct table *t, int64_t days, int unit)
{
	if (unit == 1)
		table_int(t, days);
	else
		table_num(t, (double)days / unit, 2);
}

/*
 * Whether rows go through a table: on a terminal, and for a spreadsheet
 * (typed cells); plain CSV and TSV take the faster path of their own.
 */
static int
typed(const struct predict_opts *po, const struct tout *o)
{
	return o->mode == TM_TABLE || (po->common != NULL &&
	    crm_common_sheet(po->common));
}

/* The mean repeat value in minor units, rounded half away from 0. */
static int64_t
mean_minor(int64_t sum, int64_t x)
{
	if (x <= 0)
		return 0;
	return sum >= 0 ? (sum + x / 2) / x : -((-sum + x / 2) / x);
}

static int
put_summary_row(struct data *d, const struct pd_cust *c)
{
	int64_t tx = c->last - c->first, T = d->cal_end - c->first;
	int unit = d->o->unit, delim;

	if (typed(d->o, d->out)) {
		table_id(d->tab, c->id);
		table_int(d->tab, c->x);
		tab_unit(d->tab, tx, unit);
		tab_unit(d->tab, T, unit);
		table_money(d->tab, mean_minor(c->rep_sum, c->x));
		table_endrow(d->tab);
		return 0;
	}
	delim = d->out->mode == TM_TSV ? '\t' : ',';
	buf_reset(&d->line);
	buf_add_dec(&d->line, c->id);
	buf_addc(&d->line, (char)delim);
	buf_add_dec(&d->line, c->x);
	buf_addc(&d->line, (char)delim);
	put_unit(&d->line, tx, unit);
	buf_addc(&d->line, (char)delim);
	put_unit(&d->line, T, unit);
	buf_addc(&d->line, (char)delim);
	buf_add_money(&d->line, mean_minor(c->rep_sum, c->x));
	buf_addc(&d->line, '\n');
	fwrite(d->line.s, 1, d->line.len, stdout);
	return ferror(stdout) ? -1 : 0;
}

static int
collect(const struct pd_cust *c, void *arg)
{
	struct data *d = arg;
	struct rec r;
	double m;
	size_t i;

	if (d->tab != NULL)
		return put_summary_row(d, c);
	if (d->cal_end - c->first >= PD_MAX_DAYS) {
		warnx("customer %lld: the first purchase is %lld days before "
		    "the end; the models take at most %d", (long long)c->id,
		    (long long)(d->cal_end - c->first), PD_MAX_DAYS - 1);
		return -1;
	}
	r.id = c->id;
	r.key = pd_key(c->x, c->last - c->first, d->cal_end - c->first);
	r.first = c->first;
	r.last = c->last;
	r.rep_sum = c->rep_sum;
	r.hold = c->hold;
	pd_hist_add(&d->hist, r.key, 0);
	d->customers++;
	if (d->customers == 1 || c->first < d->first_min)
		d->first_min = c->first;
	if (c->x > 0) {
		d->repeaters++;
		if (c->rep_sum > 0) {
			pd_hist_add(&d->spend, c->x, c->rep_sum);
			m = (double)c->rep_sum / 100 / (double)c->x;
			d->sw++;
			d->sx += (double)c->x;
			d->sm += m;
			d->sxx += (double)c->x * (double)c->x;
			d->smm += m * m;
			d->sxm += (double)c->x * m;
		} else
			d->nonpos++;
	}
	if (d->o->cmd == PD_CHECK) {
		pd_hist_add(&d->firsts, c->first, 0);
		for (i = 1; i < c->ndays; i++)
			pd_hist_add(&d->repeats, c->days[i], 0);
	}
	if (d->tmp != NULL && fwrite(&r, sizeof(r), 1, d->tmp) != 1) {
		warn("temporary file");
		return -1;
	}
	return 0;
}

static void
data_free(struct data *d)
{
	pd_hist_free(&d->hist);
	pd_hist_free(&d->spend);
	pd_hist_free(&d->firsts);
	pd_hist_free(&d->repeats);
	if (d->tmp != NULL)
		fclose(d->tmp);
	buf_free(&d->line);
}

static int
read_store(sqlite3 *db, struct data *d, int want_tmp)
{
	if (want_tmp && (d->tmp = tmpfile()) == NULL) {
		warn("temporary file");
		return -1;
	}
	if (pd_scan(db, d->cal_end, d->end, collect, d) != 0)
		return -1;
	if (d->tmp != NULL)
		rewind(d->tmp);
	return 0;
}

/* ==== The data gates ==== */

int
gate_tx(const struct data *d)
{
	char a[11], b[11];
	int64_t span;

	day_format(d->cal_end, a);
	if (d->customers == 0) {
		warnx("no customer bought by %s: nothing to fit", a);
		return -1;
	}
	span = d->cal_end - d->first_min;
	if (span < PD_MIN_HISTORY) {
		warnx("the history is %lld days (first purchase %s, end %s); "
		    "a fit needs at least %d days (%lld more)",
		    (long long)span, day_format(d->first_min, b), a,
		    PD_MIN_HISTORY, (long long)(PD_MIN_HISTORY - span));
		return -1;
	}
	if (d->repeaters < PD_MIN_REPEAT) {
		if (d->repeaters == 0)
			warnx("every one of the %.0f customers bought on a "
			    "single day by %s: the models need repeat "
			    "purchases from at least %d customers", d->customers,
			    a, PD_MIN_REPEAT);
		else
			warnx("only %.0f of %.0f customers bought on two or "
			    "more days by %s; a fit needs at least %d (%.0f "
			    "more)", d->repeaters, d->customers, a,
			    PD_MIN_REPEAT, PD_MIN_REPEAT - d->repeaters);
		return -1;
	}
	return 0;
}

static int
gate_gg(const struct data *d)
{
	char a[11];

	if (d->sw < PD_MIN_REPEAT) {
		warnx("only %.0f repeat buyers spent more than 0 on their "
		    "repeat days by %s; Gamma-Gamma needs at least %d (%.0f "
		    "more)", d->sw, day_format(d->cal_end, a), PD_MIN_REPEAT,
		    PD_MIN_REPEAT - d->sw);
		return -1;
	}
	return 0;
}

/* ==== Fitting ==== */

const char *const pd_unit_name[] = { NULL, "days", NULL, NULL, NULL,
	NULL, NULL, "weeks" };

/* Says which parameters the likelihood drove to the edge, and so what. */
static void
edge_warning(const struct pd_fit *f)
{
	const struct pd_model_info *mi = &pd_models[f->model];
	struct buf b = { 0 };
	int i;

	if (f->edge == 0)
		return;
	for (i = 0; i < mi->np; i++)
		if (f->edge & 1 << i)
			buf_printf(&b, "%s%s goes to %s", b.len ? ", " : "",
			    mi->par[i], f->par[i] < 1 ? "0" : "infinity");
	warnx("%s: the likelihood keeps rising as %s: the data do not pin "
	    "%s down; the fit stops at the edge (below %g or above %g) and "
	    "predictions use where it stopped", mi->title, b.s,
	    __builtin_popcount((unsigned)f->edge) > 1 ? "them" : "it",
	    PD_EDGE_LO, PD_EDGE_HI);
	buf_free(&b);
}

int
fit_tx(const struct data *d, enum pd_model m, struct pd_fit *f,
    struct pd_row **rows, size_t **map)
{
	*rows = pd_rows(&d->hist, d->o->unit, map);
	if (pd_fit_tx(m, *rows, d->hist.n, f) != 0) {
		warnx("%s did not converge in %d steps (log-likelihood "
		    "%.4f): the data may not identify the model; try another "
		    "--model", pd_models[m].title, f->iter, f->ll);
		return -1;
	}
	edge_warning(f);
	return 0;
}

int
fit_gg(const struct data *d, struct pd_fit *f)
{
	struct pd_spend *sp;
	double cx, cm, cov, corr;
	int rc;

	if (gate_gg(d) != 0)
		return -1;
	if (d->nonpos > 0)
		warnx("Gamma-Gamma leaves out %.0f repeat buyers whose repeat "
		    "days came to 0 or less", d->nonpos);
	cov = d->sxm / d->sw - d->sx / d->sw * (d->sm / d->sw);
	cx = d->sxx / d->sw - pow(d->sx / d->sw, 2);
	cm = d->smm / d->sw - pow(d->sm / d->sw, 2);
	corr = cx > 0 && cm > 0 ? cov / sqrt(cx * cm) : 0;
	if (fabs(corr) >= 0.3)
		warnx("Gamma-Gamma assumes spend per purchase does not depend "
		    "on how often a customer buys, but here they correlate "
		    "(r = %.2f): spend estimates may be biased", corr);
	sp = pd_spends(&d->spend);
	rc = pd_fit_gg(sp, d->spend.n, f);
	free(sp);
	if (rc != 0) {
		warnx("Gamma-Gamma did not converge in %d steps", f->iter);
		return -1;
	}
	edge_warning(f);
	if (f->par[1] <= 1) {
		warnx("Gamma-Gamma: q = %.4f is not above 1, so the mean "
		    "spend per purchase is not finite: refusing to predict "
		    "spend", f->par[1]);
		return -1;
	}
	return 0;
}

/*
 * The fit of model m as of the data's end: the stored one while the
 * purchases are those it was fitted on, else fitted now (in memory).
 * *rows and *map are made either way, for the scores.
 */
int
stored_tx(sqlite3 *db, const struct data *d, enum pd_model m,
    struct pd_fit *f, struct pd_row **rows, size_t **map)
{
	int k;

	if ((k = pd_fit_load(db, m, d->o->unit, d->cal_end, d->hash, f)) < 0)
		return -1;
	if (k == 0)
		return fit_tx(d, m, f, rows, map);
	*rows = pd_rows(&d->hist, d->o->unit, map);
	return 0;
}

int
stored_gg(sqlite3 *db, const struct data *d, struct pd_fit *f)
{
	int k;

	if ((k = pd_fit_load(db, PD_GG, d->o->unit, d->cal_end, d->hash,
	    f)) < 0)
		return -1;
	return k == 1 ? 0 : fit_gg(d, f);
}

static void
fit_rows(struct table *t, const struct pd_fit *f)
{
	const struct pd_model_info *mi = &pd_models[f->model];
	int i;

	for (i = 0; i < mi->np; i++) {
		table_str(t, mi->name);
		table_str(t, mi->par[i]);
		table_num(t, f->par[i], 6);
		if (isfinite(f->se[i]))
			table_num(t, f->se[i], 6);
		else
			table_null(t);
		table_endrow(t);
	}
	table_str(t, mi->name);
	table_str(t, "log_likelihood");
	table_num(t, f->ll, 4);
	table_endrow(t);
	table_str(t, mi->name);
	table_str(t, "iterations");
	table_int(t, f->iter);
	table_endrow(t);
	table_str(t, mi->name);
	table_str(t, "customers");
	table_int(t, (int64_t)f->n);
	table_endrow(t);
}

void
fit_table(struct tout *o, const struct data *d, const struct pd_fit *f)
{
	struct table t;
	char a[11];

	tout_title(o, "%s, fitted as of %s in %s", pd_models[f->model].title,
	    day_format(d->cal_end, a), pd_unit_name[d->o->unit]);
	table_init(&t, o);
	table_col(&t, "model", NULL, TC_LEFT | TC_CSVONLY);
	table_col(&t, "name", NULL, TC_LEFT);
	table_col(&t, "value", NULL, 0);
	table_col(&t, "std_error", "std. error", 0);
	fit_rows(&t, f);
	table_end(&t);
	if (f->model != PD_GG)
		tout_note(o, "%.0f customers, %.0f of them bought on two or "
		    "more days; maximum likelihood on log-parameters, "
		    "%d evaluations of the likelihood.", d->customers,
		    d->repeaters, f->evals);
	else
		tout_note(o, "%.0f repeat buyers' mean spend per repeat "
		    "day; %d evaluations.", f->n, f->evals);
}

static int
cmd_fit(sqlite3 *db, struct tout *o, struct data *d)
{
	struct pd_fit f;
	struct pd_row *rows;
	size_t *map;
	enum pd_model m = d->o->model < 0 ? PD_BGNBD : d->o->model;
	int rc;

	if (gate_tx(d) != 0)
		return EXIT_DATA;
	if (m == PD_GG) {
		if (fit_gg(d, &f) != 0)
			return EXIT_DATA;
	} else {
		rc = fit_tx(d, m, &f, &rows, &map);
		free(rows);
		free(map);
		if (rc != 0)
			return EXIT_DATA;
	}
	if (pd_fit_save(db, &f, d->o->unit, d->cal_end, d->hash) != 0)
		return EXIT_DATA;
	fit_table(o, d, &f);
	return 0;
}

/* ==== customers ==== */

/* What every customer with one history gets. */
struct score {
	double	 purchases, det;	/* doubles: CLV to the cent */
	float	 palive, pnone, wait;
};

static struct score *
score_rows(const struct data *d, const struct pd_fit *f,
    const struct pd_row *rows, const size_t *map)
{
	struct score *s = xmalloc((d->hist.n + 1) * sizeof(*s));
	double h = (double)d->o->horizon / d->o->unit;
	double delta = log1p(d->o->discount) / 365.25 * d->o->unit;
	const struct pd_row *r;
	size_t i;

	for (i = 0; i < d->hist.n; i++) {
		r = &rows[map[i]];
		s[i].palive = (float)pd_palive(f->model, f->par, r->x, r->tx,
		    r->T);
		s[i].pnone = (float)pd_p_none(f->model, f->par, r->x, r->tx,
		    r->T, h);
		s[i].purchases = pd_expected(f->model, f->par, r->x, r->tx,
		    r->T, h);
		s[i].det = pd_discounted(f->model, f->par, r->x, r->tx, r->T,
		    h, delta);
		s[i].wait = (float)(pd_next_wait(f->par, r->x, r->T) *
		    d->o->unit);
	}
	return s;
}

/* v >= 0 with four decimals, as printf's %.4f but without it (a tenth
 * of the time on a million rows). */
static void
put_prob(struct buf *b, double v)
{
	int64_t n = llround(v * 10000);
	char frac[5];
	int i;

	buf_add_dec(b, n / 10000);
	for (i = 3, n %= 10000; i >= 0; i--, n /= 10)
		frac[i] = (char)('0' + n % 10);
	buf_addc(b, '.');
	buf_add(b, frac, 4);
}

static int
cmd_customers(sqlite3 *db, struct tout *o, struct data *d)
{
	struct audience_lookup *cl = NULL;
	struct audience_out *co = d->o->cols;
	struct pd_fit f, g;
	struct pd_row *rows;
	struct score *sc, *s;
	struct table t;
	struct rec r;
	struct buf b = { 0 };
	size_t *map;
	enum pd_model m = d->o->model < 0 ? PD_BGNBD : d->o->model;
	char date[11], c1[40], c2[40], c3[40];
	double spend, clv;
	int64_t x, tx, T;
	long k;
	int delim = o->mode == TM_TSV ? '\t' : ',', rc;
	size_t i;

	if (m == PD_GG) {
		warnx("--model gg predicts spend only: customers needs a "
		    "transaction model (bgnbd, mbgnbd, pareto)");
		return EXIT_USAGE;
	}
	if (gate_tx(d) != 0)
		return EXIT_DATA;
	rc = stored_tx(db, d, m, &f, &rows, &map);
	if (rc != 0 || stored_gg(db, d, &g) != 0) {
		free(rows);
		free(map);
		return EXIT_DATA;
	}
	pd_hist_free(&d->spend);	/* fitted: memory for the scores */
	sc = score_rows(d, &f, rows, map);
	free(rows);
	free(map);
	if (co != NULL) {
		co->asof = d->cal_end;
		if ((cl = audience_lookup_open(db, co, d->o->lost_after,
		    NULL)) == NULL) {
			free(sc);
			return EXIT_DATA;
		}
	}

	snprintf(c1, sizeof(c1), "purchases_%lldd", (long long)d->o->horizon);
	snprintf(c2, sizeof(c2), "no_purchase_%lldd",
	    (long long)d->o->horizon);
	snprintf(c3, sizeof(c3), "clv_%lldd_%g%%", (long long)d->o->horizon,
	    d->o->discount * 100);
	if (o->mode == TM_XLSX)		/* the sheet's name */
		tout_title(o, "customers");
	else
		tout_title(o, "Customers as of %s: %s and Gamma-Gamma",
		    day_format(d->cal_end, date), pd_models[m].title);
	tout_note(o, "p_alive: the chance the customer still buys; %s: "
	    "expected purchase days in the next %lld days; %s: the chance of "
	    "none in them; spend: expected spend per purchase day; clv: "
	    "expected spend over the next %lld days discounted continuously "
	    "at %g%% a year; next: the median day of the next purchase if "
	    "still active (blank when more likely gone).", c1,
	    (long long)d->o->horizon, c2, (long long)d->o->horizon,
	    d->o->discount * 100);
	table_init(&t, o);
	table_col(&t, "customer_id", "customer", 0);
	table_col(&t, "x", NULL, 0);
	table_col(&t, "t_x", NULL, 0);
	table_col(&t, "T", NULL, 0);
	table_col(&t, "p_alive", NULL, 0);
	table_col(&t, c1, "purchases", 0);
	table_col(&t, c2, "none", 0);
	table_col(&t, "spend", NULL, 0);
	table_col(&t, c3, "clv", 0);
	table_col(&t, "next_purchase", "next", 0);
	for (i = 0; co != NULL && i < co->ncol; i++)
		table_col(&t, audience_column_name(co, i), NULL, TC_LEFT);
	if (!typed(d->o, o)) {
		table_end(&t);		/* the header */
		fflush(stdout);
	}
	while (fread(&r, sizeof(r), 1, d->tmp) == 1) {
		k = pd_hist_find(&d->hist, r.key, 0);
		s = &sc[k];
		pd_unkey(r.key, &x, &tx, &T);
		spend = x > 0 && r.rep_sum > 0 ? pd_gg_mean(g.par, (double)x,
		    (double)r.rep_sum / 100 / (double)x) :
		    pd_gg_mean(g.par, 0, 0);
		clv = spend * s->det;
		if (typed(d->o, o)) {
			table_id(&t, r.id);
			table_int(&t, x);
			tab_unit(&t, tx, d->o->unit);
			tab_unit(&t, T, d->o->unit);
			table_num(&t, s->palive, 4);
			table_num(&t, s->purchases, 4);
			table_num(&t, s->pnone, 4);
			table_money(&t, llround(spend * 100));
			table_money(&t, llround(clv * 100));
			if (s->palive >= 0.5)
				table_str(&t, day_format(d->cal_end +
				    (int64_t)llround(s->wait), date));
			else
				table_null(&t);
			if (cl != NULL && audience_lookup_each(cl, r.id,
			    audience_table_cell, &t) != 0)
				break;
			table_endrow(&t);
			continue;
		}
		buf_reset(&b);
		buf_add_dec(&b, r.id);
		buf_addc(&b, (char)delim);
		buf_add_dec(&b, x);
		buf_addc(&b, (char)delim);
		put_unit(&b, tx, d->o->unit);
		buf_addc(&b, (char)delim);
		put_unit(&b, T, d->o->unit);
		buf_addc(&b, (char)delim);
		put_prob(&b, s->palive);
		buf_addc(&b, (char)delim);
		put_prob(&b, s->purchases);
		buf_addc(&b, (char)delim);
		put_prob(&b, s->pnone);
		buf_addc(&b, (char)delim);
		buf_add_money(&b, llround(spend * 100));
		buf_addc(&b, (char)delim);
		buf_add_money(&b, llround(clv * 100));
		buf_addc(&b, (char)delim);
		if (s->palive >= 0.5)
			buf_adds(&b, day_format(d->cal_end +
			    (int64_t)llround(s->wait), date));
		if (cl != NULL && audience_lookup_row(cl, r.id, &b) != 0)
			break;
		buf_addc(&b, '\n');
		fwrite(b.s, 1, b.len, stdout);
		if (ferror(stdout))
			break;
	}
	if (typed(d->o, o))
		table_end(&t);
	buf_free(&b);
	free(sc);
	audience_lookup_close(cl);
	return 0;
}

/* ==== The figures other programs use ==== */

/* The figures of one distinct history. */
struct use {
	double	 palive, purchases, pnone, det;
};

/* Inserts every customer's figures into table; d's tmp is read. */
static int
use_insert(sqlite3 *db, struct data *d, const char *table,
    const struct use *u, const struct pd_fit *f, const struct pd_fit *g,
    int prev)
{
	sqlite3_stmt *st;
	struct rec r;
	char *q;
	double spend;
	int64_t x, tx, T;
	long k;
	int rc = 0;

	q = sqlite3_mprintf("INSERT INTO temp.\"%w\" VALUES (?1, ?2, ?3,"
	    " ?4, ?5, ?6)", table);
	st = q != NULL ? store_prepare(db, q) : NULL;
	sqlite3_free(q);
	if (st == NULL)
		return -1;
	while (rc == 0 && fread(&r, sizeof(r), 1, d->tmp) == 1) {
		k = pd_hist_find(&d->hist, r.key, 0);
		pd_unkey(r.key, &x, &tx, &T);
		sqlite3_bind_int64(st, 1, r.id);
		sqlite3_bind_double(st, 2, u[k].palive);
		sqlite3_bind_double(st, 3, u[k].purchases);
		sqlite3_bind_double(st, 4, u[k].pnone);
		/* The day before: the same history one day younger, unless
		 * the customer bought on the day. */
		if (prev && r.last < d->cal_end)
			sqlite3_bind_double(st, 5, pd_palive(PD_BGNBD, f->par,
			    (double)x, (double)tx, (double)(T - 1)));
		else
			sqlite3_bind_null(st, 5);
		if (g != NULL) {
			spend = x > 0 && r.rep_sum > 0 ? pd_gg_mean(g->par,
			    (double)x, (double)r.rep_sum / 100 / (double)x) :
			    pd_gg_mean(g->par, 0, 0);
			sqlite3_bind_int64(st, 6, llround(spend * u[k].det *
			    100));
		} else
			sqlite3_bind_null(st, 6);
		if (store_step(st) != SQLITE_DONE)
			rc = -1;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

int
predict_table(sqlite3 *db, int64_t asof, const char *table, int flags)
{
	struct predict_opts o;
	struct data d;
	struct pd_fit f, g;
	struct pd_row *rows = NULL, *rw;
	struct use *u = NULL;
	size_t *map = NULL, i;
	double delta = log1p(PD_USE_DISCOUNT) / 365.25;
	char *q;
	int rc = -1, want_clv = flags & PD_USE_CLV;

	memset(&o, 0, sizeof(o));
	o.cmd = PD_CUSTOMERS;
	o.unit = 1;
	o.asof = asof;
	memset(&d, 0, sizeof(d));
	d.o = &o;
	d.end = d.cal_end = asof;
	if (pd_data_hash(db, asof, d.hash) != 0 || read_store(db, &d, 1) != 0
	    || gate_tx(&d) != 0 ||
	    stored_tx(db, &d, PD_BGNBD, &f, &rows, &map) != 0 ||
	    (want_clv && stored_gg(db, &d, &g) != 0))
		goto done;
	u = xmalloc((d.hist.n + 1) * sizeof(*u));
	for (i = 0; i < d.hist.n; i++) {
		rw = &rows[map[i]];
		u[i].palive = pd_palive(PD_BGNBD, f.par, rw->x, rw->tx, rw->T);
		u[i].purchases = pd_expected(PD_BGNBD, f.par, rw->x, rw->tx,
		    rw->T, PD_USE_HORIZON);
		u[i].pnone = pd_p_none(PD_BGNBD, f.par, rw->x, rw->tx, rw->T,
		    PD_USE_HORIZON);
		u[i].det = want_clv ? pd_discounted(PD_BGNBD, f.par, rw->x,
		    rw->tx, rw->T, PD_USE_CLV_DAYS, delta) : 0;
	}
	q = sqlite3_mprintf("DROP TABLE IF EXISTS temp.\"%w\";\n"
	    "CREATE TEMP TABLE \"%w\" (customer_id INTEGER PRIMARY KEY,"
	    " p_alive REAL NOT NULL, expected_orders REAL NOT NULL,"
	    " churn_risk REAL NOT NULL, p_alive_prev REAL, clv INTEGER)",
	    table, table);
	if (q == NULL || store_exec(db, q) != 0) {
		sqlite3_free(q);
		goto done;
	}
	sqlite3_free(q);
	if (store_exec(db, "SAVEPOINT predict_table") != 0)
		goto done;
	rc = use_insert(db, &d, table, u, &f, want_clv ? &g : NULL,
	    flags & PD_USE_PREV);
	if (store_exec(db, rc == 0 ? "RELEASE predict_table" :
	    "ROLLBACK TO predict_table; RELEASE predict_table") != 0)
		rc = -1;
done:
	free(u);
	free(rows);
	free(map);
	data_free(&d);
	return rc;
}

/* ==== summary ==== */

static int
cmd_summary(sqlite3 *db, struct tout *o, struct data *d)
{
	struct table t;
	int rc;

	if (o->mode == TM_XLSX)		/* the sheet's name */
		tout_title(o, "summary");
	table_init(&t, o);
	table_col(&t, "customer_id", "customer", 0);
	table_col(&t, "x", NULL, 0);
	table_col(&t, "t_x", NULL, 0);
	table_col(&t, "T", NULL, 0);
	table_col(&t, "mean_value", "mean value", 0);
	if (!typed(d->o, o)) {
		table_end(&t);
		fflush(stdout);
	}
	d->out = o;
	d->tab = &t;
	rc = pd_scan(db, d->cal_end, d->end, collect, d);
	if (typed(d->o, o))
		table_end(&t);
	return rc == 0 ? 0 : EXIT_DATA;
}

int
predict_run(sqlite3 *db, const struct predict_opts *o)
{
	struct data d;
	struct tout out;
	int rc;

	memset(&d, 0, sizeof(d));
	d.o = o;
	d.end = o->asof;
	d.cal_end = o->cmd == PD_CHECK ? o->asof - o->holdout : o->asof;
	if (o->common != NULL) {
		if (tout_start(&out, stdout, o->common) != 0)
			return EXIT_DATA;
	} else
		tout_init(&out, stdout, o->out_mode);
	if (o->cmd == PD_SUMMARY) {
		rc = cmd_summary(db, &out, &d);
		goto done;
	}
	if ((o->cmd != PD_CHECK && pd_data_hash(db, d.cal_end, d.hash) != 0)
	    || read_store(db, &d, o->cmd != PD_FIT) != 0) {
		rc = EXIT_DATA;
		goto done;
	}
	switch (o->cmd) {
	case PD_FIT:
		rc = cmd_fit(db, &out, &d);
		break;
	case PD_CUSTOMERS:
		rc = cmd_customers(db, &out, &d);
		break;
	default:
		rc = pd_check(db, &out, &d);
		break;
	}
done:
	data_free(&d);
	if (rc != 0)
		tout_abandon(&out);
	else if (tout_close(&out) != 0)
		rc = EXIT_DATA;
	return rc;
}
