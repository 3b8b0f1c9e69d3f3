/*
 * crm-import: read order exports and store them, normalised, in the
 * customer store: the same buyer matched across records, each order once,
 * one transaction per run.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "crm.h"
#include "format.h"

static const char synopsis[] =
"usage: crm-import [-qt] [-d delim] [--channel name] [--db path] [--dmy]\n"
"                  [--encoding enc] [--format name] [--format-file file]\n"
"                  [--kind kind] [--map field=column,...] [--map-file file]\n"
"                  [--no-merge] [--skip-bad rejects.csv] [--tz zone]\n"
"                  [file ...]\n"
"       crm-import [--db path] --explain id | --split id | --link id,id\n";

static const char help[] =
"Reads order, member, email-event and coupon-claim exports and stores\n"
"them in the customer store.  With no file, or when file is -, reads\n"
"stdin.\n"
"\n"
"Options:\n"
"  -d, --delimiter C     field separator [default: ,]\n"
"  -t, --tab             the input is TSV; overrides -d\n"
"      --channel NAME    channel for rows without a channel column\n"
"                        [default: shop]\n"
"      --db PATH         the store [default: $CRM_DB, else ./crm.db]\n"
"      --dmy             read 1/2/2024 as 1 February (default: January 2)\n"
"      --encoding ENC    UTF-8, CP950 (Big5) or any iconv name\n"
"                        [default: recognised from the bytes]\n"
"      --explain ID      show why customer ID's records are one customer\n"
"      --format NAME     the export's format: plain, shopee, shopee-old,\n"
"                        momo, qdm, qdm-members, shopify, email-events,\n"
"                        coupon-claims [default: recognised from the header]\n"
"      --format-file F   a format file of your own (see share/formats)\n"
"      --kind KIND       orders, members, events or claims\n"
"      --link A,B        make customers A and B one, for good\n"
"      --map F=COL,...   take field F from column COL\n"
"      --map-file FILE   the same, one F=COL a line\n"
"      --no-merge        phones and emails match within a channel only\n"
"  -q, --quiet           no summary or progress on stderr\n"
"      --skip-bad FILE   import the good rows, write the bad ones to FILE\n"
"      --split ID        part customer ID into one per buyer behind it\n"
"      --tz ZONE         the shop's time zone [default: Asia/Taipei]\n"
"  -h, --help            this text\n"
"  -V, --version         the version\n"
"\n"
"Fields: see crm-import(1).\n";

/* ==== Fields and the column map ==== */

enum field {
	/* orders */
	F_ORDER_ID, F_ORDERED_AT, F_CHANNEL, F_STATUS, F_ACCOUNT, F_PHONE,
	F_EMAIL, F_NAME, F_SKU, F_PRODUCT, F_CATEGORY, F_QUANTITY,
	F_UNIT_PRICE, F_SHIPPING, F_DISCOUNT, F_COUPON, F_PAID_TOTAL,
	F_RETURNED_QTY, F_REFUND, F_COST, F_ADDRESS, F_CANCEL_REASON,
	F_RETURN_STATUS, F_ITEMS, F_VARIATION,
	/* members */
	F_MEMBER_NO, F_JOINED_AT, F_BIRTHDAY, F_GENDER, F_TAGS,
	/* events and coupon claims */
	F_EVENT, F_CAMPAIGN, F_AT, F_BUYER,
	NFIELDS
};

static const char *const field_names[NFIELDS] = {
	"order_id", "ordered_at", "channel", "status", "account", "phone",
	"email", "name", "sku", "product", "category", "quantity",
	"unit_price", "shipping", "discount", "coupon", "paid_total",
	"returned_quantity", "refund", "cost", "address", "cancel_reason",
	"return_status", "items", "variation",
	"member_no", "joined_at", "birthday", "gender", "tags",
	"event", "campaign", "at", "buyer",
};

#define MAXALT	4			/* columns read for one field */

struct colmap {
	long	 col[NFIELDS][MAXALT];	/* columns holding each field */
	int	 ncol[NFIELDS];		/* how many; 0 when absent */
	struct buf hdr[NFIELDS];	/* the first one's name, for messages */
};

static int
field_index(const char *name)
{
	int i;

	for (i = 0; i < NFIELDS; i++)
		if (strcmp(field_names[i], name) == 0)
			return i;
	return -1;
}

/* Settings a format file may hold besides fields and status words. */
static const char *const settings[] = {
	"order_key_length", "cancel_unless", "price_missing",
};

/*
 * Checks that every key of f is a field, a setting or a status word.
 * Returns 0, or -1 after printing why.
 */
static int
format_check(const struct format *f, const char *where)
{
	size_t i, k;

	for (i = 0; i < f->nentries; i++) {
		const char *key = f->entries[i].key;

		if (field_index(key) >= 0 || strncmp(key, "status ", 7) == 0)
			continue;
		for (k = 0; k < sizeof(settings) / sizeof(settings[0]); k++)
			if (strcmp(key, settings[k]) == 0)
				break;
		if (k < sizeof(settings) / sizeof(settings[0]))
			continue;
		warnx("%s: unknown field '%s' (see crm-import(1), FIELDS)",
		    where, key);
		return -1;
	}
	if (strcmp(f->kind, "orders") != 0 && strcmp(f->kind, "members") != 0 &&
	    strcmp(f->kind, "events") != 0 && strcmp(f->kind, "claims") != 0) {
		warnx("%s: unknown kind '%s' (orders, members, events, claims)",
		    where, f->kind);
		return -1;
	}
	return 0;
}

/*
 * Adds "field=column" pairs, separated by commas, to the overrides.
 * Returns 0, or -1 after printing why.
 */
static int
map_add(struct format *m, char *spec)
{
	char *item, *next;
	const char *why;

	for (item = spec; item != NULL; item = next) {
		if ((next = strchr(item, ',')) != NULL)
			*next++ = '\0';
		while (*item == ' ')
			item++;
		if (*item == '\0')
			continue;
		if (strchr(item, '=') == NULL) {
			warnx("--map: '%s' is not FIELD=COLUMN", item);
			return -1;
		}
		if (format_line(m, item, &why) != 0) {
			warnx("--map: %s", why);
			return -1;
		}
	}
	return format_check(m, "--map");
}

static int
map_file(struct format *m, const char *path)
{
	FILE *fp;
	char *line = NULL, where[600];
	const char *why;
	size_t cap = 0;
	long lineno = 0;
	int rc = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		warn("%s", path);
		return -1;
	}
	while (rc == 0 && getline(&line, &cap, fp) >= 0) {
		lineno++;
		snprintf(where, sizeof(where), "%s:%ld", path, lineno);
		if ((rc = format_line(m, line, &why)) != 0)
			warnx("%s: %s", where, why);
		else
			rc = format_check(m, where);
	}
	free(line);
	fclose(fp);
	return rc;
}

#define HAS(r, f)	((r)->map.ncol[f] > 0)

/* ==== Statuses ==== */

enum status { S_COMPLETED, S_PENDING, S_CANCELLED, S_RETURNED };

static const char *const status_names[] = {
	"completed", "pending", "cancelled", "returned",
};

static const struct {
	const char *word;
	enum status st;
} status_words[] = {
	{ "completed", S_COMPLETED }, { "complete", S_COMPLETED },
	{ "done", S_COMPLETED }, { "paid", S_COMPLETED },
	{ "shipped", S_COMPLETED }, { "delivered", S_COMPLETED },
	{ "fulfilled", S_COMPLETED }, { "已完成", S_COMPLETED },
	{ "完成", S_COMPLETED }, { "訂單完成", S_COMPLETED },
	{ "已付款", S_COMPLETED }, { "已出貨", S_COMPLETED },
	{ "已送達", S_COMPLETED }, { "已取件", S_COMPLETED },
	{ "已配達", S_COMPLETED }, { "已收貨", S_COMPLETED },
	{ "pending", S_PENDING }, { "unpaid", S_PENDING },
	{ "processing", S_PENDING }, { "unfulfilled", S_PENDING },
	{ "to ship", S_PENDING }, { "shipping", S_PENDING },
	{ "待出貨", S_PENDING }, { "待付款", S_PENDING },
	{ "處理中", S_PENDING }, { "運送中", S_PENDING },
	{ "待收貨", S_PENDING }, { "未出貨", S_PENDING },
	{ "cancelled", S_CANCELLED }, { "canceled", S_CANCELLED },
	{ "cancel", S_CANCELLED }, { "void", S_CANCELLED },
	{ "voided", S_CANCELLED }, { "已取消", S_CANCELLED },
	{ "取消", S_CANCELLED }, { "不成立", S_CANCELLED },
	{ "訂單不成立", S_CANCELLED }, { "已刪除", S_CANCELLED },
	{ "returned", S_RETURNED }, { "refunded", S_RETURNED },
	{ "return", S_RETURNED }, { "refund", S_RETURNED },
	{ "退貨", S_RETURNED }, { "退款", S_RETURNED },
	{ "已退貨", S_RETURNED }, { "已退款", S_RETURNED },
	{ "退貨/退款", S_RETURNED }, { "退貨退款", S_RETURNED },
};

/*
 * Reads a status word: the format's own words first ("status 配送完成 =
 * completed" in its file), then the common ones.
 */
static int
status_parse(const struct format *f, const char *s, enum status *st)
{
	size_t i, k;

	for (i = 0; f != NULL && i < f->nentries; i++) {
		const struct fmt_entry *e = &f->entries[i];

		if (strncmp(e->key, "status ", 7) != 0 || e->nvals == 0 ||
		    strcasecmp(e->key + 7, s) != 0)
			continue;
		for (k = 0; k < 4; k++)
			if (strcmp(e->vals[0], status_names[k]) == 0) {
				*st = (enum status)k;
				return 0;
			}
	}

	for (i = 0; i < sizeof(status_words) / sizeof(status_words[0]); i++)
		if (strcasecmp(s, status_words[i].word) == 0) {
			*st = status_words[i].st;
			return 0;
		}
	return -1;
}

/* ==== The order being assembled ==== */

struct item {
	int64_t	 product_id;
	int64_t	 qty;
	int64_t	 returned;
	int64_t	 price;
	int64_t	 amount;
	int64_t	 cost;
	int	 has_cost;
};

struct order {
	int	 open;			/* holds an order */
	long	 line;			/* line of its first row */
	struct buf channel, order_no, account, phone, email, name, coupon,
	    address;
	int	 cancelled;		/* a cancel reason says so */
	int	 excused;		/* a cancel reason that is no cancel */
	int	 returned;		/* a return status says so */
	int64_t	 ordered_at;
	int	 has_time, has_status;
	enum status status;
	int64_t	 shipping, discount, paid_total, refund;
	int	 has_paid_total, has_refund;
	struct item *items;
	size_t	 nitems, capitems;
	int	 negative, positive;	/* lines with quantity < 0, > 0 */
};

/* ==== One run ==== */

#define PCACHE	4096			/* product ids remembered */
/*
 * Identifying values remembered in a run (16 MB at most), and customers
 * merged in a run, whose old ids lead to the kept ones.
 */
#define IDCACHE	(768 * 1024)
#define MOVED	(48 * 1024)

struct run {
	sqlite3	*db;
	struct colmap map;
	const char *channel;		/* this file's default channel */
	const char *channel_opt;	/* --channel */
	enum date_order dorder;		/* --dmy */
	int	 quiet;
	int	 progress;		/* stderr is a terminal */
	FILE	*rejects;		/* --skip-bad, or NULL */
	const char *rejects_name;
	int64_t	 import_id;
	int	 was_empty;		/* the store had no orders */
	/* Counts for this file and for the run. */
	long	 rows, rejected;
	long	 o_new, o_updated, o_unchanged, c_new, shared, c_unknown;
	int	 no_merge;		/* --no-merge */
	size_t	 key_length;		/* the format's order_key_length */
	struct buf buyer;		/* the current order's buyer key */
	struct buf key;			/* an identity's kind, channel, value */
	struct buf st_word;		/* the last status word read */
	const struct format *st_fmt;	/* in this format */
	enum status st_last;		/* and what it meant */
	/*
	 * Identities seen in this run: the digest of kind, channel and value
	 * to customer id * 2, + 1 when shared.  Complete when the store had
	 * none at the start and the map never refused one: then a value it
	 * lacks is in no identity.  The store answers what it does not know.
	 */
	struct keymap *ids;
	struct keymap *moved;		/* merged customer -> kept customer */
	int	 ids_complete;
	/* Prepared statements. */
	sqlite3_stmt *mem_find, *mem_put, *cust_member, *tag_add, *ev_add,
	    *acct_any;
	sqlite3_stmt *id_find, *id_add, *id_share, *buyer_find, *cust_add, *cust_fill, *ord_find,
	    *ord_add, *ord_set, *ord_append, *items_del, *item_add,
	    *prod_find, *prod_add, *touch, *merge_log;
	sqlite3_stmt *merge[10];
	/* The current row, normalised, and the order being built. */
	struct buf val[NFIELDS];
	struct buf tmp;
	size_t	 ncols;			/* columns in the header */
	char	**cells;		/* their names, normalised */
	struct format *fmt_given;	/* --format or --format-file */
	struct format *fmt;		/* the current file's format */
	struct format *overrides;	/* --map and --map-file */
	const char *kind;		/* --kind, or NULL */
	struct buf hdrs;		/* their names, NUL-separated */
	struct order ord;
	struct csvr *in;
	const char *bad_field;		/* set with bad_why by a check */
	const char *bad_why;
	struct buf bad_msg;
	struct {
		uint64_t hash;
		int64_t	 id;
	} pcache[PCACHE];
	time_t	 last_progress;
};

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n-- > 0) {
		h ^= *s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t
fnv_s(uint64_t h, const char *s)
{
	return fnv(h, s, strlen(s) + 1);
}

static uint64_t
fnv_i(uint64_t h, int64_t v)
{
	return fnv(h, &v, sizeof(v));
}

static void
bind_text_or_null(sqlite3_stmt *st, int i, const struct buf *b)
{
	if (b->len > 0)
		sqlite3_bind_text(st, i, b->s, (int)b->len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Runs a prepared statement that returns nothing; resets it. */
static int
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

static int
prepare_all(struct run *r)
{
	size_t i;

#define P(st, sql) if ((r->st = store_prepare(r->db, sql)) == NULL) return -1
	P(id_find, "SELECT customer_id, shared FROM identities"
	    " WHERE kind = ? AND channel = ? AND value = ?");
	P(id_add, "INSERT OR IGNORE INTO identities"
	    " (kind, channel, value, customer_id, import_id, claimant)"
	    " VALUES (?, ?, ?, ?, ?, ?)");
	P(id_share, "UPDATE identities SET shared = 1"
	    " WHERE kind = ? AND channel = ? AND value = ?");
	P(buyer_find, "SELECT 1 FROM orders WHERE customer_id = ?"
	    " AND channel = ? AND buyer != ? LIMIT 1");
	P(cust_add, "INSERT INTO customers (name, email, phone, channel,"
	    " first_seen) VALUES (?, ?, ?, ?, ?)");
	P(cust_fill, "UPDATE customers SET name = coalesce(name, ?2),"
	    " email = coalesce(email, ?3), phone = coalesce(phone, ?4)"
	    " WHERE id = ?1 AND ((name IS NULL AND ?2 IS NOT NULL) OR"
	    " (email IS NULL AND ?3 IS NOT NULL) OR"
	    " (phone IS NULL AND ?4 IS NOT NULL))");
	P(ord_find, "SELECT id, customer_id, digest, import_id, lines"
	    " FROM orders"
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
	    " total = total + ?2, refund = refund + ?3,"
	    " net = CASE WHEN status IN ('completed', 'pending')"
	    "   THEN max(total + ?2 - refund - ?3, 0) ELSE 0 END,"
	    " lines = lines + ?4, digest = (digest | ?5) - (digest & ?5)"
	    " WHERE id = ?6");
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
	    " WHERE kind = ? AND value = ? ORDER BY shared LIMIT 1");
	P(merge_log, "INSERT INTO merges (kept_id, merged_id, reason,"
	    " import_id) VALUES (?, ?, ?, ?)");
#undef P
	for (i = 0; i < sizeof(merge_sql) / sizeof(merge_sql[0]); i++)
		if ((r->merge[i] = store_prepare(r->db, merge_sql[i])) == NULL)
			return -1;
	return 0;
}

static void
finalize_all(struct run *r)
{
	sqlite3_stmt **all[] = { &r->mem_find, &r->mem_put, &r->cust_member,
	    &r->tag_add, &r->ev_add, &r->acct_any,
	    &r->id_find, &r->id_add, &r->id_share,
	    &r->buyer_find, &r->cust_add,
	    &r->cust_fill, &r->ord_find, &r->ord_add, &r->ord_set,
	    &r->ord_append, &r->items_del, &r->item_add, &r->prod_find,
	    &r->prod_add, &r->touch, &r->merge_log };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		sqlite3_finalize(*all[i]);
		*all[i] = NULL;
	}
	for (i = 0; i < sizeof(r->merge) / sizeof(r->merge[0]); i++) {
		sqlite3_finalize(r->merge[i]);
		r->merge[i] = NULL;
	}
}

/*
 * Notes that a customer's aggregates need computing again.  After a
 * first import every customer's are computed, so nothing is noted.
 */
static int
touch(struct run *r, int64_t cid)
{
	if (r->was_empty)
		return 0;
	sqlite3_bind_int64(r->touch, 1, cid);
	return run_stmt(r->touch);
}

/* ==== Buyers ==== */

/*
 * Folds customer `gone` into `kept`: every record that pointed at gone
 * points at kept, and the merge is logged with the value they shared.
 */
static int
merge_customers(struct run *r, int64_t kept, int64_t gone, const char *why)
{
	struct mapkey key;
	size_t i;

	for (i = 0; i < sizeof(r->merge) / sizeof(r->merge[0]); i++) {
		sqlite3_bind_int64(r->merge[i], 1, kept);
		sqlite3_bind_int64(r->merge[i], 2, gone);
		if (run_stmt(r->merge[i]) != 0)
			return -1;
	}
	sqlite3_bind_int64(r->merge_log, 1, kept);
	sqlite3_bind_int64(r->merge_log, 2, gone);
	sqlite3_bind_text(r->merge_log, 3, why, -1, SQLITE_TRANSIENT);
	if (r->import_id > 0)
		sqlite3_bind_int64(r->merge_log, 4, r->import_id);
	else
		sqlite3_bind_null(r->merge_log, 4);	/* by hand */
	if (run_stmt(r->merge_log) != 0)
		return -1;
	keymap_int(gone, &key);
	if (r->ids != NULL && keymap_put(r->moved, &key, kept) != 0) {
		/* Too many merges to follow: look values up in the store. */
		keymap_free(r->ids);
		r->ids = NULL;
	}
	return touch(r, kept);
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
 * The buyer key of the current order: the account within its channel,
 * else the name within its channel, else the first identifying value.
 * Two different keys in one channel are two different buyers.
 */
static void
buyer_key(struct run *r, struct buf *out)
{
	struct order *o = &r->ord;

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
	int rc;

	sqlite3_bind_int64(r->buyer_find, 1, cid);
	sqlite3_bind_text(r->buyer_find, 2, r->ord.channel.s,
	    (int)r->ord.channel.len, SQLITE_STATIC);
	sqlite3_bind_text(r->buyer_find, 3, r->buyer.s, (int)r->buyer.len,
	    SQLITE_STATIC);
	rc = store_step(r->buyer_find);
	sqlite3_reset(r->buyer_find);
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
	sqlite3_bind_text(r->id_find, 1, id->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(r->id_find, 2, id->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(r->id_find, 3, id->value->s, (int)id->value->len,
	    SQLITE_STATIC);
	switch (store_step(r->id_find)) {
	case SQLITE_ROW:
		*cid = sqlite3_column_int64(r->id_find, 0);
		*shared = sqlite3_column_int(r->id_find, 1);
		id->known = 1;
		remember(r, id, *cid, *shared);
		break;
	case SQLITE_DONE:
		break;
	default:
		sqlite3_reset(r->id_find);
		return -1;
	}
	sqlite3_reset(r->id_find);
	return 0;
}

/* Stops using a value to match buyers, and says so once. */
static int
mark_shared(struct run *r, const struct ident *id)
{
	sqlite3_bind_text(r->id_share, 1, id->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(r->id_share, 2, id->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(r->id_share, 3, id->value->s, (int)id->value->len,
	    SQLITE_STATIC);
	if (run_stmt(r->id_share) != 0)
		return -1;
	remember(r, id, 0, 1);
	r->shared++;
	if (!r->quiet)
		warnx("%s:%ld: %s %s is shared by different buyers in %s; "
		    "it no longer matches anyone", csvr_name(r->in),
		    r->ord.line, id->kind, id->value->s, r->ord.channel.s);
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
static int64_t
resolve_customer(struct run *r)
{
	struct order *o = &r->ord;
	struct ident id[4];
	char why[300];
	const char *xchan = r->no_merge ? o->channel.s : "";
	int64_t cid = 0, c;
	int n = 0, i, j, added = 0, created = 0, shared;

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
				if (mark_shared(r, &id[i]) != 0)
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
		bind_text_or_null(r->cust_add, 1, &o->name);
		bind_text_or_null(r->cust_add, 2, &o->email);
		bind_text_or_null(r->cust_add, 3, &o->phone);
		sqlite3_bind_text(r->cust_add, 4, o->channel.s,
		    (int)o->channel.len, SQLITE_STATIC);
		sqlite3_bind_int64(r->cust_add, 5, o->ordered_at);
		if (run_stmt(r->cust_add) != 0)
			return -1;
		cid = sqlite3_last_insert_rowid(r->db);
		r->c_new++;
		created = 1;
	}
	for (i = 0; i < n; i++) {
		if (id[i].known)
			continue;
		sqlite3_bind_text(r->id_add, 1, id[i].kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(r->id_add, 2, id[i].channel, -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(r->id_add, 3, id[i].value->s,
		    (int)id[i].value->len, SQLITE_STATIC);
		sqlite3_bind_int64(r->id_add, 4, cid);
		sqlite3_bind_int64(r->id_add, 5, r->import_id);
		sqlite3_bind_text(r->id_add, 6, r->buyer.s, (int)r->buyer.len,
		    SQLITE_STATIC);
		if (run_stmt(r->id_add) != 0)
			return -1;
		remember(r, &id[i], cid, 0);
		added = 1;
	}
	if (added && !created) {
		sqlite3_bind_int64(r->cust_fill, 1, cid);
		bind_text_or_null(r->cust_fill, 2, &o->name);
		bind_text_or_null(r->cust_fill, 3, &o->email);
		bind_text_or_null(r->cust_fill, 4, &o->phone);
		if (run_stmt(r->cust_fill) != 0)
			return -1;
	}
	return cid;
}

/* ==== Products ==== */

static int64_t
product_id(struct run *r, const struct buf *sku, const struct buf *name,
    const struct buf *cat)
{
	uint64_t h = fnv_s(fnv_s(0xcbf29ce484222325ULL, sku->s ? sku->s : ""),
	    name->s ? name->s : "");
	size_t slot = h % PCACHE;
	int64_t id = 0;
	int rc;

	if (r->pcache[slot].hash == h && r->pcache[slot].id != 0)
		return r->pcache[slot].id;
	sqlite3_bind_text(r->prod_find, 1, sku->s ? sku->s : "",
	    (int)sku->len, SQLITE_STATIC);
	sqlite3_bind_text(r->prod_find, 2, name->s ? name->s : "",
	    (int)name->len, SQLITE_STATIC);
	rc = store_step(r->prod_find);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(r->prod_find, 0);
	sqlite3_reset(r->prod_find);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	if (id == 0) {
		sqlite3_bind_text(r->prod_add, 1, sku->s ? sku->s : "",
		    (int)sku->len, SQLITE_STATIC);
		sqlite3_bind_text(r->prod_add, 2, name->s ? name->s : "",
		    (int)name->len, SQLITE_STATIC);
		bind_text_or_null(r->prod_add, 3, cat);
		if (run_stmt(r->prod_add) != 0)
			return -1;
		id = sqlite3_last_insert_rowid(r->db);
	}
	r->pcache[slot].hash = h;
	r->pcache[slot].id = id;
	return id;
}

static void
order_clear(struct order *o)
{
	buf_reset(&o->channel);
	buf_reset(&o->order_no);
	buf_reset(&o->account);
	buf_reset(&o->phone);
	buf_reset(&o->email);
	buf_reset(&o->name);
	buf_reset(&o->coupon);
	buf_reset(&o->address);
	o->cancelled = o->returned = o->excused = 0;
	o->open = 0;
	o->has_time = o->has_status = 0;
	o->status = S_COMPLETED;
	o->shipping = o->discount = o->paid_total = o->refund = 0;
	o->has_paid_total = o->has_refund = 0;
	o->nitems = 0;
	o->negative = o->positive = 0;
}

static void
order_free(struct order *o)
{
	struct buf *b[] = { &o->channel, &o->order_no, &o->account,
	    &o->phone, &o->email, &o->name, &o->coupon, &o->address };
	size_t i;

	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		buf_free(b[i]);
	free(o->items);
}

/* ==== Rejects ==== */

static void
reject(struct run *r, long line, const char *field, const char *why)
{
	size_t i;

	r->rejected++;
	fprintf(r->rejects, "%s,%ld,", csvr_name(r->in), line);
	csv_put(r->rejects, ',', field);
	putc(',', r->rejects);
	csv_put(r->rejects, ',', why);
	for (i = 0; i < csvr_nfields(r->in); i++) {
		putc(',', r->rejects);
		csv_putn(r->rejects, ',', csvr_field(r->in, i),
		    csvr_fieldlen(r->in, i));
	}
	putc('\n', r->rejects);
}

/*
 * Reports a bad order (one found wrong only when all its rows are in).
 * Strict: prints it and returns -1 to stop the run.  With --skip-bad the
 * order is dropped, written to the rejects file, and the run goes on.
 */
static int
order_bad(struct run *r, int f, const char *why)
{
	const char *field = HAS(r, f) ? r->map.hdr[f].s :
	    field_names[f];

	if (r->rejects == NULL) {
		warnx("%s:%ld: field '%s': %s", csvr_name(r->in), r->ord.line,
		    field, why);
		return -1;
	}
	r->rejected++;
	fprintf(r->rejects, "%s,%ld,", csvr_name(r->in), r->ord.line);
	csv_put(r->rejects, ',', field);
	putc(',', r->rejects);
	csv_put(r->rejects, ',', why);
	fputs(",order ", r->rejects);
	csv_put(r->rejects, ',', r->ord.order_no.s);
	putc('\n', r->rejects);
	order_clear(&r->ord);
	return 0;
}

/* ==== Writing an order ==== */

/* Binds parameters 1-14 of ord_add and ord_set, which share them. */
static void
bind_order(struct run *r, sqlite3_stmt *s, int64_t cid, enum status st,
    int64_t items, int64_t total, int64_t refund, int64_t net, uint64_t dg)
{
	struct order *o = &r->ord;

	sqlite3_bind_int64(s, 1, cid);
	sqlite3_bind_int64(s, 2, o->ordered_at);
	sqlite3_bind_text(s, 3, status_names[st], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, items);
	sqlite3_bind_int64(s, 5, o->shipping);
	sqlite3_bind_int64(s, 6, o->discount);
	sqlite3_bind_int64(s, 7, total);
	sqlite3_bind_int64(s, 8, refund);
	sqlite3_bind_int64(s, 9, net);
	bind_text_or_null(s, 10, &o->coupon);
	sqlite3_bind_int64(s, 11, (int64_t)o->nitems);
	sqlite3_bind_int64(s, 12, (int64_t)dg);
	sqlite3_bind_int64(s, 13, r->import_id);
	sqlite3_bind_text(s, 14, r->buyer.s, (int)r->buyer.len, SQLITE_STATIC);
}

/*
 * Stores the assembled order: new, updated (its content changed since an
 * earlier import: a status, an amount, a line) or unchanged.  Totals:
 * items are quantity x unit price; the total is paid_total when given,
 * else items + shipping - discount; refunds come from returned
 * quantities and negative lines unless a refund is given; net, the
 * revenue the order counts for, is total - refund for a purchase and 0
 * for a cancelled or fully returned order.
 */
static int
flush_order(struct run *r)
{
	struct order *o = &r->ord;
	int64_t items = 0, refund = 0, total, net, cid, oid = 0, old_cid = 0;
	int64_t old_digest = 0, old_import = 0, old_lines = 0, v;
	uint64_t dg = 0xcbf29ce484222325ULL;
	enum status st = o->status;
	size_t i;
	int rc;

	if (!o->open)
		return 0;
	for (i = 0; i < o->nitems; i++) {
		struct item *it = &o->items[i];

		if (money_add(&items, it->amount) != 0)
			goto big;
		if (money_mul(it->price, it->returned, &v) != 0 ||
		    money_add(&refund, v) != 0)
			goto big;
		dg = fnv_i(fnv_i(fnv_i(fnv_i(fnv_i(dg, it->product_id),
		    it->qty), it->returned), it->price), it->cost);
	}
	if (o->negative > 0 && o->positive == 0) {
		/* A cancellation record: every line was taken back. */
		if (!o->has_status || st == S_COMPLETED)
			st = S_CANCELLED;
		refund = 0;
	}
	if (o->cancelled)
		st = S_CANCELLED;
	else if (o->excused && st == S_CANCELLED)
		st = S_COMPLETED;	/* a lost parcel the platform paid for */
	else if (o->returned && refund == 0 && !o->has_refund)
		st = S_RETURNED;	/* returned, and no line says how much */
	if (o->has_paid_total)
		total = o->paid_total;
	else {
		total = items;
		if (money_add(&total, o->shipping) != 0 ||
		    money_add(&total, -o->discount) != 0)
			goto big;
	}
	if (o->has_refund)
		refund = o->refund;
	if (st == S_COMPLETED && total > 0 && refund >= total)
		st = S_RETURNED;
	if (st == S_RETURNED && refund < total && !o->has_refund &&
	    o->negative == 0)
		refund = total;
	net = (st == S_COMPLETED || st == S_PENDING) ? total - refund : 0;
	if (net < 0)
		net = 0;
	dg = fnv_s(fnv_s(fnv_s(fnv_s(fnv_s(fnv_i(fnv_i(fnv_i(fnv_i(fnv_i(
	    fnv_i(dg, o->ordered_at), st), o->shipping), o->discount), total),
	    refund), o->coupon.s ? o->coupon.s : ""), o->account.s ?
	    o->account.s : ""), o->phone.s ? o->phone.s : ""), o->email.s ?
	    o->email.s : ""), o->name.s ? o->name.s : "");
	dg &= INT64_MAX;

	if (o->account.len == 0 && o->phone.len == 0 && o->email.len == 0 &&
	    (o->address.len == 0 || o->name.len == 0))
		return order_bad(r, HAS(r, F_ACCOUNT) ? F_ACCOUNT : HAS(r,
		    F_PHONE) ? F_PHONE : F_EMAIL, "no buyer: account, phone and "
		    "email are all empty or masked");
	if ((cid = resolve_customer(r)) < 0)
		return -1;
	/* Most orders are new: try that first, and look only on conflict. */
	bind_order(r, r->ord_add, cid, st, items, total, refund, net, dg);
	sqlite3_bind_text(r->ord_add, 15, o->channel.s, (int)o->channel.len,
	    SQLITE_STATIC);
	sqlite3_bind_text(r->ord_add, 16, o->order_no.s, (int)o->order_no.len,
	    SQLITE_STATIC);
	if (run_stmt(r->ord_add) != 0)
		return -1;
	if (sqlite3_changes(r->db) == 1) {
		r->o_new++;
		oid = sqlite3_last_insert_rowid(r->db);
		goto items;
	}
	sqlite3_bind_text(r->ord_find, 1, o->channel.s, (int)o->channel.len,
	    SQLITE_STATIC);
	sqlite3_bind_text(r->ord_find, 2, o->order_no.s, (int)o->order_no.len,
	    SQLITE_STATIC);
	rc = store_step(r->ord_find);
	if (rc == SQLITE_ROW) {
		oid = sqlite3_column_int64(r->ord_find, 0);
		old_cid = sqlite3_column_int64(r->ord_find, 1);
		old_digest = sqlite3_column_int64(r->ord_find, 2);
		old_import = sqlite3_column_int64(r->ord_find, 3);
		old_lines = sqlite3_column_int64(r->ord_find, 4);
	}
	sqlite3_reset(r->ord_find);
	if (rc != SQLITE_ROW)
		return -1;
	if (old_import == r->import_id) {
		/* More lines of an order met earlier in this run. */
		sqlite3_stmt *ap = r->ord_append;

		sqlite3_bind_int64(ap, 1, items);
		sqlite3_bind_int64(ap, 2, o->has_paid_total ? 0 : items);
		sqlite3_bind_int64(ap, 3, o->has_refund ? 0 : refund);
		sqlite3_bind_int64(ap, 4, (int64_t)o->nitems);
		sqlite3_bind_int64(ap, 5, (int64_t)dg);
		sqlite3_bind_int64(ap, 6, oid);
		if (run_stmt(ap) != 0)
			return -1;
		goto items;
	}
	old_lines = 0;
	if (old_digest == (int64_t)dg && old_cid == cid) {
		r->o_unchanged++;
		order_clear(o);
		return 0;
	}
	/* The order changed since an earlier import: a status, an amount,
	 * a line.  Replace it whole. */
	bind_order(r, r->ord_set, cid, st, items, total, refund, net, dg);
	sqlite3_bind_int64(r->ord_set, 15, oid);
	if (run_stmt(r->ord_set) != 0)
		return -1;
	r->o_updated++;
	if (old_cid != cid && touch(r, old_cid) != 0)
		return -1;
	sqlite3_bind_int64(r->items_del, 1, oid);
	if (run_stmt(r->items_del) != 0)
		return -1;
items:
	for (i = 0; i < o->nitems; i++) {
		struct item *it = &o->items[i];
		sqlite3_stmt *s = r->item_add;

		sqlite3_bind_int64(s, 1, oid);
		sqlite3_bind_int64(s, 2, old_lines + (int64_t)i + 1);
		sqlite3_bind_int64(s, 3, it->product_id);
		sqlite3_bind_int64(s, 4, it->qty);
		sqlite3_bind_int64(s, 5, it->returned);
		sqlite3_bind_int64(s, 6, it->price);
		sqlite3_bind_int64(s, 7, it->amount);
		if (it->has_cost)
			sqlite3_bind_int64(s, 8, it->cost);
		else
			sqlite3_bind_null(s, 8);
		if (run_stmt(s) != 0)
			return -1;
	}
	if (touch(r, cid) != 0)
		return -1;
	order_clear(o);
	return 0;
big:
	return order_bad(r, F_PAID_TOTAL, "order total too large");
}

/* ==== Reading rows ==== */

/* status_parse, remembering the last word: orders in a row mostly share
 * one, and the format's words and the common ones are a long list. */
static int
row_status(struct run *r, const char *s, enum status *st)
{
	if (r->st_fmt == r->fmt && r->st_word.s != NULL &&
	    strcmp(r->st_word.s, s) == 0) {
		*st = r->st_last;
		return 0;
	}
	if (status_parse(r->fmt, s, st) != 0)
		return -1;
	buf_reset(&r->st_word);
	buf_adds(&r->st_word, s);
	r->st_fmt = r->fmt;
	r->st_last = *st;
	return 0;
}

/* Sets the reason the current row is bad; returns 1 for the callers. */
static int
bad(struct run *r, int f, const char *why)
{
	r->bad_field = HAS(r, f) ? r->map.hdr[f].s : field_names[f];
	r->bad_why = why;
	return 1;
}

static int
parse_money_field(struct run *r, int f, int64_t *v, int *has)
{
	const char *why;

	if (has != NULL)
		*has = 0;
	if (!HAS(r, f) || r->val[f].len == 0 ||
	    strcmp(r->val[f].s, "-") == 0)
		return 0;
	if (money_parse(r->val[f].s, v, &why) != 0) {
		buf_reset(&r->bad_msg);
		buf_printf(&r->bad_msg, "%s: '%s'", why, r->val[f].s);
		return bad(r, f, r->bad_msg.s);
	}
	if (has != NULL)
		*has = 1;
	return 0;
}

/* Normalises an identifying value; masked values count as absent. */
static int
ident_field(struct run *r, int f, struct buf *out,
    enum ident_status (*norm)(const char *, struct buf *), const char *what)
{
	switch (norm(r->val[f].s != NULL ? r->val[f].s : "", out)) {
	case ID_OK:
		return 0;
	case ID_EMPTY:
	case ID_MASKED:
		buf_reset(out);
		return 0;
	case ID_INVALID:
		buf_reset(&r->bad_msg);
		buf_printf(&r->bad_msg, "'%s' is not %s", r->val[f].s, what);
		return bad(r, f, r->bad_msg.s);
	}
	return 0;
}

static void
fill_if_empty(struct buf *dst, const struct buf *src)
{
	if (dst->len == 0 && src->len > 0)
		buf_add(dst, src->s, src->len);
}

/*
 * Whether the row's cancel reason is one the format says is no
 * cancellation (Shopee's lost-parcel compensation, 遺失).
 */
static int
excused(struct run *r)
{
	const struct fmt_entry *e = format_get(r->fmt, "cancel_unless");
	size_t i;

	for (i = 0; e != NULL && i < e->nvals; i++)
		if (strstr(r->val[F_CANCEL_REASON].s, e->vals[i]) != NULL)
			return 1;
	return 0;
}

/*
 * Normalises the current row's fields into r->val: for each field, the
 * first of its columns that is not empty.  Returns 0, or 1 with the
 * reason set.
 */
static int
row_values(struct run *r)
{
	int f, k;
	long c;

	for (f = 0; f < NFIELDS; f++) {
		buf_reset(&r->val[f]);
		for (k = 0; k < r->map.ncol[f] && r->val[f].len == 0; k++) {
			c = r->map.col[f][k];
			if (text_norm(csvr_field(r->in, (size_t)c),
			    csvr_fieldlen(r->in, (size_t)c), &r->val[f]) != 0) {
				bad(r, f, strcmp(csvr_encoding(r->in),
				    "UTF-8") == 0 ? "invalid UTF-8 (if the file "
				    "is Big5, try --encoding CP950)" :
				    "invalid text");
				return 1;
			}
		}
	}
	return 0;
}

/* One line of an order, as text, and the field it came from. */
struct linein {
	const char *sku, *product, *variation, *category;
	const char *qty;		/* NULL: no column, 1 unit */
	const char *returned;
	const char *price;		/* NULL: no column, 0 */
	const char *cost;		/* per unit */
	int	 from;			/* F_ITEMS, or -1: each its own */
};

static int
line_bad(struct run *r, const struct linein *li, int f, const char *why,
    const char *val)
{
	buf_reset(&r->bad_msg);
	if (val != NULL)
		buf_printf(&r->bad_msg, "%s: '%s'", why, val);
	else
		buf_adds(&r->bad_msg, why);
	return bad(r, li->from >= 0 ? li->from : f, r->bad_msg.s);
}

static int
opt_money(const char *s, int64_t *v, int *has, const char **why)
{
	*has = 0;
	if (s == NULL || *s == '\0' || strcmp(s, "-") == 0)
		return 0;
	if (money_parse(s, v, why) != 0)
		return -1;
	*has = 1;
	return 0;
}

/*
 * Adds a line to the order being built.  A negative quantity takes units
 * back.  Returns 0, 1 when the line is bad, -1 on a store error.
 */
static int
take_line(struct run *r, const struct linein *li)
{
	struct order *o = &r->ord;
	struct item it = { 0 };
	struct buf name = { 0 }, sku = { 0 }, cat = { 0 };
	const char *why;
	int has;

	it.qty = 1;
	if (li->qty != NULL && qty_parse(li->qty, &it.qty, &why) != 0)
		return line_bad(r, li, F_QUANTITY, why, li->qty);
	if (li->returned != NULL && *li->returned != '\0' &&
	    (qty_parse(li->returned, &it.returned, &why) != 0 ||
	    it.returned < 0))
		return line_bad(r, li, F_RETURNED_QTY, "not a whole number of "
		    "0 or more", li->returned);
	if (li->price != NULL && *li->price == '\0')
		return line_bad(r, li, F_UNIT_PRICE, "empty amount", NULL);
	if (opt_money(li->price, &it.price, &has, &why) != 0)
		return line_bad(r, li, F_UNIT_PRICE, why, li->price);
	if (opt_money(li->cost, &it.cost, &it.has_cost, &why) != 0)
		return line_bad(r, li, F_COST, why, li->cost);
	if (it.qty < 0) {
		o->negative++;
		it.qty = -it.qty;
		it.returned = it.qty;
	} else if (it.qty > 0)
		o->positive++;
	if (it.returned > it.qty)
		return line_bad(r, li, F_RETURNED_QTY, "more returned than "
		    "bought", NULL);
	if (it.price < 0)
		return line_bad(r, li, F_UNIT_PRICE, "negative price", NULL);
	if (money_mul(it.price, it.qty, &it.amount) != 0 ||
	    (it.has_cost && money_mul(it.cost, it.qty, &it.cost) != 0))
		return line_bad(r, li, F_UNIT_PRICE, "amount too large", NULL);
	/* Shopee splits a name into product and variation (烏龍茶梅 +
	 * 150g); the other channels write it whole. */
	buf_adds(&name, li->product != NULL ? li->product : "");
	if (li->variation != NULL && *li->variation != '\0') {
		if (name.len > 0)
			buf_addc(&name, ' ');
		buf_adds(&name, li->variation);
	}
	buf_adds(&sku, li->sku != NULL ? li->sku : "");
	buf_adds(&cat, li->category != NULL ? li->category : "");
	it.product_id = product_id(r, &sku, &name, &cat);
	buf_free(&name);
	buf_free(&sku);
	buf_free(&cat);
	if (it.product_id < 0)
		return -1;
	if (o->nitems == o->capitems) {
		o->capitems = o->capitems ? o->capitems * 2 : 8;
		o->items = xrealloc(o->items, o->capitems * sizeof(*o->items));
	}
	o->items[o->nitems++] = it;
	return 0;
}

/*
 * Reads the lines of Shopee's older layout, all in one cell:
 *   [1] 商品名稱:烏龍茶梅; 商品選項名稱:150g; 價格: $ 180; 數量: 2;
 *   主商品貨號: SNK-006; [2] ...
 * Returns as take_line does.
 */
static int
take_items_cell(struct run *r)
{
	char *cell = xstrdup(r->val[F_ITEMS].s), *p, *start, *item, *next;
	char *kv, *colon, *k, *v, *e;
	int rc = 0, nitems = 0;

	for (p = cell; rc == 0 && p != NULL; p = next) {
		/* Find "[N]" starting this item and the next one. */
		start = strchr(p, '[');
		if (start == NULL)
			break;
		item = start + 1;
		while (isdigit((unsigned char)*item))
			item++;
		if (*item != ']' || item == start + 1) {
			next = start + 1;
			continue;
		}
		item++;
		for (next = item; (next = strchr(next, '[')) != NULL; next++) {
			e = next + 1;
			while (isdigit((unsigned char)*e))
				e++;
			if (*e == ']' && e > next + 1)
				break;
		}
		if (next != NULL)
			*next = '\0';
		struct linein li = { NULL, NULL, NULL, NULL, NULL, NULL, "",
		    NULL, F_ITEMS };
		for (kv = item; kv != NULL; kv = e) {
			if ((e = strchr(kv, ';')) != NULL)
				*e++ = '\0';
			if ((colon = strchr(kv, ':')) == NULL)
				continue;
			*colon = '\0';
			k = kv;
			while (isspace((unsigned char)*k))
				k++;
			v = colon + 1;
			while (*v == ' ')
				v++;
			for (char *t = v + strlen(v); t > v &&
			    isspace((unsigned char)t[-1]); )
				*--t = '\0';
			if (strcmp(k, "商品名稱") == 0)
				li.product = v;
			else if (strcmp(k, "商品選項名稱") == 0)
				li.variation = v;
			else if (strcmp(k, "價格") == 0)
				li.price = v;
			else if (strcmp(k, "數量") == 0)
				li.qty = v;
			else if (strcmp(k, "主商品貨號") == 0 ||
			    (strcmp(k, "商品選項貨號") == 0 && li.sku == NULL))
				li.sku = v;
		}
		if (next != NULL)
			*next = '[';
		rc = take_line(r, &li);
		nitems++;
	}
	if (rc == 0 && nitems == 0)
		rc = bad(r, F_ITEMS, "no '[1] 商品名稱:...' items in the cell");
	free(cell);
	return rc;
}

/*
 * Takes the current row into the order being built, flushing the previous
 * order when this row starts another.  Returns 0, 1 when the row is bad
 * (r->bad_field and r->bad_why say why), or -1 to stop the run.
 */
static int
take_row(struct run *r)
{
	struct order *o = &r->ord;
	struct buf acct = { 0 }, phone = { 0 }, email = { 0 }, chan = { 0 };
	const char *why;
	int64_t t;
	enum status st;
	int rc = 1, first, has;
	size_t n = csvr_nfields(r->in);

	if (n != r->ncols) {
		/* Name the first column the row lacks, or the first extra. */
		buf_reset(&r->bad_msg);
		buf_printf(&r->bad_msg, "%s: the row has %zu fields, the header "
		    "%zu", n < r->ncols ? "missing" : "extra", n, r->ncols);
		buf_reset(&r->tmp);
		if (n < r->ncols)
			buf_adds(&r->tmp, r->cells[n]);
		else
			buf_printf(&r->tmp, "#%zu", r->ncols + 1);
		r->bad_field = r->tmp.s;
		r->bad_why = r->bad_msg.s;
		return 1;
	}
	if (row_values(r) != 0)
		return 1;
	if (r->val[F_ORDER_ID].len == 0)
		return bad(r, F_ORDER_ID, "empty order id");
	if (r->key_length > 0 && r->val[F_ORDER_ID].len > r->key_length) {
		/* momo: the first 14 characters are the order. */
		r->val[F_ORDER_ID].len = r->key_length;
		r->val[F_ORDER_ID].s[r->key_length] = '\0';
	}
	if (HAS(r, F_CHANNEL) && r->val[F_CHANNEL].len > 0) {
		for (size_t i = 0; i < r->val[F_CHANNEL].len; i++)
			buf_addc(&chan, (char)tolower(
			    (unsigned char)r->val[F_CHANNEL].s[i]));
	} else
		buf_adds(&chan, r->channel);
	if (ident_field(r, F_ACCOUNT, &acct, account_norm, "an account") ||
	    ident_field(r, F_PHONE, &phone, phone_norm, "a phone number") ||
	    ident_field(r, F_EMAIL, &email, email_norm, "an email address"))
		goto out;

	first = !o->open || strcmp(o->order_no.s, r->val[F_ORDER_ID].s) != 0 ||
	    strcmp(o->channel.s, chan.s) != 0;
	if (first && o->open) {
		if ((rc = flush_order(r)) != 0)
			goto out;
		rc = 1;
	}
	if (first) {
		order_clear(o);
		o->line = csvr_line(r->in);
		buf_add(&o->order_no, r->val[F_ORDER_ID].s,
		    r->val[F_ORDER_ID].len);
		buf_add(&o->channel, chan.s, chan.len);
	}
	if (r->val[F_ORDERED_AT].len > 0 && !o->has_time) {
		if (date_parse(r->val[F_ORDERED_AT].s, r->dorder, &t, &why)) {
			buf_reset(&r->bad_msg);
			buf_printf(&r->bad_msg, "%s: '%s'", why,
			    r->val[F_ORDERED_AT].s);
			bad(r, F_ORDERED_AT, r->bad_msg.s);
			goto undo;
		}
		o->ordered_at = t;
		o->has_time = 1;
	} else if (first) {
		bad(r, F_ORDERED_AT, "empty date");
		goto undo;
	}
	if (HAS(r, F_STATUS) && r->val[F_STATUS].len > 0 &&
	    !o->has_status) {
		if (row_status(r, r->val[F_STATUS].s, &st) != 0) {
			buf_reset(&r->bad_msg);
			buf_printf(&r->bad_msg, "unknown status '%s' (known: "
			    "completed, pending, cancelled, returned, 已完成, "
			    "待出貨, 已取消, 退貨, 退款 ...)",
			    r->val[F_STATUS].s);
			bad(r, F_STATUS, r->bad_msg.s);
			goto undo;
		}
		o->status = st;
		o->has_status = 1;
	} else if (first && HAS(r, F_STATUS)) {
		bad(r, F_STATUS, "empty status");
		goto undo;
	}
	if (r->val[F_CANCEL_REASON].len > 0) {
		if (excused(r))
			o->excused = 1;
		else
			o->cancelled = 1;
	}
	if (r->val[F_RETURN_STATUS].len > 0)
		o->returned = 1;
	fill_if_empty(&o->address, &r->val[F_ADDRESS]);
	if (parse_money_field(r, F_SHIPPING, &t, &has))
		goto undo;
	if (has)
		o->shipping = t;
	if (parse_money_field(r, F_DISCOUNT, &t, &has))
		goto undo;
	if (has)
		o->discount = t < 0 ? -t : t;
	if (parse_money_field(r, F_PAID_TOTAL, &t, &has))
		goto undo;
	if (has) {
		o->paid_total = t;
		o->has_paid_total = 1;
	}
	if (parse_money_field(r, F_REFUND, &t, &has))
		goto undo;
	if (has) {
		o->refund = t < 0 ? -t : t;
		o->has_refund = 1;
	}
	/* Order-level values fill in from later rows when the first lacks
	 * them (some exports put them on an order's first row only). */
	fill_if_empty(&o->account, &acct);
	fill_if_empty(&o->phone, &phone);
	fill_if_empty(&o->email, &email);
	fill_if_empty(&o->name, &r->val[F_NAME]);
	fill_if_empty(&o->coupon, &r->val[F_COUPON]);
	if (HAS(r, F_ITEMS))
		rc = take_items_cell(r);
	else {
		struct linein li = {
			r->val[F_SKU].s, r->val[F_PRODUCT].s,
			r->val[F_VARIATION].s, r->val[F_CATEGORY].s,
			HAS(r, F_QUANTITY) ? r->val[F_QUANTITY].s : NULL,
			r->val[F_RETURNED_QTY].s,
			HAS(r, F_UNIT_PRICE) ? r->val[F_UNIT_PRICE].s : NULL,
			r->val[F_COST].s, -1,
		};
		rc = take_line(r, &li);
	}
	if (rc > 0)
		goto undo;
	if (rc < 0)
		goto out;
	o->open = 1;
	goto out;
undo:
	/* A bad first row leaves no half-built order behind. */
	if (first)
		order_clear(o);
	rc = 1;
out:
	buf_free(&acct);
	buf_free(&phone);
	buf_free(&email);
	buf_free(&chan);
	return rc;
}

/* ==== Members, events and coupon claims ==== */

/* Reads an optional date field into *t; 1 when bad, -1 when absent. */
static int
date_field(struct run *r, int f, int64_t *t)
{
	const char *why;

	if (r->val[f].len == 0 || strcmp(r->val[f].s, "-") == 0)
		return -1;
	if (date_parse(r->val[f].s, r->dorder, t, &why) != 0) {
		buf_reset(&r->bad_msg);
		buf_printf(&r->bad_msg, "%s: '%s'", why, r->val[f].s);
		return bad(r, f, r->bad_msg.s);
	}
	return 0;
}

static const struct {
	const char *word;
	const char *gender;
} genders[] = {
	{ "女", "F" }, { "女性", "F" }, { "f", "F" }, { "female", "F" },
	{ "男", "M" }, { "男性", "M" }, { "m", "M" }, { "male", "M" },
	{ "其他", "X" }, { "other", "X" }, { "x", "X" },
};

/* Tags in one cell, separated by commas (，、; too). */
static int
take_tags(struct run *r, int64_t cid)
{
	char *cell, *p, *t, *e;

	if (r->val[F_TAGS].len == 0)
		return 0;
	cell = xstrdup(r->val[F_TAGS].s);
	for (p = cell; *p != '\0'; p++)	/* ，、 become commas */
		if (strncmp(p, "\xef\xbc\x8c", 3) == 0 ||
		    strncmp(p, "\xe3\x80\x81", 3) == 0) {
			p[0] = ',';
			memmove(p + 1, p + 3, strlen(p + 3) + 1);
		} else if (*p == ';')
			*p = ',';
	for (t = cell; t != NULL; t = e) {
		if ((e = strchr(t, ',')) != NULL)
			*e++ = '\0';
		while (*t == ' ')
			t++;
		for (p = t + strlen(t); p > t && p[-1] == ' '; )
			*--p = '\0';
		if (*t == '\0')
			continue;
		sqlite3_bind_text(r->tag_add, 1, t, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(r->tag_add, 2, cid);
		sqlite3_bind_int64(r->tag_add, 3, tz_now_local());
		if (run_stmt(r->tag_add) != 0) {
			free(cell);
			return -1;
		}
	}
	free(cell);
	return 0;
}

/*
 * A member: someone who registered with the shop, who may never have
 * bought.  Matched to customers like a buyer (the member number is an
 * account within the channel), stored once per channel and number.
 */
static int
take_member(struct run *r)
{
	struct order *o = &r->ord;
	struct buf acct = { 0 };
	const char *gender = NULL, *why;
	char bday[11];
	int64_t joined = 0, b, cid;
	int rc = 1, has_joined, exists;
	size_t i;

	if (row_values(r) != 0)
		return 1;
	order_clear(o);
	o->line = csvr_line(r->in);
	buf_adds(&o->channel, r->val[F_CHANNEL].len ? r->val[F_CHANNEL].s :
	    r->channel);
	if (ident_field(r, F_MEMBER_NO, &acct, account_norm, "a member "
	    "number") || ident_field(r, F_PHONE, &o->phone, phone_norm,
	    "a phone number") || ident_field(r, F_EMAIL, &o->email,
	    email_norm, "an email address"))
		goto out;
	buf_add(&o->account, acct.s ? acct.s : "", acct.len);
	if (acct.len == 0 && o->phone.len == 0 && o->email.len == 0) {
		bad(r, HAS(r, F_MEMBER_NO) ? F_MEMBER_NO : F_PHONE,
		    "no member number, phone or email");
		goto out;
	}
	if ((has_joined = date_field(r, F_JOINED_AT, &joined)) > 0)
		goto out;
	bday[0] = '\0';
	if (r->val[F_BIRTHDAY].len > 0) {
		if (date_parse(r->val[F_BIRTHDAY].s, r->dorder, &b, &why) != 0) {
			buf_reset(&r->bad_msg);
			buf_printf(&r->bad_msg, "%s: '%s'", why,
			    r->val[F_BIRTHDAY].s);
			bad(r, F_BIRTHDAY, r->bad_msg.s);
			goto out;
		}
		day_format(b / DAY_SECS, bday);
	}
	if (r->val[F_GENDER].len > 0) {
		for (i = 0; i < sizeof(genders) / sizeof(genders[0]); i++)
			if (strcasecmp(r->val[F_GENDER].s, genders[i].word) == 0)
				gender = genders[i].gender;
		if (gender == NULL) {
			bad(r, F_GENDER, "not a gender (女, 男, F, M, ...)");
			goto out;
		}
	}
	buf_add(&o->name, r->val[F_NAME].s ? r->val[F_NAME].s : "",
	    r->val[F_NAME].len);
	o->ordered_at = has_joined == 0 ? joined : tz_now_local();
	if ((cid = resolve_customer(r)) < 0) {
		rc = -1;
		goto out;
	}
	/* The member row: new, changed, or as it was. */
	sqlite3_bind_text(r->mem_find, 1, o->channel.s, -1, SQLITE_STATIC);
	sqlite3_bind_text(r->mem_find, 2, o->account.len ? o->account.s :
	    o->phone.len ? o->phone.s : o->email.s, -1, SQLITE_STATIC);
	exists = store_step(r->mem_find) == SQLITE_ROW;
	sqlite3_reset(r->mem_find);
	sqlite3_bind_text(r->mem_put, 1, o->channel.s, -1, SQLITE_STATIC);
	sqlite3_bind_text(r->mem_put, 2, o->account.len ? o->account.s :
	    o->phone.len ? o->phone.s : o->email.s, -1, SQLITE_STATIC);
	sqlite3_bind_int64(r->mem_put, 3, cid);
	if (has_joined == 0)
		sqlite3_bind_int64(r->mem_put, 4, joined);
	else
		sqlite3_bind_null(r->mem_put, 4);
	bind_text_or_null(r->mem_put, 5, &o->name);
	bind_text_or_null(r->mem_put, 6, &o->phone);
	bind_text_or_null(r->mem_put, 7, &o->email);
	if (bday[0] != '\0')
		sqlite3_bind_text(r->mem_put, 8, bday, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(r->mem_put, 8);
	if (gender != NULL)
		sqlite3_bind_text(r->mem_put, 9, gender, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(r->mem_put, 9);
	sqlite3_bind_int64(r->mem_put, 10, r->import_id);
	if (run_stmt(r->mem_put) != 0) {
		rc = -1;
		goto out;
	}
	if (!exists)
		r->o_new++;
	else if (sqlite3_changes(r->db) > 0)
		r->o_updated++;
	else
		r->o_unchanged++;
	sqlite3_bind_int64(r->cust_member, 1, cid);
	if (bday[0] != '\0')
		sqlite3_bind_text(r->cust_member, 2, bday, -1,
		    SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(r->cust_member, 2);
	if (gender != NULL)
		sqlite3_bind_text(r->cust_member, 3, gender, -1,
		    SQLITE_STATIC);
	else
		sqlite3_bind_null(r->cust_member, 3);
	if (run_stmt(r->cust_member) != 0 || take_tags(r, cid) != 0) {
		rc = -1;
		goto out;
	}
	rc = 0;
out:
	order_clear(o);
	buf_free(&acct);
	return rc;
}

/* The time of an event or claim, which it cannot do without. */
static int
when(struct run *r, int64_t *at)
{
	int rc = date_field(r, F_AT, at);

	if (rc < 0)
		return bad(r, F_AT, "empty date");
	return rc;
}

static const struct {
	const char *word;
	const char *kind;
} event_words[] = {
	{ "delivered", "delivered" }, { "delivery", "delivered" },
	{ "sent", "delivered" }, { "送達", "delivered" },
	{ "opened", "opened" }, { "open", "opened" }, { "開信", "opened" },
	{ "開啟", "opened" },
	{ "clicked", "clicked" }, { "click", "clicked" }, { "點擊", "clicked" },
	{ "unsubscribed", "unsubscribed" }, { "unsubscribe", "unsubscribed" },
	{ "退訂", "unsubscribed" }, { "取消訂閱", "unsubscribed" },
	{ "bounced", "bounced" }, { "bounce", "bounced" }, { "退信", "bounced" },
};

/* The customer an identifying value points at, 0 when none (or the
 * value is shared). */
static int64_t
lookup(struct run *r, const char *kind, const char *channel, const char *v)
{
	sqlite3_stmt *st = channel != NULL ? r->id_find : r->acct_any;
	int64_t cid = 0;
	int rc, i = 1;

	sqlite3_bind_text(st, i++, kind, -1, SQLITE_STATIC);
	if (channel != NULL)
		sqlite3_bind_text(st, i++, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	rc = store_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_int(st, 1) == 0)
		cid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? cid : -1;
}

static int
put_event(struct run *r, const char *kind, int64_t at, int64_t cid,
    const char *who, const char *campaign, const char *coupon)
{
	sqlite3_bind_text(r->ev_add, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(r->ev_add, 2, at);
	if (cid > 0)
		sqlite3_bind_int64(r->ev_add, 3, cid);
	else
		sqlite3_bind_null(r->ev_add, 3);
	sqlite3_bind_text(r->ev_add, 4, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(r->ev_add, 5, campaign, -1, SQLITE_STATIC);
	sqlite3_bind_text(r->ev_add, 6, coupon, -1, SQLITE_STATIC);
	sqlite3_bind_int64(r->ev_add, 7, r->import_id);
	if (run_stmt(r->ev_add) != 0)
		return -1;
	if (sqlite3_changes(r->db) > 0)
		r->o_new++;
	else
		r->o_unchanged++;
	if (cid == 0)
		r->c_unknown++;
	return 0;
}

/* An email event: delivered, opened, clicked, unsubscribed, bounced. */
static int
take_event(struct run *r)
{
	struct buf email = { 0 };
	const char *kind = NULL;
	int64_t at, cid;
	size_t i;
	int rc = 1;

	if (row_values(r) != 0)
		return 1;
	if (ident_field(r, F_EMAIL, &email, email_norm, "an email address"))
		goto out;
	if (email.len == 0) {
		bad(r, F_EMAIL, "no email address");
		goto out;
	}
	for (i = 0; i < sizeof(event_words) / sizeof(event_words[0]); i++)
		if (strcasecmp(r->val[F_EVENT].s, event_words[i].word) == 0)
			kind = event_words[i].kind;
	if (kind == NULL) {
		buf_reset(&r->bad_msg);
		buf_printf(&r->bad_msg, "unknown event '%s' (delivered, opened, "
		    "clicked, unsubscribed, bounced)", r->val[F_EVENT].s);
		bad(r, F_EVENT, r->bad_msg.s);
		goto out;
	}
	if (when(r, &at) != 0)
		goto out;
	if ((cid = lookup(r, "email", r->no_merge ? r->channel : "",
	    email.s)) < 0) {
		rc = -1;
		goto out;
	}
	rc = put_event(r, kind, at, cid, email.s, r->val[F_CAMPAIGN].s ?
	    r->val[F_CAMPAIGN].s : "", "");
out:
	buf_free(&email);
	return rc;
}

/*
 * A coupon claim.  The buyer is an email, a phone, or an account (within
 * --channel when given, else in any channel).
 */
static int
take_claim(struct run *r)
{
	struct buf who = { 0 };
	const char *kind, *chan = r->no_merge ? r->channel : "";
	int64_t at, cid;
	int rc = 1;

	if (row_values(r) != 0)
		return 1;
	if (r->val[F_COUPON].len == 0) {
		bad(r, F_COUPON, "no coupon code");
		goto out;
	}
	if (email_norm(r->val[F_BUYER].s, &who) == ID_OK)
		kind = "email";
	else if (phone_norm(r->val[F_BUYER].s, &who) == ID_OK)
		kind = "phone";
	else if (account_norm(r->val[F_BUYER].s, &who) == ID_OK) {
		kind = "account";
		chan = r->channel_opt;
	} else {
		bad(r, F_BUYER, "no buyer (empty or masked)");
		goto out;
	}
	if (when(r, &at) != 0)
		goto out;
	if ((cid = lookup(r, kind, chan, who.s)) < 0) {
		rc = -1;
		goto out;
	}
	rc = put_event(r, "coupon_claimed", at, cid, who.s, "",
	    r->val[F_COUPON].s);
out:
	buf_free(&who);
	return rc;
}

/* ==== Files ==== */

static void
progress(struct run *r, int done)
{
	time_t now;
	off_t size = csvr_size(r->in);

	if (!r->progress || r->quiet)
		return;
	if (done) {
		fprintf(stderr, "\r\033[K");
		return;
	}
	if ((now = time(NULL)) == r->last_progress)
		return;
	r->last_progress = now;
	if (size > 0)
		fprintf(stderr, "\r%s: %s: %3d%% %ld rows", crm_prog,
		    csvr_name(r->in), (int)(100.0 * (double)csvr_bytes(r->in) /
		    (double)size), r->rows);
	else
		fprintf(stderr, "\r%s: %s: %ld rows", crm_prog,
		    csvr_name(r->in), r->rows);
}

static int check_columns(struct run *);

/* Finds the columns for field f among the header cells. */
static void
map_field(struct run *r, int f, const struct fmt_entry *e)
{
	size_t a, i;
	int pass, k;

	for (a = 0; e != NULL && a < e->nvals; a++)
		for (pass = 0; pass < 2; pass++)	/* exact, then prefix */
			for (i = 0; i < r->ncols; i++) {
				if (r->map.ncol[f] == MAXALT ||
				    !header_matches(r->cells[i], e->vals[a],
				    pass))
					continue;
				for (k = 0; k < r->map.ncol[f]; k++)
					if (r->map.col[f][k] == (long)i)
						break;
				if (k < r->map.ncol[f])
					continue;
				if (r->map.ncol[f] == 0)
					buf_adds(&r->map.hdr[f], r->cells[i]);
				r->map.col[f][r->map.ncol[f]++] = (long)i;
			}
}

/*
 * Picks the format of a file from its header: the one whose "detect"
 * columns are all present, the most specific first.  Returns it, or NULL
 * after listing the formats known.
 */
static struct format *
detect_format(struct run *r)
{
	struct format **all, *best = NULL, *near = NULL;
	struct buf names = { 0 };
	const char *missing, *near_missing = NULL;
	size_t n, i;
	int score, top = 0, neartop = 0;

	n = format_all(&all);
	for (i = 0; i < n; i++) {
		if (r->kind != NULL && strcmp(all[i]->kind, r->kind) != 0)
			continue;
		buf_printf(&names, "%s%s", names.len ? ", " : "", all[i]->name);
		score = format_score(all[i], r->cells, r->ncols, &missing);
		if (missing == NULL && score > top) {
			top = score;
			best = all[i];
		} else if (missing != NULL && score > neartop) {
			neartop = score;
			near = all[i];
			near_missing = missing;
		}
	}
	if (best == NULL && near != NULL)
		warnx("%s:%ld: no column for '%s': this looks like format %s "
		    "but is not (name the columns with --map, or the format "
		    "with --format)", csvr_name(r->in), csvr_line(r->in),
		    near_missing, near->name);
	else if (best == NULL)
		warnx("%s:%ld: not a format crm-import knows (%s); name it "
		    "with --format, --format-file or --map", csvr_name(r->in),
		    csvr_line(r->in), n ? names.s : "no format files found; "
		    "set CRM_FORMATS");
	for (i = 0; i < n; i++)
		if (all[i] != best)
			format_free(all[i]);
	free(all);
	buf_free(&names);
	return best;
}

/* The summary of one file on stderr. */
static void
summary(struct run *r)
{
	const char *k = r->fmt->kind, *name = csvr_name(r->in);

	if (strcmp(k, "orders") == 0)
		fprintf(stderr, "%s: %s: %ld rows read, orders %ld new, %ld "
		    "updated, %ld unchanged, %ld customers new, %ld rows "
		    "rejected\n", crm_prog, name, r->rows, r->o_new,
		    r->o_updated, r->o_unchanged, r->c_new, r->rejected);
	else if (strcmp(k, "members") == 0)
		fprintf(stderr, "%s: %s: %ld rows read, members %ld new, %ld "
		    "updated, %ld unchanged, %ld customers new, %ld rows "
		    "rejected\n", crm_prog, name, r->rows, r->o_new,
		    r->o_updated, r->o_unchanged, r->c_new, r->rejected);
	else
		fprintf(stderr, "%s: %s: %ld rows read, %s %ld new, %ld "
		    "already stored, %ld of no known customer, %ld rows "
		    "rejected\n", crm_prog, name, r->rows, strcmp(k, "claims") ?
		    "events" : "claims", r->o_new, r->o_unchanged,
		    r->c_unknown, r->rejected);
}

static int
read_header(struct run *r)
{
	struct buf h = { 0 };
	const struct fmt_entry *e;
	size_t i, n;
	char *p;
	int f, rc;

	rc = csvr_next(r->in);
	if (rc == 0) {
		warnx("%s: empty file (expected a header row)",
		    csvr_name(r->in));
		return -1;
	}
	if (rc < 0) {
		if (csvr_line(r->in) == 0)	/* nothing read: a directory */
			warnx("%s: %s", csvr_name(r->in), csvr_error(r->in));
		else
			warnx("%s:%ld: %s", csvr_name(r->in),
			    csvr_line(r->in), csvr_error(r->in));
		return -1;
	}
	n = csvr_nfields(r->in);
	r->ncols = n;
	buf_reset(&r->hdrs);
	r->cells = xrealloc(r->cells, (n + 1) * sizeof(*r->cells));
	for (i = 0; i < n; i++) {
		if (text_norm(csvr_field(r->in, i), csvr_fieldlen(r->in, i),
		    &h) != 0) {
			warnx("%s:%ld: column %zu: the header is not UTF-8 "
			    "(try --encoding)", csvr_name(r->in),
			    csvr_line(r->in), i + 1);
			buf_free(&h);
			return -1;
		}
		buf_add(&r->hdrs, h.s, h.len + 1);
	}
	buf_free(&h);
	/* The names follow each other, each ending in a NUL. */
	for (i = 0, p = r->hdrs.s; i < n; i++, p += strlen(p) + 1)
		r->cells[i] = p;

	/* The format: named, implied by --map, or recognised. */
	if (r->fmt != r->fmt_given)
		format_free(r->fmt);
	r->fmt = r->fmt_given;
	if (r->fmt == NULL && r->overrides->nentries > 0 &&
	    (r->fmt = format_find("plain")) == NULL) {
		warnx("no format file 'plain.fmt' (set CRM_FORMATS)");
		return -1;
	}
	if (r->fmt == NULL) {
		if ((r->fmt = detect_format(r)) == NULL)
			return -1;
		if (!r->quiet)
			warnx("%s: format %s (recognised from the header)",
			    csvr_name(r->in), r->fmt->name);
	}
	r->channel = r->channel_opt != NULL ? r->channel_opt :
	    r->fmt->channel != NULL ? r->fmt->channel : "shop";
	r->key_length = 0;
	if (format_setting(r->fmt, "order_key_length") != NULL) {
		long long kl;

		if (crm_parse_int(format_setting(r->fmt, "order_key_length"),
		    1, 1000, &kl) != 0) {
			warnx("%s: order_key_length must be a number from 1 "
			    "to 1000", r->fmt->file);
			return -1;
		}
		r->key_length = (size_t)kl;
	}
	if (r->kind != NULL && strcmp(r->kind, r->fmt->kind) != 0) {
		warnx("%s: format %s is for %s, not %s", csvr_name(r->in),
		    r->fmt->name, r->fmt->kind, r->kind);
		return -1;
	}
	for (f = 0; f < NFIELDS; f++) {
		r->map.ncol[f] = 0;
		buf_reset(&r->map.hdr[f]);
		if ((e = format_get(r->overrides, field_names[f])) == NULL)
			e = format_get(r->fmt, field_names[f]);
		map_field(r, f, e);
	}
	if (check_columns(r) != 0)
		return -1;
	if (r->rejects != NULL && ftell(r->rejects) == 0)
		fputs("file,line,field,reason,row...\n", r->rejects);
	return 0;
}

/* The fields a kind of file cannot do without. */
static int
check_columns(struct run *r)
{
	static const int need_orders[] = { F_ORDER_ID, F_ORDERED_AT };
	static const int need_events[] = { F_EMAIL, F_EVENT, F_AT };
	static const int need_claims[] = { F_COUPON, F_BUYER, F_AT };
	const int *need = NULL;
	size_t nneed = 0, i;
	const char *k = r->fmt->kind;

	if (strcmp(k, "orders") == 0) {
		need = need_orders;
		nneed = 2;
	} else if (strcmp(k, "events") == 0) {
		need = need_events;
		nneed = 3;
	} else if (strcmp(k, "claims") == 0) {
		need = need_claims;
		nneed = 3;
	}
	for (i = 0; i < nneed; i++)
		if (!HAS(r, need[i])) {
			const struct fmt_entry *e = format_get(r->overrides,
			    field_names[need[i]]);

			if (e == NULL)
				e = format_get(r->fmt, field_names[need[i]]);
			warnx("%s:%ld: no column for field '%s' (looked for "
			    "'%s'; name it with --map %s=COLUMN)",
			    csvr_name(r->in), csvr_line(r->in),
			    field_names[need[i]], e != NULL && e->nvals > 0 ?
			    e->vals[0] : field_names[need[i]],
			    field_names[need[i]]);
			return -1;
		}
	if (strcmp(k, "orders") == 0) {
		if (!HAS(r, F_ACCOUNT) && !HAS(r, F_PHONE) &&
		    !HAS(r, F_EMAIL) && !HAS(r, F_ADDRESS)) {
			warnx("%s:%ld: no column names the buyer: one of "
			    "account, phone or email is needed (see --map)",
			    csvr_name(r->in), csvr_line(r->in));
			return -1;
		}
		if (!HAS(r, F_UNIT_PRICE) && !HAS(r, F_PAID_TOTAL) &&
		    !HAS(r, F_ITEMS)) {
			if (format_setting(r->fmt, "price_missing") == NULL) {
				warnx("%s:%ld: no column for 'unit_price' or "
				    "'paid_total': nothing says what the orders "
				    "are worth", csvr_name(r->in),
				    csvr_line(r->in));
				return -1;
			}
			warnx("%s: %s", csvr_name(r->in),
			    format_setting(r->fmt, "price_missing"));
		}
	} else if (strcmp(k, "members") == 0 && !HAS(r, F_MEMBER_NO) &&
	    !HAS(r, F_PHONE) && !HAS(r, F_EMAIL)) {
		warnx("%s:%ld: no column names the member: one of member_no, "
		    "phone or email is needed", csvr_name(r->in),
		    csvr_line(r->in));
		return -1;
	}
	return 0;
}

static void
tap_sha(void *arg, const void *p, size_t n)
{
	sha256_update(arg, p, n);
}

/*
 * Imports one file inside the run's transaction.  Returns 0, or -1 when
 * the run must stop (a bad row in strict mode, a store error).
 */
static int
import_file(struct run *r, const char *path, int delim, const char *enc)
{
	struct sha256 sha;
	sqlite3_stmt *st;
	char hex[65];
	long line;
	int rc;

	if ((r->in = csvr_open(path, delim, enc)) == NULL) {
		if (errno == EINVAL)
			warnx("%s: unknown encoding (see iconv -l)", enc);
		else
			warn("%s", path);
		return -1;
	}
	sha256_init(&sha);
	csvr_set_tap(r->in, tap_sha, &sha);
	csvr_read_ahead(r->in);		/* a file: read it in a thread */
	r->rows = r->rejected = r->o_new = r->o_updated = r->o_unchanged =
	    r->c_new = r->c_unknown = 0;
	st = store_prepare(r->db, "INSERT INTO imports (file, kind, format,"
	    " started_at) VALUES (?, 'orders', 'plain', ?)");
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, csvr_name(r->in), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
	rc = store_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;
	r->import_id = sqlite3_last_insert_rowid(r->db);
	r->st_fmt = NULL;		/* a new file's format: words anew */
	if (read_header(r) != 0)
		goto fail;
	order_clear(&r->ord);
	for (;;) {
		rc = csvr_next(r->in);
		if (rc == 0)
			break;
		line = csvr_line(r->in);
		if (rc < 0) {
			/* The reader cannot go on past a broken record. */
			warnx("%s:%ld: %s", csvr_name(r->in), line,
			    csvr_error(r->in));
			goto fail;
		}
		r->rows++;
		if ((r->rows & 1023) == 0)
			progress(r, 0);
		switch (r->fmt->kind[0]) {
		case 'm':
			rc = take_member(r);
			break;
		case 'e':
			rc = take_event(r);
			break;
		case 'c':
			rc = take_claim(r);
			break;
		default:
			rc = take_row(r);
		}
		if (rc < 0)
			goto fail;
		if (rc > 0) {
			if (r->rejects == NULL) {
				warnx("%s:%ld: field '%s': %s",
				    csvr_name(r->in), line, r->bad_field,
				    r->bad_why);
				goto fail;
			}
			reject(r, line, r->bad_field, r->bad_why);
		}
	}
	if (flush_order(r) != 0)
		goto fail;
	progress(r, 1);
	if (r->rows == 0 && !r->quiet)
		warnx("%s: no rows after the header", csvr_name(r->in));
	sha256_hex(&sha, hex);
	st = store_prepare(r->db, "UPDATE imports SET sha256 = ?, encoding = ?,"
	    " finished_at = ?, rows_read = ?, rows_rejected = ?,"
	    " orders_new = ?, orders_updated = ?, orders_unchanged = ?,"
	    " customers_new = ?, kind = ?, format = ?, records_new = ?"
	    " WHERE id = ?");
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, csvr_encoding(r->in), -1, SQLITE_STATIC);
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
	if (rc != SQLITE_DONE)
		goto fail;
	if (!r->quiet)
		summary(r);
	csvr_close(r->in);
	r->in = NULL;
	return 0;
fail:
	progress(r, 1);
	csvr_close(r->in);
	r->in = NULL;
	return -1;
}

/* ==== Merges by hand ==== */

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

/* One row of --explain: the customer's id, then cust_explain()'s. */
static void
explain_row(void *arg, const char *const f[5])
{
	const char *row[6];
	int k;

	row[0] = arg;
	for (k = 0; k < 5; k++)
		row[k + 1] = f[k];
	csv_row(stdout, ',', row, 6);
}

/*
 * Prints why the records of customer id are one customer: the values
 * that identify them (and which buyer first gave each), and the merges
 * that folded other customers into this one.
 */
static int
explain(struct run *r, int64_t id)
{
	static const char *const head[] = { "customer_id", "record", "kind",
	    "channel", "value", "detail" };
	char idbuf[24];

	if (customer_exists(r, id) != 0)
		return -1;
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
	csv_row(stdout, ',', head, 6);
	return cust_explain(r->db, id, explain_row, idbuf);
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
static int
split(struct run *r, int64_t id)
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
		    touch(r, nid) != 0)
			goto fail;
		if (!r->quiet)
			fprintf(stderr, "%s: customer %lld: %s is now customer "
			    "%lld\n", crm_prog, (long long)id, key.s,
			    (long long)nid);
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
	    " FROM identities i WHERE i.kind = 'email' AND i.value ="
	    " events.email AND i.shared = 0) WHERE customer_id = ?1", id, 0,
	    NULL) != 0 || touch(r, id) != 0)
		goto fail;
	buf_free(&key);
	return 0;
fail:
	sqlite3_finalize(keys);
	buf_free(&key);
	return -1;
}

/* Joins customer b into a by hand; the merge is for good. */
static int
link_customers(struct run *r, int64_t a, int64_t b)
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

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "channel",	required_argument,	NULL, 'C' },
		{ "db",		required_argument,	NULL, 'D' },
		{ "delimiter",	required_argument,	NULL, 'd' },
		{ "dmy",	no_argument,		NULL, 'M' },
		{ "encoding",	required_argument,	NULL, 'E' },
		{ "explain",	required_argument,	NULL, 'X' },
		{ "link",	required_argument,	NULL, 'L' },
		{ "no-merge",	no_argument,		NULL, 'N' },
		{ "split",	required_argument,	NULL, 'P' },
		{ "format",	required_argument,	NULL, 'f' },
		{ "format-file", required_argument,	NULL, 'G' },
		{ "kind",	required_argument,	NULL, 'K' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "map",	required_argument,	NULL, 'm' },
		{ "map-file",	required_argument,	NULL, 'F' },
		{ "quiet",	no_argument,		NULL, 'q' },
		{ "skip-bad",	required_argument,	NULL, 'S' },
		{ "tab",	no_argument,		NULL, 't' },
		{ "tz",		required_argument,	NULL, 'Z' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	struct run r;
	const char *db_opt = NULL, *enc = NULL, *tz = NULL;
	sqlite3_stmt *st;
	int ch, delim = ',', tab = 0, i, rc = EXIT_DATA, f, op = 0;
	long long id_a = 0, id_b = 0;
	char junk;

	crm_init(argv[0]);
	memset(&r, 0, sizeof(r));
	r.overrides = xmalloc(sizeof(*r.overrides));
	memset(r.overrides, 0, sizeof(*r.overrides));
	r.overrides->kind = xstrdup("orders");
	r.dorder = DATE_MDY;
	while ((ch = getopt_long(argc, argv, "d:hqtV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			r.channel_opt = optarg;
			break;
		case 'D':
			db_opt = optarg;
			break;
		case 'd':
			if (strlen(optarg) != 1)
				crm_usage_error(synopsis, "delimiter must be "
				    "one character: '%s'", optarg);
			delim = (unsigned char)optarg[0];
			break;
		case 'E':
			enc = optarg;
			break;
		case 'F':
			if (map_file(r.overrides, optarg) != 0)
				exit(EXIT_USAGE);
			break;
		case 'f':
			format_free(r.fmt_given);
			if ((r.fmt_given = format_find(optarg)) == NULL)
				crm_usage_error(synopsis, "unknown format '%s' "
				    "(see crm-import(1), FORMATS)", optarg);
			break;
		case 'G':
			format_free(r.fmt_given);
			if ((r.fmt_given = format_load(optarg)) == NULL ||
			    format_check(r.fmt_given, optarg) != 0)
				exit(EXIT_USAGE);
			break;
		case 'K':
			if (strcmp(optarg, "orders") != 0 &&
			    strcmp(optarg, "members") != 0 &&
			    strcmp(optarg, "events") != 0 &&
			    strcmp(optarg, "claims") != 0)
				crm_usage_error(synopsis, "unknown kind '%s' "
				    "(orders, members, events, claims)", optarg);
			r.kind = optarg;
			break;
		case 'h':
			crm_help(synopsis, help);
		case 'M':
			r.dorder = DATE_DMY;
			break;
		case 'L':
			op = 'L';
			if (sscanf(optarg, "%lld,%lld%c", &id_a, &id_b, &junk)
			    != 2 || id_a <= 0 || id_b <= 0)
				crm_usage_error(synopsis, "--link takes two "
				    "customer ids: --link 12,34");
			break;
		case 'N':
			r.no_merge = 1;
			break;
		case 'P':
		case 'X':
			op = ch;
			if (crm_parse_int(optarg, 1, INT64_MAX, &id_a) != 0)
				crm_usage_error(synopsis, "not a customer id: "
				    "'%s'", optarg);
			break;
		case 'm':
			if (map_add(r.overrides, optarg) != 0)
				exit(EXIT_USAGE);
			break;
		case 'q':
			r.quiet = 1;
			break;
		case 'S':
			r.rejects_name = optarg;
			break;
		case 't':
			tab = 1;
			break;
		case 'V':
			crm_version();
			break;
		case 'Z':
			tz = optarg;
			break;
		default:
			crm_usage_error(synopsis, NULL);
		}
	}
	argc -= optind;
	argv += optind;
	if (tab)
		delim = '\t';
	for (i = 0; r.channel_opt != NULL && r.channel_opt[i] != '\0'; i++)
		if (r.channel_opt[i] == ',' || r.channel_opt[i] == ' ')
			crm_usage_error(synopsis, "channel name '%s' has a "
			    "space or a comma", r.channel_opt);
	if (op != 0 && argc > 0)
		crm_usage_error(synopsis, "--explain, --split and --link "
		    "take no files");
	if (r.fmt_given != NULL && r.kind != NULL &&
	    strcmp(r.fmt_given->kind, r.kind) != 0)
		crm_usage_error(synopsis, "format %s is for %s, not %s",
		    r.fmt_given->name, r.fmt_given->kind, r.kind);
	if (tz != NULL && tz_set(tz) != 0)
		crm_usage_error(synopsis, "unknown time zone '%s'", tz);
	r.progress = isatty(STDERR_FILENO);

	if (r.rejects_name != NULL &&
	    (r.rejects = fopen(r.rejects_name, "w")) == NULL)
		err(EXIT_DATA, "%s", r.rejects_name);
	if ((r.db = store_open(crm_db_path(db_opt), STORE_RW)) == NULL)
		exit(EXIT_DATA);
	/*
	 * Foreign keys are declared for everyone who writes to the store but
	 * not enforced in this connection: every id crm-import writes is one
	 * it has just read or made, and enforcing them costs a tenth of a
	 * large import.  The tests check every store they leave with PRAGMA
	 * foreign_key_check.
	 */
	if (store_exec(r.db, "PRAGMA foreign_keys = OFF") != 0 ||
	    store_begin(r.db) != 0)
		goto done;
	if (setup_zone(&r, tz) != 0)
		goto done;
	if (store_exec(r.db, "CREATE TEMP TABLE IF NOT EXISTS touched "
	    "(customer_id INTEGER PRIMARY KEY)") != 0 ||
	    prepare_all(&r) != 0)
		goto done;
	st = store_prepare(r.db, "SELECT NOT EXISTS (SELECT 1 FROM orders),"
	    " NOT EXISTS (SELECT 1 FROM identities)");
	if (st == NULL)
		goto done;
	if (store_step(st) == SQLITE_ROW) {
		r.was_empty = sqlite3_column_int(st, 0);
		r.ids_complete = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	r.ids = keymap_new(IDCACHE);
	if ((r.moved = keymap_new(MOVED)) == NULL) {
		keymap_free(r.ids);
		r.ids = NULL;		/* without them, the store answers */
	}

	if (op == 'X') {
		rc = explain(&r, id_a) == 0 ? crm_finish_stdout() : EXIT_DATA;
		goto done;
	}
	if ((op == 'P' && split(&r, id_a) != 0) ||
	    (op == 'L' && link_customers(&r, id_a, id_b) != 0))
		goto done;
	if (op == 0 && argc == 0) {
		if (import_file(&r, "-", delim, enc) != 0)
			goto done;
	}
	for (i = 0; i < argc; i++)
		if (import_file(&r, argv[i], delim, enc) != 0)
			goto done;
	/* Aggregates: for everyone after a first import, else only for the
	 * customers this run touched. */
	if (store_refresh_stats(r.db, r.was_empty ? NULL : "touched") != 0)
		goto done;
	finalize_all(&r);
	if (store_commit(r.db) != 0)
		goto done;
	rc = 0;
done:
	if (rc != 0 || op == 'X') {
		store_rollback(r.db);
		if (rc != 0 && !r.quiet)
			warnx("nothing was stored");
	}
	finalize_all(&r);
	store_close(r.db);
	order_free(&r.ord);
	for (f = 0; f < NFIELDS; f++) {
		buf_free(&r.val[f]);
		buf_free(&r.map.hdr[f]);
	}
	buf_free(&r.tmp);
	buf_free(&r.buyer);
	buf_free(&r.key);
	buf_free(&r.st_word);
	keymap_free(r.ids);
	keymap_free(r.moved);
	buf_free(&r.hdrs);
	free(r.cells);
	if (r.fmt != r.fmt_given)
		format_free(r.fmt);
	format_free(r.fmt_given);
	format_free(r.overrides);
	buf_free(&r.bad_msg);
	if (r.rejects != NULL && fclose(r.rejects) != 0) {
		warn("%s", r.rejects_name);
		rc = EXIT_DATA;
	}
	return rc;
}
