#!/bin/sh
# t0010-layout.sh: the commands are thin.  src/crm-*.c parse options and
# call the library; the store is spoken to only from the modules (README:
# where things live).  A command that calls sqlite3_* or holds SQL text
# in a string literal is named here, file:line.
test_description='the commands hold no SQL and call no sqlite3_ function'
. "$(dirname "$0")/test-lib.sh"

# store_talk FILE...: "file:line: what" for every use of sqlite3_ outside
# comments, and every string literal holding an SQL statement's keyword
# (SELECT, INSERT, UPDATE, DELETE, CREATE or DROP followed by a space,
# upper case, not inside a longer word).  Comments, character literals
# and escapes are understood; a literal split over lines ("a" "b") is
# looked at piece by piece.
store_talk() {
	awk '
	FNR == 1 { incomment = 0 }
	function report(what) {
		if (!((FILENAME, FNR, what) in seen)) {
			seen[FILENAME, FNR, what] = 1
			printf "%s:%d: %s\n", FILENAME, FNR, what
		}
	}
	function sql(lit,  m) {
		if (match(lit, /(^|[^A-Za-z0-9_])(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP) /)) {
			m = substr(lit, RSTART, RLENGTH)
			sub(/^[^A-Z]/, "", m)
			sub(/ $/, "", m)
			report("SQL (" m ") in a string")
		}
	}
	{
		line = $0
		code = ""
		n = length(line)
		i = 1
		while (i <= n) {
			c = substr(line, i, 1)
			two = substr(line, i, 2)
			if (incomment) {
				if (two == "*/") { incomment = 0; i += 2 }
				else i++
				continue
			}
			if (two == "/*") { incomment = 1; i += 2; continue }
			if (two == "//") break
			if (c == "\"" || c == "\047") {
				q = c; lit = ""; i++
				while (i <= n) {
					c = substr(line, i, 1)
					if (c == "\\") { lit = lit substr(line, i, 2); i += 2; continue }
					if (c == q) { i++; break }
					lit = lit c; i++
				}
				if (q == "\"") { sql(lit); code = code "\"\"" }
				continue
			}
			code = code c
			i++
		}
		if (code ~ /sqlite3_/)
			report("calls sqlite3_")
	}' "$@"
}

# A command file with every case store_talk must tell apart.
cat >cmd.c <<\EOF
#include <sqlite3.h>
/* SELECT in a comment, sqlite3_open in a comment */
static const char *q = "SELECT id FROM customers";
int a = f("x", "DELETE FROM tags"); // INSERT in a comment
/*
 * DROP TABLE x; sqlite3_exec
 */
char c = '"'; const char *s = "say \"UPDATE \" now";
const char *t = "NOSELECT x", *u = "Select x", *v = "CREATE";
rc = sqlite3_step(st);
    " WHERE x IN (SELECT y FROM z)"
const char *w = "sqlite3_open fails";
x = 1; /* a */ y = "INSERT INTO t"; /* b */
EOF

test_expect_success 'store_talk finds SQL in literals and sqlite3_ in code only' '
	store_talk cmd.c >actual &&
	cat >expect <<-\EOF &&
	cmd.c:3: SQL (SELECT) in a string
	cmd.c:4: SQL (DELETE) in a string
	cmd.c:8: SQL (UPDATE) in a string
	cmd.c:10: calls sqlite3_
	cmd.c:11: SQL (SELECT) in a string
	cmd.c:13: SQL (INSERT) in a string
	EOF
	test_cmp expect actual
'

test_expect_success 'src/crm-*.c hold no SQL and call no sqlite3_ function' '
	(cd "$SRC_DIR" && store_talk src/crm-*.c) >found &&
	test_cmp /dev/null found
'

test_done
