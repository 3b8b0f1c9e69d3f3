#!/bin/sh
# A store from before customers.id had AUTOINCREMENT (schema version 1
# as first released): upgraded, it keeps every id and reference, and a
# new customer never gets the id of one merged or deleted away.
test_description='store: upgrading a version 1 store'
. "$(dirname "$0")/test-lib.sh"

H='order_id,ordered_at,account,name,unit_price,qty,status'

# The shape of a version 1 store: customers with a plain rowid, none of
# the columns, tables, indexes and triggers of versions 2 to 9,
# user_version 1 (a new
# migration that adds a table or column must be undone here too).  It is
# made from a new store, as
# the first crmkit would have left it.
test_expect_success 'a version 1 store' '
	printf "%s\nA1,2024-01-01,u1,Ann,1,1,completed\nA2,2024-01-02,u2,Bob,2,1,completed\nA3,2024-01-03,u3,Cat,3,1,completed\n" \
	    "$H" >orders.csv &&
	crm-import -q --db v1.db orders.csv &&
	sqlite3 v1.db "
	    PRAGMA foreign_keys = OFF;
	    BEGIN;
	    CREATE TABLE c1 (id INTEGER PRIMARY KEY, name TEXT, email TEXT,
	      phone TEXT, channel TEXT NOT NULL, first_seen INTEGER NOT NULL,
	      gender TEXT, birthday TEXT, is_member INTEGER NOT NULL DEFAULT 0);
	    INSERT INTO c1 SELECT * FROM customers;
	    DROP TABLE customers;
	    ALTER TABLE c1 RENAME TO customers;
	    DELETE FROM sqlite_sequence;
	    ALTER TABLE identities DROP COLUMN claimant;
	    ALTER TABLE identities DROP COLUMN shared;
	    ALTER TABLE orders DROP COLUMN buyer;
	    DROP INDEX events_once;
	    ALTER TABLE contacts DROP COLUMN variant;
	    DROP TABLE redemptions;
	    DROP TABLE fits;
	    DROP INDEX orders_time;
	    DROP INDEX orders_customer;
	    CREATE INDEX orders_customer ON orders(customer_id, ordered_at);
	    DROP TRIGGER stats_add;
	    DROP TRIGGER stats_remove;
	    DROP TRIGGER stats_change;
	    DROP TABLE stats_days;
	    DROP TABLE stats_gaps;
	    PRAGMA user_version = 1;
	    COMMIT;" &&
	test "$(sql v1.db "SELECT sql LIKE \"%AUTOINCREMENT%\" FROM sqlite_master
	    WHERE name = \"customers\"")" = 0 &&
	sql v1.db "SELECT id, name FROM customers ORDER BY id" >ids &&
	printf "1|Ann\n2|Bob\n3|Cat\n" >expect &&
	test_cmp expect ids
'

test_expect_success 'a plain rowid gives the highest id again (what went wrong)' '
	cp v1.db plain.db &&
	sqlite3 plain.db "DELETE FROM customers WHERE id = 3;
	    INSERT INTO customers (name, channel, first_seen)
	    VALUES (\"Dan\", \"shopee\", 0);
	    SELECT id FROM customers WHERE name = \"Dan\"" >id &&
	test "$(cat id)" = 3
'

test_expect_success 'upgraded: the same ids and references, AUTOINCREMENT' '
	crm-import -q --db v1.db orders.csv &&
	test "$(sql v1.db "PRAGMA user_version")" -ge 9 &&
	counts_agree v1.db &&
	test "$(sql v1.db "SELECT group_concat(name, \",\") FROM
	    pragma_index_info(\"orders_customer\")")" = \
	    "customer_id,ordered_at,id,status,net" &&
	test "$(sql v1.db "SELECT group_concat(name) FROM
	    pragma_index_info(\"orders_time\")")" = ordered_at &&
	test "$(sql v1.db "SELECT sql LIKE \"%AUTOINCREMENT%\" FROM sqlite_master
	    WHERE name = \"customers\"")" = 1 &&
	sql v1.db "SELECT id, name FROM customers ORDER BY id" >actual &&
	test_cmp ids actual &&
	printf "A1|Ann\nA2|Bob\nA3|Cat\n" >expect &&
	sql v1.db "SELECT order_no, name FROM orders o JOIN customers c
	    ON c.id = o.customer_id ORDER BY order_no" >actual &&
	test_cmp expect actual &&
	test "$(sql v1.db "SELECT seq FROM sqlite_sequence
	    WHERE name = \"customers\"")" = 3 &&
	sql v1.db "PRAGMA foreign_key_check" >fk &&
	test_cmp /dev/null fk
'

test_expect_success 'the highest customer deleted: a new one does not get its id' '
	sqlite3 v1.db "DELETE FROM identities WHERE customer_id = 3;
	    DELETE FROM customer_stats WHERE customer_id = 3;
	    DELETE FROM order_items WHERE order_id IN
	      (SELECT id FROM orders WHERE customer_id = 3);
	    DELETE FROM orders WHERE customer_id = 3;
	    DELETE FROM customers WHERE id = 3" &&
	printf "%s\nA4,2024-01-04,u4,Dan,4,1,completed\n" "$H" >dan.csv &&
	crm-import -q --db v1.db dan.csv &&
	test "$(sql v1.db "SELECT id FROM customers WHERE name = \"Dan\"")" = 4
'

# A version 1 store whose highest id was merged away: merges remembers it.
test_expect_success 'the sequence starts above every id ever used, merges too' '
	sqlite3 plain.db "INSERT INTO merges (kept_id, merged_id, reason)
	    VALUES (1, 7, \"by hand\")" &&
	crm-import -q --db plain.db orders.csv &&
	test "$(sql plain.db "SELECT seq FROM sqlite_sequence
	    WHERE name = \"customers\"")" = 7 &&
	printf "%s\nA5,2024-01-05,u5,Eve,5,1,completed\n" "$H" >eve.csv &&
	crm-import -q --db plain.db eve.csv &&
	test "$(sql plain.db "SELECT id FROM customers WHERE name = \"Eve\"")" = 8
'

test_expect_success 'a new store upgrades the same way, keeping its sequence' '
	crm-import -q --db new.db orders.csv &&
	test "$(sql new.db "SELECT seq FROM sqlite_sequence
	    WHERE name = \"customers\"")" = 3 &&
	test "$(sql new.db "SELECT count(*) FROM customers")" = 3
'

test_done
