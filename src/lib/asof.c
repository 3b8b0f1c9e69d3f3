/*
 * asof.c: the store as of a day, and the definitions every program shares
 * (DESIGN.md): purchases, purchase days, the repurchase cycle and the
 * NAPL lifecycle.
 */
#include <err.h>
#include <math.h>
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
 * Makes TEMP table asof_stats: customer_stats as it would be had the
 * store held only orders placed on or before day asof.  When asof is on
 * or after the latest order, that is customer_stats itself, copied; else
 * it is computed from the orders, so a customer's later orders never
 * count.
 */
int
stats_asof(sqlite3 *db, int64_t asof)
{
	int64_t last = store_last_day(db);

	if (store_exec(db, "DROP TABLE IF EXISTS temp.asof_stats") != 0)
		return -1;
	if (asof >= last)
		return store_exec(db, "CREATE TEMP TABLE asof_stats AS "
		    "SELECT * FROM customer_stats");
	if (store_exec(db, "CREATE TEMP TABLE asof_stats AS "
	    "SELECT * FROM customer_stats WHERE 0") != 0 ||
	    store_compute_stats(db, "temp.asof_stats", NULL,
	    (asof + 1) * DAY_SECS) != 0)
		return -1;
	return store_exec(db, "CREATE UNIQUE INDEX temp.asof_stats_id ON "
	    "asof_stats(customer_id)");
}

/*
 * The repurchase cycle from asof_stats: the median of second_day -
 * first_day over customers with two or more purchase days (the mean of
 * the middle two when their number is even).  Gaps are whole days, so one
 * pass fills a histogram (as long as the longest gap, not the number of
 * customers) and the median is read off it, without a sort.  Returns how
 * many customers it rests on (0: no cycle; *median is then 0), or -1.
 */
long
repurchase_cycle(sqlite3 *db, double *median)
{
	sqlite3_stmt *st;
	long *hist = NULL, n = 0, seen = 0, lo = -1, hi = -1;
	size_t cap = 0, g, k;
	int64_t gap;
	int rc;

	*median = 0;
	st = store_prepare(db, "SELECT second_day - first_day FROM "
	    "temp.asof_stats WHERE second_day IS NOT NULL");
	if (st == NULL)
		return -1;
	while ((rc = store_step(st)) == SQLITE_ROW) {
		gap = sqlite3_column_int64(st, 0);
		if (gap < 0)
			gap = 0;
		g = (size_t)gap;
		if (g >= cap) {
			k = cap;
			cap = g + 1 > cap * 2 ? g + 1 : cap * 2;
			hist = xrealloc(hist, cap * sizeof(*hist));
			memset(hist + k, 0, (cap - k) * sizeof(*hist));
		}
		hist[g]++;
		n++;
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
 * Makes TEMP table `into` (customer_id INTEGER PRIMARY KEY, stage TEXT,
 * days_since INTEGER) with the NAPL stage of every customer known by day
 * asof (needs stats_asof first), with lost threshold L:
 *   potential  a member with no purchase by asof (days_since NULL)
 *   new        one purchase day, the last within L days of asof
 *   active     two or more purchase days, the last within L
 *   lost       the last purchase more than L days before asof
 * Customers known only from cancelled orders have no stage.
 */
int
lifecycle_table(sqlite3 *db, int64_t asof, int64_t lost, const char *into)
{
	char *sql;
	int rc;

	sql = sqlite3_mprintf(
	    "DROP TABLE IF EXISTS temp.\"%w\";\n"
	    "CREATE TEMP TABLE \"%w\" (customer_id INTEGER PRIMARY KEY,"
	    " stage TEXT NOT NULL, days_since INTEGER);\n"
	    "INSERT INTO temp.\"%w\"\n"
	    "SELECT customer_id, CASE\n"
	    "  WHEN %lld - last_day > %lld THEN 'lost'\n"
	    "  WHEN purchase_days >= 2 THEN 'active'\n"
	    "  ELSE 'new' END, %lld - last_day\n"
	    "FROM temp.asof_stats;\n"
	    "INSERT OR IGNORE INTO temp.\"%w\"\n"
	    "SELECT DISTINCT m.customer_id, 'potential', NULL FROM members m\n"
	    "WHERE m.joined_at IS NULL OR m.joined_at < %lld;\n",
	    into, into, into, (long long)asof, (long long)lost,
	    (long long)asof, into, (long long)((asof + 1) * DAY_SECS));
	if (sql == NULL)
		return -1;
	rc = store_exec(db, sql);
	sqlite3_free(sql);
	return rc;
}
