# test-lib.sh: a small test library in the shape of git's t/test-lib.sh.
#
# A test script sets test_description, sources this file, writes cases as
#   test_expect_success 'title' 'commands && test_cmp expect actual'
# and ends with test_done.  Each case runs in the script's own scratch
# directory ($TRASH); CRM_BIN names the programs under test, and PATH
# starts with it.  The script's last line is always
# 'N passed, N failed, N skipped' (tests/run.sh sums them).
#
# Skipping: test_skip_all REASON ends a script that cannot run here (it
# counts as one skipped, never as passed); a case given prerequisites,
#   test_expect_success PREREQ,... 'title' 'body'
# is skipped (and counted) unless test_set_prereq named each of them.
# A known breakage that another change is to mend is written
#   test_expect_failure 'title' 'body'
# and counts as skipped while it fails; once it passes it fails, to be
# made test_expect_success.
#
# Messages: every line a case leaves (its output, and every file it
# writes in $TRASH) that is a message - it begins with a program's name
# ("crm-import: ") or holds ": warning" - is kept in $TRASH/.msgs, and
# test_done checks that none shows a whole phone number or e-mail
# address (see check_messages).
# $SHARED (the shared data, ../shared by default) may be set from outside.

: "${CRM_BIN:=$(cd "$(dirname "$0")/.." && pwd)/bin}"
TEST_DIR=$(cd "$(dirname "$0")" && pwd)
SRC_DIR=$(cd "$TEST_DIR/.." && pwd)
DATA="$TEST_DIR/data"
: "${SHARED:=$SRC_DIR/../shared}"
TRASH="${TMPDIR:-/tmp}/crmkit-test.$$.$(basename "$0" .sh)"
PATH="$CRM_BIN:$PATH"
# The sanitizer build's programs are not beside share/, so name it.
CRM_FORMATS="$SRC_DIR/share/formats"
export PATH CRM_BIN TEST_DIR SRC_DIR DATA SHARED CRM_FORMATS
unset CRM_DB NO_COLOR COLUMNS
export TZ=UTC LC_ALL=C.UTF-8

test_count=0
test_failed=0
test_skipped=0
test_prereqs=,
rm -rf "$TRASH" && mkdir -p "$TRASH" && cd "$TRASH" || exit 1

say() { printf '%s\n' "$*"; }

# test_set_prereq NAME: cases that name NAME as a prerequisite run.
test_set_prereq() {
	test_prereqs="$test_prereqs$1,"
}

# test_have_prereq A,B,...: every one of them was set.
test_have_prereq() {
	set -- $(printf '%s\n' "$1" | tr ',' ' ')
	for p; do
		case $test_prereqs in
		*,"$p",*) ;;
		*) return 1 ;;
		esac
	done
}

# test_skip_ TITLE PREREQS: counts and reports a case left out.
test_skip_() {
	test_count=$((test_count + 1))
	test_skipped=$((test_skipped + 1))
	say "ok $test_count # skip $1 (missing $2)"
}

# test_run_ BODY: runs BODY in a subshell, its output in $TRASH/.out,
# then keeps the messages it left (see the top) in $TRASH/.msgs as
# "file:line"; returns BODY's status.  A file's time is that of the last
# clock tick, which may be the time a stamp made just before got: so the
# files are those newer than the stamp made as the case two before this
# one began (the same line read up to three times is one line to
# check_messages).  The stamps are made by the shell, not by touch: one
# process less for each case.
test_stamp_() {
	printf '%s' "$TRASH/.stamp$(($1 % 3))"
}
# The stamps of cases -1 and 0, which cases 1 and 2 read: long ago.
touch -t 200001010000 "$(test_stamp_ 0)" "$(test_stamp_ 2)"
test_run_() {
	: >"$(test_stamp_ "$test_count")"
	(eval "$1") >"$TRASH/.out" 2>&1 </dev/null
	test_rc_=$?
	find "$TRASH" -type f -newer "$(test_stamp_ $((test_count + 1)))" \
	    ! -name '.msgs' ! -name '.allow' -size -64M \
	    -exec grep -I -H -E '^crm-[a-z]+: |: warning' {} + \
	    >>"$TRASH/.msgs"
	return $test_rc_
}

# test_expect_success [PREREQS] TITLE BODY: BODY must exit 0.
test_expect_success() {
	if [ $# -eq 3 ]; then
		test_have_prereq "$1" || { test_skip_ "$2" "$1"; return 0; }
		shift
	fi
	test_count=$((test_count + 1))
	if test_run_ "$2"; then
		say "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		say "not ok $test_count - $1"
		sed 's/^/#   /' "$TRASH/.out"
	fi
}

# test_expect_failure [PREREQS] TITLE BODY: a known breakage.  BODY is
# run: while it fails the case counts as skipped; when it passes, the
# breakage is mended and the case fails until it is made
# test_expect_success.
test_expect_failure() {
	if [ $# -eq 3 ]; then
		test_have_prereq "$1" || { test_skip_ "$2" "$1"; return 0; }
		shift
	fi
	test_count=$((test_count + 1))
	if test_run_ "$2"; then
		test_failed=$((test_failed + 1))
		say "not ok $test_count - $1 # known breakage mended: make it test_expect_success"
	else
		test_skipped=$((test_skipped + 1))
		say "ok $test_count # skip $1 (known breakage)"
	fi
}

# test_expect_code [PREREQS] N TITLE BODY: BODY's last command exits N.
test_expect_code() {
	if [ $# -eq 4 ]; then
		test_have_prereq "$1" || { test_skip_ "$3" "$1"; return 0; }
		shift
	fi
	test_count=$((test_count + 1))
	test_run_ "$3"
	rc=$?
	if [ "$rc" -eq "$1" ]; then
		say "ok $test_count - $2"
	else
		test_failed=$((test_failed + 1))
		say "not ok $test_count - $2 (exit $rc, wanted $1)"
		sed 's/^/#   /' "$TRASH/.out"
	fi
}

# test_skip_all REASON: the whole script cannot run here.  It ends now,
# with exit 0, and counts as one skipped (not as passed), whatever
# cases ran before it.
test_skip_all() {
	say "1..0 # SKIP $1"
	cd / && rm -rf "$TRASH"
	say "$((test_count - test_failed - test_skipped)) passed, $test_failed failed, $((test_skipped + 1)) skipped"
	[ "$test_failed" -eq 0 ]
	exit
}

# test_cmp EXPECT ACTUAL: the files are equal; shows the difference.
test_cmp() {
	diff -u "$1" "$2"
}

# test_grep PATTERN FILE: FILE has a line matching PATTERN.
test_grep() {
	grep -q -e "$1" "$2" || {
		say "no line matches '$1' in $2:"
		cat "$2"
		return 1
	}
}

# sql DB QUERY: runs QUERY with the sqlite3 shell, plain list output.
sql() {
	sqlite3 -batch -noheader "$1" "$2"
}

# man_examples PAGE: the literal blocks of PAGE's EXAMPLES, unescaped,
# for tests that run an example script and compare.
man_examples() {
	awk '/^\.Sh / { ex = ($2 == "EXAMPLES") }
	ex && /^\.Ed/ { lit = 0 }
	ex && lit { gsub(/\\e/, "\\"); sub(/^\\&/, ""); print }
	ex && /^\.Bd -literal/ { lit = 1 }' "$1"
}

# man_flags PAGE: the long options PAGE sets with the Fl macro (".Fl -db"
# or "... Fl \-as\-of Ar date" inside a line), one a line as --name,
# sorted; an argument of Fl is a word up to the next macro.
man_flags() {
	awk '/^\./ {
		fl = 0
		for (i = 1; i <= NF; i++) {
			w = $i
			sub(/^\./, "", w)
			if (w == "Fl") { fl = 1; continue }
			if (w ~ /^[A-Z][a-z][a-z]?$/) { fl = 0; continue }
			if (!fl) continue
			gsub(/\\&/, "", w)
			gsub(/\\-/, "-", w)
			if (w ~ /^-[a-z0-9][a-z0-9-]*$/) print "-" w
		}
	}' "$1" | sort -u
}

# Every store the cases left must hold together: no order, identity or
# item that points at nothing, no value outside its CHECK constraint
# (crm-import writes with both unenforced; see import_begin in
# src/import/write.c), a sound database file, and no identity held
# twice (since schema version 10 no key of the table keeps them once:
# the writers do); since version 11, every identity's key in one of the
# two key tables once, and no key there of no identity.
check_stores() {
	find "$TRASH" -name '*.db' -type f | sort | while read -r db; do
		[ "$(sqlite3 -readonly "$db" "PRAGMA application_id" \
		    2>/dev/null)" = 1129467211 ] || continue
		keys=
		[ "$(sqlite3 -readonly "$db" "PRAGMA user_version")" -ge 11 ] &&
		    keys="SELECT count(*) || ' identities keyed other than once'
		      FROM identities i WHERE (SELECT count(*) FROM
		      (SELECT key, id FROM identity_keys UNION ALL
		       SELECT key, id FROM identity_keys_recent) k
		      WHERE k.id = i.id AND k.key = i.key) <> 1 HAVING count(*) > 0;
		    SELECT count(*) || ' keys of no identity' FROM
		      (SELECT key, id FROM identity_keys UNION ALL
		       SELECT key, id FROM identity_keys_recent) k
		      WHERE NOT EXISTS (SELECT 1 FROM identities i
		      WHERE i.id = k.id AND i.key = k.key) HAVING count(*) > 0;"
		bad=$(sqlite3 -readonly "$db" "PRAGMA foreign_key_check;
		    PRAGMA quick_check;
		    SELECT count(*) || ' identities held twice' FROM (SELECT 1
		      FROM identities GROUP BY kind, channel, value
		      HAVING count(*) > 1) HAVING count(*) > 0;
		    $keys" 2>&1)
		[ "$bad" = ok ] || printf '%s:\n%s\n' "$db" "$bad"
	done
}

# unmasked_ FILE: the lines of FILE that show a whole phone number (a
# Taiwan mobile 09xx-xxx-xxx, +886 9xx..., a landline 0x-xxxx-xxxx) or
# an e-mail address.  crm_mask() (msg.c) shows them masked.
unmasked_() {
	grep -E -e '(^|[^0-9])09[0-9]{2}[- ]?[0-9]{3}[- ]?[0-9]{3}([^0-9]|$)' \
	    -e '\+886[- ]?9[0-9]{2}[- ]?[0-9]{3}[- ]?[0-9]{3}' \
	    -e '(^|[^0-9])\(?0[2-8]\)?[- ]?[0-9]{3,4}[- ]?[0-9]{4}([^0-9]|$)' \
	    -e '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}' \
	    "$1"
}

# check_messages: the messages the cases left that show a whole phone
# or e-mail, but those tests/data/unmasked-allow.txt still allows.
check_messages() {
	[ -f "$TRASH/.msgs" ] || return 0
	grep -v -E '^[[:space:]]*(#|$)' "$DATA/unmasked-allow.txt" \
	    >"$TRASH/.allow"
	unmasked_ "$TRASH/.msgs" | grep -v -E -f "$TRASH/.allow" |
	    sed "s|^$TRASH/||" | sort -u
	return 0
}

test_done() {
	test_expect_success 'every store left behind is whole' '
		check_stores >bad && test_cmp /dev/null bad
	'
	test_expect_success 'no message shows a whole phone or e-mail' '
		check_messages >bad && test_cmp /dev/null bad
	'
	cd / && rm -rf "$TRASH"
	say "$((test_count - test_failed - test_skipped)) passed, $test_failed failed, $test_skipped skipped"
	[ "$test_failed" -eq 0 ]
}

# counts_agree DB: the store's stats_days and stats_gaps (kept by
# triggers) hold what customer_stats says, recounted here in plain SQL.
counts_agree() {
	sql "$1" "SELECT last_day, min(purchase_days, 2), count(*)
	    FROM customer_stats GROUP BY 1, 2 ORDER BY 1, 2" >counts.want &&
	sql "$1" "SELECT last_day, purchase_days, customers FROM stats_days
	    ORDER BY 1, 2" >counts.got &&
	test_cmp counts.want counts.got &&
	sql "$1" "SELECT second_day - first_day, count(*) FROM customer_stats
	    WHERE second_day IS NOT NULL GROUP BY 1 ORDER BY 1" >counts.want &&
	sql "$1" "SELECT gap, customers FROM stats_gaps ORDER BY 1" >counts.got &&
	test_cmp counts.want counts.got
}
