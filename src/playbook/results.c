/*
 * results.c: crm-playbook results in the store.  Every contact (TEMP
 * table pr) with whether it bought within the window, what it spent, and
 * whether its coupon was claimed and used; then the sums per step, per
 * coupon and per audience.
 */
#include <string.h>

#include "crm.h"
#include "playbook/run.h"

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

	/* One row per contact: did they buy within the window? */
	p[1] = days;
	p[2] = asof;
	if (pb_exec(db, "CREATE TEMP TABLE pr AS SELECT k.playbook,"
	    " k.step, k.grp, CASE WHEN k.grp = 'treatment' THEN"
	    " k.coupon_code END AS code, CASE WHEN k.coupon_code IS NOT NULL"
	    " THEN substr(k.coupon_code, 1, instr(k.coupon_code, '-') - 1)"
	    " END AS prefix,"
	    " b.n > 0 AS bought, coalesce(b.net, 0) AS revenue,"
	    " k.grp = 'treatment' AND k.coupon_code IN (SELECT code FROM"
	    " temp.pr_claims) AS claimed,"
	    " k.grp = 'treatment' AND u.code IS NOT NULL AS used,"
	    " CASE WHEN k.grp = 'treatment' THEN coalesce(u.net, 0) ELSE 0"
	    " END AS crevenue,"
	    " CASE WHEN k.grp = 'treatment' THEN coalesce(u.cost, 0) ELSE 0"
	    " END AS cost"
	    " FROM contacts k"
	    " LEFT JOIN temp.pr_used u ON u.code = k.coupon_code"
	    " LEFT JOIN (SELECT k2.id, count(o.id) AS n, sum(o.net) AS net"
	    "  FROM contacts k2 JOIN orders o ON o.customer_id ="
	    "  k2.customer_id AND " CRM_PURCHASE("o.") " AND"
	    "  o.ordered_at >= (k2.day + 1) * 86400 AND o.ordered_at <"
	    "  (min(k2.day + ?2, ?3) + 1) * 86400"
	    "  WHERE k2.day <= ?3 GROUP BY k2.id) b ON b.id = k.id"
	    " WHERE k.day <= ?3 AND (?9 IS NULL OR k.playbook = ?9)",
	    p, 3, name, NULL) != 0)
		return -1;
	return pb_steps_table(db, pb);
}

/* The sums every group shares, over temp.pr rows. */
#define GROUP_SUMS \
	" sum(grp = 'treatment'), sum(grp = 'holdout')," \
	" sum(grp = 'treatment' AND code IS NOT NULL)," \
	" sum(claimed), sum(used)," \
	" sum(grp = 'treatment' AND bought), sum(grp = 'holdout' AND bought)," \
	" sum(CASE WHEN grp = 'treatment' THEN revenue ELSE 0 END)," \
	" sum(CASE WHEN grp = 'holdout' THEN revenue ELSE 0 END)," \
	" sum(crevenue), sum(cost)"

static const char *const group_sql[] = {
	[PB_BY_STEP] = "SELECT r.playbook, r.step," GROUP_SUMS
	    " FROM temp.pr r LEFT JOIN temp.pb_steps s ON s.name = r.step"
	    " GROUP BY r.playbook, r.step"
	    " ORDER BY r.playbook, coalesce(min(s.idx), 1e9), r.step",
	[PB_BY_COUPON] = "SELECT playbook, prefix," GROUP_SUMS
	    " FROM temp.pr WHERE prefix IS NOT NULL"
	    " GROUP BY playbook, prefix ORDER BY playbook, prefix",
	[PB_BY_AUDIENCE] = "SELECT r.playbook, s.audience," GROUP_SUMS
	    " FROM temp.pr r JOIN temp.pb_steps s ON s.name = r.step"
	    " GROUP BY r.playbook, s.audience"
	    " ORDER BY r.playbook, s.audience",
};

int
pbres_groups(sqlite3 *db, enum pb_by by,
    void (*fn)(void *, const char *, const char *, const struct pb_group *),
    void *arg)
{
	sqlite3_stmt *st;
	struct pb_group g;
	int rc;

	if ((st = store_prepare(db, group_sql[by])) == NULL)
		return -1;
	while ((rc = store_step(st)) == SQLITE_ROW) {
		g.contacted = sqlite3_column_int64(st, 2);
		g.held_out = sqlite3_column_int64(st, 3);
		g.coupons = sqlite3_column_int64(st, 4);
		g.claimed = sqlite3_column_int64(st, 5);
		g.used = sqlite3_column_int64(st, 6);
		g.bought = sqlite3_column_int64(st, 7);
		g.hbought = sqlite3_column_int64(st, 8);
		g.revenue = sqlite3_column_int64(st, 9);
		g.hrevenue = sqlite3_column_int64(st, 10);
		g.crevenue = sqlite3_column_int64(st, 11);
		g.cost = sqlite3_column_int64(st, 12);
		fn(arg, pb_col(st, 0), pb_col(st, 1), &g);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
