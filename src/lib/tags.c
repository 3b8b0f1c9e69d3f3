/*
 * tags.c: saving an audience as a tag (crm-segment --save, --unsave).
 */
#include "audience.h"

int
tag_save(sqlite3 *db, const char *tag, int keep, int64_t *added,
    int64_t *removed)
{
	sqlite3_stmt *st = NULL;

	*added = *removed = 0;
	if (store_begin(db) != 0)
		return -1;
	st = store_prepare(db, keep ? "DELETE FROM tags WHERE tag = ?1 AND "
	    "customer_id NOT IN (SELECT customer_id FROM temp."
	    AUDIENCE_TABLE ")" : "DELETE FROM tags WHERE tag = ?1");
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
	if (store_step(st) != SQLITE_DONE)
		goto fail;
	*removed = sqlite3_changes(db);
	sqlite3_finalize(st);
	st = NULL;
	if (keep) {
		st = store_prepare(db, "INSERT OR IGNORE INTO tags (tag, "
		    "customer_id, source, added_at) SELECT ?1, customer_id, "
		    "'crm-segment', ?2 FROM temp." AUDIENCE_TABLE);
		if (st == NULL)
			goto fail;
		sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, tz_now_local());
		if (store_step(st) != SQLITE_DONE)
			goto fail;
		*added = sqlite3_changes(db);
		sqlite3_finalize(st);
		st = NULL;
	}
	if (store_commit(db) != 0)
		goto fail;
	return 0;
fail:
	sqlite3_finalize(st);
	store_rollback(db);
	return -1;
}
