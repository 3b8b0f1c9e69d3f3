/*
 * store_test.c: what store_open sets on a connection that writes: WAL,
 * foreign keys, and PRAGMA synchronous, NORMAL unless CRM_SYNC=full
 * asks for FULL (a pragma of the connection, so it is read back here,
 * on the connection store_open made); the key of an identity, in C and
 * as the connection's SQL function, against FNV-1a 64 values worked out
 * apart (the published test vectors, and Python for the identities).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"
#include "unit.h"

static char dir[] = "/tmp/store_test.XXXXXX";
static char path[256];

/* One integer from the pragma or query q on db; -1 on error. */
static long long
one(sqlite3 *db, const char *q)
{
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* PRAGMA synchronous of a store opened with CRM_SYNC set to env. */
static long long
sync_with(const char *env)
{
	sqlite3 *db;
	long long v;

	if (env != NULL)
		setenv("CRM_SYNC", env, 1);
	else
		unsetenv("CRM_SYNC");
	if ((db = store_open(path, STORE_RW)) == NULL)
		return -1;
	v = one(db, "PRAGMA synchronous");
	CHECK_INT(one(db, "PRAGMA foreign_keys"), 1);
	sqlite3_close(db);
	return v;
}

/* FNV-1a 64 and identities.key (crm-store(5)). */
static void
test_ident_key(void)
{
	/* The published vectors of FNV-1a 64. */
	CHECK(fnv(FNV_BASIS, "", 0) == 0xcbf29ce484222325ULL);
	CHECK(fnv(FNV_BASIS, "a", 1) == 0xaf63dc4c8601ec8cULL);
	CHECK(fnv(FNV_BASIS, "foobar", 6) == 0x85944171f73967e8ULL);
	/* Over "kind\0value", as a signed integer. */
	CHECK_INT(store_ident_key("account", "u1", 2), -4730229719171593754LL);
	CHECK_INT(store_ident_key("email", "dee@example.com", 15),
	    2654218000125574312LL);
	/* len bytes of the value, not up to its NUL. */
	CHECK_INT(store_ident_key("phone", "0912000111 and more", 10),
	    4389595539537729132LL);
	CHECK_INT(store_ident_key("name_address", "\xe7\x8e\x8b|x", 5),
	    5951002207785250579LL);
}

/* crm_idkey() on a connection store_open made. */
static void
test_sql_ident_key(sqlite3 *db)
{
	CHECK_INT(one(db, "SELECT crm_idkey('account', 'u1')"),
	    -4730229719171593754LL);
	CHECK_INT(one(db, "SELECT crm_idkey('name_address', '王|x')"),
	    5951002207785250579LL);
	CHECK_INT(one(db, "SELECT crm_idkey('phone', NULL) IS NULL"), 1);
}

int
main(void)
{
	char cmd[300];
	sqlite3 *db;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/s.db", dir);
	/* 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
	CHECK_INT(sync_with(NULL), 1);
	CHECK_INT(sync_with(""), 1);
	CHECK_INT(sync_with("normal"), 1);
	CHECK_INT(sync_with("full"), 2);
	CHECK_INT(sync_with("FULL"), 2);
	/* A value it does not know is refused, not taken for either. */
	CHECK_INT(sync_with("extra"), -1);
	unsetenv("CRM_SYNC");

	/* A new store: WAL, the schema's version, customers' sequence. */
	db = store_open(path, STORE_RW);
	CHECK(db != NULL);
	CHECK_INT(one(db, "SELECT journal_mode = 'wal' FROM "
	    "pragma_journal_mode"), 1);
	CHECK_INT(one(db, "PRAGMA user_version"), schema_version());
	CHECK_INT(one(db, "SELECT sql LIKE '%AUTOINCREMENT%' FROM "
	    "sqlite_master WHERE name = 'customers'"), 1);
	test_sql_ident_key(db);
	sqlite3_close(db);
	test_ident_key();

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("could not remove %s\n", dir);
	return unit_done();
}
