#!/bin/sh
# Expressions that are too big for crm-segment: nested past its limit,
# longer than 64 KiB, with too many conditions or bought() joins, or
# nesting deeper than SQLite's parser takes.  Each is an expression
# error (a message, the expression, a caret; exit 1), never a crash or
# SQLite's own words; and whatever stays within the limits runs.
test_description='crm-segment: limits of an expression'
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'the store' '
	crm-import --db s.db -q "$DATA/segment-orders.csv" &&
	sqlite3 s.db <"$DATA/segment-extra.sql"
'

seg() {
	crm-segment --db s.db --as-of 2024-12-31 "$@"
}

# rep N TEXT [SEP]: TEXT N times, SEP between.
rep() {
	awk -v n="$1" -v t="$2" -v s="${3-}" 'BEGIN {
		for (i = 0; i < n; i++) printf "%s%s", (i ? s : ""), t }'
}

# nest N COND: (COND and (COND or (COND and ... COND))), N deep; it picks
# whom COND picks.
nest() {
	awk -v n="$1" -v c="$2" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "(%s %s ", c, (i % 2 ? "or" : "and")
		printf "%s", c
		for (i = 0; i < n; i++) printf ")" }'
}

# an_error FILE: crm-segment's three lines of an expression error, and
# nothing from SQLite.
an_error() {
	test_grep "^crm-segment: expression, column [0-9]*: " "$1" &&
	test_grep "^ *\^$" "$1" &&
	test $(wc -l <"$1") = 3
}

test_expect_success '25,000 parentheses: nests deeper than 100' '
	e=$(rep 25000 "(")new$(rep 25000 ")") &&
	{ seg --count "$e" 2>err; test $? = 1; } &&
	test_grep "column 101: expression nests deeper than 100$" err &&
	an_error err
'

test_expect_success '100 parentheses and 100 nots are fine' '
	seg --count new >expect &&
	seg --count "$(rep 100 "(")new$(rep 100 ")")" >actual &&
	test_cmp expect actual &&
	seg --count "$(rep 100 "not ")new" >actual &&
	test_cmp expect actual &&
	{ seg --count "$(rep 101 "not ")new" 2>err; test $? = 1; } &&
	test_grep "column 401: expression nests deeper than 100$" err
'

test_expect_success '30,000 nots: longer than 64 KiB, shown around the caret' '
	{ seg --count "$(rep 30000 "not ")new" 2>err; test $? = 1; } &&
	test_grep "column 65537: expression is longer than 65536 bytes$" err &&
	an_error err &&
	test $(wc -c <err) -lt 400
'

test_expect_success '5,000 ands: more than 1000 conditions' '
	{ seg --count "$(rep 5000 new " and ")" 2>err; test $? = 1; } &&
	test_grep "column 8001: expression has more than 1000 conditions$" \
	    err &&
	an_error err
'

test_expect_success '1,000 ands and 1,000 ors run' '
	seg new >expect &&
	seg "$(rep 1000 new " and ")" >actual &&
	test_cmp expect actual &&
	seg "$(rep 1000 new " or ")" >actual &&
	test_cmp expect actual
'

test_expect_success '70 bought(): more than 60 joins' '
	b="bought(sku = '\''SKU-0042'\'') >= 1" &&
	{ seg --count "$(rep 70 "$b" " or ")" 2>err; test $? = 1; } &&
	test_grep "column 1981: expression has more than 60 bought() and units() conditions$" err &&
	an_error err &&
	seg "$b" >expect &&
	seg "$(rep 60 "$b" " or ")" >actual &&
	test_cmp expect actual
'

# SQLite 3.40 parses 100 entries deep; a condition on age takes the most.
test_expect_success 'and, or nested 40 deep run; 60 deep is too deep for SQLite' '
	for c in "age between 25 and 34" "channel != '\''momo'\''" \
	    "clicked(any, since -30d)" "bought(category = '\''tea'\'') >= 1"
	do
		seg "$c" >expect &&
		seg "$(nest 40 "$c")" >actual &&
		test_cmp expect actual &&
		seg "not ($c)" >expect &&
		seg "not $(nest 40 "$c")" >actual &&
		test_cmp expect actual || return 1
	done &&
	{ seg --count "$(nest 60 "age = 3")" 2>err; test $? = 1; } &&
	test_grep "expression nests too deep for SQLite.s parser$" err &&
	an_error err &&
	! grep -q "stack overflow" err
'

test_expect_success 'product conditions nested 40 deep run; 70 do not' '
	c="category = '\''tea'\''" &&
	seg "bought($c) >= 1" >expect &&
	seg "bought($(nest 40 "$c")) >= 1" >actual &&
	test_cmp expect actual &&
	{ seg --count "bought($(nest 70 "$c")) >= 1" 2>err; test $? = 1; } &&
	test_grep "expression nests too deep for SQLite.s parser$" err &&
	an_error err
'

# playbook FILE: a playbook whose one step's audience is the segment
# expression on stdin, then crm-playbook check on it, which must fail.
playbook() {
	{ printf "playbook p\ncap 3\nstep s\n  audience segment " &&
	    cat &&
	    printf "\n  trigger 3 days after purchase\n  template t\n"
	} >"$1" &&
	{ crm-playbook check "$1" 2>err; test $? = 1; }
}

test_expect_success 'crm-playbook check: a segment 100,000 deep' '
	{ rep 100000 "(" && printf new && rep 100000 ")"; } |
	    playbook deep.playbook &&
	test_grep "^crm-playbook: deep.playbook:4: bad segment expression:" err &&
	test_grep "expression is longer than 65536 bytes$" err &&
	test_grep "^ *\^$" err
'

test_expect_success 'crm-playbook check: a segment 2,000 deep, 5,000 ands' '
	{ rep 2000 "not (" && printf new && rep 2000 ")"; } |
	    playbook deep.playbook &&
	test_grep "expression nests deeper than 100$" err &&
	rep 5000 new " and " | playbook long.playbook &&
	test_grep "expression has more than 1000 conditions$" err
'

test_done
