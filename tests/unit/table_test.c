/*
 * table_test.c: the pieces of crm-report's output, table.c: number
 * formats, bars, shades, cutting text by display width, and a table in
 * both of its forms.
 */
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "table.h"
#include "unit.h"

/* Renders a small table of mixed Chinese and ASCII in the given mode. */
static char *
render(enum tmode mode, int width)
{
	struct tout o;
	struct table t;
	char *mem = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&mem, &len);

	tout_init(&o, fp, mode);
	o.width = width;
	o.color = 0;
	table_init(&t, &o);
	table_col(&t, "sku", NULL, TC_LEFT);
	table_col(&t, "product", NULL, TC_LEFT | TC_SHRINK);
	table_col(&t, "revenue", NULL, 0);
	table_col(&t, "share", NULL, 0);
	table_col(&t, "bar", "", TC_BAR);
	table_str(&t, "TEA-01");
	table_str(&t, "高山烏龍茶 150g");
	table_money(&t, 123456789);
	table_ratio(&t, 1, 3);
	table_cell(&t, "", "", 2);
	table_endrow(&t);
	table_str(&t, "CUP");
	table_str(&t, "cup, white");
	table_money(&t, 90000);
	table_ratio(&t, 2, 3);
	table_cell(&t, "", "", 1);
	table_endrow(&t);
	table_end(&t);
	fclose(fp);
	return mem;
}

int
main(void)
{
	char b[256], *s;
	int i;

	setenv("COLUMNS", "80", 1);
	CHECK_STR(fmt_int(0, b), "0");
	CHECK_STR(fmt_int(999, b), "999");
	CHECK_STR(fmt_int(1000, b), "1,000");
	CHECK_STR(fmt_int(-1234567, b), "-1,234,567");
	CHECK_STR(fmt_money(123456789, b), "1,234,567.89");
	CHECK_STR(fmt_money(5, b), "0.05");
	CHECK_STR(fmt_pct(1, 3, b), "33.3%");
	CHECK_STR(fmt_pct(1, 0, b), "-");
	CHECK_STR(fmt_days(30, b), "30");
	CHECK_STR(fmt_days(24.5, b), "24.5");

	/* Bars: whole blocks and eighths, at least an eighth above 0. */
	CHECK_STR(bar(10, 10, 4, b), "████");
	CHECK_STR(bar(5, 10, 4, b), "██");
	CHECK_STR(bar(1, 16, 4, b), "▎");
	CHECK_STR(bar(0.001, 10, 4, b), "▏");
	CHECK_STR(bar(0, 10, 4, b), "");
	CHECK_INT(text_width(bar(7, 10, 10, b)), 7);
	CHECK_STR(shade(0, 10), "  ");
	CHECK_STR(shade(1, 10), "░░");
	CHECK_STR(shade(5, 10), "▒▒");
	CHECK_STR(shade(7, 10), "▓▓");
	CHECK_STR(shade(10, 10), "██");

	/* Cutting by display width: CJK is two columns. */
	CHECK_STR(fit_text("abc", 5, 1, b, sizeof(b)), "abc  ");
	CHECK_STR(fit_text("abc", 5, 0, b, sizeof(b)), "abc");
	CHECK_STR(fit_text("高山烏龍茶", 10, 0, b, sizeof(b)), "高山烏龍茶");
	CHECK_STR(fit_text("高山烏龍茶", 6, 0, b, sizeof(b)), "高山…");
	CHECK_INT(text_width(fit_text("高山烏龍茶", 6, 1, b, sizeof(b))), 6);
	CHECK_STR(fit_text("高山烏龍茶", 7, 1, b, sizeof(b)), "高山烏…");
	CHECK_INT(text_width("高山烏龍茶 150g"), 15);

	/* CSV: one header, raw numbers, bar columns left out, quoting. */
	s = render(TM_CSV, 80);
	CHECK_STR(s, "sku,product,revenue,share\n"
	    "TEA-01,高山烏龍茶 150g,1234567.89,0.3333\n"
	    "CUP,\"cup, white\",900.00,0.6667\n");
	free(s);
	s = render(TM_TSV, 80);
	CHECK(strncmp(s, "sku\tproduct\trevenue\tshare\n", 25) == 0);
	free(s);

	/* The table form: aligned by display width, a rule, bars. */
	s = render(TM_TABLE, 60);
	CHECK_STR(s,
	    "sku     product               revenue  share\n"
	    "──────  ───────────────  ────────────  ─────  ──────────────\n"
	    "TEA-01  高山烏龍茶 150g  1,234,567.89  33.3%  ██████████████\n"
	    "CUP     cup, white             900.00  66.7%  ███████\n");
	free(s);

	/* Narrow: the shrinkable column is cut, every line fits. */
	s = render(TM_TABLE, 44);
	CHECK(strstr(s, "高山烏龍…  1,234,567.89") != NULL);
	{
		char *line = s, *nl;

		for (i = 0; (nl = strchr(line, '\n')) != NULL; i++) {
			*nl = '\0';
			CHECK(text_width(line) <= 44);
			line = nl + 1;
		}
		CHECK_INT(i, 4);
	}
	free(s);
	return unit_done();
}
