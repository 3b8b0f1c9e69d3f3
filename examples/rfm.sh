#!/bin/sh
# rfm.sh: crm-rfm on the bundled example orders: the scores, what each
# segment is worth, one channel's Champions, a shop's own segments.
# It prints each command after a '$' and then its output, exactly as the
# EXAMPLES of crm-rfm(1) show them; tests/t2300-examples.sh checks that
# the two agree.
set -e
. "$(dirname "$0")/example.sh"
example_store rfm

cat >my-segments.txt <<'END'
# R    F    M    name
4-5    2-5  *    Regulars
*      1    *    One-timers
1-2    *    *    Slipping
END

run "crm-rfm --as-of 2026-11-30 | head -4"
run "crm-rfm --as-of 2026-11-30 --summary"
run "crm-segment --as-of 2026-11-30 \"channel = 'momo'\" |
    crm-rfm --as-of 2026-11-30 --summary | head -4"
run "cat my-segments.txt"
run "crm-rfm --as-of 2026-11-30 --segments my-segments.txt --summary"
