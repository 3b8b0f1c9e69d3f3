/*
 * common.c: crm-report's scope (as-of day, channel, customer
 * list), the ordered streams the reports read, quantiles, and small
 * formatting helpers.
 */
#include <err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define SHOP_COLS "coalesce(SUM(status <> 'credit'), 0),"\
	" coalesce(SUM(net), 0), coalesce(SUM(CASE WHEN cid IS NULL"\
	" THEN net END), 0)"

/* ==== The run ==== */

sqlite3_stmt *
rp_prep(struct rp_ctx *c, const char *sql)
{
	return store_prepare(c->db, sql);
}

void
rp_bind2(sqlite3_stmt *st, int64_t a, int64_t b)
{
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
}

/*
 * Whether the part called name is written: every part in the table
 * form and in a workbook (a sheet each) unless --part names one; in
 * CSV, the one --part names, else the default (dflt set).
 */
int
rp_part_is(const struct rp_ctx *c, const char *name, int dflt)
{
	if (c->out.mode == TM_TABLE || (c->out.mode == TM_XLSX &&
	    c->part == NULL))
		return 1;
	if (c->part == NULL)
		return dflt;
	return strcmp(c->part, name) == 0;
}

/* Rows in a ranking: --limit, else tty in the table form, else all (0). */
long long
rp_limit(const struct rp_ctx *c, long long tty)
{
	if (c->limit >= 0)
		return c->limit;
	return c->out.mode == TM_TABLE ? tty : 0;
}

char *
rp_day(int64_t d, char buf[11])
{
	return day_format(d, buf);
}

/* "2024-03" for a month index y * 12 + m - 1. */
char *
rp_month(int64_t m, char buf[16])
{
	snprintf(buf, 16, "%04d-%02d", (int)(m / 12 % 10000),
	    (int)(m % 12 + 1));
	return buf;
}

int64_t
rp_month_of(int64_t day)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	return (int64_t)y * 12 + m - 1;
}

int64_t
rp_month_start(int64_t mi)
{
	return days_from_civil((int)(mi / 12), (int)(mi % 12) + 1, 1);
}

/* SQL: mon(day) is the month index, mstart(month) its first day. */
static void
rp_fn_mon(sqlite3_context *cx, int n, sqlite3_value **v)
{
	(void)n;
	if (sqlite3_value_type(v[0]) == SQLITE_NULL)
		sqlite3_result_null(cx);
	else
		sqlite3_result_int64(cx, rp_month_of(sqlite3_value_int64(v[0])));
}

static void
rp_fn_mstart(sqlite3_context *cx, int n, sqlite3_value **v)
{
	(void)n;
	if (sqlite3_value_type(v[0]) == SQLITE_NULL)
		sqlite3_result_null(cx);
	else
		sqlite3_result_int64(cx,
		    rp_month_start(sqlite3_value_int64(v[0])));
}

/* An amount for a person to read: "TWD 1,234.50" (the shop's currency). */
char *
rp_money(const struct rp_ctx *c, int64_t minor, char buf[48])
{
	char m[40];

	snprintf(buf, 48, "%s %s", c->currency, fmt_money(minor, m));
	return buf;
}

/* Ratio a/b rounded half up, for money averages in minor units. */
int64_t
rp_div_round(int64_t a, int64_t b)
{
	if (b == 0)
		return 0;
	return (a * 2 + b) / (2 * b);
}

/*
 * The scope every report reads: view p holds the purchases (completed or
 * pending orders) up to the as-of date, on --channel, of the customers
 * on the list, with those of no known buyer (cid NULL) unless a list is
 * read; view r the same with the credit notes (returns), the orders
 * whose net counts in revenue; view ao the same orders of any status.
 */
int
rp_scope_setup(struct rp_ctx *c)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_create_function(c->db, "mon", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, rp_fn_mon, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(c->db, "mstart", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, rp_fn_mstart, NULL, NULL) != SQLITE_OK) {
		warnx("%s: %s", store_path(c->db), sqlite3_errmsg(c->db));
		return -1;
	}
	/* Scratch tables need no journal: nothing to roll back to. */
	if (store_exec(c->db,
	    "PRAGMA temp.journal_mode = OFF;\n"
	    "CREATE TEMP TABLE IF NOT EXISTS custlist"
	    " (customer_id INTEGER PRIMARY KEY);\n"
	    "CREATE TEMP TABLE prm (t_end INTEGER, ch TEXT, list INTEGER);\n"
	    "CREATE TEMP VIEW ao AS SELECT id, customer_id AS cid,"
	    " ordered_at AS t, crm_day(ordered_at) AS day, status, net,"
	    " shipping, refund, channel FROM main.orders NOT INDEXED\n"
	    " WHERE ordered_at < (SELECT t_end FROM temp.prm)\n"
	    "  AND ((SELECT ch FROM temp.prm) IS NULL OR"
	    "   channel = (SELECT ch FROM temp.prm))\n"
	    "  AND (NOT (SELECT list FROM temp.prm) OR customer_id IN"
	    "   (SELECT customer_id FROM temp.custlist));\n"
	    "CREATE TEMP VIEW p AS SELECT id, cid, t, day, net, shipping,"
	    " channel FROM temp.ao WHERE " CRM_PURCHASE("") ";\n"
	    "CREATE TEMP VIEW r AS SELECT id, cid, t, day, net, status,"
	    " channel FROM temp.ao WHERE " CRM_REVENUE("") ";\n")
	    != 0)
		return -1;
	if ((st = rp_prep(c, "INSERT INTO temp.prm VALUES (?, ?, ?)")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, T1(c->asof));
	if (c->channel != NULL)
		sqlite3_bind_text(st, 2, c->channel, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int(st, 3, c->list);
	rc = store_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Makes asof_stats (customer_stats as of day d) for the scope: the
 * channel and the customer list; with lite, only what lifecycle_table()
 * reads.
 */
int
rp_scope_stats(struct rp_ctx *c, int64_t d, int lite)
{
	struct asof_scope sc;

	sc.channel = c->channel;
	sc.only = c->list ? "custlist" : NULL;
	sc.lite = lite;
	return stats_asof_in(c->db, d, &sc);
}

/*
 * Whether the store holds an order on channel c->channel: 1 or 0, with
 * the channels there are in known ("a, b"), or -1 on a store error.
 */
int
rp_channel_known(struct rp_ctx *c, struct buf *known)
{
	sqlite3_stmt *st;
	int found = 0, rc;

	buf_reset(known);
	if ((st = rp_prep(c, "SELECT DISTINCT channel FROM main.orders"
	    " WHERE channel IS NOT NULL ORDER BY 1")) == NULL)
		return -1;
	while ((rc = store_step(st)) == SQLITE_ROW) {
		const char *ch = (const char *)sqlite3_column_text(st, 0);

		if (strcmp(ch, c->channel) == 0)
			found = 1;
		buf_printf(known, "%s%s", known->len ? ", " : "", ch);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? found : -1;
}

/* The currency of a table's amounts, for a person: "Amounts in TWD." */
void
rp_currency_note(struct rp_ctx *c)
{
	tout_note(&c->out, "%sAmounts in %s.%s", tc_dim(&c->out), c->currency,
	    tc_off(&c->out));
}

/* A line under the title saying what the report covers. */
void
rp_scope_note(struct rp_ctx *c, int64_t from, int64_t to)
{
	char a[11], b[11], d[11];
	struct buf s = { 0 };

	if (c->out.mode != TM_TABLE)
		return;
	if (from != NOFROM)
		buf_printf(&s, "%s to %s", rp_day(from, a), rp_day(to, b));
	else
		buf_printf(&s, "up to %s", rp_day(to, b));
	if (to != c->asof)
		buf_printf(&s, ", as of %s", rp_day(c->asof, d));
	if (c->channel != NULL)
		buf_printf(&s, ", channel %s", c->channel);
	if (c->list)
		buf_printf(&s, ", customers on the list");
	tout_note(&c->out, "%s%s%s", tc_dim(&c->out), s.s, tc_off(&c->out));
	buf_free(&s);
}

/* ==== Quantiles of a sorted stream ==== */

const double rp_qp[3] = { 0.25, 0.5, 0.75 };

void
rp_quant_start(struct quant *q, long n)
{
	memset(q, 0, sizeof(*q));
	q->n = n;
}

void
rp_quant_add(struct quant *q, double x)
{
	int j;

	for (j = 0; j < 3; j++) {
		long k = (long)floor((double)(q->n - 1) * rp_qp[j]);

		if (q->i == k)
			q->lo[j] = q->hi[j] = x;
		else if (q->i == k + 1)
			q->hi[j] = x;
	}
	if (q->i == 0)
		q->min = x;
	q->max = x;
	q->sum += x;
	q->i++;
}

double
rp_quant_get(const struct quant *q, int j)
{
	double pos = (double)(q->n - 1) * rp_qp[j];
	double f = pos - floor(pos);

	return q->lo[j] + f * (q->hi[j] - q->lo[j]);
}

/*
 * One row per customer and day of a purchase or a return, in customer
 * then day order, with the day's purchases (n: 0 on a day of returns
 * only, which is no purchase day) and net revenue, of known buyers only
 * (the customer-level figures), or with guests of the buyers no one
 * knows only (cid 0, one row per day): the stream that summary, monthly
 * and cohort read, so that a customer's history passes by once and
 * nothing per customer is kept.  Over the whole store (no --channel, no
 * list) it is read off the index orders_customer alone, which holds each
 * order's customer, time, status and net in that order, and the days
 * are added up here; a scope reads the orders and groups them in SQL.
 */
int
rp_cdays_open(struct rp_ctx *c, struct rp_cdays *it, int guests)
{
	memset(it, 0, sizeof(*it));
	if (c->channel == NULL && !c->list) {
		it->st = rp_prep(c, guests ?
		    "SELECT 0, ordered_at, status <> 'credit', net"
		    " FROM main.orders INDEXED BY orders_customer"
		    " WHERE customer_id IS NULL AND ordered_at < ?1 AND "
		    CRM_REVENUE("") " ORDER BY customer_id, ordered_at" :
		    "SELECT customer_id, ordered_at, status <> 'credit', net"
		    " FROM main.orders INDEXED BY orders_customer"
		    " WHERE customer_id IS NOT NULL AND ordered_at < ?1 AND "
		    CRM_REVENUE("") " ORDER BY customer_id, ordered_at");
		if (it->st != NULL)
			sqlite3_bind_int64(it->st, 1, T1(c->asof));
	} else {
		it->grouped = 1;
		it->st = rp_prep(c, guests ?
		    "SELECT 0, day, SUM(status <> 'credit'), SUM(net)"
		    " FROM temp.r WHERE cid IS NULL GROUP BY day ORDER BY day" :
		    "SELECT cid, day, SUM(status <> 'credit'), SUM(net)"
		    " FROM temp.r WHERE cid IS NOT NULL GROUP BY cid, day"
		    " ORDER BY cid, day");
	}
	return it->st != NULL ? 0 : -1;
}

/* A row of the stream's statement: the day itself when grouped in SQL,
 * else the order's time, its day taken here (a call less per order). */
static void
cday_get(sqlite3_stmt *st, int grouped, struct cday *d)
{
	d->cid = sqlite3_column_int64(st, 0);
	d->day = grouped ? sqlite3_column_int64(st, 1) :
	    day_of(sqlite3_column_int64(st, 1));
	d->n = sqlite3_column_int64(st, 2);
	d->rev = sqlite3_column_int64(st, 3);
}

/* The next customer-day into d: 1, 0 at the end, -1 on an error. */
int
rp_cdays_next(struct rp_cdays *it, struct cday *d)
{
	struct cday o;
	int rc;

	if (it->grouped) {
		if ((rc = store_step(it->st)) == SQLITE_ROW) {
			cday_get(it->st, 1, d);
			return 1;
		}
		return rc == SQLITE_DONE ? 0 : -1;
	}
	if (it->done)
		return it->done > 0 ? 0 : -1;
	if (!it->have) {
		if ((rc = store_step(it->st)) != SQLITE_ROW) {
			it->done = rc == SQLITE_DONE ? 1 : -1;
			return it->done > 0 ? 0 : -1;
		}
		cday_get(it->st, 0, &it->next);
	}
	*d = it->next;
	it->have = 0;
	while ((rc = store_step(it->st)) == SQLITE_ROW) {
		cday_get(it->st, 0, &o);
		if (o.cid != d->cid || o.day != d->day) {
			it->next = o;
			it->have = 1;
			return 1;
		}
		d->n += o.n;
		d->rev += o.rev;
	}
	it->done = rc == SQLITE_DONE ? 1 : -1;
	return it->done > 0 ? 1 : -1;
}

void
rp_cdays_close(struct rp_cdays *it)
{
	sqlite3_finalize(it->st);
	it->st = NULL;
}

void
rp_pcust_close(struct period *a, struct pcust *pc, int64_t first)
{
	if (pc->n > 0) {
		a->customers++;
		a->orders += pc->n;
		a->revenue += pc->rev;
		if (first < a->from || pc->days >= 2) {
			a->returning++;
			a->ret_revenue += pc->rev;
		}
	}
	memset(pc, 0, sizeof(*pc));
}

/*
 * The shop-level figures of days [from, to], per month when by_month
 * (a[k] is month m0 + k, nm of them), else into a[0]: orders are the
 * purchases, revenue the net of purchases and credit notes on their own
 * day, guest_revenue the part of no known buyer.
 */
int
rp_shop(struct rp_ctx *c, int64_t from, int64_t to, int by_month,
    int64_t m0, struct period *a, int64_t nm)
{
	sqlite3_stmt *st;
	int64_t k;
	int rc;

	st = rp_prep(c, by_month ? "SELECT mon(day), " SHOP_COLS " FROM temp.r"
	    " WHERE day BETWEEN ?1 AND ?2 GROUP BY 1" : "SELECT 0, " SHOP_COLS
	    " FROM temp.r WHERE day BETWEEN ?1 AND ?2");
	if (st == NULL)
		return -1;
	rp_bind2(st, from, to);
	while ((rc = store_step(st)) == SQLITE_ROW) {
		k = by_month ? sqlite3_column_int64(st, 0) - m0 : 0;
		if (k < 0 || k >= nm)
			continue;
		a[k].sorders = sqlite3_column_int64(st, 1);
		a[k].srevenue = sqlite3_column_int64(st, 2);
		a[k].grevenue = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The first day of an order or a return in the scope, or NOFROM. */
int64_t
rp_first_day(struct rp_ctx *c)
{
	sqlite3_stmt *st;
	int64_t d = NOFROM;

	if ((st = rp_prep(c, "SELECT min(day) FROM temp.r")) == NULL)
		return NOFROM;
	if (store_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		d = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return d;
}

/* The first and last order or return in the scope, as month indices. */
int
rp_scope_months(struct rp_ctx *c, int64_t *m0, int64_t *m1)
{
	sqlite3_stmt *st;
	int rc;

	*m0 = *m1 = -1;
	if ((st = rp_prep(c, "SELECT mon(min(day)), mon(max(day)) FROM temp.r"))
	    == NULL)
		return -1;
	if ((rc = store_step(st)) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*m0 = sqlite3_column_int64(st, 0);
		*m1 = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}


/* Customer, day, id: the order the purchases are read in. */
static int
rp_ord_cmp(const void *a, const void *b)
{
	const struct rp_ord *x = a, *y = b;

	if (x->cid != y->cid)
		return x->cid < y->cid ? -1 : 1;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Sorts the purchases by customer, day and id.  Customer ids lie close
 * together, so the purchases, which come in id order, go to a new array
 * by counting on the customer (stable: each customer's stay in id
 * order); each customer's few are then put in day order, which they
 * mostly are already.  Far-apart ids fall back to qsort.
 */
static void
rp_ord_sort(struct rp_lines *pl)
{
	struct rp_ord *o = pl->o, *to;
	uint32_t *next;
	int64_t lo, hi;
	size_t i, j, k, nb, n = pl->n;

	if (n < 2)
		return;
	lo = hi = o[0].cid;
	for (i = 1; i < n; i++) {
		if (o[i].cid < lo)
			lo = o[i].cid;
		if (o[i].cid > hi)
			hi = o[i].cid;
	}
	if ((uint64_t)(hi - lo) > 4 * (uint64_t)n + 1000000 ||
	    n > UINT32_MAX) {
		qsort(o, n, sizeof(*o), rp_ord_cmp);
		return;
	}
	nb = (size_t)(hi - lo) + 1;
	if ((next = calloc(nb, sizeof(*next))) == NULL)
		err(EXIT_DATA, NULL);
	to = xmalloc(n * sizeof(*to));
	for (i = 0; i < n; i++)
		next[o[i].cid - lo]++;
	for (i = 0, k = 0; i < nb; i++) {	/* where bucket i starts */
		k += next[i];
		next[i] = (uint32_t)(k - next[i]);
	}
	for (i = 0; i < n; i++)
		to[next[o[i].cid - lo]++] = o[i];
	free(next);
	free(o);
	pl->o = o = to;
	pl->ocap = n;
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && o[j].cid == o[i].cid; j++)
			;
		if (j - i > 16) {
			qsort(o + i, j - i, sizeof(*o), rp_ord_cmp);
			continue;
		}
		for (k = i + 1; k < j; k++) {
			struct rp_ord x = o[k];
			size_t m = k;

			for (; m > i && rp_ord_cmp(&o[m - 1], &x) > 0; m--)
				o[m] = o[m - 1];
			o[m] = x;
		}
	}
}

/*
 * Every purchase of a known buyer in view p, in customer, day and id
 * order, with its
 * lines whose quantity was not all returned, whose product id is in
 * [0, maxpid], and whose day is in [from, to] (an order outside keeps no
 * line but still marks its day).  The purchases in rowid order, then
 * the lines in key order, merged by order id: two plain scans and no
 * sort of the lines; only the orders, a few numbers each, are then
 * sorted in memory.  Each line keeps its product, and its revenue and
 * quantity when amounts is set.  With maxpid < 0, the purchases alone.
 * The scans read each page once, so a small page cache does for them
 * and leaves the memory to the lines.
 */
int
rp_lines_load(struct rp_ctx *c, int64_t from, int64_t to, int64_t maxpid,
    int amounts, struct rp_lines *pl)
{
	sqlite3_stmt *st = NULL;
	size_t j;
	int rc = -1, step;

	memset(pl, 0, sizeof(*pl));
	if (store_exec(c->db, "PRAGMA main.cache_size = -1024") != 0)
		return -1;
	if ((st = rp_prep(c, "SELECT id, cid, day FROM temp.p"
	    " WHERE cid IS NOT NULL")) == NULL)
		goto done;
	while ((step = store_step(st)) == SQLITE_ROW) {
		struct rp_ord *o;

		if (pl->n == pl->ocap) {
			pl->ocap = pl->ocap ? pl->ocap * 2 : 4096;
			pl->o = xrealloc(pl->o, pl->ocap * sizeof(*pl->o));
		}
		o = &pl->o[pl->n++];
		o->id = sqlite3_column_int64(st, 0);
		o->cid = sqlite3_column_int64(st, 1);
		o->day = (int32_t)sqlite3_column_int64(st, 2);
		o->lbeg = o->lend = 0;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (step != SQLITE_DONE)
		goto done;
	if (maxpid < 0) {		/* the purchases alone */
		rp_ord_sort(pl);
		rc = 0;
		goto done;
	}
	st = rp_prep(c, "SELECT order_id, product_id,"
	    " amount - returned_qty * unit_price, quantity - returned_qty"
	    " FROM main.order_items WHERE quantity > returned_qty"
	    " ORDER BY order_id");
	if (st == NULL)
		goto done;
	j = 0;
	while ((step = store_step(st)) == SQLITE_ROW) {
		int64_t oid = sqlite3_column_int64(st, 0);
		int64_t pid = sqlite3_column_int64(st, 1);

		while (j < pl->n && pl->o[j].id < oid)
			j++;
		if (j == pl->n)
			break;
		if (pl->o[j].id != oid || pl->o[j].day < from ||
		    pl->o[j].day > to ||
		    sqlite3_column_type(st, 1) == SQLITE_NULL ||
		    pid < 0 || pid > maxpid)
			continue;
		if (pl->nl == pl->lcap) {
			pl->lcap = pl->lcap ? pl->lcap * 2 : 4096;
			pl->pid = xrealloc(pl->pid, pl->lcap *
			    sizeof(*pl->pid));
			if (amounts) {
				pl->rev = xrealloc(pl->rev, pl->lcap *
				    sizeof(*pl->rev));
				pl->qty = xrealloc(pl->qty, pl->lcap *
				    sizeof(*pl->qty));
			}
		}
		if (pl->o[j].lend == pl->o[j].lbeg)
			pl->o[j].lbeg = pl->o[j].lend = (uint32_t)pl->nl;
		pl->pid[pl->nl] = (int32_t)pid;
		if (amounts) {
			pl->rev[pl->nl] = sqlite3_column_int64(st, 2);
			pl->qty[pl->nl] = sqlite3_column_int64(st, 3);
		}
		pl->nl++;
		pl->o[j].lend++;
	}
	if (step != SQLITE_DONE && step != SQLITE_ROW)
		goto done;
	rp_ord_sort(pl);
	rc = 0;
done:
	sqlite3_finalize(st);
	if (store_exec(c->db, "PRAGMA main.cache_size = -16384") != 0)
		rc = -1;
	return rc;
}

void
rp_lines_free(struct rp_lines *pl)
{
	free(pl->o);
	free(pl->pid);
	free(pl->rev);
	free(pl->qty);
	memset(pl, 0, sizeof(*pl));
}
