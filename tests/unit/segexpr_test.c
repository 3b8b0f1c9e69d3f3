/*
 * segexpr_test.c: the audience language compiles what crm-segment(1)
 * shows, refuses mistakes with a caret under the right column, and
 * selects the right customers from a small store built here.
 */
#include <stdlib.h>
#include <unistd.h>

#include "crm.h"
#include "rfm.h"
#include "segexpr.h"
#include "unit.h"

static int
compiles(const char *expr)
{
	struct buf err = { 0 };
	struct segexpr *e = segexpr_compile(expr, &err);
	int ok = e != NULL;

	if (!ok)
		printf("# %s\n", err.s);
	segexpr_free(e);
	buf_free(&err);
	return ok;
}

/* The error text for expr, or "" when it compiles. */
static const char *
error_of(const char *expr)
{
	static struct buf err;
	struct segexpr *e;

	buf_reset(&err);
	e = segexpr_compile(expr, &err);
	if (e != NULL) {
		segexpr_free(e);
		return "";
	}
	return err.s;
}

static sqlite3 *db;

/* The ids matching expr as of day asof, as "1 2 3". */
static const char *
ids(const char *expr, int64_t asof)
{
	static struct buf out;
	struct buf err = { 0 };
	struct segexpr *e;
	sqlite3_stmt *st;

	buf_reset(&out);
	buf_adds(&out, "");
	if ((e = segexpr_compile(expr, &err)) == NULL) {
		printf("# %s\n", err.s);
		buf_free(&err);
		return "error";
	}
	if (stats_asof(db, asof) != 0 ||
	    segexpr_select(db, e, asof, 100, "aud") != 0) {
		segexpr_free(e);
		return "error";
	}
	segexpr_free(e);
	st = store_prepare(db, "SELECT customer_id FROM temp.aud ORDER BY 1");
	while (store_step(st) == SQLITE_ROW)
		buf_printf(&out, "%s%lld", out.len > 0 ? " " : "",
		    (long long)sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	return out.s;
}

int
main(void)
{
	char path[] = "/tmp/segexpr_test.XXXXXX";
	int fd;
	int64_t d1111 = days_from_civil(2024, 11, 11);

	/* What crm-segment(1) shows. */
	CHECK(compiles("orders >= 2 and spent > 3000"));
	CHECK(compiles("last_order < -90d"));
	CHECK(compiles("bought(sku = 'SKU-0042', since -30d) >= 1"));
	CHECK(compiles("stage = 'lost'"));
	CHECK(compiles("rfm_segment IN ('At Risk', \"Can't Lose Them\")"));
	CHECK(compiles("tag = 'vip'"));
	CHECK(compiles("opened('double11')"));
	CHECK(compiles("not clicked(any, since -30d)"));
	CHECK(compiles("channel = 'momo'"));
	CHECK(compiles("birthday_month = 11"));
	CHECK(compiles("age BETWEEN 25 AND 34"));
	CHECK(compiles("orders(between 2024-11-01 and 2024-11-11) >= 1 and "
	    "orders(after 2024-11-11) >= 1 and aov(after 2024-11-11) >= "
	    "shop_aov"));
	CHECK(compiles("bought(category = 'tea' or product contains '烏龍',"
	    " between -1y and today) >= 2"));
	CHECK(compiles("lost and not tag in ('vip', 'staff')"));
	CHECK(compiles("name not contains 'test' and email matches "
	    "'*@gmail.com'"));
	CHECK(compiles("first_order >= 2024-01-01 and days_since <= 30"));
	CHECK(compiles("'x' = 'x'") == 0);

	/* Mistakes, with the caret under the column. */
	CHECK_STR(error_of("orders >= 2 and spnt > 3000"),
	    "expression, column 17: unknown field 'spnt'; did you mean "
	    "'spent'?\n"
	    "  orders >= 2 and spnt > 3000\n"
	    "                  ^");
	CHECK_STR(error_of("last_order < 2024-13-01"),
	    "expression, column 14: bad date '2024-13-01': month out of "
	    "range\n"
	    "  last_order < 2024-13-01\n"
	    "               ^");
	CHECK_STR(error_of("stage = 'gone'"),
	    "expression, column 9: unknown stage 'gone' (stages are "
	    "potential, new, active, lost)\n"
	    "  stage = 'gone'\n"
	    "          ^");
	CHECK_STR(error_of("orders >= 'two'"),
	    "expression, column 11: 'orders' wants a whole number here, not "
	    "quoted text\n"
	    "  orders >= 'two'\n"
	    "            ^");
	CHECK_STR(error_of("(orders > 1"),
	    "expression, column 12: expected ')' to close the '(' at column "
	    "1, not the end\n"
	    "  (orders > 1\n"
	    "             ^");
	CHECK_STR(error_of("name = '陳' and x"),
	    "expression, column 17: unknown field 'x' (fields are orders, "
	    "spent, aov, first_order, last_order, days_since, "
	    "purchase_days, stage, r, f, m, rfm, rfm_segment, tag, channel, "
	    "name, email, phone, gender, age, birthday_month, joined, "
	    "member, customer_id; see crm-segment(1))\n"
	    "  name = '陳' and x\n"
	    "                  ^");
	CHECK(strstr(error_of("spent"), "expected an operator") != NULL);
	CHECK(strstr(error_of("tag > 'a'"), "cannot be compared") != NULL);
	CHECK(strstr(error_of("orders >= 2 extra"), "expected and, or") !=
	    NULL);
	CHECK(strstr(error_of(""), "empty expression") != NULL);
	CHECK(strstr(error_of("name = 'x"), "unterminated") != NULL);
	CHECK(strstr(error_of("bought(colour = 'red')"),
	    "unknown product field 'colour'") != NULL);
	CHECK(strstr(error_of("boght(any)"),
	    "unknown function 'boght'; did you mean 'bought'?") != NULL);
	CHECK(strstr(error_of("sku = 'x'"), "fields are") != NULL);
	CHECK(strstr(error_of("orders(sku = 'x')"), "expected a window")
	    != NULL);

	/* A small store: customers 1-4, member 5. */
	if ((fd = mkstemp(path)) < 0)
		return 1;
	close(fd);
	unlink(path);
	tz_set("UTC");
	db = store_open(path, STORE_RW);
	CHECK(db != NULL);
	if (db == NULL)
		return unit_done();
	CHECK(store_exec(db,
	    "INSERT INTO customers (id, name, channel, first_seen, birthday,"
	    " gender, is_member) VALUES"
	    " (1, 'Ann', 'shopee', 0, '1990-11-20', 'F', 0),"
	    " (2, 'Bob', 'momo', 0, NULL, NULL, 0),"
	    " (3, 'Cat', 'shopee', 0, '2000-01-01', 'f', 0),"
	    " (4, 'Dan', 'qdm', 0, NULL, NULL, 0),"
	    " (5, 'Eve', 'qdm', 0, '1995-11-11', 'F', 1);"
	    "INSERT INTO members (channel, member_no, customer_id) VALUES"
	    " ('qdm', 'M5', 5);"
	    "INSERT INTO products VALUES (1, 'SKU-1', 'Oolong tea', 'tea'),"
	    " (2, 'SKU-2', 'Mug', 'ware');"
	    "INSERT INTO tags VALUES ('vip', 1, 'test', 0),"
	    " ('vip', 3, 'test', 0);"
	    "INSERT INTO events (kind, at, customer_id, campaign) VALUES"
	    " ('opened', 20038 * 86400, 1, 'double11'),"
	    " ('clicked', 20040 * 86400, 2, 'double11')") == 0);
	/* Orders: (id, customer, day, status, net, channel, sku). */
	CHECK(store_exec(db,
	    "CREATE TEMP TABLE o (id, cust, day, status, net, ch, prod);"
	    "INSERT INTO o VALUES"
	    " (1, 1, 20030, 'completed', 100000, 'shopee', 1),"
	    " (2, 1, 20040, 'completed', 500000, 'shopee', 2),"
	    " (3, 2, 20039, 'completed', 50000, 'momo', 1),"
	    " (4, 2, 20039, 'cancelled', 0, 'momo', 1),"
	    " (5, 3, 20000, 'completed', 20000, 'shopee', 2),"
	    " (6, 3, 20045, 'completed', 30000, 'momo', 1),"
	    " (7, 4, 20050, 'returned', 0, 'qdm', 1);"
	    "INSERT INTO orders (id, channel, order_no, customer_id,"
	    " ordered_at, status, items_total, total, net, lines, digest)"
	    " SELECT id, ch, 'N' || id, cust, day * 86400 + 3600, status, net,"
	    " net, net, 1, 0 FROM o;"
	    "INSERT INTO order_items SELECT id, 1, prod, 1, 0, net, net, NULL"
	    " FROM o") == 0);
	CHECK(store_refresh_stats(db, NULL) == 0);

	CHECK_STR(ids("orders >= 2", 20050), "1 3");
	CHECK_STR(ids("orders >= 2", 20035), "");
	CHECK_STR(ids("orders = 0", 20050), "5");
	CHECK_STR(ids("purchased", 20050), "1 2 3");
	CHECK_STR(ids("spent > 1000", 20050), "1");
	CHECK_STR(ids("spent > 1000", 20039), "");
	CHECK_STR(ids("channel = 'momo'", 20050), "2 3");
	CHECK_STR(ids("channel = 'momo'", 20040), "2");
	CHECK_STR(ids("channel = 'qdm'", 20050), "5");
	CHECK_STR(ids("channel != 'shopee'", 20050), "2 5");
	CHECK_STR(ids("tag = 'vip'", 20050), "1 3");
	CHECK_STR(ids("not tag = 'vip'", 20050), "2 5");
	CHECK_STR(ids("tag != 'vip'", 20050), "2 5");
	CHECK_STR(ids("opened('double11')", 20050), "1");
	CHECK_STR(ids("opened('double11')", 20037), "");
	CHECK_STR(ids("not clicked(any, since -30d)", 20050), "1 3 5");
	CHECK_STR(ids("bought(sku = 'SKU-1') >= 1", 20050), "1 2 3");
	CHECK_STR(ids("bought(category = 'tea', since -10d)", 20045), "2 3");
	CHECK_STR(ids("bought(product contains 'OOLONG', before 2024-11-11)",
	    20050), "1");
	CHECK_STR(ids("last_order < -10d", 20050), "2");
	CHECK_STR(ids("not last_order < -10d", 20050), "1 3 5");
	CHECK_STR(ids("first_order = 2024-11-12", 20050), "2");
	CHECK_STR(ids("days_since between 5 and 11", 20050), "1 2 3");
	CHECK_STR(ids("birthday_month = 11", 20050), "1 5");
	CHECK_STR(ids("age between 25 and 34", d1111), "1 5");
	CHECK_STR(ids("age = 29", d1111), "5");
	CHECK_STR(ids("age = 33", d1111), "1");
	CHECK_STR(ids("gender = 'F'", 20050), "1 3 5");
	CHECK_STR(ids("member", 20050), "5");
	CHECK_STR(ids("stage = 'potential'", 20050), "5");
	CHECK_STR(ids("lost", 20160), "1 2 3");
	CHECK_STR(ids("name in ('Ann', 'Dan') or customer_id = 2", 20050),
	    "1 2");
	CHECK_STR(ids("aov > 2000", 20050), "1");
	CHECK_STR(ids("aov(after 2024-11-01) >= shop_aov", 20050), "1");
	CHECK_STR(ids("spent(since -15d) = 5000 and orders(since -15d) = 1",
	    20050), "1");
	CHECK_STR(ids("rfm_segment != ''", 20050), "1 2 3");
	CHECK_STR(ids("r = 4", 20050), "3");

	store_close(db);
	unlink(path);
	return unit_done();
}
