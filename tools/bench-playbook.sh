#!/bin/sh
# bench-playbook.sh: crm-playbook on the bench store (tools/bench.sh sets
# BENCH_DB and BENCH_REF).  The issue's target: `run` of the standard
# playbook at most 0.2x the sqlite3 shell's .import of the same file,
# under 64 MB.  Runs on a copy, so the bench store is left as it was.
set -e
. "$(dirname "$0")/bench-lib.sh"
pb=$top/examples/standard.playbook
db=$BENCH_DIR/playbook.db
cp "$BENCH_DB" "$db"
rm -f "$db-wal" "$db-shm"
sync
last=$(bench_last "$db")


bench_one crm-playbook "run, standard playbook, $last" 0.2x crm-playbook run -q --db "$db" --date "$last" "$pb"
bench_one crm-playbook "run again (recorded day)" - crm-playbook run -q --db "$db" --date "$last" "$pb"
bench_one crm-playbook "run --dry-run, a past day" - crm-playbook run -n -q --db "$db" --date "$(bench_last "$db" 180)" "$pb"
# A week of daily runs before the last day, then the review.
for i in 7 6 5 4 3 2 1; do
	crm-playbook run -q --db "$db" --date "$(bench_last "$db" $i)" "$pb" \
	    >/dev/null
done
n=$(sqlite3 "$db" "SELECT count(*) FROM contacts")
bench_one crm-playbook "results over $n contacts (8 days)" - crm-playbook results --db "$db" --as-of "$last" "$pb"
rm -f "$db" "$db-wal" "$db-shm"
