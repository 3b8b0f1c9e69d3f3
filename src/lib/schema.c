/*
 * schema.c: the store's tables, as an ordered list of migrations keyed by
 * PRAGMA user_version.  A migration is NEVER edited once released (a store
 * made by it would keep the old text): later versions add to the list.  crm-store(5) documents every table.
 */
#include <err.h>
#include <stdio.h>

#include "crm.h"

/* Migration 9's triggers: a customer_stats row counted in (new) and
 * out of (old) stats_days and stats_gaps; a count that falls to 0 goes. */
#define STATS_PUT \
"  INSERT INTO stats_days VALUES (new.last_day,\n" \
"    min(new.purchase_days, 2), 1)\n" \
"    ON CONFLICT DO UPDATE SET customers = customers + 1;\n" \
"  INSERT INTO stats_gaps SELECT new.second_day - new.first_day, 1\n" \
"    WHERE new.second_day IS NOT NULL\n" \
"    ON CONFLICT DO UPDATE SET customers = customers + 1;\n"
#define STATS_TAKE \
"  UPDATE stats_days SET customers = customers - 1\n" \
"    WHERE last_day = old.last_day\n" \
"    AND purchase_days = min(old.purchase_days, 2);\n" \
"  UPDATE stats_gaps SET customers = customers - 1\n" \
"    WHERE gap = old.second_day - old.first_day;\n" \
"  DELETE FROM stats_days WHERE last_day = old.last_day\n" \
"    AND purchase_days = min(old.purchase_days, 2) AND customers = 0;\n" \
"  DELETE FROM stats_gaps WHERE gap = old.second_day - old.first_day\n" \
"    AND customers = 0;\n"

/* Migration 9's counts of customer_stats as a whole, and its triggers. */
#define STATS_COUNT \
"INSERT INTO stats_days SELECT last_day, min(purchase_days, 2), count(*)\n" \
"  FROM customer_stats GROUP BY 1, 2;\n" \
"INSERT INTO stats_gaps SELECT second_day - first_day, count(*)\n" \
"  FROM customer_stats WHERE second_day IS NOT NULL GROUP BY 1;\n"
#define STATS_TRIGGERS \
"CREATE TRIGGER stats_add AFTER INSERT ON customer_stats BEGIN\n" \
STATS_PUT \
"END;\n" \
"CREATE TRIGGER stats_remove AFTER DELETE ON customer_stats BEGIN\n" \
STATS_TAKE \
"END;\n" \
"CREATE TRIGGER stats_change AFTER UPDATE OF last_day, purchase_days,\n" \
"  first_day, second_day ON customer_stats BEGIN\n" \
STATS_TAKE \
STATS_PUT \
"END;\n"

/*
 * Never edit a migration once it is released: a store that has run it
 * will not run it again, so the change would reach new stores only.
 * Add a migration at the end instead.
 */
static const char *const migrations[] = {
/* 1: everything the five programs need. */
"CREATE TABLE meta (\n"
"  key   TEXT PRIMARY KEY,\n"
"  value TEXT NOT NULL\n"
") WITHOUT ROWID;\n"
"CREATE TABLE imports (\n"
"  id               INTEGER PRIMARY KEY,\n"
"  file             TEXT NOT NULL,\n"
"  sha256           TEXT,\n"
"  kind             TEXT NOT NULL,\n"
"  format           TEXT NOT NULL,\n"
"  encoding         TEXT,\n"
"  started_at       INTEGER NOT NULL,\n"
"  finished_at      INTEGER,\n"
"  rows_read        INTEGER NOT NULL DEFAULT 0,\n"
"  rows_rejected    INTEGER NOT NULL DEFAULT 0,\n"
"  orders_new       INTEGER NOT NULL DEFAULT 0,\n"
"  orders_updated   INTEGER NOT NULL DEFAULT 0,\n"
"  orders_unchanged INTEGER NOT NULL DEFAULT 0,\n"
"  customers_new    INTEGER NOT NULL DEFAULT 0,\n"
"  records_new      INTEGER NOT NULL DEFAULT 0\n"
");\n"
"CREATE TABLE customers (\n"
"  id         INTEGER PRIMARY KEY AUTOINCREMENT,\n"
"  name       TEXT,\n"
"  email      TEXT,\n"
"  phone      TEXT,\n"
"  channel    TEXT NOT NULL,\n"
"  first_seen INTEGER NOT NULL,\n"
"  gender     TEXT,\n"
"  birthday   TEXT,\n"
"  is_member  INTEGER NOT NULL DEFAULT 0\n"
");\n"
"CREATE TABLE identities (\n"
"  kind        TEXT NOT NULL CHECK (kind IN\n"
"                ('account', 'phone', 'email', 'name_address')),\n"
"  channel     TEXT NOT NULL,\n"
"  value       TEXT NOT NULL,\n"
"  customer_id INTEGER NOT NULL REFERENCES customers(id),\n"
"  import_id   INTEGER REFERENCES imports(id),\n"
"  PRIMARY KEY (kind, channel, value)\n"
") WITHOUT ROWID;\n"
"CREATE INDEX identities_customer ON identities(customer_id);\n"
"CREATE TABLE merges (\n"
"  id          INTEGER PRIMARY KEY,\n"
"  kept_id     INTEGER NOT NULL,\n"
"  merged_id   INTEGER NOT NULL,\n"
"  reason      TEXT NOT NULL,\n"
"  import_id   INTEGER REFERENCES imports(id)\n"
");\n"
"CREATE TABLE products (\n"
"  id       INTEGER PRIMARY KEY,\n"
"  sku      TEXT NOT NULL,\n"
"  name     TEXT NOT NULL,\n"
"  category TEXT,\n"
"  UNIQUE (sku, name)\n"
");\n"
"CREATE TABLE orders (\n"
"  id          INTEGER PRIMARY KEY,\n"
"  channel     TEXT NOT NULL,\n"
"  order_no    TEXT NOT NULL,\n"
"  customer_id INTEGER NOT NULL REFERENCES customers(id),\n"
"  ordered_at  INTEGER NOT NULL,\n"
"  status      TEXT NOT NULL CHECK (status IN\n"
"                ('completed', 'pending', 'cancelled', 'returned')),\n"
"  items_total INTEGER NOT NULL,\n"
"  shipping    INTEGER NOT NULL DEFAULT 0,\n"
"  discount    INTEGER NOT NULL DEFAULT 0,\n"
"  total       INTEGER NOT NULL,\n"
"  refund      INTEGER NOT NULL DEFAULT 0,\n"
"  net         INTEGER NOT NULL,\n"
"  coupon      TEXT,\n"
"  lines       INTEGER NOT NULL,\n"
"  digest      INTEGER NOT NULL,\n"
"  import_id   INTEGER REFERENCES imports(id),\n"
"  UNIQUE (channel, order_no)\n"
");\n"
"CREATE INDEX orders_customer ON orders(customer_id, ordered_at);\n"
"CREATE TABLE order_items (\n"
"  order_id     INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,\n"
"  line         INTEGER NOT NULL,\n"
"  product_id   INTEGER NOT NULL REFERENCES products(id),\n"
"  quantity     INTEGER NOT NULL,\n"
"  returned_qty INTEGER NOT NULL DEFAULT 0,\n"
"  unit_price   INTEGER NOT NULL,\n"
"  amount       INTEGER NOT NULL,\n"
"  cost         INTEGER,\n"
"  PRIMARY KEY (order_id, line)\n"
") WITHOUT ROWID;\n"
"CREATE TABLE customer_stats (\n"
"  customer_id   INTEGER PRIMARY KEY REFERENCES customers(id),\n"
"  purchases     INTEGER NOT NULL,\n"
"  purchase_days INTEGER NOT NULL,\n"
"  spent         INTEGER NOT NULL,\n"
"  first_at      INTEGER NOT NULL,\n"
"  last_at       INTEGER NOT NULL,\n"
"  first_day     INTEGER NOT NULL,\n"
"  second_day    INTEGER,\n"
"  last_day      INTEGER NOT NULL\n"
");\n"
"CREATE TABLE members (\n"
"  id          INTEGER PRIMARY KEY,\n"
"  channel     TEXT NOT NULL,\n"
"  member_no   TEXT NOT NULL,\n"
"  customer_id INTEGER NOT NULL REFERENCES customers(id),\n"
"  joined_at   INTEGER,\n"
"  name        TEXT,\n"
"  phone       TEXT,\n"
"  email       TEXT,\n"
"  birthday    TEXT,\n"
"  gender      TEXT,\n"
"  import_id   INTEGER REFERENCES imports(id),\n"
"  UNIQUE (channel, member_no)\n"
");\n"
"CREATE INDEX members_customer ON members(customer_id);\n"
"CREATE TABLE tags (\n"
"  tag         TEXT NOT NULL,\n"
"  customer_id INTEGER NOT NULL REFERENCES customers(id),\n"
"  source      TEXT NOT NULL,\n"
"  added_at    INTEGER NOT NULL,\n"
"  PRIMARY KEY (tag, customer_id)\n"
") WITHOUT ROWID;\n"
"CREATE INDEX tags_customer ON tags(customer_id);\n"
"CREATE TABLE events (\n"
"  id          INTEGER PRIMARY KEY,\n"
"  kind        TEXT NOT NULL,\n"
"  at          INTEGER NOT NULL,\n"
"  customer_id INTEGER REFERENCES customers(id),\n"
"  email       TEXT NOT NULL DEFAULT '',\n"
"  campaign    TEXT NOT NULL DEFAULT '',\n"
"  coupon      TEXT NOT NULL DEFAULT '',\n"
"  import_id   INTEGER REFERENCES imports(id),\n"
"  UNIQUE (kind, at, email, campaign, coupon, customer_id)\n"
");\n"
"CREATE INDEX events_customer ON events(customer_id, kind);\n"
"CREATE TABLE contacts (\n"
"  id           INTEGER PRIMARY KEY,\n"
"  playbook     TEXT NOT NULL,\n"
"  step         TEXT NOT NULL,\n"
"  day          INTEGER NOT NULL,\n"
"  customer_id  INTEGER NOT NULL REFERENCES customers(id),\n"
"  template     TEXT,\n"
"  coupon_code  TEXT,\n"
"  threshold    INTEGER,\n"
"  discount     INTEGER,\n"
"  discount_pct INTEGER,\n"
"  expires_day  INTEGER,\n"
"  grp          TEXT NOT NULL CHECK (grp IN ('treatment', 'holdout')),\n"
"  created_at   INTEGER NOT NULL,\n"
"  UNIQUE (playbook, step, customer_id, day)\n"
");\n"
"CREATE INDEX contacts_customer ON contacts(customer_id, day);\n",
/* 2: one buyer across channels: who first gave each identifying value,
 * values that several buyers share (never used to match), the buyer key
 * of each order (so a merge can be split by hand), and events kept once
 * whether or not their customer is known. */
"ALTER TABLE identities ADD COLUMN claimant TEXT;\n"
"ALTER TABLE identities ADD COLUMN shared INTEGER NOT NULL DEFAULT 0;\n"
"ALTER TABLE orders ADD COLUMN buyer TEXT;\n"
"CREATE UNIQUE INDEX events_once ON events(kind, at, email, campaign,"
" coupon);\n",
/* 3: orders without a known buyer (customer_id NULL: guest checkouts,
 * walk-in sales) and credit notes (status 'credit', a negative net that
 * refunds earlier purchases on its own day).  SQLite cannot change a
 * column's constraints, so orders is rebuilt as its documentation says
 * (schema_migrate runs this with foreign keys off, then checks them). */
"CREATE TABLE orders_new (\n"
"  id          INTEGER PRIMARY KEY,\n"
"  channel     TEXT NOT NULL,\n"
"  order_no    TEXT NOT NULL,\n"
"  customer_id INTEGER REFERENCES customers(id),\n"
"  ordered_at  INTEGER NOT NULL,\n"
"  status      TEXT NOT NULL CHECK (status IN\n"
"                ('completed', 'pending', 'cancelled', 'returned',"
" 'credit')),\n"
"  items_total INTEGER NOT NULL,\n"
"  shipping    INTEGER NOT NULL DEFAULT 0,\n"
"  discount    INTEGER NOT NULL DEFAULT 0,\n"
"  total       INTEGER NOT NULL,\n"
"  refund      INTEGER NOT NULL DEFAULT 0,\n"
"  net         INTEGER NOT NULL,\n"
"  coupon      TEXT,\n"
"  lines       INTEGER NOT NULL,\n"
"  digest      INTEGER NOT NULL,\n"
"  import_id   INTEGER REFERENCES imports(id),\n"
"  buyer       TEXT,\n"
"  UNIQUE (channel, order_no)\n"
");\n"
"INSERT INTO orders_new SELECT id, channel, order_no, customer_id,"
" ordered_at, status, items_total, shipping, discount, total, refund, net,"
" coupon, lines, digest, import_id, buyer FROM orders;\n"
"DROP TABLE orders;\n"
"ALTER TABLE orders_new RENAME TO orders;\n"
"CREATE INDEX orders_customer ON orders(customer_id, ordered_at);\n",
/* 4: crm-playbook A/B variants: which variant of its step each treatment
 * contact got (NULL for a holdout, or a step without variants). */
"ALTER TABLE contacts ADD COLUMN variant TEXT;\n",
/* 5: customers.id with AUTOINCREMENT in every store.  Stores made before
 * migration 1 had it kept plain rowids, which give the id of the highest
 * customer, once merged away, to the next new one: orders, contacts and
 * tags kept elsewhere under that id would then point at someone else.
 * The table is rebuilt with the same ids (schema_migrate turns foreign
 * keys off around this, as SQLite's ALTER TABLE page says to); the
 * sequence starts above every id ever used: the table's, the old
 * sequence's, and every reference, merges included. */
"CREATE TABLE customers_new (\n"
"  id         INTEGER PRIMARY KEY AUTOINCREMENT,\n"
"  name       TEXT,\n"
"  email      TEXT,\n"
"  phone      TEXT,\n"
"  channel    TEXT NOT NULL,\n"
"  first_seen INTEGER NOT NULL,\n"
"  gender     TEXT,\n"
"  birthday   TEXT,\n"
"  is_member  INTEGER NOT NULL DEFAULT 0\n"
");\n"
"INSERT INTO customers_new (id, name, email, phone, channel, first_seen,"
" gender, birthday, is_member) SELECT id, name, email, phone, channel,"
" first_seen, gender, birthday, is_member FROM customers ORDER BY id;\n"
"CREATE TEMP TABLE migrate_seq AS SELECT coalesce(max(x), 0) AS seq FROM ("
" SELECT seq AS x FROM sqlite_sequence WHERE name IN ('customers',"
" 'customers_new')"
" UNION ALL SELECT max(kept_id) FROM merges"
" UNION ALL SELECT max(merged_id) FROM merges"
" UNION ALL SELECT max(customer_id) FROM identities"
" UNION ALL SELECT max(customer_id) FROM orders"
" UNION ALL SELECT max(customer_id) FROM customer_stats"
" UNION ALL SELECT max(customer_id) FROM members"
" UNION ALL SELECT max(customer_id) FROM tags"
" UNION ALL SELECT max(customer_id) FROM events"
" UNION ALL SELECT max(customer_id) FROM contacts);\n"
"DELETE FROM sqlite_sequence WHERE name = 'customers_new';\n"
"INSERT INTO sqlite_sequence (name, seq) SELECT 'customers_new', seq"
" FROM temp.migrate_seq;\n"
"DROP TABLE temp.migrate_seq;\n"
"DROP TABLE customers;\n"
"ALTER TABLE customers_new RENAME TO customers;\n",
/* 6: points used by members (crm-points): one row per redemption in
 * the shop's export, kept once by its channel and reference. */
"CREATE TABLE redemptions (\n"
"  id          INTEGER PRIMARY KEY,\n"
"  channel     TEXT NOT NULL,\n"
"  ref         TEXT NOT NULL,\n"
"  customer_id INTEGER REFERENCES customers(id),\n"
"  at          INTEGER NOT NULL,\n"
"  points      INTEGER NOT NULL CHECK (points > 0),\n"
"  import_id   INTEGER REFERENCES imports(id),\n"
"  UNIQUE (channel, ref)\n"
");\n"
"CREATE INDEX redemptions_customer ON redemptions(customer_id, at);\n",
/* 7: crm-predict's stored fits: a model's parameters as of a day, with
 * a digest of the purchases they were fitted on, so that readers reuse
 * a fit while the data it rests on is unchanged. */
"CREATE TABLE fits (\n"
"  id             INTEGER PRIMARY KEY,\n"
"  model          TEXT NOT NULL,\n"
"  unit           INTEGER NOT NULL CHECK (unit IN (1, 7)),\n"
"  as_of          INTEGER NOT NULL,\n"
"  data_hash      TEXT NOT NULL,\n"
"  p1             REAL NOT NULL,\n"
"  p2             REAL NOT NULL,\n"
"  p3             REAL,\n"
"  p4             REAL,\n"
"  log_likelihood REAL NOT NULL,\n"
"  customers      INTEGER NOT NULL,\n"
"  fitted_at      INTEGER NOT NULL,\n"
"  UNIQUE (model, unit, as_of)\n"
");\n",
/* 8: readers that read only what they need.  orders_customer also holds
 * each order's status and net, so a customer's purchases and revenue are
 * read off the index alone, in (customer, time, id) order as before,
 * without a sort and without the order rows; orders_time finds the
 * newest order, and a period's orders, without reading the others. */
"DROP INDEX orders_customer;\n"
"CREATE INDEX orders_customer ON orders(customer_id, ordered_at, id,"
" status, net);\n"
"CREATE INDEX orders_time ON orders(ordered_at);\n",
/* 9: the counts the weekly readers want, kept up to date by triggers on
 * customer_stats, so that whatever writes it (an import, a merge, a
 * split, a full refresh) keeps them exact: customers by last purchase
 * day and purchase days (1, or 2 for two or more: the stages), and by
 * the gap from their first to their second purchase day (the cycle). */
"CREATE TABLE stats_days (\n"
"  last_day      INTEGER NOT NULL,\n"
"  purchase_days INTEGER NOT NULL,\n"
"  customers     INTEGER NOT NULL,\n"
"  PRIMARY KEY (last_day, purchase_days)\n"
") WITHOUT ROWID;\n"
"CREATE TABLE stats_gaps (\n"
"  gap       INTEGER PRIMARY KEY,\n"
"  customers INTEGER NOT NULL\n"
");\n"
STATS_COUNT
STATS_TRIGGERS,
/* 10: identities found by an integer key.  The table was keyed by its
 * text (kind, channel, value), so each new value landed on a page of
 * its own in a B-tree of wide rows, and a week's import rewrote most of
 * them.  Rows now take their place in insertion order, under an index
 * of small integer entries: key, FNV-1a 64 of the kind and the value
 * (crm_idkey(), the same as store_ident_key()), without the channel so
 * that a lookup on any channel uses it too.  A lookup compares the text
 * as well, so two values of one key never match each other; the writers
 * keep (kind, channel, value) once.  The rows go in by key in two
 * sorted passes (even keys, then odd ones) under the index made first:
 * the first fills its pages, the second splits each as it goes, and the
 * index ends some 90% full, with room for the next week's values.  Made
 * after the rows, it would be packed full and each of that week's
 * inserts would split a page (2.8 million keys and 17,500 new ones:
 * 13,600 pages of the index written instead of 9,800); made first
 * under rows in any other order, every insert would fall on a random
 * page, several times slower on a store of millions.  identities_customer
 * keeps what it held as the old table's index (the primary key came
 * with each entry): a customer's accounts are read off it alone, not
 * from rows all over the table (crm-segment --columns accounts took
 * twice as long). */
"CREATE TABLE identities_new (\n"
"  id          INTEGER PRIMARY KEY,\n"
"  key         INTEGER NOT NULL,\n"
"  kind        TEXT NOT NULL CHECK (kind IN\n"
"                ('account', 'phone', 'email', 'name_address')),\n"
"  channel     TEXT NOT NULL,\n"
"  value       TEXT NOT NULL,\n"
"  customer_id INTEGER NOT NULL REFERENCES customers(id),\n"
"  import_id   INTEGER REFERENCES imports(id),\n"
"  claimant    TEXT,\n"
"  shared      INTEGER NOT NULL DEFAULT 0\n"
");\n"
"CREATE INDEX identities_key ON identities_new(key);\n"
"INSERT INTO identities_new (key, kind, channel, value, customer_id,"
" import_id, claimant, shared) SELECT k, kind, channel, value,"
" customer_id, import_id, claimant, shared FROM (SELECT"
" crm_idkey(kind, value) AS k, * FROM identities) ORDER BY k & 1, k;\n"
"DROP TABLE identities;\n"
"ALTER TABLE identities_new RENAME TO identities;\n"
"CREATE INDEX identities_customer ON identities(customer_id, kind, channel,"
" value);\n",
/* 11: the identities' keys in two tables of their own, for the index
 * identities_key.  A week's new values landed each on its own page of
 * that index, and a week of 17,000 of them rewrote three quarters of its
 * pages (9,800 of 12,700 on a store of 5M lines: 74% of the pages a
 * week's import wrote).  A new identity's key now goes to the small
 * identity_keys_recent, a few hundred pages a week's import writes again
 * and again; when those are more than an eighth of all identities the
 * store has had, the import that finds so moves them into identity_keys
 * in key order, each of its pages written once
 * (store_settle_identities()).  A lookup reads both (CRM_IDKEY_IDS).
 * The writer of identities keeps the keys, as it keeps each value once:
 * a trigger that did cost a first import of 5M lines a fifth more.
 * What a store holds now is settled. */
"CREATE TABLE identity_keys (\n"
"  key INTEGER NOT NULL,\n"
"  id  INTEGER NOT NULL,\n"
"  PRIMARY KEY (key, id)\n"
") WITHOUT ROWID;\n"
"CREATE TABLE identity_keys_recent (\n"
"  key INTEGER NOT NULL,\n"
"  id  INTEGER NOT NULL,\n"
"  PRIMARY KEY (key, id)\n"
") WITHOUT ROWID;\n"
"INSERT INTO identity_keys SELECT key, id FROM identities ORDER BY key, id;\n"
"DROP INDEX identities_key;\n",
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

/*
 * The tables a migration rebuilds (with foreign keys off), whose keys
 * the upgrade must check before it commits: its own and those that refer
 * to them; "*" for every table.  A migration that only adds tables or
 * columns can break no key.  (Checking the whole store was two thirds
 * of migration 10 on a store of 5M lines.)
 */
static const char *const rebuilt[] = {
	[2] = "orders order_items",	/* 3: orders rebuilt */
	[4] = "*",			/* 5: customers, which all refer to */
	[9] = "identities",		/* 10: identities rebuilt */
};

static const char *
rebuilt_by(int v)
{
	return (size_t)v < sizeof(rebuilt) / sizeof(rebuilt[0]) ?
	    rebuilt[v] : NULL;
}

/*
 * customer_stats written whole: schema_stats_off() drops the triggers
 * that count each row in and out of stats_days and stats_gaps, and
 * empties the three tables; schema_stats_on() counts the rows written
 * since in one pass, as migration 9 did, and makes the triggers again,
 * as migration 9 made them.  Within one transaction, nobody sees the
 * store without them.
 */
const char *
schema_stats_off(void)
{
	return "DROP TRIGGER stats_add; DROP TRIGGER stats_remove;"
	    " DROP TRIGGER stats_change; DELETE FROM customer_stats;"
	    " DELETE FROM stats_days; DELETE FROM stats_gaps;";
}

const char *
schema_stats_on(void)
{
	return STATS_COUNT STATS_TRIGGERS;
}

int
schema_version(void)
{
	return NMIGRATIONS;
}

static int
read_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = -1;

	if ((st = store_prepare(db, "PRAGMA user_version")) == NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Runs PRAGMA foreign_key_check, on table t or (NULL) every table: 0
 * when no row breaks a key, 1 when one does, -1 on an error. */
static int
key_broken(sqlite3 *db, const char *t)
{
	sqlite3_stmt *st;
	char *sql;
	int rc;

	sql = t != NULL ? sqlite3_mprintf("PRAGMA foreign_key_check(\"%w\")",
	    t) : sqlite3_mprintf("PRAGMA foreign_key_check");
	if (sql == NULL)
		return -1;
	st = store_prepare(db, sql);
	sqlite3_free(sql);
	if (st == NULL)
		return -1;
	rc = store_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* 0 when no row of a table that migrations [from, NMIGRATIONS) rebuilt
 * breaks a foreign key, else -1 after saying so. */
static int
foreign_keys_hold(sqlite3 *db, const char *path, int from)
{
	char name[64];
	const char *p;
	size_t n;
	int v, rc = 0, all = 0;

	for (v = from; v < NMIGRATIONS; v++)
		all |= rebuilt_by(v) != NULL && strcmp(rebuilt_by(v), "*") == 0;
	if (all)
		rc = key_broken(db, NULL);
	for (v = from; v < NMIGRATIONS && !all && rc == 0; v++)
		for (p = rebuilt_by(v); p != NULL && *p != '\0' && rc == 0;
		    p += n + strspn(p + n, " ")) {
			n = strcspn(p, " ");
			snprintf(name, sizeof(name), "%.*s", (int)n, p);
			rc = key_broken(db, name);
		}
	if (rc > 0)
		warnx("%s: the upgrade would break a foreign key; the store "
		    "is left as it was", path);
	return rc == 0 ? 0 : -1;
}

/*
 * Brings the store up to this program's version, in one transaction so
 * that two programs starting at once migrate it once.  Returns 0, or -1
 * after printing why.
 */
int
schema_migrate(sqlite3 *db, const char *path)
{
	char sql[64];
	int v, from, rc = -1;

	if ((v = read_version(db)) < 0)
		return -1;
	if (v > NMIGRATIONS) {
		warnx("%s: store has schema version %d, newer than this "
		    "program's %d; upgrade crmkit", path, v, NMIGRATIONS);
		return -1;
	}
	if (v == NMIGRATIONS)
		return 0;
	/* Tables are rebuilt with foreign keys off (a DROP would cascade),
	 * and the keys checked before the commit. */
	if (store_exec(db, "PRAGMA foreign_keys = OFF") != 0)
		return -1;
	if (store_begin(db) != 0)
		goto out;
	if ((v = read_version(db)) < 0)
		goto fail;
	from = v;
	for (; v < NMIGRATIONS; v++) {
		if (store_exec(db, migrations[v]) != 0)
			goto fail;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (store_exec(db, sql) != 0)
			goto fail;
	}
	if (foreign_keys_hold(db, path, from) != 0 ||
	    store_exec(db, "PRAGMA application_id = 1129467211") != 0 ||
	    store_commit(db) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	store_rollback(db);
out:
	if (store_exec(db, "PRAGMA foreign_keys = ON") != 0)
		rc = -1;
	return rc;
}
