/*
 * csv2xlsx: a CSV file as a workbook of one sheet, written by
 * libxlsxwriter in constant memory (text in its cells), for the bench:
 *
 *	csv2xlsx IN.csv OUT.xlsx
 *
 * The header row is text; below it, whole numbers without a leading zero
 * (15 digits at most) and decimals are numbers, "YYYY-MM-DD[ HH:MM[:SS]]"
 * are date serials in a date style, the rest text, as a shop's export
 * saved by Excel holds them.  Built by tools/bench-xlsx.sh.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "crm.h"

/* 1: a number, 2: a date (*v its serial), 0: text. */
static int
kind(const char *s, double *v)
{
	int y, mo, d, h = 0, mi = 0, se = 0, n = 0, digits = 0, dot = 0;
	const char *p = s;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10 &&
	    (s[10] == '\0' || sscanf(s + 10, " %2d:%2d:%2d", &h, &mi,
	    &se) >= 2)) {
		*v = (double)(days_from_civil(y, mo, d) + 25569) +
		    (h * 3600 + mi * 60 + se) / 86400.0;
		return 2;
	}
	if (*p == '-')
		p++;
	if (*p == '0' && p[1] != '.' && p[1] != '\0')
		return 0;
	for (; *p != '\0'; p++) {
		if (*p == '.' && !dot && digits > 0)
			dot = 1;
		else if (*p >= '0' && *p <= '9')
			digits++;
		else
			return 0;
	}
	if (digits == 0 || digits > 15 || p[-1] == '.')
		return 0;
	*v = strtod(s, NULL);
	return 1;
}

int
main(int argc, char **argv)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *dt;
	struct csvr *r;
	lxw_row_t row = 0;
	size_t i;
	double v;
	int rc, k;

	crm_init(argv[0]);
	if (argc != 3)
		errx(2, "usage: csv2xlsx IN.csv OUT.xlsx");
	if ((r = csvr_open(argv[1], 0, NULL)) == NULL)
		err(1, "%s", argv[1]);
	if ((wb = workbook_new_opt(argv[2], &opt)) == NULL)
		errx(1, "%s: cannot create", argv[2]);
	ws = workbook_add_worksheet(wb, "Orders");
	dt = workbook_add_format(wb);
	format_set_num_format(dt, "yyyy-mm-dd hh:mm:ss");
	while ((rc = csvr_next(r)) == 1) {
		for (i = 0; i < csvr_nfields(r); i++) {
			const char *s = csvr_field(r, i);

			if (*s == '\0')
				continue;
			k = row > 0 ? kind(s, &v) : 0;
			if (k == 0)
				worksheet_write_string(ws, row, (lxw_col_t)i, s,
				    NULL);
			else
				worksheet_write_number(ws, row, (lxw_col_t)i, v,
				    k == 2 ? dt : NULL);
		}
		row++;
	}
	if (rc < 0)
		errx(1, "%s:%ld: %s", csvr_name(r), csvr_line(r),
		    csvr_error(r));
	csvr_close(r);
	if (workbook_close(wb) != LXW_NO_ERROR)
		errx(1, "%s: cannot write", argv[2]);
	return 0;
}
