/*
 * store.c: crm-points' reads of the store.  Four ordered scans walked
 * side by side: customers by id, their member records and orders by
 * the members_customer and orders_customer indexes, their redemptions
 * by redemptions_customer; no temporary table and no sort, so memory does not grow with the store.
 */
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "points/store.h"

struct pt_reader {
	sqlite3_stmt *cust, *mem, *ord, *red;
	int	 mem_rc, ord_rc, red_rc;	/* SQLITE_ROW while a row is waiting */
	struct pt_event *ev;
	size_t	 nev, evcap;
	size_t	*refoff;		/* each event's ref in refs */
	struct buf refs;
};

int
pt_has_redemptions(sqlite3 *db)
{
	sqlite3_stmt *st;
	int has = 0;

	st = store_prepare(db, "SELECT 1 FROM sqlite_master WHERE type ="
	    " 'table' AND name = 'redemptions'");
	if (st != NULL && store_step(st) == SQLITE_ROW)
		has = 1;
	sqlite3_finalize(st);
	if (!has)
		return 0;
	st = store_prepare(db, "SELECT EXISTS (SELECT 1 FROM redemptions)");
	has = st != NULL && store_step(st) == SQLITE_ROW &&
	    sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return has;
}

/* How many redemptions of known customers were made before time t. */
int64_t
pt_redemptions_before(sqlite3 *db, int64_t t)
{
	sqlite3_stmt *st;
	int64_t n = 0;

	if (!pt_has_redemptions(db))
		return 0;
	st = store_prepare(db, "SELECT count(*) FROM redemptions WHERE"
	    " customer_id IS NOT NULL AND at < ?1");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, t);
	if (store_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int
has_table(sqlite3 *db)
{
	sqlite3_stmt *st;
	int has;

	st = store_prepare(db, "SELECT 1 FROM sqlite_master WHERE type ="
	    " 'table' AND name = 'redemptions'");
	has = st != NULL && store_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return has;
}

struct pt_reader *
pt_read_open(sqlite3 *db, int64_t asof, int64_t only)
{
	struct pt_reader *rd = xmalloc(sizeof(*rd));
	int64_t lo = only > 0 ? only : 0, hi = only > 0 ? only : INT64_MAX;

	memset(rd, 0, sizeof(*rd));
	rd->cust = store_prepare(db, "SELECT id, birthday FROM customers"
	    " WHERE id BETWEEN ?1 AND ?2 ORDER BY id");
	rd->mem = store_prepare(db, "SELECT customer_id, min(joined_at),"
	    " max(birthday) FROM members INDEXED BY members_customer"
	    " WHERE customer_id BETWEEN ?1 AND ?2 GROUP BY customer_id"
	    " ORDER BY customer_id");
	/* Every member's orders off the index alone; the order numbers,
	 * which only a statement shows, from the rows. */
	rd->ord = store_prepare(db, only > 0 ?
	    "SELECT customer_id, ordered_at, status, net, order_no FROM orders"
	    " INDEXED BY orders_customer WHERE customer_id BETWEEN ?1 AND ?2"
	    " AND ordered_at < ?3 AND " CRM_REVENUE("")
	    " ORDER BY customer_id, ordered_at, id" :
	    "SELECT customer_id, ordered_at, status, net, NULL FROM orders"
	    " INDEXED BY orders_customer WHERE customer_id BETWEEN ?1 AND ?2"
	    " AND ordered_at < ?3 AND " CRM_REVENUE("")
	    " ORDER BY customer_id, ordered_at, id");
	if (has_table(db))
		rd->red = store_prepare(db, "SELECT customer_id, at, points,"
		    " ref FROM redemptions WHERE customer_id BETWEEN ?1 AND ?2"
		    " AND at < ?3 ORDER BY customer_id, at, id");
	if (rd->cust == NULL || rd->mem == NULL || rd->ord == NULL ||
	    (has_table(db) &&
	    rd->red == NULL)) {
		pt_read_close(rd);
		return NULL;
	}
	sqlite3_bind_int64(rd->cust, 1, lo);
	sqlite3_bind_int64(rd->cust, 2, hi);
	sqlite3_bind_int64(rd->mem, 1, lo);
	sqlite3_bind_int64(rd->mem, 2, hi);
	rd->mem_rc = store_step(rd->mem);
	sqlite3_bind_int64(rd->ord, 1, lo);
	sqlite3_bind_int64(rd->ord, 2, hi);
	sqlite3_bind_int64(rd->ord, 3, (asof + 1) * DAY_SECS);
	rd->ord_rc = store_step(rd->ord);
	if (rd->red != NULL) {
		sqlite3_bind_int64(rd->red, 1, lo);
		sqlite3_bind_int64(rd->red, 2, hi);
		sqlite3_bind_int64(rd->red, 3, (asof + 1) * DAY_SECS);
		rd->red_rc = store_step(rd->red);
	} else
		rd->red_rc = SQLITE_DONE;
	return rd;
}

void
pt_read_close(struct pt_reader *rd)
{
	if (rd == NULL)
		return;
	sqlite3_finalize(rd->cust);
	sqlite3_finalize(rd->mem);
	sqlite3_finalize(rd->ord);
	sqlite3_finalize(rd->red);
	free(rd->ev);
	free(rd->refoff);
	buf_free(&rd->refs);
	free(rd);
}

static void
add_event(struct pt_reader *rd, enum pt_ekind k, int64_t at, int64_t amount,
    sqlite3_stmt *st, int refcol)
{
	const unsigned char *ref = sqlite3_column_text(st, refcol);

	if (rd->nev == rd->evcap) {
		rd->evcap = rd->evcap ? 2 * rd->evcap : 64;
		rd->ev = xrealloc(rd->ev, rd->evcap * sizeof(*rd->ev));
		rd->refoff = xrealloc(rd->refoff, rd->evcap *
		    sizeof(*rd->refoff));
	}
	rd->ev[rd->nev].kind = k;
	rd->ev[rd->nev].day = day_of(at);
	rd->ev[rd->nev].amount = amount;
	rd->refoff[rd->nev] = rd->refs.len;
	buf_adds(&rd->refs, ref != NULL ? (const char *)ref : "");
	buf_addc(&rd->refs, '\0');
	rd->nev++;
}

/* "YYYY-MM-DD" (or with a time) to month and day; 0 when unreadable. */
static void
birthday_of(const unsigned char *s, int *m, int *d)
{
	int64_t t;
	const char *why;
	int y;

	*m = *d = 0;
	if (s == NULL || date_parse((const char *)s, DATE_MDY, &t, &why) != 0)
		return;
	civil_from_days(day_of(t), &y, m, d);
}

int
pt_read(struct pt_reader *rd, struct pt_cust *c)
{
	int rc;
	size_t i;

	for (;;) {
		if ((rc = store_step(rd->cust)) != SQLITE_ROW)
			return rc == SQLITE_DONE ? 0 : -1;
		memset(c, 0, sizeof(*c));
		c->id = sqlite3_column_int64(rd->cust, 0);
		c->joined = -1;
		while (rd->mem_rc == SQLITE_ROW &&
		    sqlite3_column_int64(rd->mem, 0) < c->id)
			rd->mem_rc = store_step(rd->mem);
		if (rd->mem_rc != SQLITE_ROW && rd->mem_rc != SQLITE_DONE)
			return -1;
		if (rd->mem_rc == SQLITE_ROW &&
		    sqlite3_column_int64(rd->mem, 0) == c->id) {
			c->member = 1;
			if (sqlite3_column_type(rd->mem, 1) != SQLITE_NULL)
				c->joined = day_of(sqlite3_column_int64(
				    rd->mem, 1));
		}
		/* The member record's birthday, else the customer's. */
		birthday_of(c->member && sqlite3_column_type(rd->mem, 2) !=
		    SQLITE_NULL ? sqlite3_column_text(rd->mem, 2) :
		    sqlite3_column_text(rd->cust, 1), &c->bmonth, &c->bday);
		rd->nev = 0;
		buf_reset(&rd->refs);
		/* Orders and redemptions merged by time: an order first
		 * when both fall on the same second. */
		for (;;) {
			int o, r;

			while (rd->ord_rc == SQLITE_ROW &&
			    sqlite3_column_int64(rd->ord, 0) < c->id)
				rd->ord_rc = store_step(rd->ord);
			while (rd->red_rc == SQLITE_ROW &&
			    sqlite3_column_int64(rd->red, 0) < c->id)
				rd->red_rc = store_step(rd->red);
			o = rd->ord_rc == SQLITE_ROW &&
			    sqlite3_column_int64(rd->ord, 0) == c->id;
			r = rd->red_rc == SQLITE_ROW &&
			    sqlite3_column_int64(rd->red, 0) == c->id;
			if (!o && !r)
				break;
			if (o && (!r || sqlite3_column_int64(rd->ord, 1) <=
			    sqlite3_column_int64(rd->red, 1))) {
				const unsigned char *st =
				    sqlite3_column_text(rd->ord, 2);
				int64_t net = sqlite3_column_int64(rd->ord, 3);

				add_event(rd, strcmp((const char *)st,
				    "credit") == 0 ? PE_CREDIT : PE_ORDER,
				    sqlite3_column_int64(rd->ord, 1), net,
				    rd->ord, 4);
				rd->ord_rc = store_step(rd->ord);
			} else {
				add_event(rd, PE_REDEEM,
				    sqlite3_column_int64(rd->red, 1),
				    sqlite3_column_int64(rd->red, 2), rd->red,
				    3);
				rd->red_rc = store_step(rd->red);
			}
		}
		if (rd->ord_rc != SQLITE_ROW && rd->ord_rc != SQLITE_DONE)
			return -1;
		if (rd->red_rc != SQLITE_ROW && rd->red_rc != SQLITE_DONE)
			return -1;
		if (rd->nev == 0 && !c->member)
			continue;
		for (i = 0; i < rd->nev; i++)
			rd->ev[i].ref = rd->refs.s + rd->refoff[i];
		c->ev = rd->ev;
		c->nev = rd->nev;
		return 1;
	}
}
