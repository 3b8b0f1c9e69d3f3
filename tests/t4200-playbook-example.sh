#!/bin/sh
# crm-playbook: examples/playbook.sh runs, its lists match what the store
# recorded, and crm-playbook(1) shows examples/standard.playbook as it is.
test_description='crm-playbook example'
. "$(dirname "$0")/test-lib.sh"

export PLAYBOOK_DIR="$TRASH/ex"
db="$PLAYBOOK_DIR/crm.db"

test_expect_success 'examples/playbook.sh runs' '
	sh "$SRC_DIR/examples/playbook.sh" >out 2>err &&
	test_grep "^== the review" out &&
	test_grep "^standard,step,thanks," out
'

test_expect_success 'every listed contact is recorded, and only those' '
	for f in "$PLAYBOOK_DIR"/2026-10-*.csv; do
		sed 1d "$f" | cut -d, -f1,6,12 | sed "s/^/$(basename "$f" .csv),/"
	done | sort >listed &&
	sql "$db" "SELECT date(day * 86400, '\''unixepoch'\'') || '\'','\'' ||
	    customer_id || '\'','\'' || step || '\'','\'' || grp FROM contacts" |
	    sort >recorded &&
	test_cmp recorded listed &&
	test -s listed
'

test_expect_success 'results add up to the recorded contacts' '
	grep "^standard,step," out | awk -F, "{ m += \$4; t += \$5; h += \$6 }
	    END { print m + t + h, t + 0, h + 0 }" >actual &&
	sql "$db" "SELECT count(*) || '\'' '\'' ||
	    sum(grp = '\''treatment'\'' AND day + 30 <= 20775) || '\'' '\'' ||
	    sum(grp = '\''holdout'\'' AND day + 30 <= 20775) FROM contacts" >expect &&
	test_cmp expect actual
'

test_expect_success 'a rerun of any day gives the same bytes' '
	for d in 02 16 30; do
		CRM_DB="$db" crm-playbook run -q --date 2026-10-$d \
		    "$SRC_DIR/examples/standard.playbook" >again &&
		test_cmp "$PLAYBOOK_DIR/2026-10-$d.csv" again || return 1
	done
'

test_expect_success 'crm-playbook(1) shows the standard playbook as it is' '
	awk "/^The standard playbook,/ { on = 1 } on && /^\.Ed/ { exit }
	    on == 2 { print } on && /^\.Bd -literal/ { on = 2 }" \
	    "$SRC_DIR/man/crm-playbook.1" >man.playbook &&
	test_cmp "$SRC_DIR/examples/standard.playbook" man.playbook
'

test_expect_success 'crm-playbook(1) is mandoc -Tlint clean' '
	if command -v mandoc >/dev/null; then
		mandoc -Tlint -Wwarning "$SRC_DIR/man/crm-playbook.1"
	fi
'

test_done
