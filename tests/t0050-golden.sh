#!/bin/sh
# The programs give byte for byte what they gave before code moved
# between files: tests/golden/run.sh over the examples, compared with the
# outputs kept in tests/golden/expect.  A change that means to change an
# output regenerates them (sh tests/golden/run.sh bin tests/golden/expect)
# and says why in its commit.
test_description='golden outputs'
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'every golden command gives the kept output' '
	sh "$SRC_DIR/tests/golden/run.sh" "$CRM_BIN" got &&
	(cd "$SRC_DIR/tests/golden/expect" && ls) >want.list &&
	(cd got && ls) >got.list &&
	test_cmp want.list got.list &&
	for f in $(cat want.list); do
		cmp -s "$SRC_DIR/tests/golden/expect/$f" "got/$f" || {
			echo "differs: $f"
			diff "$SRC_DIR/tests/golden/expect/$f" "got/$f" | head -20
			exit 1
		}
	done
'

test_done
