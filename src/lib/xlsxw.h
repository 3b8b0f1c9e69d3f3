/*
 * xlsxw.h: real .xlsx workbooks out (libxlsxwriter), one sheet per table,
 * with typed cells: text stays text (ids, phones, codes), numbers are
 * numbers, amounts numbers shown with two decimals, days dates.  Each
 * sheet's header row is bold and frozen, its columns as wide as their
 * widest text (CJK counts two).  Rows go to disk as they are written
 * (constant memory): a sheet's cells are given row by row, left to
 * right.
 */
#ifndef XLSXW_H
#define XLSXW_H

#include <stdint.h>

struct buf;
struct xlsxw;

/* Creates path (written by xlsxw_close).  NULL with why set. */
struct xlsxw *xlsxw_open(const char *path, struct buf *why);
/*
 * Begins a sheet named name (made a valid, unique sheet name; NULL or
 * "": "Sheet" and its number) under a bold, frozen header of ncols names.
 */
void	xlsxw_sheet(struct xlsxw *w, const char *name, int ncols,
	    const char *const *header);
void	xlsxw_text(struct xlsxw *w, const char *s);	/* always text */
void	xlsxw_int(struct xlsxw *w, int64_t v);		/* a count */
void	xlsxw_money(struct xlsxw *w, int64_t minor);	/* 2 decimals */
void	xlsxw_num(struct xlsxw *w, double v, int prec);	/* prec 0..6 */
void	xlsxw_ratio(struct xlsxw *w, double v);		/* shown as % */
void	xlsxw_day(struct xlsxw *w, int64_t day);	/* days since 1970 */
void	xlsxw_blank(struct xlsxw *w);
void	xlsxw_endrow(struct xlsxw *w);
/* Writes the workbook and frees w: 0, or -1 with why set. */
int	xlsxw_close(struct xlsxw *w, struct buf *why);
/* Frees w and writes nothing: a file of that name is left as it was. */
void	xlsxw_abandon(struct xlsxw *w);

#endif /* XLSXW_H */
