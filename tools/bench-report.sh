#!/bin/sh
# bench-report.sh: crm-report on the bench store (tools/bench.sh sets
# BENCH_DB and BENCH_REF).  The issue's target: each report at most 0.2x
# the sqlite3 shell's .import of the same file, under 64 MB.  Each report
# is timed piped (its default CSV table, as a script reads it) and in the
# table form (every table of it, as a person reads it).
set -e
. "$(dirname "$0")/bench-lib.sh"
db=$BENCH_DB
last=$(bench_last "$db")


for r in summary cycle monthly cohort products basket heatmap channels \
    migration quality; do
	bench_one crm-report "$r" 0.2x crm-report --db "$db" --as-of "$last" "$r"
done
for p in "cycle products" "cycle histogram" "cycle threshold" \
    "products categories" "basket summary" "channels overlap"; do
	set -- $p
	bench_one crm-report "$1 --part $2" 0.2x crm-report --db "$db" --as-of "$last" --part "$2" "$1"
done
for r in summary cycle products; do
	COLUMNS=100 bench_one crm-report "$r --table" 0.2x crm-report --db "$db" --as-of "$last" \
	    --table "$r"
done
bench_one crm-report "summary --channel momo" 0.2x crm-report --db "$db" --as-of "$last" \
    --channel momo summary
