#!/bin/sh
# bench-playbook.sh: crm-playbook on the bench store (tools/bench.sh sets
# BENCH_DB and BENCH_REF).  The issue's target: `run` of the standard
# playbook at most 0.2x the sqlite3 shell's .import of the same file,
# under 64 MB.  Runs on a copy, so the bench store is left as it was.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BENCH_DIR:=$top/build/bench}"
pb=$top/examples/standard.playbook
db=$BENCH_DIR/playbook.db
cp "$BENCH_DB" "$db"
rm -f "$db-wal" "$db-shm"
last=$(sqlite3 "$db" "SELECT date(max(ordered_at), 'unixepoch') FROM orders")

# one LABEL CMD...: times CMD and prints a line.
one() {
	label=$1
	shift
	/usr/bin/time -f '%e %M' -o "$BENCH_DIR/time.out" "$@" >"$BENCH_DIR/out.csv" \
	    2>/dev/null || { echo "bench-playbook: $label failed" >&2; exit 1; }
	awk -v l="$label" -v ref="$BENCH_REF" -v n="$(($(wc -l <"$BENCH_DIR/out.csv") - 1))" '
	    { printf "crm-playbook %s: %.2f s, %.2fx .import, %.0f MB peak (%d rows)\n",
	      l, $1, (ref > 0 ? $1 / ref : 0), $2 / 1024, n }' "$BENCH_DIR/time.out"
}

one "run, standard playbook, $last" crm-playbook run -q --db "$db" --date "$last" "$pb"
one "run again (recorded day)" crm-playbook run -q --db "$db" --date "$last" "$pb"
one "run --dry-run, a past day" crm-playbook run -n -q --db "$db" --date "$(sqlite3 "$db" \
    "SELECT date(max(ordered_at) - 180 * 86400, 'unixepoch') FROM orders")" "$pb"
# A week of daily runs before the last day, then the review.
for i in 7 6 5 4 3 2 1; do
	crm-playbook run -q --db "$db" --date "$(sqlite3 "$db" \
	    "SELECT date(max(ordered_at) - $i * 86400, 'unixepoch') FROM orders")" \
	    "$pb" >/dev/null
done
n=$(sqlite3 "$db" "SELECT count(*) FROM contacts")
one "results over $n contacts (8 days)" crm-playbook results --db "$db" --as-of "$last" "$pb"
rm -f "$db" "$db-wal" "$db-shm"
