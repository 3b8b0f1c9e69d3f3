/*
 * products.c: crm-report's products report: rankings, returning
 * customers, gateway products and categories.
 */
#include <err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"



/*
 * Products and categories in one pass over the purchases in customer
 * order, each order's lines kept in memory from one scan of order_items:
 * a customer's lines are added up per product and category while the
 * customer passes by
 * (a few entries), then into one total per product and per category,
 * so that buyers are counted without sorting every line.  Revenue is
 * quantity x unit price less returned quantities; a line is a repeat
 * purchase when its day is after the customer's first purchase day;
 * first buyers are the customers whose first purchase day included the
 * product, and they came back when they bought on a later day.
 */
struct pacc {
	int64_t	 rev, qty, orders, buyers, ret_rev, ret_buyers, first, back;
};

struct pent {				/* one product of one customer */
	int64_t	 key, rev, qty, orders, ret_rev, last_order;
	int	 ret, first;
};

struct pents {
	struct pent *e;
	size_t	 n, cap;
};

static struct pent *
pent_find(struct pents *ps, int64_t key)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (ps->e[i].key == key)
			return &ps->e[i];
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 16;
		ps->e = xrealloc(ps->e, ps->cap * sizeof(*ps->e));
	}
	memset(&ps->e[ps->n], 0, sizeof(ps->e[0]));
	ps->e[ps->n].key = key;
	ps->e[ps->n].last_order = -1;
	return &ps->e[ps->n++];
}

static void
pents_close(struct pents *ps, struct pacc *acc, int back)
{
	size_t i;

	for (i = 0; i < ps->n; i++) {
		struct pent *e = &ps->e[i];
		struct pacc *a = &acc[e->key];

		a->rev += e->rev;
		a->qty += e->qty;
		a->orders += e->orders;
		a->buyers++;
		a->ret_rev += e->ret_rev;
		a->ret_buyers += e->ret;
		a->first += e->first;
		a->back += e->first && back;
	}
	ps->n = 0;
}

static void
pent_add(struct pent *e, int64_t order, int64_t rev, int64_t qty, int ret,
    int first)
{
	e->rev += rev;
	e->qty += qty;
	if (e->last_order != order)
		e->orders++;
	e->last_order = order;
	if (ret) {
		e->ret_rev += rev;
		e->ret = 1;
	}
	if (first)
		e->first = 1;
}

/*
 * What the pass over known buyers leaves out: the lines of purchases of
 * no known buyer (units, revenue and orders, no buyer) and of credit
 * notes (returns: their negative units and revenue lower the product on
 * the credit's own day; never an order or a buyer).  The orders come
 * first (CROSS JOIN keeps them outside) and are sifted before any line
 * is read: the planner would otherwise read every line of the store and
 * look its order up, a third of the report's time with no credit note
 * and no guest in it.
 */
static int
products_rest(struct rp_ctx *c, int64_t from, int64_t to, int64_t maxpid,
    const int64_t *pcat, struct pacc *pa, struct pacc *ca)
{
	sqlite3_stmt *st;
	int64_t pid, rev, qty, n;
	int rc;

	st = rp_prep(c, "SELECT i.product_id,"
	    " SUM(i.amount - i.returned_qty * i.unit_price),"
	    " SUM(i.quantity - i.returned_qty),"
	    " COUNT(DISTINCT CASE WHEN r.status <> 'credit' THEN r.id END)"
	    " FROM temp.r r CROSS JOIN main.order_items i"
	    " ON i.order_id = r.id"
	    " WHERE (r.status = 'credit' OR r.cid IS NULL)"
	    " AND (r.status = 'credit' OR i.quantity > i.returned_qty)"
	    " AND r.t >= ?1 AND r.t < ?2 AND i.product_id IS NOT NULL"
	    " GROUP BY i.product_id");
	if (st == NULL)
		return -1;
	rp_bind2(st, T0(from), T1(to));
	while ((rc = store_step(st)) == SQLITE_ROW) {
		pid = sqlite3_column_int64(st, 0);
		rev = sqlite3_column_int64(st, 1);
		qty = sqlite3_column_int64(st, 2);
		n = sqlite3_column_int64(st, 3);
		if (pid < 0 || pid > maxpid)
			continue;
		pa[pid].rev += rev;
		pa[pid].qty += qty;
		pa[pid].orders += n;
		ca[pcat[pid]].rev += rev;
		ca[pcat[pid]].qty += qty;
		ca[pcat[pid]].orders += n;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Nothing bought, sold or returned: no row. */
static int
pacc_empty(const struct pacc *a)
{
	return a->buyers == 0 && a->orders == 0 && a->qty == 0 && a->rev == 0;
}

static int
products_build(struct rp_ctx *c, int64_t from, int64_t to)
{
	sqlite3_stmt *st = NULL, *ins = NULL;
	struct pacc *pa = NULL, *ca = NULL;
	struct pents pp = { 0 }, pc = { 0 };
	int64_t maxpid = 0, ncat = 0, *pcat = NULL, cid = -1, first = 0;
	int64_t lastday = -1, k;
	int rc = -1, days = 0;
	char **cats = NULL;
	struct rp_lines pl = { 0 };
	size_t j;

	/* The catalogue: each product's category as a small number. */
	if ((st = rp_prep(c, "SELECT max(id) FROM main.products")) == NULL)
		goto done;
	if (store_step(st) == SQLITE_ROW)
		maxpid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	pa = calloc((size_t)maxpid + 1, sizeof(*pa));
	ca = calloc((size_t)maxpid + 1, sizeof(*ca));
	pcat = calloc((size_t)maxpid + 1, sizeof(*pcat));
	cats = calloc((size_t)maxpid + 1, sizeof(*cats));
	if (pa == NULL || ca == NULL || pcat == NULL || cats == NULL)
		err(EXIT_DATA, NULL);
	if ((st = rp_prep(c, "SELECT id, coalesce(category, '') FROM"
	    " main.products ORDER BY 2")) == NULL)
		goto done;
	while (store_step(st) == SQLITE_ROW) {
		const char *cat = (const char *)sqlite3_column_text(st, 1);

		if (ncat == 0 || strcmp(cats[ncat - 1], cat) != 0)
			cats[ncat++] = xstrdup(cat);
		pcat[sqlite3_column_int64(st, 0)] = ncat - 1;
	}
	sqlite3_finalize(st);
	st = NULL;

	if (rp_lines_load(c, from, to, maxpid, 1, &pl) != 0)
		goto done;
	for (j = 0; j < pl.n; j++) {
		struct rp_ord *o = &pl.o[j];
		size_t l;

		if (o->cid != cid) {
			pents_close(&pp, pa, days >= 2);
			pents_close(&pc, ca, days >= 2);
			cid = o->cid;
			first = o->day;
			days = 0;
			lastday = -1;
		}
		if (o->day != lastday)
			days++;
		lastday = o->day;
		for (l = o->lbeg; l < o->lend; l++) {
			pent_add(pent_find(&pp, pl.pid[l]), o->id, pl.rev[l],
			    pl.qty[l], o->day > first, o->day == first);
			pent_add(pent_find(&pc, pcat[pl.pid[l]]), o->id,
			    pl.rev[l], pl.qty[l], o->day > first,
			    o->day == first);
		}
	}
	pents_close(&pp, pa, days >= 2);
	pents_close(&pc, ca, days >= 2);
	if (products_rest(c, from, to, maxpid, pcat, pa, ca) != 0)
		goto done;

	/* The totals, as small tables the rankings sort. */
	if (store_exec(c->db, "CREATE TEMP TABLE pa (pid INTEGER PRIMARY KEY,"
	    " sku TEXT, name TEXT, category TEXT, rev INTEGER, qty INTEGER,"
	    " orders INTEGER, buyers INTEGER, ret_rev INTEGER,"
	    " ret_buyers INTEGER, first_buyers INTEGER, came_back INTEGER);"
	    "CREATE TEMP TABLE ca (category TEXT, products INTEGER,"
	    " rev INTEGER, qty INTEGER, buyers INTEGER, ret_rev INTEGER,"
	    " ret_buyers INTEGER)") != 0)
		goto done;
	ins = rp_prep(c, "INSERT INTO temp.pa SELECT id, sku, name,"
	    " coalesce(category, ''), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9"
	    " FROM main.products WHERE id = ?1");
	if (ins == NULL)
		goto done;
	for (k = 0; k <= maxpid; k++) {
		if (pacc_empty(&pa[k]))
			continue;
		sqlite3_bind_int64(ins, 1, k);
		sqlite3_bind_int64(ins, 2, pa[k].rev);
		sqlite3_bind_int64(ins, 3, pa[k].qty);
		sqlite3_bind_int64(ins, 4, pa[k].orders);
		sqlite3_bind_int64(ins, 5, pa[k].buyers);
		sqlite3_bind_int64(ins, 6, pa[k].ret_rev);
		sqlite3_bind_int64(ins, 7, pa[k].ret_buyers);
		sqlite3_bind_int64(ins, 8, pa[k].first);
		sqlite3_bind_int64(ins, 9, pa[k].back);
		if (store_step(ins) != SQLITE_DONE)
			goto done;
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	ins = rp_prep(c, "INSERT INTO temp.ca VALUES (?1, (SELECT COUNT(*) FROM"
	    " temp.pa WHERE category = ?1), ?2, ?3, ?4, ?5, ?6)");
	if (ins == NULL)
		goto done;
	for (k = 0; k < ncat; k++) {
		if (pacc_empty(&ca[k]))
			continue;
		sqlite3_bind_text(ins, 1, cats[k], -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 2, ca[k].rev);
		sqlite3_bind_int64(ins, 3, ca[k].qty);
		sqlite3_bind_int64(ins, 4, ca[k].buyers);
		sqlite3_bind_int64(ins, 5, ca[k].ret_rev);
		sqlite3_bind_int64(ins, 6, ca[k].ret_buyers);
		if (store_step(ins) != SQLITE_DONE)
			goto done;
		sqlite3_reset(ins);
	}
	rc = 0;
done:
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	for (k = 0; cats != NULL && k < ncat; k++)
		free(cats[k]);
	free(cats);
	free(pcat);
	free(pa);
	free(ca);
	free(pp.e);
	free(pc.e);
	rp_lines_free(&pl);
	return rc;
}

static const struct {
	const char *key;
	const char *order;
	const char *title;
} psorts[] = {
	{ "revenue", "rev DESC", "Products by revenue" },
	{ "quantity", "qty DESC", "Products by quantity" },
	{ "buyers", "buyers DESC", "Products by buyers" },
	{ "returning", "ret_rev DESC", "Products among returning customers "
	    "(repeat purchases)" },
	{ "gateway", "came_back * 1.0 / first_buyers DESC, first_buyers DESC",
	    "Gateway products: first purchases that brought the buyer back" },
};
#define NPSORTS ((int)(sizeof(psorts) / sizeof(psorts[0])))

static int
products_table(struct rp_ctx *c, int which, int64_t total, long long limit)
{
	struct table t;
	sqlite3_stmt *st;
	char *sql;
	int rc, gw = strcmp(psorts[which].key, "gateway") == 0;
	int tty = c->out.mode == TM_TABLE;
	long long rank = 0;

	sql = sqlite3_mprintf("SELECT sku, name, category, rev, qty, orders,"
	    " buyers, ret_rev, ret_buyers, first_buyers, came_back"
	    " FROM temp.pa %s ORDER BY %s, sku, name",
	    gw ? "WHERE first_buyers >= ?1 AND first_buyers > 0" : "",
	    psorts[which].order);
	if (sql == NULL)
		return -1;
	st = rp_prep(c, sql);
	sqlite3_free(sql);
	if (st == NULL)
		return -1;
	if (gw)
		sqlite3_bind_int64(st, 1, c->min_buyers);
	if (tty) {
		tout_title(&c->out, "%s", psorts[which].title);
		if (gw)
			tout_note(&c->out, "%s(%lld first buyers or more)%s",
			    tc_dim(&c->out), c->min_buyers, tc_off(&c->out));
	}
	table_init(&t, &c->out);
	table_col(&t, "rank", "#", 0);
	table_col(&t, "sku", NULL, TC_LEFT);
	table_col(&t, "product", NULL, TC_LEFT | TC_SHRINK);
	table_col(&t, "category", NULL, TC_LEFT | (tty ? TC_CSVONLY : 0));
	table_col(&t, "revenue", NULL, tty && which > 0 && which != 3 ?
	    TC_CSVONLY : 0);
	table_col(&t, "revenue_share", "share", tty && which > 0 ?
	    TC_CSVONLY : TC_OPTIONAL);
	table_col(&t, "quantity", "qty", tty && which != 1 ? TC_CSVONLY : 0);
	table_col(&t, "orders", NULL, tty ? TC_CSVONLY : 0);
	table_col(&t, "buyers", NULL, tty && which != 2 ? TC_CSVONLY : 0);
	table_col(&t, "returning_revenue", "returning rev", tty &&
	    which != 3 ? TC_CSVONLY : TC_OPTIONAL);
	table_col(&t, "returning_buyers", "returning", tty && which != 3 ?
	    TC_CSVONLY : 0);
	table_col(&t, "first_buyers", "first buyers", tty && !gw ?
	    TC_CSVONLY : 0);
	table_col(&t, "came_back", "came back", tty && !gw ? TC_CSVONLY : 0);
	table_col(&t, "came_back_share", "share", tty && !gw ?
	    TC_CSVONLY : 0);
	table_col(&t, "bar", "", TC_BAR);
	while ((rc = store_step(st)) == SQLITE_ROW) {
		int64_t v[8];
		int j;

		if (limit > 0 && rank >= limit)
			continue;
		for (j = 0; j < 8; j++)
			v[j] = sqlite3_column_int64(st, 3 + j);
		table_int(&t, ++rank);
		table_str(&t, (const char *)sqlite3_column_text(st, 0));
		table_str(&t, (const char *)sqlite3_column_text(st, 1));
		table_str(&t, (const char *)sqlite3_column_text(st, 2));
		table_money(&t, v[0]);
		table_ratio(&t, v[0], total);
		table_int(&t, v[1]);
		table_int(&t, v[2]);
		table_int(&t, v[3]);
		table_money(&t, v[4]);
		table_int(&t, v[5]);
		table_int(&t, v[6]);
		table_int(&t, v[7]);
		table_ratio(&t, v[7], v[6]);
		table_cell(&t, "", "", which == 0 ? (double)v[0] : which == 1 ?
		    (double)v[1] : which == 2 ? (double)v[3] : which == 3 ?
		    (double)v[4] : v[6] ? (double)v[7] / (double)v[6] : 0);
		table_endrow(&t);
	}
	sqlite3_finalize(st);
	table_end(&t);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
categories_table(struct rp_ctx *c, int64_t total)
{
	struct table t;
	sqlite3_stmt *st;
	int rc;

	st = rp_prep(c, "SELECT category, products, rev, qty, buyers, ret_rev,"
	    " ret_buyers FROM temp.ca ORDER BY rev DESC, category");
	if (st == NULL)
		return -1;
	tout_title(&c->out, "Categories");
	table_init(&t, &c->out);
	table_col(&t, "category", NULL, TC_LEFT | TC_SHRINK);
	table_col(&t, "products", NULL, 0);
	table_col(&t, "revenue", NULL, 0);
	table_col(&t, "revenue_share", "share", 0);
	table_col(&t, "quantity", "qty", TC_OPTIONAL);
	table_col(&t, "buyers", NULL, 0);
	table_col(&t, "returning_revenue", "returning rev", TC_OPTIONAL);
	table_col(&t, "returning_buyers", "returning", TC_CSVONLY);
	table_col(&t, "bar", "", TC_BAR);
	while ((rc = store_step(st)) == SQLITE_ROW) {
		const char *cat = (const char *)sqlite3_column_text(st, 0);

		table_str(&t, *cat != '\0' || c->out.mode != TM_TABLE ? cat :
		    "(none)");
		table_int(&t, sqlite3_column_int64(st, 1));
		table_money(&t, sqlite3_column_int64(st, 2));
		table_ratio(&t, sqlite3_column_int64(st, 2), total);
		table_int(&t, sqlite3_column_int64(st, 3));
		table_int(&t, sqlite3_column_int64(st, 4));
		table_money(&t, sqlite3_column_int64(st, 5));
		table_int(&t, sqlite3_column_int64(st, 6));
		table_cell(&t, "", "", sqlite3_column_double(st, 2));
		table_endrow(&t);
	}
	sqlite3_finalize(st);
	table_end(&t);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
rp_products(struct rp_ctx *c)
{
	sqlite3_stmt *st;
	int64_t from = c->has_from ? c->from : NOFROM;
	int64_t to = c->has_to ? c->to : c->asof, total = 0;
	int i, which = 0;

	for (i = 0; i < NPSORTS; i++)
		if (strcmp(c->sort, psorts[i].key) == 0)
			which = i;
	if (products_build(c, from, to) != 0)
		return -1;
	if ((st = rp_prep(c, "SELECT total(rev) FROM temp.pa")) == NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW)
		total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	/* A workbook: both parts, a sheet each. */
	if (c->out.mode == TM_XLSX && c->part == NULL)
		return products_table(c, which, total, rp_limit(c, 0)) != 0 ?
		    -1 : categories_table(c, total);
	if (c->out.mode != TM_TABLE && rp_part_is(c, "categories", 0))
		return categories_table(c, total);
	if (c->out.mode != TM_TABLE)
		return products_table(c, which, total, rp_limit(c, 0));
	tout_title(&c->out, "Products");
	rp_scope_note(c, from, to);
	tout_note(&c->out, "%sRevenue of lines: quantity x unit price less "
	    "returned quantities, before order discounts and shipping%s",
	    tc_dim(&c->out), tc_off(&c->out));
	rp_currency_note(c);
	for (i = 0; i < NPSORTS; i++)
		if (products_table(c, i, total, rp_limit(c, 10)) != 0)
			return -1;
	return categories_table(c, total);
}

/* Whether key names a ranking of the products report. */
int
rp_sort_known(const char *key)
{
	int i;

	for (i = 0; i < NPSORTS; i++)
		if (strcmp(key, psorts[i].key) == 0)
			return 1;
	return 0;
}
