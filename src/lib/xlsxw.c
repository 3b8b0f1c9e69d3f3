/*
 * xlsxw.c: workbooks out over libxlsxwriter (see xlsxw.h).
 *
 * libxlsxwriter's constant_memory mode keeps one row in memory and the
 * rest in a temporary file until the workbook is closed; strings are
 * then written in their cells, not in a shared table.  Column widths
 * are set when a sheet ends, from the widest text each column showed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "crm.h"
#include "table.h"
#include "xlsxw.h"

#define MAXROWS		1048576		/* a sheet's rows, at most */
#define MAXCOLS		16384
#define MAXWIDTH	80		/* a column's width, at most */
#define MAXPREC		6

struct xlsxw {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *count, *money, *day, *ratio, *num[MAXPREC + 1];
	int	 nsheets;
	int	 ncols;			/* the sheet's columns */
	int	*width;			/* the widest text of each */
	lxw_row_t row;			/* the row being written */
	lxw_col_t col;			/* its next cell */
	lxw_error err;			/* the first error */
	char	 why[160];		/* what it was about */
};

static void
note(struct xlsxw *w, lxw_error e, const char *what)
{
	if (e == LXW_NO_ERROR || w->err != LXW_NO_ERROR)
		return;
	w->err = e;
	snprintf(w->why, sizeof(w->why), "%s", what);
}

static lxw_format *
numfmt(lxw_workbook *wb, const char *code)
{
	lxw_format *f = workbook_add_format(wb);

	format_set_num_format(f, code);
	return f;
}

struct xlsxw *
xlsxw_open(const char *path, struct buf *why)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
	struct xlsxw *w;
	char code[16];
	int i;

	w = xmalloc(sizeof(*w));
	memset(w, 0, sizeof(*w));
	opt.tmpdir = getenv("TMPDIR");
	if (opt.tmpdir != NULL && *opt.tmpdir == '\0')
		opt.tmpdir = NULL;
	if ((w->wb = workbook_new_opt(path, &opt)) == NULL) {
		buf_printf(why, "cannot create a workbook");
		free(w);
		return NULL;
	}
	w->bold = workbook_add_format(w->wb);
	format_set_bold(w->bold);
	w->count = numfmt(w->wb, "#,##0");
	w->money = numfmt(w->wb, "#,##0.00");
	w->day = numfmt(w->wb, "yyyy-mm-dd");
	w->ratio = numfmt(w->wb, "0.0%");
	for (i = 0; i <= MAXPREC; i++) {
		snprintf(code, sizeof(code), "#,##0%s%.*s", i > 0 ? "." : "",
		    i, "000000");
		w->num[i] = numfmt(w->wb, code);
	}
	return w;
}

/* Sets the widths of the sheet's columns. */
static void
end_sheet(struct xlsxw *w)
{
	int i, cw;

	if (w->ws == NULL)
		return;
	for (i = 0; i < w->ncols; i++) {
		cw = w->width[i] + 2;
		note(w, worksheet_set_column(w->ws, (lxw_col_t)i,
		    (lxw_col_t)i, cw > MAXWIDTH ? MAXWIDTH : cw, NULL),
		    "column widths");
	}
	free(w->width);
	w->width = NULL;
	w->ws = NULL;
}

/*
 * A valid sheet name from s: no []:*?/\, not beginning or ending with an
 * apostrophe, at most 31 characters, and unlike the sheets before.
 */
static void
sheet_name(struct xlsxw *w, const char *s, char *out, size_t size)
{
	struct buf b = { 0 };
	size_t n = 0, i, chars = 0, k;
	int tries;

	for (i = 0; s != NULL && s[i] != '\0' && chars < 31; i += k) {
		k = 1;
		while ((s[i + k] & 0xc0) == 0x80)
			k++;
		if (strchr("[]:*?/\\", s[i]) != NULL)
			buf_addc(&b, '-');
		else
			buf_add(&b, s + i, k);
		chars++;
	}
	while (b.len > 0 && (b.s[b.len - 1] == ' ' || b.s[b.len - 1] == '\''))
		b.len--;
	for (n = 0; n < b.len && b.s[n] == '\''; n++)
		;
	if (n == b.len)
		snprintf(out, size, "Sheet%d", w->nsheets + 1);
	else
		snprintf(out, size, "%.*s", (int)(b.len - n), b.s + n);
	buf_free(&b);
	for (tries = 2; workbook_validate_sheet_name(w->wb, out) !=
	    LXW_NO_ERROR && tries < 1000; tries++) {
		/* Taken (or too long in UTF-16): shorten and number it. */
		k = strlen(out);
		while (k > 24 || (k > 0 && (out[k] & 0xc0) == 0x80))
			k--;
		snprintf(out + k, size - k, " (%d)", tries);
	}
}

void
xlsxw_sheet(struct xlsxw *w, const char *name, int ncols,
    const char *const *header)
{
	char sn[160];
	int i;

	end_sheet(w);
	sheet_name(w, name, sn, sizeof(sn));
	if ((w->ws = workbook_add_worksheet(w->wb, sn)) == NULL) {
		note(w, LXW_ERROR_SHEETNAME_ALREADY_USED, sn);
		return;
	}
	w->nsheets++;
	w->ncols = ncols > MAXCOLS ? MAXCOLS : ncols;
	w->width = xmalloc((size_t)(w->ncols > 0 ? w->ncols : 1) *
	    sizeof(*w->width));
	for (i = 0; i < w->ncols; i++) {
		w->width[i] = text_width(header[i]);
		note(w, worksheet_write_string(w->ws, 0, (lxw_col_t)i,
		    header[i], w->bold), header[i]);
	}
	worksheet_freeze_panes(w->ws, 1, 0);
	w->row = 1;
	w->col = 0;
}

/* The cell to write next, or -1 when there is none. */
static int
next_cell(struct xlsxw *w, const char *shown)
{
	int cw;

	if (w->ws == NULL || w->col >= (lxw_col_t)w->ncols)
		return -1;
	if (w->row >= MAXROWS) {
		note(w, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE, "a sheet "
		    "holds at most 1048576 rows");
		return -1;
	}
	if (shown != NULL && (cw = text_width(shown)) > w->width[w->col])
		w->width[w->col] = cw;
	return 0;
}

void
xlsxw_text(struct xlsxw *w, const char *s)
{
	if (next_cell(w, s) == 0 && s != NULL && *s != '\0')
		note(w, worksheet_write_string(w->ws, w->row, w->col, s, NULL),
		    "a text cell");
	w->col++;
}

void
xlsxw_int(struct xlsxw *w, int64_t v)
{
	char b[32];

	if (next_cell(w, fmt_int(v, b)) == 0)
		note(w, worksheet_write_number(w->ws, w->row, w->col,
		    (double)v, w->count), "a number");
	w->col++;
}

void
xlsxw_money(struct xlsxw *w, int64_t minor)
{
	char b[40];

	if (next_cell(w, fmt_money(minor, b)) == 0)
		note(w, worksheet_write_number(w->ws, w->row, w->col,
		    (double)minor / 100, w->money), "an amount");
	w->col++;
}

void
xlsxw_num(struct xlsxw *w, double v, int prec)
{
	char a[48];

	if (prec < 0)
		prec = 0;
	if (prec > MAXPREC)
		prec = MAXPREC;
	snprintf(a, sizeof(a), "%.*f", prec, v);
	if (next_cell(w, a) == 0 && isfinite(v))
		note(w, worksheet_write_number(w->ws, w->row, w->col, v,
		    w->num[prec]), "a number");
	w->col++;
}

void
xlsxw_ratio(struct xlsxw *w, double v)
{
	if (next_cell(w, "100.0%") == 0 && isfinite(v))
		note(w, worksheet_write_number(w->ws, w->row, w->col, v,
		    w->ratio), "a ratio");
	w->col++;
}

void
xlsxw_day(struct xlsxw *w, int64_t day)
{
	/* Excel's day 25569 is 1970-01-01 (its 1900 date system). */
	if (next_cell(w, "2000-01-01") == 0)
		note(w, worksheet_write_number(w->ws, w->row, w->col,
		    (double)(day + 25569), w->day), "a date");
	w->col++;
}

void
xlsxw_blank(struct xlsxw *w)
{
	w->col++;
}

void
xlsxw_endrow(struct xlsxw *w)
{
	if (w->ws == NULL)
		return;
	w->row++;
	w->col = 0;
}

int
xlsxw_close(struct xlsxw *w, struct buf *why)
{
	lxw_error e;
	int rc = 0;

	end_sheet(w);
	if (w->nsheets == 0)		/* a workbook needs a sheet */
		workbook_add_worksheet(w->wb, NULL);
	e = workbook_close(w->wb);
	if (w->err != LXW_NO_ERROR) {
		buf_printf(why, "%s: %s", w->why, lxw_strerror(w->err));
		rc = -1;
	} else if (e != LXW_NO_ERROR) {
		buf_printf(why, "%s", lxw_strerror(e));
		rc = -1;
	}
	free(w->width);
	free(w);
	return rc;
}

void
xlsxw_abandon(struct xlsxw *w)
{
	if (w == NULL)
		return;
	lxw_workbook_free(w->wb);
	free(w->width);
	free(w);
}
