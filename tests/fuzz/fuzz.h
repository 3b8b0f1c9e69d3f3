/*
 * fuzz.h: what the fuzzers share.  Each fuzz_*.c defines its entry point
 * under the name FUZZ_NAME, which is LLVMFuzzerTestOneInput unless the
 * includer says otherwise; tests/unit/fuzz_regress_test.c includes all of
 * them under other names to replay tests/fuzz/regress without libFuzzer.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "crm.h"
#include "segexpr.h"

/* A broken invariant is a crash, so that libFuzzer saves the input. */
#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* Returns a NUL-terminated copy of the input (which may hold NULs). */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Sets the shop's zone once, as every command does. */
static inline void
fuzz_zone(void)
{
	static int done;

	if (!done) {
		FUZZ_ASSERT(tz_set("Asia/Taipei") == 0);
		done = 1;
	}
}

/* A store with a few customers, orders, lines, members, tags, events. */
static inline sqlite3 *
fuzz_store(void)
{
	static sqlite3 *db;
	char path[] = "/tmp/fuzz_store.XXXXXX";
	int fd;

	if (db != NULL)
		return db;
	if ((fd = mkstemp(path)) < 0)
		abort();
	close(fd);
	unlink(path);
	tz_set("UTC");
	if ((db = store_open(path, STORE_RW)) == NULL)
		abort();
	unlink(path);
	if (store_exec(db,
	    "INSERT INTO customers (id, name, email, channel, first_seen,"
	    " birthday, gender, is_member) VALUES"
	    " (1, 'Ann', 'a@x.com', 'shopee', 0, '1990-11-20', 'F', 0),"
	    " (2, 'Bob', NULL, 'momo', 0, NULL, NULL, 1),"
	    " (3, '陳', NULL, 'qdm', 0, 'bad', 'm', 1);"
	    "INSERT INTO members (channel, member_no, customer_id, joined_at,"
	    " birthday, gender) VALUES ('qdm', 'M3', 3, 1700000000,"
	    " '1999-02-28', 'M');"
	    "INSERT INTO products VALUES (1, 'SKU-1', 'Tea', 'tea'),"
	    " (2, 'SKU-2', 'Mug', NULL);"
	    "INSERT INTO orders (id, channel, order_no, customer_id,"
	    " ordered_at, status, items_total, total, net, lines, digest)"
	    " VALUES (1, 'shopee', 'A', 1, 1730000000, 'completed', 100,"
	    " 100, 100, 1, 0), (2, 'momo', 'B', 2, 1731000000, 'returned',"
	    " 50, 50, 0, 1, 0), (3, 'shopee', 'C', 1, 1732000000, 'pending',"
	    " 70, 70, 70, 1, 0);"
	    "INSERT INTO order_items VALUES (1, 1, 1, 2, 1, 50, 100, NULL),"
	    " (2, 1, 2, 1, 1, 50, 50, NULL), (3, 1, 2, 1, 0, 70, 70, NULL);"
	    "INSERT INTO tags VALUES ('vip', 1, 'fuzz', 0);"
	    "INSERT INTO events (kind, at, customer_id, campaign) VALUES"
	    " ('opened', 1731000000, 1, 'x'), ('clicked', 1731000000, 3, '')")
	    != 0 || store_refresh_stats(db, NULL) != 0)
		abort();
	return db;
}

/*
 * Compiles s as a crm-segment expression, end to end.  A mistake must
 * come back as three lines (message, expression, caret) with the caret
 * within the expression's width; an expression that compiles must become
 * SQL that SQLite accepts and runs on fuzz_store(), as of two days.
 * Returns 0 when s compiled.
 */
static inline int
fuzz_segexpr_run(const char *s)
{
	static const int64_t days[] = { 20030, 19000 };
	struct buf err = { 0 };
	struct segexpr *e;
	const char *nl1, *nl2;
	sqlite3 *db;
	size_t i;

	e = segexpr_compile(s, &err);
	if (e == NULL) {
		/* "expression, column N: ...\n  EXPR\n  ...^" */
		FUZZ_ASSERT(err.s != NULL);
		FUZZ_ASSERT(strncmp(err.s, "expression", 10) == 0);
		nl1 = strchr(err.s, '\n');
		FUZZ_ASSERT(nl1 != NULL);
		nl2 = strchr(nl1 + 1, '\n');
		FUZZ_ASSERT(nl2 != NULL && strchr(nl2 + 1, '\n') == NULL);
		FUZZ_ASSERT(err.s[err.len - 1] == '^');
		FUZZ_ASSERT(strncmp(nl2 + 1, "  ", 2) == 0);
		for (i = 0; nl2[1 + i] == ' '; i++)
			;
		FUZZ_ASSERT(nl2[1 + i] == '^');
		buf_free(&err);
		return -1;
	}
	db = fuzz_store();
	for (i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		FUZZ_ASSERT(stats_asof(db, days[i]) == 0);
		FUZZ_ASSERT(segexpr_select(db, e, days[i], 90, "fz") == 0);
	}
	segexpr_free(e);
	buf_free(&err);
	return 0;
}

#endif /* FUZZ_H */
