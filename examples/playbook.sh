#!/bin/sh
# playbook.sh: the standard playbook as a daily job, then its review.
# Imports the example orders up to the end of September 2026, runs
# examples/standard.playbook for every day of October (as cron would,
# importing each day's orders first), imports the rest, and prints the
# results.  tests/t4200-playbook-example.sh runs it.
set -e
cd "$(dirname "$0")/.."
top=$(pwd)
PATH="$top/bin:$PATH"
: "${PLAYBOOK_DIR:=$top/build/playbook-example}"
mkdir -p "$PLAYBOOK_DIR"
db="$PLAYBOOK_DIR/crm.db"
rm -f "$db" "$db-wal" "$db-shm"
export CRM_DB="$db"
pb=examples/standard.playbook

# orders_until DAY: the example orders placed before DAY, with the header.
orders_until() {
	awk -F, -v day="$1" 'NR == 1 || substr($2, 1, 10) < day' \
	    examples/orders.csv >"$PLAYBOOK_DIR/orders.csv"
}

crm-playbook check "$pb"
orders_until 2026-10-01
crm-import -q "$PLAYBOOK_DIR/orders.csv"

echo "== every day of October 2026: the contacts due"
day=1
while [ $day -le 31 ]; do
	d=$(printf '2026-10-%02d' $day)
	# The night's import: everything up to and including the day.
	orders_until "$(printf '2026-10-%02d' $((day + 1)))"
	crm-import -q "$PLAYBOOK_DIR/orders.csv"
	crm-playbook run -q --date "$d" "$pb" >"$PLAYBOOK_DIR/$d.csv"
	n=$(($(wc -l <"$PLAYBOOK_DIR/$d.csv") - 1))
	[ $n -gt 0 ] && echo "$d: $n" && sed 1d "$PLAYBOOK_DIR/$d.csv" |
	    cut -d, -f1,5,6,8,12 | sed 's/^/    /'
	day=$((day + 1))
done

echo
echo "== the review on 18 November 2026 (30-day windows)"
crm-import -q examples/orders.csv
crm-playbook results --as-of 2026-11-18 "$pb"
