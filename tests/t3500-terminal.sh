#!/bin/sh
# t3500-terminal.sh: what reaches a terminal.  A store holding a hostile
# product, category and buyer name (colour and title escapes, BEL, a bidi
# override and isolate, a tab, a newline) is shown by every report, the
# customer story, crm-rfm --summary and napl --summary, piped with --table
# and on a pseudo-terminal: no control character of the data comes out,
# each is shown visibly, and CSV on a pipe keeps the bytes.  Then every
# table and chart at 60, 80 and 120 columns, measured in display columns
# (East Asian wide counts two); TERM=dumb gets no escapes; an empty
# customer list on stdin is warned of.
test_description='terminal output: escapes, widths, colour'
. "$(dirname "$0")/test-lib.sh"

command -v python3 >/dev/null || test_skip_all "no python3"

AS=2025-06-30
reports="summary cycle monthly cohort products basket heatmap channels migration quality"

# width FILE: the widest line of FILE in display columns.
width() {
	python3 -c '
import sys, unicodedata
m = 0
for l in open(sys.argv[1], encoding="utf-8"):
    w = 0
    for c in l.rstrip("\n"):
        if unicodedata.combining(c):
            continue
        w += 2 if unicodedata.east_asian_width(c) in "WF" else 1
    m = max(m, w)
print(m)' "$1"
}

# tty OUT COMMAND: runs COMMAND (a shell line) on a pseudo-terminal of
# $COLUMNS columns, its output in OUT.
tty() {
	python3 - "$@" <<'PY'
import os, pty, sys, struct, fcntl, termios
out, cmd = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ,
        struct.pack("HHHH", 24, int(os.environ.get("COLUMNS", "80")), 0, 0))
    os.execvp("sh", ["sh", "-c", cmd])
data = b""
while True:
    try:
        b = os.read(fd, 65536)
    except OSError:
        break
    if not b:
        break
    data += b
os.waitpid(pid, 0)
open(out, "wb").write(data.replace(b"\r\n", b"\n"))
PY
}

# clean FILE: no ESC or BEL in FILE once the colour sequences the
# programs write themselves (bold, dim, cyan, off) are taken out, and no
# bidi override or isolate.
clean() {
	python3 - "$1" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
for s in (b"\x1b[1m", b"\x1b[2m", b"\x1b[36m", b"\x1b[0m"):
    d = d.replace(s, b"")
bad = [c for c in (b"\x1b", b"\x07", "\u202e".encode(), "\u2066".encode())
    if c in d]
if bad:
    print("%s: %r" % (sys.argv[1], bad))
sys.exit(1 if bad else 0)
PY
}

# crm-import refuses control characters and drops bidi controls, so the
# hostile names are written into the store directly, as an older store,
# another tool or a hand edit could have left them.
test_expect_success 'a store with a hostile product, category and name' '
	cp "$DATA/report-orders.csv" h.csv &&
	for o in H1,2025-03-01 H2,2025-04-01; do
		printf "%s 12:00,shopee,completed,mallory,0912000099,m@example.com,MALLORY,EVIL-1,REDTEA,CATX,1,100,0,0\n" "$o"
	done >>h.csv &&
	crm-import -q --db h.db h.csv &&
	sqlite3 h.db "
	    UPDATE products SET name = char(27) || \"[31mRed Tea\" ||
	      char(27) || \"]0;pwned\" || char(7) || \" \" || char(8238) ||
	      \"evil\" || char(8236) || char(9) || \"Tab\" || char(10) ||
	      \"Line\", category = char(27) || \"[2Jcat\"
	      WHERE sku = \"EVIL-1\";
	    UPDATE customers SET name = char(27) || \"[1mMal\" || char(8294) ||
	      \"lory\" WHERE name = \"MALLORY\";
	    UPDATE members SET name = (SELECT name FROM customers
	      WHERE id = members.customer_id) WHERE name = \"MALLORY\"" &&
	test "$(sql h.db "SELECT count(*) FROM products WHERE name LIKE
	    char(27) || \"[31mRed Tea%\" AND name LIKE \"%Tab\" || char(10) ||
	    \"Line\"")" = 1
'

test_expect_success 'every report with --table: no control character of the data' '
	for r in $reports; do
		COLUMNS=100 crm-report --db h.db --as-of $AS --min-buyers 1 \
		    --table $r >$r.out || return 1
		clean $r.out || return 1
	done &&
	crm-report --db h.db --as-of $AS --table customer mallory >cust.out &&
	clean cust.out &&
	crm-rfm --db h.db --as-of $AS --summary --table >rfm.out &&
	clean rfm.out &&
	crm-segment --db h.db --as-of $AS --summary --table napl >napl.out &&
	clean napl.out
'

test_expect_success 'the escapes are shown visibly, the row stays one line' '
	grep -F "EVIL-1" products.out >row &&
	test $(wc -l <row) -ge 1 &&
	grep -F "\e[31mRed Tea\e]0;pwned\x07 \u202Eevil\u202C\tTab\nLine" row &&
	grep -F "\e[1mMal\u2066lory" cust.out &&
	grep -F "\e[2Jcat" products.out
'

test_expect_success 'a tab or newline in a name keeps the columns aligned' '
	sed -n "/^Products by revenue/,/^\$/p" products.out |
	    grep "^[0-9]" >rows &&
	test $(wc -l <rows) = 6 &&
	python3 -c "
import sys, unicodedata
for l in open(\"rows\", encoding=\"utf-8\"):
    p = l[:l.index(\"%\")]
    print(sum(2 if unicodedata.east_asian_width(c) in \"WF\" else 1
        for c in p))" | sort -u >cols &&
	test $(wc -l <cols) = 1
'

test_expect_success 'on a pseudo-terminal, in colour: nothing of the data' '
	for r in $reports; do
		COLUMNS=100 tty $r.tty "crm-report --db h.db --as-of $AS \
		    --min-buyers 1 $r" || return 1
		grep -q "$(printf "\033")\[1m" $r.tty || return 1
		clean $r.tty || return 1
	done &&
	COLUMNS=100 tty cust.tty "crm-report --db h.db --as-of $AS customer \
	    mallory" && clean cust.tty &&
	grep -F "\e]0;pwned" cust.tty
'

test_expect_success 'CSV on a pipe is data: the bytes as stored' '
	crm-report --db h.db --as-of $AS --min-buyers 1 products >p.csv &&
	grep -q "$(printf "\033")\]0;pwned$(printf "\007")" p.csv &&
	crm-segment --db h.db --as-of $AS --columns name active >s.csv &&
	grep -q "$(printf "\033")\[1mMal" s.csv
'

test_expect_success 'customer rows shown on a terminal carry no control' '
	COLUMNS=80 tty s.tty "crm-segment --db h.db --as-of $AS --columns \
	    name active" &&
	clean s.tty && grep -F "\e[1mMal\u2066lory" s.tty
'

test_expect_success 'TERM=dumb gets no escapes, as NO_COLOR' '
	TERM=dumb COLUMNS=80 tty dumb.tty "crm-report --db h.db --as-of $AS \
	    channels" &&
	grep -q shopee dumb.tty &&
	! grep -q "$(printf "\033")" dumb.tty &&
	TERM=xterm COLUMNS=80 tty color.tty "crm-report --db h.db --as-of \
	    $AS channels" &&
	grep -q "$(printf "\033")" color.tty
'

test_expect_success 'the stores of the examples and the report tests' '
	for f in shopee-orders-old shopee-orders momo-orders qdm-orders \
	    shopify-orders qdm-members email-events coupon-claims; do
		crm-import -q --db ex.db "$SRC_DIR/examples/$f.csv" || return 1
	done &&
	crm-import -q --db r.db "$DATA/report-orders.csv"
'

# fits DB ASOF NAME COMMAND...: COMMAND at 60, 80 and 120 columns fits.
fits() {
	db=$1 asof=$2 name=$3
	shift 3
	for c in 60 80 120; do
		COLUMNS=$c "$@" --db $db --as-of $asof >w.out 2>/dev/null ||
		    { echo "$name: exit $?"; return 1; }
		w=$(width w.out)
		test "$w" -le $c || { echo "$name at $c: $w wide"; return 1; }
		test -s w.out || { echo "$name: no output"; return 1; }
	done
}

for db in ex.db:2026-11-30 r.db:$AS; do
	test_expect_success "every table of ${db%%:*} fits 60, 80 and 120 columns" "
		for r in $reports; do
			fits ${db%%:*} ${db#*:} \$r crm-report --min-buyers 1 \
			    --table \$r || return 1
		done &&
		fits ${db%%:*} ${db#*:} customer crm-report --table customer 1 &&
		fits ${db%%:*} ${db#*:} rfm-summary crm-rfm --summary --table &&
		fits ${db%%:*} ${db#*:} napl-summary crm-segment --summary \
		    --table napl
	"
done

test_expect_success 'the results of a playbook fit 60, 80 and 120 columns' '
	PLAYBOOK_DIR="$TRASH/pb" sh "$SRC_DIR/examples/playbook.sh" \
	    >/dev/null 2>&1 &&
	fits pb/crm.db 2026-11-30 results crm-playbook results --table \
	    "$SRC_DIR/examples/standard.playbook"
'

test_expect_success 'the hostile store fits too' '
	for r in $reports; do
		fits h.db $AS $r crm-report --min-buyers 1 --table $r ||
		    return 1
	done
'

test_expect_success 'quality explains in full at 80 and 100 columns (wrapped)' '
	for c in 80 100; do
		COLUMNS=$c crm-report --db r.db --as-of $AS --table quality \
		    >q.out || return 1
		! grep -q "…" q.out || return 1
		tr -s " \n" "  " <q.out |
		    grep -q "a shared phone may be a household, not one person" ||
		    return 1
	done
'

test_expect_success 'the heatmap names its hours at 60 columns' '
	COLUMNS=60 crm-report --db r.db --as-of $AS --table heatmap >hm &&
	grep -q "^ *0  *3  *6  *9  *12  *15  *18  *21$" hm &&
	COLUMNS=40 crm-report --db r.db --as-of $AS --table heatmap >hm &&
	grep -q "^ *0  *6  *12  *18$" hm && test $(width hm) -le 40
'

test_expect_success 'rfm and napl summaries: a table on a terminal, CSV piped' '
	NO_COLOR=1 COLUMNS=80 tty rfm.tty "crm-rfm --db r.db --as-of $AS --summary" &&
	grep -q "^segment  *customers  *share" rfm.tty &&
	grep -q "%" rfm.tty &&
	crm-rfm --db r.db --as-of $AS --summary >rfm.csv &&
	head -n 1 rfm.csv >h && echo segment,customers,share,orders,revenue,aov >e &&
	test_cmp e h &&
	crm-rfm --db r.db --as-of $AS --summary --csv | cmp - rfm.csv &&
	NO_COLOR=1 COLUMNS=80 tty napl.tty "crm-segment --db r.db --as-of $AS --summary napl" &&
	grep -q "^potential  *[0-9]" napl.tty &&
	crm-segment --db r.db --as-of $AS --summary napl >napl.csv &&
	head -n 1 napl.csv >h && echo stage,customers,share,lost_after >e &&
	test_cmp e h &&
	awk -F, "NR > 1 { s += \$3 } END { exit !(s > 0.99 && s < 1.01) }" \
	    napl.csv
'

test_expect_success 'an empty customer list on stdin is warned of' '
	true | crm-report --db r.db --as-of $AS summary >out 2>err &&
	grep -q "holds no customers" err &&
	echo customer_id | crm-rfm --db r.db --as-of $AS >out 2>err &&
	grep -q "holds no customers" err &&
	crm-report --db r.db --as-of $AS summary </dev/null >out 2>err &&
	! test -s err
'

test_done
