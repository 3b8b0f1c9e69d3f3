/*
 * store.c: opening the SQLite store, its settings, transactions and
 * statement helpers, and the per-customer aggregates.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "crm.h"

#define APPLICATION_ID	1129467211	/* "CRMK" */
#define BUSY_MS		60000		/* wait this long for a writer */

/*
 * PRAGMA synchronous for a connection that writes.  NORMAL in WAL mode
 * syncs at checkpoints only, not at each commit: a power loss may lose
 * the last transactions committed since the last checkpoint, never the
 * store's integrity.  CRM_SYNC=full syncs the WAL at every commit, so
 * that what was committed stays committed.  Returns 0, or -1 after
 * printing why.
 */
static int
set_sync(sqlite3 *db)
{
	const char *env = getenv("CRM_SYNC");

	if (env == NULL || *env == '\0' || strcasecmp(env, "normal") == 0)
		return store_exec(db, "PRAGMA synchronous = NORMAL");
	if (strcasecmp(env, "full") == 0)
		return store_exec(db, "PRAGMA synchronous = FULL");
	warnx("CRM_SYNC is '%.20s'; want full or normal", env);
	return -1;
}

/*
 * The store a first import builds aside (store_create): its connection,
 * the file it is built in (path "-new"), the name it gets, and the
 * descriptor that holds the lock on the file.
 */
static struct {
	sqlite3	*db;
	char	*tmp;
	char	*path;
	int	 fd;
} aside = { NULL, NULL, NULL, -1 };

const char *
store_path(sqlite3 *db)
{
	const char *p = sqlite3_db_filename(db, "main");

	if (db != NULL && db == aside.db)
		return aside.path;
	return p != NULL && *p != '\0' ? p : "store";
}

static void
store_warn(sqlite3 *db)
{
	warnx("%s: %s", store_path(db), sqlite3_errmsg(db));
}

int
store_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		warnx("%s: %s", store_path(db), msg != NULL ? msg :
		    sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

sqlite3_stmt *
store_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		store_warn(db);
		return NULL;
	}
	return st;
}

/* Steps st; prints the error unless it is a row or the end. */
int
store_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		store_warn(sqlite3_db_handle(st));
	return rc;
}

/*
 * Writes start with BEGIN IMMEDIATE: a deferred transaction that later
 * tries to write can fail with SQLITE_BUSY however long the timeout.
 */
int
store_begin(sqlite3 *db)
{
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) ==
	    SQLITE_OK)
		return 0;
	if (sqlite3_errcode(db) == SQLITE_BUSY)
		warnx("%s: the store is busy: another program has been "
		    "writing to it for more than %d seconds; try again later",
		    store_path(db), BUSY_MS / 1000);
	else
		store_warn(db);
	return -1;
}

int
store_commit(sqlite3 *db)
{
	return store_exec(db, "COMMIT");
}

void
store_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

/* Creates an empty file readable by its owner only: it holds names,
 * phones and addresses.  SQLite gives its -wal and -shm files the same
 * mode. */
static int
create_private(const char *path)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return errno == EEXIST ? 0 : -1;
	close(fd);
	return 0;
}

/*
 * Puts the store in WAL mode (it stays so).  Changing the journal mode
 * does not wait on the busy handler, so when two programs create a store
 * at once the loser waits here for the winner.
 */
static int
set_wal(sqlite3 *db)
{
	int waited;

	for (waited = 0; waited < BUSY_MS; waited += 50) {
		if (sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL,
		    NULL) == SQLITE_OK)
			return 0;
		if (sqlite3_errcode(db) != SQLITE_BUSY &&
		    sqlite3_errcode(db) != SQLITE_LOCKED)
			break;
		sqlite3_sleep(50);
	}
	store_warn(db);
	return -1;
}

static int
check_store(sqlite3 *db, const char *path)
{
	sqlite3_stmt *st;
	int appid = -1, ver = -1, tables = 0;

	st = store_prepare(db, "SELECT (SELECT application_id FROM "
	    "pragma_application_id), (SELECT user_version FROM "
	    "pragma_user_version), (SELECT count(*) FROM sqlite_master)");
	if (st == NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW) {
		appid = sqlite3_column_int(st, 0);
		ver = sqlite3_column_int(st, 1);
		tables = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	if (ver < 0)
		return -1;
	/* An empty file becomes a store; another program's database not. */
	if ((ver > 0 || tables > 0) && appid != APPLICATION_ID) {
		warnx("%s: not a crmkit store", path);
		return -1;
	}
	return ver;
}

/*
 * Opens the store at path.  STORE_RW creates it when missing and brings
 * its schema up to date; STORE_RO opens an existing store read-only
 * (upgrading an older schema first).  Returns NULL after printing why.
 */
/* crm_day(t): day_of() for SQL, where / truncates toward 0 as in C. */
static void
sql_day(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_int64(ctx, day_of(sqlite3_value_int64(argv[0])));
}

int64_t
store_ident_key(const char *kind, const char *value, size_t len)
{
	return (int64_t)fnv(fnv_s(FNV_BASIS, kind), value, len);
}

/*
 * Runs sql, INSERT ... SELECT ... ORDER BY or GROUP BY, with a page
 * cache of SORT_KIB: SQLite's sorter takes as much memory as the page
 * cache may, which beside the cache itself and crm-import's maps would
 * pass 64 MB once the rows to sort fill it (a first import's keys did:
 * 70 MB; its count of 1M customers by last day, 83 MB).  The cache is
 * then set back.  The settling below sorts at most an eighth
 * of the keys, and there the cache's dirty pages, written out early,
 * cost more (2.4 s against 2.0-2.2 s on the 5M-line store, the same
 * 45 MB peak), so it sorts with the cache it has.  Returns 0, or -1
 * after printing why.
 */
#define SORT_KIB	4096

static int
insert_sorted(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	char set[64];
	int64_t was = 0;
	int rc;

	if ((st = store_prepare(db, "PRAGMA main.cache_size")) == NULL)
		return -1;
	if ((rc = store_step(st)) == SQLITE_ROW)
		was = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return -1;
	snprintf(set, sizeof(set), "PRAGMA main.cache_size = -%d", SORT_KIB);
	if (store_exec(db, set) != 0)
		return -1;
	rc = store_exec(db, sql);
	snprintf(set, sizeof(set), "PRAGMA main.cache_size = %lld",
	    (long long)was);
	return store_exec(db, set) != 0 ? -1 : rc;
}

/*
 * Settles the identities added since the last settling (their keys in
 * identity_keys_recent, put there by crm-import) when they are more than
 * 1/IDENT_SETTLE of all the store has had (its largest id): their keys
 * move into identity_keys in one pass in key order, each of its pages
 * written once.  Until then new keys go into the small recent table, a
 * few pages a week's import writes again and again, instead of one
 * page each across the whole of identity_keys.  Returns how many moved
 * (0: none were due), or -1 after printing why.
 */
int64_t
store_settle_identities(sqlite3 *db)
{
	sqlite3_stmt *st;
	int64_t fresh = 0, all = 0;
	int rc;

	st = store_prepare(db, "SELECT (SELECT count(*) FROM"
	    " identity_keys_recent), (SELECT max(id) FROM identities)");
	if (st == NULL)
		return -1;
	if ((rc = store_step(st)) == SQLITE_ROW) {
		fresh = sqlite3_column_int64(st, 0);
		all = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return -1;
	if (fresh == 0 || fresh * IDENT_SETTLE <= all)
		return 0;
	if (store_exec(db, "INSERT INTO identity_keys"
	    " SELECT key, id FROM identity_keys_recent ORDER BY key, id;"
	    " DELETE FROM identity_keys_recent") != 0)
		return -1;
	return fresh;
}

/*
 * Keys every identity in identity_keys, in one pass in key order, each
 * of its pages written once: for a first import, which has no use for
 * them while its own map of identities is complete (crm-import leaves
 * them until a lookup in the store needs them, or to its end), so that
 * no identity has a key yet in either key table.  Returns 0, or -1 after
 * printing why.
 */
int
store_key_identities(sqlite3 *db)
{
	return insert_sorted(db, "INSERT INTO identity_keys"
	    " SELECT key, id FROM identities ORDER BY key, id");
}

/* crm_idkey(kind, value): store_ident_key() for SQL; NULL from a NULL. */
static void
sql_idkey(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *kind, *value;

	(void)argc;
	kind = (const char *)sqlite3_value_text(argv[0]);
	value = (const char *)sqlite3_value_text(argv[1]);
	if (kind == NULL || value == NULL)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_int64(ctx, store_ident_key(kind, value,
		    (size_t)sqlite3_value_bytes(argv[1])));
}

/*
 * For a program of one thread, before it opens a store: SQLite then need
 * not lock around every call (every column read).
 */
void
store_single_thread(void)
{
	sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
}

/*
 * Opens the store at path (named name in messages) in mode.  One built
 * aside (store_create: path is its -new file, made and locked already)
 * has neither journal nor syncs until store_publish names it.
 */
static sqlite3 *
open_store(const char *path, const char *name, int mode, int built_aside)
{
	sqlite3 *db = NULL;
	struct stat sb;
	int ver, flags;

	if (mode == STORE_RO && stat(path, &sb) != 0) {
		warnx("%s: no store here (import orders with crm-import, "
		    "or name the store with --db or CRM_DB)", path);
		return NULL;
	}
	if (mode == STORE_RW && !built_aside && create_private(path) != 0) {
		warn("%s", path);
		return NULL;
	}
	flags = mode == STORE_RW ? SQLITE_OPEN_READWRITE :
	    SQLITE_OPEN_READONLY;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		warnx("%s: %s", name, db != NULL ? sqlite3_errmsg(db) :
		    "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	if (built_aside)
		aside.db = db;		/* messages name the store */
	sqlite3_busy_timeout(db, BUSY_MS);
	sqlite3_extended_result_codes(db, 0);
	sqlite3_create_function(db, "crm_day", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_day, NULL,
	    NULL);
	sqlite3_create_function_v2(db, "crm_idkey", 2, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_idkey, NULL,
	    NULL, NULL);
	if ((ver = check_store(db, path)) < 0)
		goto fail;
	if (mode == STORE_RO && ver == 0) {
		warnx("%s: empty store (nothing imported yet)", path);
		goto fail;
	}
	if (mode == STORE_RO && ver < schema_version()) {
		/* Upgrade through a writable connection, then read. */
		sqlite3_close(db);
		if ((db = store_open(path, STORE_RW)) == NULL)
			return NULL;
		sqlite3_close(db);
		return store_open(path, STORE_RO);
	}
	if (built_aside) {
		if (store_exec(db, "PRAGMA journal_mode = OFF;"
		    " PRAGMA synchronous = OFF") != 0)
			goto fail;
	} else if (mode == STORE_RW && (set_wal(db) != 0 ||
	    set_sync(db) != 0))
		goto fail;
	if (store_exec(db, "PRAGMA foreign_keys = ON; "
	    "PRAGMA cache_size = -16384; PRAGMA temp_store = FILE") != 0)
		goto fail;
	if (mode == STORE_RW && schema_migrate(db, name) != 0)
		goto fail;
	if (mode == STORE_RO && ver > schema_version()) {
		warnx("%s: store has schema version %d, newer than this "
		    "program's %d; upgrade crmkit", path, ver,
		    schema_version());
		goto fail;
	}
	/* A reader sees one state of the store from its first read to the
	 * end, whatever imports commit meanwhile: every figure it prints
	 * comes from the same data, however many statements read it. */
	if (mode == STORE_RO && store_exec(db, "BEGIN") != 0)
		goto fail;
	return db;
fail:
	if (db == aside.db)
		aside.db = NULL;
	sqlite3_close(db);
	return NULL;
}

sqlite3 *
store_open(const char *path, int mode)
{
	return open_store(path, path, mode, 0);
}

/* Drops what store_create made aside: the file, its lock, the names. */
static void
aside_drop(void)
{
	if (aside.tmp != NULL)
		unlink(aside.tmp);
	if (aside.fd >= 0)
		close(aside.fd);	/* and with it the lock */
	sqlite3_free(aside.tmp);
	sqlite3_free(aside.path);
	aside.db = NULL;
	aside.tmp = aside.path = NULL;
	aside.fd = -1;
}

/*
 * Takes the lock on aside.tmp, which the creator of a store holds until
 * the store has its name: waits for another creator (BUSY_MS at most),
 * and makes sure the file it locked is still the one of that name (a
 * creator that failed removed its own).  Returns 0 with the file locked
 * and empty, 1 when the store came to exist meanwhile, -1 after printing
 * why.
 */
static int
aside_lock(void)
{
	struct stat a, b;
	int waited = 0, same;

	for (;;) {
		aside.fd = open(aside.tmp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (aside.fd < 0) {
			warn("%s", aside.path);
			return -1;
		}
		while (flock(aside.fd, LOCK_EX | LOCK_NB) != 0) {
			if (errno != EWOULDBLOCK && errno != EINTR) {
				warn("%s", aside.tmp);
				return -1;
			}
			if (waited >= BUSY_MS) {
				warnx("%s: the store is busy: another program "
				    "has been creating it for more than %d "
				    "seconds; try again later", aside.path,
				    BUSY_MS / 1000);
				return -1;
			}
			sqlite3_sleep(50);
			waited += 50;
		}
		same = fstat(aside.fd, &a) == 0 && stat(aside.tmp, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
		if (access(aside.path, F_OK) == 0 || errno != ENOENT) {
			/* Made meanwhile: nobody builds it now. */
			if (same)
				unlink(aside.tmp);
			close(aside.fd);
			aside.fd = -1;
			return 1;
		}
		if (same)
			break;
		close(aside.fd);	/* removed meanwhile: again */
	}
	if (ftruncate(aside.fd, 0) != 0) {	/* left by a run killed */
		warn("%s", aside.tmp);
		return -1;
	}
	return 0;
}

/*
 * Opens the store at path for an import, as store_open(path, STORE_RW),
 * except that a store that does not exist yet is built aside, in
 * path "-new", with neither journal nor syncs, and gets its name from
 * store_publish once committed: until then other programs find no
 * store, and a run that fails or is killed leaves none (a killed one
 * may leave the -new file, which the next creator reuses).  Writing
 * each page once, instead of into the WAL and again into the store,
 * saves a first import of 1M lines about a tenth of its time.
 */
sqlite3 *
store_create(const char *path)
{
	sqlite3 *db;
	struct stat sb;
	int rc;

	if (*path == '\0' || strcmp(path, ":memory:") == 0 ||
	    strncmp(path, "file:", 5) == 0 || aside.path != NULL ||
	    lstat(path, &sb) == 0 || errno != ENOENT)
		return store_open(path, STORE_RW);
	aside.path = sqlite3_mprintf("%s", path);
	aside.tmp = sqlite3_mprintf("%s-new", path);
	if (aside.path == NULL || aside.tmp == NULL) {
		aside_drop();
		warnx("out of memory");
		return NULL;
	}
	if ((rc = aside_lock()) != 0) {
		/* The -new file stays: another creator's, or the next's. */
		sqlite3_free(aside.tmp);
		aside.tmp = NULL;
		aside_drop();
		return rc < 0 ? NULL : store_open(path, STORE_RW);
	}
	if ((db = open_store(aside.tmp, path, STORE_RW, 1)) == NULL)
		aside_drop();
	return db;
}

/*
 * Names the store that store_create built aside, once its transaction
 * is committed: puts it in WAL mode, closes it (*db becomes NULL), syncs
 * it and links it to its name, which nobody else may have taken
 * meanwhile.  Does nothing for any other store.  Returns 0, or -1 after
 * printing why, and then no store has the name.
 */
int
store_publish(sqlite3 **db)
{
	int rc = -1, fd;
	char *dir, *slash;

	if (*db == NULL || *db != aside.db)
		return 0;
	if (store_exec(*db, "PRAGMA journal_mode = WAL") != 0)
		goto out;
	if (sqlite3_close(*db) != SQLITE_OK) {
		store_warn(*db);
		goto out;
	}
	*db = NULL;
	if (fsync(aside.fd) != 0) {
		warn("%s", aside.tmp);
		goto out;
	}
	if (link(aside.tmp, aside.path) != 0) {
		if (errno == EEXIST)
			warnx("%s: another program made a store of this name "
			    "meanwhile", aside.path);
		else
			warn("%s", aside.path);
		goto out;
	}
	/* The name on disk: sync the directory that holds it. */
	if ((dir = sqlite3_mprintf("%s", aside.path)) != NULL) {
		slash = strrchr(dir, '/');
		if (slash == NULL)
			strcpy(dir, ".");
		else
			slash[slash == dir] = '\0';
		if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
			fsync(fd);
			close(fd);
		}
		sqlite3_free(dir);
	}
	rc = 0;
out:
	if (*db != NULL) {
		sqlite3_close(*db);
		*db = NULL;
	}
	aside_drop();
	return rc;
}

void
store_close(sqlite3 *db)
{
	sqlite3_close(db);
	if (db != NULL && db == aside.db)
		aside_drop();	/* never named: nothing was stored */
}

/* Reads meta.key into out; returns out->s, or NULL when unset. */
const char *
store_meta(sqlite3 *db, const char *key, struct buf *out)
{
	sqlite3_stmt *st;
	const char *v = NULL;

	buf_reset(out);
	st = store_prepare(db, "SELECT value FROM meta WHERE key = ?");
	if (st == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (store_step(st) == SQLITE_ROW) {
		buf_adds(out, (const char *)sqlite3_column_text(st, 0));
		v = out->s;
	}
	sqlite3_finalize(st);
	return v;
}

int
store_set_meta(sqlite3 *db, const char *key, const char *value)
{
	sqlite3_stmt *st;
	int rc;

	st = store_prepare(db, "INSERT OR REPLACE INTO meta VALUES (?, ?)");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = store_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* A row of customer_stats rewritten only where it changes: an unchanged
 * customer is neither written nor counted again by the triggers. */
#define UPSERT \
	" ON CONFLICT (customer_id) DO UPDATE SET purchases ="	\
	" excluded.purchases, purchase_days = excluded.purchase_days,"	\
	" spent = excluded.spent, first_at = excluded.first_at,"	\
	" last_at = excluded.last_at, first_day = excluded.first_day,"	\
	" second_day = excluded.second_day, last_day = excluded.last_day" \
	" WHERE (purchases, purchase_days, spent, first_at, last_at,"	\
	" first_day, second_day, last_day) IS NOT (excluded.purchases,"	\
	" excluded.purchase_days, excluded.spent, excluded.first_at,"	\
	" excluded.last_at, excluded.first_day, excluded.second_day,"	\
	" excluded.last_day)"

/*
 * Computes per-customer aggregates into table `into` (customer_stats'
 * columns): purchases (the orders neither cancelled nor fully returned)
 * give the counts, purchase days and first, second and last days; spent
 * is the net of the purchases and of the credit notes (returns, whose
 * net is negative), so it may be 0 or below.  A customer with credits
 * but no purchase has no row, nor do orders of no known buyer.  For the
 * customers in TEMP table `only` (column customer_id) or everyone when
 * only is NULL, on channel `channel` or any when NULL, counting orders
 * placed before `before` (local seconds; INT64_MAX for all).  Several
 * orders on one local day are one purchase day.  One pass over the
 * orders in (customer, time) order, which the index orders_customer
 * gives without sorting; memory stays that of one customer.  On one
 * channel, the index would fetch every order to test its channel: a
 * plain scan and a sort cost less.
 */
static int
compute_stats(sqlite3 *db, const char *into, const char *only,
    const char *channel, int64_t before, int upsert)
{
	sqlite3_stmt *sel = NULL, *ins = NULL;
	char *sql;
	int64_t cur = 0, at, day, net, lastday = 0;
	int64_t n = 0, days = 0, spent = 0, first_at = 0, last_at = 0;
	int64_t first_day = 0, second_day = -1;
	int rc = -1, step, credit, own;

	if (only != NULL)
		sql = sqlite3_mprintf("SELECT customer_id, ordered_at, net,"
		    " status = 'credit' FROM orders WHERE " CRM_REVENUE("")
		    " AND ordered_at < ?1 AND (?2 IS NULL OR channel = ?2)"
		    " AND customer_id IN (SELECT customer_id FROM temp.\"%w\")"
		    " ORDER BY customer_id, ordered_at", only);
	else
		sql = sqlite3_mprintf("SELECT customer_id, ordered_at, net,"
		    " status = 'credit' FROM orders %s WHERE " CRM_REVENUE("")
		    " AND customer_id IS NOT NULL"
		    " AND ordered_at < ?1%s ORDER BY customer_id, ordered_at",
		    channel == NULL ? "INDEXED BY orders_customer" :
		    "NOT INDEXED", channel == NULL ? "" : " AND channel = ?2");
	if (sql == NULL)
		return -1;
	/*
	 * One transaction: outside one, each row written to a TEMP table
	 * would be a transaction of its own on the temp file.  Inside the
	 * caller's (an import) no savepoint: it would journal every page
	 * the rows touch a second time, to undo what the caller's own
	 * rollback undoes anyway.
	 */
	own = sqlite3_get_autocommit(db);
	if (own && store_exec(db, "SAVEPOINT compute_stats") != 0) {
		sqlite3_free(sql);
		return -1;
	}
	sel = store_prepare(db, sql);
	sqlite3_free(sql);
	sql = sqlite3_mprintf("INSERT INTO %s (customer_id, purchases,"
	    " purchase_days, spent, first_at, last_at, first_day, second_day,"
	    " last_day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)%s", into,
	    upsert ? UPSERT : "");
	if (sql == NULL || sel == NULL)
		goto out;
	ins = store_prepare(db, sql);
	if (ins == NULL)
		goto out;
	sqlite3_bind_int64(sel, 1, before);
	if (channel != NULL)
		sqlite3_bind_text(sel, 2, channel, -1, SQLITE_STATIC);
	for (;;) {
		step = store_step(sel);
		if (step != SQLITE_ROW && step != SQLITE_DONE)
			goto out;
		if (step == SQLITE_DONE || sqlite3_column_int64(sel, 0) != cur) {
			if (n > 0) {
				sqlite3_bind_int64(ins, 1, cur);
				sqlite3_bind_int64(ins, 2, n);
				sqlite3_bind_int64(ins, 3, days);
				sqlite3_bind_int64(ins, 4, spent);
				sqlite3_bind_int64(ins, 5, first_at);
				sqlite3_bind_int64(ins, 6, last_at);
				sqlite3_bind_int64(ins, 7, first_day);
				if (second_day >= 0)
					sqlite3_bind_int64(ins, 8, second_day);
				else
					sqlite3_bind_null(ins, 8);
				sqlite3_bind_int64(ins, 9, lastday);
				if (store_step(ins) != SQLITE_DONE)
					goto out;
				sqlite3_reset(ins);
			}
			if (step == SQLITE_DONE)
				break;
			cur = sqlite3_column_int64(sel, 0);
			n = days = spent = 0;
			second_day = -1;
		}
		at = sqlite3_column_int64(sel, 1);
		net = sqlite3_column_int64(sel, 2);
		credit = sqlite3_column_int(sel, 3);
		if (money_add(&spent, net) != 0) {
			warnx("%s: customer %lld: spend overflows",
			    store_path(db), (long long)cur);
			goto out;
		}
		if (credit)
			continue;	/* a return: spend, not a purchase */
		day = day_of(at);
		if (n == 0) {
			first_at = at;
			first_day = day;
			days = 1;
		} else if (day != lastday && ++days == 2)
			second_day = day;
		lastday = day;
		last_at = at;
		n++;
	}
	rc = 0;
out:
	sqlite3_free(sql);
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	if (!own)
		return rc;
	if (rc != 0)
		sqlite3_exec(db, "ROLLBACK TO compute_stats", NULL, NULL, NULL);
	if (sqlite3_exec(db, "RELEASE compute_stats", NULL, NULL, NULL) !=
	    SQLITE_OK)
		rc = -1;
	return rc;
}

int
store_compute_stats(sqlite3 *db, const char *into, const char *only,
    const char *channel, int64_t before)
{
	return compute_stats(db, into, only, channel, before, 0);
}

/*
 * Recomputes customer_stats for the customers in TEMP table `only`, or
 * for everyone when only is NULL.  For everyone, the counts the
 * triggers keep are made once at the end (a first import of 1M lines:
 * the rows took 0.29 s through the triggers, 0.08 s without them).  For
 * some customers (a week's import) each row is written over where it
 * changed, and dropped where its customer has no purchase left:
 * deleting all of them first and inserting them again wrote every row
 * twice, each through the triggers, and journalled every page the one
 * DELETE touched.
 */
int
store_refresh_stats(sqlite3 *db, const char *only)
{
	char *sql;
	int rc;

	if (only == NULL)
		return store_exec(db, schema_stats_off()) != 0 ||
		    compute_stats(db, "customer_stats", NULL, NULL, INT64_MAX,
		    0) != 0 || insert_sorted(db, schema_stats_on()) != 0 ?
		    -1 : 0;
	if (compute_stats(db, "customer_stats", only, NULL, INT64_MAX, 1) !=
	    0)
		return -1;
	sql = sqlite3_mprintf("DELETE FROM customer_stats WHERE customer_id IN"
	    " (SELECT customer_id FROM temp.\"%w\") AND NOT EXISTS (SELECT 1"
	    " FROM orders o WHERE o.customer_id = customer_stats.customer_id"
	    " AND " CRM_PURCHASE("o.") ")", only);
	if (sql == NULL)
		return -1;
	rc = store_exec(db, sql);
	sqlite3_free(sql);
	return rc;
}
