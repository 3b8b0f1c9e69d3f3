#!/bin/sh
# t0200-readme.sh: the commands the README shows in its indented code
# blocks run as printed.  Each line that calls a crm-* program is taken
# apart (tests/readme-commands.py): a line of crm-* programs only, whose
# files are at hand, runs whole in a copy of the examples (the store of
# the examples in ./crm.db, stdin /dev/null) and must exit 0; a line that
# needs what a test cannot have (/srv paths, mail, xlsx2csv, a loop
# variable) has each crm-* call run alone, which must not be a usage
# error (exit 2, "usage:"); every other program a line pipes to must
# exist.
test_description='the README commands'
. "$(dirname "$0")/test-lib.sh"

command -v python3 >/dev/null || test_skip_all "no python3"
command -v bash >/dev/null || test_skip_all "no bash (for pipefail)"

# ==== Known exceptions: README lines that cannot pass yet ====
# Each is a pattern of the line (grep -F) and why.  Such a line is only
# checked to parse.  Remove it here when it passes.
KNOWN_EXCEPTIONS=''
# ==== end of the known exceptions ====

# Programs a README line may use that this machine need not have.
EXTERNAL='xlsx2csv mail'

test_expect_success 'a copy of the examples, with the store of the examples' '
	mkdir -p sb/examples &&
	cp "$SRC_DIR"/examples/*.csv "$SRC_DIR"/examples/*.txt \
	    "$SRC_DIR"/examples/*.playbook sb/examples/ &&
	cp sb/examples/*.csv sb/ &&
	(cd sb && for f in shopee-orders-old shopee-orders momo-orders \
	    qdm-orders shopify-orders qdm-members email-events \
	    coupon-claims; do
		crm-import -q examples/$f.csv || exit 1
	done) &&
	cat >sb/online_retail.csv <<-\EOF2
	InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
	536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom
	536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850.0,United Kingdom
	536414,22139,,56,12/1/2010 11:52,0,,United Kingdom
	C536379,D,Discount,-1,12/1/2010 9:41,27.5,14527.0,United Kingdom
	EOF2
'

test_expect_success 'the README commands, taken apart' '
	(cd sb && python3 "$TEST_DIR/readme-commands.py" "$SRC_DIR/README.md" \
	    "$EXTERNAL") >cmds &&
	grep -c "	crm-" cmds >n && test $(cat n) -ge 30
'

# check CMDS: runs the commands of CMDS (readme-commands.py's lines);
# says what fails, and fails if anything does.
check() {
	fail=0
	while IFS="	" read -r line kind text; do
		for k in $KNOWN_EXCEPTIONS; do
			case $text in *"$k"*)
				[ $kind = whole ] && kind=parse
				echo "# README:$line: known exception: $text" ;;
			esac
		done
		case $kind in
		missing)
			echo "README:$line: no program $text"; fail=1 ;;
		whole)
			(cd sb && bash -o pipefail -c "$text" </dev/null \
			    >/dev/null 2>../err) ||
			    { echo "README:$line: exit $?: $text"; cat err
			    fail=1; } ;;
		parse)
			(cd sb && eval "$text" </dev/null >/dev/null 2>../err)
			rc=$?
			if [ $rc = 2 ] || grep -q "usage:" err; then
				echo "README:$line: does not parse: $text"
				cat err; fail=1
			fi ;;
		esac
	done <"$1"
	return $fail
}

test_expect_success 'every README command runs as printed' '
	check cmds
'

test_expect_success 'the checker finds a wrong line' '
	printf "%s\n" "    crm-report summary | products" \
	    "    crm-rfm --bogus" "    crm-report summary > /srv/x.csv" \
	    "    crm-report --no-such summary > /srv/x.csv" \
	    "    crm-report cycle nosuch.csv" >bad.md &&
	(cd sb && python3 "$TEST_DIR/readme-commands.py" ../bad.md "") \
	    >badcmds &&
	! check badcmds >out &&
	grep -q "README:1: no program products" out &&
	grep -q "README:2: exit 2: crm-rfm --bogus" out &&
	! grep -q "README:3" out &&
	grep -q "README:4: does not parse: crm-report --no-such summary" out &&
	grep "	parse	crm-report cycle nosuch.csv" badcmds
'

test_done
