#!/bin/sh
# tests/golden/run.sh BINDIR OUTDIR: runs a fixed set of commands over the
# bundled examples and the report test data, as of fixed days, and writes
# each command's stdout and exit status to OUTDIR/NAME.  The outputs kept
# in tests/golden/expect were made by the programs before code moved
# between files (issue: one home for every definition); t0050-golden.sh
# compares the programs of today with them byte for byte.
set -u
bindir=$1
out=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
PATH="$bindir:$PATH"
export NO_COLOR=1 COLUMNS=100
unset CRM_DB
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ex="$work/ex.db"
rp="$work/rp.db"

# g NAME COMMAND...: stdout (stderr dropped) and the exit status.
g() {
	name=$1
	shift
	"$@" >"$out/$name" 2>/dev/null </dev/null
	echo "exit $?" >>"$out/$name"
}

for f in shopee-orders-old shopee-orders momo-orders qdm-orders \
    shopify-orders qdm-members email-events coupon-claims; do
	crm-import -q --db "$ex" "$src/examples/$f.csv" 2>/dev/null
done
crm-import -q --db "$rp" "$src/tests/data/report-orders.csv" 2>/dev/null
crm-import -q --db "$work/o.db" "$src/examples/orders.csv" 2>/dev/null

for db in ex rp o; do
	d="$work/$db.db"
	case $db in
	ex) A=2026-11-30 ;;
	rp) A=2025-12-31 ;;
	o) A=2026-11-18 ;;
	esac
	for r in summary cycle monthly cohort products basket heatmap \
	    channels migration quality; do
		g "$db-report-$r.csv" crm-report --db "$d" --as-of $A $r
		g "$db-report-$r.table" crm-report --db "$d" --as-of $A --table $r
	done
	g "$db-report-cycle-threshold.csv" crm-report --db "$d" --as-of $A \
	    --part threshold cycle
	g "$db-report-migration-from.csv" crm-report --db "$d" --as-of $A \
	    --from 2025-06-01 --lost-after 45 migration
	g "$db-rfm.csv" crm-rfm --db "$d" --as-of $A
	g "$db-rfm-summary.csv" crm-rfm --db "$d" --as-of $A --summary
	g "$db-napl.csv" crm-segment --db "$d" --as-of $A napl
	g "$db-napl-summary.csv" crm-segment --db "$d" --as-of $A --summary napl
	g "$db-napl-60.csv" crm-segment --db "$d" --as-of $A --lost-after 60 napl
	g "$db-seg-lost.csv" crm-segment --db "$d" --as-of $A lost
	g "$db-seg-new.csv" crm-segment --db "$d" --as-of $A --count new
	g "$db-seg-expr.csv" crm-segment --db "$d" --as-of $A \
	    'orders >= 2 and spent > 1000'
	g "$db-seg-rfm.csv" crm-segment --db "$d" --as-of $A \
	    "rfm_segment = 'Champions' or stage = 'lost'"
	g "$db-pb-run.csv" crm-playbook run -n --db "$d" --date $A \
	    "$src/examples/standard.playbook"
	g "$db-pb-results.csv" crm-playbook results --db "$d" --as-of $A \
	    "$src/examples/standard.playbook"
	for i in 1 2 3 5 8; do
		g "$db-explain-$i.txt" crm-import --db "$d" --explain $i
	done
done
g pb-check.txt crm-playbook check "$src/examples/standard.playbook"
cp "$work/o.db" "$work/pb.db"
for d in 01 02 03 04 05 06 07; do
	g "pb-run-$d.csv" crm-playbook run -q --db "$work/pb.db" \
	    --date 2026-10-$d "$src/examples/standard.playbook"
done
g pb-results.csv crm-playbook results --db "$work/pb.db" --as-of 2026-11-18 \
    "$src/examples/standard.playbook"
g pb-results-7.csv crm-playbook results --db "$work/pb.db" --as-of 2026-11-18 \
    --days 7 "$src/examples/standard.playbook"
