/*
 * fuzz_csv.c: feeds arbitrary bytes to the CSV reader as a file, and
 * every field it returns through the normalisers and parsers an import
 * uses.  Checks what the reader promises: fields are NUL-free and as long
 * as csvr_fieldlen says, records begin on increasing lines, converted
 * text is UTF-8, records that the writer can represent come back the
 * same after csv_putn and a second read, and a tap sees every byte.
 */
#include <sys/mman.h>

#include <unistd.h>

#include "fuzz.h"

#ifndef FUZZ_NAME
#define FUZZ_NAME LLVMFuzzerTestOneInput
#endif

int	FUZZ_NAME(const uint8_t *, size_t);

/* Returns a memfd holding the n bytes at p, with its /proc path. */
static int
fcsv_file(const void *p, size_t n, char path[64])
{
	int fd;

	FUZZ_ASSERT((fd = memfd_create("fuzz_csv", 0)) != -1);
	FUZZ_ASSERT(n == 0 || write(fd, p, n) == (ssize_t)n);
	snprintf(path, 64, "/proc/self/fd/%d", fd);
	return fd;
}

/* Runs one field through what crm-import does with it. */
static void
fcsv_field(const char *s, size_t n)
{
	struct buf norm = { 0 }, out = { 0 };
	const char *why;
	int64_t v;

	if (text_norm(s, n, &norm) == 0) {
		FUZZ_ASSERT(utf8_valid(norm.s, norm.len));
		(void)phone_norm(norm.s, &out);
		(void)email_norm(norm.s, &out);
		(void)account_norm(norm.s, &out);
		(void)text_width(norm.s);
		(void)money_parse(norm.s, &v, &why);
		(void)qty_parse(norm.s, &v, &why);
		(void)date_parse(norm.s, DATE_MDY, &v, &why);
	} else
		FUZZ_ASSERT(!utf8_valid(s, n));
	buf_free(&norm);
	buf_free(&out);
}

/* Appends record r to key, length-prefixed, so any bytes compare. */
static void
fcsv_key(const struct csvr *r, struct buf *key)
{
	size_t i;

	buf_printf(key, "%zu[", csvr_nfields(r));
	for (i = 0; i < csvr_nfields(r); i++) {
		buf_printf(key, "%zu:", csvr_fieldlen(r, i));
		buf_add(key, csvr_field(r, i), csvr_fieldlen(r, i));
	}
	buf_addc(key, ']');
}

/*
 * Whether the writer and reader can carry record r unchanged: the reader
 * turns CRLF into LF and skips blank lines, strips a BOM and sniffs for
 * spreadsheets on the first line (which any record may become once the
 * ones before it are left out), and guesses the encoding.
 */
static int
fcsv_writable(const struct csvr *r)
{
	const char *f;
	size_t i, n;

	if (csvr_nfields(r) == 1 && csvr_fieldlen(r, 0) == 0)
		return 0;
	for (i = 0; i < csvr_nfields(r); i++) {
		f = csvr_field(r, i);
		n = csvr_fieldlen(r, i);
		if (memchr(f, '\r', n) != NULL || !utf8_valid(f, n))
			return 0;
	}
	f = csvr_field(r, 0);
	if (strncmp(f, "\357\273\277", 3) == 0 ||
	    strncmp(f, "PK\003\004", 4) == 0 ||
	    strncmp(f, "\320\317\021\340", 4) == 0)
		return 0;
	return 1;
}

/*
 * Reads every record of the file at path; returns the number read, and
 * the keys of the writable ones in key and their CSV in w (when not
 * NULL).
 */
static long
fcsv_read(const char *path, int delim, struct buf *key, FILE *w)
{
	struct csvr *r;
	long n = 0, line = 0;
	size_t i;
	int rc;

	FUZZ_ASSERT((r = csvr_open(path, delim, NULL)) != NULL);
	while ((rc = csvr_next(r)) == 1) {
		FUZZ_ASSERT(csvr_nfields(r) >= 1);
		FUZZ_ASSERT(csvr_line(r) > line);
		line = csvr_line(r);
		for (i = 0; i < csvr_nfields(r); i++) {
			FUZZ_ASSERT(strlen(csvr_field(r, i)) ==
			    csvr_fieldlen(r, i));
			if (strcmp(csvr_encoding(r), "UTF-8") != 0)
				FUZZ_ASSERT(utf8_valid(csvr_field(r, i),
				    csvr_fieldlen(r, i)));
			if (w != NULL)
				fcsv_field(csvr_field(r, i),
				    csvr_fieldlen(r, i));
		}
		if (fcsv_writable(r)) {
			fcsv_key(r, key);
			if (w != NULL) {
				for (i = 0; i < csvr_nfields(r); i++) {
					if (i > 0)
						putc(',', w);
					csv_putn(w, ',', csvr_field(r, i),
					    csvr_fieldlen(r, i));
				}
				putc('\n', w);
			}
		}
		n++;
	}
	FUZZ_ASSERT(rc == 0 || rc == -1);
	if (rc == -1)
		FUZZ_ASSERT(*csvr_error(r) != '\0');
	else if (csvr_size(r) >= 0)
		FUZZ_ASSERT(csvr_bytes(r) == csvr_size(r));
	csvr_close(r);
	return n;
}

static void
fcsv_tap(void *arg, const void *p, size_t n)
{
	(void)p;
	*(size_t *)arg += n;
}

/*
 * Reads the file at path as TSV in a named encoding, with a tap, and
 * checks the tap saw every byte the reader counted.
 */
static void
fcsv_named(const char *path, const char *encoding)
{
	struct csvr *r;
	size_t tapped = 0, i;
	int rc;

	FUZZ_ASSERT((r = csvr_open(path, '\t', encoding)) != NULL);
	csvr_set_tap(r, fcsv_tap, &tapped);
	while ((rc = csvr_next(r)) == 1)
		for (i = 0; i < csvr_nfields(r); i++) {
			FUZZ_ASSERT(strlen(csvr_field(r, i)) ==
			    csvr_fieldlen(r, i));
			if (strcmp(encoding, "UTF-8") != 0)
				FUZZ_ASSERT(utf8_valid(csvr_field(r, i),
				    csvr_fieldlen(r, i)));
		}
	FUZZ_ASSERT(rc == 0 || rc == -1);
	FUZZ_ASSERT((off_t)tapped == csvr_bytes(r));
	csvr_close(r);
}

/*
 * Everything a reader gives for the file at path, read in the caller's
 * thread or ahead in another: records, lines, the end, the error, the
 * encoding and the bytes counted.
 */
static void
fcsv_trace(const char *path, int ahead, struct buf *out)
{
	struct csvr *r;
	int rc;

	FUZZ_ASSERT((r = csvr_open(path, 0, NULL)) != NULL);
	if (ahead)
		FUZZ_ASSERT(csvr_read_ahead(r) == 0);
	while ((rc = csvr_next(r)) == 1) {
		buf_printf(out, "%ld:", csvr_line(r));
		fcsv_key(r, out);
	}
	buf_printf(out, "end %d at %ld: %s; %s; %lld bytes", rc, csvr_line(r),
	    rc < 0 ? csvr_error(r) : "", csvr_encoding(r),
	    (long long)csvr_bytes(r));
	csvr_close(r);
}

int
FUZZ_NAME(const uint8_t *data, size_t size)
{
	char path[64], *csv = NULL;
	size_t csvlen = 0;
	struct buf k1 = { 0 }, k2 = { 0 };
	FILE *w;
	int fd, fd2;

	fd = fcsv_file(data, size, path);
	/* Reading ahead in a thread changes nothing a caller sees. */
	fcsv_trace(path, 0, &k1);
	fcsv_trace(path, 1, &k2);
	FUZZ_ASSERT(k1.len == k2.len && memcmp(k1.s, k2.s, k1.len) == 0);
	buf_reset(&k1);
	buf_reset(&k2);
	FUZZ_ASSERT((w = open_memstream(&csv, &csvlen)) != NULL);
	(void)fcsv_read(path, 0, &k1, w);
	FUZZ_ASSERT(fclose(w) == 0);
	/* The same bytes with the encoding named, not guessed. */
	fcsv_named(path, size > 0 && data[0] & 1 ? "CP950" : "UTF-8");
	close(fd);

	/* What the writer wrote reads back as the same records. */
	fd2 = fcsv_file(csv, csvlen, path);
	(void)fcsv_read(path, ',', &k2, NULL);
	close(fd2);
	if (k1.len != k2.len || (k1.len > 0 && memcmp(k1.s, k2.s,
	    k1.len) != 0)) {
		fprintf(stderr, "round trip differs:\n%.*s\n%.*s\n",
		    (int)k1.len, k1.s, (int)k2.len, k2.s);
		FUZZ_ASSERT(!"csv_putn output reads back the same");
	}
	free(csv);
	buf_free(&k1);
	buf_free(&k2);
	return 0;
}
