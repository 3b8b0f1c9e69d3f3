/*
 * buyers.c: who bought.  Matches the buyer of an order or a member
 * record to a customer by the values that identify one (an account
 * within its channel, a phone, an email, a name at an address),
 * remembering them for the run; merges customers that turn out to be
 * one, and stops using a value that different buyers share.  By hand:
 * explains why records are one customer, splits a customer into its
 * buyers, links two customers for good.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "import/buyers.h"
#include "import/import.h"
#include "import/run.h"
#include "import/write.h"

/*
 * Which of name, email and phone customer cid has (HAS_* bits), known
 * for the customers this run made, from the orders that made and filled
 * them; 0 when not known.  The bits stop at HAS_MAX customers (4 MB);
 * beyond them the store is asked.  Both this and keys_of below count
 * customers from the first this run made (slot()).
 */
#define HAS_KNOWN	1
#define HAS_NAME	2
#define HAS_EMAIL	4
#define HAS_PHONE	8
#define HAS_MAX		(8 * 1024 * 1024)

/* Customer cid's place in r->has and r->keys_of: 1 for the first this
 * run made, and so on; 0 for one made before. */
static int64_t
slot(const struct run *r, int64_t cid)
{
	return r->cid_base > 0 && cid >= r->cid_base ?
	    cid - r->cid_base + 1 : 0;
}

/* p, of *n bytes, made at least need + 1 bytes, the new ones 0. */
static void *
grow(void *p, size_t *n, size_t need)
{
	size_t m;

	if (need < *n)
		return p;
	for (m = *n ? *n : 4096; m <= need; m *= 2)
		;
	p = xrealloc(p, m);
	memset((unsigned char *)p + *n, 0, m - *n);
	*n = m;
	return p;
}

static unsigned
has_get(const struct run *r, int64_t cid)
{
	cid = slot(r, cid);
	if (cid <= 0 || (size_t)cid / 2 >= r->nhas)
		return 0;
	return r->has[cid / 2] >> (cid % 2 * 4) & 15;
}

static void
has_put(struct run *r, int64_t cid, unsigned bits)
{
	size_t byte;
	unsigned shift;

	cid = slot(r, cid);
	byte = (size_t)cid / 2;
	shift = (unsigned)(cid % 2) * 4;
	if (cid <= 0 || cid >= HAS_MAX || (byte >= r->nhas && bits == 0))
		return;
	r->has = grow(r->has, &r->nhas, byte);
	r->has[byte] = (unsigned char)((r->has[byte] & ~(15u << shift)) |
	    bits << shift);
}

/*
 * The buyer keys customer cid bought under (r->keys_of): KEYS_NONE
 * before its first order; while all its orders have one key, that key's
 * channel (bits 2-9: its number in r->chans) and digest (bits 10-63: of
 * its SHA-256); KEYS_MANY after a second key; 0, not known: a customer
 * from before this run, one an order was taken from, one beyond
 * KEYS_MAX (2 MB) or of a channel beyond the 255th.  The two low bits of
 * a key are set, so that none is 0, KEYS_NONE or KEYS_MANY.
 */
#define KEYS_NONE	1
#define KEYS_MANY	2
#define KEYS_MAX	(256 * 1024)
#define KEYS_CHANNEL(k)	((k) >> 2 & 255)

static uint64_t
keys_get(const struct run *r, int64_t cid)
{
	cid = slot(r, cid);
	if (cid <= 0 || (size_t)cid >= r->nkeys_of / sizeof(uint64_t))
		return 0;
	return r->keys_of[cid];
}

static void
keys_put(struct run *r, int64_t cid, uint64_t v)
{
	cid = slot(r, cid);
	if (cid <= 0 || cid >= KEYS_MAX ||
	    ((size_t)cid >= r->nkeys_of / sizeof(uint64_t) && v == 0))
		return;
	r->keys_of = grow(r->keys_of, &r->nkeys_of, ((size_t)cid + 1) *
	    sizeof(uint64_t) - 1);
	r->keys_of[cid] = v;
}

/*
 * The current order's buyer key as keys_get has it, or 0 when its
 * channel is beyond the 255th the run has met.
 */
static uint64_t
buyer_digest(struct run *r)
{
	struct mapkey k;
	uint64_t ch;

	if (r->buyer_dg_set)
		return r->buyer_dg;
	for (ch = 0; ch < r->nchans; ch++)
		if (strcmp(r->chans[ch], r->ord.channel.s) == 0)
			break;
	if (ch == r->nchans && r->nchans < 255)
		r->chans[r->nchans++] = xstrdup(r->ord.channel.s);
	keymap_key(r->buyer.s, r->buyer.len, &k);
	r->buyer_dg = ch < r->nchans ? ((uint64_t)k.k[0] << 32 | k.k[1]) <<
	    10 | (ch + 1) << 2 | 3 : 0;
	r->buyer_dg_set = 1;
	return r->buyer_dg;
}

/* The buyer keys of two customers' orders together. */
static uint64_t
keys_join(uint64_t a, uint64_t b)
{
	if (a == 0 || b == 0)
		return 0;
	if (a == KEYS_NONE || a == b)
		return b;
	return b == KEYS_NONE ? a : KEYS_MANY;
}

/*
 * An order of customer cid was stored under the current buyer key, and,
 * when it was stored before under customer was (0: it was not), taken
 * from was.
 */
void
buyers_order_stored(struct run *r, int64_t cid, int64_t was)
{
	uint64_t k;

	if (was > 0)
		keys_put(r, was, 0);
	if ((k = keys_get(r, cid)) != 0)
		keys_put(r, cid, keys_join(k, buyer_digest(r)));
}

/* The HAS_* bits of the fields the current order gives. */
static unsigned
order_fields(const struct order *o)
{
	return HAS_KNOWN | (o->name.len > 0 ? HAS_NAME : 0) |
	    (o->email.len > 0 ? HAS_EMAIL : 0) |
	    (o->phone.len > 0 ? HAS_PHONE : 0);
}

/*
 * Folds customer `gone` into `kept`: every record that pointed at gone
 * points at kept, and the merge is logged with the value they shared.
 */
int
merge_customers(struct run *r, int64_t kept, int64_t gone, const char *why)
{
	struct mapkey key;
	size_t i;
	unsigned has;

	for (i = 0; i < sizeof(r->st.merge) / sizeof(r->st.merge[0]); i++) {
		sqlite3_bind_int64(r->st.merge[i], 1, kept);
		sqlite3_bind_int64(r->st.merge[i], 2, gone);
		if (run_stmt(r->st.merge[i]) != 0)
			return -1;
	}
	sqlite3_bind_int64(r->st.merge_log, 1, kept);
	sqlite3_bind_int64(r->st.merge_log, 2, gone);
	sqlite3_bind_text(r->st.merge_log, 3, why, -1, SQLITE_TRANSIENT);
	if (r->import_id > 0)
		sqlite3_bind_int64(r->st.merge_log, 4, r->import_id);
	else
		sqlite3_bind_null(r->st.merge_log, 4);	/* by hand */
	if (run_stmt(r->st.merge_log) != 0)
		return -1;
	/* kept takes the fields it lacks, and the orders, from gone. */
	if ((has = has_get(r, kept)) != 0)
		has_put(r, kept, has_get(r, gone) ? has | has_get(r, gone) : 0);
	has_put(r, gone, 0);
	keys_put(r, kept, keys_join(keys_get(r, kept), keys_get(r, gone)));
	keys_put(r, gone, 0);
	keymap_int(gone, &key);
	if (r->ids != NULL && keymap_put(r->moved, &key, kept) != 0) {
		/* Too many merges to follow: look values up in the store. */
		keymap_free(r->ids);
		r->ids = NULL;
	}
	return write_touch(r, kept);
}

struct ident {
	const char *kind;
	const char *channel;
	const struct buf *value;
	int64_t	 cid;			/* customer it points at, or 0 */
	int	 known;			/* the value is in identities */
	struct mapkey key;		/* digest of kind, channel, value */
};

/*
 * Binds an identity to ?1..?4 of id_find, id_share, id_add or acct_any:
 * its key (which id_share does not use), kind, channel (none for
 * acct_any) and value.  Returns the key.
 */
static int64_t
bind_ident(sqlite3_stmt *st, const char *kind, const char *channel,
    const char *value, size_t len)
{
	int64_t key = store_ident_key(kind, value, len);

	sqlite3_bind_int64(st, 1, key);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	if (channel != NULL)
		sqlite3_bind_text(st, 3, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, value, (int)len, SQLITE_STATIC);
	return key;
}

/*
 * The buyer key of the current order: the account within its channel,
 * else the name within its channel, else the first identifying value.
 * Two different keys in one channel are two different buyers.
 */
static void
buyer_key(struct run *r, struct buf *out)
{
	struct order *o = &r->ord;

	r->buyer_dg_set = 0;
	buf_reset(out);
	buf_printf(out, "%s:", o->channel.s);
	if (o->account.len > 0)
		buf_printf(out, "a:%s", o->account.s);
	else if (o->name.len > 0)
		buf_printf(out, "n:%s", o->name.s);
	else
		buf_printf(out, "v:%s", o->phone.len ? o->phone.s :
		    o->email.len ? o->email.s : o->address.s);
}

/*
 * Whether customer cid already bought in this order's channel under
 * another buyer key: then a phone or email pointing at cid is one that
 * different buyers share (a family line, the shop's own phone).
 */
static int
other_buyer(struct run *r, int64_t cid)
{
	uint64_t k = keys_get(r, cid), b;
	int rc;

	/* Its orders' keys known: one key (not this one?) in one channel
	 * (this one?). */
	if (k == KEYS_NONE)
		return 0;
	if (k > KEYS_MANY && (b = buyer_digest(r)) != 0)
		return k != b && KEYS_CHANNEL(k) == KEYS_CHANNEL(b);
	sqlite3_bind_int64(r->st.buyer_find, 1, cid);
	sqlite3_bind_text(r->st.buyer_find, 2, r->ord.channel.s,
	    (int)r->ord.channel.len, SQLITE_STATIC);
	sqlite3_bind_text(r->st.buyer_find, 3, r->buyer.s, (int)r->buyer.len,
	    SQLITE_STATIC);
	rc = store_step(r->st.buyer_find);
	sqlite3_reset(r->st.buyer_find);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	return rc == SQLITE_ROW;
}

/* Remembers where an identifying value points, for the rest of the run. */
static void
remember(struct run *r, const struct ident *id, int64_t cid, int shared)
{
	if (r->ids == NULL)
		return;
	if (cid > (int64_t)(UINT32_MAX / 2)) {
		/* Beyond what the map holds: the store answers from now. */
		keymap_free(r->ids);
		r->ids = NULL;
	} else if (keymap_put(r->ids, &id->key, cid * 2 + !!shared) != 0)
		r->ids_complete = 0;	/* full */
}

/*
 * Finds the customer an identifying value points at (0: none) and
 * whether the value is shared: from what this run has seen when it can,
 * else from the store.  Returns 0, or -1 on a store error.
 */
static int
ident_find(struct run *r, struct ident *id, int64_t *cid, int *shared)
{
	struct mapkey moved;
	int64_t v, kept;

	*cid = 0;
	*shared = 0;
	if (r->ids != NULL) {
		buf_reset(&r->key);
		buf_add(&r->key, id->kind, strlen(id->kind) + 1);
		buf_add(&r->key, id->channel, strlen(id->channel) + 1);
		buf_add(&r->key, id->value->s, id->value->len);
		keymap_key(r->key.s, r->key.len, &id->key);
		if (keymap_get(r->ids, &id->key, &v)) {
			*cid = v / 2;
			*shared = (int)(v % 2);
			for (;;) {
				keymap_int(*cid, &moved);
				if (!keymap_get(r->moved, &moved, &kept))
					break;
				*cid = kept;
			}
			id->known = 1;
			return 0;
		}
		if (r->ids_complete)
			return 0;
	}
	if (write_keys_now(r) != 0)
		return -1;
	bind_ident(r->st.id_find, id->kind, id->channel, id->value->s,
	    id->value->len);
	switch (store_step(r->st.id_find)) {
	case SQLITE_ROW:
		*cid = sqlite3_column_int64(r->st.id_find, 0);
		*shared = sqlite3_column_int(r->st.id_find, 1);
		id->known = 1;
		remember(r, id, *cid, *shared);
		break;
	case SQLITE_DONE:
		break;
	default:
		sqlite3_reset(r->st.id_find);
		return -1;
	}
	sqlite3_reset(r->st.id_find);
	return 0;
}

/* Stops using a value, which points at customer cid, to match buyers,
 * and says so once. */
static int
mark_shared(struct run *r, const struct ident *id, int64_t cid)
{
	bind_ident(r->st.id_share, id->kind, id->channel, id->value->s,
	    id->value->len);
	sqlite3_bind_int64(r->st.id_share, 5, cid);
	if (run_stmt(r->st.id_share) != 0)
		return -1;
	remember(r, id, 0, 1);
	r->shared++;
	if (!r->quiet)
		warnx("%s:%ld: %s %s is shared by different buyers in %s; "
		    "it no longer matches anyone", csvr_name(r->in),
		    r->ord.line, id->kind, strcmp(id->kind, "account") == 0 ?
		    id->value->s : crm_mask(id->value->s, r->masked),
		    r->ord.channel.s);
	return 0;
}

/*
 * Finds or creates the customer of the current order.  Records that
 * share an account (within a channel), a phone or an email are one
 * customer; when they pointed at different customers, those are merged
 * into the oldest.  A phone or email that leads to a customer who already
 * bought in this channel under another buyer key is shared, not proof of
 * one person: it is marked and used no more.  Where the format gives an
 * address, the name at that address identifies a buyer within the
 * channel too (momo has no accounts).  Returns the id, or -1.
 */
int64_t
resolve_customer(struct run *r)
{
	struct order *o = &r->ord;
	struct ident id[4];
	char why[300];
	const char *xchan = r->no_merge ? o->channel.s : "";
	int64_t cid = 0, c, key;
	int n = 0, i, j, added = 0, created = 0, shared;
	unsigned has;

	buyer_key(r, &r->buyer);
	if (o->account.len > 0)
		id[n++] = (struct ident){ .kind = "account",
		    .channel = o->channel.s, .value = &o->account };
	if (o->phone.len > 0)
		id[n++] = (struct ident){ .kind = "phone", .channel = xchan,
		    .value = &o->phone };
	if (o->email.len > 0)
		id[n++] = (struct ident){ .kind = "email", .channel = xchan,
		    .value = &o->email };
	if (o->address.len > 0 && o->name.len > 0) {
		buf_reset(&r->tmp);
		buf_printf(&r->tmp, "%s|%s", o->name.s ? o->name.s : "",
		    o->address.s);
		id[n++] = (struct ident){ .kind = "name_address",
		    .channel = o->channel.s, .value = &r->tmp };
	}
	for (i = 0; i < n; i++) {
		if (ident_find(r, &id[i], &c, &shared) != 0)
			return -1;
		if (shared)
			continue;
		/* An account, or a name at an address, decides; a phone or
		 * email must not join two buyers of one channel. */
		if (c != 0 && (strcmp(id[i].kind, "phone") == 0 ||
		    strcmp(id[i].kind, "email") == 0) &&
		    (strcmp(id[0].kind, "account") != 0 || id[0].cid != c)) {
			int other = other_buyer(r, c);

			if (other < 0)
				return -1;
			if (other) {
				if (mark_shared(r, &id[i], c) != 0)
					return -1;
				continue;
			}
		}
		id[i].cid = c;
		if (c != 0 && (cid == 0 || c < cid))
			cid = c;
	}
	for (i = 0; i < n; i++) {
		if (id[i].cid == 0 || id[i].cid == cid)
			continue;
		snprintf(why, sizeof(why), "%s %s", id[i].kind,
		    id[i].value->s);
		if (merge_customers(r, cid, id[i].cid, why) != 0)
			return -1;
		for (j = i + 1; j < n; j++)
			if (id[j].cid == id[i].cid)
				id[j].cid = cid;
	}
	if (cid == 0) {
		bind_text_or_null(r->st.cust_add, 1, &o->name);
		bind_text_or_null(r->st.cust_add, 2, &o->email);
		bind_text_or_null(r->st.cust_add, 3, &o->phone);
		sqlite3_bind_text(r->st.cust_add, 4, o->channel.s,
		    (int)o->channel.len, SQLITE_STATIC);
		sqlite3_bind_int64(r->st.cust_add, 5, o->ordered_at);
		if (run_stmt(r->st.cust_add) != 0)
			return -1;
		cid = sqlite3_last_insert_rowid(r->db);
		r->c_new++;
		created = 1;
		if (r->cid_base == 0)
			r->cid_base = cid;
		has_put(r, cid, order_fields(o));
		keys_put(r, cid, KEYS_NONE);
	}
	for (i = 0; i < n; i++) {
		if (id[i].known)
			continue;
		key = bind_ident(r->st.id_add, id[i].kind, id[i].channel,
		    id[i].value->s, id[i].value->len);
		sqlite3_bind_int64(r->st.id_add, 5, cid);
		sqlite3_bind_int64(r->st.id_add, 6, r->import_id);
		sqlite3_bind_text(r->st.id_add, 7, r->buyer.s, (int)r->buyer.len,
		    SQLITE_STATIC);
		if (run_stmt(r->st.id_add) != 0)
			return -1;
		if (!r->keys_later) {
			sqlite3_bind_int64(r->st.id_key_add, 1, key);
			sqlite3_bind_int64(r->st.id_key_add, 2,
			    sqlite3_last_insert_rowid(r->db));
			if (run_stmt(r->st.id_key_add) != 0)
				return -1;
		}
		remember(r, &id[i], cid, 0);
		added = 1;
	}
	/* A value new to a customer may fill in a field it lacks. */
	if (added && !created && (has = has_get(r, cid),
	    (~has & order_fields(o)) != 0)) {
		sqlite3_bind_int64(r->st.cust_fill, 1, cid);
		bind_text_or_null(r->st.cust_fill, 2, &o->name);
		bind_text_or_null(r->st.cust_fill, 3, &o->email);
		bind_text_or_null(r->st.cust_fill, 4, &o->phone);
		if (run_stmt(r->st.cust_fill) != 0)
			return -1;
		if (has != 0)
			has_put(r, cid, has | order_fields(o));
	}
	return cid;
}

/* The customer an identifying value points at, 0 when none (or the
 * value is shared). */
int64_t
buyer_lookup(struct run *r, const char *kind, const char *channel, const char *v)
{
	sqlite3_stmt *st = channel != NULL ? r->st.id_find : r->st.acct_any;
	int64_t cid = 0;
	int rc;

	if (write_keys_now(r) != 0)
		return -1;
	bind_ident(st, kind, channel, v, strlen(v));
	rc = store_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_int(st, 1) == 0)
		cid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? cid : -1;
}

/* ==== By hand ==== */

static int
customer_exists(struct run *r, int64_t id)
{
	sqlite3_stmt *st;
	int rc;

	st = store_prepare(r->db, "SELECT 1 FROM customers WHERE id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = store_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		warnx("no customer %lld", (long long)id);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * Prints why the records of customer id are one customer: the values
 * that identify them (and which buyer first gave each), and the merges
 * that folded other customers into this one.
 */
/* One row of --explain: the customer's id, then cust_explain()'s. */
struct explain_out {
	const char *id;
	FILE	*fp;
};

static void
explain_row(void *arg, const char *const f[5])
{
	const struct explain_out *eo = arg;
	const char *row[6];
	int k;

	row[0] = eo->id;
	for (k = 0; k < 5; k++)
		row[k + 1] = f[k];
	csv_row(eo->fp, ',', row, 6);
}

int
import_explain(struct run *r, int64_t id, FILE *out)
{
	static const char *const head[] = { "customer_id", "record", "kind",
	    "channel", "value", "detail" };
	struct explain_out eo;
	char idbuf[24];

	if (customer_exists(r, id) != 0)
		return -1;
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
	eo.id = idbuf;
	eo.fp = out;
	csv_row(out, ',', head, 6);
	return cust_explain(r->db, id, explain_row, &eo);
}

/* Runs sql with ?1 = a, ?2 = b, ?3 = text. */
static int
exec3(struct run *r, const char *sql, int64_t a, int64_t b, const char *t)
{
	sqlite3_stmt *st = store_prepare(r->db, sql);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	if (t != NULL)
		sqlite3_bind_text(st, 3, t, -1, SQLITE_TRANSIENT);
	rc = store_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Splits customer id into one customer per buyer behind its orders and
 * member records (the account, or the name, within a channel).  The
 * phones and emails that had joined them are marked as unlinked by hand,
 * so that later imports do not join them again.
 */
int
import_split(struct run *r, int64_t id)
{
	sqlite3_stmt *keys;
	struct buf key = { 0 };
	int64_t nid;
	int rc, n = 0;

	if (customer_exists(r, id) != 0)
		return -1;
	keys = store_prepare(r->db, "SELECT buyer FROM orders"
	    " WHERE customer_id = ? AND buyer IS NOT NULL"
	    " GROUP BY buyer ORDER BY min(ordered_at), buyer");
	if (keys == NULL)
		return -1;
	sqlite3_bind_int64(keys, 1, id);
	while ((rc = store_step(keys)) == SQLITE_ROW) {
		if (n++ == 0)
			continue;	/* the first buyer keeps the id */
		buf_reset(&key);
		buf_adds(&key, (const char *)sqlite3_column_text(keys, 0));
		if (exec3(r, "INSERT INTO customers (name, channel, first_seen)"
		    " SELECT (SELECT name FROM customers WHERE id = ?1),"
		    " substr(?3, 1, instr(?3, ':') - 1), min(ordered_at)"
		    " FROM orders WHERE customer_id = ?1 AND buyer = ?3",
		    id, 0, key.s) != 0)
			goto fail;
		nid = sqlite3_last_insert_rowid(r->db);
		if (exec3(r, "UPDATE orders SET customer_id = ?2"
		    " WHERE customer_id = ?1 AND buyer = ?3", id, nid,
		    key.s) != 0 ||
		    exec3(r, "UPDATE identities SET customer_id = ?2"
		    " WHERE customer_id = ?1 AND claimant = ?3", id, nid,
		    key.s) != 0 ||
		    exec3(r, "UPDATE members SET customer_id = ?2"
		    " WHERE customer_id = ?1 AND channel || ':a:' || member_no"
		    " = ?3", id, nid, key.s) != 0 ||
		    exec3(r, "INSERT INTO merges (kept_id, merged_id, reason)"
		    " VALUES (?1, ?2, 'split ' || ?3)", id, nid, key.s) != 0 ||
		    write_touch(r, nid) != 0)
			goto fail;
		if (!r->quiet) {
			/* "channel:kind:value": the value shown masked. */
			const char *c1 = strchr(key.s, ':'), *c2 = c1 != NULL ?
			    strchr(c1 + 1, ':') : NULL;
			int pre = c2 != NULL ? (int)(c2 + 1 - key.s) : 0;

			fprintf(stderr, "%s: customer %lld: %.*s%s is now "
			    "customer %lld\n", crm_prog, (long long)id, pre,
			    key.s, crm_mask(key.s + pre, r->masked),
			    (long long)nid);
		}
	}
	sqlite3_finalize(keys);
	keys = NULL;
	if (rc != SQLITE_DONE)
		goto fail;
	if (n < 2) {
		warnx("customer %lld has the orders of one buyer only: nothing "
		    "to split", (long long)id);
		goto fail;
	}
	if (exec3(r, "UPDATE identities SET shared = 2 WHERE customer_id = ?1"
	    " AND kind IN ('phone', 'email')", id, 0, NULL) != 0 ||
	    exec3(r, "UPDATE events SET customer_id = (SELECT i.customer_id"
	    " FROM identities i WHERE i.id IN "
	    CRM_IDKEY_IDS("crm_idkey('email', events.email)")
	    " AND i.kind = 'email' AND i.value = events.email"
	    " AND i.shared = 0 ORDER BY i.channel LIMIT 1)"
	    " WHERE customer_id = ?1", id, 0, NULL) != 0 ||
	    write_touch(r, id) != 0)
		goto fail;
	buf_free(&key);
	return 0;
fail:
	sqlite3_finalize(keys);
	buf_free(&key);
	return -1;
}

/* Joins customer b into a by hand; the merge is for good. */
int
import_link(struct run *r, int64_t a, int64_t b)
{
	if (a == b || customer_exists(r, a) != 0 ||
	    customer_exists(r, b) != 0)
		return -1;
	if (a > b) {
		int64_t t = a;

		a = b;
		b = t;
	}
	return merge_customers(r, a, b, "by hand");
}
