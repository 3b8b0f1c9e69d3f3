#!/bin/sh
# examples/rfm.sh and examples/segment.sh run, and print exactly what the
# EXAMPLES of crm-rfm(1) and crm-segment(1) show.
test_description='crm-rfm and crm-segment examples'
. "$(dirname "$0")/test-lib.sh"

export EXAMPLE_DIR="$TRASH/ex"

for p in rfm segment; do
	test_expect_success "examples/$p.sh prints what crm-$p(1) shows" "
		sh '$SRC_DIR/examples/$p.sh' >actual.$p &&
		man_examples '$SRC_DIR/man/crm-$p.1' >expect.$p &&
		test -s expect.$p &&
		test_cmp expect.$p actual.$p
	"
done

test_done
