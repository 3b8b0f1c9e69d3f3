#!/bin/sh
# predict.sh: crm-predict on a thousand customers drawn from the process
# the models describe (examples/predict-orders.awk): the summary, a fit,
# the customers, a check on a holdout, and a data gate on the small
# example store.  It prints each command after a '$' and then its
# output, exactly as the EXAMPLES of crm-predict(1) show them;
# tests/t5200-predict-example.sh checks that the two agree.
set -e
. "$(dirname "$0")/example.sh"
example_store predict
export COLUMNS=80
small=$CRM_DB
awk -f "$top/examples/predict-orders.awk" >tea.csv
export CRM_DB="$EXAMPLE_DIR/tea.db"
rm -f "$CRM_DB" "$CRM_DB-wal" "$CRM_DB-shm"
crm-import -q tea.csv

run "crm-predict --as-of 2026-06-30 summary | head -4"
run "crm-predict --as-of 2026-06-30 --model mbgnbd --table fit"
run "crm-predict --as-of 2026-06-30 --model mbgnbd --horizon 90 customers |
    head -4"
run "crm-predict --as-of 2026-06-30 --holdout 180 check 2>&1"
run "crm-predict --as-of 2026-06-30 --holdout 180 --model mbgnbd --table \\
    --part palive check"
run "crm-predict --db $(basename "$small") --as-of 2026-06-30 fit 2>&1 ||
    echo exit \$?"
