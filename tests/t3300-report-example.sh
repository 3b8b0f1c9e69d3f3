#!/bin/sh
# t3300-report-example.sh: examples/report.sh runs and prints exactly
# what the EXAMPLES of crm-report(1) show.
test_description='crm-report example'
. "$(dirname "$0")/test-lib.sh"

export EXAMPLE_DIR="$TRASH/ex"

test_expect_success 'examples/report.sh prints what crm-report(1) shows' '
	sh "$SRC_DIR/examples/report.sh" >actual &&
	man_examples "$SRC_DIR/man/crm-report.1" >expect &&
	test -s expect &&
	test_cmp expect actual
'

test_expect_success 'the example summary against plain SQL' '
	sqlite3 -batch -noheader -separator , ex/report.db "
	WITH o AS (SELECT customer_id AS c, ordered_at / 86400 AS d, net FROM orders
	    WHERE status IN ('"'completed'"', '"'pending'"')),
	f AS (SELECT c, MIN(d) AS fd FROM o GROUP BY c),
	x AS (SELECT c, COUNT(*) AS n, SUM(net) AS r, COUNT(DISTINCT d) AS nd FROM o
	    WHERE d BETWEEN CAST(julianday('"'2025-12-01'"') - 2440587.5 AS INT)
	    AND CAST(julianday('"'2026-11-30'"') - 2440587.5 AS INT) GROUP BY c)
	SELECT COUNT(*), SUM(n), printf('"'%d.%02d'"', SUM(r) / 100, SUM(r) % 100),
	  printf('"'%.4f'"', 1.0 * SUM(f.fd < CAST(julianday('"'2025-12-01'"') - 2440587.5 AS INT)
	  OR nd >= 2) / COUNT(*)) FROM x JOIN f USING (c)" >expect &&
	crm-report --db ex/report.db --as-of 2026-11-30 summary | sed -n 2p |
	    cut -d, -f5-7,11 >actual &&
	test_cmp expect actual
'

test_done
