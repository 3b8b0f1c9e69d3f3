/*
 * fits.c: the store's fits table: the data hash, and a fit kept and
 * found again.  With summary.c, the only places crm-predict speaks SQL.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crm.h"
#include "predict/fits.h"

/*
 * Read off orders_customer, which holds every column the hash wants:
 * the index on the order time alone made SQLite fetch each order's row
 * from wherever the import had put it, a page read per order on a store
 * imported customer by customer (4.3 s of 6.4 s with a million).
 */
int
pd_data_hash(sqlite3 *db, int64_t asof, char hash[PD_HASH_LEN])
{
	sqlite3_stmt *st;
	int rc;

	st = store_prepare(db, "SELECT count(*), coalesce(max(id), 0),"
	    " coalesce(sum(net), 0), coalesce(sum(customer_id), 0)"
	    " FROM orders INDEXED BY orders_customer WHERE " CRM_PURCHASE("")
	    " AND customer_id IS NOT NULL AND ordered_at < ?1");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (asof + 1) * DAY_SECS);
	if ((rc = store_step(st)) == SQLITE_ROW)
		snprintf(hash, PD_HASH_LEN, "%lld:%lld:%lld:%lld",
		    (long long)sqlite3_column_int64(st, 0),
		    (long long)sqlite3_column_int64(st, 1),
		    (long long)sqlite3_column_int64(st, 2),
		    (long long)sqlite3_column_int64(st, 3));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* 1 when the store has the fits table (schema version 7 on). */
static int
have_fits(sqlite3 *db)
{
	sqlite3_stmt *st;
	int rc;

	st = store_prepare(db, "SELECT 1 FROM sqlite_master WHERE type ="
	    " 'table' AND name = 'fits'");
	if (st == NULL)
		return -1;
	rc = store_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
pd_fit_load(sqlite3 *db, enum pd_model m, int unit, int64_t asof,
    const char *hash, struct pd_fit *f)
{
	sqlite3_stmt *st;
	int i, rc;

	if ((rc = have_fits(db)) <= 0)
		return rc;
	st = store_prepare(db, "SELECT p1, p2, p3, p4, log_likelihood,"
	    " customers FROM fits WHERE model = ?1 AND unit = ?2 AND"
	    " as_of = ?3 AND data_hash = ?4");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, pd_models[m].name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, unit);
	sqlite3_bind_int64(st, 3, asof);
	sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
	if ((rc = store_step(st)) == SQLITE_ROW) {
		memset(f, 0, sizeof(*f));
		f->model = m;
		for (i = 0; i < 4; i++) {
			f->par[i] = sqlite3_column_double(st, i);
			f->se[i] = NAN;
		}
		f->ll = sqlite3_column_double(st, 4);
		f->n = (double)sqlite3_column_int64(st, 5);
		f->converged = 1;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
pd_fit_save(sqlite3 *db, const struct pd_fit *f, int unit, int64_t asof,
    const char *hash)
{
	sqlite3_stmt *st;
	int i, rc;

	if (store_begin(db) != 0)
		return -1;
	st = store_prepare(db, "INSERT OR REPLACE INTO fits (model, unit,"
	    " as_of, data_hash, p1, p2, p3, p4, log_likelihood, customers,"
	    " fitted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
	    " ?11)");
	if (st == NULL) {
		store_rollback(db);
		return -1;
	}
	sqlite3_bind_text(st, 1, pd_models[f->model].name, -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, 2, unit);
	sqlite3_bind_int64(st, 3, asof);
	sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
	for (i = 0; i < 4; i++)
		if (i < pd_models[f->model].np)
			sqlite3_bind_double(st, 5 + i, f->par[i]);
	sqlite3_bind_double(st, 9, f->ll);
	sqlite3_bind_int64(st, 10, (int64_t)f->n);
	sqlite3_bind_int64(st, 11, (int64_t)time(NULL));
	rc = store_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || store_commit(db) != 0) {
		store_rollback(db);
		return -1;
	}
	return 0;
}
