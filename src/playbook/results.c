/*
 * results.c: crm-playbook results in the store.  Every contact (TEMP
 * table pr) with whether it bought within the window, whether the window
 * has closed, what it spent, and whether its coupon was claimed and used;
 * then the rows (per step, variant, pair of variants, coupon and
 * audience) and the sums of each over the closed windows.
 */
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "playbook/run.h"

/* The fields of temp.pr that temp.pr_m keeps. */
#define PR_FIELDS " r.closed, r.bought, r.revenue, r.code IS NOT NULL," \
	" r.claimed, r.used, r.crevenue, r.cost"

static int make_groups(sqlite3 *);

int
pbres_gather(sqlite3 *db, const struct playbook *pb, const char *name,
    int64_t asof, int64_t days, int *claims_known)
{
	int64_t p[3];

	/* Coupon codes handed out, then the purchases that carried them
	 * (codes are capitals; a shop's export may not keep them so). */
	if (store_exec(db, "CREATE TEMP TABLE pr_codes (code TEXT PRIMARY"
	    " KEY, discount INTEGER, discount_pct INTEGER);"
	    "INSERT OR IGNORE INTO temp.pr_codes SELECT coupon_code,"
	    " discount, discount_pct FROM contacts WHERE grp = 'treatment'"
	    " AND coupon_code IS NOT NULL") != 0)
		return -1;
	p[0] = (asof + 1) * DAY_SECS;
	if (pb_exec(db, "CREATE TEMP TABLE pr_used AS SELECT k.code AS"
	    " code, count(*) AS n, sum(o.net) AS net, sum(CASE WHEN"
	    " o.discount > 0 THEN o.discount WHEN k.discount_pct > 0 THEN"
	    " (o.items_total * k.discount_pct + 50) / 100 ELSE"
	    " coalesce(k.discount, 0) END) AS cost FROM orders o JOIN"
	    " temp.pr_codes k ON k.code = upper(trim(o.coupon)) WHERE"
	    " o.coupon <> '' AND " CRM_PURCHASE("o.") " AND"
	    " o.ordered_at < ?1 GROUP BY k.code", p, 1, NULL, NULL) != 0 ||
	    store_exec(db, "CREATE UNIQUE INDEX temp.pr_used_code ON"
	    " pr_used(code)") != 0)
		return -1;
	if (pb_exec(db, "CREATE TEMP TABLE pr_claims AS SELECT DISTINCT"
	    " upper(trim(coupon)) AS code FROM events WHERE"
	    " kind = 'coupon_claimed' AND"
	    " coupon <> '' AND at < ?1", p, 1, NULL, NULL) != 0 ||
	    store_exec(db, "CREATE UNIQUE INDEX temp.pr_claims_code ON"
	    " pr_claims(code)") != 0)
		return -1;
	*claims_known = pb_query_int(db, "SELECT EXISTS (SELECT 1 FROM events"
	    " WHERE kind = 'coupon_claimed' AND at < ?1)", p, 1, NULL) > 0;

	/* One row per contact: did they buy within the window, their net
	 * revenue in it (purchases less credit notes: a return in the
	 * window takes back what it returns), and has the window closed
	 * (the contact day plus the days, by the as-of day)? */
	p[1] = days;
	p[2] = asof;
	if (pb_exec(db, "CREATE TEMP TABLE pr AS SELECT k.playbook,"
	    " k.step, k.grp, k.variant, k.day + ?2 <= ?3 AS closed,"
	    " CASE WHEN k.grp = 'treatment' THEN"
	    " k.coupon_code END AS code, CASE WHEN k.coupon_code IS NOT NULL"
	    " THEN substr(k.coupon_code, 1, instr(k.coupon_code, '-') - 1)"
	    " END AS prefix,"
	    " coalesce(b.n > 0, 0) AS bought, coalesce(b.net, 0) AS revenue,"
	    " k.grp = 'treatment' AND k.coupon_code IN (SELECT code FROM"
	    " temp.pr_claims) AS claimed,"
	    " k.grp = 'treatment' AND u.code IS NOT NULL AS used,"
	    " CASE WHEN k.grp = 'treatment' THEN coalesce(u.net, 0) ELSE 0"
	    " END AS crevenue,"
	    " CASE WHEN k.grp = 'treatment' THEN coalesce(u.cost, 0) ELSE 0"
	    " END AS cost"
	    " FROM contacts k"
	    " LEFT JOIN temp.pr_used u ON u.code = k.coupon_code"
	    " LEFT JOIN (SELECT k2.id, sum(" CRM_PURCHASE("o.") ") AS n,"
	    "  sum(o.net) AS net"
	    "  FROM contacts k2 JOIN orders o ON o.customer_id ="
	    "  k2.customer_id AND " CRM_REVENUE("o.") " AND"
	    "  o.ordered_at >= (k2.day + 1) * 86400 AND o.ordered_at <"
	    "  (min(k2.day + ?2, ?3) + 1) * 86400"
	    "  WHERE k2.day <= ?3 GROUP BY k2.id) b ON b.id = k.id"
	    " WHERE k.day <= ?3 AND (?9 IS NULL OR k.playbook = ?9)",
	    p, 3, name, NULL) != 0)
		return -1;
	if (pb_steps_table(db, pb) != 0)
		return -1;
	return make_groups(db);
}

/*
 * The rows of results (temp.pr_g) and the contacts each adds up, with
 * the side they are on (temp.pr_m: 1 treated, 2 the comparison).  major
 * orders steps (with their variants) before coupons and audiences; sidx
 * is the step's place in the file; minor puts a step before its
 * variants and those before their pairs.
 */
static const char groups_sql[] =
    "CREATE TEMP TABLE pr_g (g INTEGER PRIMARY KEY, playbook TEXT, kind"
    " INTEGER, name TEXT, major INTEGER, sidx REAL, step TEXT, minor"
    " INTEGER, a TEXT, b TEXT);"
    "CREATE TEMP TABLE pr_m (g INTEGER, side INTEGER, closed INTEGER,"
    " bought INTEGER, revenue INTEGER, hascode INTEGER, claimed INTEGER,"
    " used INTEGER, crevenue INTEGER, cost INTEGER);"
    /* Steps. */
    "INSERT INTO temp.pr_g (playbook, kind, name, major, sidx, step, minor)"
    " SELECT r.playbook, 0, r.step, 0, coalesce(min(s.idx), 1e9), r.step, 0"
    " FROM temp.pr r LEFT JOIN temp.pb_steps s ON s.name = r.step"
    " GROUP BY r.playbook, r.step;"
    "INSERT INTO temp.pr_m SELECT g.g, CASE r.grp WHEN 'treatment' THEN 1"
    " ELSE 2 END," PR_FIELDS " FROM temp.pr_g g JOIN temp.pr r ON"
    " r.playbook = g.playbook AND r.step = g.step WHERE g.kind = 0;"
    /* Each variant against the step's holdout. */
    "INSERT INTO temp.pr_g (playbook, kind, name, major, sidx, step, minor,"
    " a) SELECT DISTINCT g.playbook, 1, g.step || '/' || r.variant, 0,"
    " g.sidx, g.step, 1, r.variant FROM temp.pr_g g JOIN temp.pr r ON"
    " r.playbook = g.playbook AND r.step = g.step WHERE g.kind = 0 AND"
    " r.variant IS NOT NULL;"
    "INSERT INTO temp.pr_m SELECT g.g, CASE r.grp WHEN 'treatment' THEN 1"
    " ELSE 2 END," PR_FIELDS " FROM temp.pr_g g JOIN temp.pr r ON"
    " r.playbook = g.playbook AND r.step = g.step AND (r.grp = 'holdout'"
    " OR r.variant = g.a) WHERE g.kind = 1;"
    /* Every pair of a step's variants. */
    "INSERT INTO temp.pr_g (playbook, kind, name, major, sidx, step, minor,"
    " a, b) SELECT x.playbook, 2, x.step || '/' || x.a || ' vs ' || y.a,"
    " 0, x.sidx, x.step, 2, x.a, y.a FROM temp.pr_g x JOIN temp.pr_g y"
    " ON y.playbook = x.playbook AND y.step = x.step AND y.kind = 1 AND"
    " y.a > x.a WHERE x.kind = 1 ORDER BY x.playbook, x.step, x.a, y.a;"
    "INSERT INTO temp.pr_m SELECT g.g, CASE r.variant WHEN g.a THEN 1"
    " ELSE 2 END," PR_FIELDS " FROM temp.pr_g g JOIN temp.pr r ON"
    " r.playbook = g.playbook AND r.step = g.step AND r.grp ="
    " 'treatment' AND r.variant IN (g.a, g.b) WHERE g.kind = 2;"
    /* Coupons by prefix, audiences as written. */
    "INSERT INTO temp.pr_g (playbook, kind, name, major, sidx, step, minor)"
    " SELECT DISTINCT playbook, 3, prefix, 1, 0, '', 0 FROM temp.pr"
    " WHERE prefix IS NOT NULL;"
    "INSERT INTO temp.pr_m SELECT g.g, CASE r.grp WHEN 'treatment' THEN 1"
    " ELSE 2 END," PR_FIELDS " FROM temp.pr_g g JOIN temp.pr r ON"
    " r.playbook = g.playbook AND r.prefix = g.name WHERE g.kind = 3;"
    "INSERT INTO temp.pr_g (playbook, kind, name, major, sidx, step, minor)"
    " SELECT DISTINCT r.playbook, 4, s.audience, 2, 0, '', 0 FROM temp.pr"
    " r JOIN temp.pb_steps s ON s.name = r.step;"
    "INSERT INTO temp.pr_m SELECT g.g, CASE r.grp WHEN 'treatment' THEN 1"
    " ELSE 2 END," PR_FIELDS " FROM temp.pr_g g JOIN temp.pb_steps s ON"
    " s.audience = g.name JOIN temp.pr r ON r.playbook = g.playbook AND"
    " r.step = s.name WHERE g.kind = 4;"
    "CREATE INDEX temp.pr_m_g ON pr_m(g, side, closed);";

static int
make_groups(sqlite3 *db)
{
	return store_exec(db, groups_sql);
}

/* The sums of a row over temp.pr_m, closed windows only. */
static const char sums_sql[] =
    "SELECT g.playbook, g.kind, g.name, sum(NOT m.closed),"
    " sum(m.closed AND m.side = 1), sum(m.closed AND m.side = 2),"
    " sum(m.closed AND m.side = 1 AND m.hascode),"
    " sum(m.closed AND m.side = 1 AND m.claimed),"
    " sum(m.closed AND m.side = 1 AND m.used),"
    " sum(m.closed AND m.side = 2 AND m.hascode),"
    " sum(m.closed AND m.side = 2 AND m.claimed),"
    " sum(m.closed AND m.side = 2 AND m.used),"
    " sum(m.closed AND m.side = 1 AND m.bought),"
    " sum(m.closed AND m.side = 2 AND m.bought),"
    " sum(CASE WHEN m.closed AND m.side = 1 THEN m.revenue ELSE 0 END),"
    " sum(CASE WHEN m.closed AND m.side = 2 THEN m.revenue ELSE 0 END),"
    " sum(CASE WHEN m.closed AND m.side = 1 THEN m.crevenue ELSE 0 END),"
    " sum(CASE WHEN m.closed AND m.side = 1 THEN m.cost ELSE 0 END),"
    " g.g"
    " FROM temp.pr_g g JOIN temp.pr_m m ON m.g = g.g GROUP BY g.g"
    " ORDER BY g.major, g.playbook, g.sidx, g.step, g.minor, g.name";

/* The revenue of every closed contact of row g on one side. */
static int
revenues(sqlite3_stmt *st, int64_t g, int side, int64_t **v, size_t *n)
{
	size_t cap = 0;
	int rc;

	*n = 0;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, g);
	sqlite3_bind_int(st, 2, side);
	while ((rc = store_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*v = xrealloc(*v, cap * sizeof(**v));
		}
		(*v)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

int
pbres_groups(sqlite3 *db,
    void (*fn)(void *, const char *, enum pb_by, const char *,
    const struct pb_group *), void *arg)
{
	sqlite3_stmt *st, *rv;
	struct pb_group g;
	int64_t *col[15];
	int i, rc = -1;

	memset(&g, 0, sizeof(g));
	col[0] = &g.measuring;
	col[1] = &g.contacted;
	col[2] = &g.held_out;
	col[3] = &g.coupons;
	col[4] = &g.claimed;
	col[5] = &g.used;
	col[6] = &g.hcoupons;
	col[7] = &g.hclaimed;
	col[8] = &g.hused;
	col[9] = &g.bought;
	col[10] = &g.hbought;
	col[11] = &g.revenue;
	col[12] = &g.hrevenue;
	col[13] = &g.crevenue;
	col[14] = &g.cost;
	st = store_prepare(db, sums_sql);
	rv = store_prepare(db, "SELECT revenue FROM temp.pr_m WHERE g = ?1"
	    " AND side = ?2 AND closed ORDER BY rowid");
	if (st == NULL || rv == NULL)
		goto out;
	while ((rc = store_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 18);

		for (i = 0; i < 15; i++)
			*col[i] = sqlite3_column_int64(st, 3 + i);
		if (revenues(rv, id, 1, &g.rev, &g.nrev) != 0 ||
		    revenues(rv, id, 2, &g.hrev, &g.nhrev) != 0) {
			rc = -1;
			goto out;
		}
		fn(arg, pb_col(st, 0), (enum pb_by)sqlite3_column_int(st, 1),
		    pb_col(st, 2), &g);
	}
	rc = rc == SQLITE_DONE ? 0 : -1;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(rv);
	free(g.rev);
	free(g.hrev);
	return rc;
}
