/*
 * xlsxr.h: the rows of one sheet of an .xlsx workbook, streamed (libzip
 * for the container, expat for the XML), as text fields the way a CSV
 * export of the sheet would hold them.  csvio.c reads workbooks through
 * it; nothing else needs to.
 */
#ifndef XLSXR_H
#define XLSXR_H

#include <sys/types.h>

#include <stddef.h>

struct buf;
struct xlsxr;

/*
 * Opens the workbook in the file open on fd (taken: xlsxr_close closes
 * it) and chooses its first sheet.  Returns NULL with why set when it is
 * not a readable workbook.
 */
struct xlsxr *xlsxr_open(int fd, struct buf *why);
/*
 * Chooses a sheet by name, or by number from 1 when no sheet has that
 * name; NULL is the first.  Call before the first xlsxr_next.  Returns
 * 0, or -1 with why set (naming the sheets there are).
 */
int	xlsxr_select(struct xlsxr *x, const char *sheet, struct buf *why);
const char *xlsxr_sheet(const struct xlsxr *x);	/* the chosen sheet's name */
/*
 * Reads the next row that has a value into rec (each field ending in a
 * NUL, field i starting at (*off)[i]; *off grows as needed, *offcap is
 * its size) and *nf.  Rows are at least as wide as the first (the
 * header): cells a row skips or lacks are empty fields.  *row is its row
 * number in the sheet.  Returns 1, 0 after the last row, or -1 with why
 * set (and *row the row it is about).
 */
int	xlsxr_next(struct xlsxr *x, struct buf *rec, size_t **off,
	    size_t *offcap, size_t *nf, long *row, struct buf *why);
/* The sheet's XML read so far and in all (uncompressed bytes). */
void	xlsxr_progress(const struct xlsxr *x, off_t *done, off_t *total);
/* Bytes the shared strings hold in memory (after the first xlsxr_next). */
size_t	xlsxr_sst_bytes(const struct xlsxr *x);
void	xlsxr_close(struct xlsxr *x);

#endif /* XLSXR_H */
