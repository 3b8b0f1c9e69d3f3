#!/bin/sh
# examples/predict.sh runs, and prints exactly what the EXAMPLES of
# crm-predict(1) show.
test_description='crm-predict examples'
. "$(dirname "$0")/test-lib.sh"

export EXAMPLE_DIR="$TRASH/ex"

test_expect_success 'examples/predict.sh prints what crm-predict(1) shows' "
	sh '$SRC_DIR/examples/predict.sh' >actual &&
	man_examples '$SRC_DIR/man/crm-predict.1' >expect &&
	test -s expect &&
	test_cmp expect actual
"

test_done
