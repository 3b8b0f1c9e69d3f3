#!/bin/sh
# A store from before customers.id had AUTOINCREMENT (schema version 1
# as first released): upgraded, it keeps every id and reference, a new
# customer never gets the id of one merged or deleted away, and every
# identity, keyed by its text then, is found again by its integer key.
test_description='store: upgrading a version 1 store'
. "$(dirname "$0")/test-lib.sh"

H='order_id,ordered_at,account,name,unit_price,qty,status'

# to_v1 DB: the shape of a version 1 store: customers with a plain
# rowid, identities keyed by their text, none of the columns, tables,
# indexes and triggers of versions 2 to 11, user_version 1 (a new
# migration that adds a table or column must be undone here too).  It is
# made from a new store, as the first crmkit would have left it.
to_v1() {
	sqlite3 "$1" "
	    PRAGMA foreign_keys = OFF;
	    BEGIN;
	    CREATE TABLE c1 (id INTEGER PRIMARY KEY, name TEXT, email TEXT,
	      phone TEXT, channel TEXT NOT NULL, first_seen INTEGER NOT NULL,
	      gender TEXT, birthday TEXT, is_member INTEGER NOT NULL DEFAULT 0);
	    INSERT INTO c1 SELECT * FROM customers;
	    DROP TABLE customers;
	    ALTER TABLE c1 RENAME TO customers;
	    DELETE FROM sqlite_sequence;
	    CREATE TABLE i1 (kind TEXT NOT NULL CHECK (kind IN
	      ('account', 'phone', 'email', 'name_address')),
	      channel TEXT NOT NULL, value TEXT NOT NULL,
	      customer_id INTEGER NOT NULL REFERENCES customers(id),
	      import_id INTEGER REFERENCES imports(id),
	      PRIMARY KEY (kind, channel, value)) WITHOUT ROWID;
	    INSERT INTO i1 SELECT kind, channel, value, customer_id, import_id
	      FROM identities;
	    DROP TABLE identities;
	    ALTER TABLE i1 RENAME TO identities;
	    CREATE INDEX identities_customer ON identities(customer_id);
	    DROP TABLE identity_keys;
	    DROP TABLE identity_keys_recent;
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
	    COMMIT;"
}

test_expect_success 'a version 1 store' '
	printf "%s\nA1,2024-01-01,u1,Ann,1,1,completed\nA2,2024-01-02,u2,Bob,2,1,completed\nA3,2024-01-03,u3,Cat,3,1,completed\n" \
	    "$H" >orders.csv &&
	crm-import -q --db v1.db orders.csv &&
	to_v1 v1.db &&
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
	test "$(sql v1.db "PRAGMA user_version")" -ge 10 &&
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
	sqlite3 v1.db "DELETE FROM identity_keys WHERE id IN
	      (SELECT id FROM identities WHERE customer_id = 3);
	    DELETE FROM identity_keys_recent WHERE id IN
	      (SELECT id FROM identities WHERE customer_id = 3);
	    DELETE FROM identities WHERE customer_id = 3;
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

# Every kind of identity (an account, a phone, an e-mail, a name at an
# address) in a version 1 store, keyed by its text: upgraded, each is
# kept and still found, by an import and by a customer list.
I='order_id,ordered_at,account,name,phone,email,address,unit_price,qty,status'
test_expect_success 'a version 1 store with every kind of identity' '
	cat >ids.csv <<-EOF &&
	$I
	B1,2024-01-01,u1,Ann,,,,1,1,completed
	B2,2024-01-02,u2,Bob,,,,2,1,completed
	B3,2024-01-03,,Dee,0912000111,dee@example.com,1 Main St,3,1,completed
	B4,2024-01-04,u1,Ann,0912000222,ann@example.com,,4,1,completed
	EOF
	crm-import -q --db kinds.db ids.csv &&
	to_v1 kinds.db &&
	sql kinds.db "SELECT kind, channel, value, customer_id FROM identities
	    ORDER BY 1, 2, 3" >idents &&
	cat >expect <<-\EOF &&
	account|shop|u1|1
	account|shop|u2|2
	email||ann@example.com|1
	email||dee@example.com|3
	name_address|shop|Dee|1 Main St|3
	phone||0912000111|3
	phone||0912000222|1
	EOF
	test_cmp expect idents
'

test_expect_success 'upgraded: every identity kept, under the integer key' '
	crm-import -q --db kinds.db ids.csv &&
	test "$(sql kinds.db "PRAGMA user_version")" -ge 10 &&
	sql kinds.db "SELECT kind, channel, value, customer_id FROM identities
	    ORDER BY 1, 2, 3" >actual &&
	test_cmp idents actual &&
	sql kinds.db "SELECT i.name, group_concat(c.name) FROM sqlite_master i,
	    pragma_index_info(i.name) c WHERE i.type = \"index\"
	    AND i.tbl_name = \"identities\" GROUP BY 1 ORDER BY 1" >actual &&
	printf "identities_customer|customer_id,kind,channel,value\n" >expect &&
	test_cmp expect actual &&
	test "$(sql kinds.db "SELECT count(DISTINCT key) FROM identities")" = 7 &&
	test "$(sql kinds.db "SELECT count(*) FROM identity_keys k
	    JOIN identities i ON i.id = k.id AND i.key = k.key")" = 7 &&
	test "$(sql kinds.db "SELECT count(*) FROM identity_keys_recent")" = 0 &&
	test "$(sql kinds.db "SELECT sum(orders_unchanged), sum(customers_new)
	    FROM imports WHERE id = (SELECT max(id) FROM imports)")" = "4|0"
'

test_expect_success 'upgraded: each identity alone finds its customer' '
	cat >again.csv <<-EOF &&
	$I
	C1,2024-02-01,,Dee,0912000111,,,1,1,completed
	C2,2024-02-02,,Dee,,dee@example.com,,1,1,completed
	C3,2024-02-03,,Dee,,,1 Main St,1,1,completed
	C4,2024-02-04,u2,Bob,,,,1,1,completed
	EOF
	crm-import --db kinds.db again.csv 2>err &&
	test_grep "orders 4 new, 0 updated, 0 unchanged, 0 customers new" err &&
	sql kinds.db "SELECT order_no, customer_id FROM orders
	    WHERE order_no LIKE \"C%\" ORDER BY 1" >actual &&
	printf "C1|3\nC2|3\nC3|3\nC4|2\n" >expect &&
	test_cmp expect actual &&
	sql kinds.db "SELECT kind, channel, value, customer_id FROM identities
	    ORDER BY 1, 2, 3" >actual &&
	test_cmp idents actual &&
	printf "account,phone,email\nu2,,\n,0912000111,\n,,ANN@example.com\nshop:u1,,\n" |
	    crm-segment --db kinds.db --as-of 2024-12-31 --columns name \
	    purchased >actual &&
	printf "customer_id,name\n1,Ann\n2,Bob\n3,Dee\n" >expect &&
	test_cmp expect actual
'

# to_v9 DB: undoes migrations 11 and 10 (identities keyed by their text).
to_v9() {
	sqlite3 "$1" "
	    PRAGMA foreign_keys = OFF;
	    BEGIN;
	    CREATE TABLE i9 (kind TEXT NOT NULL CHECK (kind IN
	      ('account', 'phone', 'email', 'name_address')),
	      channel TEXT NOT NULL, value TEXT NOT NULL,
	      customer_id INTEGER NOT NULL REFERENCES customers(id),
	      import_id INTEGER REFERENCES imports(id), claimant TEXT,
	      shared INTEGER NOT NULL DEFAULT 0,
	      PRIMARY KEY (kind, channel, value)) WITHOUT ROWID;
	    INSERT INTO i9 SELECT kind, channel, value, customer_id, import_id,
	      claimant, shared FROM identities;
	    DROP TABLE identities;
	    ALTER TABLE i9 RENAME TO identities;
	    CREATE INDEX identities_customer ON identities(customer_id);
	    DROP TABLE identity_keys;
	    DROP TABLE identity_keys_recent;
	    PRAGMA user_version = 9;
	    COMMIT;"
}

# The upgrade checks the keys of the tables it rebuilds (migration 10:
# identities) before it commits: an identity of a customer who is not
# there stops it, and the store stays a version 9 store; the same store
# without that row upgrades.
test_expect_success 'an upgrade that would break a key is refused, the store left as it was' '
	crm-import -q --db v9.db ids.csv &&
	to_v9 v9.db &&
	sqlite3 v9.db "INSERT INTO identities (kind, channel, value,
	    customer_id) VALUES (\"account\", \"shop\", \"ghost\", 999)" &&
	sqlite3 v9.db .dump >before &&
	{ crm-import -q --db v9.db ids.csv 2>err; test $? -ne 0; } &&
	test_grep "the upgrade would break a foreign key; the store is left as it was" err &&
	sqlite3 v9.db .dump >after &&
	test_cmp before after &&
	sqlite3 v9.db "DELETE FROM identities WHERE value = \"ghost\"" &&
	crm-import -q --db v9.db ids.csv &&
	test "$(sql v9.db "PRAGMA user_version")" -ge 10 &&
	test "$(sql v9.db "SELECT count(*) FROM identities")" = 7
'

# to_v10 DB: undoes migration 11 only (the keys in an index of
# identities instead of two tables of their own).
to_v10() {
	sqlite3 "$1" "
	    BEGIN;
	    DROP TABLE identity_keys;
	    DROP TABLE identity_keys_recent;
	    CREATE INDEX identities_key ON identities(key);
	    PRAGMA user_version = 10;
	    COMMIT;"
}

# keys DB: how many keys are settled and how many recent.
keys() {
	sql "$1" "SELECT (SELECT count(*) FROM identity_keys),
	    (SELECT count(*) FROM identity_keys_recent)"
}

# crm-store(5): a new identity's key goes to identity_keys_recent; when
# the recent keys are more than an eighth of the largest identity id,
# the import moves them all to identity_keys.  Sixteen buyers of one
# identity each (ids 1 to 16), then two more (17, 18: 2 x 8 = 16, not
# more than 18, stay recent), then one more (19: 3 x 8 = 24 > 19).
test_expect_success 'a version 10 store upgraded: every key settled' '
	crm-import -q --db v10.db ids.csv &&
	to_v10 v10.db &&
	crm-import -q --db v10.db ids.csv &&
	test "$(sql v10.db "PRAGMA user_version")" -ge 11 &&
	test "$(keys v10.db)" = "7|0" &&
	test "$(sql v10.db "SELECT count(*) FROM identity_keys k
	    JOIN identities i ON i.id = k.id AND i.key = k.key")" = 7
'

test_expect_success 'new keys stay recent until they are an eighth of all' '
	{
		echo "$H" &&
		for i in $(seq 1 16); do
			echo "S$i,2024-01-$(printf %02d "$i"),s$i,Buyer $i,100,1,completed"
		done
	} >sixteen.csv &&
	crm-import -q --db settle.db sixteen.csv &&
	test "$(keys settle.db)" = "16|0" &&
	printf "%s\nS17,2024-02-01,s17,B,100,1,completed\nS18,2024-02-01,s18,B,100,1,completed\n" \
	    "$H" >two.csv &&
	crm-import --db settle.db two.csv 2>err &&
	! grep settled err &&
	test "$(keys settle.db)" = "16|2" &&
	printf "%s\nS19,2024-03-01,s18,B,100,1,completed\nS20,2024-03-01,s2,B,100,1,completed\n" \
	    "$H" >again.csv &&
	crm-import --db settle.db again.csv 2>err &&
	test_grep "orders 2 new, 0 updated, 0 unchanged, 0 customers new" err &&
	test "$(keys settle.db)" = "16|2" &&
	printf "%s\nS21,2024-04-01,s19,B,100,1,completed\n" "$H" >one.csv &&
	crm-import --db settle.db one.csv 2>err &&
	test_grep "3 new identities settled into identity_keys" err &&
	test "$(keys settle.db)" = "19|0" &&
	printf "%s\nS22,2024-05-01,s17,B,100,1,completed\nS23,2024-05-01,s19,B,100,1,completed\n" \
	    "$H" >more.csv &&
	crm-import --db settle.db more.csv 2>err &&
	test_grep "orders 2 new, 0 updated, 0 unchanged, 0 customers new" err &&
	sql settle.db "SELECT o.order_no, i.value FROM orders o JOIN identities i
	    ON i.customer_id = o.customer_id WHERE o.order_no IN
	    (\"S19\", \"S20\", \"S22\", \"S23\") ORDER BY 1" >actual &&
	printf "S19|s18\nS20|s2\nS22|s17\nS23|s19\n" >expect &&
	test_cmp expect actual
'

# crm-store(5): a first import writes its keys in one sorted pass at its
# end, or when a lookup first has to ask the store: here the second file
# of the run, whose events find their buyers by e-mail.  Without the
# keys the e-mail finds nobody and the event keeps no customer.
test_expect_success 'a first import: its keys at its end, or when a lookup needs them' '
	cat >k-orders.csv <<-\EOF &&
	order_id,ordered_at,account,email,name,unit_price,qty,status
	K1,2024-01-01,k1,k1@example.com,K One,100,1,completed
	K2,2024-01-02,k2,k2@example.com,K Two,100,1,completed
	K3,2024-01-03,k3,,K Three,100,1,completed
	EOF
	printf "email,campaign,event,time\nk2@example.com,thanks,opened,2024-01-05 10:00\n" \
	    >k-events.csv &&
	crm-import -q --db first.db k-orders.csv &&
	test "$(keys first.db)" = "5|0" &&
	crm-import -q --db both.db k-orders.csv k-events.csv &&
	test "$(keys both.db)" = "5|0" &&
	test "$(sql both.db "SELECT e.customer_id = o.customer_id FROM events e,
	    orders o WHERE o.order_no = \"K2\"")" = 1
'

# The tests' store check (test-lib.sh) finds a key gone missing.
test_expect_success 'the store check finds an identity without its key' '
	cp settle.db nokey.db &&
	sqlite3 nokey.db "DELETE FROM identity_keys WHERE id = 5" &&
	check_stores >bad &&
	test_grep "1 identities keyed other than once" bad &&
	rm nokey.db
'

test_done
