#!/bin/sh
# t3100-report-table.sh: crm-report's terminal form.  Golden files (made
# with --table and COLUMNS=80 on the small store of Chinese and ASCII
# names) pin the layout; the widths are checked in display columns, and
# colour appears only on a terminal and never with NO_COLOR.
test_description='crm-report tables and charts'
. "$(dirname "$0")/test-lib.sh"

AS=2025-06-30
reports="summary cycle monthly cohort products basket heatmap channels migration quality"

# width FILE: the widest line in terminal columns (CJK counts two).
width() {
	wc -L <"$1"
}

test_expect_success 'a small store' '
	crm-import -q --db r.db "$DATA/report-orders.csv"
'

for r in $reports; do
	test_expect_success "$r: the golden table" "
		COLUMNS=80 crm-report --db r.db --as-of $AS --min-buyers 1 \
		    --table $r >actual &&
		test_cmp \"\$DATA/report-$r.txt\" actual
	"
done

test_expect_success 'every table fits in 80 columns' '
	for r in $reports; do
		COLUMNS=80 crm-report --db r.db --as-of $AS --min-buyers 1 \
		    --table $r >out &&
		test $(width out) -le 80 || { echo "$r: $(width out)"; return 1; }
	done
'

test_expect_success 'narrow terminals: tables shrink to fit' '
	for r in products channels cohort heatmap basket monthly; do
		COLUMNS=60 crm-report --db r.db --as-of $AS --min-buyers 1 \
		    --table $r >out &&
		test $(width out) -le 60 || { echo "$r: $(width out)"; return 1; }
	done
'

test_expect_success 'Chinese names line up by display width' '
	COLUMNS=80 crm-report --db r.db --as-of $AS --table products >out &&
	sed -n "/^Products by revenue/,/^\$/p" out | grep "^[0-9]" |
	    sed "s/%.*/%/" >rows &&
	test $(wc -l <rows) -eq 5 &&
	while IFS= read -r l; do
		printf "%s\n" "$l" >one && wc -L <one
	done <rows | sort -u >widths &&
	test $(wc -l <widths) -eq 1
'

test_expect_success 'a long product name is cut with an ellipsis to fit' '
	cat >long.csv <<-\EOF &&
	order_id,ordered_at,channel,status,account,phone,email,name,sku,product,category,quantity,unit_price
	L1,2025-06-01 10:00,shop,completed,zz,,,,LONG-1,超長的商品名稱超長的商品名稱超長的商品名稱超長的商品名稱 XL,類,1,100
	EOF
	crm-import -q --db long.db long.csv &&
	COLUMNS=60 crm-report --db long.db --as-of $AS --table products >out &&
	grep -q "…" out && test $(width out) -le 60
'

test_expect_success 'colour on a terminal, none with NO_COLOR or when piped' '
	command -v script >/dev/null || { echo "no script(1): skipped"; return 0; }
	esc=$(printf "\033") &&
	COLUMNS=80 script -qc "crm-report --db r.db --as-of $AS channels" \
	    /dev/null >tty &&
	grep -q "$esc\[1m" tty &&
	NO_COLOR=1 COLUMNS=80 script -qc \
	    "crm-report --db r.db --as-of $AS channels" /dev/null >nocolor &&
	! grep -q "$esc" nocolor &&
	grep -q "shopee" nocolor &&
	crm-report --db r.db --as-of $AS --table channels >piped &&
	! grep -q "$esc" piped
'

test_expect_success 'a terminal gets the table form, a pipe CSV' '
	command -v script >/dev/null || { echo "no script(1): skipped"; return 0; }
	COLUMNS=80 script -qc "crm-report --db r.db --as-of $AS quality" \
	    /dev/null >tty &&
	grep -q "why it matters" tty &&
	crm-report --db r.db --as-of $AS quality | head -n 1 >hdr &&
	echo "check,count,base,share" >expect && test_cmp expect hdr
'

test_done
