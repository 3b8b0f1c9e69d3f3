/*
 * table.h: report output in two forms from one set of calls.  Piped (or
 * with --csv/--tsv) a table is plain rows under one header, numbers
 * unformatted; on a terminal (or with --table) it is an aligned table
 * whose columns line up by display width (CJK counts two), with bar
 * charts in Unicode blocks, fitted to $COLUMNS (headings and TC_WRAP
 * columns wrap, optional columns go, TC_SHRINK columns are cut; rows
 * become records when nothing else fits), coloured only on a terminal and
 * never when NO_COLOR is set or TERM is dumb.  The table form shows the
 * data's control characters visibly (text_visible()).
 *
 * For spreadsheets (tout_start): a workbook whose sheets are the tables,
 * their cells typed (TM_XLSX, --xlsx FILE); CSV for Excel (TM_EXCEL,
 * --excel); CSV in Big5 (--encoding big5).  Plain CSV stays as it was.
 */
#ifndef TABLE_H
#define TABLE_H

#include <stdint.h>
#include <stdio.h>

enum tmode { TM_CSV, TM_TSV, TM_TABLE, TM_XLSX, TM_EXCEL };

struct crm_common;
struct csvw;
struct xlsxw;

struct tout {
	FILE	*fp;			/* where everything goes */
	enum tmode mode;
	int	 color;			/* ANSI bold/dim/colour allowed */
	int	 width;			/* terminal columns to fit in */
	int	 blocks;		/* sections printed so far */
	int	 headers;		/* CSV headers printed so far */
	struct xlsxw *xw;		/* TM_XLSX: the workbook */
	const char *path;		/* its file */
	char	*title;			/* the next sheet's name */
	struct csvw *cw;		/* TM_EXCEL or Big5: the CSV writer */
	int	 failed;		/* a row could not be written */
};

/* Column flags. */
#define TC_LEFT		0x01	/* align left (text); default is right */
#define TC_TTYONLY	0x02	/* only in the table form */
#define TC_CSVONLY	0x04	/* only in the CSV/TSV form */
#define TC_BAR		0x08	/* a bar chart of the values (table only) */
#define TC_SHRINK	0x10	/* may be cut with an ellipsis to fit */
#define TC_OPTIONAL	0x20	/* may be left out to fit (table form) */
#define TC_WRAP		0x40	/* may wrap onto more lines to fit */

#define TABLE_MAXCOLS	64

struct tcell {
	char	*csv;			/* the CSV/TSV form */
	char	*tty;			/* the table form */
	double	 v;			/* the value, for bars */
	double	 v2;			/* its solid part, or -1 */
	int64_t	 iv;			/* the value of a count or an amount */
	char	 type;			/* a spreadsheet's cell: TT_* */
	char	 prec;			/* decimals of a TT_NUM */
};

/* Cell types (the table calls that made them). */
#define TT_GUESS	0	/* table_cell: a number if it reads as one */
#define TT_TEXT		1
#define TT_INT		2
#define TT_MONEY	3
#define TT_RATIO	4
#define TT_NUM		5
#define TT_NULL		6

struct table {
	struct tout *out;
	int	 ncols;
	const char *name[TABLE_MAXCOLS];	/* header for CSV */
	const char *label[TABLE_MAXCOLS];	/* header for the table */
	int	 flags[TABLE_MAXCOLS];
	struct tcell *cells;		/* rows x ncols (table form only) */
	size_t	 nrows, cap;
	int	 col;			/* next cell of the current row */
	struct tcell row[TABLE_MAXCOLS];	/* the row being built */
	int	 rule_after_header;
};

/*
 * Sets up output on fp.  mode -1 chooses: the table form when fp is a
 * terminal, else CSV.  Colour when fp is a terminal, NO_COLOR is unset
 * or empty and TERM is not dumb.  The width is $COLUMNS, else the
 * terminal's, else 80.
 */
void	tout_init(struct tout *o, FILE *fp, int mode);
/*
 * tout_init with the shared options' choice (c->out_mode, c->xlsx,
 * c->out_cp950).  Returns 0, or -1 after a message (the workbook cannot
 * be made, or Big5 was asked of a workbook).
 */
int	tout_start(struct tout *o, FILE *fp, const struct crm_common *c);
/*
 * Ends the output: writes the workbook.  Returns 0, or -1 after a message
 * (a row could not be written, the workbook could not be).
 */
int	tout_close(struct tout *o);
/*
 * Ends the output of a run that failed: the workbook is not written (a
 * file of its name is left as it was).
 */
void	tout_abandon(struct tout *o);
/* A heading (table form only): a blank line between blocks. */
void	tout_title(struct tout *o, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Text under a heading (table form only), wrapped to the width. */
void	tout_note(struct tout *o, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * A table: add columns, then cells row by row.  In CSV/TSV form the
 * header and rows are written as they come (memory does not grow with
 * rows); in table form rows are kept until table_end() lays them out.
 * name is the CSV header, label the table heading (NULL: name).
 */
void	table_init(struct table *t, struct tout *o);
void	table_col(struct table *t, const char *name, const char *label,
	    int flags);
void	table_str(struct table *t, const char *s);
void	table_int(struct table *t, int64_t v);
/* An id: a number on the terminal, text elsewhere (as ids are). */
void	table_id(struct table *t, int64_t id);
void	table_money(struct table *t, int64_t minor);
void	table_ratio(struct table *t, int64_t num, int64_t den);
/* A share: a fraction 0..1 of four places in CSV (0 when den is 0, as
 * buf_add_share()), a per cent on the terminal. */
void	table_share(struct table *t, int64_t num, int64_t den);
void	table_num(struct table *t, double v, int prec);
void	table_days(struct table *t, double v);
void	table_null(struct table *t);
/* A cell whose two forms are given; v is its value for a bar. */
void	table_cell(struct table *t, const char *csv, const char *tty,
	    double v);
/* Makes the last cell's bar solid for part of v, shaded for the rest. */
void	table_barpart(struct table *t, double part);
void	table_endrow(struct table *t);
/* Writes the table (table form) and frees it. */
void	table_end(struct table *t);

/* ==== Pieces, also used by the reports directly ==== */

/* "1,234,567" */
char	*fmt_int(int64_t v, char buf[32]);
/* "1,234.50" */
char	*fmt_money(int64_t minor, char buf[40]);
/* "23.5%" (of num/den), or "-" when den is 0 */
char	*fmt_pct(int64_t num, int64_t den, char buf[16]);
/* Whole days, or one decimal when not whole: "12", "12.5" */
char	*fmt_days(double v, char buf[32]);
/*
 * A bar of width cols * v / max in eighth blocks, into buf (at least
 * 3 * cols + 1 bytes).  A value above zero shows at least one eighth.
 */
char	*bar(double v, double max, int cols, char *buf);
/* One shade of " ░▒▓█" for v of max, twice (a heatmap cell). */
const char *shade(double v, double max);
/*
 * Copies s into buf cut to at most w display columns (with "…" when
 * cut) and padded with spaces to exactly w when pad is set.
 */
char	*fit_text(const char *s, int w, int pad, char *buf, size_t size);

/* Writes n bytes of text, dropping the spaces that end each line. */
void	put_lines(struct tout *o, const char *s, size_t n);

/* ANSI sequences, or "" without colour. */
const char *tc_bold(const struct tout *o);
const char *tc_dim(const struct tout *o);
const char *tc_bar(const struct tout *o);
const char *tc_off(const struct tout *o);

#endif /* TABLE_H */
