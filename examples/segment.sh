#!/bin/sh
# segment.sh: crm-segment on the bundled example orders: the lifecycle
# stages, audiences by expression, a saved tag, the four groups of a
# Double 11 campaign, lists chained through a pipe.  It prints each
# command after a '$' and then its output, exactly as the EXAMPLES of
# crm-segment(1) show them; tests/t2300-examples.sh checks that the two
# agree.
set -e
. "$(dirname "$0")/example.sh"
example_store segment

run "crm-segment --as-of 2026-11-30 napl --summary"
run "crm-segment --as-of 2026-11-30 napl | head -4"
run "crm-segment --as-of 2026-11-30 --columns name,orders,spent \\
    'orders >= 2 and spent > 3000' | head -4"
run "crm-segment --as-of 2026-11-30 --count 'last_order < -90d'"
run "crm-segment --as-of 2026-11-30 --columns name,last_order \\
    \"bought(sku = 'SKU-0191', since -30d)\""
run "crm-segment --as-of 2026-11-30 --columns rfm,rfm_segment \\
    \"rfm_segment in ('At Risk', \\\"Can't Lose Them\\\")\""
run "crm-segment --as-of 2026-11-30 --save vip --count 'spent > 8000' 2>&1"
run "crm-segment --as-of 2026-11-30 --columns spent,tags \"tag = 'vip'\""
run "crm-segment --as-of 2026-11-30 --count \\
    'orders(between 2025-11-01 and 2025-11-11) and
     aov(after 2025-11-11) >= shop_aov'"
run "crm-segment --as-of 2026-11-30 --count \\
    'orders(between 2025-11-01 and 2025-11-11) and
     aov(after 2025-11-11) < shop_aov'"
run "crm-segment --as-of 2026-11-30 --count \\
    'orders(between 2025-11-01 and 2025-11-11) and
     orders(after 2025-11-11) = 0'"
run "crm-segment --as-of 2026-11-30 --count \\
    'purchased and not orders(between 2025-11-01 and 2025-11-11)'"
run "crm-segment --as-of 2026-11-30 lost |
    crm-segment --as-of 2026-11-30 --count \"channel = 'qdm'\""
run "crm-segment --unsave vip 2>&1"
