/*
 * xlsxr_test.c: workbooks read through csvr (csvio.c, xlsxr.c): sheets
 * chosen by name and number, numbers as their shortest exact text, date
 * styles (built-in, custom, 1900 and 1904 systems), booleans, and the
 * error for a number past 15 digits.  The workbooks in tests/data/xlsx
 * were made by openpyxl (tests/mkxlsx.py fixtures).
 */
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "unit.h"

#define DIR "tests/data/xlsx/"

/* The records of path's sheet, "line:field|field" each, then the end. */
static char *
records(const char *path, const char *sheet)
{
	struct buf b = { 0 };
	struct csvr *r;
	size_t i;
	int rc;

	if ((r = csvr_open(path, 0, NULL)) == NULL)
		return xstrdup("cannot open");
	if (sheet != NULL && csvr_set_sheet(r, sheet) != 0)
		buf_printf(&b, "no sheet: %s; ", csvr_error(r));
	while ((rc = csvr_next(r)) == 1) {
		buf_printf(&b, "%ld:", csvr_line(r));
		for (i = 0; i < csvr_nfields(r); i++)
			buf_printf(&b, "%s%s", i > 0 ? "|" : "",
			    csvr_field(r, i));
		buf_addc(&b, '\n');
	}
	if (rc < 0)
		buf_printf(&b, "%s:%ld: %s\n", csvr_name(r), csvr_line(r),
		    csvr_error(r));
	else
		buf_printf(&b, "%s: end\n", csvr_name(r));
	csvr_close(r);
	return b.s;
}

static void
check(const char *path, const char *sheet, const char *want)
{
	char *got = records(path, sheet);

	CHECK_STR(got, want);
	free(got);
}

int
main(void)
{
	char *a, *b;

	crm_init("xlsxr_test");
	check(DIR "sheets.xlsx", NULL,
	    "1:not the orders\n"
	    DIR "sheets.xlsx:Notes: end\n");
	check(DIR "sheets.xlsx", "訂單",
	    "1:order_id|amount\n"
	    "2:A1|5\n"
	    "3:A2|7.25\n"
	    DIR "sheets.xlsx:訂單: end\n");
	check(DIR "sheets.xlsx", "3",
	    "1:x|y|z\n"
	    DIR "sheets.xlsx:Third: end\n");
	check(DIR "sheets.xlsx", "4",
	    "no sheet: no sheet '4' in the workbook; its sheets: 1 'Notes', "
	    "2 '訂單', 3 'Third'; "
	    DIR "sheets.xlsx:0: no sheet '4' in the workbook; "
	    "its sheets: 1 'Notes', 2 '訂單', 3 'Third'\n");
	check(DIR "numbers.xlsx", NULL,
	    "1:what|value\n"
	    "2:int|912345678\n"
	    "3:tenth|0.1\n"
	    "4:small|0.0000001\n"
	    "5:fifteen|123456789012345\n"
	    "6:big|150000000000000000000\n"
	    "7:negative|-12.5\n"
	    "8:zero|0\n"
	    "9:true|TRUE\n"
	    "10:false|FALSE\n"
	    "11:text|0912345678\n"
	    "12:date|2024-02-29\n"
	    "13:datetime|2024-03-01 13:45:30\n"
	    "14:serial-one|1900-01-01\n"
	    "15:serial-61|1900-03-01\n"
	    "16:custom-date|2023-03-15\n"
	    "17:custom-time|2023-03-15 06:00:00\n"
	    "18:quoted|45000\n"
	    "19:red|45000\n"
	    "20:builtin-14|2023-03-15\n"
	    DIR "numbers.xlsx:Sheet:21: field 'value' (cell B21): the number "
	    "0.6666666666666666 has more than 15 significant digits, more "
	    "than Excel keeps (an id or a code? store it as text)\n");
	check(DIR "date1904.xlsx", NULL,
	    "1:what|value\n"
	    "2:date|2024-02-29\n"
	    "3:first|1904-01-01\n"
	    DIR "date1904.xlsx:Sheet: end\n");
	/* A CSV file takes no sheet, and is read as ever. */
	a = records("examples/orders.csv", NULL);
	b = records("examples/orders.csv", "2");
	CHECK(strlen(a) > 1000);
	CHECK_STR(b, a);
	free(a);
	free(b);
	return unit_done();
}
