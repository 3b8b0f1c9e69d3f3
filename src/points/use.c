/*
 * use.c: the points and tiers of every member as of a day, for the
 * segment language and the playbook's points and tier triggers: one
 * pass over the ledger stream into TEMP tables.
 */
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "points/store.h"

int
points_table(sqlite3 *db, const struct programme *pg, int64_t asof,
    const char *table, const int64_t *days, size_t ndays, int64_t tier_days)
{
	struct pt_ledger l;
	struct pt_reader *rd;
	struct pt_cust c;
	struct pt_totals t;
	sqlite3_stmt *ins = NULL, *lap = NULL;
	int64_t within, on, lost;
	size_t i;
	char *q;
	int rc;

	q = sqlite3_mprintf("DROP TABLE IF EXISTS temp.\"%w\";"
	    " DROP TABLE IF EXISTS temp.\"%w_lapse\";"
	    " CREATE TEMP TABLE \"%w\" (customer_id INTEGER PRIMARY KEY,"
	    " points INTEGER NOT NULL, tier TEXT, tier_rank INTEGER NOT NULL,"
	    " tier_before INTEGER NOT NULL, tier_lost INTEGER);"
	    " CREATE TEMP TABLE \"%w_lapse\" (customer_id INTEGER NOT NULL,"
	    " days INTEGER NOT NULL, within INTEGER NOT NULL, lapse_on INTEGER"
	    " NOT NULL, PRIMARY KEY (customer_id, days))", table, table, table,
	    table);
	rc = q == NULL || store_exec(db, q) != 0 ? -1 : 0;
	sqlite3_free(q);
	if (rc != 0)
		return -1;
	q = sqlite3_mprintf("INSERT INTO temp.\"%w\" VALUES (?1, ?2, ?3, ?4,"
	    " ?5, ?6)", table);
	ins = q != NULL ? store_prepare(db, q) : NULL;
	sqlite3_free(q);
	q = sqlite3_mprintf("INSERT INTO temp.\"%w_lapse\" VALUES (?1, ?2,"
	    " ?3, ?4)", table);
	lap = q != NULL ? store_prepare(db, q) : NULL;
	sqlite3_free(q);
	if (ins == NULL || lap == NULL || (rd = pt_read_open(db, asof, 0)) ==
	    NULL) {
		sqlite3_finalize(ins);
		sqlite3_finalize(lap);
		return -1;
	}
	pt_ledger_init(&l, pg, asof);
	while ((rc = pt_read(rd, &c)) == 1) {
		if (programme_holdout(pg, c.id))
			continue;
		pt_ledger_run(&l, &c, &t);
		if (!t.enrolled)
			continue;
		sqlite3_bind_int64(ins, 1, c.id);
		sqlite3_bind_int64(ins, 2, t.balance);
		if (t.tier >= 0)
			sqlite3_bind_text(ins, 3, pg->tier[t.tier].name, -1,
			    SQLITE_STATIC);
		else
			sqlite3_bind_null(ins, 3);
		/* Ranks: 0 for none, then the tiers from the lowest. */
		sqlite3_bind_int(ins, 4, t.tier + 1);
		sqlite3_bind_int(ins, 5, pt_tier_on(&l, &c, asof - 1) + 1);
		if (tier_days > 0 && (lost = pt_tier_lost(&l, &c,
		    tier_days)) > 0)
			sqlite3_bind_int64(ins, 6, lost);
		else
			sqlite3_bind_null(ins, 6);
		rc = store_step(ins) == SQLITE_DONE ? 0 : -1;
		sqlite3_reset(ins);
		for (i = 0; rc == 0 && i < ndays; i++) {
			pt_lapsing(&l, days[i], &within, &on);
			sqlite3_bind_int64(lap, 1, c.id);
			sqlite3_bind_int64(lap, 2, days[i]);
			sqlite3_bind_int64(lap, 3, within);
			sqlite3_bind_int64(lap, 4, on);
			if (store_step(lap) != SQLITE_DONE)
				rc = -1;
			sqlite3_reset(lap);
		}
		if (rc != 0)
			break;
	}
	pt_read_close(rd);
	pt_ledger_free(&l);
	sqlite3_finalize(ins);
	sqlite3_finalize(lap);
	return rc == 0 ? 0 : -1;
}
