#!/bin/sh
# bench-weekly.sh: the weekly job, side by side with its peers in the
# same run (issue 17).  A shop has its history stored and gets one new
# week of orders; it wants fresh scores, stages and the summary.
#
#  (a) crmkit: crm-import of the week, crm-rfm, crm-segment napl and
#      crm-report summary, each step timed with its peak memory; and the
#      same job with the two summaries instead of the two lists
#      (crm-rfm --summary, crm-segment --summary napl), for a shop that
#      wants the counts each week and the lists when it mails;
#  (b) DuckDB re-scanning every export (history + week) for RFM and
#      repurchase gaps;
#  (c) DuckDB with the history in a database file: insert the week, then
#      the same query;
#  (d) the sqlite3 shell likewise (history in a database file, .import
#      of the week, the same query);
#  (e) a floor: the sqlite3 shell's .import of the week's lines alone
#      into a new table of a copy of that file, with no index, no buyer
#      matched and no query.  crmkit stores a row per line too (the
#      order lines), so a target that leaves the whole job less time
#      than this asks it to beat SQLite's own bare load of the same
#      lines; the run says when a target does.
#
# The peers' SQL, per customer (the account): the last purchase day, the
# number of purchases, the sum of their paid totals and the three 1-5
# scores (1 + 5 * (rank - 1) / N, as crm-rfm), written to a CSV file;
# and the gaps between consecutive purchase days with the median of the
# first-to-second gap.  A purchase is an order completed or pending.
#
# Ratios are to crmkit's whole job: above 1 the peer is slower.  Each
# side runs twice, in turn, and the faster of each counts (a shared
# machine takes a peer's second core away at random).  CPU seconds are
# given too: DuckDB spreads over both cores, so on a busy machine its
# wall time suffers more than crmkit's single thread's.
#
# Run by tools/bench.sh (BENCH_DB and BENCH_CSV: the 1M-line history,
# store and file) or alone, which builds the history itself:
#   BENCH_LINES=5000000 sh tools/bench-weekly.sh
#   BENCH_WEEK   lines of the new week   [default: 34000, as in issue 17]
#   BENCH_FIRST  seconds a first import of BENCH_LINES such lines took,
#                to set the week's cost a line beside (tools/bench.sh)
#   BENCH_DUCKDB a duckdb CLI to use     [default: duckdb on PATH, else
#                the npm package @duckdb/node-api 1.4 (DuckDB 1.4.5,
#                prebuilt in the package) under build/duckdb, installed
#                here if npm can reach the registry; the package
#                `duckdb` builds DuckDB from source, which takes longer
#                than a bench run on 2 cores]
set -e
. "$(dirname "$0")/bench-lib.sh"
: "${BENCH_LINES:=1000000}"
: "${BENCH_WEEK:=34000}"
gen=$top/build/plain/gen-orders
bin=$top/bin
dir=$BENCH_DIR/weekly-$BENCH_LINES
mkdir -p "$dir"
cd "$dir"

# The history: the caller's, or made here (seed 1, as tools/bench.sh).
if [ -n "$BENCH_DB" ] && [ -n "$BENCH_CSV" ]; then
	hcsv=$BENCH_CSV
	hdb=$BENCH_DB
else
	hcsv=$dir/hist.csv
	hdb=$dir/hist.db
	# (A file left empty by a run that failed counts no lines.)
	n=$(sed -n '$=' hist.csv 2>/dev/null || :)
	[ "${n:-0}" -gt "$BENCH_LINES" ] ||
		{ rm -f hist.db*; "$gen" -s 1 -n "$BENCH_LINES" >hist.csv; }
	[ -f hist.db ] || "$bin/crm-import" -q --db hist.db hist.csv
fi
# A history stored by an older crmkit is brought to this one's schema
# first (an import of the header alone migrates it), so that no timed
# step includes a migration.
head -n 1 "$hcsv" >header.csv
rm -f version.db*
"$bin/crm-import" -q --db version.db header.csv
[ "$(sqlite3 "$hdb" 'PRAGMA user_version')" = \
    "$(sqlite3 version.db 'PRAGMA user_version')" ] ||
	"$bin/crm-import" -q --db "$hdb" header.csv
rm -f version.db* header.csv
# The week after the history's last day: half its buyers already known.
custs=$((BENCH_LINES / 5))
first=$((custs - BENCH_WEEK / 10))
# (The export is sorted by time: its last line has the last day.)
last=$(tail -n 1 "$hcsv" | cut -d, -f2 | cut -c1-10)
start=$(sqlite3 :memory: "SELECT date('$last', '+1 day')")
asof=$(sqlite3 :memory: "SELECT date('$last', '+7 day')")
"$gen" -s 2 -n "$BENCH_WEEK" -c "$BENCH_WEEK" --id-prefix W --start "$start" \
	--days 7 --first-customer "$first" >week.csv
wlines=$(($(sed -n '$=' week.csv) - 1))

# time_one VAR CMD...: runs CMD (output to out.csv) and keeps VAR_s
# (wall seconds), VAR_cpu (user + system seconds) and VAR_kb (peak).
time_one() {
	var=$1
	shift
	/usr/bin/time -f '%e %M %U %S' -o time.out "$@" >out.csv 2>err.out </dev/null || {
		echo "bench: weekly: $* failed: $(head -3 err.out)" >&2
		exit 1
	}
	eval "${var}_s=\$(awk '{print \$1}' time.out)"
	eval "${var}_kb=\$(awk '{print \$2}' time.out)"
	eval "${var}_cpu=\$(awk '{print \$3 + \$4}' time.out)"
}
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b != "" && b < a) ? b : a }'; }
max() { awk -v a="$1" -v b="$2" 'BEGIN { print (b != "" && b > a) ? b : a }'; }
add() { awk -v a="$1" -v b="$2" -v c="${3:-0}" -v d="${4:-0}" 'BEGIN { print a + b + c + d }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# DuckDB: the CLI, else the node package (installed once).
duck=
if [ -n "$BENCH_DUCKDB" ] || command -v duckdb >/dev/null 2>&1; then
	duck=cli
	: "${BENCH_DUCKDB:=duckdb}"
elif command -v node >/dev/null 2>&1; then
	[ -d "$top/build/duckdb/node_modules/@duckdb/node-api" ] ||
		npm install --prefix "$top/build/duckdb" \
		    @duckdb/node-api@1.4.5-r.1 >"$dir/npm.log" 2>&1 || true
	[ -d "$top/build/duckdb/node_modules/@duckdb/node-api" ] && duck=node
fi
# duck_run DB SQLFILE: run by time_one, so a command, not a function.
duck_run() {
	if [ "$duck" = cli ]; then
		echo "$BENCH_DUCKDB $1 -f $2"
	else
		echo "node $top/tools/bench-duckdb.js $top/build/duckdb $1 $2"
	fi
}

# The peers' query over a table lines of the export's columns.
cols="{'order_id': 'VARCHAR', 'ordered_at': 'TIMESTAMP', 'channel': 'VARCHAR',
 'status': 'VARCHAR', 'account': 'VARCHAR', 'phone': 'VARCHAR',
 'email': 'VARCHAR', 'name': 'VARCHAR', 'sku': 'VARCHAR',
 'product': 'VARCHAR', 'category': 'VARCHAR', 'quantity': 'INTEGER',
 'unit_price': 'BIGINT', 'shipping': 'BIGINT', 'discount': 'BIGINT',
 'coupon': 'VARCHAR', 'paid_total': 'BIGINT'}"
duck_query() { # $1: the relation of lines
	cat <<EOF
CREATE TEMP TABLE o AS SELECT order_id, any_value(account) AS account,
  CAST(any_value(ordered_at) AS DATE) AS day, any_value(paid_total) AS net
  FROM $1 WHERE status IN ('completed', 'pending') GROUP BY order_id;
CREATE TEMP TABLE c AS SELECT account, max(day) AS last, count(*) AS f,
  sum(net) AS m FROM o GROUP BY account;
COPY (SELECT account, DATE '$asof' - last AS recency, f, m,
  1 + 5 * (rank() OVER (ORDER BY last) - 1) // n AS r,
  1 + 5 * (rank() OVER (ORDER BY f) - 1) // n AS fs,
  1 + 5 * (rank() OVER (ORDER BY m) - 1) // n AS ms
  FROM c, (SELECT count(*) AS n FROM c) ORDER BY account)
  TO 'duck-rfm.csv' (HEADER false);
COPY (WITH d AS (SELECT DISTINCT account, day FROM o),
  g AS (SELECT day - lag(day) OVER (PARTITION BY account ORDER BY day) AS gap,
    row_number() OVER (PARTITION BY account ORDER BY day) AS k FROM d)
  SELECT count(gap), round(avg(gap), 2),
    median(gap) FILTER (WHERE k = 2) FROM g)
  TO 'duck-gaps.csv' (HEADER false);
EOF
}
sqlite_query() {
	cat <<EOF
CREATE TEMP TABLE o AS SELECT order_id, account,
  CAST(julianday(substr(ordered_at, 1, 10)) AS INTEGER) AS day,
  CAST(paid_total AS INTEGER) AS net
  FROM lines WHERE status IN ('completed', 'pending') GROUP BY order_id;
CREATE TEMP TABLE c AS SELECT account, max(day) AS last, count(*) AS f,
  sum(net) AS m FROM o GROUP BY account;
.mode csv
.output lite-rfm.csv
SELECT account, CAST(julianday('$asof') AS INTEGER) - last, f, m,
  1 + 5 * (rank() OVER (ORDER BY last) - 1) / n,
  1 + 5 * (rank() OVER (ORDER BY f) - 1) / n,
  1 + 5 * (rank() OVER (ORDER BY m) - 1) / n
  FROM c, (SELECT count(*) AS n FROM c) ORDER BY account;
CREATE TEMP TABLE g AS WITH d AS (SELECT DISTINCT account, day FROM o)
  SELECT day - lag(day) OVER (PARTITION BY account ORDER BY day) AS gap,
    row_number() OVER (PARTITION BY account ORDER BY day) AS k FROM d;
.output lite-gaps.csv
SELECT (SELECT count(gap) FROM g), (SELECT round(avg(gap), 2) FROM g),
  (SELECT gap FROM g WHERE k = 2 ORDER BY gap LIMIT 1 OFFSET
    (SELECT (count(*) - 1) / 2 FROM g WHERE k = 2));
EOF
}

# Set-up, not timed: the peers' history in their database files.
if [ -n "$duck" ]; then
	duck_query "read_csv(['$hcsv', '$dir/week.csv'], header = true, columns = $cols)" >rescan.sql
	{
		echo "INSERT INTO lines SELECT * FROM read_csv('$dir/week.csv', header = true, columns = $cols);"
		duck_query lines
	} >file.sql
	if [ ! -f hist.duckdb ]; then
		echo "CREATE TABLE lines AS SELECT * FROM read_csv('$hcsv', header = true, columns = $cols);
CHECKPOINT;" >load.sql
		$(duck_run hist.duckdb load.sql) >/dev/null
	fi
fi
if [ ! -f hist.sqlite ]; then
	sqlite3 hist.sqlite ".mode csv" ".import '$hcsv' lines"
fi
{
	echo ".import --csv --skip 1 '$dir/week.csv' lines"
	sqlite_query
} >sqlite.sql
echo ".import --csv '$dir/week.csv' week" >floor.sql

imp= rfm= napl= sum= job= dfile= dscan= lite= jobcpu= dfilecpu= dscancpu= litecpu=
floor=
rfms= napls= jobs= jobscpu=
imp_max=0 rfm_max=0 napl_max=0 sum_max=0 dfile_max=0 dscan_max=0 lite_max=0
rfms_max=0 napls_max=0
for round in 1 2; do
	rm -f w.db* w.duckdb* w.sqlite*
	# Each side's copy of its history is flushed before it runs: else
	# the first fsync of a store (crm-import's checkpoint) writes the
	# whole fresh copy to disk, and the step is timed with it.
	cp "$hdb" w.db
	sync
	time_one a_imp "$bin/crm-import" -q --db w.db week.csv
	time_one a_rfm "$bin/crm-rfm" --db w.db --as-of "$asof"
	time_one a_napl "$bin/crm-segment" --db w.db --as-of "$asof" napl
	time_one a_sum "$bin/crm-report" --db w.db --as-of "$asof" summary
	time_one a_rfms "$bin/crm-rfm" --db w.db --as-of "$asof" --summary
	time_one a_napls "$bin/crm-segment" --db w.db --as-of "$asof" \
	    --summary napl
	rfms=$(min "$a_rfms_s" "$rfms") napls=$(min "$a_napls_s" "$napls")
	jobs=$(min "$(add "$a_imp_s" "$a_rfms_s" "$a_napls_s" "$a_sum_s")" "$jobs")
	jobscpu=$(min "$(add "$a_imp_cpu" "$a_rfms_cpu" "$a_napls_cpu" "$a_sum_cpu")" "$jobscpu")
	rfms_max=$(max "$a_rfms_kb" "$rfms_max") napls_max=$(max "$a_napls_kb" "$napls_max")
	imp=$(min "$a_imp_s" "$imp") rfm=$(min "$a_rfm_s" "$rfm")
	napl=$(min "$a_napl_s" "$napl") sum=$(min "$a_sum_s" "$sum")
	job=$(min "$(add "$a_imp_s" "$a_rfm_s" "$a_napl_s" "$a_sum_s")" "$job")
	jobcpu=$(min "$(add "$a_imp_cpu" "$a_rfm_cpu" "$a_napl_cpu" "$a_sum_cpu")" "$jobcpu")
	imp_max=$(max "$a_imp_kb" "$imp_max") rfm_max=$(max "$a_rfm_kb" "$rfm_max")
	napl_max=$(max "$a_napl_kb" "$napl_max") sum_max=$(max "$a_sum_kb" "$sum_max")
	if [ -n "$duck" ]; then
		time_one b $(duck_run :memory: rescan.sql)
		dscan=$(min "$b_s" "$dscan") dscan_max=$(max "$b_kb" "$dscan_max")
		dscancpu=$(min "$b_cpu" "$dscancpu")
		cp hist.duckdb w.duckdb
		sync
		time_one c $(duck_run w.duckdb file.sql)
		dfile=$(min "$c_s" "$dfile") dfile_max=$(max "$c_kb" "$dfile_max")
		dfilecpu=$(min "$c_cpu" "$dfilecpu")
	fi
	cp hist.sqlite w.sqlite
	sync
	time_one d sqlite3 -batch w.sqlite ".read sqlite.sql"
	lite=$(min "$d_s" "$lite") lite_max=$(max "$d_kb" "$lite_max")
	litecpu=$(min "$d_cpu" "$litecpu")
	cp hist.sqlite w.sqlite
	sync
	time_one e sqlite3 -batch w.sqlite ".read floor.sql"
	floor=$(min "$e_s" "$floor")
done

echo "weekly: $wlines new lines ($start to $asof) into a store of $BENCH_LINES lines; best of 2"
echo "weekly crmkit: $job s (import $imp, rfm $rfm, napl $napl, summary $sum); CPU $jobcpu s; peak MB: import $(mb "$imp_max"), rfm $(mb "$rfm_max"), napl $(mb "$napl_max"), summary $(mb "$sum_max") (limit 64)"
echo "weekly crmkit with summaries: $jobs s (import $imp, rfm --summary $rfms, napl --summary $napls, summary $sum); CPU $jobscpu s; peak MB: rfm --summary $(mb "$rfms_max"), napl --summary $(mb "$napls_max")"
per_line() { awk -v s="$1" -v n="$2" 'BEGIN { printf "%.1f", s * 1e6 / n }'; }
if [ -n "$BENCH_FIRST" ]; then
	echo "weekly crmkit import: $(per_line "$imp" "$wlines") µs a line; a first import of $BENCH_LINES lines: $(per_line "$BENCH_FIRST" "$BENCH_LINES") µs a line (target: the week's no more)"
else
	echo "weekly crmkit import: $(per_line "$imp" "$wlines") µs a line"
fi
if [ -n "$duck" ]; then
	echo "weekly DuckDB, history in a file: $dfile s, $(ratio "$dfile" "$job")x crmkit (target 5x; CPU $dfilecpu s, $(ratio "$dfilecpu" "$jobcpu")x), $(mb "$dfile_max") MB peak"
	echo "weekly DuckDB re-scan of the CSVs: $dscan s, $(ratio "$dscan" "$job")x crmkit (target 10x; CPU $dscancpu s, $(ratio "$dscancpu" "$jobcpu")x), $(mb "$dscan_max") MB peak"
	echo "weekly DuckDB against crmkit with summaries: history in a file $(ratio "$dfile" "$jobs")x (target 5x), re-scan $(ratio "$dscan" "$jobs")x (target 10x)"
	echo "weekly DuckDB: $(sed -n '$=' duck-rfm.csv) customers scored; gaps (count, mean, median first-to-second): $(cat duck-gaps.csv)"
	# What the two targets leave the whole job, against the floor.
	for t in "10x re-scan:$dscan:10" "5x history in a file:$dfile:5"; do
		what=${t%%:*} rest=${t#*:}
		left=$(awk -v s="${rest%%:*}" -v k="${rest#*:}" 'BEGIN { printf "%.2f", s / k }')
		echo "weekly target $what leaves the whole job $left s; the floor (sqlite3 .import of the week alone) is $floor s: $(awk -v l="$left" -v f="$floor" 'BEGIN { print (f >= l ? "the target is below the bare load" : "above it") }')"
	done
else
	echo "weekly DuckDB: skipped (no duckdb CLI, and npm could not install the duckdb package)"
fi
echo "weekly sqlite3 SQL: $lite s, $(ratio "$lite" "$job")x crmkit (CPU $litecpu s, $(ratio "$litecpu" "$jobcpu")x), $(mb "$lite_max") MB peak"
echo "weekly sqlite3: $(sed -n '$=' lite-rfm.csv) customers scored; gaps (count, mean, median first-to-second): $(cat lite-gaps.csv)"
echo "weekly floor: the sqlite3 shell's .import of the week's $wlines lines alone, no index, no matching, no query: $floor s ($(ratio "$floor" "$imp") of crmkit's import)"
rm -f w.db* w.duckdb* w.sqlite* out.csv err.out time.out
