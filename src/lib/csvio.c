/*
 * csvio.c: a record reader over libcsv that knows line numbers and
 * encodings, and a CSV/TSV writer.
 *
 * libcsv does not count lines, so the reader feeds it one physical line
 * at a time (as sqlite3's shell counts nLine and startLine) and notes the
 * line on which each record began.  Lines are converted to UTF-8 before
 * parsing: Big5 trail bytes never collide with the comma, the tab, the
 * quote or the newline, so splitting raw lines first is safe.
 *
 * A workbook (.xlsx: a zip, recognised by its first bytes, not its name)
 * is read through xlsxr.c instead: each row of its sheet is a record,
 * its row number the record's line, and the reader is named "file:sheet"
 * so messages say where.  A workbook on a pipe is first copied to a
 * temporary file (a zip is read from its end): disk holds it, not memory.
 */
#include <sys/stat.h>

#include <csv.h>
#include <err.h>
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <utf8proc.h>

#include "crm.h"
#include "xlsxr.h"

#define MAX_FIELD	(4 << 20)	/* bytes in one field, at most */
#define MAX_RECORD	(16 << 20)	/* bytes in one record, at most */
#define BLOCK		(64 << 10)	/* bytes read at a time; the first
					 * decides line ends and encoding */

struct csvr {
	FILE		*fp;		/* the input */
	char		*name;		/* file name, or "stdin" */
	struct csv_parser p;		/* libcsv state */
	char		*line;		/* current physical line */
	size_t		 linecap;	/* bytes allocated for line */
	char		*ibuf;		/* a block of input (BLOCK bytes) */
	size_t		 ipos, ilen;	/* read up to ipos, filled to ilen */
	int		 primed;	/* the first block is read */
	int		 eol;		/* the line end: LF, or CR */
	struct buf	 head;		/* the first block, till decided */
	int		 inq;		/* in quotes where the line began */
	size_t		 scan;		/* long line: bytes looked at */
	size_t		 run;		/* and since a delimiter */
	size_t		 fno;		/* the field they are in, from 0 */
	int		 sq;		/* in quotes there */
	size_t		 recbytes;	/* bytes of the record's lines */
	struct buf	 hdr;		/* the first record's fields, to name
					 * a field in a message */
	size_t		 hnf;		/* how many */
	int		 nrec;		/* records read, up to 1 */
	long		 lineno;	/* physical lines read so far */
	long		 recline;	/* line the current record began on */
	int		 inrec;		/* a record has begun, not yet ended */
	int		 done;		/* cb2 saw the end of a record */
	int		 eof;		/* no more input */
	struct buf	 rec;		/* fields of the record, NUL-separated */
	size_t		*off;		/* start of each field in rec */
	size_t		 nf;		/* fields in the record */
	size_t		 offcap;	/* entries allocated in off */
	struct buf	 err;		/* why csvr_next returned -1 */
	struct buf	 conv;		/* the line converted to UTF-8 */
	iconv_t		 cd;		/* converter, or (iconv_t)-1 for UTF-8 */
	uint32_t	*dbcs;		/* CP950 pair -> UTF-8, built from cd */
	int		 decided;	/* the encoding is known */
	char		 enc[32];	/* its name */
	off_t		 bytes;		/* bytes read */
	off_t		 size;		/* file size, -1 when unknown */
	int		 delim;		/* field separator, 0 until known */
	void		(*tap)(void *, const void *, size_t);
	void		*taparg;
	/* The record csvr_field and friends show: in rec, or in a batch
	 * read ahead (see csvr_read_ahead). */
	const char	*vdata;
	const size_t	*voff;
	size_t		 vnf;
	size_t		 vend;		/* where the last field's NUL ends */
	struct ahead	*ahead;		/* NULL: read in the caller's thread */
	/* Recognising the input, and a workbook's sheet. */
	char		 pre[4];	/* bytes read to recognise it, unread */
	size_t		 npre;
	char		*base;		/* the name without the sheet */
	struct xlsxr	*x;		/* a workbook, or NULL */
	int		 xbad;		/* a workbook that cannot be read */
	struct buf	 xwhy;		/* why */
	int		 xfd;		/* the workbook's bytes, for the tap */
};

static void dbcs_table(struct csvr *);
static void recognise(struct csvr *);
static struct csvr *csvr_fpopen(FILE *, const char *, int, const char *);

static void
on_field(void *s, size_t len, void *arg)
{
	struct csvr *r = arg;

	if (r->nf == r->offcap) {
		r->offcap = r->offcap ? r->offcap * 2 : 32;
		r->off = xrealloc(r->off, r->offcap * sizeof(*r->off));
	}
	r->off[r->nf++] = r->rec.len;
	buf_add(&r->rec, s, len);
	buf_addc(&r->rec, '\0');
}

static void
on_record(int c, void *arg)
{
	struct csvr *r = arg;

	(void)c;
	r->done = 1;
}

static int
is_term(unsigned char c)
{
	return c == '\n';
}

static int
is_space(unsigned char c)
{
	(void)c;
	return 0;			/* keep spaces; normalisation trims */
}

struct csvr *
csvr_open(const char *path, int delim, const char *encoding)
{
	FILE *fp;

	if (path == NULL || strcmp(path, "-") == 0)
		return csvr_fpopen(stdin, "stdin", delim, encoding);
	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	return csvr_fpopen(fp, path, delim, encoding);
}

struct csvr *
csvr_fdopen(int fd, const char *name, int delim, const char *encoding)
{
	FILE *fp;

	if ((fp = fdopen(fd, "r")) == NULL)
		return NULL;
	return csvr_fpopen(fp, name, delim, encoding);
}

/* Opens the reader on fp (taken, unless stdin), called name. */
static struct csvr *
csvr_fpopen(FILE *fp, const char *name, int delim, const char *encoding)
{
	struct csvr *r;
	struct stat sb;

	r = xmalloc(sizeof(*r));
	memset(r, 0, sizeof(*r));
	r->cd = (iconv_t)-1;
	r->size = -1;
	r->xfd = -1;
	r->fp = fp;
	r->name = xstrdup(name);
	if (fstat(fileno(r->fp), &sb) == 0 && S_ISREG(sb.st_mode))
		r->size = sb.st_size;
	r->base = xstrdup(r->name);
	if (!(fstat(fileno(r->fp), &sb) == 0 && S_ISDIR(sb.st_mode)))
		recognise(r);
	if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		csvr_close(r);
		errno = ENOMEM;
		return NULL;
	}
	r->delim = delim;
	if (delim != 0)
		csv_set_delim(&r->p, (unsigned char)delim);
	csv_set_term_func(&r->p, is_term);
	csv_set_space_func(&r->p, is_space);
	if (encoding == NULL || strcasecmp(encoding, "auto") == 0) {
		strcpy(r->enc, "UTF-8");
	} else if (strcasecmp(encoding, "UTF-8") == 0 ||
	    strcasecmp(encoding, "UTF8") == 0) {
		strcpy(r->enc, "UTF-8");
		r->decided = 1;
	} else {
		if ((r->cd = iconv_open("UTF-8", encoding)) == (iconv_t)-1) {
			csvr_close(r);
			errno = EINVAL;
			return NULL;
		}
		snprintf(r->enc, sizeof(r->enc), "%s", encoding);
		r->decided = 1;
		if (strcasecmp(encoding, "CP950") == 0 ||
		    strcasecmp(encoding, "BIG5") == 0)
			dbcs_table(r);
	}
	return r;
}

void
csvr_set_tap(struct csvr *r, void (*fn)(void *, const void *, size_t),
    void *arg)
{
	r->tap = fn;
	r->taparg = arg;
}

/* ==== Workbooks ==== */

/* Names the reader "file:sheet". */
static void
name_sheet(struct csvr *r)
{
	struct buf b = { 0 };

	buf_printf(&b, "%s:%s", r->base, xlsxr_sheet(r->x));
	free(r->name);
	r->name = b.s;
}

/* Opens the workbook in fd (taken). */
static void
open_book(struct csvr *r, int fd)
{
	r->xfd = dup(fd);
	strcpy(r->enc, "UTF-8");
	r->decided = 1;
	if ((r->x = xlsxr_open(fd, &r->xwhy)) == NULL) {
		r->xbad = 1;
		return;
	}
	name_sheet(r);
}

/*
 * Copies the rest of fp, after the npre bytes in pre already read from
 * it, to an unlinked temporary file in $TMPDIR (mkstemp: mode 0600), and
 * returns its descriptor at offset 0; or -1 with *why set.  With
 * upto_nul, the copy ends after the first NUL byte: text holding one is
 * refused at that line by the reader, so nothing is kept past it.
 */
int
csvr_spool(FILE *fp, const char *pre, size_t npre, int upto_nul,
    struct buf *why)
{
	const char *dir = getenv("TMPDIR");
	struct buf path = { 0 };
	char b[1 << 16], *z;
	size_t n;
	int fd;

	buf_printf(&path, "%s/crm-spool.XXXXXX", dir != NULL && *dir != '\0' ?
	    dir : "/tmp");
	fd = mkstemp(path.s);
	if (fd >= 0)
		unlink(path.s);
	buf_free(&path);
	if (fd < 0)
		goto fail;
	n = npre;
	memcpy(b, pre, n);
	do {
		if (upto_nul && (z = memchr(b, '\0', n)) != NULL)
			n = (size_t)(z - b) + 1;
		if (n > 0 && write(fd, b, n) != (ssize_t)n)
			goto fail;
		if (upto_nul && z != NULL)
			break;
	} while ((n = fread(b, 1, sizeof(b), fp)) > 0);
	if (ferror(fp) || lseek(fd, 0, SEEK_SET) != 0)
		goto fail;
	return fd;
fail:
	buf_printf(why, "cannot keep the input in a temporary file: %s",
	    strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/*
 * Recognises a workbook by its first bytes (a zip's "PK\3\4").  A file
 * is read again from its start; the bytes read from a pipe are kept in
 * r->pre for the first line.
 */
static void
recognise(struct csvr *r)
{
	off_t at = ftello(r->fp);
	int fd;

	r->npre = fread(r->pre, 1, sizeof(r->pre), r->fp);
	if (at >= 0 && fseeko(r->fp, at, SEEK_SET) == 0) {
		if (r->npre == 4 && memcmp(r->pre, "PK\003\004", 4) == 0) {
			if ((fd = dup(fileno(r->fp))) < 0 ||
			    lseek(fd, 0, SEEK_SET) != 0) {
				r->xbad = 1;
				buf_printf(&r->xwhy, "%s", strerror(errno));
				return;
			}
			open_book(r, fd);
		}
		r->npre = 0;
		return;
	}
	clearerr(r->fp);
	if (r->npre == 4 && memcmp(r->pre, "PK\003\004", 4) == 0) {
		fd = csvr_spool(r->fp, r->pre, r->npre, 0, &r->xwhy);
		r->npre = 0;
		if (fd < 0) {
			r->xbad = 1;
			strcpy(r->enc, "UTF-8");
			return;
		}
		open_book(r, fd);
	}
}

int
csvr_set_sheet(struct csvr *r, const char *sheet)
{
	if (r->x == NULL)
		return r->xbad ? -1 : 0;
	if (xlsxr_select(r->x, sheet, &r->xwhy) != 0) {
		r->xbad = 1;
		free(r->name);
		r->name = xstrdup(r->base);
		buf_reset(&r->err);
		buf_adds(&r->err, r->xwhy.s);
		return -1;
	}
	name_sheet(r);
	return 0;
}

/* Feeds the whole workbook to the tap, once. */
static int
tap_book(struct csvr *r)
{
	char b[1 << 16];
	ssize_t n;
	off_t at = 0;

	while ((n = pread(r->xfd, b, sizeof(b), at)) > 0) {
		r->tap(r->taparg, b, (size_t)n);
		at += n;
	}
	close(r->xfd);
	r->xfd = -1;
	if (n < 0) {
		buf_printf(&r->err, "%s", strerror(errno));
		return -1;
	}
	return 0;
}

/* read_record for a workbook: its next row. */
static int
read_row(struct csvr *r)
{
	off_t done, total;
	int rc;

	if (r->xbad) {
		r->recline = 0;
		buf_adds(&r->err, r->xwhy.s != NULL ? r->xwhy.s : "");
		return -1;
	}
	if (r->tap != NULL && r->xfd >= 0 && tap_book(r) != 0)
		return -1;
	rc = xlsxr_next(r->x, &r->rec, &r->off, &r->offcap, &r->nf,
	    &r->recline, &r->err);
	r->lineno = r->recline;
	xlsxr_progress(r->x, &done, &total);
	if (total > 0 && r->size > 0)
		r->bytes = (off_t)((double)r->size * (double)done /
		    (double)total);
	return rc;
}

/*
 * Big5 text converts a pair of bytes at a time, so a table of every pair,
 * filled from iconv once, converts it without iconv's per-call cost.
 * Each entry holds up to three UTF-8 bytes and their count in the top
 * byte; 0 means "ask iconv", which then reports what is wrong.
 */
static void
dbcs_table(struct csvr *r)
{
	char in[2], outb[8], *ip, *op;
	size_t il, ol, k;
	unsigned lead, trail;
	uint32_t v;

	r->dbcs = xmalloc(65536 * sizeof(*r->dbcs));
	memset(r->dbcs, 0, 65536 * sizeof(*r->dbcs));
	for (lead = 0x81; lead <= 0xfe; lead++)
		for (trail = 0x40; trail <= 0xfe; trail++) {
			in[0] = (char)lead;
			in[1] = (char)trail;
			ip = in;
			il = 2;
			op = outb;
			ol = sizeof(outb);
			iconv(r->cd, NULL, NULL, NULL, NULL);
			if (iconv(r->cd, &ip, &il, &op, &ol) == (size_t)-1 ||
			    il != 0 || (k = sizeof(outb) - ol) == 0 || k > 3)
				continue;
			v = (uint32_t)k << 24;
			while (k-- > 0)
				v |= (uint32_t)(unsigned char)outb[k] << (8 * k);
			r->dbcs[lead << 8 | trail] = v;
		}
}

/* Converts with the table; returns 0, or -1 when a pair is not in it. */
static int
convert_dbcs(struct csvr *r, const char *line, size_t n)
{
	const unsigned char *s = (const unsigned char *)line, *e = s + n;
	uint32_t v;
	char *o;

	buf_reset(&r->conv);
	if (r->conv.cap < n * 2 + 1) {
		r->conv.cap = n * 2 + 64;
		r->conv.s = xrealloc(r->conv.s, r->conv.cap);
	}
	o = r->conv.s;
	while (s < e) {
		if (*s < 0x80) {
			*o++ = (char)*s++;
			continue;
		}
		if (e - s < 2 || (v = r->dbcs[s[0] << 8 | s[1]]) == 0)
			return -1;
		o[0] = (char)(v & 0xff);
		o[1] = (char)(v >> 8 & 0xff);
		o[2] = (char)(v >> 16 & 0xff);
		o += v >> 24;
		s += 2;
	}
	*o = '\0';
	r->conv.len = (size_t)(o - r->conv.s);
	return 0;
}

/*
 * Converts line (n bytes) to UTF-8 in r->conv.  Returns 0, or -1 with
 * the byte offset of the first bad sequence in *bad.
 */
static int
convert(struct csvr *r, char *line, size_t n, size_t *bad)
{
	char *in = line, *out;
	size_t inleft = n, outleft;

	buf_reset(&r->conv);
	iconv(r->cd, NULL, NULL, NULL, NULL);
	while (inleft > 0) {
		if (r->conv.cap - r->conv.len < inleft * 2 + 8) {
			r->conv.cap = r->conv.len + inleft * 2 + 64;
			r->conv.s = xrealloc(r->conv.s, r->conv.cap);
		}
		out = r->conv.s + r->conv.len;
		outleft = r->conv.cap - r->conv.len - 1;
		if (iconv(r->cd, &in, &inleft, &out, &outleft) == (size_t)-1 &&
		    errno != E2BIG) {
			*bad = (size_t)(in - line);
			return -1;
		}
		r->conv.len = (size_t)(out - r->conv.s);
	}
	r->conv.s[r->conv.len] = '\0';
	return 0;
}

static int
has_high(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 1;
	return 0;
}

/*
 * Looks at the first line for things that are not text at all, so the
 * user hears what the file is rather than a parse error at line 1.
 */
static int
sniff(struct csvr *r, const char *s, size_t n)
{
	if (n >= 4 && memcmp(s, "\320\317\021\340", 4) == 0) {
		buf_printf(&r->err, "this is an Excel 97 spreadsheet (.xls), "
		    "not CSV; convert it first, e.g. with 'libreoffice "
		    "--headless --convert-to xlsx %s', or save it as .xlsx "
		    "or CSV", r->name);
		return -1;
	}
	return 0;
}

/*
 * Whether the bytes above 0x7f of s could as well be Latin-1 text: each
 * an accented letter (0xc0 to 0xff, but for the signs for times and
 * division) with ASCII on both sides, as in "Ren\xe9e" or "M\xfcller".
 * Such a byte and the ASCII letter after it also make a Big5 pair (a
 * trail byte may be 0x40 to 0x7e), but Chinese text comes in runs of
 * high bytes, and its common characters lead with 0xa4 to 0xc6.
 */
static int
latin1_like(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < n; i++) {
		if (u[i] < 0x80)
			continue;
		if (u[i] < 0xc0 || u[i] == 0xd7 || u[i] == 0xf7)
			return 0;
		if (i + 1 < n && u[i + 1] >= 0x80)
			return 0;
	}
	return 1;
}

/*
 * The length of the lines of s (n bytes) that are valid UTF-8, up to the
 * first that is not.
 */
static size_t
utf8_lines(const char *s, size_t n, int eol)
{
	const char *p = s, *e = s + n, *q;

	while (p < e) {
		q = memchr(p, eol, (size_t)(e - p));
		q = q != NULL ? q + 1 : e;
		if (!utf8_valid(p, (size_t)(q - p)))
			break;
		p = q;
	}
	return (size_t)(p - s);
}

/*
 * Decides the encoding when line, the first with bytes above 0x7f, is
 * fed.  It looks at the first block of the file (BLOCK bytes, many lines),
 * or at the line when the block had none: UTF-8 when the lines before the
 * first that is not valid UTF-8 have bytes above 0x7f; else CP950 (Big5
 * as Excel writes it) when the lines before the first bad one convert,
 * unless they could as well be Latin-1, when it asks to be told.  A bad
 * line is reported when it is fed.  Returns 0, or -1 with r->err set.
 */
static int
decide(struct csvr *r, char *line, size_t n)
{
	size_t bad, len, linelen = n;
	const char *s = line, *q;

	if (!has_high(line, n))
		return 0;
	r->decided = 1;
	if (r->head.len > 0) {
		/* Its whole lines: a character never spans a line end. */
		s = r->head.s;
		n = r->head.len;
		if (n == BLOCK)
			n = (q = memrchr(s, r->eol, n)) != NULL ?
			    (size_t)(q - s) + 1 : 0;
		if (!has_high(s, n)) {
			s = line;
			n = linelen;
		}
	}
	if (has_high(s, utf8_lines(s, n, r->eol))) {
		buf_free(&r->head);
		return 0;
	}
	r->cd = iconv_open("UTF-8", "CP950");
	len = n;
	if (r->cd != (iconv_t)-1 && s != line &&
	    convert(r, (char *)s, len, &bad) != 0) {
		/* Judged by the lines before the first bad one, which is
		 * reported when it is fed. */
		for (len = bad; len > 0 && s[len - 1] != r->eol; len--)
			;
		if (!has_high(s, len)) {
			s = line;
			len = linelen;
		}
	}
	if (r->cd != (iconv_t)-1 && convert(r, (char *)s, len, &bad) == 0) {
		if (latin1_like(s, len)) {
			buf_free(&r->head);
			iconv_close(r->cd);
			r->cd = (iconv_t)-1;
			buf_printf(&r->err, "text could be Big5 or Latin-1; "
			    "name it with --encoding big5 or --encoding "
			    "latin1");
			return -1;
		}
		buf_free(&r->head);
		strcpy(r->enc, "CP950");
		dbcs_table(r);
		return 0;
	}
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	r->cd = (iconv_t)-1;
	if (latin1_like(s, len))
		buf_printf(&r->err, "text is neither UTF-8 nor Big5 (CP950) "
		    "and looks like Latin-1; name it with --encoding latin1");
	else
		buf_printf(&r->err, "text is neither UTF-8 nor Big5 (CP950); "
		    "name the encoding with --encoding (see iconv -l)");
	buf_free(&r->head);
	return -1;
}

/*
 * Says "field 'NAME': " for field i (from 0) in r->err, by the first
 * record (the header), or "field N: " when it has no such field.
 */
static void
field_err(struct csvr *r, size_t i)
{
	const char *h = r->hdr.s;
	size_t k;

	if (i >= r->hnf) {
		buf_printf(&r->err, "field %zu: ", i + 1);
		return;
	}
	for (k = 0; k < i; k++)
		h += strlen(h) + 1;
	buf_printf(&r->err, "field '%.60s': ", h);
}

/*
 * Splits a line without quotes into fields at the delimiter, as libcsv
 * would (it trims nothing and ends records at line feeds only), but
 * without a callback per byte: most lines of an export have no quotes.
 */
static void
split_plain(struct csvr *r, const char *s, size_t n)
{
	char *p, *e, *d;

	buf_add(&r->rec, s, n);		/* one copy; delimiters become NULs */
	buf_addc(&r->rec, '\0');
	p = r->rec.s;
	e = p + n;
	for (;;) {
		if (r->nf == r->offcap) {
			r->offcap = r->offcap ? r->offcap * 2 : 32;
			r->off = xrealloc(r->off, r->offcap * sizeof(*r->off));
		}
		r->off[r->nf++] = (size_t)(p - r->rec.s);
		if ((d = memchr(p, r->delim, (size_t)(e - p))) == NULL)
			break;
		*d = '\0';
		p = d + 1;
	}
	r->done = 1;
}

/*
 * Feeds one physical line (ending in a line feed); first says it begins a
 * record.  Returns 0, or -1 with r->err set.
 */
static int
feed(struct csvr *r, char *line, size_t n, int first)
{
	size_t bad;
	const char *s = line;

	if (memchr(line, '\0', n) != NULL) {
		r->recline = r->lineno;
		buf_printf(&r->err, "binary data (a NUL byte); "
		    "is this a CSV file?");
		return -1;
	}
	if (!r->decided && decide(r, line, n) != 0)
		return -1;
	if (r->cd != (iconv_t)-1) {
		if (r->dbcs != NULL && convert_dbcs(r, line, n) == 0)
			;
		else if (convert(r, line, n, &bad) != 0) {
			buf_printf(&r->err, "byte %zu is not valid %s; "
			    "try --encoding", bad + 1, r->enc);
			return -1;
		}
		s = r->conv.s;
		n = r->conv.len;
	}
	if (first && memchr(s, '"', n) == NULL) {
		split_plain(r, s, n - 1);
		return 0;
	}
	if (csv_parse(&r->p, s, n, on_field, on_record, r) != n) {
		buf_printf(&r->err, "malformed quoting (a quote inside an "
		    "unquoted field, or text after a closing quote)");
		return -1;
	}
	if (csv_get_buffer_size(&r->p) > MAX_FIELD) {
		field_err(r, r->nf);
		buf_printf(&r->err, "longer than %d bytes (an unterminated "
		    "quote?)", MAX_FIELD);
		return -1;
	}
	return 0;
}

/* ==== Lines ==== */

/* Reads the next block of input: 1, 0 at the end, -1 on a read error. */
static int
fill_block(struct csvr *r)
{
	size_t k = r->npre;	/* bytes read to recognise the input */

	if (r->ibuf == NULL)
		r->ibuf = xmalloc(BLOCK);
	r->ipos = 0;
	memcpy(r->ibuf, r->pre, k);
	r->npre = 0;
	r->ilen = k + fread(r->ibuf + k, 1, BLOCK - k, r->fp);
	if (r->ilen > 0)
		return 1;
	return ferror(r->fp) ? -1 : 0;
}

/*
 * Reads the first block, keeps it for decide(), and picks the line end:
 * a carriage return alone (old Mac files) when the block has one and no
 * line feed at all, else a line feed (with or without CR before it).  In
 * a file with line feeds, a lone CR inside a field is data.
 */
static int
prime(struct csvr *r)
{
	const char *cr;
	int rc;

	r->primed = 1;
	r->eol = '\n';
	if ((rc = fill_block(r)) <= 0)
		return rc;
	buf_add(&r->head, r->ibuf, r->ilen);
	cr = memchr(r->ibuf, '\r', r->ilen);
	if (cr != NULL && memchr(r->ibuf, '\n', r->ilen) == NULL &&
	    (cr + 1 < r->ibuf + r->ilen || r->ilen < BLOCK))
		r->eol = '\r';
	return 1;
}

/*
 * A line that has grown past MAX_FIELD bytes: looks at what came since
 * last time for a field that long, with the quotes as they go (a doubled
 * quote toggles twice).  Returns -1 with r->err set when there is one.
 */
static int
long_field(struct csvr *r, size_t n)
{
	const char *s = r->line;
	int d = r->delim;
	size_t i;

	for (i = r->scan; i < n; i++) {
		if (s[i] == '\n' || s[i] == '\r')
			continue;	/* the line's end */
		if (s[i] == '"')
			r->sq = !r->sq;
		else if (!r->sq && (d != 0 ? s[i] == d : s[i] == ',' ||
		    s[i] == '\t')) {
			r->fno++;
			r->run = 0;
			continue;
		}
		if (++r->run > MAX_FIELD) {
			r->recline = r->lineno + 1;
			field_err(r, r->fno);
			buf_printf(&r->err, "longer than %d bytes", MAX_FIELD);
			return -1;
		}
	}
	r->scan = n;
	return 0;
}

/*
 * Reads the next physical line into r->line, with its end (a line feed,
 * or the carriage return of a CR file), and one byte to spare; *np is its
 * length.  A NUL byte ends the line there (feed refuses it), so binary
 * input is not read on.  A field longer than MAX_FIELD bytes, or a record
 * longer than MAX_RECORD (room is what it has left), is refused before
 * it is read whole.  Returns 1, 0 at the end, -1 with r->err set.
 */
static int
read_line(struct csvr *r, size_t room, size_t *np)
{
	char *p, *e, *z;
	size_t n = 0, take;
	int rc;

	r->scan = r->run = 0;
	r->fno = r->nf;
	r->sq = r->inq;
	for (;;) {
		if (r->ipos == r->ilen) {
			rc = r->primed ? fill_block(r) : prime(r);
			if (rc < 0) {
				buf_printf(&r->err, "%s", strerror(errno));
				return -1;
			}
			if (rc == 0)
				break;
		}
		p = r->ibuf + r->ipos;
		take = r->ilen - r->ipos;
		if ((e = memchr(p, r->eol, take)) != NULL)
			take = (size_t)(e - p) + 1;
		if ((z = memchr(p, '\0', take)) != NULL) {
			take = (size_t)(z - p) + 1;
			e = z;
		}
		if (n + take > room) {
			if (!r->inrec)
				r->recline = r->lineno + 1;
			buf_printf(&r->err, "record longer than %d bytes "
			    "(an unterminated quote?)", MAX_RECORD);
			return -1;
		}
		if (n + take + 2 > r->linecap) {
			r->linecap = (n + take + 2) * 2;
			r->line = xrealloc(r->line, r->linecap);
		}
		memcpy(r->line + n, p, take);
		n += take;
		r->ipos += take;
		if (n > MAX_FIELD && long_field(r, n) != 0)
			return -1;
		if (e != NULL)
			break;
	}
	*np = n;
	return n > 0;
}

/* Counts the quotes of s, to know whether the next line begins in them. */
static int
quotes_odd(const char *s, size_t n)
{
	const char *q, *e = s + n;
	int odd = 0;

	while ((q = memchr(s, '"', (size_t)(e - s))) != NULL) {
		odd = !odd;
		s = q + 1;
	}
	return odd;
}

/* Reads the next record into r->rec: 1, 0 at the end, -1 on error. */
static int
read_record(struct csvr *r)
{
	size_t len;
	char *s;
	int first, rc;

	buf_reset(&r->rec);
	buf_reset(&r->err);
	r->nf = 0;
	r->done = 0;
	r->inrec = 0;
	r->inq = 0;
	r->recbytes = 0;
	if (r->x != NULL || r->xbad)
		return read_row(r);
	while (!r->done) {
		if (r->eof)
			return 0;
		if ((rc = read_line(r, MAX_RECORD - r->recbytes, &len)) < 0)
			return -1;
		if (rc == 0) {
			r->eof = 1;
			if (csv_fini(&r->p, on_field, on_record, r) != 0) {
				if (!r->inrec)
					r->recline = r->lineno;
				buf_printf(&r->err, "unterminated quoted "
				    "field");
				return -1;
			}
			continue;
		}
		s = r->line;
		r->bytes += (off_t)len;
		r->recbytes += len;
		if (r->tap != NULL)
			r->tap(r->taparg, s, len);
		if (r->lineno++ == 0) {
			if (sniff(r, s, len) != 0) {
				r->recline = 1;
				return -1;
			}
			if (len >= 3 && memcmp(s, "\357\273\277", 3) == 0) {
				s += 3;
				len -= 3;
				r->decided = 1;
			}
			if (r->delim == 0) {
				r->delim = memchr(s, '\t', len) != NULL ?
				    '\t' : ',';
				csv_set_delim(&r->p, (unsigned char)r->delim);
			}
		}
		if (len > 0 && s[len - 1] == '\n')
			len--;
		if (len > 0 && s[len - 1] == '\r')
			len--;
		first = !r->inrec;
		if (first) {
			if (len == 0)
				continue;	/* blank lines between records */
			r->inrec = 1;
			r->recline = r->lineno;
		}
		if (r->inq || memchr(s, '"', len) != NULL)
			r->inq ^= quotes_odd(s, len);
		s[len] = '\n';
		if (feed(r, s, len + 1, first) != 0)
			return -1;
	}
	if (r->nrec++ == 0) {
		buf_add(&r->hdr, r->rec.s, r->rec.len);
		r->hnf = r->nf;
	}
	return 1;
}

size_t
csvr_nfields(const struct csvr *r)
{
	return r->vnf;
}

const char *
csvr_field(const struct csvr *r, size_t i)
{
	return i < r->vnf ? r->vdata + r->voff[i] : "";
}

size_t
csvr_fieldlen(const struct csvr *r, size_t i)
{
	if (i >= r->vnf)
		return 0;
	return (i + 1 < r->vnf ? r->voff[i + 1] : r->vend) - r->voff[i] - 1;
}

long
csvr_line(const struct csvr *r)
{
	return r->recline;
}

const char *
csvr_name(const struct csvr *r)
{
	return r->name;
}

const char *
csvr_error(const struct csvr *r)
{
	return r->err.s != NULL ? r->err.s : "";
}

const char *
csvr_encoding(const struct csvr *r)
{
	return r->enc;
}

off_t
csvr_bytes(const struct csvr *r)
{
	return r->bytes;
}

off_t
csvr_size(const struct csvr *r)
{
	return r->size;
}

/* ==== Reading ahead ==== */

/*
 * A thread reads, converts and splits records into a ring of batches
 * while the caller works on the ones before: the caller's work (an
 * import's normalising and storing) and the reading overlap.  The
 * records are the same, with the same line numbers and errors.
 */
#define NBATCH		4
#define BATCH_RECS	1024
#define BATCH_BYTES	(256 << 10)

struct batch {
	struct buf data;		/* fields, each ending in a NUL */
	size_t	*off;			/* start of each field in data */
	size_t	 noff, offcap;
	struct {
		long	line;
		off_t	bytes;		/* read up to the record's end */
		size_t	first, nf;	/* its fields in off */
		size_t	end;		/* its end in data */
	} rec[BATCH_RECS];
	size_t	 nrec;
	int	 end;			/* 0 more; 1 input ended; -1 error */
	off_t	 endbytes;		/* read when it ended */
	long	 errline;
	struct buf err;
	char	 enc[32];		/* the encoding as known by then */
};

struct ahead {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t filled, emptied;
	struct batch b[NBATCH];
	size_t	 head, count;		/* the oldest filled batch; how many */
	int	 stop;			/* the caller closed early */
	struct csvr *in;		/* the reader the thread runs */
	int	 have;			/* the caller holds b[head] */
	size_t	 pos;			/* its next record */
};

/* Reads records into b until it is full or the input ends. */
static void
fill(struct csvr *in, struct batch *b)
{
	size_t i;
	int rc;

	buf_reset(&b->data);
	b->noff = b->nrec = 0;
	while (b->nrec < BATCH_RECS && b->data.len < BATCH_BYTES) {
		if ((rc = read_record(in)) <= 0) {
			b->end = rc == 0 ? 1 : -1;
			b->endbytes = in->bytes;
			b->errline = in->recline;
			buf_reset(&b->err);
			buf_adds(&b->err, in->err.s != NULL ? in->err.s : "");
			break;
		}
		if (b->noff + in->nf > b->offcap) {
			b->offcap = (b->noff + in->nf) * 2;
			b->off = xrealloc(b->off, b->offcap * sizeof(*b->off));
		}
		b->rec[b->nrec].line = in->recline;
		b->rec[b->nrec].bytes = in->bytes;
		b->rec[b->nrec].first = b->noff;
		b->rec[b->nrec].nf = in->nf;
		for (i = 0; i < in->nf; i++)
			b->off[b->noff++] = b->data.len + in->off[i];
		buf_add(&b->data, in->rec.s != NULL ? in->rec.s : "",
		    in->rec.len);
		b->rec[b->nrec++].end = b->data.len;
	}
	memcpy(b->enc, in->enc, sizeof(b->enc));
}

static void *
ahead_run(void *arg)
{
	struct ahead *a = arg;
	struct batch *b;

	for (;;) {
		pthread_mutex_lock(&a->mu);
		while (a->count == NBATCH && !a->stop)
			pthread_cond_wait(&a->emptied, &a->mu);
		if (a->stop) {
			pthread_mutex_unlock(&a->mu);
			return NULL;
		}
		b = &a->b[(a->head + a->count) % NBATCH];
		pthread_mutex_unlock(&a->mu);
		fill(a->in, b);
		pthread_mutex_lock(&a->mu);
		a->count++;
		pthread_cond_signal(&a->filled);
		pthread_mutex_unlock(&a->mu);
		if (b->end != 0)
			return NULL;
	}
}

/* csvr_next for a reader that reads ahead. */
static int
ahead_next(struct csvr *r)
{
	struct ahead *a = r->ahead;
	struct batch *b;

	for (;;) {
		if (!a->have) {
			pthread_mutex_lock(&a->mu);
			while (a->count == 0)
				pthread_cond_wait(&a->filled, &a->mu);
			pthread_mutex_unlock(&a->mu);
			a->have = 1;
			a->pos = 0;
		}
		b = &a->b[a->head];
		memcpy(r->enc, b->enc, sizeof(r->enc));
		if (a->pos < b->nrec) {
			r->recline = b->rec[a->pos].line;
			r->bytes = b->rec[a->pos].bytes;
			r->vdata = b->data.s;
			r->voff = b->off + b->rec[a->pos].first;
			r->vnf = b->rec[a->pos].nf;
			r->vend = b->rec[a->pos].end;
			a->pos++;
			return 1;
		}
		if (b->end != 0) {		/* the last batch stays */
			r->vnf = 0;
			r->bytes = b->endbytes;
			r->recline = b->errline;
			buf_reset(&r->err);
			buf_adds(&r->err, b->err.s);
			return b->end == 1 ? 0 : -1;
		}
		pthread_mutex_lock(&a->mu);
		a->head = (a->head + 1) % NBATCH;
		a->count--;
		a->have = 0;
		pthread_cond_signal(&a->emptied);
		pthread_mutex_unlock(&a->mu);
	}
}

/*
 * Makes r read ahead in a thread, for a regular file (a pipe's writer
 * could keep an early close waiting).  Call it before the first
 * csvr_next; the tap, if any, is then called from that thread.  Returns
 * 0, or -1 when r goes on reading in the caller's thread.
 */
int
csvr_read_ahead(struct csvr *r)
{
	struct ahead *a;
	struct csvr *in;

	if (r->ahead != NULL || r->size < 0 || r->lineno > 0)
		return -1;
	a = xmalloc(sizeof(*a));
	memset(a, 0, sizeof(*a));
	in = xmalloc(sizeof(*in));
	*in = *r;			/* the thread's reader takes it all */
	in->name = xstrdup(r->name);
	in->base = xstrdup(r->base);
	a->in = in;
	r->x = NULL;			/* the thread's now */
	r->xfd = -1;
	memset(&r->xwhy, 0, sizeof(r->xwhy));
	r->fp = NULL;
	r->line = NULL;
	r->linecap = 0;
	r->ibuf = NULL;
	memset(&r->head, 0, sizeof(r->head));
	memset(&r->hdr, 0, sizeof(r->hdr));
	r->off = NULL;
	r->offcap = 0;
	memset(&r->rec, 0, sizeof(r->rec));
	memset(&r->err, 0, sizeof(r->err));
	memset(&r->conv, 0, sizeof(r->conv));
	r->cd = (iconv_t)-1;
	r->dbcs = NULL;
	if (csv_init(&r->p, 0) != 0 ||
	    pthread_mutex_init(&a->mu, NULL) != 0 ||
	    pthread_cond_init(&a->filled, NULL) != 0 ||
	    pthread_cond_init(&a->emptied, NULL) != 0)
		errx(EXIT_DATA, "out of memory");
	r->ahead = a;
	if (pthread_create(&a->thread, NULL, ahead_run, a) != 0)
		errx(EXIT_DATA, "cannot start a thread");
	return 0;
}

static void
ahead_close(struct ahead *a)
{
	size_t i;

	pthread_mutex_lock(&a->mu);
	a->stop = 1;
	pthread_cond_signal(&a->emptied);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thread, NULL);
	csvr_close(a->in);
	for (i = 0; i < NBATCH; i++) {
		buf_free(&a->b[i].data);
		buf_free(&a->b[i].err);
		free(a->b[i].off);
	}
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->filled);
	pthread_cond_destroy(&a->emptied);
	free(a);
}

int
csvr_next(struct csvr *r)
{
	int rc;

	if (r->ahead != NULL)
		return ahead_next(r);
	rc = read_record(r);
	r->vdata = r->rec.s;
	r->voff = r->off;
	r->vnf = rc == 1 ? r->nf : 0;
	r->vend = r->rec.len;
	return rc;
}

void
csvr_close(struct csvr *r)
{
	if (r == NULL)
		return;
	if (r->ahead != NULL)
		ahead_close(r->ahead);
	if (r->fp != NULL && r->fp != stdin)
		fclose(r->fp);
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	xlsxr_close(r->x);
	if (r->xfd >= 0)
		close(r->xfd);
	free(r->base);
	buf_free(&r->xwhy);
	free(r->dbcs);
	csv_free(&r->p);
	free(r->line);
	free(r->ibuf);
	buf_free(&r->head);
	buf_free(&r->hdr);
	free(r->off);
	free(r->name);
	buf_free(&r->rec);
	buf_free(&r->err);
	buf_free(&r->conv);
	free(r);
}

/* ==== Writing ==== */

/* Writes one field, quoted only when it holds the delimiter, a quote or
 * a line break (RFC 4180). */
void
csv_putn(FILE *fp, int delim, const char *s, size_t n)
{
	size_t i;
	int quote = 0;

	for (i = 0; i < n; i++)
		if (s[i] == delim || s[i] == '"' || s[i] == '\n' ||
		    s[i] == '\r') {
			quote = 1;
			break;
		}
	if (!quote) {
		fwrite(s, 1, n, fp);
		return;
	}
	putc('"', fp);
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			putc('"', fp);
		putc(s[i], fp);
	}
	putc('"', fp);
}

void
csv_put(FILE *fp, int delim, const char *s)
{
	csv_putn(fp, delim, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

void
csv_row(FILE *fp, int delim, const char *const *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			putc(delim, fp);
		csv_put(fp, delim, f[i]);
	}
	putc('\n', fp);
}

/* ==== Writing for spreadsheets and older tools ==== */

/*
 * A row is put together in UTF-8, then converted when CP950 is asked
 * for: a character CP950 cannot hold fails the whole row, before any of
 * it is written, and the message names the row and the column.
 */
struct csvw {
	FILE	*fp;
	int	 delim;
	int	 flags;
	long	 row;			/* rows written */
	struct buf line;		/* the row, UTF-8 */
	struct buf field;		/* one field, before quoting */
	size_t	*start;			/* where each field begins in line */
	size_t	 nf, cap;
	iconv_t	 cd;
	struct buf out;			/* the row converted */
	struct buf err;
};

struct csvw *
csvw_open(FILE *fp, int delim, int flags)
{
	struct csvw *w;

	w = xmalloc(sizeof(*w));
	memset(w, 0, sizeof(*w));
	w->fp = fp;
	w->delim = delim;
	w->flags = flags;
	w->cd = (iconv_t)-1;
	if ((flags & CSVW_CP950) &&
	    (w->cd = iconv_open("CP950", "UTF-8")) == (iconv_t)-1) {
		free(w);
		return NULL;
	}
	return w;
}

/* Digits alone, perhaps after a '+': an id, a phone or a code. */
static int
digits_only(const char *s)
{
	if (*s == '+')
		s++;
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

void
csvw_field(struct csvw *w, const char *s, int text)
{
	if (s == NULL)
		s = "";
	if (w->nf == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 32;
		w->start = xrealloc(w->start, w->cap * sizeof(*w->start));
	}
	if (w->nf > 0)
		buf_addc(&w->line, (char)w->delim);
	w->start[w->nf++] = w->line.len;
	buf_reset(&w->field);
	if ((w->flags & CSVW_EXCEL) && text && digits_only(s)) {
		/* Excel reads ="0912345678" as that text, zeros and all. */
		buf_printf(&w->field, "=\"%s\"", s);
	} else if ((w->flags & CSVW_EXCEL) && text &&
	    strchr("=+-@\t\r", *s) != NULL && *s != '\0') {
		/* A formula to Excel: made inert (OWASP, CSV injection). */
		buf_addc(&w->field, '\'');
		buf_adds(&w->field, s);
	} else
		buf_adds(&w->field, s);
	buf_add_field(&w->line, w->delim, w->field.s != NULL ?
	    w->field.s : "");
}

/* The field the byte at off of the row is in, from 1. */
static size_t
field_at(const struct csvw *w, size_t off)
{
	size_t i;

	for (i = w->nf; i > 1; i--)
		if (w->start[i - 1] <= off)
			break;
	return i;
}

int
csvw_endrow(struct csvw *w)
{
	const char *eol = (w->flags & CSVW_EXCEL) ? "\r\n" : "\n";
	char *in, *o;
	size_t il, ol, at;
	utf8proc_int32_t c;
	int rc = 0;

	w->row++;
	if (w->row == 1 && (w->flags & CSVW_EXCEL) && w->cd == (iconv_t)-1)
		fputs("\357\273\277", w->fp);	/* UTF-8, says the BOM */
	if (w->cd == (iconv_t)-1) {
		fwrite(w->line.s != NULL ? w->line.s : "", 1, w->line.len,
		    w->fp);
		fputs(eol, w->fp);
		goto done;
	}
	buf_reset(&w->out);
	if (w->out.cap < w->line.len * 2 + 8) {
		w->out.cap = w->line.len * 2 + 8;
		w->out.s = xrealloc(w->out.s, w->out.cap);
	}
	in = w->line.s != NULL ? w->line.s : "";
	il = w->line.len;
	o = w->out.s;
	ol = w->out.cap;
	iconv(w->cd, NULL, NULL, NULL, NULL);
	if (il > 0 && iconv(w->cd, &in, &il, &o, &ol) == (size_t)-1) {
		at = (size_t)(in - w->line.s);
		if (utf8proc_iterate((const utf8proc_uint8_t *)w->line.s + at,
		    (utf8proc_ssize_t)(w->line.len - at), &c) <= 0)
			c = (unsigned char)w->line.s[at];
		buf_reset(&w->err);
		buf_printf(&w->err, "row %ld, column %zu: U+%04X has no Big5 "
		    "(CP950) form; write UTF-8 (--encoding utf-8) or --xlsx",
		    w->row, field_at(w, at), (unsigned)c);
		w->row--;
		rc = -1;
		goto done;
	}
	fwrite(w->out.s, 1, (size_t)(o - w->out.s), w->fp);
	fputs(eol, w->fp);
done:
	buf_reset(&w->line);
	w->nf = 0;
	return rc;
}

const char *
csvw_error(const struct csvw *w)
{
	return w->err.s != NULL ? w->err.s : "";
}

void
csvw_close(struct csvw *w)
{
	if (w == NULL)
		return;
	if (w->cd != (iconv_t)-1)
		iconv_close(w->cd);
	buf_free(&w->line);
	buf_free(&w->field);
	buf_free(&w->out);
	buf_free(&w->err);
	free(w->start);
	free(w);
}
