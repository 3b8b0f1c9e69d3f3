/*
 * quality.c: crm-report's quality report: what in the data may mislead.
 */
#include <err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

struct check {
	const char *name;
	const char *label;
	const char *why;
	int64_t	 count, base;
};

/*
 * The customers who ordered in [from, to] (view ao) and are in
 * customers: v[0] how many, then how many have no phone and no email,
 * no phone, no email, a masked name, and orders on two channels or
 * more.  Customer ids lie close together, so each one's first channel
 * (as a small number) and whether another followed are kept by id from
 * a plain scan of the orders, then the customers are read in id order:
 * no grouping sort and no lookup per customer.  Far-apart ids fall back
 * to the same in SQL.
 */
static int
quality_customers(struct rp_ctx *c, int64_t from, int64_t to, int64_t *v)
{
	sqlite3_stmt *st;
	int32_t *ch = NULL;		/* per id: -1 none, else channel */
	uint8_t *multi = NULL;
	char *names[256];
	int64_t maxcid = -1, k;
	int nnames = 0, rc = -1, i, j;

	for (i = 0; i < 6; i++)
		v[i] = 0;
	if ((st = rp_prep(c, "SELECT max(id) FROM main.customers")) == NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		maxcid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (maxcid > 64 * 1024 * 1024) {
		st = rp_prep(c, "SELECT COUNT(*), total(c.phone IS NULL AND"
		    " c.email IS NULL), total(c.phone IS NULL),"
		    " total(c.email IS NULL), total(c.name LIKE '%*%'),"
		    " total(x.multi)"
		    " FROM (SELECT cid, MIN(channel) < MAX(channel) AS multi"
		    "  FROM temp.ao"
		    "  WHERE t >= ?1 * 86400 AND t < (?2 + 1) * 86400"
		    "  GROUP BY cid) x"
		    " JOIN main.customers c ON c.id = x.cid");
		if (st == NULL)
			return -1;
		rp_bind2(st, from, to);
		if ((rc = store_step(st)) == SQLITE_ROW)
			for (i = 0; i < 6; i++)
				v[i] = sqlite3_column_int64(st, i);
		sqlite3_finalize(st);
		return rc == SQLITE_ROW ? 0 : -1;
	}
	if (maxcid < 0)
		return 0;
	ch = xmalloc(((size_t)maxcid + 1) * sizeof(*ch));
	multi = calloc((size_t)maxcid + 1, 1);
	if (multi == NULL)
		err(EXIT_DATA, NULL);
	for (k = 0; k <= maxcid; k++)
		ch[k] = -1;
	st = rp_prep(c, "SELECT cid, channel FROM temp.ao"
	    " WHERE t >= ?1 * 86400 AND t < (?2 + 1) * 86400"
	    " AND cid IS NOT NULL");
	if (st == NULL)
		goto done;
	rp_bind2(st, from, to);
	while ((rc = store_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);

		if (id < 0 || id > maxcid)
			continue;	/* in no customer row: not joined */
		if (name == NULL)
			name = "";
		for (j = 0; j < nnames && strcmp(names[j], name) != 0; j++)
			;
		if (j == nnames) {
			if (nnames == 256) {
				warnx("%s: more than 256 channels",
				    store_path(c->db));
				rc = SQLITE_ERROR;
				break;
			}
			names[nnames++] = xstrdup(name);
		}
		if (ch[id] < 0)
			ch[id] = j;
		else if (ch[id] != j)
			multi[id] = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		rc = -1;
		goto done;
	}
	rc = -1;
	st = rp_prep(c, "SELECT id, phone IS NULL, email IS NULL,"
	    " name LIKE '%*%' FROM main.customers");
	if (st == NULL)
		goto done;
	while ((i = store_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		int np = sqlite3_column_int(st, 1);
		int ne = sqlite3_column_int(st, 2);

		if (id < 0 || id > maxcid || ch[id] < 0)
			continue;
		v[0]++;
		v[1] += np && ne;
		v[2] += np;
		v[3] += ne;
		v[4] += sqlite3_column_int(st, 3);
		v[5] += multi[id];
	}
	sqlite3_finalize(st);
	if (i == SQLITE_DONE)
		rc = 0;
done:
	for (j = 0; j < nnames; j++)
		free(names[j]);
	free(ch);
	free(multi);
	return rc;
}

int
rp_quality(struct rp_ctx *c)
{
	struct check ck[24];
	struct table t;
	sqlite3_stmt *st;
	int64_t from = c->has_from ? c->from : NOFROM;
	int64_t to = c->has_to ? c->to : c->asof, v[24];
	int n = 0, i, rc;

	memset(v, 0, sizeof(v));
	st = rp_prep(c, "SELECT COUNT(*), total(status = 'cancelled'),"
	    " total(status = 'returned'),"
	    " total(" CRM_PURCHASE("") " AND refund > 0),"
	    " total(status = 'pending'),"
	    " total(" CRM_PURCHASE("") "),"
	    " total(" CRM_PURCHASE("") " AND net = 0),"
	    " total(status = 'credit'), total(" CRM_PURCHASE("")
	    " AND cid IS NULL)"
	    " FROM temp.ao WHERE t >= ?1 * 86400 AND t < (?2 + 1) * 86400");
	if (st == NULL)
		return -1;
	rp_bind2(st, from, to);
	if ((rc = store_step(st)) == SQLITE_ROW) {
		for (i = 0; i < 7; i++)
			v[i] = sqlite3_column_int64(st, i);
		v[15] = sqlite3_column_int64(st, 7);
		v[16] = sqlite3_column_int64(st, 8);
	}
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
	ck[n++] = (struct check){ "credit_notes", "credit notes (returns)",
	    "lower revenue and spend on their own day", v[15], v[0] };
	ck[n++] = (struct check){ "no_buyer", "purchases of no known buyer",
	    "shop figures only: not in customer figures", v[16], v[5] };
	/* The imports run by the end of the as-of day. */
	st = rp_prep(c, "SELECT total(orders_unchanged + orders_updated),"
	    " total(orders_new + orders_unchanged + orders_updated)"
	    " FROM main.imports WHERE started_at < ?1");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, T1(c->asof));
	if (store_step(st) == SQLITE_ROW) {
		v[7] = sqlite3_column_int64(st, 0);
		v[8] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	ck[n++] = (struct check){ "duplicate_orders", "orders seen again",
	    "an order imported twice is stored once (imports by the as-of"
	    " day)", v[7],
	    v[8] };
	if (quality_customers(c, from, to, v + 9) != 0)
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
	st = rp_prep(c, "SELECT COUNT(*), total(reason LIKE 'phone %'),"
	    " total(reason LIKE 'email %'), total(reason LIKE 'account %')"
	    " FROM main.merges");
	if (st == NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW)
		for (i = 0; i < 4; i++)
			v[i] = sqlite3_column_int64(st, i);
	sqlite3_finalize(st);
	ck[n++] = (struct check){ "merges", "customer records merged",
	    "one buyer found under two records (all imports)", v[0], v[9] };
	ck[n++] = (struct check){ "merges_by_phone", "merged by phone",
	    "a shared phone may be a household, not one person", v[1], v[0] };
	ck[n++] = (struct check){ "merges_by_email", "merged by email",
	    "", v[2], v[0] };
	ck[n++] = (struct check){ "merges_by_account", "merged by account",
	    "one account that another record's phone or email named",
	    v[3], v[0] };

	tout_title(&c->out, "Data quality: what may mislead");
	rp_scope_note(c, from, to);
	table_init(&t, &c->out);
	table_col(&t, "check", NULL, TC_CSVONLY);
	table_col(&t, "label", "", TC_LEFT | TC_TTYONLY | TC_WRAP);
	table_col(&t, "count", NULL, 0);
	table_col(&t, "base", "of", 0);
	table_col(&t, "share", NULL, 0);
	table_col(&t, "why", "why it matters", TC_LEFT | TC_TTYONLY |
	    TC_WRAP);
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

