/*
 * table.c: aligned tables, bar charts and shades for a terminal, and the
 * same tables as plain CSV/TSV when piped (see table.h).
 */
#include <sys/ioctl.h>

#include <err.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <utf8proc.h>

#include "crm.h"
#include "table.h"
#include "xlsxw.h"

#define GAP	2		/* spaces between columns */
#define BARMIN	4		/* a bar column is at least this wide */
#define BARMAX	40		/* and at most this */
#define SHRINKMIN 8		/* a text column is cut to no less */

/* ==== Output ==== */

void
tout_init(struct tout *o, FILE *fp, int mode)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS"), *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	long long w;
	int tty = isatty(fileno(fp));

	memset(o, 0, sizeof(*o));
	o->fp = fp;
	o->mode = mode >= 0 ? (enum tmode)mode : tty ? TM_TABLE : TM_CSV;
	o->color = tty && o->mode == TM_TABLE && (nc == NULL || *nc == '\0') &&
	    (term == NULL || strcmp(term, "dumb") != 0);
	o->width = 80;
	if (cols != NULL && crm_parse_int(cols, 20, 1000, &w) == 0)
		o->width = (int)w;
	else if (tty && ioctl(fileno(fp), TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col >= 20)
		o->width = ws.ws_col;
}

int
tout_start(struct tout *o, FILE *fp, const struct crm_common *c)
{
	struct buf why = { 0 };
	int mode = c->out_mode;

	if (c->out_cp950 && mode == TM_XLSX) {
		warnx("--encoding big5 is for CSV; a workbook is always "
		    "Unicode");
		return -1;
	}
	if (c->out_cp950 && mode == TM_TABLE) {
		warnx("--encoding big5 is for CSV, not --table");
		return -1;
	}
	/* Big5 is for files and older tools: CSV even on a terminal. */
	if (c->out_cp950 && mode < 0 && isatty(fileno(fp)))
		mode = TM_CSV;
	tout_init(o, fp, mode);
	if (o->mode == TM_XLSX) {
		o->path = c->xlsx;
		if ((o->xw = xlsxw_open(c->xlsx, &why)) == NULL) {
			warnx("%s: %s", c->xlsx, why.s);
			buf_free(&why);
			return -1;
		}
	} else if (o->mode == TM_EXCEL || c->out_cp950) {
		o->cw = csvw_open(fp, o->mode == TM_TSV ? '\t' : ',',
		    (o->mode == TM_EXCEL ? CSVW_EXCEL : 0) |
		    (c->out_cp950 ? CSVW_CP950 : 0));
		if (o->cw == NULL) {
			warnx("--encoding big5: this system's iconv has no "
			    "CP950");
			return -1;
		}
	}
	return 0;
}

int
tout_close(struct tout *o)
{
	struct buf why = { 0 };
	int rc = o->failed ? -1 : 0;

	if (o->xw != NULL && xlsxw_close(o->xw, &why) != 0) {
		warnx("%s: %s", o->path, why.s);
		rc = -1;
	}
	o->xw = NULL;
	csvw_close(o->cw);
	o->cw = NULL;
	free(o->title);
	o->title = NULL;
	buf_free(&why);
	return rc;
}

void
tout_abandon(struct tout *o)
{
	xlsxw_abandon(o->xw);
	o->xw = NULL;
	tout_close(o);
}

const char *
tc_bold(const struct tout *o)
{
	return o->color ? "\033[1m" : "";
}

const char *
tc_dim(const struct tout *o)
{
	return o->color ? "\033[2m" : "";
}

const char *
tc_bar(const struct tout *o)
{
	return o->color ? "\033[36m" : "";
}

const char *
tc_off(const struct tout *o)
{
	return o->color ? "\033[0m" : "";
}

/* Display width of s, not counting ANSI colour sequences. */
static int
vis_width(const char *s, size_t n)
{
	struct buf b = { 0 };
	size_t i;
	int w;

	for (i = 0; i < n; i++) {
		if (s[i] == '\033') {
			while (i < n && s[i] != 'm')
				i++;
			continue;
		}
		buf_addc(&b, s[i]);
	}
	w = b.s != NULL ? text_width(b.s) : 0;
	buf_free(&b);
	return w;
}

/* Writes s word by word, breaking lines before the width is passed. */
static void
put_wrapped(struct tout *o, const char *s)
{
	const char *p, *sp;
	int col = 0, w;

	for (p = s; *p != '\0'; p = sp) {
		for (sp = p; *sp != '\0' && *sp != ' '; sp++)
			;
		w = vis_width(p, (size_t)(sp - p));
		if (col > 0 && col + 1 + w > o->width) {
			fputc('\n', o->fp);
			col = 0;
		} else if (col > 0) {
			fputc(' ', o->fp);
			col++;
		}
		fwrite(p, 1, (size_t)(sp - p), o->fp);
		col += w;
		while (*sp == ' ')
			sp++;
	}
}

/*
 * The formatted text, malloc'ed, or NULL when out of memory.  Its control
 * characters are made visible (text_visible()) but for the colour
 * sequences of tc_bold() ... tc_off() when colour is on.
 */
static char *
vfmt(const struct tout *o, const char *fmt, va_list ap)
{
	static const char *const sgr[] = { "\033[1m", "\033[2m", "\033[36m",
	    "\033[0m" };
	struct buf b = { 0 }, v = { 0 };
	char *s = NULL, *p, *e, save;
	size_t i, n;

	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	for (p = s; *p != '\0'; p = e) {
		n = 0;
		for (i = 0; o->color && i < sizeof(sgr) / sizeof(sgr[0]) && n == 0; i++)
			if (strncmp(p, sgr[i], strlen(sgr[i])) == 0)
				n = strlen(sgr[i]);
		if (n > 0) {
			buf_add(&b, p, n);
			e = p + n;
			continue;
		}
		e = strchr(p + 1, '\033');
		if (e == NULL)
			e = p + strlen(p);
		save = *e;
		*e = '\0';
		buf_adds(&b, text_visible(p, &v));
		*e = save;
	}
	free(s);
	buf_free(&v);
	return b.s != NULL ? b.s : xstrdup("");
}

void
tout_note(struct tout *o, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (o->mode != TM_TABLE)
		return;
	va_start(ap, fmt);
	s = vfmt(o, fmt, ap);
	va_end(ap);
	if (s == NULL)
		return;
	put_wrapped(o, s);
	fputc('\n', o->fp);
	free(s);
}

void
tout_title(struct tout *o, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (o->mode != TM_TABLE && o->mode != TM_XLSX)
		return;
	va_start(ap, fmt);
	s = vfmt(o, fmt, ap);
	va_end(ap);
	if (s == NULL)
		return;
	if (o->mode == TM_XLSX) {	/* the next sheet's name */
		free(o->title);
		o->title = s;
		return;
	}
	if (o->blocks++ > 0)
		fputc('\n', o->fp);
	fputs(tc_bold(o), o->fp);
	put_wrapped(o, s);
	fputs(tc_off(o), o->fp);
	fputc('\n', o->fp);
	free(s);
}

/* ==== Formatting ==== */

/* Inserts thousands separators into the digits of s (a sign may lead). */
static char *
group(const char *s, char *buf, size_t size)
{
	const char *p = s, *dot;
	size_t n = 0, digits, i;

	if (*p == '-')
		buf[n++] = *p++;
	dot = strchr(p, '.');
	digits = dot != NULL ? (size_t)(dot - p) : strlen(p);
	for (i = 0; i < digits && n + 2 < size; i++) {
		if (i > 0 && (digits - i) % 3 == 0)
			buf[n++] = ',';
		buf[n++] = p[i];
	}
	if (dot != NULL)
		for (p = dot; *p != '\0' && n + 1 < size; p++)
			buf[n++] = *p;
	buf[n] = '\0';
	return buf;
}

char *
fmt_int(int64_t v, char buf[32])
{
	char s[32];

	snprintf(s, sizeof(s), "%lld", (long long)v);
	return group(s, buf, 32);
}

char *
fmt_money(int64_t minor, char buf[40])
{
	char s[32];

	return group(money_format(minor, s), buf, 40);
}

char *
fmt_pct(int64_t num, int64_t den, char buf[16])
{
	if (den == 0)
		snprintf(buf, 16, "-");
	else
		snprintf(buf, 16, "%.1f%%", 100.0 * (double)num / (double)den);
	return buf;
}

char *
fmt_days(double v, char buf[32])
{
	if (v == floor(v))
		snprintf(buf, 32, "%.0f", v);
	else
		snprintf(buf, 32, "%.1f", v);
	return buf;
}

char *
bar(double v, double max, int cols, char *buf)
{
	static const char *const eighth[] = { "", "▏", "▎", "▍", "▌", "▋",
	    "▊", "▉" };
	long units, i;
	size_t n = 0;

	buf[0] = '\0';
	if (max <= 0 || v <= 0 || cols <= 0)
		return buf;
	units = lround(v / max * cols * 8);
	if (units < 1)
		units = 1;
	if (units > (long)cols * 8)
		units = (long)cols * 8;
	for (i = 0; i < units / 8; i++) {
		memcpy(buf + n, "█", 3);
		n += 3;
	}
	strcpy(buf + n, eighth[units % 8]);
	return buf;
}

/* A bar of whole cells: solid for part, light shade for the rest. */
static char *
bar2(double v, double part, double max, int cols, char *buf)
{
	long all, solid, i;
	size_t n = 0;

	buf[0] = '\0';
	if (max <= 0 || v <= 0 || cols <= 0)
		return buf;
	all = lround(v / max * cols);
	solid = lround(part / max * cols);
	if (all < 1)
		all = 1;
	if (solid > all)
		solid = all;
	for (i = 0; i < all; i++) {
		memcpy(buf + n, i < solid ? "█" : "░", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

const char *
shade(double v, double max)
{
	static const char *const s[] = { "  ", "░░", "▒▒", "▓▓", "██" };
	int i;

	if (max <= 0 || v <= 0)
		return s[0];
	i = (int)ceil(v / max * 4);
	return s[i < 1 ? 1 : i > 4 ? 4 : i];
}

char *
fit_text(const char *s, int w, int pad, char *buf, size_t size)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t c;
	utf8proc_ssize_t k;
	size_t n = 0;
	int used = 0, cw, total = text_width(s);

	if (size == 0)
		return buf;
	while (*p != '\0') {
		k = utf8proc_iterate(p, -1, &c);
		if (k <= 0) {
			k = 1;
			cw = 1;
		} else if ((cw = utf8proc_charwidth(c)) < 0)
			cw = 0;
		/* Leave one column for the ellipsis when cutting. */
		if (total > w && used + cw > w - 1)
			break;
		if (n + (size_t)k + 4 >= size)
			break;
		memcpy(buf + n, p, (size_t)k);
		n += (size_t)k;
		used += cw;
		p += k;
	}
	if (*p != '\0' && n + 4 < size && w > 0) {
		memcpy(buf + n, "…", 3);
		n += 3;
		used++;
	}
	while (pad && used < w && n + 1 < size) {
		buf[n++] = ' ';
		used++;
	}
	buf[n] = '\0';
	return buf;
}

/* ==== Tables ==== */

void
table_init(struct table *t, struct tout *o)
{
	memset(t, 0, sizeof(*t));
	t->out = o;
}

void
table_col(struct table *t, const char *name, const char *label, int flags)
{
	if (t->ncols == TABLE_MAXCOLS)
		return;
	t->name[t->ncols] = name;
	t->label[t->ncols] = label != NULL ? label : name;
	t->flags[t->ncols] = flags;
	t->ncols++;
}

static int
shown(const struct table *t, int i)
{
	if (t->out->mode == TM_TABLE)
		return !(t->flags[i] & TC_CSVONLY);
	return !(t->flags[i] & (TC_TTYONLY | TC_BAR));
}

/* Adds a cell of type type; NULL when the row is full. */
static struct tcell *
add_cell(struct table *t, const char *csv, const char *tty, double v,
    int type)
{
	struct tcell *c;
	struct buf b = { 0 };

	if (t->col >= t->ncols)
		return NULL;
	c = &t->row[t->col++];
	c->csv = xstrdup(csv != NULL ? csv : "");
	/* The table form never carries a control character. */
	c->tty = xstrdup(text_visible(tty != NULL ? tty : csv != NULL ? csv :
	    "", &b));
	buf_free(&b);
	c->v = v;
	c->v2 = -1;
	c->iv = 0;
	c->type = (char)type;
	c->prec = 0;
	return c;
}

void
table_cell(struct table *t, const char *csv, const char *tty, double v)
{
	add_cell(t, csv, tty, v, TT_GUESS);
}

void
table_barpart(struct table *t, double part)
{
	if (t->col > 0)
		t->row[t->col - 1].v2 = part;
}

void
table_str(struct table *t, const char *s)
{
	add_cell(t, s, s, 0, TT_TEXT);
}

void
table_int(struct table *t, int64_t v)
{
	char a[32], b[32];
	struct tcell *c;

	snprintf(a, sizeof(a), "%lld", (long long)v);
	if ((c = add_cell(t, a, fmt_int(v, b), (double)v, TT_INT)) != NULL)
		c->iv = v;
}

void
table_id(struct table *t, int64_t id)
{
	char a[32];

	if (t->out->mode == TM_TABLE) {
		table_int(t, id);
		return;
	}
	snprintf(a, sizeof(a), "%lld", (long long)id);
	table_str(t, a);
}

void
table_money(struct table *t, int64_t minor)
{
	char a[32], b[40];
	struct tcell *c;

	if ((c = add_cell(t, money_format(minor, a), fmt_money(minor, b),
	    (double)minor, TT_MONEY)) != NULL)
		c->iv = minor;
}

void
table_ratio(struct table *t, int64_t num, int64_t den)
{
	char a[32], b[16];

	if (den == 0) {
		add_cell(t, "", "-", 0, TT_NULL);
		return;
	}
	snprintf(a, sizeof(a), "%.4f", (double)num / (double)den);
	add_cell(t, a, fmt_pct(num, den, b), (double)num / (double)den,
	    TT_RATIO);
}

void
table_share(struct table *t, int64_t num, int64_t den)
{
	struct buf a = { 0 };
	char b[16];

	buf_add_share(&a, num, den);
	table_cell(t, a.s, fmt_pct(num, den, b), den > 0 ? (double)num /
	    (double)den : 0);
	buf_free(&a);
}

void
table_num(struct table *t, double v, int prec)
{
	char a[48], b[64];
	struct tcell *c;

	snprintf(a, sizeof(a), "%.*f", prec, v);
	if ((c = add_cell(t, a, group(a, b, sizeof(b)), v, TT_NUM)) != NULL)
		c->prec = (char)prec;
}

void
table_days(struct table *t, double v)
{
	char a[32];
	struct tcell *c;

	fmt_days(v, a);
	if ((c = add_cell(t, a, a, v, TT_NUM)) != NULL)
		c->prec = v == floor(v) ? 0 : 1;
}

void
table_null(struct table *t)
{
	add_cell(t, "", "-", 0, TT_NULL);
}

static void
free_cell(struct tcell *c)
{
	free(c->csv);
	free(c->tty);
	c->csv = c->tty = NULL;
}

/* ==== Spreadsheets ==== */

/* A number as table_cell's text may hold one: -12, 3.25 (15 digits). */
static int
plain_number(const char *s, int *decimals)
{
	const char *p = s, *dot = NULL;
	int digits = 0;

	if (*p == '-')
		p++;
	if (*p == '0' && p[1] != '.' && p[1] != '\0')
		return 0;		/* a leading zero: a code */
	for (; *p != '\0'; p++) {
		if (*p == '.' && dot == NULL && digits > 0)
			dot = p;
		else if (*p >= '0' && *p <= '9')
			digits++;
		else
			return 0;
	}
	if (digits == 0 || digits > 15 || (dot != NULL && dot[1] == '\0'))
		return 0;
	*decimals = dot != NULL ? (int)(p - dot - 1) : 0;
	return 1;
}

/* A day written YYYY-MM-DD: 1 and *day, or 0. */
static int
iso_day(const char *s, int64_t *day)
{
	int y, m, d, y2, m2, d2, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	*day = days_from_civil(y, m, d);
	civil_from_days(*day, &y2, &m2, &d2);
	return y == y2 && m == m2 && d == d2 && y >= 1900;
}

/* Is the cell text, to a spreadsheet? */
static int
is_text(const struct tcell *c)
{
	int k;

	return c->type == TT_TEXT || (c->type == TT_GUESS &&
	    !plain_number(c->csv, &k));
}

/* Writes the row's cells to the workbook, typed. */
static void
xlsx_row(struct table *t, struct tcell *row)
{
	struct xlsxw *w = t->out->xw;
	int64_t day;
	int i, k;

	for (i = 0; i < t->ncols; i++) {
		struct tcell *c = &row[i];

		if (!shown(t, i))
			continue;
		if (c->type == TT_INT)
			xlsxw_int(w, c->iv);
		else if (c->type == TT_MONEY)
			xlsxw_money(w, c->iv);
		else if (c->type == TT_RATIO)
			xlsxw_ratio(w, c->v);
		else if (c->type == TT_NUM)
			xlsxw_num(w, c->v, c->prec);
		else if (c->csv[0] == '\0' || c->type == TT_NULL)
			xlsxw_blank(w);
		else if (iso_day(c->csv, &day))
			xlsxw_day(w, day);
		else if (c->type == TT_GUESS && plain_number(c->csv, &k))
			xlsxw_num(w, strtod(c->csv, NULL), k);
		else
			xlsxw_text(w, c->csv);
	}
	xlsxw_endrow(w);
}

/* Begins the table's sheet: named by the last title, under its header. */
static void
xlsx_sheet(struct table *t)
{
	const char *h[TABLE_MAXCOLS];
	int i, n = 0;

	for (i = 0; i < t->ncols; i++)
		if (shown(t, i))
			h[n++] = t->name[i];
	xlsxw_sheet(t->out->xw, t->out->title, n, h);
	free(t->out->title);
	t->out->title = NULL;
}

/* Ends a row of the CSV writer; the first row that fails stops output. */
static void
cw_endrow(struct tout *o)
{
	if (csvw_endrow(o->cw) != 0 && !o->failed) {
		warnx("output %s", csvw_error(o->cw));
		o->failed = 1;
	}
}

static void
csv_header(struct table *t)
{
	int delim = t->out->mode == TM_TSV ? '\t' : ',', i, first = 1;

	if (t->out->cw != NULL) {
		for (i = 0; i < t->ncols; i++)
			if (shown(t, i))
				csvw_field(t->out->cw, t->name[i], 1);
		cw_endrow(t->out);
		t->out->headers++;
		return;
	}
	for (i = 0; i < t->ncols; i++) {
		if (!shown(t, i))
			continue;
		if (!first)
			fputc(delim, t->out->fp);
		csv_put(t->out->fp, delim, t->name[i]);
		first = 0;
	}
	fputc('\n', t->out->fp);
	t->out->headers++;
}

void
table_endrow(struct table *t)
{
	int delim = t->out->mode == TM_TSV ? '\t' : ',', i, first = 1;

	while (t->col < t->ncols)
		table_null(t);
	t->col = 0;
	if (t->out->mode == TM_XLSX) {
		if (t->nrows++ == 0)
			xlsx_sheet(t);
		xlsx_row(t, t->row);
		for (i = 0; i < t->ncols; i++)
			free_cell(&t->row[i]);
		return;
	}
	if (t->out->cw != NULL) {
		if (t->nrows++ == 0 && t->out->headers == 0)
			csv_header(t);
		for (i = 0; i < t->ncols; i++) {
			if (shown(t, i) && !t->out->failed)
				csvw_field(t->out->cw, t->row[i].csv,
				    is_text(&t->row[i]));
			free_cell(&t->row[i]);
		}
		if (!t->out->failed)
			cw_endrow(t->out);
		return;
	}
	if (t->out->mode != TM_TABLE) {
		/* One header for the whole output: a report that writes
		 * two tables of the same columns writes one. */
		if (t->nrows++ == 0 && t->out->headers == 0)
			csv_header(t);
		for (i = 0; i < t->ncols; i++) {
			if (shown(t, i)) {
				if (!first)
					fputc(delim, t->out->fp);
				csv_put(t->out->fp, delim, t->row[i].csv);
				first = 0;
			}
			free_cell(&t->row[i]);
		}
		fputc('\n', t->out->fp);
		return;
	}
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = xrealloc(t->cells, t->cap * (size_t)t->ncols *
		    sizeof(*t->cells));
	}
	memcpy(t->cells + t->nrows * (size_t)t->ncols, t->row,
	    (size_t)t->ncols * sizeof(*t->row));
	memset(t->row, 0, sizeof(t->row));
	t->nrows++;
}

/* Writes text to the output with the spaces that end a line removed. */
void
put_lines(struct tout *o, const char *s, size_t n)
{
	size_t i, sp = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == ' ') {
			sp++;
			continue;
		}
		if (s[i] != '\n')
			for (; sp > 0; sp--)
				fputc(' ', o->fp);
		sp = 0;
		fputc(s[i], o->fp);
	}
}

/*
 * Copies into buf (size bytes) the next line, at most w columns, of the
 * text at *sp, broken after a word where one fits (a word wider than w is
 * broken where w ends), and moves *sp past it and the spaces that follow.
 */
static void
wrap_line(const char **sp, int w, char *buf, size_t size)
{
	const char *s = *sp, *p, *brk = NULL, *end;
	utf8proc_int32_t c;
	utf8proc_ssize_t k;
	size_t n;
	int used = 0, cw;

	for (p = s; *p != '\0'; p += k) {
		k = utf8proc_iterate((const utf8proc_uint8_t *)p, -1, &c);
		if (k <= 0) {
			k = 1;
			cw = 1;
		} else if ((cw = utf8proc_charwidth(c)) < 0)
			cw = 0;
		if (*p == ' ')
			brk = p;
		if (used + cw > w && p > s)
			break;
		used += cw;
	}
	end = *p == '\0' || *p == ' ' || brk == NULL ? p : brk;
	for (n = (size_t)(end - s); n > 0 && s[n - 1] == ' '; n--)
		;
	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	while (*end == ' ')
		end++;
	*sp = end;
}

/* The width of the longest word of s (a label wraps at its spaces). */
static int
word_width(const char *s)
{
	char *d = xstrdup(s), *p, *w;
	int max = 0, cw;

	for (p = d; (w = strsep(&p, " ")) != NULL;)
		if ((cw = text_width(w)) > max)
			max = cw;
	free(d);
	return max;
}

/* The widest line of s wrapped in w columns (w at least its widest word). */
static int
wrap_width(const char *s, int w)
{
	char *line = xmalloc(strlen(s) + 1);
	int max = 0, cw;

	while (*s != '\0') {
		wrap_line(&s, w, line, strlen(s) + 1);
		if ((cw = text_width(line)) > max)
			max = cw;
	}
	free(line);
	return max;
}

/* Writes one line of a cell's text, aligned in w columns. */
static void
put_cell(FILE *fp, const char *s, int w, int flags, int last, char *buf,
    size_t bufsize)
{
	int cw = text_width(s);

	if (!(flags & (TC_LEFT | TC_BAR)) && cw < w)
		fprintf(fp, "%*s", w - cw, "");
	fputs(fit_text(s, w, !last && (flags & (TC_LEFT | TC_BAR)), buf,
	    bufsize), fp);
	if (!last)
		fprintf(fp, "%*s", GAP, "");
}

/*
 * The rows as records, when even a narrowed table is wider than the
 * terminal: each row a block of "label  value" lines, values wrapped,
 * a row whose first column has no heading led by that value alone;
 * optional columns left out.
 */
static void
table_records(struct table *t, FILE *fp, char *buf, char *line,
    size_t bufsize)
{
	struct tout *o = t->out;
	const char *rest;
	size_t r;
	int i, lw = 0, cw, vw, first;

	for (i = 0; i < t->ncols; i++)
		if (shown(t, i) && !(t->flags[i] & (TC_BAR | TC_OPTIONAL)) &&
		    (cw = text_width(t->label[i])) > lw)
			lw = cw;
	if (lw > o->width / 2)
		lw = o->width / 2;
	vw = o->width - lw - GAP;
	for (r = 0; r < t->nrows; r++) {
		struct tcell *row = &t->cells[r * (size_t)t->ncols];

		if (r > 0)
			fputc('\n', fp);
		for (i = 0, first = 1; i < t->ncols; i++) {
			if (!shown(t, i) || (t->flags[i] & (TC_BAR |
			    TC_OPTIONAL)))
				continue;
			rest = row[i].tty;
			if (first && *t->label[i] == '\0') {
				while (*rest != '\0') {
					wrap_line(&rest, o->width, line,
					    bufsize);
					fprintf(fp, "%s%s%s\n", tc_bold(o), line,
					    tc_off(o));
				}
				first = 0;
				continue;
			}
			first = 0;
			fprintf(fp, "%s%s%s", tc_dim(o), fit_text(t->label[i], lw,
			    1, buf, bufsize), tc_off(o));
			do {
				wrap_line(&rest, vw, line, bufsize);
				fprintf(fp, "%*s%s\n", GAP, "", line);
				if (*rest != '\0')
					fprintf(fp, "%*s", lw, "");
			} while (*rest != '\0');
		}
	}
	if (t->nrows == 0)
		fprintf(fp, "%s(none)%s\n", tc_dim(o), tc_off(o));
}

/*
 * Lays the rows out in columns, fitted to the width, and prints them.
 * Too wide, in this order: a heading wraps at its spaces down to its
 * column's values, optional columns are left out from the right, bars
 * take what is left, and wrapping (TC_WRAP) or shrinkable (TC_SHRINK)
 * text columns give up columns, the widest first: a wrapped cell takes
 * more lines (a word is never broken), a shrunk one is cut with an
 * ellipsis.  Still too wide, the
 * rows are written as records (table_records()).
 */
static void
table_print(struct table *t)
{
	struct tout *o = t->out;
	int w[TABLE_MAXCOLS], hide[TABLE_MAXCOLS], vw[TABLE_MAXCOLS];
	int lw[TABLE_MAXCOLS];
	int i, total = 0, nshown = 0, last = -1, cw, room, more;
	const char *rest[TABLE_MAXCOLS];
	double max[TABLE_MAXCOLS];
	size_t r;
	char *buf, *line, *mem = NULL;
	size_t bufsize, memlen = 0;
	FILE *fp;

	for (i = 0; i < t->ncols; i++) {
		w[i] = vw[i] = 0;
		max[i] = 0;
		hide[i] = !shown(t, i);
		if (hide[i])
			continue;
		nshown++;
		for (r = 0; r < t->nrows; r++) {
			struct tcell *c = &t->cells[r * (size_t)t->ncols + i];

			if (t->flags[i] & TC_BAR) {
				if (c->v > max[i])
					max[i] = c->v;
			} else if ((cw = text_width(c->tty)) > vw[i])
				vw[i] = cw;
		}
		w[i] = text_width(t->label[i]);
		if (vw[i] > w[i])
			w[i] = vw[i];
		if (!(t->flags[i] & TC_BAR))
			total += w[i];
	}
	if (nshown == 0)
		return;
	total += GAP * (nshown - 1);
	for (i = 0, cw = 0; i < t->ncols; i++)
		if (!hide[i] && (t->flags[i] & TC_BAR))
			cw += BARMIN;
	/* Too wide: headings wider than their values wrap, widest first. */
	while (total + cw > o->width) {
		int wide = -1, lab;

		for (i = 0; i < t->ncols; i++) {
			if (hide[i] || (t->flags[i] & TC_BAR))
				continue;
			lab = word_width(t->label[i]);
			if (w[i] > vw[i] && w[i] > lab &&
			    (wide < 0 || w[i] > w[wide]))
				wide = i;
		}
		if (wide < 0)
			break;
		/* To where its lines break at w - 1: no lone shorter line. */
		lab = wrap_width(t->label[wide], w[wide] - 1);
		if (lab < vw[wide])
			lab = vw[wide];
		total -= w[wide] - lab;
		w[wide] = lab;
	}
	/* Then leave out optional columns, from the right. */
	for (i = t->ncols - 1; i >= 0 && total + cw > o->width; i--)
		if (!hide[i] && (t->flags[i] & TC_OPTIONAL)) {
			hide[i] = 1;
			total -= GAP;
			if (t->flags[i] & TC_BAR)
				cw -= BARMIN;
			else
				total -= w[i];
		}
	for (i = 0, last = -1; i < t->ncols; i++)
		if (!hide[i])
			last = i;
	/* Bars take what is left, within limits. */
	for (i = 0; i < t->ncols; i++) {
		if (hide[i] || !(t->flags[i] & TC_BAR))
			continue;
		room = o->width - total;
		w[i] = room < BARMIN ? BARMIN : room > BARMAX ? BARMAX : room;
		if (w[i] < text_width(t->label[i]))
			w[i] = text_width(t->label[i]);
		total += w[i];
	}
	/*
	 * Then wrap or cut the widest text column, then the next: a cut one
	 * down to SHRINKMIN, a wrapped one to its longest word (lw[]).
	 */
	for (i = 0; i < t->ncols; i++) {
		lw[i] = SHRINKMIN;
		if (hide[i] || !(t->flags[i] & TC_WRAP))
			continue;
		for (r = 0, lw[i] = 1; r < t->nrows; r++)
			if ((cw = word_width(t->cells[r * (size_t)t->ncols +
			    i].tty)) > lw[i])
				lw[i] = cw;
	}
	while (total > o->width) {
		int wide = -1;

		for (i = 0; i < t->ncols; i++)
			if (!hide[i] && (t->flags[i] & (TC_SHRINK | TC_WRAP)) &&
			    w[i] > lw[i] && (wide < 0 || w[i] > w[wide]))
				wide = i;
		if (wide < 0)
			break;
		w[wide]--;
		total--;
	}
	bufsize = 4 * (size_t)o->width + 64;
	for (i = 0; i < t->ncols; i++)
		if (4 * (size_t)w[i] + 64 > bufsize)
			bufsize = 4 * (size_t)w[i] + 64;
	buf = xmalloc(bufsize);
	line = xmalloc(bufsize);
	if ((fp = open_memstream(&mem, &memlen)) == NULL) {
		free(buf);
		free(line);
		return;
	}
	if (total > o->width) {
		table_records(t, fp, buf, line, bufsize);
		goto out;
	}
	/* The header, its lines wrapped, then a rule. */
	for (i = 0; i < t->ncols; i++)
		rest[i] = t->label[i];
	fputs(tc_bold(o), fp);
	do {
		for (i = 0, more = 0; i < t->ncols; i++) {
			if (hide[i])
				continue;
			wrap_line(&rest[i], w[i], line, bufsize);
			more |= *rest[i] != '\0';
			put_cell(fp, line, w[i], t->flags[i], i == last, buf,
			    bufsize);
		}
		fputc('\n', fp);
	} while (more);
	fputs(tc_off(o), fp);
	fputs(tc_dim(o), fp);
	for (i = 0; i < t->ncols; i++) {
		if (hide[i])
			continue;
		for (cw = 0; cw < w[i]; cw++)
			fputs("─", fp);
		if (i != last)
			fprintf(fp, "%*s", GAP, "");
	}
	fputs(tc_off(o), fp);
	fputc('\n', fp);
	for (r = 0; r < t->nrows; r++) {
		struct tcell *row = &t->cells[r * (size_t)t->ncols];

		for (i = 0; i < t->ncols; i++)
			rest[i] = row[i].tty;
		for (more = 1; more;) {
			for (i = 0, more = 0; i < t->ncols; i++) {
				if (hide[i])
					continue;
				if ((t->flags[i] & TC_BAR) && rest[i] != NULL) {
					if (row[i].v2 >= 0)
						bar2(row[i].v, row[i].v2,
						    max[i], w[i], buf);
					else
						bar(row[i].v, max[i], w[i],
						    buf);
					fprintf(fp, "%s%s%s", tc_bar(o), buf,
					    tc_off(o));
					if (i != last)
						fprintf(fp, "%*s", w[i] -
						    text_width(buf) + GAP, "");
					rest[i] = NULL;
					continue;
				}
				if (rest[i] == NULL)
					line[0] = '\0';
				else if ((t->flags[i] & TC_WRAP) &&
				    text_width(rest[i]) > w[i])
					wrap_line(&rest[i], w[i], line,
					    bufsize);
				else {
					snprintf(line, bufsize, "%s", rest[i]);
					rest[i] = NULL;
				}
				if (rest[i] != NULL && *rest[i] == '\0')
					rest[i] = NULL;
				more |= rest[i] != NULL;
				put_cell(fp, line, w[i], t->flags[i],
				    i == last, buf, bufsize);
			}
			fputc('\n', fp);
		}
	}
	if (t->nrows == 0)
		fprintf(fp, "%s(none)%s\n", tc_dim(o), tc_off(o));
out:
	fclose(fp);
	put_lines(o, mem, memlen);
	free(mem);
	free(buf);
	free(line);
}

void
table_end(struct table *t)
{
	size_t i;
	int j;

	if (t->out->mode == TM_TABLE)
		table_print(t);
	else if (t->out->mode == TM_XLSX) {
		if (t->nrows == 0 && t->ncols > 0)
			xlsx_sheet(t);	/* no rows: the header says what */
	} else if (t->nrows == 0 && t->out->headers == 0 && t->ncols > 0)
		csv_header(t);	/* no rows: the header still says what */
	for (i = 0; i < t->nrows * (size_t)t->ncols &&
	    t->out->mode == TM_TABLE; i++)
		free_cell(&t->cells[i]);
	for (j = 0; j < t->ncols; j++)
		free_cell(&t->row[j]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}
