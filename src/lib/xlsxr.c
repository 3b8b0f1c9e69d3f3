/*
 * xlsxr.c: one sheet of an .xlsx workbook as rows of text (see xlsxr.h).
 *
 * The workbook's list of sheets, its relationships, its styles and its
 * shared strings are read whole when the first row is asked for (the
 * shared strings cost their text plus 5 bytes each: a NUL and a 32-bit
 * offset).  The sheet itself is inflated by libzip in chunks and fed to
 * expat, which is suspended at the end of every row: memory does not
 * grow with rows.
 *
 * Values become the text a CSV export holds: strings as they are,
 * numbers in the shortest decimal that reads back as the same number,
 * with no exponent ("912345678", "0.1"), booleans TRUE and FALSE, and
 * numbers in a date style the day they are, "YYYY-MM-DD", with the time
 * "HH:MM:SS" after a space when the style shows one or the number has
 * one.  A number that needs more than 15 significant digits lost digits
 * on its way into the workbook (Excel keeps 15): it is an error, never a
 * silent rounding.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <expat.h>
#include <zip.h>

#include "crm.h"
#include "xlsxr.h"

#define CHUNK		(64 << 10)	/* bytes inflated at a time */
#define MAXCOL		16384		/* XFD, Excel's last column */
#define SERIAL_MAX	2958466.0	/* 10000-01-01 in the 1900 system */

/* What a cell style makes of a number. */
#define ST_DATE		0x01
#define ST_TIME		0x02

struct sheet {
	char	*name;
	char	*rid;			/* r:id, its relationship */
	char	*path;			/* its part in the zip */
};

struct xlsxr {
	zip_t	*zip;
	int	 loaded;		/* styles and strings read */
	int	 date1904;
	struct sheet *sheets;
	size_t	 nsheets, cur;
	/* Shared strings: text, each ending in a NUL, at sst_off[i]. */
	struct buf sst;
	uint32_t *sst_off;
	size_t	 nsst, sstcap;
	/* Styles: what each cellXfs entry does to a number. */
	unsigned char *xf;
	size_t	 nxf, xfcap;
	struct { long id; int kind; } *fmt;	/* custom numFmts */
	size_t	 nfmt, fmtcap;
	/* Parsing state shared by the parts. */
	XML_Parser p;
	int	 depth_t;		/* inside a <t> to collect */
	int	 in_si, in_rph, in_cellxfs, in_is, in_v;
	struct buf val;			/* text being collected */
	struct buf fail;		/* why a handler stopped the parse */
	/* The sheet. */
	zip_file_t *zf;
	char	*chunk;
	int	 started, suspended, eof;
	off_t	 done, total;
	long	 row, lastrow;		/* the row being read; the one before */
	int	 rowdone;
	long	 col;			/* current cell's column, from 1 */
	int	 type;			/* 's', 'n', 'b', 'i'nline, 'e', 'd' */
	unsigned char style;
	size_t	 hdrn;			/* fields in the header row */
	struct buf hdr;			/* its names, each ending in a NUL */
	size_t	*hdroff;
	/* Where the row goes (the caller's buffers, during xlsxr_next). */
	struct buf *rec;
	size_t	**off, *offcap, *nf;
};

static const char *
lname(const char *n)
{
	const char *c = strrchr(n, ':');

	return c != NULL ? c + 1 : n;
}

/* The value of the attribute with local name name, or NULL. */
static const char *
attr(const char **a, const char *name)
{
	for (; a[0] != NULL; a += 2)
		if (strcmp(lname(a[0]), name) == 0)
			return a[1];
	return NULL;
}

static void
stop(struct xlsxr *x)
{
	XML_StopParser(x->p, XML_FALSE);
}

/*
 * Parses the part name whole with the handlers set on a fresh parser.
 * Returns 0, 1 when there is no such part and it is not required, or
 * -1 with why set.
 */
static int
parse_part(struct xlsxr *x, const char *name, int required,
    XML_StartElementHandler start, XML_EndElementHandler end,
    XML_CharacterDataHandler chars, struct buf *why)
{
	zip_file_t *zf;
	zip_int64_t n;
	char *b;
	int rc = 0, fin;

	if (zip_name_locate(x->zip, name, 0) < 0) {
		if (!required)
			return 1;
		buf_printf(why, "not an .xlsx workbook: the zip has no %s",
		    name);
		return -1;
	}
	if ((zf = zip_fopen(x->zip, name, 0)) == NULL) {
		buf_printf(why, "cannot read %s in the workbook: %s", name,
		    zip_strerror(x->zip));
		return -1;
	}
	x->p = XML_ParserCreate(NULL);
	if (x->p == NULL)
		errx(EXIT_DATA, "out of memory");
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, start, end);
	XML_SetCharacterDataHandler(x->p, chars);
	buf_reset(&x->fail);
	b = xmalloc(CHUNK);
	do {
		if ((n = zip_fread(zf, b, CHUNK)) < 0) {
			buf_printf(why, "the workbook is damaged: %s: %s", name,
			    zip_file_strerror(zf));
			rc = -1;
			break;
		}
		fin = n == 0;
		if (XML_Parse(x->p, b, (int)n, fin) != XML_STATUS_OK) {
			if (x->fail.len > 0)
				buf_printf(why, "%s: %s", name, x->fail.s);
			else
				buf_printf(why, "%s in the workbook is not "
				    "XML: line %lu: %s", name,
				    (unsigned long)XML_GetCurrentLineNumber(
				    x->p), XML_ErrorString(
				    XML_GetErrorCode(x->p)));
			rc = -1;
			break;
		}
	} while (!fin);
	free(b);
	zip_fclose(zf);
	XML_ParserFree(x->p);
	x->p = NULL;
	return rc;
}

/* ==== The workbook: its sheets ==== */

static void XMLCALL
wb_start(void *ud, const char *el, const char **a)
{
	struct xlsxr *x = ud;
	const char *n = lname(el), *v, *id;

	if (strcmp(n, "workbookPr") == 0) {
		v = attr(a, "date1904");
		x->date1904 = v != NULL && (strcmp(v, "1") == 0 ||
		    strcasecmp(v, "true") == 0);
	} else if (strcmp(n, "sheet") == 0) {
		v = attr(a, "name");
		id = attr(a, "id");
		if (v == NULL || id == NULL)
			return;
		x->sheets = xrealloc(x->sheets, (x->nsheets + 1) *
		    sizeof(*x->sheets));
		x->sheets[x->nsheets].name = xstrdup(v);
		x->sheets[x->nsheets].rid = xstrdup(id);
		x->sheets[x->nsheets].path = NULL;
		x->nsheets++;
	}
}

static void XMLCALL
rels_start(void *ud, const char *el, const char **a)
{
	struct xlsxr *x = ud;
	const char *id, *t;
	struct buf b = { 0 };
	size_t i;

	if (strcmp(lname(el), "Relationship") != 0 ||
	    (id = attr(a, "Id")) == NULL || (t = attr(a, "Target")) == NULL)
		return;
	for (i = 0; i < x->nsheets; i++) {
		if (strcmp(x->sheets[i].rid, id) != 0)
			continue;
		/* Targets are relative to xl/, or absolute in the zip. */
		if (*t == '/')
			buf_adds(&b, t + 1);
		else
			buf_printf(&b, "xl/%s", t);
		free(x->sheets[i].path);
		x->sheets[i].path = b.s;
		return;
	}
}

static void XMLCALL
no_end(void *ud, const char *el)
{
	(void)ud;
	(void)el;
}

struct xlsxr *
xlsxr_open(int fd, struct buf *why)
{
	struct xlsxr *x;
	zip_t *z;
	int zerr;
	zip_error_t ze;
	size_t i;

	if ((z = zip_fdopen(fd, ZIP_RDONLY, &zerr)) == NULL) {
		zip_error_init_with_code(&ze, zerr);
		buf_printf(why, "a damaged .xlsx (zip) file: %s",
		    zip_error_strerror(&ze));
		zip_error_fini(&ze);
		close(fd);
		return NULL;
	}
	x = xmalloc(sizeof(*x));
	memset(x, 0, sizeof(*x));
	x->zip = z;
	if (zip_name_locate(z, "[Content_Types].xml", 0) < 0) {
		buf_printf(why, "a zip file, not an .xlsx workbook (it has "
		    "no [Content_Types].xml)");
		goto fail;
	}
	if (parse_part(x, "xl/workbook.xml", 1, wb_start, no_end, NULL,
	    why) != 0 || parse_part(x, "xl/_rels/workbook.xml.rels", 1,
	    rels_start, no_end, NULL, why) != 0)
		goto fail;
	for (i = 0; i < x->nsheets; i++)
		if (x->sheets[i].path == NULL) {
			buf_printf(why, "sheet '%s' has no part in the "
			    "workbook", x->sheets[i].name);
			goto fail;
		}
	if (x->nsheets == 0) {
		buf_printf(why, "the workbook has no sheets");
		goto fail;
	}
	return x;
fail:
	xlsxr_close(x);
	return NULL;
}

int
xlsxr_select(struct xlsxr *x, const char *sheet, struct buf *why)
{
	long long n;
	size_t i;

	if (sheet == NULL) {
		x->cur = 0;
		return 0;
	}
	for (i = 0; i < x->nsheets; i++)
		if (strcmp(x->sheets[i].name, sheet) == 0) {
			x->cur = i;
			return 0;
		}
	if (crm_parse_int(sheet, 1, (long long)x->nsheets, &n) == 0) {
		x->cur = (size_t)n - 1;
		return 0;
	}
	buf_printf(why, "no sheet '%s' in the workbook; its sheets:", sheet);
	for (i = 0; i < x->nsheets; i++)
		buf_printf(why, "%s %zu '%s'", i > 0 ? "," : "", i + 1,
		    x->sheets[i].name);
	return -1;
}

const char *
xlsxr_sheet(const struct xlsxr *x)
{
	return x->sheets[x->cur].name;
}

/* ==== Styles: which numbers are dates ==== */

/*
 * What a number format's code shows: a date when it has y, m, d, h or s
 * outside quotes, brackets and escapes ("[h]:mm" elapsed times and
 * "[$-404]" locales are in brackets), a time when h or s.
 */
static int
code_kind(const char *s)
{
	int k = 0;

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '"':
			while (s[1] != '\0' && s[1] != '"')
				s++;
			if (s[1] != '\0')
				s++;
			continue;
		case '[':
			while (s[1] != '\0' && s[1] != ']')
				s++;
			continue;
		case '\\':
		case '_':
		case '*':
			if (s[1] != '\0')
				s++;
			continue;
		case ';':		/* only the first section counts */
			return k;
		}
		switch (*s | 0x20) {
		case 'y':
		case 'm':
		case 'd':
			k |= ST_DATE;
			break;
		case 'h':
		case 's':
			k |= ST_DATE | ST_TIME;
			break;
		}
	}
	return k;
}

/* The built-in formats that show dates and times. */
static int
builtin_kind(long id)
{
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 34 ||
	    id == 35 || id == 36 || (id >= 50 && id <= 58))
		return ST_DATE;
	if ((id >= 18 && id <= 22) || id == 32 || id == 33 ||
	    (id >= 45 && id <= 47))
		return ST_DATE | ST_TIME;
	return 0;
}

static int
fmt_kind(const struct xlsxr *x, long id)
{
	size_t i;

	for (i = 0; i < x->nfmt; i++)
		if (x->fmt[i].id == id)
			return x->fmt[i].kind;
	return builtin_kind(id);
}

static void XMLCALL
st_start(void *ud, const char *el, const char **a)
{
	struct xlsxr *x = ud;
	const char *n = lname(el), *id, *code;

	if (strcmp(n, "numFmt") == 0) {
		if ((id = attr(a, "numFmtId")) == NULL ||
		    (code = attr(a, "formatCode")) == NULL)
			return;
		if (x->nfmt == x->fmtcap) {
			x->fmtcap = x->fmtcap ? x->fmtcap * 2 : 16;
			x->fmt = xrealloc(x->fmt, x->fmtcap * sizeof(*x->fmt));
		}
		x->fmt[x->nfmt].id = strtol(id, NULL, 10);
		x->fmt[x->nfmt++].kind = code_kind(code);
	} else if (strcmp(n, "cellXfs") == 0) {
		x->in_cellxfs = 1;
	} else if (strcmp(n, "xf") == 0 && x->in_cellxfs) {
		if (x->nxf == x->xfcap) {
			x->xfcap = x->xfcap ? x->xfcap * 2 : 64;
			x->xf = xrealloc(x->xf, x->xfcap);
		}
		id = attr(a, "numFmtId");
		x->xf[x->nxf++] = (unsigned char)(id != NULL ?
		    fmt_kind(x, strtol(id, NULL, 10)) : 0);
	}
}

static void XMLCALL
st_end(void *ud, const char *el)
{
	struct xlsxr *x = ud;

	if (strcmp(lname(el), "cellXfs") == 0)
		x->in_cellxfs = 0;
}

/* ==== Shared strings ==== */

static void XMLCALL
sst_start(void *ud, const char *el, const char **a)
{
	struct xlsxr *x = ud;
	const char *n = lname(el);

	(void)a;
	if (strcmp(n, "si") == 0) {
		x->in_si = 1;
		buf_reset(&x->val);
	} else if (strcmp(n, "rPh") == 0) {
		x->in_rph = 1;		/* a reading aid, not the text */
	} else if (strcmp(n, "t") == 0 && x->in_si && !x->in_rph) {
		x->depth_t = 1;
	}
}

static void XMLCALL
sst_end(void *ud, const char *el)
{
	struct xlsxr *x = ud;
	const char *n = lname(el);

	if (strcmp(n, "t") == 0) {
		x->depth_t = 0;
	} else if (strcmp(n, "rPh") == 0) {
		x->in_rph = 0;
	} else if (strcmp(n, "si") == 0) {
		x->in_si = 0;
		if (x->nsst == x->sstcap) {
			x->sstcap = x->sstcap ? x->sstcap * 2 : 1024;
			x->sst_off = xrealloc(x->sst_off, x->sstcap *
			    sizeof(*x->sst_off));
		}
		if (x->sst.len > UINT32_MAX - x->val.len - 1) {
			buf_reset(&x->fail);
			buf_printf(&x->fail, "more than 4 GB of shared strings");
			stop(x);
			return;
		}
		x->sst_off[x->nsst++] = (uint32_t)x->sst.len;
		buf_add(&x->sst, x->val.s != NULL ? x->val.s : "", x->val.len);
		buf_addc(&x->sst, '\0');
	}
}

static void XMLCALL
collect(void *ud, const char *s, int n)
{
	struct xlsxr *x = ud;

	if (x->depth_t || x->in_v)
		buf_add(&x->val, s, (size_t)n);
}

size_t
xlsxr_sst_bytes(const struct xlsxr *x)
{
	return x->sst.cap + x->sstcap * sizeof(*x->sst_off);
}

/* ==== The sheet ==== */

/* "C" for column 3. */
static char *
col_name(long col, char buf[8])
{
	char t[8];
	int n = 0, i;

	while (col > 0 && n < 7) {
		t[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (i = 0; i < n; i++)
		buf[i] = t[n - 1 - i];
	buf[n] = '\0';
	return buf;
}

/* Stops the parse for a bad cell, naming it and its column's header. */
static void
cell_fail(struct xlsxr *x, const char *fmt, const char *arg)
{
	char cn[8];

	buf_reset(&x->fail);
	if ((size_t)x->col <= x->hdrn && x->hdroff != NULL)
		buf_printf(&x->fail, "field '%s' (cell %s%ld): ",
		    x->hdr.s + x->hdroff[x->col - 1], col_name(x->col, cn),
		    x->row);
	else
		buf_printf(&x->fail, "cell %s%ld: ", col_name(x->col, cn),
		    x->row);
	buf_printf(&x->fail, fmt, arg);
	stop(x);
}

static void
add_field(struct xlsxr *x, const char *s, size_t n)
{
	if (*x->nf == *x->offcap) {
		*x->offcap = *x->offcap ? *x->offcap * 2 : 32;
		*x->off = xrealloc(*x->off, *x->offcap * sizeof(**x->off));
	}
	(*x->off)[(*x->nf)++] = x->rec->len;
	buf_add(x->rec, s, n);
	buf_addc(x->rec, '\0');
}

/*
 * The shortest decimal that reads back as d, without an exponent, into
 * out.  Returns 0, or -1 when that takes more than 15 digits.
 */
static int
num_text(double d, struct buf *out)
{
	char t[40], dig[24];
	int p, nd = 0, e, i;
	const char *s;

	if (d == 0) {
		buf_addc(out, '0');
		return 0;
	}
	for (p = 1; p <= 17; p++) {
		snprintf(t, sizeof(t), "%.*e", p - 1, d);
		if (strtod(t, NULL) == d)
			break;
	}
	if (p > 15)
		return -1;
	s = t;
	if (*s == '-') {
		buf_addc(out, '-');
		s++;
	}
	for (; *s != 'e'; s++)
		if (*s != '.')
			dig[nd++] = *s;
	e = atoi(s + 1);
	while (nd > 1 && dig[nd - 1] == '0')
		nd--;
	if (e >= nd - 1) {
		buf_add(out, dig, (size_t)nd);
		for (i = 0; i < e - (nd - 1); i++)
			buf_addc(out, '0');
	} else if (e >= 0) {
		buf_add(out, dig, (size_t)e + 1);
		buf_addc(out, '.');
		buf_add(out, dig + e + 1, (size_t)(nd - e - 1));
	} else {
		buf_adds(out, "0.");
		for (i = 0; i < -e - 1; i++)
			buf_addc(out, '0');
		buf_add(out, dig, (size_t)nd);
	}
	return 0;
}

/*
 * num_text for a number written as plain decimal digits with at most
 * 15 significant ones (most are): those read back as themselves, so
 * the text is the answer, without leading or trailing zeros.  Returns
 * 0, or -1 to leave the number to num_text.
 */
static int
plain_text(const char *s, struct buf *out)
{
	const char *p = s, *int0, *dot = NULL, *end;
	int sig = 0, lead = 1;

	if (*p == '-')
		p++;
	int0 = p;
	for (; *p != '\0'; p++) {
		if (*p == '.' && dot == NULL)
			dot = p;
		else if (*p < '0' || *p > '9')
			return -1;
		else if (*p != '0' || !lead) {
			lead = 0;
			sig++;
		}
	}
	if (p == int0 || sig > 15 || (dot != NULL && (dot == int0 ||
	    dot[1] == '\0')))
		return -1;
	end = p;
	if (dot != NULL) {
		while (end[-1] == '0')
			end--;
		if (end[-1] == '.')
			end--;
	} else
		dot = end;
	while (int0 < dot - 1 && *int0 == '0')
		int0++;
	if (sig > 0 && *s == '-')
		buf_addc(out, '-');
	buf_add(out, int0, (size_t)(end - int0));
	return 0;
}

/* A date serial as "YYYY-MM-DD[ HH:MM:SS]" into out; 0 or -1. */
static int
date_text(const struct xlsxr *x, double d, int kind, struct buf *out,
    const char **why)
{
	int64_t days, secs, z;
	int y, m, dd;

	if (!(d >= 0 && d < SERIAL_MAX)) {
		*why = "%s is not a day the workbook can hold";
		return -1;
	}
	days = (int64_t)floor(d);
	secs = llround((d - (double)days) * DAY_SECS);
	if (secs == DAY_SECS) {
		days++;
		secs = 0;
	}
	if (x->date1904)
		z = days_from_civil(1904, 1, 1) + days;
	else if (days == 60) {
		*why = "%s is 1900-02-29, a day that does not exist (the "
		    "1900 date system's leap year bug)";
		return -1;
	} else if (days < 60)
		z = days_from_civil(1899, 12, 31) + days;
	else
		z = days_from_civil(1899, 12, 30) + days;
	civil_from_days(z, &y, &m, &dd);
	buf_printf(out, "%04d-%02d-%02d", y, m, dd);
	if (secs != 0 || (kind & ST_TIME))
		buf_printf(out, " %02d:%02d:%02d", (int)(secs / 3600),
		    (int)(secs / 60 % 60), (int)(secs % 60));
	return 0;
}

static void XMLCALL
sh_start(void *ud, const char *el, const char **a)
{
	struct xlsxr *x = ud;
	const char *n = lname(el), *v, *p;
	long col, k;

	if (n[0] == 'c' && n[1] == '\0') {
		col = 0;
		if ((v = attr(a, "r")) != NULL) {
			for (p = v; *p >= 'A' && *p <= 'Z' && col <= MAXCOL;
			    p++)
				col = col * 26 + (*p - 'A' + 1);
		} else
			col = x->col + 1;
		if (col < 1 || col > MAXCOL) {
			x->col = 1;
			cell_fail(x, "'%s' is not a cell reference",
			    v != NULL ? v : "");
			return;
		}
		if (col <= (long)*x->nf) {
			x->col = col;
			cell_fail(x, "%s", "a cell out of order in its row");
			return;
		}
		x->col = col;
		v = attr(a, "t");
		x->type = v == NULL ? 'n' : strcmp(v, "inlineStr") == 0 ? 'i' :
		    strcmp(v, "str") == 0 ? 'i' : v[0];
		x->style = 0;
		if ((v = attr(a, "s")) != NULL) {
			k = strtol(v, NULL, 10);
			if (k >= 0 && (size_t)k < x->nxf)
				x->style = x->xf[k];
		}
		buf_reset(&x->val);
	} else if (n[0] == 'v' && n[1] == '\0') {
		x->in_v = 1;
	} else if (strcmp(n, "is") == 0) {
		x->in_is = 1;
	} else if (strcmp(n, "rPh") == 0) {
		x->in_rph = 1;
	} else if (n[0] == 't' && n[1] == '\0' && x->in_is && !x->in_rph) {
		x->depth_t = 1;
	} else if (strcmp(n, "row") == 0) {
		if ((v = attr(a, "r")) != NULL)
			x->row = strtol(v, NULL, 10);
		else
			x->row = x->lastrow + 1;
		x->lastrow = x->row;
		x->col = 0;
	}
}

/* Turns the collected value of a cell into a field. */
static void
end_cell(struct xlsxr *x)
{
	struct buf *t = &x->val;
	struct buf o = { 0 };
	const char *why;
	char *e;
	double d;
	unsigned long k;

	if (t->len == 0)
		return;			/* an empty cell: an empty field */
	buf_addc(t, '\0');
	t->len--;
	switch (x->type) {
	case 's':
		errno = 0;
		k = strtoul(t->s, &e, 10);
		if (*e != '\0' || errno != 0 || k >= x->nsst) {
			buf_reset(&o);
			buf_printf(&o, "shared string %s is missing (the "
			    "workbook has %zu)", t->s, x->nsst);
			cell_fail(x, "%s", o.s);
			buf_free(&o);
			return;
		}
		while ((long)*x->nf < x->col - 1)
			add_field(x, "", 0);
		add_field(x, x->sst.s + x->sst_off[k], (k + 1 < x->nsst ?
		    x->sst_off[k + 1] : x->sst.len) - x->sst_off[k] - 1);
		return;
	case 'b':
		buf_adds(&o, strcmp(t->s, "0") == 0 ? "FALSE" : "TRUE");
		break;
	case 'n':
		if (!(x->style & ST_DATE) && plain_text(t->s, &o) == 0)
			break;
		d = strtod(t->s, &e);
		if (e == t->s || *e != '\0' || !isfinite(d)) {
			cell_fail(x, "'%s' is not a number", t->s);
			return;
		}
		if (x->style & ST_DATE) {
			if (date_text(x, d, x->style, &o, &why) != 0) {
				cell_fail(x, why, t->s);
				buf_free(&o);
				return;
			}
		} else if (num_text(d, &o) != 0) {
			cell_fail(x, "the number %s has more than 15 "
			    "significant digits, more than Excel keeps (an id "
			    "or a code? store it as text)", t->s);
			buf_free(&o);
			return;
		}
		break;
	default:			/* inline, formula, error, ISO date */
		while ((long)*x->nf < x->col - 1)
			add_field(x, "", 0);
		add_field(x, t->s, t->len);
		return;
	}
	while ((long)*x->nf < x->col - 1)
		add_field(x, "", 0);
	add_field(x, o.s, o.len);
	buf_free(&o);
}

static void XMLCALL
sh_end(void *ud, const char *el)
{
	struct xlsxr *x = ud;
	const char *n = lname(el);

	if (n[0] == 'v' && n[1] == '\0') {
		x->in_v = 0;
	} else if (n[0] == 't' && n[1] == '\0') {
		x->depth_t = 0;
	} else if (strcmp(n, "rPh") == 0) {
		x->in_rph = 0;
	} else if (strcmp(n, "is") == 0) {
		x->in_is = 0;
	} else if (n[0] == 'c' && n[1] == '\0') {
		end_cell(x);
	} else if (strcmp(n, "row") == 0) {
		x->rowdone = 1;
		XML_StopParser(x->p, XML_TRUE);
	}
}

/* Reads the styles and shared strings and opens the sheet. */
static int
load(struct xlsxr *x, struct buf *why)
{
	const char *path = x->sheets[x->cur].path;
	zip_stat_t zs;

	x->loaded = 1;
	if (parse_part(x, "xl/styles.xml", 0, st_start, st_end, NULL,
	    why) < 0 || parse_part(x, "xl/sharedStrings.xml", 0, sst_start,
	    sst_end, collect, why) < 0)
		return -1;
	zip_stat_init(&zs);
	if (zip_stat(x->zip, path, 0, &zs) != 0 ||
	    (x->zf = zip_fopen(x->zip, path, 0)) == NULL) {
		buf_printf(why, "sheet '%s': %s: %s", xlsxr_sheet(x), path,
		    zip_strerror(x->zip));
		return -1;
	}
	if (zs.valid & ZIP_STAT_SIZE)
		x->total = (off_t)zs.size;
	if ((x->p = XML_ParserCreate(NULL)) == NULL)
		errx(EXIT_DATA, "out of memory");
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, sh_start, sh_end);
	XML_SetCharacterDataHandler(x->p, collect);
	x->chunk = xmalloc(CHUNK);
	return 0;
}

int
xlsxr_next(struct xlsxr *x, struct buf *rec, size_t **off, size_t *offcap,
    size_t *nf, long *row, struct buf *why)
{
	enum XML_Status st;
	zip_int64_t n;
	size_t i;

	if (!x->loaded && load(x, why) != 0) {
		*row = 0;
		return -1;
	}
	if (x->p == NULL || x->eof)
		return 0;
	x->rec = rec;
	x->off = off;
	x->offcap = offcap;
	x->nf = nf;
	buf_reset(rec);
	*nf = 0;
	for (;;) {
		if (x->suspended)
			st = XML_ResumeParser(x->p);
		else {
			if ((n = zip_fread(x->zf, x->chunk, CHUNK)) < 0) {
				*row = x->row;
				buf_printf(why, "the workbook is damaged: "
				    "sheet '%s': %s", xlsxr_sheet(x),
				    zip_file_strerror(x->zf));
				return -1;
			}
			x->done += n;
			st = XML_Parse(x->p, x->chunk, (int)n, n == 0);
			if (n == 0 && st == XML_STATUS_OK)
				x->eof = 1;
		}
		if (st == XML_STATUS_ERROR) {
			*row = x->row;
			if (x->fail.len > 0)
				buf_adds(why, x->fail.s);
			else
				buf_printf(why, "sheet '%s' is not XML: line "
				    "%lu: %s", xlsxr_sheet(x), (unsigned long)
				    XML_GetCurrentLineNumber(x->p),
				    XML_ErrorString(XML_GetErrorCode(x->p)));
			x->eof = 1;
			return -1;
		}
		x->suspended = st == XML_STATUS_SUSPENDED;
		if (x->rowdone) {
			x->rowdone = 0;
			if (*nf == 0)
				continue;	/* a row of empty cells */
			break;
		}
		if (x->eof)
			return 0;
	}
	*row = x->row;
	if (x->hdroff == NULL) {		/* the header: keep its names */
		x->hdrn = *nf;
		x->hdroff = xmalloc(*nf * sizeof(*x->hdroff));
		memcpy(x->hdroff, *off, *nf * sizeof(*x->hdroff));
		buf_add(&x->hdr, rec->s, rec->len);
	}
	for (i = *nf; i < x->hdrn; i++)
		add_field(x, "", 0);
	return 1;
}

void
xlsxr_progress(const struct xlsxr *x, off_t *done, off_t *total)
{
	*done = x->done;
	*total = x->total;
}

void
xlsxr_close(struct xlsxr *x)
{
	size_t i;

	if (x == NULL)
		return;
	if (x->p != NULL)
		XML_ParserFree(x->p);
	if (x->zf != NULL)
		zip_fclose(x->zf);
	if (x->zip != NULL)
		zip_discard(x->zip);
	for (i = 0; i < x->nsheets; i++) {
		free(x->sheets[i].name);
		free(x->sheets[i].rid);
		free(x->sheets[i].path);
	}
	free(x->sheets);
	free(x->sst_off);
	free(x->xf);
	free(x->fmt);
	free(x->chunk);
	free(x->hdroff);
	buf_free(&x->sst);
	buf_free(&x->val);
	buf_free(&x->fail);
	buf_free(&x->hdr);
	free(x);
}
