#!/bin/sh
test_description='every program: --help, --version, usage errors, a manual page'
. "$(dirname "$0")/test-lib.sh"

progs=$(cd "$CRM_BIN" && ls crm-* 2>/dev/null)

test_expect_success 'the programs are built' '
	test -n "$progs" && test -x "$CRM_BIN/crm-import"
'

for p in $progs; do
	test_expect_success "$p --help: usage on stdout, exit 0" "
		$p --help >out 2>err &&
		test_grep '^usage: $p' out && test ! -s err
	"
	test_expect_success "$p -h is --help" "
		$p -h >out && test_grep '^usage: $p' out
	"
	test_expect_success "$p --version" "
		$p --version >out && test_grep '^$p [0-9][0-9.]*\$' out
	"
	test_expect_success "$p with a bad option: synopsis on stderr, exit 2" "
		{ $p --no-such-option >out 2>err; test \$? = 2; } &&
		test_grep '^usage: $p' err && test ! -s out
	"
	test_expect_success "$p has a manual page that lints clean" "
		test -f '$SRC_DIR/man/$p.1' &&
		if command -v mandoc >/dev/null; then
			mandoc -Tlint -Wwarning '$SRC_DIR/man/$p.1'
		fi
	"
	test_expect_success "every long option in $p --help is in its manual" "
		$p --help | grep -o -- '--[a-z][a-z-]*' | sort -u >opts &&
		while read -r o; do
			grep -q -e \"Fl \\\\\\\\\\{0,1\\}-\${o#--}\" '$SRC_DIR/man/$p.1' ||
			grep -q -e \"\${o#--}\" '$SRC_DIR/man/$p.1' ||
			{ echo \"\$o is not in man/$p.1\"; exit 1; }
		done <opts
	"
done

test_expect_success 'the store and the conventions have their pages' '
	test -f "$SRC_DIR/man/crm-store.5" && test -f "$SRC_DIR/man/crm.7" &&
	if command -v mandoc >/dev/null; then
		mandoc -Tlint -Wwarning "$SRC_DIR/man/crm-store.5" "$SRC_DIR/man/crm.7"
	fi
'

test_expect_success 'make install puts programs, pages and formats in place; uninstall takes them away' '
	inst="PREFIX=/usr DESTDIR=$TRASH/root BUILD=$TRASH/build OUT=$TRASH/bin" &&
	make -s -j2 -C "$SRC_DIR" $inst install >/dev/null &&
	for p in crm-import crm-rfm crm-segment crm-report crm-playbook; do
		test -x "root/usr/bin/$p" && test -f "root/usr/share/man/man1/$p.1" ||
		{ echo "$p missing"; exit 1; }
	done &&
	test -f root/usr/share/man/man5/crm-store.5 &&
	test -f root/usr/share/man/man7/crm.7 &&
	test -f root/usr/share/crmkit/formats/shopee.fmt &&
	grep -q /usr/share/crmkit "$TRASH/build/import/format.o" &&
	! test -e "$TRASH/build/unit" && ! test -e "$TRASH/build/gen-orders" &&
	make -s -C "$SRC_DIR" $inst uninstall >/dev/null &&
	find root -type f >left && test_cmp /dev/null left
'

test_done
