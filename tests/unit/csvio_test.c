/*
 * csvio_test.c: the record reader on small files written to a temporary
 * directory (quoting, line ends, blank lines, the line a record began on,
 * delimiters, BOM and Big5 detection, and the errors it must give), and
 * the writer's quoting.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"
#include "unit.h"

static char dir[] = "/tmp/csvio_test.XXXXXX";
static char path[256];
static struct buf res;
static char enc[32];
static long nrec;
static int ahead;		/* read files ahead, in a thread */

/* Writes n bytes to the file name in the temporary directory. */
static const char *
put(const char *name, const void *data, size_t n)
{
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL || fwrite(data, 1, n, fp) != n ||
	    fclose(fp) != 0) {
		perror(path);
		exit(1);
	}
	return path;
}

/*
 * Reads the file at p and returns its records as "LINE:f1|f2|...\n",
 * with a newline inside a field shown as "\n"; an error ends the list as
 * "LINE:error: MESSAGE\n".  Leaves the encoding in enc and the record
 * count in nrec.
 */
static const char *
readpath(const char *p, int delim, const char *encoding)
{
	struct csvr *r;
	const char *f;
	size_t i, j;
	int rc;

	buf_reset(&res);
	buf_adds(&res, "");
	nrec = 0;
	if ((r = csvr_open(p, delim, encoding)) == NULL) {
		buf_printf(&res, "open: %s", strerror(errno));
		return res.s;
	}
	if (ahead && csvr_read_ahead(r) != 0)
		buf_adds(&res, "(NOT AHEAD)");
	while ((rc = csvr_next(r)) == 1) {
		nrec++;
		buf_printf(&res, "%ld:", csvr_line(r));
		for (i = 0; i < csvr_nfields(r); i++) {
			if (i > 0)
				buf_addc(&res, '|');
			f = csvr_field(r, i);
			if (strlen(f) != csvr_fieldlen(r, i))
				buf_adds(&res, "(BAD LENGTH)");
			for (j = 0; f[j] != '\0'; j++)
				if (f[j] == '\n')
					buf_adds(&res, "\\n");
				else
					buf_addc(&res, f[j]);
		}
		buf_addc(&res, '\n');
	}
	if (rc < 0)
		buf_printf(&res, "%ld:error: %s\n", csvr_line(r),
		    csvr_error(r));
	snprintf(enc, sizeof(enc), "%s", csvr_encoding(r));
	csvr_close(r);
	return res.s;
}

#define READ(name, lit, delim)						\
	readpath(put(name, lit, sizeof(lit) - 1), delim, NULL)

/* Whether the reader's error for the file contains want. */
static int
error_has(const char *got, const char *want)
{
	return strstr(got, ":error: ") != NULL && strstr(got, want) != NULL;
}

static void
test_basic(void)
{
	CHECK_STR(READ("plain.csv", "a,b,c\n1,2,3\n", ','),
	    "1:a|b|c\n2:1|2|3\n");
	CHECK_STR(enc, "UTF-8");
	/* No newline at the end of the last line. */
	CHECK_STR(READ("noeol.csv", "a,b\n1,2", ','), "1:a|b\n2:1|2\n");
	/* Empty fields, and spaces kept as they are. */
	CHECK_STR(READ("empty.csv", ",,\n a , b \n", ','), "1:||\n2: a | b \n");
	/* An empty file, and one with nothing but a BOM and blank lines. */
	CHECK_STR(READ("nothing.csv", "", ','), "");
	CHECK_STR(READ("bomonly.csv", "\xef\xbb\xbf\n\n", 0), "");
	CHECK_INT(nrec, 0);
}

static void
test_quoting(void)
{
	CHECK_STR(READ("quoted.csv",
	    "id,note\n"
	    "1,\"x, y\"\n"
	    "2,\"line1\nline2\"\n"
	    "3,\"say \"\"hi\"\"\"\n"
	    "4,\"\"\n"
	    "\"5\",\"a\"\"\"\n", ','),
	    "1:id|note\n"
	    "2:1|x, y\n"
	    "3:2|line1\\nline2\n"
	    "5:3|say \"hi\"\n"
	    "6:4|\n"
	    "7:5|a\"\n");
	/* A quoted field may hold blank lines and only a newline. */
	CHECK_STR(READ("blankin.csv", "\"a\n\n\nb\",\"\n\"\nz,z\n", ','),
	    "1:a\\n\\n\\nb|\\n\n6:z|z\n");
}

static void
test_lines(void)
{
	/* CRLF line ends; inside a quoted field a CRLF becomes a LF. */
	CHECK_STR(READ("crlf.csv", "a,b\r\n1,\"x\r\ny\"\r\n2,3\r\n", ','),
	    "1:a|b\n2:1|x\\ny\n4:2|3\n");
	/* Blank lines between records are skipped, and counted. */
	CHECK_STR(READ("blank.csv", "a,b\n\n\n1,2\n\r\n3,4\n\n", ','),
	    "1:a|b\n4:1|2\n6:3|4\n");
	CHECK_INT(nrec, 3);
	/* A record spanning lines is reported at the line it began on. */
	CHECK_STR(READ("multi.csv",
	    "h1,h2\n\"a\nb\nc\",x\nnext,y\n\n\"p\n\nq\",r\nlast,z\n", ','),
	    "1:h1|h2\n2:a\\nb\\nc|x\n5:next|y\n7:p\\n\\nq|r\n10:last|z\n");
}

static void
test_delims(void)
{
	CHECK_STR(READ("tab.tsv", "a\tb\n1,5\t2\n", '\t'),
	    "1:a|b\n2:1,5|2\n");
	CHECK_STR(READ("tabq.tsv", "a\t\"b\tc\"\n", '\t'), "1:a|b\tc\n");
	CHECK_STR(READ("semi.csv", "a;b,c\n", ';'), "1:a|b,c\n");
	/* delim 0: a tab on the first line means TSV, else CSV. */
	CHECK_STR(READ("auto1.tsv", "a\tb,c\n1\t2\n", 0), "1:a|b,c\n2:1|2\n");
	CHECK_STR(READ("auto2.csv", "a,b\n1\t2,3\n", 0), "1:a|b\n2:1\t2|3\n");
	CHECK_STR(READ("auto3.tsv", "\xef\xbb\xbf" "id\tname\n1\tx\n", 0),
	    "1:id|name\n2:1|x\n");
}

static void
test_bom(void)
{
	/* The BOM is not part of the first field. */
	CHECK_STR(READ("bom.csv", "\xef\xbb\xbfid,name\n1,\xe7\x8e\x8b\n", 0),
	    "1:id|name\n2:1|\xe7\x8e\x8b\n");
	CHECK_STR(enc, "UTF-8");
	CHECK_STR(READ("bomq.csv", "\xef\xbb\xbf\"id\",x\n", ','),
	    "1:id|x\n");
}

static void
test_big5(void)
{
	/*
	 * "id,name,city\n1,王小明,台北\n2,"許功蓋",x\n" as written by
	 * `iconv -f UTF-8 -t CP950`: 王小明 is a4 fd a4 70 a9 fa, 台北 is
	 * a5 78 a5 5f, and 許功蓋 (b3 5c a5 5c bb 5c) has a backslash for
	 * each trail byte.
	 */
	static const char big5[] = "id,name,city\n"
	    "1,\xa4\xfd\xa4\x70\xa9\xfa,\xa5\x78\xa5\x5f\n"
	    "2,\"\xb3\x5c\xa5\x5c\xbb\x5c\",x\n";
	static const char utf8[] = "1:id|name|city\n"
	    "2:1|\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e|\xe5\x8f\xb0\xe5\x8c\x97\n"
	    "3:2|\xe8\xa8\xb1\xe5\x8a\x9f\xe8\x93\x8b|x\n";

	CHECK_STR(READ("big5.csv", big5, 0), utf8);
	CHECK_STR(enc, "CP950");
	/* Named rather than guessed. */
	CHECK_STR(readpath(put("big5n.csv", big5, sizeof(big5) - 1), 0,
	    "CP950"), utf8);
	CHECK_STR(enc, "CP950");
	/* UTF-8 named: the Big5 bytes come through as they are. */
	CHECK_STR(readpath(path, ',', "UTF-8"), "1:id|name|city\n"
	    "2:1|\xa4\xfd\xa4\x70\xa9\xfa|\xa5\x78\xa5\x5f\n"
	    "3:2|\xb3\x5c\xa5\x5c\xbb\x5c|x\n");
	/* Bytes that are neither UTF-8 nor Big5. */
	CHECK(error_has(READ("neither.csv", "a,b\n1,\xff\xff\n", ','),
	    "neither UTF-8 nor Big5"));
	CHECK_STR(strchr(res.s, '\n') + 1, "2:error: text is neither UTF-8 "
	    "nor Big5 (CP950); name the encoding with --encoding "
	    "(see iconv -l)\n");
	/* A Big5 file with a bad byte on a later line. */
	CHECK(error_has(READ("big5bad.csv", "\xa4\xfd\n\xa4\n", ','),
	    "byte 1 is not valid CP950"));
	/* An encoding iconv does not know. */
	CHECK_STR(readpath(path, ',', "NO-SUCH-CODESET-9"),
	    "open: Invalid argument");
}

static void
test_errors(void)
{
	const char *got;

	/* An unterminated quote at the end, reported where it began. */
	got = READ("unterm.csv", "a,b\n1,\"open\nmore\n", ',');
	CHECK(error_has(got, "unterminated quoted field"));
	CHECK(strncmp(got, "1:a|b\n2:error:", 14) == 0);
	got = READ("unterm1.csv", "\"", ',');
	CHECK(strncmp(got, "1:error: unterminated", 21) == 0);
	/* A quote inside an unquoted field, text after a closing quote. */
	got = READ("inner.csv", "a,b\n1,x\"y\n", ',');
	CHECK(strncmp(got, "1:a|b\n2:error: malformed quoting", 32) == 0);
	got = READ("after.csv", "a,b\n\"x\"y,1\n", ',');
	CHECK(strncmp(got, "1:a|b\n2:error: malformed quoting", 32) == 0);
	/* A NUL byte means a binary file. */
	got = READ("nul.csv", "a,b\n1,\0\n", ',');
	CHECK(strncmp(got, "1:a|b\n2:error: binary data", 26) == 0);
	/* A zip is read as a workbook: a damaged one is named as one, before
	 * any row (line 0).  An Excel 97 file is refused, with what to do. */
	got = READ("sheet.xlsx", "PK\003\004\024\000\006\000\010\000", 0);
	CHECK(strncmp(got, "0:error: a damaged .xlsx (zip) file: Not a zip "
	    "archive", 53) == 0);
	got = READ("sheet.xls", "\320\317\021\340\241\261\032\341", 0);
	CHECK(strncmp(got, "1:error: this is an Excel 97", 28) == 0);
	CHECK(strstr(got, "save it as .xlsx or CSV") != NULL);
	/* A file that is not there. */
	snprintf(path, sizeof(path), "%s/missing.csv", dir);
	CHECK_STR(readpath(path, ',', NULL), "open: No such file or directory");
}

static void
tap(void *arg, const void *p, size_t n)
{
	sha256_update(arg, p, n);
}

static void
test_misc(void)
{
	struct csvr *r;
	struct sha256 c;
	struct buf b = { 0 };
	char hex[65];
	int i, ok;

	/* The tap sees every byte as read, and the sizes add up. */
	put("tap.csv", "id,name\n1,\xa4\xfd\n", 13);
	r = csvr_open(path, 0, NULL);
	CHECK(r != NULL);
	CHECK_INT(csvr_size(r), 13);
	sha256_init(&c);
	csvr_set_tap(r, tap, &c);
	while (csvr_next(r) == 1)
		;
	CHECK_INT(csvr_bytes(r), 13);
	sha256_hex(&c, hex);
	CHECK_STR(hex,
	    "225abbe261fef0d3def06db23a95b3fc2ca8fa5bb01acf34ba6cb7c9621ee0d9");
	CHECK_STR(csvr_name(r), path);
	/* Past the last field: an empty string, length 0. */
	CHECK_STR(csvr_field(r, 99), "");
	CHECK_INT(csvr_fieldlen(r, 99), 0);
	csvr_close(r);

	/* A record of 300 fields. */
	for (i = 0; i < 300; i++)
		buf_printf(&b, "%s%d", i > 0 ? "," : "", i);
	buf_addc(&b, '\n');
	r = csvr_open(put("wide.csv", b.s, b.len), ',', NULL);
	CHECK_INT(csvr_next(r), 1);
	CHECK_INT(csvr_nfields(r), 300);
	ok = 1;
	for (i = 0; i < 300; i++)
		if (atoi(csvr_field(r, (size_t)i)) != i)
			ok = 0;
	CHECK(ok);
	CHECK_STR(csvr_field(r, 299), "299");
	CHECK_INT(csvr_fieldlen(r, 299), 3);
	CHECK_INT(csvr_next(r), 0);
	CHECK_INT(csvr_next(r), 0);
	csvr_close(r);
	buf_free(&b);

	/* "-" is stdin. */
	put("stdin.csv", "x,y\n", 4);
	if (freopen(path, "r", stdin) != NULL) {
		r = csvr_open("-", 0, NULL);
		CHECK_STR(csvr_name(r), "stdin");
		CHECK_INT(csvr_next(r), 1);
		CHECK_STR(csvr_field(r, 1), "y");
		csvr_close(r);
	} else
		CHECK(!"freopen stdin");
}

/* What csv_put and csv_row write, as a string. */
static const char *
written(int delim, const char *const *f, size_t n)
{
	static char *s;
	size_t len;
	FILE *fp;

	free(s);
	s = NULL;
	fp = open_memstream(&s, &len);
	if (n == 1)
		csv_put(fp, delim, f[0]);
	else
		csv_row(fp, delim, f, n);
	fclose(fp);
	return s;
}

static void
test_write(void)
{
	const char *f[] = { "plain", "a,b", "say \"hi\"", "two\nlines",
	    "cr\r", "tab\there", "", NULL, " sp " };
	const char *row[] = { "a", "b,c", NULL, "d\"" };
	const char *w;

	CHECK_STR(written(',', &f[0], 1), "plain");
	CHECK_STR(written(',', &f[1], 1), "\"a,b\"");
	CHECK_STR(written(',', &f[2], 1), "\"say \"\"hi\"\"\"");
	CHECK_STR(written(',', &f[3], 1), "\"two\nlines\"");
	CHECK_STR(written(',', &f[4], 1), "\"cr\r\"");
	CHECK_STR(written(',', &f[5], 1), "tab\there");
	CHECK_STR(written('\t', &f[5], 1), "\"tab\there\"");
	CHECK_STR(written('\t', &f[1], 1), "a,b");
	CHECK_STR(written(',', &f[6], 1), "");
	CHECK_STR(written(',', &f[7], 1), "");
	CHECK_STR(written(',', &f[8], 1), " sp ");
	CHECK_STR(written(',', row, 4), "a,\"b,c\",,\"d\"\"\"\n");
	CHECK_STR(written('\t', row, 4), "a\tb,c\t\t\"d\"\"\"\n");

	/* What the writer writes, the reader reads back. */
	w = written(',', row, 4);
	CHECK_STR(readpath(put("back.csv", w, strlen(w)), ',', NULL),
	    "1:a|b,c||d\"\n");
	w = written(',', f, 9);
	CHECK_STR(readpath(put("back2.csv", w, strlen(w)), ',', NULL),
	    "1:plain|a,b|say \"hi\"|two\\nlines|cr\r|tab\there|||"
	    " sp \n");
}

/*
 * Files longer than the batches the reader fills ahead: the same records,
 * line numbers and error either way, and a reader closed early.
 */
static void
test_ahead(void)
{
	struct buf big = { 0 }, plain = { 0 };
	struct csvr *r;
	int i, n = 0;

	buf_adds(&big, "id,name,note\n");
	for (i = 1; i <= 5000; i++)
		buf_printf(&big, i % 7 ? "%d,名%d,x\n" : "%d,\"a\nb\",%d\n", i, i);
	ahead = 0;
	put("ahead.csv", big.s, big.len);
	buf_adds(&plain, readpath(path, 0, NULL));
	ahead = 1;
	CHECK_STR(readpath(path, 0, NULL), plain.s);
	CHECK_INT(nrec, 5001);
	/* A broken quote far in: the same line and message. */
	buf_adds(&big, "5001,\"open\n");
	for (i = 0; i < 2000; i++)
		buf_adds(&big, "more,lines\n");
	put("ahead-bad.csv", big.s, big.len);
	ahead = 0;
	buf_reset(&plain);
	buf_adds(&plain, readpath(path, 0, NULL));
	CHECK(error_has(plain.s, "unterminated quoted field"));
	ahead = 1;
	CHECK_STR(readpath(path, 0, NULL), plain.s);
	/* Closed after a few records, with the thread waiting on the ring. */
	r = csvr_open(path, 0, NULL);
	CHECK(r != NULL && csvr_read_ahead(r) == 0);
	while (n < 10 && csvr_next(r) == 1)
		n++;
	CHECK_INT(n, 10);
	CHECK_STR(csvr_field(r, 1), "名9");
	csvr_close(r);
	/* Not twice, and not once records were read. */
	r = csvr_open(path, 0, NULL);
	CHECK(r != NULL && csvr_next(r) == 1 && csvr_read_ahead(r) == -1);
	csvr_close(r);
	ahead = 0;
	buf_free(&big);
	buf_free(&plain);
}

/* Reads n bytes of data as the file name; returns readpath's answer. */
static const char *
readbuf(const char *name, const struct buf *b, int delim)
{
	return readpath(put(name, b->s, b->len), delim, NULL);
}

static void
test_cr(void)
{
	/* CR-only line ends (old Mac files); a CR in quotes is a LF. */
	CHECK_STR(READ("cr.csv", "a,b\r1,\"x\ry\"\r\r2,3\r", ','),
	    "1:a|b\n2:1|x\\ny\n5:2|3\n");
	CHECK_STR(READ("crnoeol.csv", "a,b\r1,2", 0), "1:a|b\n2:1|2\n");
	/* In a file with line feeds, a lone CR is data. */
	CHECK_STR(READ("crdata.csv", "a,b\n1,x\ry\n", ','),
	    "1:a|b\n2:1|x\ry\n");
	CHECK_STR(READ("crdata2.csv", "a,b\r1,2\r\n3,4\n", ','),
	    "1:a|b\r1|2\n2:3|4\n");
}

static void
test_limits(void)
{
	struct buf b = { 0 };
	const char *got;
	size_t i;

	/* A NUL byte is refused on the line it is on. */
	got = READ("nul3.csv", "a,b\n1,\"x\ny\0z\"\n", ',');
	CHECK_STR(got, "1:a|b\n3:error: binary data (a NUL byte); is this "
	    "a CSV file?\n");
	/* A field of 4 MiB is read; one byte more is not, quoted or not. */
	buf_adds(&b, "id,note\n1,");
	for (i = 0; i < (4 << 20); i++)
		buf_addc(&b, 'x');
	buf_adds(&b, "\n");
	got = readbuf("4mib.csv", &b, ',');
	CHECK(strncmp(got, "1:id|note\n2:1|xxx", 17) == 0);
	CHECK_INT(nrec, 2);
	b.len -= 1;
	buf_adds(&b, "x\n");
	CHECK_STR(readbuf("4mib1.csv", &b, ','), "1:id|note\n2:error: field "
	    "'note': longer than 4194304 bytes\n");
	b.s[10] = '"';
	b.len -= 1;
	buf_adds(&b, "\"\n");
	CHECK_STR(readbuf("4mib1q.csv", &b, ','), "1:id|note\n2:error: "
	    "field 'note': longer than 4194304 bytes\n");
	/* Quoted, with delimiters and line breaks in it. */
	buf_reset(&b);
	buf_adds(&b, "id,note\n1,\"");
	for (i = 0; i < (3 << 20); i++)
		buf_adds(&b, i % 2 ? "x\n" : "x,");
	buf_adds(&b, "\"\n");
	CHECK(error_has(readbuf("4mib1ql.csv", &b, ','),
	    "2:error: field 'note': longer than 4194304 bytes (an "
	    "unterminated quote?)"));
	/* A record of more than 16 MiB, in short fields. */
	buf_reset(&b);
	buf_adds(&b, "id,note\n");
	for (i = 0; i < (8 << 20) + 1; i++)
		buf_adds(&b, "1,");
	buf_adds(&b, "\n");
	CHECK_STR(readbuf("16mib.csv", &b, ','), "1:id|note\n2:error: "
	    "record longer than 16777216 bytes (an unterminated quote?)\n");
	/* A field too long in the header: its number. */
	buf_reset(&b);
	buf_adds(&b, "id,");
	for (i = 0; i < (4 << 20) + 1; i++)
		buf_addc(&b, 'n');
	CHECK_STR(readbuf("longhead.csv", &b, 0), "1:error: field 2: longer "
	    "than 4194304 bytes\n");
	buf_free(&b);
}

static void
test_encodings(void)
{
	struct buf b = { 0 };
	size_t i;

	/* Latin-1 whose every byte above 0x7f pairs with the next as Big5. */
	static const char latin1[] = "name\nRen\xe9" "e\nM\xfcller\n";

	CHECK_STR(READ("latin1.csv", latin1, ','), "1:name\n2:error: text "
	    "could be Big5 or Latin-1; name it with --encoding big5 or "
	    "--encoding latin1\n");
	CHECK_STR(readpath(path, ',', "latin1"),
	    "1:name\n2:Ren\xc3\xa9" "e\n3:M\xc3\xbcller\n");
	/* Not Big5 at all (an e-acute before a comma): say Latin-1. */
	CHECK(error_has(READ("latin1b.csv", "name,x\nJos\xe9,1\n", ','),
	    "2:error: text is neither UTF-8 nor Big5 (CP950) and looks like "
	    "Latin-1; name it with --encoding latin1"));
	/* One line alone looks like Latin-1; the next is Chinese. */
	CHECK_STR(READ("big5two.csv", "n\n\xe9\x65\n\xa4\xfd\n", ','),
	    "1:n\n2:\xe5\xb6\xaa\n3:\xe7\x8e\x8b\n");
	CHECK_STR(enc, "CP950");
	/* A UTF-8 line first: UTF-8 wins, the bad line is passed on. */
	CHECK_STR(READ("utf8first.csv", "n\n\xc3\xa9\nRen\xe9" "e\n", ','),
	    "1:n\n2:\xc3\xa9\n3:Ren\xe9" "e\n");
	CHECK_STR(enc, "UTF-8");
	/* The first block may end inside a character. */
	for (i = 0; i < (64 << 10) - 1; i++)
		buf_addc(&b, 'a');
	buf_adds(&b, "\xc3\xa9\n");
	readbuf("cut8.csv", &b, ',');
	CHECK_INT(nrec, 1);
	CHECK_STR(enc, "UTF-8");
	b.len -= 3;
	buf_adds(&b, "\xa4\xfd\n");
	readbuf("cut5.csv", &b, ',');
	CHECK_INT(nrec, 1);
	CHECK_STR(enc, "CP950");
	CHECK(strstr(res.s, "a\xe7\x8e\x8b\n") != NULL);
	buf_free(&b);
}

/* Every case that reads a file, in the caller's thread or ahead. */
static void
test_reading(int read_ahead)
{
	ahead = read_ahead;
	test_basic();
	test_quoting();
	test_lines();
	test_delims();
	test_bom();
	test_big5();
	test_errors();
	test_misc();
	test_cr();
	test_limits();
	test_encodings();
	ahead = 0;
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_reading(0);
	test_reading(1);
	test_write();
	test_ahead();
	buf_free(&res);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("could not remove %s\n", dir);
	return unit_done();
}
