#!/bin/sh
# points.sh: examples/points.programme over the example shop: the store
# examples/orders.csv, examples/qdm-members.csv and the points members
# used (examples/points-redemptions.csv) make, as of 30 November 2026.
# Its output is the EXAMPLES of crm-points(1);
# tests/t7100-points-example.sh checks they agree.
set -e
cd "$(dirname "$0")/.."
PATH="$(pwd)/bin:$PATH"
: "${EXAMPLE_DIR:=build/points-example}"
mkdir -p "$EXAMPLE_DIR"
db="$EXAMPLE_DIR/crm.db"
rm -f "$db" "$db-wal" "$db-shm"
export CRM_DB="$db"
crm-import -q examples/orders.csv examples/qdm-members.csv \
    examples/points-redemptions.csv
p=examples/points.programme
echo "$ crm-points check $p"
crm-points check "$p"
echo "$ crm-points --as-of 2026-11-30 balances $p | head -6"
crm-points --as-of 2026-11-30 balances "$p" | head -6
echo "$ crm-points --as-of 2026-11-30 liability $p"
crm-points --as-of 2026-11-30 liability "$p"
echo "$ crm-points --as-of 2026-11-30 --part difference evaluate $p"
crm-points --as-of 2026-11-30 --part difference evaluate "$p"
