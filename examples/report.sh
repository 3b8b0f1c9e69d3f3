#!/bin/sh
# report.sh: crm-report on the bundled example orders: the summary, the
# repurchase cycle, months, baskets, and the cycle of the customers a
# segment picked.  It prints each command after a '$' and then its
# output, exactly as the EXAMPLES of crm-report(1) show them;
# tests/t3300-report-example.sh checks that the two agree.
set -e
. "$(dirname "$0")/example.sh"
example_store report
export COLUMNS=72

run "crm-report --as-of 2026-11-30 --table summary"
run "crm-report --as-of 2026-11-30 summary | cut -d, -f1,5-7,11"
run "crm-report --as-of 2026-11-30 --min-buyers 3 --table cycle | head -8"
run "crm-report --as-of 2026-11-30 --from 2026-06-01 --table monthly"
run "crm-report --as-of 2026-11-30 --free-shipping 1500 --part summary basket"
run "crm-segment --as-of 2026-11-30 active | crm-report --as-of 2026-11-30 cycle"
