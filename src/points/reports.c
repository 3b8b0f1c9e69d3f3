/*
 * reports.c: crm-points' subcommands over the ledger stream: balances,
 * statement, liability, replay, evaluate (crm-points(1)).  Each writes
 * one table through tout: aligned on a terminal, CSV when piped.
 */
#include <stdlib.h>
#include <string.h>

#include "audience.h"
#include "crm.h"
#include "points/store.h"
#include "report/report.h"
#include "stats.h"

typedef int (*cust_fn)(void *, const struct pt_cust *,
    const struct pt_totals *);

/*
 * Runs the ledger for every enrolled customer not held out (or only
 * `who`), calling fn with each one's totals.
 */
static int
each_member(struct pt_opts *o, struct pt_ledger *l, int64_t who,
    cust_fn fn, void *arg)
{
	struct pt_reader *rd;
	struct pt_cust c;
	struct pt_totals t;
	int rc;

	if ((rd = pt_read_open(o->db, l->asof, who)) == NULL)
		return -1;
	while ((rc = pt_read(rd, &c)) == 1) {
		if (programme_holdout(l->pg, c.id))
			continue;
		pt_ledger_run(l, &c, &t);
		if (t.enrolled && fn(arg, &c, &t) != 0) {
			rc = -1;
			break;
		}
	}
	pt_read_close(rd);
	return rc;
}

/* Points times the value of a point, in minor units, rounded. */
static int64_t
points_value(const struct programme *pg, int64_t pts)
{
	/* value: millionths of a unit; a minor unit is 10000 of them. */
	return (pts * pg->value + 5000) / 10000;
}

static void
tier_cell(struct table *t, const struct programme *pg, int tier)
{
	table_str(t, tier >= 0 ? pg->tier[tier].name : "");
}

/* ==== balances ==== */

/* The columns: CSV name, table label (NULL: the name), flags. */
static const struct {
	const char *name, *label;
	int	 flags;
} bal_cols[] = {
	{ "customer_id", "customer", 0 },
	{ "earned", NULL, 0 },
	{ "returned", NULL, 0 },
	{ "redeemed", NULL, 0 },
	{ "expired", NULL, 0 },
	{ "balance", NULL, 0 },
	{ "pending", NULL, 0 },
	{ "tier", NULL, TC_LEFT },
	{ "tier_spend", "tier spend", 0 },
	{ "to_next_tier", "to next tier", 0 },
	{ "lapsing_30d", "lapsing 30d", 0 },
};
#define NBALCOLS (sizeof(bal_cols) / sizeof(bal_cols[0]))

struct bal {
	struct table t;
	const struct programme *pg;
	struct audience_lookup *cols;	/* --columns, or NULL */
	int	 delim;			/* CSV/TSV: rows written directly */
	struct buf line;
	FILE	*fp;
};

/*
 * One member's row.  As plain CSV or TSV, a row is written in one go with the fast
 * field writers (the same text table_int, table_money and table_null
 * give): this is the command that runs over every customer.
 */
static int
bal_row(void *arg, const struct pt_cust *c, const struct pt_totals *x)
{
	struct bal *b = arg;
	struct table *t = &b->t;
	struct buf *l = &b->line;
	const int64_t n[] = { c->id, x->earned, x->returned, x->redeemed,
	    x->expired, x->balance, x->pending };
	size_t i;

	if (b->delim != 0) {
		buf_reset(l);
		for (i = 0; i < sizeof(n) / sizeof(n[0]); i++) {
			buf_add_dec(l, n[i]);
			buf_addc(l, (char)b->delim);
		}
		if (x->tier >= 0)
			buf_add_field(l, b->delim, b->pg->tier[x->tier].name);
		buf_addc(l, (char)b->delim);
		if (b->pg->ntiers > 0)
			buf_add_money(l, x->spend);
		buf_addc(l, (char)b->delim);
		if (x->to_next >= 0)
			buf_add_money(l, x->to_next);
		buf_addc(l, (char)b->delim);
		buf_add_dec(l, x->lapse30);
		if (b->cols != NULL && audience_lookup_row(b->cols, c->id, l)
		    != 0)
			return -1;
		buf_addc(l, '\n');
		return fwrite(l->s, 1, l->len, b->fp) == l->len ? 0 : -1;
	}
	table_id(t, n[0]);
	for (i = 1; i < sizeof(n) / sizeof(n[0]); i++)
		table_int(t, n[i]);
	tier_cell(t, b->pg, x->tier);
	if (b->pg->ntiers > 0)
		table_money(t, x->spend);
	else
		table_null(t);
	if (x->to_next >= 0)
		table_money(t, x->to_next);
	else
		table_null(t);
	table_int(t, x->lapse30);
	if (b->cols != NULL && audience_lookup_each(b->cols, c->id,
	    audience_table_cell, t) != 0)
		return -1;
	table_endrow(t);
	return 0;
}

int
pt_balances(struct pt_opts *o, const struct programme *pg)
{
	struct pt_ledger l;
	struct audience_out co;
	struct bal b;
	size_t i;
	int rc;

	memset(&b, 0, sizeof(b));
	memset(&co, 0, sizeof(co));
	if (o->columns != NULL) {
		co.delim = o->out.mode == TM_TSV ? '\t' : ',';
		co.asof = o->asof;
		if (audience_columns(&co, o->columns) != 0 ||
		    (b.cols = audience_lookup_open(o->db, &co, 0, NULL)) ==
		    NULL)
			return -1;
	}
	pt_ledger_init(&l, pg, o->asof);
	b.pg = pg;
	b.fp = o->out.fp;
	if (o->out.mode == TM_TABLE || o->sheet) {
		char d[11];

		if (o->out.mode == TM_XLSX)	/* the sheet's name */
			tout_title(&o->out, "balances");
		else
			tout_title(&o->out, "Points of programme %s as of %s",
			    pg->name, day_format(o->asof, d));
		table_init(&b.t, &o->out);
		for (i = 0; i < NBALCOLS; i++)
			table_col(&b.t, bal_cols[i].name, bal_cols[i].label,
			    bal_cols[i].flags);
		for (i = 0; i < co.ncol; i++)
			table_col(&b.t, audience_column_name(&co, i), NULL,
			    TC_LEFT);
	} else {
		b.delim = o->out.mode == TM_TSV ? '\t' : ',';
		for (i = 0; i < NBALCOLS; i++)
			fprintf(b.fp, "%s%s", i > 0 ? (b.delim == ',' ? ","
			    : "\t") : "", bal_cols[i].name);
		if (co.ncol > 0) {
			audience_header(&co, &b.line);
			fwrite(b.line.s, 1, b.line.len, b.fp);
		}
		fputc('\n', b.fp);
	}
	rc = each_member(o, &l, 0, bal_row, &b);
	if (b.delim == 0)
		table_end(&b.t);
	buf_free(&b.line);
	pt_ledger_free(&l);
	audience_lookup_close(b.cols);
	return rc < 0 ? -1 : 0;
}

/* ==== statement ==== */

struct stm {
	struct table t;
	const struct programme *pg;
	int64_t	 n;
};

static void
stm_entry(void *arg, const struct pt_entry *e)
{
	struct stm *s = arg;
	struct table *t = &s->t;
	char d[11];

	table_str(t, day_format(e->day, d));
	table_str(t, pt_kind_name[e->kind]);
	table_int(t, e->points);
	table_int(t, e->balance);
	table_int(t, e->pending);
	if (e->points > 0 && e->usable > e->day)
		table_str(t, day_format(e->usable, d));
	else
		table_null(t);
	table_str(t, e->ref != NULL ? e->ref : "");
	if (e->basis != 0)
		table_money(t, e->basis);
	else
		table_null(t);
	if (e->kind == PK_EARN || e->kind == PK_RETURN) {
		tier_cell(t, s->pg, e->tier);
		table_num(t, e->mult / 100.0, 2);
	} else {
		table_null(t);
		table_null(t);
	}
	if (e->kind == PK_REDEEM || e->kind == PK_RETURN)
		table_int(t, e->asked);
	else
		table_null(t);
	table_endrow(t);
	s->n++;
}

static int
stm_cust(void *arg, const struct pt_cust *c, const struct pt_totals *x)
{
	(void)arg;
	(void)c;
	(void)x;
	return 0;
}

int
pt_statement(struct pt_opts *o, const struct programme *pg, int64_t who)
{
	struct pt_ledger l;
	struct stm s;
	char d[11];
	int rc;

	if (programme_holdout(pg, who)) {
		fprintf(stderr, "%s: customer %lld is in the holdout of "
		    "programme %s: not enrolled\n", crm_prog, (long long)who,
		    pg->name);
		return -1;
	}
	pt_ledger_init(&l, pg, o->asof);
	memset(&s, 0, sizeof(s));
	s.pg = pg;
	l.entry = stm_entry;
	l.arg = &s;
	if (o->out.mode == TM_TABLE)
		tout_title(&o->out, "Points of customer %lld in %s as of %s",
		    (long long)who, pg->name, day_format(o->asof, d));
	table_init(&s.t, &o->out);
	table_col(&s.t, "date", NULL, TC_LEFT);
	table_col(&s.t, "entry", NULL, TC_LEFT);
	table_col(&s.t, "points", NULL, 0);
	table_col(&s.t, "balance", NULL, 0);
	table_col(&s.t, "pending", NULL, 0);
	table_col(&s.t, "usable_from", "usable from", TC_LEFT);
	table_col(&s.t, "ref", "order / ref", TC_LEFT);
	table_col(&s.t, "amount", NULL, 0);
	table_col(&s.t, "tier", NULL, TC_LEFT);
	table_col(&s.t, "multiplier", "x", 0);
	table_col(&s.t, "asked", NULL, 0);
	rc = each_member(o, &l, who, stm_cust, &s);
	table_end(&s.t);
	pt_ledger_free(&l);
	if (rc == 0 && s.n == 0 && o->out.mode == TM_TABLE)
		tout_note(&o->out, "No entries: customer %lld is not in the "
		    "programme as of %s.", (long long)who, d);
	return rc < 0 ? -1 : 0;
}

/* ==== liability ==== */

struct liab {
	int64_t	 members, balance, pending, redeemed, expired, l30, l90;
};

static int
liab_add(void *arg, const struct pt_cust *c, const struct pt_totals *x)
{
	struct liab *a = arg;

	(void)c;
	a->members++;
	a->balance += x->balance;
	a->pending += x->pending;
	a->redeemed += x->redeemed;
	a->expired += x->expired;
	a->l30 += x->lapse30;
	a->l90 += x->lapse90;
	return 0;
}

/* Below this many redemptions a breakage rate is said to be thin. */
#define PT_THIN_REDEMPTIONS 30

/* A two-column table of measures, one a row. */
static void
kv_int(struct table *t, const char *k, int64_t v)
{
	table_str(t, k);
	table_int(t, v);
	table_endrow(t);
}

static void
kv_money(struct table *t, const char *k, int64_t v)
{
	table_str(t, k);
	table_money(t, v);
	table_endrow(t);
}

int
pt_liability(struct pt_opts *o, const struct programme *pg)
{
	struct pt_ledger l;
	struct liab a;
	struct table t;
	int64_t out, brk, nred = 0;
	int hist, rc;
	char d[11];

	memset(&a, 0, sizeof(a));
	pt_ledger_init(&l, pg, o->asof);
	rc = each_member(o, &l, 0, liab_add, &a);
	pt_ledger_free(&l);
	if (rc < 0)
		return -1;
	hist = pt_has_redemptions(o->db) && a.redeemed + a.expired > 0;
	if (hist && (nred = pt_redemptions_before(o->db,
	    (o->asof + 1) * DAY_SECS)) < 0)
		return -1;
	out = a.balance + a.pending;
	if (o->out.mode == TM_TABLE)
		tout_title(&o->out, "Liability of programme %s as of %s",
		    pg->name, day_format(o->asof, d));
	table_init(&t, &o->out);
	table_col(&t, "measure", "", TC_LEFT);
	table_col(&t, "value", "", 0);
	kv_int(&t, "members", a.members);
	kv_int(&t, "points_usable", a.balance);
	kv_int(&t, "points_pending", a.pending);
	kv_int(&t, "points_outstanding", out);
	if (pg->has_value)
		kv_money(&t, "outstanding_value", points_value(pg, out));
	kv_int(&t, "redeemed_to_date", a.redeemed);
	kv_int(&t, "expired_to_date", a.expired);
	if (hist) {
		kv_int(&t, "breakage_redemptions", nred);
		table_str(&t, "breakage_rate");
		table_ratio(&t, a.expired, a.redeemed + a.expired);
		table_endrow(&t);
		brk = (out * a.expired * 2 + (a.redeemed + a.expired)) /
		    (2 * (a.redeemed + a.expired));
		kv_int(&t, "expected_breakage", brk);
		if (pg->has_value)
			kv_money(&t, "expected_breakage_value",
			    points_value(pg, brk));
	}
	kv_int(&t, "lapsing_30d", a.l30);
	kv_int(&t, "lapsing_90d", a.l90);
	if (pg->has_value) {
		kv_money(&t, "lapsing_30d_value", points_value(pg, a.l30));
		kv_money(&t, "lapsing_90d_value", points_value(pg, a.l90));
	}
	table_end(&t);
	if (o->out.mode == TM_TABLE) {
		if (!hist)
			tout_note(&o->out, "No redemption history in the "
			    "store: no breakage estimate.");
		else
			tout_note(&o->out, "Breakage: of the points that have "
			    "left the ledger by redemption or lapse, the "
			    "share that lapsed, applied to what is "
			    "outstanding.");
		if (hist && nred < PT_THIN_REDEMPTIONS)
			tout_note(&o->out, "The breakage rate rests on %lld "
			    "redemption%s: too few to trust; it will move as "
			    "members redeem.", (long long)nred,
			    nred == 1 ? "" : "s");
	}
	return 0;
}

/* ==== replay ==== */

struct rep {
	int64_t	 from, to;
	int64_t	 members, earned, bonus, returned, expired, out;
	int64_t	 kind[PK_NKINDS];
	int64_t	 tier[PT_MAXTIERS + 1];	/* [0]: no tier */
};

static void
rep_entry(void *arg, const struct pt_entry *e)
{
	struct rep *r = arg;

	if (e->day >= r->from && e->day <= r->to)
		r->kind[e->kind] += e->points;
}

static int
rep_cust(void *arg, const struct pt_cust *c, const struct pt_totals *x)
{
	struct rep *r = arg;

	(void)c;
	r->members++;
	r->out += x->balance + x->pending;
	r->tier[x->tier + 1]++;
	return 0;
}

int
pt_replay(struct pt_opts *o, const struct programme *const *pgs, int n)
{
	struct rep r[2];
	struct programme pg[2];
	struct pt_ledger l;
	struct table t;
	int i, k, j;
	char a[11], b[11], label[80];

	for (i = 0; i < n; i++) {
		/* The file as if it had started on --from, redemptions
		 * left out: they were made under the programme the shop
		 * ran, not this one. */
		pg[i] = *pgs[i];
		pg[i].start = o->from;
		pg[i].holdout = 0;
		memset(&r[i], 0, sizeof(r[i]));
		r[i].from = o->from;
		r[i].to = o->to;
		pt_ledger_init(&l, &pg[i], o->to);
		l.no_redeem = 1;
		l.entry = rep_entry;
		l.arg = &r[i];
		k = each_member(o, &l, 0, rep_cust, &r[i]);
		pt_ledger_free(&l);
		if (k < 0)
			return -1;
	}
	if (o->out.mode == TM_TABLE)
		tout_title(&o->out, "Replay over %s to %s", day_format(o->from,
		    a), day_format(o->to, b));
	table_init(&t, &o->out);
	table_col(&t, "measure", "", TC_LEFT);
	for (i = 0; i < n; i++)
		table_col(&t, pgs[i]->file, pgs[i]->name, 0);
#define ROW(label, expr, money) do {					\
	table_str(&t, label);						\
	for (i = 0; i < n; i++) {					\
		if (money)						\
			table_money(&t, (expr));			\
		else							\
			table_int(&t, (expr));				\
	}								\
	table_endrow(&t);						\
} while (0)
	ROW("members", r[i].members, 0);
	ROW("points_earned", r[i].kind[PK_EARN], 0);
	ROW("points_signup", r[i].kind[PK_SIGNUP], 0);
	ROW("points_birthday", r[i].kind[PK_BIRTHDAY], 0);
	ROW("points_first_purchase", r[i].kind[PK_FIRST], 0);
	ROW("points_issued", r[i].kind[PK_EARN] + r[i].kind[PK_SIGNUP] +
	    r[i].kind[PK_BIRTHDAY] + r[i].kind[PK_FIRST], 0);
	ROW("points_returned", -r[i].kind[PK_RETURN], 0);
	ROW("points_expired", -r[i].kind[PK_EXPIRE], 0);
	ROW("points_outstanding", r[i].out, 0);
	ROW("value_issued", points_value(&pg[i], r[i].kind[PK_EARN] +
	    r[i].kind[PK_SIGNUP] + r[i].kind[PK_BIRTHDAY] +
	    r[i].kind[PK_FIRST] + r[i].kind[PK_RETURN]), 1);
	ROW("value_outstanding", points_value(&pg[i], r[i].out), 1);
	/* Tier counts by name, over the tiers of every file. */
	for (j = 0; j < n; j++)
		for (k = 0; k < pgs[j]->ntiers; k++) {
			int seen = 0, m;

			for (i = 0; i < j; i++)
				for (m = 0; m < pgs[i]->ntiers; m++)
					seen |= strcmp(pgs[i]->tier[m].name,
					    pgs[j]->tier[k].name) == 0;
			if (seen)
				continue;
			snprintf(label, sizeof(label), "tier_%s",
			    pgs[j]->tier[k].name);
			table_str(&t, label);
			for (i = 0; i < n; i++) {
				int64_t v = 0;

				for (m = 0; m < pgs[i]->ntiers; m++)
					if (strcmp(pgs[i]->tier[m].name,
					    pgs[j]->tier[k].name) == 0)
						v = r[i].tier[m + 1];
				table_int(&t, v);
			}
			table_endrow(&t);
		}
#undef ROW
	table_end(&t);
	if (o->out.mode == TM_TABLE)
		tout_note(&o->out, "Each file as if it had started on %s; "
		    "redemptions left out; value issued is net of returns; "
		    "tiers as of %s.", a, b);
	return 0;
}

/* ==== evaluate ==== */

struct vec {
	int64_t	*v;
	size_t	 n, cap;
};

static void
vec_add(struct vec *a, int64_t x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 1024;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->n++] = x;
}

/* One group's two periods, and the after year's values to resample. */
struct egroup {
	struct period per[2];		/* before, after */
	struct pcust pc[2];
	struct vec order_net;		/* per order (a day's mean) */
	struct vec cust_orders;		/* per customer who bought */
};

static void
eg_close(struct egroup *g, int64_t first)
{
	int k;

	if (g->pc[1].n > 0)
		vec_add(&g->cust_orders, g->pc[1].n);
	for (k = 0; k < 2; k++)
		rp_pcust_close(&g->per[k], &g->pc[k], first);
}

/* The same date y years on (29 February: the 28th when not leap). */
static int64_t
years_on(int64_t day, int y)
{
	int yy, m, d;

	civil_from_days(day, &yy, &m, &d);
	if (m == 2 && d == 29)
		d = ((yy + y) % 4 == 0 && (yy + y) % 100 != 0) ||
		    (yy + y) % 400 == 0 ? 29 : 28;
	return days_from_civil(yy + y, m, d);
}

static void
fig_row(struct table *t, const char *group, const char *name,
    const struct period *p)
{
	char a[11];

	table_str(t, group);
	table_str(t, name);
	table_str(t, day_format(p->from, a));
	table_str(t, day_format(p->to, a));
	table_int(t, p->customers);
	table_int(t, p->orders);
	table_money(t, p->revenue);
	table_int(t, p->returning);
	table_ratio(t, p->returning, p->customers);
	table_money(t, rp_div_round(p->revenue, p->orders));
	if (p->customers)
		table_num(t, (double)p->orders / p->customers, 2);
	else
		table_null(t);
	table_endrow(t);
}

static void
diff_row(struct table *t, const char *fig, double m, double h, int ok,
    double d, double lo, double hi, int prec)
{
	table_str(t, fig);
	table_num(t, m, prec);
	table_num(t, h, prec);
	if (ok) {
		table_num(t, d, prec);
		table_num(t, lo, prec);
		table_num(t, hi, prec);
	} else {
		table_null(t);
		table_null(t);
		table_null(t);
	}
	table_endrow(t);
}

static double
mean_of(int64_t a, int64_t b)
{
	return b ? (double)a / b : 0;
}

int
pt_evaluate(struct pt_opts *o, const struct programme *pg)
{
	struct rp_ctx c;
	struct egroup g[2];		/* [0] members (or all), [1] holdout */
	struct table t;
	struct cday d;
	struct rp_cdays it;
	int64_t cid = -1, first = 0;
	int rc, k, i, cur = 0, ng = pg->holdout > 0 ? 2 : 1;
	int show_fig = o->part == NULL || strcmp(o->part, "figures") == 0;
	int show_diff = o->part == NULL || strcmp(o->part, "difference") == 0;
	static const char *const pname[2] = { "before", "after" };
	char a[11], b[11];

	memset(&c, 0, sizeof(c));
	c.db = o->db;
	c.out = o->out;
	c.asof = o->asof;
	if (rp_scope_setup(&c) != 0)
		return -1;
	memset(g, 0, sizeof(g));
	for (i = 0; i < 2; i++) {
		g[i].per[0].from = years_on(pg->start, -1);
		g[i].per[0].to = pg->start - 1;
		g[i].per[1].from = pg->start;
		g[i].per[1].to = years_on(pg->start, 1) - 1;
		if (g[i].per[1].to > o->asof)
			g[i].per[1].to = o->asof;
	}
	if (rp_cdays_open(&c, &it, 0) != 0)
		return -1;
	while ((rc = rp_cdays_next(&it, &d)) > 0) {
		if (d.cid != cid) {
			if (cid >= 0)
				eg_close(&g[cur], first);
			cid = d.cid;
			first = d.day;
			cur = ng == 2 && programme_holdout(pg, cid);
		}
		for (k = 0; k < 2; k++) {
			struct period *p = &g[cur].per[k];

			if (d.day < p->from || d.day > p->to)
				continue;
			g[cur].pc[k].n += d.n;
			g[cur].pc[k].rev += d.rev;
			g[cur].pc[k].days++;
			if (k == 1 && ng == 2)
				for (i = 0; i < d.n; i++)
					vec_add(&g[cur].order_net, (d.rev +
					    i) / d.n);
		}
	}
	if (cid >= 0)
		eg_close(&g[cur], first);
	rp_cdays_close(&it);
	if (rc < 0)
		goto done;
	rc = SQLITE_DONE;

	if (o->out.mode == TM_TABLE)
		tout_title(&o->out, "Programme %s: the year before and after "
		    "%s", pg->name, day_format(pg->start, a));
	if (show_fig) {
		table_init(&t, &o->out);
		table_col(&t, "group", NULL, TC_LEFT);
		table_col(&t, "period", NULL, TC_LEFT);
		table_col(&t, "from", NULL, TC_LEFT);
		table_col(&t, "to", NULL, TC_LEFT);
		table_col(&t, "customers", NULL, 0);
		table_col(&t, "orders", NULL, 0);
		table_col(&t, "revenue", NULL, 0);
		table_col(&t, "returning_customers", "returning", 0);
		table_col(&t, "repurchase_rate", "repurchase", 0);
		table_col(&t, "aov", "AOV", 0);
		table_col(&t, "orders_per_customer", "orders/cust", 0);
		for (i = 0; i < ng; i++)
			for (k = 0; k < 2; k++)
				fig_row(&t, ng == 1 ? "all" : i == 0 ?
				    "members" : "holdout", pname[k],
				    &g[i].per[k]);
		table_end(&t);
	}
	if (ng == 1) {
		if (o->out.mode == TM_TABLE)
			tout_note(&o->out, "No holdout in the file: the change "
			    "from before to after is not the programme's "
			    "effect alone (season, prices, other campaigns "
			    "and growth move it too).  Name a 'holdout' "
			    "share to measure the effect.");
		goto done;
	}
	if (show_diff) {
		struct period *m = &g[0].per[1], *h = &g[1].per[1];
		double dd, lo, hi;
		int ok;

		if (o->out.mode == TM_TABLE)
			tout_title(&o->out, "Members against the holdout, "
			    "%s to %s (95%% intervals)", day_format(m->from,
			    a), day_format(m->to, b));
		table_init(&t, &o->out);
		table_col(&t, "figure", "", TC_LEFT);
		table_col(&t, "members", NULL, 0);
		table_col(&t, "holdout", NULL, 0);
		table_col(&t, "difference", NULL, 0);
		table_col(&t, "low", NULL, 0);
		table_col(&t, "high", NULL, 0);
		ok = stats_newcombe(m->returning, m->customers, h->returning,
		    h->customers, STATS_Z95, &dd, &lo, &hi) == 0;
		diff_row(&t, "repurchase_rate", mean_of(m->returning,
		    m->customers), mean_of(h->returning, h->customers), ok,
		    dd, lo, hi, 4);
		/* AOV in the currency: minor units / 100. */
		ok = stats_boot_diff(g[0].order_net.v, g[0].order_net.n,
		    g[1].order_net.v, g[1].order_net.n, (uint64_t)pg->seed,
		    STATS_BOOT_REPS, &lo, &hi) == 0;
		diff_row(&t, "aov", mean_of(m->revenue, m->orders) / 100,
		    mean_of(h->revenue, h->orders) / 100, ok,
		    (mean_of(m->revenue, m->orders) - mean_of(h->revenue,
		    h->orders)) / 100, lo / 100, hi / 100, 2);
		ok = stats_boot_diff(g[0].cust_orders.v, g[0].cust_orders.n,
		    g[1].cust_orders.v, g[1].cust_orders.n,
		    (uint64_t)pg->seed + 1, STATS_BOOT_REPS, &lo, &hi) == 0;
		diff_row(&t, "orders_per_customer", mean_of(m->orders,
		    m->customers), mean_of(h->orders, h->customers), ok,
		    mean_of(m->orders, m->customers) - mean_of(h->orders,
		    h->customers), lo, hi, 4);
		table_end(&t);
		if (o->out.mode == TM_TABLE)
			tout_note(&o->out, "Holdout customers (%.2f%%, drawn "
			    "with seed %lld) were never enrolled.  Repurchase "
			    "rate: Newcombe's interval; AOV and orders per "
			    "customer: bootstrap, %d resamples.",
			    pg->holdout / 100.0, (long long)pg->seed,
			    STATS_BOOT_REPS);
	}
	rc = SQLITE_DONE;
done:
	for (i = 0; i < 2; i++) {
		free(g[i].order_net.v);
		free(g[i].cust_orders.v);
	}
	return rc == SQLITE_DONE ? 0 : -1;
}
