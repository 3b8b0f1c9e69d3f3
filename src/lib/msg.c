/*
 * msg.c: the program's name, --version, usage errors, the final check
 * of stdout, and crm_mask() for a customer's value in a message.
 * Warnings and errors themselves use err(3) and warnx(3).
 */
#include <err.h>
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

const char *crm_prog = "crm";

/*
 * Sets the program name for messages and the locale for character
 * classification only, so that the decimal point stays '.'.
 */
void
crm_init(const char *argv0)
{
	const char *p;

	setlocale(LC_CTYPE, "");
	/* Every program calls SQLite from its main thread only (the
	 * thread that reads a CSV file ahead never touches the store): it
	 * need not lock around every call, some 5% of a long list. */
	store_single_thread();
	if (argv0 != NULL) {
		p = strrchr(argv0, '/');
		crm_prog = p != NULL ? p + 1 : argv0;
	}
}

void
crm_version(void)
{
	printf("%s %s\n", crm_prog, CRM_VERSION);
	exit(crm_finish_stdout());
}

/*
 * Flushes stdout and reports a write error (a full disk, a closed pipe
 * under SIGPIPE ignored).  Returns the exit status to use.
 */
int
crm_finish_stdout(void)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (errno == EPIPE)
			return 0;
		warn("stdout");
		return EXIT_DATA;
	}
	return 0;
}

/* --help: the synopsis and the help text on stdout, exit 0. */
void
crm_help(const char *synopsis, const char *help)
{
	fputs(synopsis, stdout);
	fputs("\n", stdout);
	fputs(help, stdout);
	exit(crm_finish_stdout());
}

/* Prints "prog: message" and the synopsis to stderr, exits 2. */
void
crm_usage_error(const char *synopsis, const char *fmt, ...)
{
	va_list ap;

	if (fmt != NULL) {
		fprintf(stderr, "%s: ", crm_prog);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fprintf(stderr, "%s", synopsis);
	exit(EXIT_USAGE);
}

/* Appends byte c to out (at *n, below CRM_MASK_SIZE - 1), controls as '?'. */
static void
mask_put(char *out, size_t *n, unsigned char c)
{
	if (*n >= CRM_MASK_SIZE - 1)
		return;
	out[(*n)++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
}

/* 1 for a C1 control or a bidi mark, override or isolate (UTF-8 at p,
 * len bytes): they could make a log line read otherwise than it is. */
static int
mask_invisible(const unsigned char *p, size_t len)
{
	if (len == 2)
		return p[0] == 0xc2 && p[1] < 0xa0;
	if (len != 3 || p[0] != 0xe2)
		return 0;
	return (p[1] == 0x80 && ((p[2] >= 0x8e && p[2] <= 0x8f) ||
	    (p[2] >= 0xaa && p[2] <= 0xae))) ||
	    (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9);
}

/*
 * Copies the first `chars` characters of s (UTF-8 when utf8, else bytes,
 * the non-ASCII ones as '?') to out, only whole characters and only
 * while they fit in `room` more bytes; invisible ones as '?'.
 */
static void
mask_copy(char *out, size_t *n, const char *s, size_t chars, int utf8,
    size_t room)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, end = *n + room;

	if (end > CRM_MASK_SIZE - 1)
		end = CRM_MASK_SIZE - 1;
	for (; chars > 0 && *p != '\0'; chars--) {
		if (!utf8 || *p < 0x80) {
			if (*n + 1 > end)
				return;
			mask_put(out, n, *p < 0x80 ? *p : '?');
			p++;
			continue;
		}
		for (len = 1; (p[len] & 0xc0) == 0x80; len++)
			;
		if (*n + len > end)
			return;
		if (mask_invisible(p, len))
			mask_put(out, n, 0);
		else {
			memcpy(out + *n, p, len);
			*n += len;
		}
		p += len;
	}
}

/* The characters of s (UTF-8 when utf8, else bytes). */
static size_t
mask_chars(const char *s, int utf8)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (!utf8 || ((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* The suffix of s holding its last `chars` characters. */
static const char *
mask_tail(const char *s, size_t chars, int utf8)
{
	const char *p = s + strlen(s);

	while (chars > 0 && p > s) {
		p--;
		if (!utf8 || ((unsigned char)*p & 0xc0) != 0x80)
			chars--;
	}
	return p;
}

/* 1 when s looks like a phone number: 7 or more digits, and else only
 * '+' in front, spaces, '-', '.', '(' and ')'. */
static int
mask_is_phone(const char *s)
{
	size_t digits = 0;

	if (*s == '+')
		s++;
	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (strchr(" -.()", *s) == NULL)
			return 0;
	}
	return digits >= 7;
}

const char *
crm_mask(const char *value, char out[CRM_MASK_SIZE])
{
	const char *at, *p;
	size_t n = 0, chars, keep, d;
	int utf8;

	if (value == NULL || *value == '\0') {
		out[0] = '\0';
		return out;
	}
	utf8 = utf8_valid(value, strlen(value));
	if (mask_is_phone(value)) {
		if (*value == '+')
			mask_put(out, &n, '+');
		for (p = value, d = 0; *p != '\0' && d < 4; p++)
			if (*p >= '0' && *p <= '9') {
				mask_put(out, &n, *p);
				d++;
			}
		memcpy(out + n, "***", 3);
		n += 3;
		for (d = 0, p = value + strlen(value); p > value && d < 3; )
			if (*--p >= '0' && *p <= '9')
				d++;
		for (; *p != '\0'; p++)
			if (*p >= '0' && *p <= '9')
				mask_put(out, &n, *p);
	} else if ((at = strrchr(value, '@')) != NULL) {
		if (at > value)
			mask_copy(out, &n, value, 1, utf8, 4);
		memcpy(out + n, "***@", 4);
		n += 4;
		mask_copy(out, &n, at + 1, SIZE_MAX, utf8, CRM_MASK_SIZE);
	} else {
		chars = mask_chars(value, utf8);
		keep = chars / 4;
		mask_copy(out, &n, value, keep < 4 ? keep : 4, utf8, 16);
		memcpy(out + n, "***", 3);
		n += 3;
		mask_copy(out, &n, mask_tail(value, keep < 3 ? keep : 3, utf8),
		    3, utf8, 12);
	}
	out[n] = '\0';
	return out;
}
