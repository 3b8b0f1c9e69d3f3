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
	test_expect_success "every long option in $p --help is an Fl in its manual" "
		$p --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u >opts &&
		man_flags '$SRC_DIR/man/$p.1' >flags &&
		comm -23 opts flags >missing &&
		test_cmp /dev/null missing
	"
done

test_expect_success 'the store and the conventions have their pages' '
	test -f "$SRC_DIR/man/crm-store.5" && test -f "$SRC_DIR/man/crm.7" &&
	if command -v mandoc >/dev/null; then
		mandoc -Tlint -Wwarning "$SRC_DIR/man/crm-store.5" "$SRC_DIR/man/crm.7"
	fi
'

# mk ARGS...: make in the source tree, with this script's build folder.
mk() {
	make --no-print-directory -C "$SRC_DIR" BUILD="$TRASH/build" \
	    OUT="$TRASH/bin" "$@"
}

test_expect_success 'make install puts programs, pages and formats in place; uninstall takes them away' '
	inst="PREFIX=/usr DESTDIR=$TRASH/root" &&
	mk -s -j2 $inst install >/dev/null &&
	for p in crm-import crm-rfm crm-segment crm-report crm-playbook crm-points; do
		test -x "root/usr/bin/$p" && test -f "root/usr/share/man/man1/$p.1" ||
		{ echo "$p missing"; exit 1; }
	done &&
	test -f root/usr/share/man/man5/crm-store.5 &&
	test -f root/usr/share/man/man7/crm.7 &&
	test -f root/usr/share/crmkit/formats/shopee.fmt &&
	grep -q /usr/share/crmkit "$TRASH/build/import/format.o" &&
	! grep -q /usr/local/share/crmkit "$TRASH/build/import/format.o" &&
	! test -e "$TRASH/build/unit" && ! test -e "$TRASH/build/gen-orders" &&
	(cd "$SRC_DIR" && find share -type f | sed "s|^share/|usr/share/crmkit/|" &&
	    ls man | sed -n "s|.*\.\([157]\)$|usr/share/man/man\1/&|p" &&
	    ls src | sed -n "s|^\(crm-.*\)\.c$|usr/bin/\1|p") | sort >want &&
	(cd root && find . ! -type d | sed "s|^\./||") | sort >wrote &&
	test_cmp want wrote &&
	mk -s $inst uninstall >/dev/null &&
	find root ! -type d >left && test_cmp /dev/null left &&
	! test -e root/usr/share/crmkit
'

# The programs look for formats beside themselves, then in the DATADIR
# they were built with: a program moved away from its tree finds them
# there, and only there.
test_expect_success 'a changed PREFIX rebuilds format.o; a moved program finds its formats in DATADIR' '
	mk -s -j2 PREFIX="$TRASH/pfx" install >/dev/null &&
	grep -q "$TRASH/pfx/share/crmkit" "$TRASH/build/import/format.o" &&
	grep -q "$TRASH/pfx/share/crmkit" pfx/bin/crm-import &&
	mkdir -p moved/bin && mv pfx/bin/crm-import moved/bin/ &&
	unset CRM_FORMATS &&
	moved/bin/crm-import --db m.db "$SRC_DIR/examples/shopee-orders.csv" 2>err &&
	test_grep "format shopee (recognised from the header)" err &&
	mk -s PREFIX="$TRASH/pfx" uninstall >/dev/null &&
	! test -e pfx/share/crmkit &&
	! moved/bin/crm-import --db n.db "$SRC_DIR/examples/shopee-orders.csv" 2>err &&
	test_grep "format" err
'

# The rebuilds make would do, asked with -n (and -W FILE: as if FILE had
# just changed), so nothing in the tree is touched.
compiled() { sed -n "s|.* -c -o $TRASH/build/\([^ ]*\) .*|\1|p" | sort; }
linked() { sed -n "s|.* -o $TRASH/bin/\([^ ]*\) .*|\1|p" | sort; }

test_expect_success 'an up-to-date build does nothing; the same PREFIX rebuilds nothing' '
	mk -n PREFIX="$TRASH/pfx" all >out &&
	sed "/Nothing to be done/d" out >actual && test_cmp /dev/null actual &&
	mk -n PREFIX=/usr all >out && compiled <out >actual &&
	echo import/format.o >expect && test_cmp expect actual
'

test_expect_success 'a changed .c rebuilds its object only, then relinks every program' '
	mk -n -W src/lib/money.c PREFIX="$TRASH/pfx" all >out &&
	compiled <out >actual && echo lib/money.o >expect &&
	test_cmp expect actual &&
	linked <out >actual &&
	(cd "$SRC_DIR/src" && ls crm-*.c | sed "s/\.c$//") >expect &&
	test_cmp expect actual
'

# users_of HEADER: the objects whose sources include HEADER (a path
# under src/), directly or through other headers, worked out from the
# #include lines.
users_of() {
	(cd "$SRC_DIR/src" &&
	todo=$1 seen= &&
	while [ -n "$todo" ]; do
		set -- $todo; h=$1; shift; todo=$*
		case " $seen " in *" $h "*) continue ;; esac
		seen="$seen $h"
		# "dir/name.h" from anywhere; "name.h" from dir itself, and
		# from anywhere for src/lib (it is on the include path).
		d=${h%/*} b=${h##*/}
		files=$(grep -l -e "^[[:space:]]*#include \"$h\"" *.c */*.c */*.h 2>/dev/null
		    grep -l -e "^[[:space:]]*#include \"$b\"" $d/*.c $d/*.h 2>/dev/null
		    [ "$d" = lib ] && grep -l -e "^[[:space:]]*#include \"$b\"" *.c */*.c */*.h 2>/dev/null)
		for f in $(echo "$files" | sort -u); do
			case $f in
			*.h) todo="$todo $f" ;;
			*) echo "${f%.c}.o" ;;
			esac
		done
	done) | sort -u
}

test_expect_success 'a changed header rebuilds what includes it' '
	for h in lib/rfm.h import/format.h lib/crm.h; do
		users_of $h >expect &&
		test -s expect &&
		mk -n -W src/$h PREFIX="$TRASH/pfx" all | compiled >actual &&
		test_cmp expect actual || exit 1
	done
'

test_expect_success 'make (all) never installs: no apt-get, no deps.sh' '
	rm -rf "$TRASH/build" "$TRASH/bin" &&
	mk -n all >out &&
	compiled <out >objects && test -s objects &&
	! grep -n -e apt-get -e deps.sh -e "^make.* deps" out &&
	mk -n install >out && ! grep -n -e apt-get -e deps.sh out &&
	! grep -n -e "/unit/" -e gen-orders out &&
	mk -n check >out && grep -q deps.sh out
'

test_done
