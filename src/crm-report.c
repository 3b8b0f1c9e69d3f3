/*
 * crm-report: the repurchase reports an analyst reads, as aligned tables
 * and charts on a terminal and as plain CSV/TSV when piped.
 */
#include <err.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "crm.h"
#include "table.h"

static const char synopsis[] =
"usage: crm-report [--csv | --tsv | --table] [--as-of date] [--from date]\n"
"                  [--to date] [--channel name] [--db path] [--part name]\n"
"                  [--limit n] [--min-buyers n] [--lost-after days]\n"
"                  [--backtest date] [--brackets list]\n"
"                  [--free-shipping amount] [--sort key] report\n";

static const char help[] =
"Reports on the customer store: tables and charts on a terminal, CSV when\n"
"piped.  A customer list on stdin (CSV or TSV with a customer_id column)\n"
"restricts the report to those customers.\n"
"\n"
"Reports:\n"
"  summary     customers, orders, revenue, AOV, repurchase rate, stage\n"
"  cycle       repurchase cycle, gaps, per category and SKU, lost threshold\n"
"  monthly     new and returning customers and revenue per month\n"
"  cohort      first-purchase month cohorts: share who bought again\n"
"  products    rankings, returning customers, categories, gateway products\n"
"  basket      order values in brackets, free-shipping threshold\n"
"  heatmap     orders by weekday and hour\n"
"  channels    customers, orders, revenue per channel and across channels\n"
"  migration   lifecycle stage transitions between two dates\n"
"  quality     what in the data may mislead\n"
"\n"
"Options:\n"
"      --as-of DATE      as if the store held only orders up to DATE\n"
"                        [default: today]\n"
"      --backtest DATE   cycle: the earlier as-of date of the back-test\n"
"                        [default: as-of minus the lost threshold]\n"
"      --brackets LIST   basket: bracket lower bounds, e.g. 0,500,1000\n"
"      --channel NAME    only orders on this channel\n"
"      --csv             CSV (the default when stdout is not a terminal)\n"
"      --db PATH         the store [default: $CRM_DB, else ./crm.db]\n"
"      --free-shipping N basket: the free-shipping threshold [default: 1000]\n"
"      --from DATE       the period's first day\n"
"      --limit N         rows in rankings [default: 10 on a terminal,\n"
"                        all in CSV]\n"
"      --lost-after DAYS the lost threshold [default: 3 x the cycle]\n"
"      --min-buyers N    cycle, products: fewest customers for a row\n"
"                        [default: 10]\n"
"      --part NAME       which table to write as CSV (see crm-report(1))\n"
"      --sort KEY        products: revenue, quantity, buyers, returning or\n"
"                        gateway [default: revenue]\n"
"      --table           the terminal form even when piped\n"
"      --to DATE         the period's last day [default: the as-of date]\n"
"  -T, --tsv, --out-tab  TSV\n"
"  -h, --help            this text\n"
"  -V, --version         the version\n";

/* ==== The run ==== */

#define NOFROM	(-100000000LL)	/* a day before any order */
#define MAXBR	32

struct ctx {
	sqlite3	*db;
	struct tout out;
	int64_t	 asof;			/* the as-of day */
	int64_t	 from, to;		/* the period, days, inclusive */
	int	 has_from, has_to;
	const char *channel;		/* --channel, or NULL */
	int	 list;			/* a customer list was read */
	const char *part;		/* --part, or NULL */
	long long limit;		/* --limit, or -1 */
	long long min_buyers;
	long long lost_after;		/* 0: 3 x the cycle */
	int64_t	 backtest;
	int	 has_backtest;
	int64_t	 brackets[MAXBR];	/* minor units, ascending */
	int	 nbrackets;
	int64_t	 free_ship;		/* minor units */
	const char *sort;
};

static sqlite3_stmt *
prep(struct ctx *c, const char *sql)
{
	return store_prepare(c->db, sql);
}

static void
bind2(sqlite3_stmt *st, int64_t a, int64_t b)
{
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
}

/* First second of day d, and the second after day d. */
#define T0(d)	((int64_t)(d) * DAY_SECS)
#define T1(d)	(((int64_t)(d) + 1) * DAY_SECS)

static int
part_is(const struct ctx *c, const char *name, int dflt)
{
	if (c->out.mode == TM_TABLE)
		return 1;
	if (c->part == NULL)
		return dflt;
	return strcmp(c->part, name) == 0;
}

static long long
limit_or(const struct ctx *c, long long tty)
{
	if (c->limit >= 0)
		return c->limit;
	return c->out.mode == TM_TABLE ? tty : 0;
}

static char *
dayf(int64_t d, char buf[11])
{
	return day_format(d, buf);
}

/* "2024-03" for a month index y * 12 + m - 1. */
static char *
monthf(int64_t m, char buf[16])
{
	snprintf(buf, 16, "%04d-%02d", (int)(m / 12 % 10000),
	    (int)(m % 12 + 1));
	return buf;
}

static int64_t
month_of(int64_t day)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	return (int64_t)y * 12 + m - 1;
}

static int64_t
month_start(int64_t mi)
{
	return days_from_civil((int)(mi / 12), (int)(mi % 12) + 1, 1);
}

/* SQL: mon(day) is the month index, mstart(month) its first day. */
static void
fn_mon(sqlite3_context *cx, int n, sqlite3_value **v)
{
	(void)n;
	if (sqlite3_value_type(v[0]) == SQLITE_NULL)
		sqlite3_result_null(cx);
	else
		sqlite3_result_int64(cx, month_of(sqlite3_value_int64(v[0])));
}

static void
fn_mstart(sqlite3_context *cx, int n, sqlite3_value **v)
{
	(void)n;
	if (sqlite3_value_type(v[0]) == SQLITE_NULL)
		sqlite3_result_null(cx);
	else
		sqlite3_result_int64(cx,
		    month_start(sqlite3_value_int64(v[0])));
}

/* Ratio a/b rounded half up, for money averages in minor units. */
static int64_t
div_round(int64_t a, int64_t b)
{
	if (b == 0)
		return 0;
	return (a * 2 + b) / (2 * b);
}

/*
 * The scope every report reads: view p holds the purchases (completed or
 * pending orders) up to the as-of date, on --channel, of the customers
 * on the list; view ao the same orders of any status.
 */
static int
scope_setup(struct ctx *c)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_create_function(c->db, "mon", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, fn_mon, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(c->db, "mstart", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, fn_mstart, NULL, NULL) != SQLITE_OK) {
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
	    " ordered_at AS t, ordered_at / 86400 AS day, status, net,"
	    " shipping, refund, channel FROM main.orders NOT INDEXED\n"
	    " WHERE ordered_at < (SELECT t_end FROM temp.prm)\n"
	    "  AND ((SELECT ch FROM temp.prm) IS NULL OR"
	    "   channel = (SELECT ch FROM temp.prm))\n"
	    "  AND (NOT (SELECT list FROM temp.prm) OR customer_id IN"
	    "   (SELECT customer_id FROM temp.custlist));\n"
	    "CREATE TEMP VIEW p AS SELECT id, cid, t, day, net, shipping,"
	    " channel FROM temp.ao WHERE status IN ('completed', 'pending');\n")
	    != 0)
		return -1;
	if ((st = prep(c, "INSERT INTO temp.prm VALUES (?, ?, ?)")) == NULL)
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
 * library's stats_asof() for the whole store, else the same aggregates
 * from the purchases in view p.
 */
/* Inserts one customer's aggregates, a[0..8] in asof_stats order. */
static int
stats_put(sqlite3_stmt *ins, const int64_t *a)
{
	int i;

	for (i = 0; i < 9; i++)
		if (i == 7 && a[i] < 0)
			sqlite3_bind_null(ins, i + 1);
		else
			sqlite3_bind_int64(ins, i + 1, a[i]);
	if (store_step(ins) != SQLITE_DONE)
		return -1;
	sqlite3_reset(ins);
	return 0;
}

static int
scope_stats(struct ctx *c, int64_t d)
{
	sqlite3_stmt *st = NULL, *ins = NULL;
	int64_t a[9];
	int rc;

	/* The library's copy of customer_stats when it is the answer. */
	if (c->channel == NULL && d >= store_last_day(c->db)) {
		if (stats_asof(c->db, d) != 0)
			return -1;
		if (c->list && store_exec(c->db, "DELETE FROM temp.asof_stats"
		    " WHERE customer_id NOT IN"
		    " (SELECT customer_id FROM temp.custlist)") != 0)
			return -1;
		return store_exec(c->db, "CREATE UNIQUE INDEX IF NOT EXISTS"
		    " temp.asof_stats_id ON asof_stats(customer_id)");
	}
	/*
	 * Else the same aggregates from the purchases in view p, one
	 * customer at a time from the days in customer order: one sort,
	 * no window function (whose per-customer partitions cost a
	 * truncated temporary file each) and no second grouping.
	 */
	if (store_exec(c->db, "DROP TABLE IF EXISTS temp.asof_stats;"
	    "CREATE TEMP TABLE asof_stats (customer_id INTEGER PRIMARY KEY,"
	    " purchases INTEGER, purchase_days INTEGER, spent INTEGER,"
	    " first_at INTEGER, last_at INTEGER, first_day INTEGER,"
	    " second_day INTEGER, last_day INTEGER)") != 0)
		return -1;
	st = prep(c, "SELECT cid, day, COUNT(*), SUM(net), MIN(t), MAX(t)"
	    " FROM temp.p WHERE t < ? GROUP BY cid, day ORDER BY cid, day");
	ins = prep(c, "INSERT INTO temp.asof_stats VALUES"
	    " (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL || ins == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, T1(d));
	memset(a, 0, sizeof(a));
	a[0] = -1;
	while ((rc = store_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		int64_t day = sqlite3_column_int64(st, 1);

		if (id != a[0]) {
			if (a[0] >= 0 && stats_put(ins, a) != 0)
				goto fail;
			a[0] = id;
			a[1] = a[2] = a[3] = 0;
			a[4] = sqlite3_column_int64(st, 4);
			a[6] = day;
			a[7] = -1;
		}
		a[1] += sqlite3_column_int64(st, 2);
		a[2]++;
		a[3] += sqlite3_column_int64(st, 3);
		a[5] = sqlite3_column_int64(st, 5);
		if (a[2] == 2)
			a[7] = day;
		a[8] = day;
	}
	if (rc != SQLITE_DONE || (a[0] >= 0 && stats_put(ins, a) != 0))
		goto fail;
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	return 0;
fail:
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	return -1;
}


/* A line under the title saying what the report covers. */
static void
scope_note(struct ctx *c, int64_t from, int64_t to)
{
	char a[11], b[11], d[11];
	struct buf s = { 0 };

	if (c->out.mode != TM_TABLE)
		return;
	if (from != NOFROM)
		buf_printf(&s, "%s to %s", dayf(from, a), dayf(to, b));
	else
		buf_printf(&s, "up to %s", dayf(to, b));
	if (to != c->asof)
		buf_printf(&s, ", as of %s", dayf(c->asof, d));
	if (c->channel != NULL)
		buf_printf(&s, ", channel %s", c->channel);
	if (c->list)
		buf_printf(&s, ", customers on the list");
	tout_note(&c->out, "%s%s%s", tc_dim(&c->out), s.s, tc_off(&c->out));
	buf_free(&s);
}

/*
 * Every purchase with its lines, in customer, day and order order (an
 * order without a line still marks its day): one scan of the orders and
 * lines as they lie, then one sort of narrow rows.
 */
#define LINES_SQL \
	"SELECT o.id, o.cid, o.day, i.product_id," \
	" i.amount - i.returned_qty * i.unit_price," \
	" i.quantity - i.returned_qty FROM temp.p o" \
	" LEFT JOIN main.order_items i ON i.order_id = o.id" \
	"  AND i.quantity > i.returned_qty" \
	" ORDER BY o.cid, o.day, o.id"

/* ==== Quantiles of a sorted stream ==== */

/*
 * Quantiles by linear interpolation between order statistics (R's type
 * 7): the p-quantile of n sorted values x[0..n-1] is x[k] + f (x[k+1] -
 * x[k]) with k + f = (n - 1) p.  The median is then the mean of the
 * middle two for even n, as the repurchase cycle is defined.  Values
 * arrive one by one in order with their group's count, so nothing is
 * kept but a few numbers.
 */
struct quant {
	long	 n, i;
	double	 min, max, sum;
	double	 lo[3], hi[3];		/* x[k] and x[k+1] per quartile */
};

static const double qp[3] = { 0.25, 0.5, 0.75 };

static void
quant_start(struct quant *q, long n)
{
	memset(q, 0, sizeof(*q));
	q->n = n;
}

static void
quant_add(struct quant *q, double x)
{
	int j;

	for (j = 0; j < 3; j++) {
		long k = (long)floor((double)(q->n - 1) * qp[j]);

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

static double
quant_get(const struct quant *q, int j)
{
	double pos = (double)(q->n - 1) * qp[j];
	double f = pos - floor(pos);

	return q->lo[j] + f * (q->hi[j] - q->lo[j]);
}

/* ==== summary ==== */

struct period {
	int64_t	 from, to;		/* days */
	int64_t	 customers, orders, revenue, returning, ret_revenue;
};

/*
 * One row per customer and purchase day, in customer then day order,
 * with the day's orders and revenue: the stream that summary, monthly
 * and cohort read, so that a customer's history passes by once and
 * nothing per customer is kept.
 */
static sqlite3_stmt *
cust_days(struct ctx *c)
{
	return prep(c, "SELECT cid, day, COUNT(*), SUM(net) FROM temp.p"
	    " GROUP BY cid, day ORDER BY cid, day");
}

struct cday {
	int64_t	 cid, day, n, rev;
};

static void
cday_get(sqlite3_stmt *st, struct cday *d)
{
	d->cid = sqlite3_column_int64(st, 0);
	d->day = sqlite3_column_int64(st, 1);
	d->n = sqlite3_column_int64(st, 2);
	d->rev = sqlite3_column_int64(st, 3);
}

/* What one customer did in one period, added up when the customer ends. */
struct pcust {
	int64_t	 n, rev, days;
};

static void
pcust_close(struct period *a, struct pcust *pc, int64_t first)
{
	if (pc->n > 0 || pc->days > 0) {
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
 * Both periods in one pass: a customer is returning in a period when
 * they bought before it or on two or more days in it.
 */
static int
period_agg(struct ctx *c, struct period *cur, struct period *prev)
{
	sqlite3_stmt *st;
	struct pcust pc[2];
	struct period *ps[2] = { cur, prev };
	struct cday d;
	int64_t cid = -1, first = 0;
	int rc, k;

	if ((st = cust_days(c)) == NULL)
		return -1;
	memset(pc, 0, sizeof(pc));
	while ((rc = store_step(st)) == SQLITE_ROW) {
		cday_get(st, &d);
		if (d.cid != cid) {
			for (k = 0; k < 2; k++)
				pcust_close(ps[k], &pc[k], first);
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
		pcust_close(ps[k], &pc[k], first);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Average revenue per month: revenue x (365.25 / 12) / days. */
static int64_t
monthly_revenue(const struct period *a)
{
	int64_t days = a->to - a->from + 1;

	return days > 0 ? div_round(a->revenue * 1461, 48 * days) : 0;
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

static int
rep_summary(struct ctx *c)
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
			table_str(&t, dayf(p->from, a));
			table_str(&t, dayf(p->to, b));
			table_int(&t, p->to - p->from + 1);
			table_int(&t, p->customers);
			table_int(&t, p->orders);
			table_money(&t, p->revenue);
			table_money(&t, div_round(p->revenue, p->orders));
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
	    dayf(cur.from, a), dayf(cur.to, b), (long long)days);
	if (c->channel != NULL || c->list || cur.to != c->asof)
		scope_note(c, cur.from, cur.to);
	table_init(&t, &c->out);
	table_col(&t, "metric", "", TC_LEFT);
	table_col(&t, "current", "this period", 0);
	snprintf(m2, sizeof(m2), "previous (from %s)", dayf(prev.from, a));
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
	ROW("average order value", table_money(&t, div_round(p->revenue,
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

/* ==== cycle ==== */

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

/* The quantiles of the counts, as quant_add would have found them. */
static void
ghist_quant(const struct ghist *g, struct quant *q)
{
	int64_t v;
	long seen = 0, k;
	int j;

	quant_start(q, g->n);
	if (g->n == 0)
		return;
	q->min = (double)g->lo;
	q->max = (double)g->hi;
	q->sum = g->sum;
	q->i = g->n;
	for (j = 0; j < 3; j++) {
		k = (long)floor((double)(g->n - 1) * qp[j]);
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
		table_days(t, quant_get(q, 0));
		table_days(t, quant_get(q, 1));
		table_days(t, quant_get(q, 2));
		table_days(t, q->max);
		table_num(t, q->sum / q->n, 1);
	}
	table_endrow(t);
}

/* keys: 0 the whole shop, 1 per category, 2 per SKU. */
static void
stats_cols(struct table *t, int keys, int tty)
{
	table_col(t, "scope", "", !tty ? 0 : keys ? TC_CSVONLY : TC_LEFT);
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
	table_col(t, "mean", NULL, 0);
}

/*
 * The days from each customer's first to second purchase day of each
 * category and product, into TEMP table kg (kind 1 category, 2 product;
 * key; gap), from one pass over the purchases in customer order with
 * each order's lines looked up by its key: only the customer passing by
 * is held, and only the gaps are sorted afterwards.  Customers count
 * when their first purchase falls in [from, to].
 */
struct kent {
	int64_t	 key, d1, d2;
};

static int
kents_note(struct kent **e, size_t *n, size_t *cap, int64_t key,
    int64_t day)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*e)[i].key == key) {
			if ((*e)[i].d2 < 0 && day != (*e)[i].d1)
				(*e)[i].d2 = day;
			return 0;
		}
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*e = xrealloc(*e, *cap * sizeof(**e));
	}
	(*e)[*n].key = key;
	(*e)[*n].d1 = day;
	(*e)[*n].d2 = -1;
	(*n)++;
	return 0;
}

static int
kents_flush(sqlite3_stmt *ins, int kind, struct kent *e, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		if (e[i].d2 < 0)
			continue;
		sqlite3_bind_int(ins, 1, kind);
		sqlite3_bind_int64(ins, 2, e[i].key);
		sqlite3_bind_int64(ins, 3, e[i].d2 - e[i].d1);
		if (store_step(ins) != SQLITE_DONE)
			return -1;
		sqlite3_reset(ins);
	}
	*n = 0;
	return 0;
}

static int
cycle_key_gaps(struct ctx *c, int64_t from, int64_t to)
{
	sqlite3_stmt *st = NULL, *ins = NULL;
	struct kent *pe = NULL, *ce = NULL;
	size_t np = 0, cp = 0, nc = 0, cc = 0;
	int64_t cid = -1, first = 0, maxpid = 0, *pcat = NULL;
	int rc = -1, step, in = 0;

	if (store_exec(c->db, "CREATE TEMP TABLE kg (kind INTEGER, k INTEGER,"
	    " gap INTEGER)") != 0)
		return -1;
	/* Each product's category, as the rowid of its name in cat. */
	if ((st = prep(c, "SELECT max(id) FROM main.products")) == NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW)
		maxpid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if ((pcat = calloc((size_t)maxpid + 1, sizeof(*pcat))) == NULL)
		err(EXIT_DATA, NULL);
	if ((st = prep(c, "SELECT p.id, c.rowid FROM main.products p"
	    " JOIN temp.cat c ON c.name = coalesce(p.category, '')")) == NULL)
		goto done;
	while (store_step(st) == SQLITE_ROW)
		pcat[sqlite3_column_int64(st, 0)] = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	st = prep(c, LINES_SQL);
	ins = prep(c, "INSERT INTO temp.kg VALUES (?, ?, ?)");
	if (st == NULL || ins == NULL)
		goto done;
	while ((step = store_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 1);
		int64_t day = sqlite3_column_int64(st, 2);
		int64_t pid = sqlite3_column_int64(st, 3);

		if (id != cid) {
			if (kents_flush(ins, 2, pe, &np) != 0 ||
			    kents_flush(ins, 1, ce, &nc) != 0)
				goto done;
			cid = id;
			first = day;
			in = first >= from && first <= to;
		}
		if (!in || sqlite3_column_type(st, 3) == SQLITE_NULL ||
		    pid < 0 || pid > maxpid)
			continue;
		kents_note(&pe, &np, &cp, pid, day);
		kents_note(&ce, &nc, &cc, pcat[pid], day);
	}
	rc = -1;
	if (step != SQLITE_DONE || kents_flush(ins, 2, pe, &np) != 0 ||
	    kents_flush(ins, 1, ce, &nc) != 0)
		goto done;
	rc = 0;
done:
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	free(pcat);
	free(pe);
	free(ce);
	return rc;
}

/*
 * Per category (keys 1) or SKU (keys 2): the gaps of kg, sorted by key
 * then gap; each key's gaps are counted, then summarised.
 */
static int
cycle_keys(struct ctx *c, struct table *t, int keys, int64_t span)
{
	sqlite3_stmt *st, *name = NULL;
	struct ghist g;
	struct quant q;
	struct buf key = { 0 };
	int64_t rows = 0, limit;
	int rc, open = 0;

	limit = keys == 2 ? limit_or(c, 0) : 0;
	st = prep(c, keys == 1 ?
	    "SELECT c.name, kg.gap FROM temp.kg JOIN temp.cat c"
	    " ON c.rowid = kg.k WHERE kg.kind = 1 ORDER BY 1, 2" :
	    "SELECT k, gap FROM temp.kg WHERE kind = 2 ORDER BY k, gap");
	if (st == NULL)
		return -1;
	if (keys == 2 && (name = prep(c, "SELECT sku, name FROM"
	    " main.products WHERE id = ?")) == NULL) {
		sqlite3_finalize(st);
		return -1;
	}
	ghist_init(&g, span);
#define FLUSH_KEY() do {						\
	if (open && g.n >= c->min_buyers &&				\
	    (limit <= 0 || rows < limit)) {				\
		ghist_quant(&g, &q);					\
		if (keys == 2) {					\
			sqlite3_bind_int64(name, 1, strtoll(key.s,	\
			    NULL, 10));					\
			if (store_step(name) == SQLITE_ROW)		\
				stats_row(t, "sku", (const char *)	\
				    sqlite3_column_text(name, 0),	\
				    (const char *)			\
				    sqlite3_column_text(name, 1), g.n, &q);\
			sqlite3_reset(name);				\
		} else							\
			stats_row(t, "category", key.s, "", g.n, &q);	\
		rows++;							\
	}								\
	ghist_clear(&g);						\
} while (0)
	while ((rc = store_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);

		if (k == NULL)
			k = "";
		if (!open || strcmp(k, key.s) != 0) {
			FLUSH_KEY();
			buf_reset(&key);
			buf_adds(&key, k);
			open = 1;
		}
		ghist_add(&g, sqlite3_column_int64(st, 1));
	}
	FLUSH_KEY();
#undef FLUSH_KEY
	sqlite3_finalize(st);
	sqlite3_finalize(name);
	free(g.h);
	buf_free(&key);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void
hist_table(struct ctx *c, const char *scope, const long *h, long n)
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
 * more than L days before e) and how many of them bought again after e.
 */
static int
backtest(struct ctx *c, int64_t e, const int64_t *L, int n, long *lost,
    long *back)
{
	sqlite3_stmt *st;
	int rc, i;

	st = prep(c, "SELECT ?1 - last, back FROM"
	    " (SELECT MAX(CASE WHEN day <= ?1 THEN day END) AS last,"
	    "  MAX(day > ?1) AS back FROM temp.p GROUP BY cid)"
	    " WHERE last IS NOT NULL");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, e);
	for (i = 0; i < n; i++)
		lost[i] = back[i] = 0;
	while ((rc = store_step(st)) == SQLITE_ROW) {
		int64_t since = sqlite3_column_int64(st, 0);
		int b = sqlite3_column_int(st, 1);

		for (i = 0; i < n; i++)
			if (since > L[i]) {
				lost[i]++;
				back[i] += b;
			}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The first-to-second and all consecutive gaps of the customers whose
 * first purchase falls in [from, to]. */
static int
cycle_gaps(struct ctx *c, int64_t from, int64_t to, struct ghist *g1,
    struct ghist *ga, int all)
{
	sqlite3_stmt *st;
	int64_t cid = -1, prev = -1;
	int rc, filter = c->has_from || c->has_to;

	st = prep(c, "SELECT second_day - first_day FROM temp.asof_stats"
	    " WHERE second_day IS NOT NULL AND first_day BETWEEN ?1 AND ?2");
	if (st == NULL)
		return -1;
	bind2(st, from, to);
	while ((rc = store_step(st)) == SQLITE_ROW)
		ghist_add(g1, sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (!all)
		return 0;
	st = prep(c, filter ? "SELECT cid, day FROM temp.p WHERE cid IN"
	    " (SELECT customer_id FROM temp.asof_stats"
	    "  WHERE first_day BETWEEN ?1 AND ?2) ORDER BY 1, 2" :
	    "SELECT cid, day FROM temp.p ORDER BY 1, 2");
	if (st == NULL)
		return -1;
	if (filter)
		bind2(st, from, to);
	while ((rc = store_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		int64_t day = sqlite3_column_int64(st, 1);

		if (id == cid && day != prev)
			ghist_add(ga, day - prev);
		cid = id;
		prev = day;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
rep_cycle(struct ctx *c)
{
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
	int i, nl, keys, rc = -1;

	if (scope_stats(c, c->asof) != 0)
		return -1;
	if ((st = prep(c, "SELECT max(last_day) - min(first_day) FROM"
	    " temp.asof_stats")) == NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW)
		span = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	ghist_init(&g1, span);
	ghist_init(&ga, span);
	if (cycle_gaps(c, from, to, &g1, &ga, part_is(c, "stats", 1) ||
	    part_is(c, "histogram", 0)) != 0)
		goto done;
	ghist_quant(&g1, &q1);
	ghist_quant(&ga, &qa);
	if (part_is(c, "stats", 1)) {
		tout_title(&c->out, "Repurchase cycle: days between purchase "
		    "days");
		scope_note(c, from, to);
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
	if (part_is(c, "products", 0)) {
		if (!tty) {
			table_init(&t, &c->out);
			stats_cols(&t, 1, 0);
		}
		if (store_exec(c->db, "CREATE TEMP TABLE cat (name TEXT"
		    " UNIQUE); INSERT OR IGNORE INTO temp.cat SELECT"
		    " coalesce(category, '') FROM main.products"
		    " ORDER BY 1") != 0 || cycle_key_gaps(c, from, to) != 0)
			goto done;
		for (keys = 1; keys <= 2; keys++) {
			if (tty) {
				tout_title(&c->out, "Cycle per %s (first to "
				    "second purchase day of it; %lld customers "
				    "or more)", keys == 1 ? "category" :
				    "product", c->min_buyers);
				table_init(&t, &c->out);
				stats_cols(&t, keys, 1);
			}
			if (cycle_keys(c, &t, keys, span) != 0)
				goto done;
			if (tty)
				table_end(&t);
		}
		if (!tty)
			table_end(&t);
	}
	if (part_is(c, "histogram", 0)) {
		ghist_bins(&g1, h1);
		ghist_bins(&ga, ha);
		tout_title(&c->out, "Days from first to second purchase");
		hist_table(c, "first_second", h1, g1.n);
		tout_title(&c->out, "Days between consecutive purchase days");
		hist_table(c, "all_gaps", ha, ga.n);
	}
	if (!part_is(c, "threshold", 0)) {
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
	if (backtest(c, e, L, nl, lost, back) != 0)
		goto done;
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
		    "bought again by %s:", dayf(e, a), dayf(c->asof, b));
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
		table_str(&t, dayf(e, a));
		table_int(&t, lost[i]);
		table_int(&t, back[i]);
		table_ratio(&t, back[i], lost[i]);
		table_endrow(&t);
	}
	table_end(&t);
	rc = 0;
done:
	free(g1.h);
	free(ga.h);
	return rc;
}

/* ==== monthly ==== */

/* The month index of the first and last purchase in the scope. */
static int
scope_months(struct ctx *c, int64_t *m0, int64_t *m1)
{
	sqlite3_stmt *st;
	int rc;

	*m0 = *m1 = -1;
	if ((st = prep(c, "SELECT mon(min(day)), mon(max(day)) FROM temp.p"))
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

static int
rep_monthly(struct ctx *c)
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

	if (scope_months(c, &m0, &m1) != 0)
		return -1;
	nm = m0 < 0 ? 0 : m1 - m0 + 1;
	if (nm > 0 && (mp = calloc((size_t)nm, sizeof(*mp))) == NULL)
		err(EXIT_DATA, NULL);
	for (k = 0; k < nm; k++)
		mp[k].from = month_start(m0 + k);
	memset(&pc, 0, sizeof(pc));
	if ((st = cust_days(c)) == NULL)
		goto done;
	/* Each customer's days, month by month: the month is the period. */
	while ((rc = store_step(st)) == SQLITE_ROW) {
		cday_get(st, &d);
		if (d.cid != cid || month_of(d.day) != cm) {
			if (cm >= 0)
				pcust_close(&mp[cm - m0], &pc, first);
			if (d.cid != cid)
				first = d.day;
			cid = d.cid;
			cm = month_of(d.day);
		}
		if (d.day >= from && d.day <= to) {
			pc.n += d.n;
			pc.rev += d.rev;
			pc.days++;
		}
	}
	if (cm >= 0)
		pcust_close(&mp[cm - m0], &pc, first);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto done;
	tout_title(&c->out, "New and returning customers by month");
	scope_note(c, from, to);
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
		table_str(&t, monthf(m0 + k, m));
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

static int
rep_cohort(struct ctx *c)
{
	struct table t;
	sqlite3_stmt *st;
	int64_t from = c->has_from ? c->from : NOFROM;
	int64_t to = c->has_to ? c->to : c->asof;
	int64_t m0 = -1, m1 = -1, nm, last = month_of(c->asof);
	int64_t *size = NULL, *active = NULL, *repeat = NULL;
	int64_t ci, k, cum;
	char m[16], lab[16];
	int rc = -1, shown, kmax;

	if (scope_months(c, &m0, &m1) != 0)
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
		if ((st = cust_days(c)) == NULL)
			goto done;
		while (store_step(st) == SQLITE_ROW) {
			cday_get(st, &d);
			if (d.cid != cid) {
				cid = d.cid;
				f = d.day;
				nd = 0;
				ck = -1;
				if (f >= from && f <= to)
					size[month_of(f) - m0]++;
			}
			nd++;
			if (f < from || f > to)
				continue;
			ci = month_of(f) - m0;
			k0 = month_of(d.day) - month_of(f);
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
				table_str(&t, monthf(m0 + ci, m));
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
	scope_note(c, from, to);
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
		static char labels[TABLE_MAXCOLS][8];

		for (k = 0; k < shown && k < TABLE_MAXCOLS - 2; k++) {
			snprintf(labels[k], sizeof(labels[k]), "M%lld",
			    (long long)k);
			table_col(&t, labels[k], NULL, 0);
		}
	}
	for (ci = 0; nm > 0 && ci <= m1 - m0; ci++) {
		if (size[ci] == 0)
			continue;
		table_str(&t, monthf(m0 + ci, m));
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

/* ==== products ==== */

/*
 * Products and categories in one pass over the purchases in customer
 * order, each order's lines looked up by its key: a customer's lines
 * are added up per product and category while the customer passes by
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

static int
products_build(struct ctx *c, int64_t from, int64_t to)
{
	sqlite3_stmt *st = NULL, *ins = NULL;
	struct pacc *pa = NULL, *ca = NULL;
	struct pents pp = { 0 }, pc = { 0 };
	int64_t maxpid = 0, ncat = 0, *pcat = NULL, cid = -1, first = 0;
	int64_t lastday = -1, k;
	int rc = -1, days = 0, step;
	char **cats = NULL;

	/* The catalogue: each product's category as a small number. */
	if ((st = prep(c, "SELECT max(id) FROM main.products")) == NULL)
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
	if ((st = prep(c, "SELECT id, coalesce(category, '') FROM"
	    " main.products ORDER BY 2")) == NULL)
		goto done;
	while (store_step(st) == SQLITE_ROW) {
		const char *cat = (const char *)sqlite3_column_text(st, 1);

		if (ncat == 0 || strcmp(cats[ncat - 1], cat) != 0)
			cats[ncat++] = xstrdup(cat);
		pcat[sqlite3_column_int64(st, 0)] = ncat - 1;
	}
	sqlite3_finalize(st);

	st = prep(c, LINES_SQL);
	if (st == NULL)
		goto done;
	while ((step = store_step(st)) == SQLITE_ROW) {
		int64_t oid = sqlite3_column_int64(st, 0);
		int64_t id = sqlite3_column_int64(st, 1);
		int64_t day = sqlite3_column_int64(st, 2);
		int64_t pid = sqlite3_column_int64(st, 3);
		int64_t rev = sqlite3_column_int64(st, 4);
		int64_t qty = sqlite3_column_int64(st, 5);

		if (id != cid) {
			pents_close(&pp, pa, days >= 2);
			pents_close(&pc, ca, days >= 2);
			cid = id;
			first = day;
			days = 0;
			lastday = -1;
		}
		if (day != lastday)
			days++;
		lastday = day;
		if (day < from || day > to ||
		    sqlite3_column_type(st, 3) == SQLITE_NULL ||
		    pid < 0 || pid > maxpid)
			continue;
		pent_add(pent_find(&pp, pid), oid, rev, qty, day > first,
		    day == first);
		pent_add(pent_find(&pc, pcat[pid]), oid, rev, qty, day > first,
		    day == first);
	}
	pents_close(&pp, pa, days >= 2);
	pents_close(&pc, ca, days >= 2);
	rc = -1;
	if (step != SQLITE_DONE)
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
	ins = prep(c, "INSERT INTO temp.pa SELECT id, sku, name,"
	    " coalesce(category, ''), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9"
	    " FROM main.products WHERE id = ?1");
	if (ins == NULL)
		goto done;
	for (k = 0; k <= maxpid; k++) {
		if (pa[k].buyers == 0)
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
	ins = prep(c, "INSERT INTO temp.ca VALUES (?1, (SELECT COUNT(*) FROM"
	    " temp.pa WHERE category = ?1), ?2, ?3, ?4, ?5, ?6)");
	if (ins == NULL)
		goto done;
	for (k = 0; k < ncat; k++) {
		if (ca[k].buyers == 0)
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
products_table(struct ctx *c, int which, int64_t total, long long limit)
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
	st = prep(c, sql);
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
categories_table(struct ctx *c, int64_t total)
{
	struct table t;
	sqlite3_stmt *st;
	int rc;

	st = prep(c, "SELECT category, products, rev, qty, buyers, ret_rev,"
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

static int
rep_products(struct ctx *c)
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
	if ((st = prep(c, "SELECT total(rev) FROM temp.pa")) == NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW)
		total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (c->out.mode != TM_TABLE && part_is(c, "categories", 0))
		return categories_table(c, total);
	if (c->out.mode != TM_TABLE)
		return products_table(c, which, total, limit_or(c, 0));
	tout_title(&c->out, "Products");
	scope_note(c, from, to);
	tout_note(&c->out, "%sRevenue of lines: quantity x unit price less "
	    "returned quantities, before order discounts and shipping%s",
	    tc_dim(&c->out), tc_off(&c->out));
	for (i = 0; i < NPSORTS; i++)
		if (products_table(c, i, total, limit_or(c, 10)) != 0)
			return -1;
	return categories_table(c, total);
}

/* ==== basket ==== */

static int
rep_basket(struct ctx *c)
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

	st = prep(c, "SELECT max(net - shipping, 0) FROM temp.p"
	    " WHERE t >= ?1 * 86400 AND t < (?2 + 1) * 86400 ORDER BY 1");
	if (st == NULL)
		return -1;
	bind2(st, from, to);
	while ((rc = store_step(st)) == SQLITE_ROW)
		n++;
	sqlite3_reset(st);
	quant_start(&q, n);
	nearlo = c->free_ship - c->free_ship / 5;
	if (rc == SQLITE_DONE)
		while ((rc = store_step(st)) == SQLITE_ROW) {
		v = sqlite3_column_int64(st, 0);
		quant_add(&q, (double)v);
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
	if (part_is(c, "brackets", 1)) {
		tout_title(&c->out, "Order values (goods, without shipping)");
		scope_note(c, from, to);
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
	if (!part_is(c, "summary", 0))
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
		    fmt_money(div_round(sum, n), a), n ? fmt_money((int64_t)
		    llround(quant_get(&q, 1)), b) : "-");
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
	table_money(&t, div_round(sum, n));
	if (n)
		table_money(&t, (int64_t)llround(quant_get(&q, 1)));
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

static int
rep_heatmap(struct ctx *c)
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
	st = prep(c, "SELECT (day + 3) % 7, (t % 86400) / 3600, COUNT(*),"
	    " SUM(net) FROM temp.p"
	    " WHERE t >= ?1 * 86400 AND t < (?2 + 1) * 86400 AND t >= 0"
	    " GROUP BY 1, 2");
	if (st == NULL)
		return -1;
	bind2(st, from, to);
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
	scope_note(c, from, to);
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
	    "busiest hour (%lld orders); %lld orders in all%s",
	    tc_dim(&c->out), (long long)max, (long long)total, tc_off(&c->out));
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
			buf_printf(&s, "%s%s %02d:00 (%lld)", k ? ", " : "",
			    wdays[best[k][0]], best[k][1],
			    (long long)n[best[k][0]][best[k][1]]);
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

static int
rep_channels(struct ctx *c)
{
	struct table t;
	sqlite3_stmt *st;
	int64_t from = c->has_from ? c->from : NOFROM;
	int64_t to = c->has_to ? c->to : c->asof, total = 0, cust = 0;
	int rc;

	if (store_exec(c->db, "DROP TABLE IF EXISTS temp.cc") != 0)
		return -1;
	st = prep(c, "CREATE TEMP TABLE cc AS SELECT cid, channel,"
	    " COUNT(*) AS n, SUM(net) AS rev FROM temp.p"
	    " WHERE t >= ?1 * 86400 AND t < (?2 + 1) * 86400"
	    " GROUP BY cid, channel ORDER BY cid, channel");
	if (st == NULL)
		return -1;
	bind2(st, from, to);
	rc = store_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	st = prep(c, "SELECT total(rev), COUNT(DISTINCT cid) FROM temp.cc");
	if (st == NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW) {
		total = sqlite3_column_int64(st, 0);
		cust = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (part_is(c, "channels", 1)) {
		st = prep(c, "SELECT channel, COUNT(*), SUM(n), SUM(rev),"
		    " SUM(nch = 1) FROM (SELECT channel, n, rev, COUNT(*)"
		    " OVER (PARTITION BY cid) AS nch FROM temp.cc)"
		    " GROUP BY 1 ORDER BY 4 DESC, 1");
		if (st == NULL)
			return -1;
		tout_title(&c->out, "Channels");
		scope_note(c, from, to);
		table_init(&t, &c->out);
		table_col(&t, "channel", NULL, TC_LEFT);
		table_col(&t, "customers", NULL, 0);
		table_col(&t, "orders", NULL, 0);
		table_col(&t, "revenue", NULL, 0);
		table_col(&t, "revenue_share", "share", 0);
		table_col(&t, "aov", "AOV", TC_OPTIONAL);
		table_col(&t, "only_here", "only here", TC_OPTIONAL);
		table_col(&t, "bar", "", TC_BAR);
		while ((rc = store_step(st)) == SQLITE_ROW) {
			int64_t o = sqlite3_column_int64(st, 2);
			int64_t r = sqlite3_column_int64(st, 3);

			table_str(&t, (const char *)sqlite3_column_text(st,
			    0));
			table_int(&t, sqlite3_column_int64(st, 1));
			table_int(&t, o);
			table_money(&t, r);
			table_ratio(&t, r, total);
			table_money(&t, div_round(r, o));
			table_int(&t, sqlite3_column_int64(st, 4));
			table_cell(&t, "", "", (double)r);
			table_endrow(&t);
		}
		sqlite3_finalize(st);
		table_end(&t);
		if (rc != SQLITE_DONE)
			return -1;
	}
	if (!part_is(c, "overlap", 0))
		return 0;
	st = prep(c, "SELECT combo, nch, COUNT(*), SUM(n), SUM(rev) FROM"
	    " (SELECT cid, group_concat(channel, '+') AS combo,"
	    "  COUNT(*) AS nch, SUM(n) AS n, SUM(rev) AS rev FROM"
	    "  (SELECT * FROM temp.cc ORDER BY cid, channel) GROUP BY cid)"
	    " GROUP BY combo ORDER BY nch > 1 DESC, 3 DESC, 1");
	if (st == NULL)
		return -1;
	tout_title(&c->out, "Customers by the channels they bought on");
	table_init(&t, &c->out);
	table_col(&t, "channels", NULL, TC_LEFT | TC_SHRINK);
	table_col(&t, "count", NULL, TC_CSVONLY);
	table_col(&t, "customers", NULL, 0);
	table_col(&t, "customer_share", "share", 0);
	table_col(&t, "orders", NULL, TC_OPTIONAL);
	table_col(&t, "revenue", NULL, TC_OPTIONAL);
	table_col(&t, "bar", "", TC_BAR);
	{
		int64_t multi = 0;

		while ((rc = store_step(st)) == SQLITE_ROW) {
			int64_t k = sqlite3_column_int64(st, 2);

			if (sqlite3_column_int(st, 1) > 1)
				multi += k;
			table_str(&t, (const char *)sqlite3_column_text(st,
			    0));
			table_int(&t, sqlite3_column_int64(st, 1));
			table_int(&t, k);
			table_ratio(&t, k, cust);
			table_int(&t, sqlite3_column_int64(st, 3));
			table_money(&t, sqlite3_column_int64(st, 4));
			table_cell(&t, "", "", (double)k);
			table_endrow(&t);
		}
		sqlite3_finalize(st);
		table_end(&t);
		tout_note(&c->out, "%lld of %lld customers (%s) bought on more "
		    "than one channel.", (long long)multi, (long long)cust,
		    fmt_pct(multi, cust, (char[16]){ 0 }));
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

/* ==== migration ==== */

static const char *const stages[] = { "none", "potential", "new", "active",
	"lost" };
#define NSTAGES 5

static int
stage_index(const char *s)
{
	int i;

	for (i = 0; i < NSTAGES; i++)
		if (s != NULL && strcmp(s, stages[i]) == 0)
			return i;
	return 0;
}

static int
rep_migration(struct ctx *c)
{
	struct table t;
	sqlite3_stmt *st;
	int64_t d2 = c->has_to ? c->to : c->asof, d1, L, m[NSTAGES][NSTAGES];
	int64_t rowsum[NSTAGES] = { 0 };
	double med;
	long basis;
	char a[11], b[11], lab[32];
	int rc, i, j;

	if (d2 > c->asof)
		d2 = c->asof;
	d1 = c->has_from ? c->from : d2 - 30;
	if (d1 >= d2) {
		warnx("migration: --from %s is not before %s", dayf(d1, a),
		    dayf(d2, b));
		return -1;
	}
	if (scope_stats(c, d2) != 0)
		return -1;
	if ((L = lost_threshold(c->db, c->lost_after, &med, &basis)) < 0 ||
	    lifecycle_table(c->db, d2, L, "stage_b") != 0 ||
	    scope_stats(c, d1) != 0 ||
	    lifecycle_table(c->db, d1, L, "stage_a") != 0)
		return -1;
	if ((c->list || c->channel != NULL) && store_exec(c->db,
	    "DELETE FROM temp.stage_a WHERE customer_id NOT IN"
	    " (SELECT customer_id FROM temp.custlist) AND"
	    " (SELECT list FROM temp.prm);"
	    "DELETE FROM temp.stage_b WHERE customer_id NOT IN"
	    " (SELECT customer_id FROM temp.custlist) AND"
	    " (SELECT list FROM temp.prm);"
	    "DELETE FROM temp.stage_a WHERE stage = 'potential' AND"
	    " (SELECT ch FROM temp.prm) IS NOT NULL;"
	    "DELETE FROM temp.stage_b WHERE stage = 'potential' AND"
	    " (SELECT ch FROM temp.prm) IS NOT NULL;") != 0)
		return -1;
	memset(m, 0, sizeof(m));
	st = prep(c, "SELECT a.stage, b.stage, COUNT(*) FROM temp.stage_b b"
	    " LEFT JOIN temp.stage_a a USING (customer_id) GROUP BY 1, 2");
	if (st == NULL)
		return -1;
	while ((rc = store_step(st)) == SQLITE_ROW) {
		i = stage_index((const char *)sqlite3_column_text(st, 0));
		j = stage_index((const char *)sqlite3_column_text(st, 1));
		m[i][j] += sqlite3_column_int64(st, 2);
		rowsum[i] += sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (c->out.mode != TM_TABLE) {
		table_init(&t, &c->out);
		table_col(&t, "from_date", NULL, 0);
		table_col(&t, "to_date", NULL, 0);
		table_col(&t, "lost_after", NULL, 0);
		table_col(&t, "from_stage", NULL, 0);
		table_col(&t, "to_stage", NULL, 0);
		table_col(&t, "customers", NULL, 0);
		table_col(&t, "share", NULL, 0);
		for (i = 0; i < NSTAGES; i++)
			for (j = 1; j < NSTAGES; j++) {
				if (m[i][j] == 0)
					continue;
				table_str(&t, dayf(d1, a));
				table_str(&t, dayf(d2, b));
				table_int(&t, L);
				table_str(&t, stages[i]);
				table_str(&t, stages[j]);
				table_int(&t, m[i][j]);
				table_ratio(&t, m[i][j], rowsum[i]);
				table_endrow(&t);
			}
		table_end(&t);
		return 0;
	}
	tout_title(&c->out, "Lifecycle migration from %s to %s",
	    dayf(d1, a), dayf(d2, b));
	tout_note(&c->out, "%sLost after %lld days without a purchase%s%s%s",
	    tc_dim(&c->out), (long long)L, c->channel ? ", channel " : "",
	    c->channel ? c->channel : "", tc_off(&c->out));
	table_init(&t, &c->out);
	table_col(&t, "from", "from \\ to", TC_LEFT);
	for (j = 1; j < NSTAGES; j++)
		table_col(&t, stages[j], NULL, 0);
	table_col(&t, "total", NULL, 0);
	for (i = 0; i < NSTAGES; i++) {
		if (rowsum[i] == 0)
			continue;
		snprintf(lab, sizeof(lab), "%s", i == 0 ? "(not yet known)" :
		    stages[i]);
		table_str(&t, lab);
		for (j = 1; j < NSTAGES; j++) {
			char cell[64], n1[32], p1[16];

			if (m[i][j] == 0) {
				table_cell(&t, "", "·", 0);
				continue;
			}
			snprintf(cell, sizeof(cell), "%s %6s",
			    fmt_int(m[i][j], n1), fmt_pct(m[i][j], rowsum[i],
			    p1));
			table_cell(&t, "", cell, 0);
		}
		table_int(&t, rowsum[i]);
		table_endrow(&t);
	}
	table_end(&t);
	tout_note(&c->out, "New became active: %s of %s; active became lost: "
	    "%s of %s; lost came back: %s of %s.",
	    fmt_int(m[2][3], (char[32]){ 0 }), fmt_int(rowsum[2],
	    (char[32]){ 0 }), fmt_int(m[3][4], (char[32]){ 0 }),
	    fmt_int(rowsum[3], (char[32]){ 0 }), fmt_int(m[4][3],
	    (char[32]){ 0 }), fmt_int(rowsum[4], (char[32]){ 0 }));
	return 0;
}

/* ==== quality ==== */

struct check {
	const char *name;
	const char *label;
	const char *why;
	int64_t	 count, base;
};

static int
rep_quality(struct ctx *c)
{
	struct check ck[16];
	struct table t;
	sqlite3_stmt *st;
	int64_t from = c->has_from ? c->from : NOFROM;
	int64_t to = c->has_to ? c->to : c->asof, v[16];
	int n = 0, i, rc;

	memset(v, 0, sizeof(v));
	st = prep(c, "SELECT COUNT(*), total(status = 'cancelled'),"
	    " total(status = 'returned'),"
	    " total(status IN ('completed', 'pending') AND refund > 0),"
	    " total(status = 'pending'),"
	    " total(status IN ('completed', 'pending')),"
	    " total(status IN ('completed', 'pending') AND net = 0)"
	    " FROM temp.ao WHERE t >= ?1 * 86400 AND t < (?2 + 1) * 86400");
	if (st == NULL)
		return -1;
	bind2(st, from, to);
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
	st = prep(c, "SELECT total(orders_unchanged + orders_updated),"
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
	st = prep(c, "SELECT COUNT(*), total(c.phone IS NULL AND c.email IS"
	    " NULL), total(c.phone IS NULL), total(c.email IS NULL),"
	    " total(c.name LIKE '%*%'), total(x.nch > 1)"
	    " FROM (SELECT cid, COUNT(DISTINCT channel) AS nch FROM temp.ao"
	    "  WHERE t >= ?1 * 86400 AND t < (?2 + 1) * 86400 GROUP BY cid) x"
	    " JOIN main.customers c ON c.id = x.cid");
	if (st == NULL)
		return -1;
	bind2(st, from, to);
	if ((rc = store_step(st)) == SQLITE_ROW)
		for (i = 0; i < 6; i++)
			v[9 + i] = sqlite3_column_int64(st, i);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
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
	st = prep(c, "SELECT COUNT(*), total(reason LIKE 'phone %'),"
	    " total(reason LIKE 'email %') FROM main.merges");
	if (st == NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW)
		for (i = 0; i < 3; i++)
			v[i] = sqlite3_column_int64(st, i);
	sqlite3_finalize(st);
	ck[n++] = (struct check){ "merges", "customer records merged",
	    "one buyer found under two records (all imports)", v[0], v[9] };
	ck[n++] = (struct check){ "merges_by_phone", "merged by phone",
	    "a shared phone may be a household, not one person", v[1], v[0] };
	ck[n++] = (struct check){ "merges_by_email", "merged by email",
	    "", v[2], v[0] };

	tout_title(&c->out, "Data quality: what may mislead");
	scope_note(c, from, to);
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

/* ==== main ==== */

static const struct {
	const char *name;
	int	(*fn)(struct ctx *);
	const char *parts;		/* for --part, first is the default */
} reports[] = {
	{ "summary", rep_summary, "summary" },
	{ "cycle", rep_cycle, "stats products histogram threshold" },
	{ "monthly", rep_monthly, "monthly" },
	{ "cohort", rep_cohort, "cohort" },
	{ "products", rep_products, "products categories" },
	{ "basket", rep_basket, "brackets summary" },
	{ "heatmap", rep_heatmap, "heatmap" },
	{ "channels", rep_channels, "channels overlap" },
	{ "migration", rep_migration, "migration" },
	{ "quality", rep_quality, "quality" },
};
#define NREPORTS ((int)(sizeof(reports) / sizeof(reports[0])))

static int64_t
parse_day(const char *opt, const char *s)
{
	int64_t d;
	const char *why;

	if (day_parse(s, &d, &why) != 0)
		crm_usage_error(synopsis, "%s: %s: '%s'", opt, why, s);
	return d;
}

static int64_t
parse_amount(const char *opt, const char *s)
{
	int64_t v;
	const char *why;

	if (money_parse(s, &v, &why) != 0 || v < 0)
		crm_usage_error(synopsis, "%s: '%s' is not an amount", opt, s);
	return v;
}

static void
parse_brackets(struct ctx *c, char *s)
{
	char *tok, *save = NULL;

	c->nbrackets = 0;
	for (tok = strtok_r(s, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (c->nbrackets == MAXBR)
			crm_usage_error(synopsis, "--brackets: more than %d",
			    MAXBR);
		c->brackets[c->nbrackets] = parse_amount("--brackets", tok);
		if (c->nbrackets > 0 && c->brackets[c->nbrackets] <=
		    c->brackets[c->nbrackets - 1])
			crm_usage_error(synopsis, "--brackets: '%s' is not "
			    "above the bracket before it", tok);
		c->nbrackets++;
	}
	if (c->nbrackets == 0)
		crm_usage_error(synopsis, "--brackets: no amounts");
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "as-of",	required_argument,	NULL, 'A' },
		{ "backtest",	required_argument,	NULL, 'B' },
		{ "brackets",	required_argument,	NULL, 'K' },
		{ "channel",	required_argument,	NULL, 'C' },
		{ "csv",	no_argument,		NULL, 'c' },
		{ "db",		required_argument,	NULL, 'D' },
		{ "free-shipping", required_argument,	NULL, 'S' },
		{ "from",	required_argument,	NULL, 'F' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "limit",	required_argument,	NULL, 'l' },
		{ "lost-after",	required_argument,	NULL, 'L' },
		{ "min-buyers",	required_argument,	NULL, 'm' },
		{ "part",	required_argument,	NULL, 'P' },
		{ "sort",	required_argument,	NULL, 'O' },
		{ "table",	no_argument,		NULL, 'b' },
		{ "to",		required_argument,	NULL, 'U' },
		{ "out-tab",	no_argument,		NULL, 'T' },
		{ "tsv",	no_argument,		NULL, 'T' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	static const int64_t dflt_br[] = { 0, 200, 500, 1000, 1500, 2000,
	    3000, 5000 };
	struct ctx c;
	const char *db_opt = NULL, *as_of = NULL, *p;
	int ch, mode = -1, i, r = -1, rc = EXIT_DATA;
	size_t n;
	long long v;

	crm_init(argv[0]);
	/* One thread: SQLite need not lock around every column read. */
	sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	memset(&c, 0, sizeof(c));
	c.limit = -1;
	c.min_buyers = 10;
	c.free_ship = 100000;
	c.sort = "revenue";
	for (i = 0; i < (int)(sizeof(dflt_br) / sizeof(dflt_br[0])); i++)
		c.brackets[i] = dflt_br[i] * 100;
	c.nbrackets = i;
	while ((ch = getopt_long(argc, argv, "hTV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'A':
			as_of = optarg;
			break;
		case 'B':
			c.backtest = parse_day("--backtest", optarg);
			c.has_backtest = 1;
			break;
		case 'b':
			mode = TM_TABLE;
			break;
		case 'C':
			c.channel = optarg;
			break;
		case 'c':
			mode = TM_CSV;
			break;
		case 'D':
			db_opt = optarg;
			break;
		case 'F':
			c.from = parse_day("--from", optarg);
			c.has_from = 1;
			break;
		case 'h':
			fputs(synopsis, stdout);
			fputs("\n", stdout);
			fputs(help, stdout);
			exit(crm_finish_stdout());
		case 'K':
			parse_brackets(&c, optarg);
			break;
		case 'L':
			if (crm_parse_int(optarg, 1, 100000, &v) != 0)
				crm_usage_error(synopsis, "--lost-after: '%s' "
				    "is not a number of days", optarg);
			c.lost_after = v;
			break;
		case 'l':
			if (crm_parse_int(optarg, 0, INT32_MAX, &v) != 0)
				crm_usage_error(synopsis, "--limit: '%s' is "
				    "not a number", optarg);
			c.limit = v;
			break;
		case 'm':
			if (crm_parse_int(optarg, 1, INT32_MAX, &v) != 0)
				crm_usage_error(synopsis, "--min-buyers: '%s' "
				    "is not a number above 0", optarg);
			c.min_buyers = v;
			break;
		case 'O':
			c.sort = optarg;
			break;
		case 'P':
			c.part = optarg;
			break;
		case 'S':
			c.free_ship = parse_amount("--free-shipping", optarg);
			break;
		case 'T':
			mode = TM_TSV;
			break;
		case 'U':
			c.to = parse_day("--to", optarg);
			c.has_to = 1;
			break;
		case 'V':
			crm_version();
			break;
		default:
			crm_usage_error(synopsis, NULL);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		crm_usage_error(synopsis, argc == 0 ? "which report? (summary, "
		    "cycle, monthly, cohort, products, basket, heatmap, "
		    "channels, migration, quality)" : "one report at a time");
	for (i = 0; i < NREPORTS; i++)
		if (strcmp(argv[0], reports[i].name) == 0)
			r = i;
	if (r < 0)
		crm_usage_error(synopsis, "unknown report '%s'", argv[0]);
	if (c.part != NULL) {
		n = strlen(c.part);
		for (p = reports[r].parts; (p = strstr(p, c.part)) != NULL;
		    p += n)
			if ((p == reports[r].parts || p[-1] == ' ') &&
			    (p[n] == ' ' || p[n] == '\0'))
				break;
		if (n == 0 || p == NULL)
			crm_usage_error(synopsis, "%s has no part '%s' (parts: "
			    "%s)", reports[r].name, c.part, reports[r].parts);
	}
	for (i = 0; i < 5 && strcmp(c.sort, psorts[i].key) != 0; i++)
		;
	if (i == 5)
		crm_usage_error(synopsis, "--sort: unknown key '%s' (revenue, "
		    "quantity, buyers, returning, gateway)", c.sort);
	if (c.has_from && c.has_to && c.from > c.to)
		crm_usage_error(synopsis, "--from is after --to");
	if (c.channel != NULL) {
		struct buf low = { 0 };

		for (p = c.channel; *p != '\0'; p++)
			buf_addc(&low, (char)(*p >= 'A' && *p <= 'Z' ?
			    *p - 'A' + 'a' : *p));
		c.channel = low.s;	/* kept for the run */
	}

	if ((c.db = store_open(crm_db_path(db_opt), STORE_RO)) == NULL)
		exit(EXIT_DATA);
	store_zone(c.db);
	c.asof = as_of != NULL ? parse_day("--as-of", as_of) :
	    tz_now_local() / DAY_SECS;
	if (c.has_to && c.to > c.asof)
		c.to = c.asof;
	tout_init(&c.out, stdout, mode);
	if ((c.list = custlist_load(c.db, 0)) < 0)
		goto done;
	if (scope_setup(&c) != 0)
		goto done;
	if (reports[r].fn(&c) != 0)
		goto done;
	rc = 0;
done:
	store_close(c.db);
	if (crm_finish_stdout() != 0)
		rc = EXIT_DATA;
	return rc;
}
