/*
 * asof.c: the store as of a day, and the definitions every program shares
 * (DESIGN.md): purchases, purchase days, the repurchase cycle and the
 * NAPL lifecycle.
 */
#include <err.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

const char *const crm_stage_name[CRM_NSTAGES] = { "potential", "new",
	"active", "lost" };

/* Sets the process's zone to the store's (meta 'tz'), for "today". */
int
store_zone(sqlite3 *db)
{
	struct buf tz = { 0 };
	const char *z = store_meta(db, "tz", &tz);
	int rc = tz_set(z != NULL ? z : "Asia/Taipei");

	if (rc != 0)
		warnx("%s: unknown time zone '%s'", store_path(db),
		    z != NULL ? z : "Asia/Taipei");
	buf_free(&tz);
	return rc;
}

/*
 * The local day of the latest order of any status; INT64_MIN when there
 * is none (days before 1970 are negative).
 */
int64_t
store_last_day(sqlite3 *db)
{
	sqlite3_stmt *st;
	int64_t d = INT64_MIN;

	st = store_prepare(db, "SELECT crm_day(max(ordered_at)) FROM orders");
	if (st == NULL)
		return INT64_MIN;
	if (store_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		d = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return d;
}

/*
 * " AND customer_id IN (...)" (kw "AND") for the customers in TEMP table
 * only, or "" when only is NULL; to sqlite3_free(), or to %z.
 */
static char *
only_cond(const char *kw, const char *only)
{
	if (only == NULL)
		return sqlite3_mprintf("%s", "");
	return sqlite3_mprintf(" %s customer_id IN (SELECT customer_id FROM"
	    " temp.\"%w\")", kw, only);
}

/* Prepares sql (from sqlite3_mprintf, freed; NULL fails). */
static sqlite3_stmt *
prepare_owned(sqlite3 *db, char *sql)
{
	sqlite3_stmt *st;

	if (sql == NULL)
		return NULL;
	st = store_prepare(db, sql);
	sqlite3_free(sql);
	return st;
}

/*
 * Prepares sql (from sqlite3_mprintf, freed; NULL fails) with ?1 bound
 * to the end of day asof and ?2 to the scope's channel.
 */
static sqlite3_stmt *
scope_prepare(sqlite3 *db, char *sql, int64_t asof,
    const struct asof_scope *sc)
{
	sqlite3_stmt *st;

	if ((st = prepare_owned(db, sql)) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, (asof + 1) * DAY_SECS);
	if (sc->channel != NULL)
		sqlite3_bind_text(st, 2, sc->channel, -1, SQLITE_STATIC);
	return st;
}

/*
 * asof_stats with only what lifecycle_table() reads (purchase_days is 1,
 * or 2 for two days or more: the first day is before the last), for
 * stats_asof_in().  One plain scan of the purchases, each customer's
 * first and last day kept by customer id (ids lie close together), then
 * written in id order; far-apart ids fall back to a grouping in SQL.
 */
static int
stats_lite(sqlite3 *db, int64_t asof, const struct asof_scope *sc)
{
	sqlite3_stmt *st = NULL, *ins = NULL;
	int32_t *lo = NULL, *hi = NULL;
	int64_t maxcid = -1, k;
	char *sql;
	int rc = -1, step;

	if ((st = store_prepare(db, "SELECT max(id) FROM main.customers")) ==
	    NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		maxcid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	/* The scope's purchases up to asof, in the order they lie. */
	sql = sqlite3_mprintf("SELECT customer_id, crm_day(ordered_at) AS day"
	    " FROM main.orders NOT INDEXED WHERE " CRM_PURCHASE("")
	    " AND customer_id IS NOT NULL"
	    " AND ordered_at < ?1 AND (?2 IS NULL OR channel = ?2)%z",
	    only_cond("AND", sc->only));
	if (sql != NULL && (maxcid < 0 || maxcid > 64 * 1024 * 1024))
		sql = sqlite3_mprintf("CREATE TEMP TABLE asof_stats AS SELECT"
		    " customer_id, 1 + (MIN(day) < MAX(day)) AS purchase_days,"
		    " MIN(day) AS first_day, MAX(day) AS last_day FROM (%z)"
		    " GROUP BY customer_id", sql);
	if ((st = scope_prepare(db, sql, asof, sc)) == NULL)
		return -1;
	if (maxcid < 0 || maxcid > 64 * 1024 * 1024) {
		rc = store_step(st) == SQLITE_DONE ? 0 : -1;
		goto done;
	}
	lo = xmalloc(((size_t)maxcid + 1) * sizeof(*lo));
	hi = xmalloc(((size_t)maxcid + 1) * sizeof(*hi));
	for (k = 0; k <= maxcid; k++) {
		lo[k] = INT32_MAX;
		hi[k] = INT32_MIN;
	}
	while ((step = store_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		int32_t day = (int32_t)sqlite3_column_int64(st, 1);

		if (id < 0 || id > maxcid) {
			warnx("%s: order of customer %lld, who is not in"
			    " customers", store_path(db), (long long)id);
			goto done;
		}
		if (day < lo[id])
			lo[id] = day;
		if (day > hi[id])
			hi[id] = day;
	}
	if (step != SQLITE_DONE)
		goto done;
	/* One transaction: a commit per row costs more than the row. */
	if (store_exec(db, "CREATE TEMP TABLE asof_stats (customer_id"
	    " INTEGER PRIMARY KEY, purchase_days, first_day, last_day)") != 0)
		goto done;
	ins = store_prepare(db, "INSERT INTO temp.asof_stats VALUES"
	    " (?, ?, ?, ?)");
	if (ins == NULL || store_exec(db, "SAVEPOINT lite") != 0)
		goto done;
	for (k = 0; k <= maxcid; k++) {
		if (lo[k] > hi[k])
			continue;
		sqlite3_bind_int64(ins, 1, k);
		sqlite3_bind_int(ins, 2, 1 + (lo[k] < hi[k]));
		sqlite3_bind_int64(ins, 3, lo[k]);
		sqlite3_bind_int64(ins, 4, hi[k]);
		if (store_step(ins) != SQLITE_DONE) {
			store_exec(db, "ROLLBACK TO lite; RELEASE lite");
			goto done;
		}
		sqlite3_reset(ins);
	}
	rc = store_exec(db, "RELEASE lite");
done:
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	free(lo);
	free(hi);
	return rc;
}

/* Makes TEMP table asof_stats, empty, with customer_stats' columns. */
static int
asof_table(sqlite3 *db)
{
	return store_exec(db, "CREATE TEMP TABLE asof_stats (customer_id"
	    " INTEGER PRIMARY KEY, purchases INTEGER, purchase_days INTEGER,"
	    " spent INTEGER, first_at INTEGER, last_at INTEGER,"
	    " first_day INTEGER, second_day INTEGER, last_day INTEGER)");
}

/*
 * asof_stats over the whole store or a list as of a day before its
 * newest order, for stats_asof_in(): a customer with no order after the
 * day has the row customer_stats keeps (spend net of credit notes, as
 * store_compute_stats() adds it up), copied; only the customers with an
 * order after the day are computed from their orders.  Returns 1 when
 * done, 0 when more than an eighth of the orders lie after the day (the
 * caller then computes every customer: the copy would not pay), -1 on an
 * error.
 */
static int
stats_since(sqlite3 *db, int64_t asof, const struct asof_scope *sc)
{
	sqlite3_stmt *st;
	char *sql;
	int rc;

	st = store_prepare(db, "SELECT (SELECT count(*) FROM main.orders"
	    " INDEXED BY orders_time WHERE ordered_at >= ?1) * 8 <="
	    " (SELECT coalesce(max(id), 0) FROM main.orders)");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (asof + 1) * DAY_SECS);
	rc = store_step(st);
	if (rc == SQLITE_ROW && !sqlite3_column_int(st, 0))
		rc = SQLITE_DONE;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : -1;
	sql = sqlite3_mprintf("CREATE TEMP TABLE asof_later (customer_id"
	    " INTEGER PRIMARY KEY);"
	    " INSERT OR IGNORE INTO temp.asof_later SELECT customer_id"
	    " FROM main.orders INDEXED BY orders_time WHERE ordered_at >= %lld"
	    " AND customer_id IS NOT NULL%z;"
	    " INSERT INTO temp.asof_stats SELECT customer_id, purchases,"
	    " purchase_days, spent, first_at, last_at, first_day, second_day,"
	    " last_day FROM main.customer_stats WHERE customer_id NOT IN"
	    " (SELECT customer_id FROM temp.asof_later)%z",
	    (long long)((asof + 1) * DAY_SECS), only_cond("AND", sc->only),
	    only_cond("AND", sc->only));
	if (sql == NULL)
		return -1;
	rc = asof_table(db) != 0 ? -1 : store_exec(db, sql);
	sqlite3_free(sql);
	if (rc == 0)
		rc = store_compute_stats(db, "temp.asof_stats", "asof_later",
		    NULL, (asof + 1) * DAY_SECS);
	if (store_exec(db, "DROP TABLE IF EXISTS temp.asof_later") != 0)
		rc = -1;
	return rc == 0 ? 1 : -1;
}

/*
 * What temp.asof_stats is: ASOF_NONE, ASOF_TABLE (computed), ASOF_STORE
 * (a view of all of main.customer_stats) or ASOF_LIST (a view of the
 * listed customers'), read off the temp schema, so no state outlives
 * the table.
 */
enum { ASOF_NONE, ASOF_TABLE, ASOF_STORE, ASOF_LIST };

static int
asof_kind(sqlite3 *db)
{
	sqlite3_stmt *st;
	int k = ASOF_NONE;

	if ((st = store_prepare(db, "SELECT type = 'table', instr(sql,"
	    " 'WHERE') > 0 FROM temp.sqlite_master"
	    " WHERE name = 'asof_stats'")) == NULL)
		return ASOF_NONE;
	if (store_step(st) == SQLITE_ROW)
		k = sqlite3_column_int(st, 0) ? ASOF_TABLE :
		    sqlite3_column_int(st, 1) ? ASOF_LIST : ASOF_STORE;
	sqlite3_finalize(st);
	return k;
}

/* Whether temp.asof_stats is a table (0: a view, or none). */
int
asof_stats_is_table(sqlite3 *db)
{
	return asof_kind(db) == ASOF_TABLE;
}

/*
 * Whether temp.asof_stats is all of main.customer_stats (the whole store
 * as of its newest day), so that the counts kept with it (stats_days,
 * stats_gaps) hold for it too.
 */
int
asof_stats_whole(sqlite3 *db)
{
	return asof_kind(db) == ASOF_STORE;
}

/* Drops temp.asof_stats, a table or a view. */
static int
asof_drop(sqlite3 *db)
{
	return store_exec(db, asof_stats_is_table(db) ?
	    "DROP TABLE temp.asof_stats" :
	    "DROP VIEW IF EXISTS temp.asof_stats");
}

/*
 * Makes TEMP table asof_stats: customer_stats as it would be had the
 * store held only the purchases of scope sc (NULL: the whole store)
 * placed on or before day asof.  Over the whole store or a customer
 * list, when asof is on or after the latest order, that is
 * customer_stats itself (a view of it); a little before it, the rows of
 * customer_stats of those with no later order and the others' computed
 * from their orders (stats_since); else it is computed from the orders,
 * so a customer's later orders never count.  With sc->lite, only the
 * columns lifecycle_table() reads, at less cost.
 */
int
stats_asof_in(sqlite3 *db, int64_t asof, const struct asof_scope *sc)
{
	static const struct asof_scope all = { NULL, NULL, 0 };
	char *sql;
	int rc;

	if (sc == NULL)
		sc = &all;
	if (asof_drop(db) != 0)
		return -1;
	if (sc->channel == NULL && asof >= store_last_day(db)) {
		/* A view, not a copy: readers look customers up by the
		 * table's own key, and nothing is written per customer. */
		sql = sqlite3_mprintf("CREATE TEMP VIEW asof_stats AS SELECT"
		    " * FROM main.customer_stats%z",
		    only_cond("WHERE", sc->only));
		if (sql == NULL)
			return -1;
		rc = store_exec(db, sql);
		sqlite3_free(sql);
		return rc;
	}
	if (sc->channel == NULL && (rc = stats_since(db, asof, sc)) != 0)
		return rc < 0 ? -1 : 0;
	if (sc->lite)
		return stats_lite(db, asof, sc);
	if (asof_table(db) != 0 || store_compute_stats(db, "temp.asof_stats",
	    sc->only, sc->channel, (asof + 1) * DAY_SECS) != 0)
		return -1;
	return 0;
}

/* asof_stats for the whole store: stats_asof_in() with no scope. */
int
stats_asof(sqlite3 *db, int64_t asof)
{
	return stats_asof_in(db, asof, NULL);
}

static long cycle_scan(sqlite3 *, const char *, double *);

/*
 * The repurchase cycle over asof_stats, or over customer_stats
 * ("main.customer_stats"): the whole store's is read off stats_gaps, the
 * customers by their first-to-second gap (a row per gap in days, kept by
 * triggers), not off every customer.
 */
static long
cycle_in(sqlite3 *db, const char *stats, double *median)
{
	if (strcmp(stats, "temp.asof_stats") == 0 &&
	    asof_kind(db) == ASOF_STORE)
		stats = "main.customer_stats";
	if (strcmp(stats, "main.customer_stats") == 0)
		stats = "(SELECT gap, customers FROM main.stats_gaps)";
	return cycle_scan(db, stats, median);
}

/*
 * The repurchase cycle in table stats (or, when stats starts with "(",
 * from its rows of a gap and how many customers have it): the median
 * of second_day - first_day over customers with two or more purchase
 * days (the mean of the middle two when their number is even).  Gaps are
 * whole days, so one pass fills a histogram (as long as the longest gap,
 * not the number of customers) and the median is read off it, without a
 * sort.  Returns how
 * many customers it rests on (0: no cycle; *median is then 0), or -1.
 */
static long
cycle_scan(sqlite3 *db, const char *stats, double *median)
{
	sqlite3_stmt *st;
	long *hist = NULL, n = 0, seen = 0, lo = -1, hi = -1;
	size_t cap = 0, g, k;
	int64_t gap, c;
	char *sql;
	int rc;

	*median = 0;
	if (stats[0] == '(')
		sql = sqlite3_mprintf("SELECT * FROM %s", stats);
	else
		sql = sqlite3_mprintf("SELECT second_day - first_day, 1 FROM %s"
		    " WHERE second_day IS NOT NULL", stats);
	if ((st = prepare_owned(db, sql)) == NULL)
		return -1;
	while ((rc = store_step(st)) == SQLITE_ROW) {
		gap = sqlite3_column_int64(st, 0);
		c = sqlite3_column_int64(st, 1);
		if (gap < 0)
			gap = 0;
		g = (size_t)gap;
		if (g >= cap) {
			k = cap;
			cap = g + 1 > cap * 2 ? g + 1 : cap * 2;
			hist = xrealloc(hist, cap * sizeof(*hist));
			memset(hist + k, 0, (cap - k) * sizeof(*hist));
		}
		hist[g] += (long)c;
		n += (long)c;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(hist);
		return -1;
	}
	/* The (n-1)/2-th and n/2-th gaps, counting from 0. */
	for (g = 0; g < cap && hi < 0; g++) {
		seen += hist[g];
		if (lo < 0 && seen > (n - 1) / 2)
			lo = (long)g;
		if (seen > n / 2)
			hi = (long)g;
	}
	free(hist);
	if (n > 0)
		*median = (double)(lo + hi) / 2.0;
	return n;
}

long
repurchase_cycle(sqlite3 *db, double *median)
{
	return cycle_in(db, "temp.asof_stats", median);
}

/*
 * The lost threshold L in days: lost_after when positive, else three
 * times the repurchase cycle, rounded up to a whole day.  With no cycle
 * at all (nobody bought twice), 365 days, which is said on stderr.
 */
int64_t
lost_threshold(sqlite3 *db, int64_t lost_after, double *cycle, long *basis)
{
	double med = 0;
	long n = 0;

	if (lost_after <= 0 && (n = repurchase_cycle(db, &med)) < 0)
		return -1;
	if (cycle != NULL)
		*cycle = med;
	if (basis != NULL)
		*basis = n;
	if (lost_after > 0)
		return lost_after;
	if (n == 0) {
		warnx("no customer bought on two days: no repurchase cycle; "
		    "taking 365 days as the lost threshold (see --lost-after)");
		return 365;
	}
	return (int64_t)ceil(3.0 * med);
}

/*
 * Says once on stderr when the store's newest order is more than the
 * lost threshold before day asof (every customer would be lost and every
 * period empty), naming the day to pass as --as-of.  The threshold is
 * lost_after, or the one lost_threshold() gives the whole store at that
 * day: 3 x its repurchase cycle, rounded up (365 days with no cycle).
 * opt is the option that sets the day ("--as-of").
 * Returns 1 when it warned, 0 when not, -1 on a store error.
 */
int
asof_check(sqlite3 *db, int64_t asof, int64_t lost_after, const char *opt)
{
	int64_t last = store_last_day(db), lost = lost_after;
	double med;
	long n;
	char a[11], b[11];

	if (last == INT64_MIN || asof - last <= 0)
		return 0;
	if (lost <= 0) {
		/* As of a day after the newest order, the store's statistics
		 * are customer_stats itself. */
		if ((n = cycle_in(db, "main.customer_stats", &med)) < 0)
			return -1;
		lost = n > 0 ? (int64_t)ceil(3.0 * med) : 365;
	}
	if (asof - last <= lost)
		return 0;
	day_format(last, a);
	warnx("the newest order is from %s, %lld days before the as-of day %s;"
	    " pass %s %s to see the store as of then", a,
	    (long long)(asof - last), day_format(asof, b), opt, a);
	return 1;
}

/*
 * The shop's currency (meta 'currency', an ISO 4217 code; TWD when the
 * store names none) into out.
 */
const char *
store_currency(sqlite3 *db, char out[8])
{
	struct buf v = { 0 };
	const char *s = store_meta(db, "currency", &v);

	snprintf(out, 8, "%s", s != NULL && *s != '\0' ? s : "TWD");
	buf_free(&v);
	return out;
}

/*
 * Makes TEMP table `into` (customer_id INTEGER PRIMARY KEY, stage TEXT,
 * days_since INTEGER) with the NAPL stage of every customer known by day
 * asof (needs stats_asof first), with lost threshold L:
 *   potential  a member with no purchase by asof (days_since NULL)
 *   new        one purchase day, the last within L days of asof
 *   active     two or more purchase days, the last within L
 *   lost       the last purchase more than L days before asof
 * Customers known only from cancelled orders have no stage.
 */
/* The stage of a customer of asof_stats as of day (the first %lld) lost
 * after (the second) days: the one definition lifecycle_table() and
 * lifecycle_counts() share. */
#define STAGE_OF \
	"CASE WHEN %lld - last_day > %lld THEN 'lost'" \
	" WHEN purchase_days >= 2 THEN 'active' ELSE 'new' END"
/* The members who are potential customers: joined before the end of
 * the as-of day (%lld), or on no known day. */
#define POTENTIAL \
	"SELECT DISTINCT m.customer_id FROM members m" \
	" WHERE (m.joined_at IS NULL OR m.joined_at < %lld)"

/* Every customer's stage, in customer_id order: the one query
 * lifecycle_table() stores, lifecycle_stream() reads and segexpr_select()
 * selects from.  The members with no purchase come in the same order
 * (the merge of two ordered arms, not a sort of everyone).  From
 * sqlite3_mprintf(): the caller frees it; NULL when out of memory. */
char *
lifecycle_select(int64_t asof, int64_t lost)
{
	return sqlite3_mprintf(
	    "SELECT customer_id, " STAGE_OF " AS stage, %lld - last_day"
	    " AS days_since FROM temp.asof_stats\n"
	    "UNION ALL SELECT customer_id, 'potential', NULL FROM"
	    " (" POTENTIAL ") p WHERE NOT EXISTS (SELECT 1 FROM"
	    " temp.asof_stats a WHERE a.customer_id = p.customer_id)\n"
	    "ORDER BY 1", (long long)asof, (long long)lost, (long long)asof,
	    (long long)((asof + 1) * DAY_SECS));
}

int
lifecycle_table(sqlite3 *db, int64_t asof, int64_t lost, const char *into)
{
	char *sel, *sql;
	int rc;

	if ((sel = lifecycle_select(asof, lost)) == NULL)
		return -1;
	sql = sqlite3_mprintf(
	    "DROP TABLE IF EXISTS temp.\"%w\";\n"
	    "CREATE TEMP TABLE \"%w\" (customer_id INTEGER PRIMARY KEY,"
	    " stage TEXT NOT NULL, days_since INTEGER);\n"
	    "INSERT INTO temp.\"%w\" %s;\n", into, into, into, sel);
	sqlite3_free(sel);
	if (sql == NULL)
		return -1;
	rc = store_exec(db, sql);
	sqlite3_free(sql);
	return rc;
}

/*
 * The rows lifecycle_table() would store (customer_id, stage,
 * days_since), read as they are made: a list of every customer's stage
 * without a table of them.  The statement is the caller's to finalize;
 * NULL after saying why.
 */
sqlite3_stmt *
lifecycle_stream(sqlite3 *db, int64_t asof, int64_t lost)
{
	return prepare_owned(db, lifecycle_select(asof, lost));
}

/*
 * How many customers lifecycle_table() would put in each stage, into
 * n[CRM_NSTAGES], counted in one pass over asof_stats without a row per
 * customer; for the whole store as of its newest day, off stats_days
 * (customers by last purchase day and purchase days, 1 or 2 for more),
 * a row per day, not per customer.
 */
int
lifecycle_counts(sqlite3 *db, int64_t asof, int64_t lost,
    int64_t n[CRM_NSTAGES])
{
	sqlite3_stmt *st;
	char *sql;
	int i, rc, whole = asof_kind(db) == ASOF_STORE;

	sql = sqlite3_mprintf("SELECT"
	    " (SELECT count(*) FROM (" POTENTIAL ") p WHERE NOT EXISTS"
	    "  (SELECT 1 FROM temp.asof_stats a"
	    "   WHERE a.customer_id = p.customer_id)),"
	    " coalesce(sum((s = 'new') * k), 0),"
	    " coalesce(sum((s = 'active') * k), 0),"
	    " coalesce(sum((s = 'lost') * k), 0)"
	    " FROM (SELECT " STAGE_OF " AS s, %s AS k FROM %s)",
	    (long long)((asof + 1) * DAY_SECS), (long long)asof,
	    (long long)lost, whole ? "customers" : "1",
	    whole ? "main.stats_days" : "temp.asof_stats");
	if ((st = prepare_owned(db, sql)) == NULL)
		return -1;
	if ((rc = store_step(st)) == SQLITE_ROW)
		for (i = 0; i < CRM_NSTAGES; i++)
			n[i] = sqlite3_column_int64(st, i);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * Where a customer whose last purchase was on day last stands on day
 * asof against the shop's cycle (asof_stats first): days since that
 * purchase, their ratio to the repurchase cycle, the lost threshold
 * (lost_after, else 3 x the cycle) and the days left before it (below 0:
 * lost since that many days).  last < 0 (no purchase) leaves the
 * customer's part 0, with p->bought 0.  0, or -1.
 */
int
cycle_position(sqlite3 *db, int64_t asof, int64_t lost_after, int64_t last,
    struct cycle_pos *p)
{
	memset(p, 0, sizeof(*p));
	if ((p->basis = repurchase_cycle(db, &p->cycle)) < 0)
		return -1;
	if ((p->lost = lost_threshold(db, lost_after, NULL, NULL)) < 0)
		return -1;
	if (last < 0)
		return 0;
	p->bought = 1;
	p->days_since = asof - last;
	p->of_cycle = p->cycle > 0 ? (double)p->days_since / p->cycle : 0;
	p->lost_in = p->lost - p->days_since;
	return 0;
}
