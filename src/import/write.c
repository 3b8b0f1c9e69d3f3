/*
 * write.c: what crm-import writes to the store, and the run's
 * transaction.  Every statement an import repeats is prepared once a run
 * and kept across rows: orders and their lines, products, members and
 * their tags, email events and coupon claims, the imports table; at the
 * end, the customers' aggregates.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "crm.h"
#include "import/buyers.h"
#include "import/import.h"
#include "import/run.h"
#include "import/write.h"

void
bind_text_or_null(sqlite3_stmt *st, int i, const struct buf *b)
{
	if (b->len > 0)
		sqlite3_bind_text(st, i, b->s, (int)b->len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Runs a prepared statement that returns nothing; resets it. */
int
run_stmt(sqlite3_stmt *st)
{
	int rc = store_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static const char *const merge_sql[] = {
	"UPDATE identities SET customer_id = ?1 WHERE customer_id = ?2",
	"UPDATE orders SET customer_id = ?1 WHERE customer_id = ?2",
	"UPDATE members SET customer_id = ?1 WHERE customer_id = ?2",
	"UPDATE OR IGNORE tags SET customer_id = ?1 WHERE customer_id = ?2",
	"UPDATE OR IGNORE events SET customer_id = ?1 WHERE customer_id = ?2",
	"UPDATE OR IGNORE contacts SET customer_id = ?1 WHERE customer_id = ?2",
	"UPDATE redemptions SET customer_id = ?1 WHERE customer_id = ?2",
	"DELETE FROM tags WHERE customer_id = ?2",
	"UPDATE customers SET"
	" name = coalesce(name, (SELECT name FROM customers WHERE id = ?2)),"
	" email = coalesce(email, (SELECT email FROM customers WHERE id = ?2)),"
	" phone = coalesce(phone, (SELECT phone FROM customers WHERE id = ?2)),"
	" first_seen = min(first_seen,"
	"   (SELECT first_seen FROM customers WHERE id = ?2)),"
	" is_member = max(is_member,"
	"   (SELECT is_member FROM customers WHERE id = ?2))"
	" WHERE id = ?1",
	"DELETE FROM customer_stats WHERE customer_id = ?2",
	"DELETE FROM customers WHERE id = ?2",
};

/* An identity by its key and its text in one of the two key tables (a
 * join reads them faster than CRM_IDKEY_IDS, whose list it builds). */
#define ID_FIND(keys) "SELECT i.customer_id, i.shared FROM " keys " k," \
	" identities i WHERE k.key = ?1 AND i.id = k.id AND i.kind = ?2" \
	" AND i.channel = ?3 AND i.value = ?4"

static int
prepare_all(struct run *r)
{
	size_t i;

#define P(name, sql) \
	if ((r->st.name = store_prepare(r->db, sql)) == NULL) return -1
	/* An identity by its key and its text (?1 key, ?2 kind, ?3
	 * channel, ?4 value): see bind_ident in buyers.c.  Nothing keeps
	 * (kind, channel, value) once but resolve_customer, which adds
	 * only a value it did not find. */
	P(id_find, ID_FIND("identity_keys") " UNION ALL "
	    ID_FIND("identity_keys_recent") " LIMIT 1");
	P(id_add, "INSERT INTO identities"
	    " (key, kind, channel, value, customer_id, import_id, claimant)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	/* The same by the customer it points at (?5), which the caller has
	 * found, through identities_customer: no key needed (?1 unused). */
	P(id_share, "UPDATE identities SET shared = 1"
	    " WHERE customer_id = ?5 AND kind = ?2 AND channel = ?3"
	    " AND value = ?4");
	P(buyer_find, "SELECT 1 FROM orders WHERE customer_id = ?"
	    " AND channel = ? AND buyer != ? LIMIT 1");
	P(cust_add, "INSERT INTO customers (name, email, phone, channel,"
	    " first_seen) VALUES (?, ?, ?, ?, ?)");
	P(cust_fill, "UPDATE customers SET name = coalesce(name, ?2),"
	    " email = coalesce(email, ?3), phone = coalesce(phone, ?4)"
	    " WHERE id = ?1 AND ((name IS NULL AND ?2 IS NOT NULL) OR"
	    " (email IS NULL AND ?3 IS NOT NULL) OR"
	    " (phone IS NULL AND ?4 IS NOT NULL))");
	P(ord_find, "SELECT id, customer_id, digest, import_id, lines,"
	    " status, total, refund FROM orders"
	    " WHERE channel = ? AND order_no = ?");
	P(ord_add, "INSERT OR IGNORE INTO orders (customer_id, ordered_at, status,"
	    " items_total, shipping, discount, total, refund, net, coupon,"
	    " lines, digest, import_id, buyer, channel, order_no)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	P(ord_set, "UPDATE orders SET customer_id = ?, ordered_at = ?,"
	    " status = ?, items_total = ?, shipping = ?, discount = ?,"
	    " total = ?, refund = ?, net = ?, coupon = ?, lines = ?,"
	    " digest = ?, import_id = ?, buyer = ? WHERE id = ?");
	P(ord_append, "UPDATE orders SET items_total = items_total + ?1,"
	    " total = total + ?2, refund = refund + ?3, net = ?7,"
	    " lines = lines + ?4, digest = ?5, import_id = ?8 WHERE id = ?6");
	P(replaced, "INSERT OR IGNORE INTO temp.replaced (order_id, digest,"
	    " customer_id, import_id, lines, counted, line)"
	    " SELECT id, digest, customer_id, import_id, lines, ?2, ?3"
	    " FROM orders WHERE id = ?1");
	P(items_del, "DELETE FROM order_items WHERE order_id = ?");
	P(item_add, "INSERT INTO order_items (order_id, line, product_id,"
	    " quantity, returned_qty, unit_price, amount, cost)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	P(prod_find, "SELECT id FROM products WHERE sku = ? AND name = ?");
	P(prod_add, "INSERT INTO products (sku, name, category)"
	    " VALUES (?, ?, ?)");
	P(touch, "INSERT OR IGNORE INTO temp.touched VALUES (?)");
	P(mem_find, "SELECT 1 FROM members WHERE channel = ? AND member_no = ?");
	P(mem_put, "INSERT INTO members (channel, member_no, customer_id,"
	    " joined_at, name, phone, email, birthday, gender, import_id)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
	    " ON CONFLICT (channel, member_no) DO UPDATE SET"
	    " customer_id = ?3, joined_at = ?4, name = ?5, phone = ?6,"
	    " email = ?7, birthday = ?8, gender = ?9, import_id = ?10"
	    " WHERE (customer_id, joined_at, name, phone, email, birthday,"
	    " gender) IS NOT (?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	P(cust_member, "UPDATE customers SET is_member = 1,"
	    " birthday = coalesce(?2, birthday), gender = coalesce(?3, gender)"
	    " WHERE id = ?1");
	P(tag_add, "INSERT OR IGNORE INTO tags (tag, customer_id, source,"
	    " added_at) VALUES (?, ?, 'import', ?)");
	P(ev_add, "INSERT OR IGNORE INTO events (kind, at, customer_id,"
	    " email, campaign, coupon, import_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
	P(acct_any, "SELECT customer_id, shared FROM identities"
	    " WHERE id IN " CRM_IDKEY_IDS("?1") " AND kind = ?2 AND value = ?4"
	    " ORDER BY shared, channel LIMIT 1");
	P(merge_log, "INSERT INTO merges (kept_id, merged_id, reason,"
	    " import_id) VALUES (?, ?, ?, ?)");
	P(red_find, "SELECT customer_id IS ?3 AND at = ?4 AND points = ?5"
	    " FROM redemptions WHERE channel = ?1 AND ref = ?2");
	P(red_seen, "INSERT OR IGNORE INTO temp.red_seen VALUES (?1, ?2)");
	P(red_add, "INSERT INTO redemptions (channel, ref, customer_id, at,"
	    " points, import_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	P(red_set, "UPDATE redemptions SET customer_id = ?3, at = ?4,"
	    " points = ?5, import_id = ?6 WHERE channel = ?1 AND ref = ?2");
	/* Only what an order's points_used wrote (an orders import). */
	P(red_drop, "DELETE FROM redemptions WHERE channel = ?1 AND ref = ?2"
	    " AND import_id IN (SELECT id FROM imports WHERE kind = 'orders')");
#undef P
	for (i = 0; i < sizeof(merge_sql) / sizeof(merge_sql[0]); i++)
		if ((r->st.merge[i] = store_prepare(r->db, merge_sql[i])) == NULL)
			return -1;
	return 0;
}

void
write_finalize(struct run *r)
{
	sqlite3_stmt **all[] = { &r->st.mem_find, &r->st.mem_put, &r->st.cust_member,
	    &r->st.tag_add, &r->st.ev_add, &r->st.acct_any,
	    &r->st.id_find, &r->st.id_add, &r->st.id_key_add, &r->st.id_share,
	    &r->st.buyer_find, &r->st.cust_add,
	    &r->st.cust_fill, &r->st.ord_find, &r->st.ord_add, &r->st.ord_set,
	    &r->st.ord_append, &r->st.items_del, &r->st.item_add, &r->st.prod_find,
	    &r->st.prod_add, &r->st.touch, &r->st.merge_log, &r->st.replaced,
	    &r->st.red_find, &r->st.red_add, &r->st.red_set, &r->st.red_drop,
	    &r->st.red_seen };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		sqlite3_finalize(*all[i]);
		*all[i] = NULL;
	}
	for (i = 0; i < sizeof(r->st.merge) / sizeof(r->st.merge[0]); i++) {
		sqlite3_finalize(r->st.merge[i]);
		r->st.merge[i] = NULL;
	}
}

/*
 * Notes that a customer's aggregates need computing again.  After a
 * first import every customer's are computed, so nothing is noted.
 */
int
write_touch(struct run *r, int64_t cid)
{
	if (r->was_empty || cid == 0)
		return 0;
	sqlite3_bind_int64(r->st.touch, 1, cid);
	return run_stmt(r->st.touch);
}

/* The id of a product, added when new; -1 on a store error. */
int64_t
write_product(struct run *r, const struct buf *sku, const struct buf *name,
    const struct buf *cat)
{
	uint64_t h = fnv_s(fnv_s(FNV_BASIS, sku->s ? sku->s : ""),
	    name->s ? name->s : "");
	size_t slot = h % PCACHE;
	int64_t id = 0;
	int rc;

	if (r->pcache[slot].hash == h && r->pcache[slot].id != 0)
		return r->pcache[slot].id;
	sqlite3_bind_text(r->st.prod_find, 1, sku->s ? sku->s : "",
	    (int)sku->len, SQLITE_STATIC);
	sqlite3_bind_text(r->st.prod_find, 2, name->s ? name->s : "",
	    (int)name->len, SQLITE_STATIC);
	rc = store_step(r->st.prod_find);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(r->st.prod_find, 0);
	sqlite3_reset(r->st.prod_find);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	if (id == 0) {
		sqlite3_bind_text(r->st.prod_add, 1, sku->s ? sku->s : "",
		    (int)sku->len, SQLITE_STATIC);
		sqlite3_bind_text(r->st.prod_add, 2, name->s ? name->s : "",
		    (int)name->len, SQLITE_STATIC);
		bind_text_or_null(r->st.prod_add, 3, cat);
		if (run_stmt(r->st.prod_add) != 0)
			return -1;
		id = sqlite3_last_insert_rowid(r->db);
	}
	r->pcache[slot].hash = h;
	r->pcache[slot].id = id;
	return id;
}

/* Binds parameters 1-14 of ord_add and ord_set, which share them. */
static void
bind_order(struct run *r, sqlite3_stmt *s, int64_t cid,
    const struct settled *v, uint64_t dg)
{
	struct order *o = &r->ord;

	if (cid > 0)
		sqlite3_bind_int64(s, 1, cid);
	else
		sqlite3_bind_null(s, 1);	/* no known buyer */
	sqlite3_bind_int64(s, 2, o->ordered_at);
	sqlite3_bind_text(s, 3, status_names[v->status], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, v->items);
	sqlite3_bind_int64(s, 5, o->shipping);
	sqlite3_bind_int64(s, 6, o->discount);
	sqlite3_bind_int64(s, 7, v->total);
	sqlite3_bind_int64(s, 8, v->refund);
	sqlite3_bind_int64(s, 9, v->net);
	bind_text_or_null(s, 10, &o->coupon);
	sqlite3_bind_int64(s, 11, (int64_t)o->nitems);
	sqlite3_bind_int64(s, 12, (int64_t)dg);
	sqlite3_bind_int64(s, 13, r->import_id);
	if (cid > 0)
		sqlite3_bind_text(s, 14, r->buyer.s, (int)r->buyer.len,
		    SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 14);
}

/*
 * Adds more lines of order oid, met earlier in this file, to its sums:
 * its status stays the first part's, its net follows the new sums.  The
 * digest becomes that of the whole: the stored one's lines, these lines
 * and the order's values with the new sums (see order_digest).  Returns
 * as write_order does.
 */
static int
append_order(struct run *r, const struct settled *v, uint64_t lines,
    int64_t oid, const struct settled *old, uint64_t old_digest)
{
	const struct order *o = &r->ord;
	sqlite3_stmt *ap = r->st.ord_append;
	struct settled now = *old;
	int64_t more_total = o->has_paid_total ? 0 : v->items;
	int64_t more_refund = o->has_refund ? 0 : v->refund;
	uint64_t dg;

	if (money_add(&now.total, more_total) != 0 ||
	    money_add(&now.refund, more_refund) != 0)
		return -2;
	dg = old_digest - order_digest(o, old, 0) + lines +
	    order_digest(o, &now, 0);
	sqlite3_bind_int64(ap, 1, v->items);
	sqlite3_bind_int64(ap, 2, more_total);
	sqlite3_bind_int64(ap, 3, more_refund);
	sqlite3_bind_int64(ap, 4, (int64_t)o->nitems);
	sqlite3_bind_int64(ap, 5, (int64_t)(dg & INT64_MAX));
	sqlite3_bind_int64(ap, 6, oid);
	sqlite3_bind_int64(ap, 7, settle_net(now.status, now.total,
	    now.refund));
	sqlite3_bind_int64(ap, 8, r->import_id);
	return run_stmt(ap);
}

/*
 * Notes how stored order oid was before this file changed it (counted
 * as updated or unchanged), for write_file_end.  Once per order a file.
 */
static int
note_replaced(struct run *r, int64_t oid, int counted_updated)
{
	sqlite3_bind_int64(r->st.replaced, 1, oid);
	sqlite3_bind_int(r->st.replaced, 2, counted_updated);
	sqlite3_bind_int64(r->st.replaced, 3, r->ord.line);
	return run_stmt(r->st.replaced);
}

/* Whether stored order oid was found unchanged earlier in this file. */
static int
seen_unchanged(struct run *r, int64_t oid)
{
	struct mapkey k;
	int64_t v;

	if (r->unchanged == NULL)
		return 0;
	keymap_int(oid, &k);
	return keymap_get(r->unchanged, &k, &v);
}

static void
note_unchanged(struct run *r, int64_t oid)
{
	struct mapkey k;

	if (r->unchanged == NULL)
		return;
	keymap_int(oid, &k);
	if (keymap_put(r->unchanged, &k, 1) != 0) {
		/* Full: a later part of such an order replaces it. */
		keymap_free(r->unchanged);
		r->unchanged = NULL;
	}
}

/*
 * Stores the settled order r->ord of customer cid (0: no known buyer):
 * new, updated (its content changed since an earlier import: a status,
 * an amount, a line) or unchanged.  More lines of an order met earlier
 * in this file are added to it.  Returns 0, -1 on a store error, or -2
 * when the order's sums grow too large to hold.
 */
int
write_order(struct run *r, const struct settled *v, int64_t cid)
{
	struct order *o = &r->ord;
	struct settled old = { 0 };
	struct item it;
	uint64_t lines = order_lines_digest(o), dg = order_digest(o, v, lines);
	int64_t oid = 0, old_cid = 0, old_digest = 0, old_import = 0;
	int64_t old_lines = 0;
	size_t i;
	int rc;

	/* Most orders are new: try that first, and look only on conflict. */
	bind_order(r, r->st.ord_add, cid, v, dg);
	sqlite3_bind_text(r->st.ord_add, 15, o->channel.s, (int)o->channel.len,
	    SQLITE_STATIC);
	sqlite3_bind_text(r->st.ord_add, 16, o->order_no.s,
	    (int)o->order_no.len, SQLITE_STATIC);
	if (run_stmt(r->st.ord_add) != 0)
		return -1;
	if (sqlite3_changes(r->db) == 1) {
		r->o_new++;
		oid = sqlite3_last_insert_rowid(r->db);
		buyers_order_stored(r, cid, 0);
		goto items;
	}
	sqlite3_bind_text(r->st.ord_find, 1, o->channel.s, (int)o->channel.len,
	    SQLITE_STATIC);
	sqlite3_bind_text(r->st.ord_find, 2, o->order_no.s,
	    (int)o->order_no.len, SQLITE_STATIC);
	rc = store_step(r->st.ord_find);
	if (rc == SQLITE_ROW) {
		oid = sqlite3_column_int64(r->st.ord_find, 0);
		old_cid = sqlite3_column_int64(r->st.ord_find, 1);
		old_digest = sqlite3_column_int64(r->st.ord_find, 2);
		old_import = sqlite3_column_int64(r->st.ord_find, 3);
		old_lines = sqlite3_column_int64(r->st.ord_find, 4);
		/* An unknown status counts as no purchase. */
		if (status_from_name((const char *)sqlite3_column_text(
		    r->st.ord_find, 5), &old.status) != 0)
			old.status = S_CANCELLED;
		old.total = sqlite3_column_int64(r->st.ord_find, 6);
		old.refund = sqlite3_column_int64(r->st.ord_find, 7);
	}
	sqlite3_reset(r->st.ord_find);
	if (rc != SQLITE_ROW)
		return -1;
	if (old_import != r->import_id && seen_unchanged(r, oid)) {
		/* A later part of an order whose first part was the whole
		 * stored order: it grows, and write_file_end counts it. */
		if (note_replaced(r, oid, 0) != 0)
			return -1;
		old_import = r->import_id;
	}
	if (old_import == r->import_id) {
		/* More lines of an order met earlier in this file. */
		if ((rc = append_order(r, v, lines, oid, &old,
		    (uint64_t)old_digest)) != 0)
			return rc;
		goto items;
	}
	old_lines = 0;
	if (old_digest == (int64_t)dg && old_cid == cid) {
		r->o_unchanged++;
		note_unchanged(r, oid);
		return 0;
	}
	/* The order changed since an earlier import: a status, an amount,
	 * a line.  Replace it whole; write_file_end tells whether the whole
	 * file made it what it was after all. */
	if (note_replaced(r, oid, 1) != 0)
		return -1;
	bind_order(r, r->st.ord_set, cid, v, dg);
	sqlite3_bind_int64(r->st.ord_set, 15, oid);
	if (run_stmt(r->st.ord_set) != 0)
		return -1;
	buyers_order_stored(r, cid, old_cid);
	r->o_updated++;
	if (old_cid != cid && write_touch(r, old_cid) != 0)
		return -1;
	sqlite3_bind_int64(r->st.items_del, 1, oid);
	if (run_stmt(r->st.items_del) != 0)
		return -1;
items:
	for (i = 0; i < o->nitems; i++) {
		sqlite3_stmt *s = r->st.item_add;

		item_stored(&o->items[i], v->status == S_CREDIT, &it);
		sqlite3_bind_int64(s, 1, oid);
		sqlite3_bind_int64(s, 2, old_lines + (int64_t)i + 1);
		sqlite3_bind_int64(s, 3, it.product_id);
		sqlite3_bind_int64(s, 4, it.qty);
		sqlite3_bind_int64(s, 5, it.returned);
		sqlite3_bind_int64(s, 6, it.price);
		sqlite3_bind_int64(s, 7, it.amount);
		if (it.has_cost)
			sqlite3_bind_int64(s, 8, it.cost);
		else
			sqlite3_bind_null(s, 8);
		if (run_stmt(s) != 0)
			return -1;
	}
	return write_touch(r, cid);
}

/*
 * At the end of a file, the stored orders it replaced: one whose parts
 * made it what it was is unchanged after all (and keeps the import that
 * wrote it); one left with fewer lines than it had is said, since a
 * platform's export holds whole orders and a cut file (head -3 of an
 * export) would shrink them.  Returns 0, or -1 on a store error.
 */
int
write_file_end(struct run *r)
{
	sqlite3_stmt *sel, *keep;
	int rc, same, counted;
	int64_t had, now;

	sel = store_prepare(r->db, "SELECT p.order_id, p.import_id,"
	    " p.counted, p.line, p.lines, o.lines, o.order_no,"
	    " o.digest = p.digest AND o.customer_id IS p.customer_id"
	    " FROM temp.replaced p JOIN orders o ON o.id = p.order_id"
	    " ORDER BY p.line");
	keep = store_prepare(r->db, "UPDATE orders SET import_id = ?2"
	    " WHERE id = ?1");
	if (sel == NULL || keep == NULL) {
		sqlite3_finalize(sel);
		sqlite3_finalize(keep);
		return -1;
	}
	while ((rc = store_step(sel)) == SQLITE_ROW) {
		counted = sqlite3_column_int(sel, 2);
		same = sqlite3_column_int(sel, 7);
		had = sqlite3_column_int64(sel, 4);
		now = sqlite3_column_int64(sel, 5);
		if (same) {
			sqlite3_bind_int64(keep, 1,
			    sqlite3_column_int64(sel, 0));
			sqlite3_bind_value(keep, 2, sqlite3_column_value(sel,
			    1));
			if (run_stmt(keep) != 0)
				break;
			if (counted) {
				r->o_updated--;
				r->o_unchanged++;
			}
			continue;
		}
		if (!counted) {
			r->o_unchanged--;
			r->o_updated++;
		}
		if (now < had)
			warnx("%s:%lld: order %s had %lld lines and now has "
			    "%lld: this file replaces it whole",
			    csvr_name(r->in), sqlite3_column_int64(sel, 3),
			    (const char *)sqlite3_column_text(sel, 6),
			    (long long)had, (long long)now);
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(keep);
	if (rc != SQLITE_DONE)
		return -1;
	return store_exec(r->db, "DELETE FROM temp.replaced;"
	    " DELETE FROM temp.red_seen");
}

/*
 * Stores member r->ord of customer cid (joined, bday, gender: NULL when
 * not given) and marks the customer a member: new, changed, or as it
 * was.  Returns 0, or -1 on a store error.
 */
int
write_member(struct run *r, int64_t cid, const int64_t *joined,
    const char *bday, const char *gender)
{
	struct order *o = &r->ord;
	int exists;

	sqlite3_bind_text(r->st.mem_find, 1, o->channel.s, -1, SQLITE_STATIC);
	sqlite3_bind_text(r->st.mem_find, 2, o->account.len ? o->account.s :
	    o->phone.len ? o->phone.s : o->email.s, -1, SQLITE_STATIC);
	exists = store_step(r->st.mem_find) == SQLITE_ROW;
	sqlite3_reset(r->st.mem_find);
	sqlite3_bind_text(r->st.mem_put, 1, o->channel.s, -1, SQLITE_STATIC);
	sqlite3_bind_text(r->st.mem_put, 2, o->account.len ? o->account.s :
	    o->phone.len ? o->phone.s : o->email.s, -1, SQLITE_STATIC);
	sqlite3_bind_int64(r->st.mem_put, 3, cid);
	if (joined != NULL)
		sqlite3_bind_int64(r->st.mem_put, 4, *joined);
	else
		sqlite3_bind_null(r->st.mem_put, 4);
	bind_text_or_null(r->st.mem_put, 5, &o->name);
	bind_text_or_null(r->st.mem_put, 6, &o->phone);
	bind_text_or_null(r->st.mem_put, 7, &o->email);
	if (bday != NULL)
		sqlite3_bind_text(r->st.mem_put, 8, bday, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(r->st.mem_put, 8);
	if (gender != NULL)
		sqlite3_bind_text(r->st.mem_put, 9, gender, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(r->st.mem_put, 9);
	sqlite3_bind_int64(r->st.mem_put, 10, r->import_id);
	if (run_stmt(r->st.mem_put) != 0)
		return -1;
	if (!exists)
		r->o_new++;
	else if (sqlite3_changes(r->db) > 0)
		r->o_updated++;
	else
		r->o_unchanged++;
	sqlite3_bind_int64(r->st.cust_member, 1, cid);
	if (bday != NULL)
		sqlite3_bind_text(r->st.cust_member, 2, bday, -1,
		    SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(r->st.cust_member, 2);
	if (gender != NULL)
		sqlite3_bind_text(r->st.cust_member, 3, gender, -1,
		    SQLITE_STATIC);
	else
		sqlite3_bind_null(r->st.cust_member, 3);
	return run_stmt(r->st.cust_member);
}

/* Tags customer cid with tag, from this import. */
int
write_tag(struct run *r, const char *tag, int64_t cid)
{
	sqlite3_bind_text(r->st.tag_add, 1, tag, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(r->st.tag_add, 2, cid);
	sqlite3_bind_int64(r->st.tag_add, 3, tz_now_local());
	return run_stmt(r->st.tag_add);
}

/* An email event or a coupon claim of customer cid (0: none known). */
int
write_event(struct run *r, const char *kind, int64_t at, int64_t cid,
    const char *who, const char *campaign, const char *coupon)
{
	sqlite3_bind_text(r->st.ev_add, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(r->st.ev_add, 2, at);
	if (cid > 0)
		sqlite3_bind_int64(r->st.ev_add, 3, cid);
	else
		sqlite3_bind_null(r->st.ev_add, 3);
	sqlite3_bind_text(r->st.ev_add, 4, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(r->st.ev_add, 5, campaign, -1, SQLITE_STATIC);
	sqlite3_bind_text(r->st.ev_add, 6, coupon, -1, SQLITE_STATIC);
	sqlite3_bind_int64(r->st.ev_add, 7, r->import_id);
	if (run_stmt(r->st.ev_add) != 0)
		return -1;
	if (sqlite3_changes(r->db) > 0)
		r->o_new++;
	else
		r->o_unchanged++;
	if (cid == 0)
		r->c_unknown++;
	return 0;
}

/* Binds a redemption's values to ?1..?5 of st, the import to ?6. */
static void
bind_redemption(struct run *r, sqlite3_stmt *st, const char *channel,
    const char *ref, int64_t cid, int64_t at, int64_t points)
{
	sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
	if (cid > 0)
		sqlite3_bind_int64(st, 3, cid);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, at);
	sqlite3_bind_int64(st, 5, points);
	if (sqlite3_bind_parameter_count(st) >= 6)	/* not red_find */
		sqlite3_bind_int64(st, 6, r->import_id);
}

/*
 * Stores a redemption of points (above 0) by customer cid (0: none
 * known) at time at, kept once by channel and ref: new, changed (the
 * export's later copy, a buyer known since) or as it was.  A reference
 * this file gave before must come with the same values.  Returns what
 * it did (enum red_done), or -1 on a store error.
 */
int
write_redemption(struct run *r, const char *channel, const char *ref,
    int64_t cid, int64_t at, int64_t points)
{
	sqlite3_stmt *st = r->st.red_find;
	int rc, same = 0, again;

	sqlite3_bind_text(r->st.red_seen, 1, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(r->st.red_seen, 2, ref, -1, SQLITE_STATIC);
	if (run_stmt(r->st.red_seen) != 0)
		return -1;
	again = sqlite3_changes(r->db) == 0;
	bind_redemption(r, st, channel, ref, cid, at, points);
	if ((rc = store_step(st)) == SQLITE_ROW)
		same = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	if (rc == SQLITE_ROW && same)
		return RED_SAME;
	if (again)
		return RED_CLASH;
	st = rc == SQLITE_ROW ? r->st.red_set : r->st.red_add;
	bind_redemption(r, st, channel, ref, cid, at, points);
	if (run_stmt(st) != 0)
		return -1;
	return rc == SQLITE_ROW ? RED_UPDATED : RED_NEW;
}

/*
 * Takes back the redemption an earlier import of order ref's points_used
 * wrote, now that the order says it used none.  Returns 0, or -1.
 */
int
write_redemption_drop(struct run *r, const char *channel, const char *ref)
{
	sqlite3_bind_text(r->st.red_drop, 1, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(r->st.red_drop, 2, ref, -1, SQLITE_STATIC);
	return run_stmt(r->st.red_drop);
}

/* Notes the start of a file in the imports table; sets r->import_id. */
int
write_import_begin(struct run *r, const char *file)
{
	sqlite3_stmt *st;
	int rc;

	st = store_prepare(r->db, "INSERT INTO imports (file, kind, format,"
	    " started_at) VALUES (?, 'orders', 'plain', ?)");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, file, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
	rc = store_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	r->import_id = sqlite3_last_insert_rowid(r->db);
	return 0;
}

/* Notes the end of a file: its digest, encoding, format and counts. */
int
write_import_end(struct run *r, const char *sha256, const char *encoding)
{
	sqlite3_stmt *st;
	int rc;

	st = store_prepare(r->db, "UPDATE imports SET sha256 = ?, encoding = ?,"
	    " finished_at = ?, rows_read = ?, rows_rejected = ?,"
	    " orders_new = ?, orders_updated = ?, orders_unchanged = ?,"
	    " customers_new = ?, kind = ?, format = ?, records_new = ?"
	    " WHERE id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, encoding, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (int64_t)time(NULL));
	sqlite3_bind_int64(st, 4, r->rows);
	sqlite3_bind_int64(st, 5, r->rejected);
	sqlite3_bind_int64(st, 6, r->o_new);
	sqlite3_bind_int64(st, 7, r->o_updated);
	sqlite3_bind_int64(st, 8, r->o_unchanged);
	sqlite3_bind_int64(st, 9, r->c_new);
	sqlite3_bind_text(st, 10, r->fmt->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, r->fmt->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 12, strcmp(r->fmt->kind, "orders") == 0 ? 0 :
	    r->o_new);
	sqlite3_bind_int64(st, 13, r->import_id);
	rc = store_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
setup_zone(struct run *r, const char *tz)
{
	struct buf have = { 0 };
	int rc = 0;

	if (store_meta(r->db, "tz", &have) == NULL) {
		if (tz == NULL)
			tz = "Asia/Taipei";
		rc = store_set_meta(r->db, "tz", tz);
	} else if (tz != NULL && strcmp(tz, have.s) != 0) {
		warnx("%s: the store keeps times in %s, not %s",
		    store_path(r->db), have.s, tz);
		rc = -1;
	} else
		tz = have.s;
	if (rc == 0 && tz_set(tz) != 0) {
		warnx("unknown time zone '%s'", tz);
		rc = -1;
	}
	buf_free(&have);
	return rc;
}

/*
 * The shop's currency (meta 'currency'): set by the first import that
 * names one (--currency, else the format's `currency`), TWD when none
 * did (from NULL: the default, set when none is); an import naming
 * another is refused, as a time zone is.  Returns 0, or -1 after saying
 * why.
 */
int
write_currency(struct run *r, const char *code, const char *from)
{
	struct buf have = { 0 };
	int rc = 0;

	if (store_meta(r->db, "currency", &have) == NULL)
		rc = store_set_meta(r->db, "currency", code);
	else if (from != NULL && strcasecmp(have.s, code) != 0) {
		warnx("%s: the store keeps amounts in %s, not %s (from %s)",
		    store_path(r->db), have.s, code, from);
		rc = -1;
	}
	buf_free(&have);
	return rc;
}

int
import_begin(struct run *r, const char *tz)
{
	sqlite3_stmt *st;
	char sql[64];

	/*
	 * Foreign keys are declared for everyone who writes to the store but
	 * not enforced in this connection: every id crm-import writes is one
	 * it has just read or made, and enforcing them costs a tenth of a
	 * large import.  The tests check every store they leave with PRAGMA
	 * foreign_key_check.
	 *
	 * CHECK constraints likewise: the two crm-import writes are an
	 * identity's kind and an order's status, each one of a fixed list of
	 * words this program writes from its own constants, yet SQLite tests
	 * each against its list by building a temporary B-tree of the list
	 * for every row written (some 15% of the CPU time of a week's
	 * import).  PRAGMA quick_check, which the tests run on every store
	 * they leave, checks them.
	 */
	if (store_exec(r->db, "PRAGMA foreign_keys = OFF; "
	    "PRAGMA ignore_check_constraints = ON") != 0 ||
	    store_begin(r->db) != 0)
		return -1;
	if (setup_zone(r, tz) != 0)
		return -1;
	if (r->currency != NULL && write_currency(r, r->currency,
	    "--currency") != 0)
		return -1;
	if (store_exec(r->db, "CREATE TEMP TABLE IF NOT EXISTS touched "
	    "(customer_id INTEGER PRIMARY KEY); "
	    "CREATE TEMP TABLE IF NOT EXISTS replaced "
	    "(order_id INTEGER PRIMARY KEY, digest INTEGER, customer_id "
	    "INTEGER, import_id INTEGER, lines INTEGER, counted INTEGER, "
	    "line INTEGER); "
	    "CREATE TEMP TABLE IF NOT EXISTS red_seen (channel TEXT, ref TEXT,"
	    " PRIMARY KEY (channel, ref)) WITHOUT ROWID") != 0 ||
	    prepare_all(r) != 0)
		return -1;
	st = store_prepare(r->db, "SELECT NOT EXISTS (SELECT 1 FROM orders),"
	    " NOT EXISTS (SELECT 1 FROM identities)");
	if (st == NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW) {
		r->was_empty = sqlite3_column_int(st, 0);
		r->ids_complete = sqlite3_column_int(st, 1);
		r->had_ids = !r->ids_complete;
	}
	sqlite3_finalize(st);
	/* A new identity's key (?1 key, ?2 id; crm-store(5)): with the
	 * recent ones, or, into a store that had no identities (a first
	 * import, whose keys would all settle at its end), with the settled
	 * ones once write_keys_now has written those it held back. */
	r->keys_later = !r->had_ids;
	r->st.id_key_add = store_prepare(r->db, r->had_ids ?
	    "INSERT INTO identity_keys_recent VALUES (?1, ?2)" :
	    "INSERT INTO identity_keys VALUES (?1, ?2)");
	if (r->st.id_key_add == NULL)
		return -1;
	/* A first import's map fills: made whole now, it never holds its
	 * old table and its new one at once as it grows. */
	r->ids = keymap_new(r->ids_complete ? IDCACHE : IDMORE);
	if (r->ids != NULL && r->ids_complete && keymap_whole(r->ids) != 0) {
		keymap_free(r->ids);
		r->ids = NULL;
	}
	if ((r->moved = keymap_new(MOVED)) == NULL) {
		keymap_free(r->ids);
		r->ids = NULL;		/* without them, the store answers */
	}
	snprintf(sql, sizeof(sql), "PRAGMA main.cache_size = -%d",
	    r->ids_complete ? CACHE_FIRST : CACHE_MORE);
	return store_exec(r->db, sql);
}

/*
 * A first import's identity keys.  While its map of identities is
 * complete (run.h) no lookup reads them, and keyed one by one they would
 * land all over identity_keys, their pages spilled and read back as the
 * cache turns over (a first import of 1M lines wrote a third more bytes
 * and read a sixth more).  So none is written until a lookup must ask
 * the store (the map grew full, or an event, a claim or a redemption
 * looks a buyer up) or the import ends; then all are written in one
 * pass in key order, and each later one as it comes.  Returns 0, or -1
 * on a store error.
 */
int
write_keys_now(struct run *r)
{
	if (!r->keys_later)
		return 0;
	r->keys_later = 0;
	return store_key_identities(r->db);
}

int
import_commit(struct run *r)
{
	int64_t settled;

	/* Aggregates: for everyone after a first import, else only for the
	 * customers this run touched. */
	if (store_refresh_stats(r->db, r->was_empty ? NULL : "touched") != 0 ||
	    write_keys_now(r) != 0)
		return -1;
	if ((settled = store_settle_identities(r->db)) < 0)
		return -1;
	if (write_currency(r, "TWD", NULL) != 0)
		return -1;
	write_finalize(r);
	if (store_commit(r->db) != 0 || store_publish(&r->db) != 0)
		return -1;
	/* Once in many imports, and that one takes longer: say why. */
	if (settled > 0 && r->had_ids && !r->quiet)
		fprintf(stderr, "%s: %lld new identities settled into "
		    "identity_keys (as they are once an eighth of all; "
		    "crm-store(5))\n", crm_prog, (long long)settled);
	return 0;
}
