#!/bin/sh
# examples/points.sh runs and prints exactly what crm-points(1) shows.
test_description='crm-points example'
. "$(dirname "$0")/test-lib.sh"

export EXAMPLE_DIR="$TRASH/ex"

test_expect_success 'examples/points.sh prints what crm-points(1) shows' "
	sh '$SRC_DIR/examples/points.sh' >actual &&
	man_examples '$SRC_DIR/man/crm-points.1' >expect &&
	test -s expect &&
	test_cmp expect actual
"

test_done
