/*
 * cycle.c: crm-report's cycle report: the repurchase cycle (gaps,
 * quantiles, per category and SKU, lost threshold and back-test).
 */
#include <err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "predict/predict.h"

/* Gap histogram brackets, in days: [lo, next lo). */
static const int64_t gap_br[] = { 1, 8, 15, 31, 61, 91, 121, 181, 271, 366 };
#define NGAPBR ((int)(sizeof(gap_br) / sizeof(gap_br[0])))

/*
 * Gaps are whole days between 1 and the span of the data, so a count per
 * value gives exact quantiles in memory that grows with the span of
 * time, not with the customers.
 */
struct ghist {
	long	*h;			/* h[gap], 0 <= gap <= span */
	int64_t	 span;
	int64_t	 lo, hi;		/* the values seen */
	long	 n;
	double	 sum;
};

static void
ghist_init(struct ghist *g, int64_t span)
{
	memset(g, 0, sizeof(*g));
	g->span = span < 1 ? 1 : span;
	g->h = calloc((size_t)g->span + 1, sizeof(*g->h));
	if (g->h == NULL)
		err(EXIT_DATA, NULL);
	g->lo = g->span + 1;
	g->hi = -1;
}

static void
ghist_add(struct ghist *g, int64_t v)
{
	if (v < 0)
		v = 0;
	if (v > g->span)
		v = g->span;
	g->h[v]++;
	g->n++;
	g->sum += (double)v;
	if (v < g->lo)
		g->lo = v;
	if (v > g->hi)
		g->hi = v;
}

/* Clears the counts for the next group. */
static void
ghist_clear(struct ghist *g)
{
	int64_t v;

	for (v = g->lo; v <= g->hi; v++)
		g->h[v] = 0;
	g->n = 0;
	g->sum = 0;
	g->lo = g->span + 1;
	g->hi = -1;
}

/* The quantiles of the counts, as rp_quant_add would have found them. */
static void
ghist_quant(const struct ghist *g, struct quant *q)
{
	int64_t v;
	long seen = 0, k;
	int j;

	rp_quant_start(q, g->n);
	if (g->n == 0)
		return;
	q->min = (double)g->lo;
	q->max = (double)g->hi;
	q->sum = g->sum;
	q->i = g->n;
	for (j = 0; j < 3; j++) {
		k = (long)floor((double)(g->n - 1) * rp_qp[j]);
		seen = 0;
		for (v = g->lo; v <= g->hi; v++) {
			if (seen <= k && k < seen + g->h[v])
				q->lo[j] = (double)v;
			if (seen <= k + 1 && k + 1 < seen + g->h[v]) {
				q->hi[j] = (double)v;
				break;
			}
			seen += g->h[v];
		}
		if (k + 1 >= g->n)
			q->hi[j] = q->lo[j];
	}
}

static void
ghist_bins(const struct ghist *g, long *bin)
{
	int64_t v;
	int j;

	for (j = 0; j < NGAPBR; j++)
		bin[j] = 0;
	for (v = g->lo; v <= g->hi; v++) {
		for (j = NGAPBR - 1; j > 0 && v < gap_br[j]; j--)
			;
		bin[j] += g->h[v];
	}
}

static void
stats_row(struct table *t, const char *scope, const char *key,
    const char *name, long customers, const struct quant *q)
{
	table_cell(t, scope, strcmp(scope, "first_second") == 0 ?
	    "first to second" : strcmp(scope, "all_gaps") == 0 ? "all gaps" :
	    scope, 0);
	table_str(t, key);
	table_str(t, name);
	table_int(t, customers);
	table_int(t, q->n);
	if (q->n == 0) {
		int j;

		for (j = 0; j < 6; j++)
			table_null(t);
	} else {
		table_days(t, q->min);
		table_days(t, rp_quant_get(q, 0));
		table_days(t, rp_quant_get(q, 1));
		table_days(t, rp_quant_get(q, 2));
		table_days(t, q->max);
		table_num(t, q->sum / q->n, 1);
	}
	table_endrow(t);
}

/* keys: 0 the whole shop, 1 per category, 2 per SKU. */
static void
stats_cols(struct table *t, int keys, int tty)
{
	table_col(t, "scope", "", !tty ? 0 : keys ? TC_CSVONLY :
	    TC_LEFT | TC_WRAP);
	table_col(t, "key", keys == 2 ? "sku" : "category",
	    !tty ? 0 : keys ? TC_LEFT : TC_CSVONLY);
	table_col(t, "name", "product", !tty ? 0 : keys == 2 ?
	    TC_LEFT | TC_SHRINK : TC_CSVONLY);
	table_col(t, "customers", NULL, 0);
	table_col(t, "gaps", NULL, tty && keys ? TC_CSVONLY : 0);
	table_col(t, "min", NULL, 0);
	table_col(t, "q1", NULL, 0);
	table_col(t, "median", NULL, 0);
	table_col(t, "q3", NULL, 0);
	table_col(t, "max", NULL, 0);
	table_col(t, "mean", NULL, TC_OPTIONAL);
}

/*
 * The days from each customer's first to second purchase day of each
 * category and product, from one pass over the purchases and their
 * lines in customer order: only the customer passing by is held, and
 * the gaps are kept as counts per (kind, key, gap), which grow with the
 * catalogue and the span of time, not with the customers.  Customers
 * count when their first purchase falls in [from, to].
 */
struct kent {
	int64_t	 key, d1, d2;
};

struct kcount {
	int64_t	 key, gap;
	long	 n;			/* 0: an empty slot */
	int	 kind;			/* 1 category (its cat rowid), 2 SKU */
};

struct kmap {
	struct kcount *e;
	size_t	 n, cap;		/* cap: a power of two */
};

static size_t
kmap_slot(const struct kmap *m, int kind, int64_t key, int64_t gap)
{
	uint64_t h = ((uint64_t)key * 0x9e3779b97f4a7c15ULL) ^
	    ((uint64_t)gap * 0xc2b2ae3d27d4eb4fULL) ^ (uint64_t)kind;
	size_t i = (size_t)(h ^ (h >> 29)) & (m->cap - 1);

	while (m->e[i].n != 0 && (m->e[i].kind != kind ||
	    m->e[i].key != key || m->e[i].gap != gap))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void
kmap_add(struct kmap *m, int kind, int64_t key, int64_t gap)
{
	struct kcount *old = m->e;
	size_t i, oldcap = m->cap;

	if (2 * (m->n + 1) > m->cap) {
		m->cap = m->cap ? m->cap * 2 : 4096;
		if ((m->e = calloc(m->cap, sizeof(*m->e))) == NULL)
			err(EXIT_DATA, NULL);
		for (i = 0; i < oldcap; i++)
			if (old[i].n != 0)
				m->e[kmap_slot(m, old[i].kind, old[i].key,
				    old[i].gap)] = old[i];
		free(old);
	}
	i = kmap_slot(m, kind, key, gap);
	if (m->e[i].n++ == 0) {
		m->e[i].kind = kind;
		m->e[i].key = key;
		m->e[i].gap = gap;
		m->n++;
	}
}

static int
kcount_cmp(const void *pa, const void *pb)
{
	const struct kcount *a = pa, *b = pb;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->gap < b->gap ? -1 : a->gap > b->gap;
}

/* Packs the counts to the front, sorted by kind, key and gap. */
static void
kmap_sort(struct kmap *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->cap; i++)
		if (m->e[i].n != 0)
			m->e[n++] = m->e[i];
	m->n = n;
	if (n > 0)
		qsort(m->e, n, sizeof(*m->e), kcount_cmp);
}

static void
kents_note(struct kent **e, size_t *n, size_t *cap, int64_t key,
    int64_t day)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*e)[i].key == key) {
			if ((*e)[i].d2 < 0 && day != (*e)[i].d1)
				(*e)[i].d2 = day;
			return;
		}
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*e = xrealloc(*e, *cap * sizeof(**e));
	}
	(*e)[*n].key = key;
	(*e)[*n].d1 = day;
	(*e)[*n].d2 = -1;
	(*n)++;
}

static void
kents_flush(struct kmap *m, int kind, struct kent *e, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (e[i].d2 >= 0)
			kmap_add(m, kind, e[i].key, e[i].d2 - e[i].d1);
	*n = 0;
}

static int
cycle_key_gaps(struct rp_ctx *c, int64_t from, int64_t to, struct kmap *m,
    struct ghist *ga, struct rp_lines *pl)
{
	sqlite3_stmt *st = NULL;
	struct kent *pe = NULL, *ce = NULL;
	size_t np = 0, cp = 0, nc = 0, cc = 0;
	int64_t cid = -1, first = 0, maxpid = 0, *pcat = NULL, prev = 0;
	size_t j, l;
	int rc = -1, in = 0;

	/* Each product's category, as the rowid of its name in cat. */
	if ((st = rp_prep(c, "SELECT max(id) FROM main.products")) == NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW)
		maxpid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if ((pcat = calloc((size_t)maxpid + 1, sizeof(*pcat))) == NULL)
		err(EXIT_DATA, NULL);
	if ((st = rp_prep(c, "SELECT p.id, c.rowid FROM main.products p"
	    " JOIN temp.cat c ON c.name = coalesce(p.category, '')")) == NULL)
		goto done;
	while (store_step(st) == SQLITE_ROW)
		pcat[sqlite3_column_int64(st, 0)] = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	st = NULL;
	if (rp_lines_load(c, INT64_MIN, INT64_MAX, maxpid, 0, pl) != 0)
		goto done;
	for (j = 0; j < pl->n; j++) {
		const struct rp_ord *o = &pl->o[j];
		int64_t day = o->day;

		if (o->cid != cid) {
			kents_flush(m, 2, pe, &np);
			kents_flush(m, 1, ce, &nc);
			cid = o->cid;
			first = prev = day;
			in = first >= from && first <= to;
		}
		/* Every gap between purchase days too, when asked for. */
		if (in && ga != NULL && day != prev)
			ghist_add(ga, day - prev);
		prev = day;
		if (!in)
			continue;
		for (l = o->lbeg; l < o->lend; l++) {
			kents_note(&pe, &np, &cp, pl->pid[l], day);
			kents_note(&ce, &nc, &cc, pcat[pl->pid[l]], day);
		}
	}
	kents_flush(m, 2, pe, &np);
	kents_flush(m, 1, ce, &nc);
	if (m->cap > 0)
		kmap_sort(m);
	rc = 0;
done:
	sqlite3_finalize(st);
	free(pcat);
	free(pe);
	free(ce);
	return rc;
}

/*
 * Per category (keys 1) or SKU (keys 2): each key's gap counts, in key
 * and gap order, summarised when the key ends.
 */
static int
cycle_keys(struct rp_ctx *c, struct table *t, int keys, int64_t span,
    const struct kmap *m)
{
	sqlite3_stmt *name;
	struct ghist g;
	struct quant q;
	int64_t rows = 0, limit;
	size_t i, j;
	long n;

	limit = keys == 2 ? rp_limit(c, 0) : 0;
	name = rp_prep(c, keys == 1 ? "SELECT name, '' FROM temp.cat"
	    " WHERE rowid = ?" : "SELECT sku, name FROM main.products"
	    " WHERE id = ?");
	if (name == NULL)
		return -1;
	ghist_init(&g, span);
	for (i = 0; i < m->n; i = j) {
		for (j = i; j < m->n && m->e[j].kind == m->e[i].kind &&
		    m->e[j].key == m->e[i].key; j++)
			for (n = 0; n < m->e[j].n; n++)
				ghist_add(&g, m->e[j].gap);
		if (m->e[i].kind == keys && g.n >= c->min_buyers &&
		    (limit <= 0 || rows < limit)) {
			ghist_quant(&g, &q);
			sqlite3_bind_int64(name, 1, m->e[i].key);
			if (store_step(name) == SQLITE_ROW)
				stats_row(t, keys == 1 ? "category" : "sku",
				    (const char *)sqlite3_column_text(name, 0),
				    (const char *)sqlite3_column_text(name, 1),
				    g.n, &q);
			sqlite3_reset(name);
			rows++;
		}
		ghist_clear(&g);
	}
	sqlite3_finalize(name);
	free(g.h);
	return 0;
}

static void
hist_table(struct rp_ctx *c, const char *scope, const long *h, long n)
{
	struct table t;
	char lab[32];
	int j;

	table_init(&t, &c->out);
	table_col(&t, "scope", NULL, TC_CSVONLY);
	table_col(&t, "from_days", NULL, TC_CSVONLY);
	table_col(&t, "to_days", NULL, TC_CSVONLY);
	table_col(&t, "days", "days", TC_TTYONLY | TC_LEFT);
	table_col(&t, "count", strcmp(scope, "first_second") == 0 ?
	    "customers" : "gaps", 0);
	table_col(&t, "share", NULL, 0);
	table_col(&t, "bar", "", TC_BAR);
	for (j = 0; j < NGAPBR; j++) {
		table_str(&t, scope);
		table_int(&t, gap_br[j]);
		if (j + 1 < NGAPBR) {
			table_int(&t, gap_br[j + 1] - 1);
			snprintf(lab, sizeof(lab), "%lld-%lld",
			    (long long)gap_br[j], (long long)gap_br[j + 1] - 1);
		} else {
			table_null(&t);
			snprintf(lab, sizeof(lab), "%lld+",
			    (long long)gap_br[j]);
		}
		table_str(&t, lab);
		table_int(&t, h[j]);
		table_ratio(&t, h[j], n);
		table_cell(&t, "", "", (double)h[j]);
		table_endrow(&t);
	}
	table_end(&t);
}

/*
 * The back-test: at day e, with threshold L, who was lost (last purchase
 * more than L days before e) and how many of them bought again after e,
 * from the purchases in customer and day order.
 */
static void
backtest(const struct rp_lines *pl, int64_t e, const int64_t *L, int n,
    long *lost, long *back)
{
	size_t j, k;
	int64_t last;
	int i, b, seen;

	for (i = 0; i < n; i++)
		lost[i] = back[i] = 0;
	for (j = 0; j < pl->n; j = k) {
		last = 0;
		b = seen = 0;
		for (k = j; k < pl->n && pl->o[k].cid == pl->o[j].cid; k++) {
			if (pl->o[k].day <= e) {
				last = pl->o[k].day;
				seen = 1;
			} else
				b = 1;
		}
		if (!seen)
			continue;	/* nothing on or before e */
		for (i = 0; i < n; i++)
			if (e - last > L[i]) {
				lost[i]++;
				back[i] += b;
			}
	}
}

/*
 * The first-to-second gaps of the customers whose first purchase falls
 * in [from, to] (asof_stats), and all their consecutive gaps (ga, from
 * the purchases in customer and day order) unless ga is NULL.
 */
static int
cycle_gaps(struct rp_ctx *c, int64_t from, int64_t to, struct ghist *g1,
    struct ghist *ga, const struct rp_lines *pl)
{
	sqlite3_stmt *st;
	int64_t cid = -1, prev = -1;
	size_t j;
	int rc, in = 0;

	st = rp_prep(c, "SELECT second_day - first_day FROM temp.asof_stats"
	    " WHERE second_day IS NOT NULL AND first_day BETWEEN ?1 AND ?2");
	if (st == NULL)
		return -1;
	rp_bind2(st, from, to);
	while ((rc = store_step(st)) == SQLITE_ROW)
		ghist_add(g1, sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (ga == NULL)
		return 0;
	for (j = 0; j < pl->n; j++) {
		const struct rp_ord *o = &pl->o[j];

		if (o->cid != cid) {
			cid = o->cid;
			in = o->day >= from && o->day <= to;
		} else if (in && o->day != prev)
			ghist_add(ga, o->day - prev);
		prev = o->day;
	}
	return 0;
}

/*
 * The model's view next to the lost rule (--part model): for the
 * customers the rule calls lost as of the day, and for the others who
 * bought, how many BG/NBD gives a P(alive) of 0.5 or more, and the
 * purchase days it expects of them in the next PD_USE_HORIZON days.
 */
static int
cycle_model(struct rp_ctx *c)
{
	struct table t;
	sqlite3_stmt *st;
	double med;
	long basis;
	int64_t L;
	char a[11];
	int rc;

	if (c->channel != NULL || c->has_from || c->has_to || c->list) {
		warnx("cycle --part model covers every customer who bought: "
		    "it takes no --channel, --from, --to or customer list");
		return -1;
	}
	if (stats_asof(c->db, c->asof) != 0 ||
	    (L = lost_threshold(c->db, c->lost_after, &med, &basis)) < 0 ||
	    lifecycle_table(c->db, c->asof, L, "cycle_stage") != 0 ||
	    predict_table(c->db, c->asof, "cycle_model", 0) != 0)
		return -1;
	st = rp_prep(c, "SELECT u.stage = 'lost', count(*),"
	    " sum(m.p_alive >= 0.5), sum(m.expected_orders)"
	    " FROM temp.cycle_stage u JOIN temp.cycle_model m USING"
	    " (customer_id) GROUP BY 1 ORDER BY 1 DESC");
	if (st == NULL)
		return -1;
	tout_title(&c->out, "The lost rule and the model, as of %s",
	    rp_day(c->asof, a));
	tout_note(&c->out, "Lost after %lld days without a purchase; the "
	    "model: BG/NBD, P(alive) and the purchase days expected in the "
	    "next %d days.", (long long)L, PD_USE_HORIZON);
	table_init(&t, &c->out);
	table_col(&t, "rule", NULL, TC_LEFT);
	table_col(&t, "lost_after", "lost after", TC_CSVONLY);
	table_col(&t, "customers", NULL, 0);
	table_col(&t, "model_alive", "P(alive) >= 0.5", 0);
	table_col(&t, "model_alive_share", "share", 0);
	table_col(&t, "expected_purchases", "expected", 0);
	while ((rc = store_step(st)) == SQLITE_ROW) {
		table_str(&t, sqlite3_column_int(st, 0) ? "lost" : "not lost");
		table_int(&t, L);
		table_int(&t, sqlite3_column_int64(st, 1));
		table_int(&t, sqlite3_column_int64(st, 2));
		table_ratio(&t, sqlite3_column_int64(st, 2),
		    sqlite3_column_int64(st, 1));
		table_num(&t, sqlite3_column_double(st, 3), 2);
		table_endrow(&t);
	}
	sqlite3_finalize(st);
	table_end(&t);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
rp_cycle(struct rp_ctx *c)
{
	struct kmap km = { NULL, 0, 0 };
	struct ghist g1, ga;
	struct quant q1, qa;
	struct table t;
	sqlite3_stmt *st;
	long h1[NGAPBR], ha[NGAPBR], lost[4], back[4];
	int64_t from = c->has_from ? c->from : NOFROM;
	int64_t to = c->has_to ? c->to : c->asof, L[4], e, chosen, span = 1;
	int tty = c->out.mode == TM_TABLE;
	double med;
	long basis;
	char a[11], b[11], md[32];
	struct rp_lines pl = { 0 };
	size_t j;
	int i, nl, keys, rc = -1, need_all, need_keys, need_thr, need_stats;

	/* Asked for by name only: it fits a model. */
	if (c->part != NULL && strcmp(c->part, "model") == 0)
		return cycle_model(c);
	memset(&g1, 0, sizeof(g1));
	memset(&ga, 0, sizeof(ga));
	need_all = rp_part_is(c, "stats", 1) || rp_part_is(c, "histogram", 0);
	need_keys = rp_part_is(c, "products", 0);
	need_thr = rp_part_is(c, "threshold", 0);
	/* asof_stats: the first-to-second gaps and the lost threshold. */
	need_stats = need_all || need_thr;
	if (need_stats) {
		if (rp_scope_stats(c, c->asof, 0) != 0)
			return -1;
		if ((st = rp_prep(c, "SELECT max(last_day) - min(first_day)"
		    " FROM temp.asof_stats")) == NULL)
			return -1;
		if (store_step(st) == SQLITE_ROW)
			span = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		ghist_init(&g1, span);
		ghist_init(&ga, span);
	}
	/*
	 * One pass over the purchases in customer order (with their lines
	 * for the per-key gaps) serves the per-key gaps, all the gaps and
	 * the back-test.
	 */
	if (need_keys && (store_exec(c->db, "CREATE TEMP TABLE cat (name TEXT"
	    " UNIQUE); INSERT OR IGNORE INTO temp.cat SELECT"
	    " coalesce(category, '') FROM main.products ORDER BY 1") != 0 ||
	    cycle_key_gaps(c, from, to, &km, need_all ? &ga : NULL, &pl) != 0))
		goto done;
	if (!need_keys && rp_lines_load(c, INT64_MIN, INT64_MAX, -1, 0, &pl)
	    != 0)
		goto done;
	if (!need_stats) {
		/* No gap is longer than the days the purchases span. */
		int64_t lo = INT64_MAX, hi = INT64_MIN;

		for (j = 0; j < pl.n; j++) {
			if (pl.o[j].day < lo)
				lo = pl.o[j].day;
			if (pl.o[j].day > hi)
				hi = pl.o[j].day;
		}
		span = pl.n > 0 ? hi - lo : 1;
		ghist_init(&g1, span);
		ghist_init(&ga, span);
	} else if (cycle_gaps(c, from, to, &g1, need_all && !need_keys ? &ga :
	    NULL, &pl) != 0)
		goto done;
	ghist_quant(&g1, &q1);
	ghist_quant(&ga, &qa);
	if (rp_part_is(c, "stats", 1)) {
		tout_title(&c->out, "Repurchase cycle: days between purchase "
		    "days");
		rp_scope_note(c, from, to);
		table_init(&t, &c->out);
		stats_cols(&t, 0, tty);
		stats_row(&t, "first_second", "", "", q1.n, &q1);
		/* The same customers: two or more purchase days. */
		stats_row(&t, "all_gaps", "", "", q1.n, &qa);
		table_end(&t);
		tout_note(&c->out, "%sFirst to second: the days from a "
		    "customer's first purchase day to the second (the cycle is "
		    "their median); all gaps: between any two consecutive "
		    "purchase days.%s", tc_dim(&c->out), tc_off(&c->out));
	}
	if (rp_part_is(c, "products", 0)) {
		if (!tty) {
			table_init(&t, &c->out);
			stats_cols(&t, 1, 0);
		}
		for (keys = 1; keys <= 2; keys++) {
			if (tty) {
				tout_title(&c->out, "Cycle per %s (first to "
				    "second purchase day of it; %lld customers "
				    "or more)", keys == 1 ? "category" :
				    "product", c->min_buyers);
				table_init(&t, &c->out);
				stats_cols(&t, keys, 1);
			}
			if (cycle_keys(c, &t, keys, span, &km) != 0)
				goto done;
			if (tty)
				table_end(&t);
		}
		if (!tty)
			table_end(&t);
	}
	if (rp_part_is(c, "histogram", 0)) {
		ghist_bins(&g1, h1);
		ghist_bins(&ga, ha);
		tout_title(&c->out, "Days from first to second purchase");
		hist_table(c, "first_second", h1, g1.n);
		tout_title(&c->out, "Days between consecutive purchase days");
		hist_table(c, "all_gaps", ha, ga.n);
	}
	if (!rp_part_is(c, "threshold", 0)) {
		rc = 0;
		goto done;
	}
	if ((L[2] = lost_threshold(c->db, c->lost_after, &med, &basis)) < 0)
		goto done;
	chosen = L[2];
	if (c->lost_after > 0 || basis == 0) {
		nl = 1;
		L[0] = chosen;
	} else {
		nl = 4;
		for (i = 0; i < 4; i++)
			L[i] = (int64_t)ceil((i + 1) * med);
	}
	e = c->has_backtest ? c->backtest : c->asof - chosen;
	backtest(&pl, e, L, nl, lost, back);
	tout_title(&c->out, "Lost threshold and its back-test");
	if (tty) {
		if (basis > 0)
			tout_note(&c->out, "Repurchase cycle %s days (median "
			    "over %ld customers); lost after %lld days.",
			    fmt_days(med, md), basis, (long long)chosen);
		else
			tout_note(&c->out, "Lost after %lld days.",
			    (long long)chosen);
		tout_note(&c->out, "Of the customers lost at %s, how many "
		    "bought again by %s:", rp_day(e, a), rp_day(c->asof, b));
	}
	table_init(&t, &c->out);
	table_col(&t, "cycle", NULL, TC_CSVONLY);
	table_col(&t, "multiple", "x cycle", 0);
	table_col(&t, "threshold_days", "lost after", 0);
	table_col(&t, "in_use", "", TC_LEFT);
	table_col(&t, "backtest_date", NULL, TC_CSVONLY);
	table_col(&t, "lost_then", "lost then", 0);
	table_col(&t, "came_back", "came back", 0);
	table_col(&t, "came_back_share", "share", 0);
	for (i = 0; i < nl; i++) {
		int use = nl == 1 || i == 2;

		table_days(&t, med);
		if (nl == 4)
			table_int(&t, i + 1);
		else
			table_null(&t);
		table_int(&t, L[i]);
		table_cell(&t, use ? "1" : "0", use ? "<- in use" : "", 0);
		table_str(&t, rp_day(e, a));
		table_int(&t, lost[i]);
		table_int(&t, back[i]);
		table_ratio(&t, back[i], lost[i]);
		table_endrow(&t);
	}
	table_end(&t);
	rc = 0;
done:
	free(km.e);
	free(g1.h);
	free(ga.h);
	rp_lines_free(&pl);
	return rc;
}
